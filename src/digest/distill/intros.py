"""Self-introductions: found in chat, distilled into a draft profile.

A self-introduction is a top-level message that opens like one ("大家好，我是…", "自我介绍",
"Hi all, I'm …", "my name is …") and is posted within ``window`` of the member's arrival in
the group: their join record, or their first message when the export has none (founding
members, members added by someone else). Each member has at most one: the first.

The draft is read clause by clause. A clause that hires, seeks a job or partners, or learns
says what the member *seeks*; one that offers help says what they *offer*; the skills named
in the other clauses are what they *know*. Only words of the skill vocabulary count, so a
draft never holds free chat text beyond the role and company phrases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from digest.distill.profiles import Nickname, NicknameFormat
from digest.model import Kind, Message

SEEKING = ("job", "hiring", "partners", "learning")
"""What a member may seek, as the draft profile names it (a curator may write anything)."""

# Skill vocabulary: (English label, Chinese label, synonyms). A short all-capitals synonym
# ("R", "ML", "Go") only matches in capitals; Latin words match whole words, Chinese anywhere.
BUILTIN_SKILLS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Python", "Python", ("python",)),
    ("SQL", "SQL", ("sql",)),
    ("pandas", "pandas", ("pandas",)),
    ("R", "R", ("R",)),
    ("Excel", "Excel", ("excel",)),
    ("Tableau", "Tableau", ("tableau",)),
    ("Power BI", "Power BI", ("power bi", "powerbi")),
    ("Go", "Go", ("Go", "golang")),
    ("Java", "Java", ("java",)),
    ("JavaScript", "JavaScript", ("javascript", "typescript")),
    ("Spark", "Spark", ("spark", "pyspark")),
    ("Airflow", "Airflow", ("airflow",)),
    ("dbt", "dbt", ("dbt",)),
    ("Postgres", "Postgres", ("postgres", "postgresql")),
    ("MySQL", "MySQL", ("mysql",)),
    ("Linux", "Linux", ("linux",)),
    ("Docker", "Docker", ("docker",)),
    ("git", "git", ("git", "github")),
    ("Jupyter", "Jupyter", ("jupyter",)),
    ("scikit-learn", "scikit-learn", ("scikit-learn", "sklearn")),
    ("matplotlib", "matplotlib", ("matplotlib",)),
    ("APIs", "API", ("api", "apis")),
    ("API design", "API 设计", ("api design", "api 设计")),
    ("testing", "测试", ("testing", "测试")),
    ("statistics", "统计", ("statistics", "stats", "统计")),
    ("causal inference", "因果推断", ("causal inference", "因果推断")),
    ("machine learning", "机器学习", ("machine learning", "ML", "机器学习")),
    ("deep learning", "深度学习", ("deep learning", "深度学习")),
    ("data engineering", "数据工程", ("data engineering", "数据工程")),
    ("data analysis", "数据分析", ("data analysis", "data analytics", "数据分析")),
    ("data visualization", "数据可视化", ("data visualization", "data visualisation", "数据可视化")),
    ("data mining", "数据挖掘", ("data mining", "数据挖掘")),
    ("mini programs", "小程序", ("mini program", "mini programs", "小程序")),
    ("product management", "产品管理", ("product management", "产品管理")),
)

_GREETING = re.compile(
    r"自我介绍|大家好[\s,，.。!！~～、]*(?:我是|我叫)|^\s*(?:我是|我叫)\S{1,12}[，,]|"
    r"\b(?:hi|hello|hey)\s+(?:all|everyone|everybody|folks|there|team)\b[\s,!.]*(?:i'?m|i am|my name is)\b|"
    r"\b(?:let me |quick(?:ly)? )?introduc(?:e|ing) myself\b|\bmy name is\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[，。；;！!？?\n]+|(?<=[.])\s+|,\s+(?:and|but|so)\s+|\s+and\s+(?=I(?:'m|\s))")
_CUES: dict[str, re.Pattern[str]] = {
    "hiring": re.compile(
        r"在招|招聘|招人|招.{0,4}[名个位]|要求会|加分|发简历|内推给我|"
        r"\bhiring\b|\bwe(?:'re| are) looking for\b|\bopen (?:role|position)s?\b|\bjoin our team\b",
        re.IGNORECASE,
    ),
    "job": re.compile(
        r"找工作|求职|转行|跳槽|找实习|求内推|"
        r"\b(?:looking for|seeking|searching for|open to)\b.*"
        r"\b(?:job|role|position|work|internship|opportunit\w*)\b",
        re.IGNORECASE,
    ),
    "partners": re.compile(
        r"伙伴|搭档|合作|一起(?:学|刷|准备|做)|"
        r"\bco-?founders?\b|\bpartners?\b|\bcollaborat\w*|\bstudy (?:buddy|buddies|group)\b|\bteam up\b",
        re.IGNORECASE,
    ),
    "learning": re.compile(
        r"自学|想学|学点|学一下|在学|(?<!机器)(?<!深度)学习|零基础|入门|"
        r"(?<!machine )(?<!deep )\blearning\b|\btrying to (?:get better|learn)\b|"
        r"\bgetting better at\b|\bwant to learn\b|"
        r"\bmoving\b.*\bto\b|\bnew to\b|\bpicking up\b",
        re.IGNORECASE,
    ),
    "offer": re.compile(
        r"乐意|可以帮|欢迎.{0,6}问我|接.{0,16}(?:项目|外包|单子)|外包|"
        r"\bhappy to help\b|\bglad to help\b|\bcan help\b|\bping me\b|\bask me\b|\bhappy to share\b",
        re.IGNORECASE,
    ),
}
_ROLE_EN = (
    re.compile(
        r"\bworking as (?:a |an )?(?P<role>[^,.;()]+?)"
        r"(?: at (?:a |an |the )?(?P<company>[^,.;()]+))?\s*(?:[,.;(]|$)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bI(?:'m| am) \w[\w .'-]*? from [^,]+, (?:a |an )(?P<role>[^,.;()]+?)\s*(?:[,.;(]|$)", re.IGNORECASE
    ),
    re.compile(
        r"\bI work (?:as (?:a |an )?(?P<role>[^,.;()]+?) )?at (?:a |an |the )?(?P<company>[^,.;()]+)",
        re.IGNORECASE,
    ),
)
_ROLE_STOP = re.compile(r"\s+(?:on|in|for|at|with)\s+.*$", re.IGNORECASE)
_ROLE_ZH = (
    re.compile(r"做(?:了[\d一二两三四五六七八九十几]+年)?\s*(?P<role>[^\s，。；、]{2,8}|[A-Za-z]{2,12})$"),
    re.compile(
        r"^(?:[^\s，。]{2,3}的)?(?P<role>[^\s，。；的]{0,6}(?:老师|学生|工程师|经理|设计师|分析师|者|顾问|医生|律师))$"
    ),
)
_COMPANY_ZH = re.compile(r"公司[（(](?P<company>[^）)]{2,30})[）)]")
_CITY_EN = re.compile(r"\bfrom (?P<city>[A-Z][\w'-]*(?: [A-Z][\w'-]*)*)")
_CITY_ZH = (
    re.compile(r"(?:在|来自|坐标|base)\s*(?P<city>[^\s，。的]{2,3}?)(?:做|读|工作|上班|生活|[，。]|$)"),
    re.compile(r"(?:我是|^)(?P<city>[^\s，。我的]{2,3})的"),
)
_NOT_CITY = frozenset({"新来", "新人", "刚来", "这里", "群里", "公司", "学校", "家里", "大家"})


@dataclass(frozen=True, slots=True)
class Skill:
    """One entry of the skill vocabulary."""

    label: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Intro:
    """A self-introduction and the draft profile read from it."""

    member_id: str
    message: Message
    city: str = ""
    role: str = ""
    company: str = ""
    skills: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    seeking: tuple[str, ...] = ()  # categories of SEEKING, then "learning: <skill>" entries


@dataclass(frozen=True, slots=True)
class ProfileRules:
    """How distillation reads people: the nickname convention, skills, the intro window."""

    nickname: NicknameFormat = field(default_factory=NicknameFormat)
    vocabulary: tuple[Skill, ...] = field(default_factory=lambda: skill_vocabulary())
    window: timedelta = timedelta(days=7)

    @classmethod
    def of(
        cls,
        separators: Sequence[str],
        fields: Sequence[str],
        skills: Mapping[str, Sequence[str]],
        language: str = "en",
        intro_days: int = 7,
    ) -> ProfileRules:
        """The rules from the plugin's settings (``nickname``, ``skills``, ``intro_days``)."""
        return cls(
            NicknameFormat(tuple(separators), tuple(fields)),
            skill_vocabulary(skills, language),
            timedelta(days=intro_days),
        )


def skill_vocabulary(
    extra: Mapping[str, Sequence[str]] | None = None, language: str = "en"
) -> tuple[Skill, ...]:
    """The built-in vocabulary in the site language, plus the community's ``skills`` setting."""
    skills = [Skill(zh if language == "zh" else en, (en, *synonyms)) for en, zh, synonyms in BUILTIN_SKILLS]
    for label, synonyms in (extra or {}).items():
        skills.append(Skill(label, (label, *synonyms)))
    return tuple(skills)


def is_intro_text(text: str) -> bool:
    """Does the message open like a self-introduction?"""
    return bool(_GREETING.search(text[:200]))


def find_intros(
    messages: Iterable[Message],
    window: timedelta,
    vocabulary: Sequence[Skill],
    nicknames: Mapping[str, Nickname],
) -> list[Intro]:
    """The first self-introduction of each member, from one group's messages in time order."""
    messages = list(messages)
    arrived: dict[str, datetime] = {}
    for m in messages:
        if m.author_id:
            arrived.setdefault(m.member_id, m.timestamp)
    return accept_intros(intro_candidates(messages), arrived, window, vocabulary, nicknames)


def intro_candidates(messages: Iterable[Message]) -> dict[str, Message]:
    """Member -> their first message (in time order) that reads as a self-introduction: a text
    of their own, not a reply."""
    found: dict[str, Message] = {}
    for m in messages:
        if m.kind is not Kind.TEXT or m.reply_to is not None or not m.author_id:
            continue
        if m.member_id not in found and is_intro_text(m.text):
            found[m.member_id] = m
    return found


def accept_intros(
    candidates: Mapping[str, Message],
    arrived: Mapping[str, datetime],
    window: timedelta,
    vocabulary: Sequence[Skill],
    nicknames: Mapping[str, Nickname],
) -> list[Intro]:
    """The intros of the candidates written within ``window`` of their author's arrival (their
    first message of any kind): a later one is small talk, and so is every one after it."""
    return [
        read_intro(m, vocabulary, nicknames.get(member))
        for member, m in candidates.items()
        if m.timestamp - arrived[member] <= window
    ]


def read_intro(message: Message, vocabulary: Sequence[Skill], nickname: Nickname | None = None) -> Intro:
    """The draft profile of one self-introduction (the nickname's city and role come first)."""
    skills: list[str] = []
    offers: list[str] = []
    seeking: list[str] = []
    learning: list[str] = []
    role = company = city = ""
    for clause in (c.strip() for c in _CLAUSE.split(message.text)):
        if not clause:
            continue
        cues = {name for name, cue in _CUES.items() if cue.search(clause)}
        seeking.extend(c for c in SEEKING if c in cues)
        terms = find_skills(clause, vocabulary)
        company = company or _company(clause)
        city = city or _city(clause)
        if "hiring" in cues or "job" in cues:
            continue
        if "learning" in cues:
            learning.extend(terms)
        elif "offer" in cues:
            offers.extend(terms)
            skills.extend(terms)
        elif "partners" not in cues:
            skills.extend(terms)
            if not role:
                role, said = _role(clause)
                company = company or said
    if learning:
        seeking.append("learning")
    seeking = [*dict.fromkeys(c for c in SEEKING if c in seeking)]
    seeking.extend(f"learning: {t}" for t in dict.fromkeys(learning) if t not in skills)
    return Intro(
        member_id=message.member_id,
        message=message,
        city=(nickname.city if nickname and nickname.city else city),
        role=role or (nickname.role if nickname else ""),
        company=company,
        skills=tuple(dict.fromkeys(skills)),
        offers=tuple(dict.fromkeys(offers)),
        seeking=tuple(seeking),
    )


def find_skills(text: str, vocabulary: Sequence[Skill]) -> list[str]:
    """Skill labels named in ``text``, in order of appearance; the longest name wins an overlap."""
    spans: list[tuple[int, int, str]] = []
    for skill in vocabulary:
        for word in skill.synonyms:
            for match in _word(word).finditer(text):
                spans.append((match.start(), match.end(), skill.label))
    taken: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, label))
    return [*dict.fromkeys(label for _s, _e, label in sorted(taken))]


_WORDS: dict[str, re.Pattern[str]] = {}


def _word(word: str) -> re.Pattern[str]:
    pattern = _WORDS.get(word)
    if pattern is None:
        if re.search(r"[\u3400-\u9fff]", word):
            pattern = re.compile(re.escape(word))
        else:
            flags = 0 if (word.isupper() and len(word) <= 3) or word == "Go" else re.IGNORECASE
            pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", flags)
        _WORDS[word] = pattern
    return pattern


def _role(clause: str) -> tuple[str, str]:
    for pattern in _ROLE_EN:
        match = pattern.search(clause)
        if match and match.groupdict().get("role"):
            role = _ROLE_STOP.sub("", match.group("role")).strip()
            company = (match.groupdict().get("company") or "").strip()
            if role:
                return role, company
    for pattern in _ROLE_ZH:
        match = pattern.search(clause)
        if match:
            return match.group("role").strip(), ""
    return "", ""


def _company(clause: str) -> str:
    match = _COMPANY_ZH.search(clause)
    return match.group("company").strip() if match else ""


def _city(clause: str) -> str:
    match = _CITY_EN.search(clause)
    if match:
        return match.group("city")
    for pattern in _CITY_ZH:
        match = pattern.search(clause)
        if match and match.group("city") not in _NOT_CITY:
            return match.group("city")
    return ""
