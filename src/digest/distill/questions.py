"""Judging single messages: is it a knowledge question, is it thanks, what is its title.

Every judgement is a rule cascade over cheap text cues, in Chinese and English, and returns
the rule that decided with a confidence, so a curator can see why digest thought so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_END_PUNCT = r"[\s？?！!。~～…]*$"
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_CODE = re.compile(r"```.*?(?:```|$)|`[^`\n]*`", re.DOTALL)
_ADDRESSEE = re.compile(r"^\s*(?:@\S+[\s,:，：]+|[\w.\-`|\[\]]{2,24}[:,，：]\s+)")
_QUESTION_MARK = re.compile(r"[?？]")
_ENDS_WITH_MARK = re.compile(r"[?？][\s!！)）~～…]*$")

# Chinese question cues: particles at the end, interrogatives and asking verbs anywhere.
_ZH_END = re.compile(r"[吗呢么嘛]" + _END_PUNCT)
_ZH_DIRECT = re.compile(
    r"请问|求助|求推荐|求教|请教|怎么|怎样|如何|为什么|为啥|有没有|能不能|可不可以|有谁|谁知道|咋"
)
"""Chinese words that ask directly, question mark or not."""
_ZH_STRONG = re.compile(
    _ZH_DIRECT.pattern + r"|是否|哪里|哪儿|哪个|哪些|哪种|什么区别|啥区别|区别是|多少|几种|要不要|会不会|"
    r"该不该|是不是"
)
_ZH_WEAK = re.compile(r"什么|啥|哪|推荐|建议|还是")
_ZH_HELP = re.compile(r"求助|报错|出错|失败|不行|没用|搞不定|不知道怎么|卡住|打不开|装不上|跑不起来|怎么办")
_EN_START = re.compile(
    r"^(?:how|what|why|when|where|which|who|whom|whose|is there|are there|is it|does|do|did|can|could|"
    r"should|would|will|has|have|any(?:one|body)?|is|are|was|were)\b",
    re.IGNORECASE,
)
_EN_LEAD = re.compile(
    r"^(?:how|what|why|where|which|who|when|is (?:there|it|the|this|my|a)|are (?:there|the|my)|does|did|"
    r"do (?:i|you|we|they)|can (?:i|you|any|some)|could|should (?:i|we)|would|any(?:one|body) )\b",
    re.IGNORECASE,
)
"""An English sentence that opens with an asking word: a question without its question mark."""
_EN_STRONG = re.compile(
    r"\b(?:how (?:do|can|to|should|does|would|could|come|much|many|long|hard)|what(?:'s| is| are| does| do| "
    r"should| would| happens)|why (?:does|do|is|are|did|would|can't|won't)|where (?:do|can|is|are)|"
    r"which (?:one|is|are|should|do)|is (?:there|it possible)|are there|does any(?:one|body)|"
    r"any(?:one|body) (?:know|have|tried|used|seen|using)|any (?:ideas?|tips|suggestions?|recommendations?|"
    r"way)|should i|do i need|can i|how would i|what do you (?:recommend|suggest|use))\b",
    re.IGNORECASE,
)
_EN_HELP = re.compile(
    r"\b(?:help me|need help|i need help|please help|stuck (?:on|with)|can'?t figure|doesn'?t work|"
    r"does not work|not working|won'?t (?:work|start|boot|load|install)|can'?t (?:find|get|access|install|"
    r"connect|open|boot|login|log in|see)|cannot (?:find|get|access|install|connect|open|boot)|"
    r"any ideas|problem with|issue with|error|fails?|failing|crash(?:es|ed)?|broken|"
    r"(?:does|do|did) ?n(?:o|')t seem to|isn'?t (?:working|active|running|showing)|not (?:active|running|"
    r"showing up)|i (?:have|got|'ve got) (?:a|an|this|some) (?:problem|issue|error)|i'?m having (?:a |an )?"
    r"(?:problem|issue|trouble)|(?:can'?t|cannot|unable to) \w+)\b",
    re.IGNORECASE,
)
# Asks nothing: presence checks, greetings with a question mark.
_PHATIC = re.compile(
    r"^(?:有人吗|有人在吗|有人没|在吗|在不在|在么|大家好吗?|还有人吗|有没有人|人呢|是吧|对吧|好吗|真的吗|是吗|"
    r"是不是真的|anyone (?:here|around|online|alive|awake|there)|any ?one\??|is anyone (?:here|around|there)|"
    r"(?:hi|hello|hey|hiya|yo|morning|evening)(?: (?:all|everyone|guys|there|folks))?|you there|"
    r"are you there|still there|really|right|ok|okay|huh|what|seriously|sure|why not|how come|so)"
    + _END_PUNCT,
    re.IGNORECASE,
)
# Small talk: questions about one's day, mood, meals, weather, plans for fun.
_SOCIAL = re.compile(
    r"how are you|how(?:'s| is) (?:it going|everyone|everybody|life|your (?:day|weekend|week))|"
    r"how was (?:your|the) (?:day|weekend|week|holiday|trip|vacation)|what'?s up|wass?up|"
    r"吃了吗|吃饭了吗|最近怎么样|最近好吗|过得怎么样|周末(?:去哪|干嘛|干什么)|去哪玩|天气(?:怎么样|如何|好吗)|"
    r"想我了吗|睡了吗|下班了吗",
    re.IGNORECASE,
)
# Rhetorical: tag questions and exclamations that expect no answer.
_TAG_QUESTION = re.compile(
    r"(?:吧|对吧|是吧|不是吗|没错吧|好吧|难道不是)"
    + _END_PUNCT
    + r"|(?:,|，)?\s*(?:right|isn'?t it|aren'?t they|don'?t you think|no)\s*[?？]\s*$",
    re.IGNORECASE,
)
_RHETORICAL = re.compile(
    r"^(?:who cares|why not|guess what|how cool is that|can you believe|isn'?t (?:it|that) (?:great|cool|"
    r"amazing)|难道|谁知道呢|你敢信|这谁顶得住|有必要吗|至于吗)",
    re.IGNORECASE,
)
# Requests to do something, proposals and a team's questions about its own plans.
_REQUEST = re.compile(
    r"\b(?:can|could|would|will) you (?:please |pls |kindly )?(?:send|schedule|share|forward|email|e-mail|"
    r"call|ping|take|handle|book|bring|prepare|confirm|sign|remind|set up|cover|pick|join|come|review|"
    r"update|post|upload|invite|add me|dm|pm|message|text)\b"
    r"|\b(?:work|works|okay|ok|good) for (?:everyone|everybody|you all|all of you|you guys)\b"
    r"|(?:^|[-–—:,.!?]\s*|\bthough\s+)(?:shall we|should we|can we|could we|have we|did we|are we|do we|"
    r"let'?s|how about|what about)\b"
    r"|(?:能不能|可不可以|可以|麻烦)(?:你|您)?(?:帮我|帮忙)?(?:发|转|拉|约|订|带|改一下|看一下群)|"
    r"(?:我们|咱们)(?:几点|什么时候|哪天|要不要|是不是|定了)",
    re.IGNORECASE,
)
_THANKS_ANYWHERE = r"谢谢|感谢|多谢|谢啦|谢了|thx|解决了|搞定了?|可以了|好了好了|成功了|明白了|懂了|学到了"
_THANKS_WORDS = r"\b(?:thanks?|thank you|ty|works(?: now)?|worked|that did it|solved|fixed)\b"
_THANKS = re.compile(f"{_THANKS_ANYWHERE}|{_THANKS_WORDS}", re.IGNORECASE)
# The same, as two searches: each runs several times faster than the one pattern above, whose
# word boundaries keep the regular expression engine from skipping ahead to a likely start.
_THANKS_SPLIT = (re.compile(_THANKS_ANYWHERE, re.IGNORECASE), re.compile(_THANKS_WORDS, re.IGNORECASE))
# "It works": the asker says a suggestion solved the problem (stronger than thanks alone).
_WORKS = re.compile(
    r"解决了|搞定了?|可以了|成功了|好了|行了|跑通了|有效|管用|终于|"
    r"\b(?:it |that |this )?works?(?: now| perfectly| great)?\b|\bworked\b|\bthat did it\b|\bsolved\b|"
    r"\bfixed\b|\bdid the trick\b|\bshows up now\b|\bthat was it\b|\bcome[s]? out right\b|\bperfect\b",
    re.IGNORECASE,
)
# The suggestion did not help: such a reply never accepts the answer it replies to.
_NEGATIVE = re.compile(
    r"还是(?:不|没|报错|一样|方块|乱码|不行)|不行|没用|不管用|没效果|无效|没解决|试了.{0,6}(?:不|没)|"
    r"\b(?:didn'?t|doesn'?t|does not|did not|still (?:doesn'?t|does not|not|fails?|get|getting|the same|"
    r"broken)|won'?t) work|\bno luck\b|\bsame (?:error|problem|issue)\b|\bstill (?:fails|failing|broken|"
    r"getting|get|the same|no)\b|\bnot (?:working|fixed)\b",
    re.IGNORECASE,
)
# Replies that carry no answer: laughter, agreement, bookmarking, "me too".
_SOCIAL_REPLY = re.compile(
    r"^(?:(?>哈+|呵+|嘿+|233+|666+|\++1|同问|同求|我也是|我也想知道|顶+|mark|收藏了?|学习了?|围观|"
    r"lol|lmao|haha+|hehe+|same(?: here)?|me too|this|nice|cool|wow|omg|ikr|true|agreed|exactly|"
    r"好的?|嗯+|哦+|噢+|对+|是的|赞|牛|厉害)[\s!！。.,，~～…😂🤣👍🙏]*+)++$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[。！？；]+[”’\"'）)]*\s*|(?:[!?;]+|(?<=[^.\s])\.)[”’\"'）)]*(?:\s+|$)|\n+")
"""Where a sentence ends: Chinese stops anywhere, Latin ones before a space, and line breaks."""
_CLAUSE_SPLIT = re.compile(r"(?<=[，,；;：])")
_CJK_END = re.compile(rf"[{_CJK}\u3000-\u303f\uff00-\uffef]$")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_+#.\-']*[A-Za-z0-9+#]|[A-Za-z]")
# Every alternative starts at a word start: no quadratic backtracking inside a long word.
_TECH = re.compile(
    r"\b[A-Za-z]+[A-Z][a-z]+\w*|\b\w+?(?:Error|Exception)\b|\b\w+\.\w+|\b\w+_\w+|(?<![\w-])--?[a-z][\w-]*|"
    r"(?<![\d.])\d+(?:\.\d+)+|(?<!\d)\d+\s*(?:万|千|百|亿)|\b\d+\s*(?i:k|m|g|mb|gb|tb)\b|\b\w+\(\)"
)
MAX_JUDGED = 4000
"""Characters of a message that are judged: a question is never longer, and it bounds the work."""
_ERROR_NAME = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning)\b|\b[A-Z]{3,}\b(?= \()")
# Words that carry no topic: pronouns, question frames, fillers, generic verbs.
_EN_FRAME_WORDS = """
    a an the and or but if then so to of in on at by for with from as is are was were be been am do does did
    it its it's this that these those i you he she we they me my your our their him her them what which who
    whom how why when where can could would should will just not no yes ok have has had there here any all
    some get got im i'm dont don't cant can't u ur lol anyone anybody someone somebody everyone know think
    need want like use using used make made try tried go going way thing things stuff something anything
    really actually please thanks thank hi hello hey guys people question help one ones much many more most
    also still yet about after before up out over again good bad best better right wrong sure mean say see
    look let work works working seem feel mind tell telling morning evening afternoon night today tonight
    definitely yeah yep yup great cool nice awesome glad welcome everybody guys folks all
    """
_EN_FRAME = frozenset(_EN_FRAME_WORDS.split())
_ZH_FRAME = re.compile(
    r"请问|请教|大家|各位|我们|你们|他们|我|你|他|她|它|的|了|吗|呢|吧|啊|呀|嘛|么|哦|是|在|和|与|"
    r"怎么|怎样|如何|为什么|为啥|什么|啥|哪|有没有|有人|一下|这个|那个|这种|那种|这样|那样|这些|那些|"
    r"就|都|也|还|又|把|被|让|给|对|从|到|能|可以|会|要|想|知道|觉得|需要|应该|问题|东西|现在|今天|"
    r"明天|一个|有|没|不|很|好|多|吧"
)
_DEIXIS = re.compile(
    r"这种|这个|这样|这些|那种|那个|那样|那些|此|它们?|上面|以上|\b(?:this|these|those|it|such|them)\b",
    re.IGNORECASE,
)
_EN_INDIRECT = re.compile(
    r"\b(?:ask|asking|wondering|wonder|know|tell me|figure out|find out)\s+(?:how|what|why|where|which|"
    r"whether|if)\b",
    re.IGNORECASE,
)
"""An English question asked indirectly: "I just wanted to ask how I can delete X"."""
_POINTS_BACK = re.compile(_DEIXIS.pattern + r"|\b(?:that|there)\b", re.IGNORECASE)
"""An ask that points back to what came before ("how would i do that?") asks about it."""
_PREFIX = re.compile(
    r"^(?:(?:hi|hello|hey)(?: (?:all|everyone|guys|folks|there))?[,!.]?\s+|"
    r"(?:quick |beginner |newbie |noob |dumb |stupid )?question[:：]\s*|help[:：!]\s*|"
    r"大家好[，,！!]?\s*|各位(?:大佬|朋友)?[，,！!：:]?\s*|请问(?:一下)?(?:大家)?[，,：:]?\s*|"
    r"(?:想|我想)?请教(?:一下)?(?:大家)?[，,：:]?\s*|求助[：:！!]?\s*|问一下[，,：:]?\s*|小白求问[：:，,]?\s*)+",
    re.IGNORECASE,
)
_DETAIL_PREFIX = re.compile(
    r"^(?:补充(?:一下)?|再补充一下|另外|还有|忘了说|忘记说了?|更新|update|edit|ps|p\.s\.|"
    r"forgot to (?:add|mention|say)|also|to add|fwiw|btw)\s*[:：,，]\s*",
    re.IGNORECASE,
)
_TOPIC_QUESTION = re.compile(
    r"^(?P<topic>[\w.+#-]+(?: (?!beginner|newbie|noob|quick|dumb|stupid)[\w.+#-]+)?) "
    r"(?:beginner |newbie |noob |quick |dumb |stupid )?question[:：]\s*",
    re.IGNORECASE,
)
"""``SQL question: ...``: the topic stays in the title, the word "question" goes."""
_LEADING_JOINER = re.compile(
    r"^(?:but|and|so|then|however|但是|可是|不过|然后|而且|结果)\s*[,，]?\s*", re.IGNORECASE
)


class Feedback(StrEnum):
    """What an asker's reply says about the answer it responds to."""

    WORKS = "works"  # it solved the problem ("解决了", "that did it")
    THANKS = "thanks"  # thanks, no word on whether it worked
    FAILED = "failed"  # tried it, it did not help
    NONE = "none"


TEXT_CACHE = 1 << 16
"""Judgements of a text remembered: chat repeats itself ("thanks!", "+1", the same question
pasted again), and every judgement here depends on the text alone."""


@dataclass(frozen=True, slots=True)
class Verdict:
    is_question: bool
    confidence: float
    reason: str


def plain(text: str) -> str:
    """The text without links and code: a "?" in either asks nothing."""
    return _CODE.sub(" ", _URL.sub(" ", text)).strip()


@lru_cache(maxsize=TEXT_CACHE)
def content_words(text: str) -> int:
    """How many topic-bearing words ``text`` has (cheap: no dictionary, both languages)."""
    text = text[:MAX_JUDGED]
    latin = [w.lower().split("'")[0] for w in _LATIN_WORD.findall(text)]  # what's -> what
    count = sum(1 for w in latin if w not in _EN_FRAME and len(w) > 1)
    han = re.sub(rf"[^{_CJK}]", "", _ZH_FRAME.sub("", text))
    return count + len(han) // 2 + len(_TECH.findall(text))


@lru_cache(maxsize=TEXT_CACHE)
def judge_question(text: str) -> Verdict:
    """Is this message a knowledge question? With a confidence and the rule that decided."""
    stripped = _ADDRESSEE.sub("", plain(text[:MAX_JUDGED])).strip()
    if len(stripped) < 4:
        return Verdict(False, 0.9, "too short")
    if _PHATIC.match(stripped):
        return Verdict(False, 0.9, "phatic question")
    if _SOCIAL.search(stripped):
        return Verdict(False, 0.85, "small talk")
    has_mark = bool(_QUESTION_MARK.search(stripped))
    zh = bool(re.search(f"[{_CJK}]", stripped))
    if _RHETORICAL.search(stripped) or (
        has_mark and _TAG_QUESTION.search(stripped) and not _strong(stripped)
    ):
        return Verdict(False, 0.75, "rhetorical or tag question")
    if _REQUEST.search(stripped):
        return Verdict(False, 0.7, "request or proposal")
    words = content_words(stripped)
    help_cue = bool(_EN_HELP.search(stripped)) or (zh and bool(_ZH_HELP.search(stripped)))
    if words < 2:
        if has_mark:
            return Verdict(False, 0.6, "question mark, nothing to look up")
        return Verdict(False, 0.8, "no topic")
    parts = sentences(stripped)
    if has_mark:
        weak = zh and (bool(_ZH_WEAK.search(stripped)) or bool(_ZH_END.search(stripped)))
        if _strong(stripped) or weak:
            return Verdict(True, 0.95, "question mark and question words")
        if help_cue:
            return Verdict(True, 0.9, "question mark and a problem")
        return Verdict(True, 0.75 if words >= 3 else 0.6, "question mark")
    # No question mark: only a message that asks in so many words, a long one only in its last
    # sentence. A long one that mentions "哪些" or "how to" on the way is an explanation.
    last = parts[-1] if parts else stripped
    if (zh and _ZH_DIRECT.search(last)) or (_EN_LEAD.match(last) and content_words(last) >= 2):
        return Verdict(True, 0.75 if len(parts) > 2 else 0.8, "ends asking")
    if _EN_INDIRECT.search(last):
        return Verdict(True, 0.75, "asks indirectly")
    if len(parts) > 2 or len(stripped) > 200:
        return Verdict(False, 0.75, "no question mark in a long message")
    if zh and _ZH_DIRECT.search(stripped):
        return Verdict(True, 0.8, "asking words")
    if any(_EN_LEAD.match(s) for s in parts) and words >= 3:
        return Verdict(True, 0.75, "opens with an asking word")
    if help_cue and words >= 3:
        return Verdict(True, 0.7, "asks for help")
    if zh and _ZH_END.search(stripped):
        return Verdict(True, 0.65, "question particle")
    return Verdict(False, 0.7, "no question cue")


def _strong(text: str) -> bool:
    return bool(_ZH_STRONG.search(text)) or bool(_EN_STRONG.search(text)) or bool(_EN_START.match(text))


@lru_cache(maxsize=TEXT_CACHE)
def is_thanks(text: str) -> bool:
    """Does this message thank someone or report that a suggestion worked?"""
    return any(pattern.search(text) for pattern in _THANKS_SPLIT)


@lru_cache(maxsize=TEXT_CACHE)
def is_thanks_only(text: str) -> bool:
    """Thanks with nothing else of substance: not an answer in itself."""
    if not is_thanks(text):
        return False
    rest = _THANKS.sub("", text)
    rest = re.sub(r"[\W_]+", "", rest)
    return len(rest) <= 12


@lru_cache(maxsize=TEXT_CACHE)
def feedback(text: str) -> Feedback:
    """What the asker's reply says of a suggestion: it worked, thanks, it failed, or nothing."""
    said = plain(text)
    if _NEGATIVE.search(said):
        return Feedback.FAILED
    if _WORKS.search(said):
        return Feedback.WORKS
    if _THANKS.search(said):
        return Feedback.THANKS
    return Feedback.NONE


def is_social_reply(text: str) -> bool:
    """Laughter, "+1", "me too", "收藏了": a reply that answers nothing."""
    return bool(_SOCIAL_REPLY.match(plain(text) or text.strip()))


def strip_detail_prefix(text: str) -> str:
    """A follow-up without its "补充一下：" / "Forgot to add:" lead-in (the page labels it)."""
    return _DETAIL_PREFIX.sub("", text.strip(), count=1) or text.strip()


# -- titles and the parts of a question -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parts:
    """A question as scene (context, in the asker's order) and ask (the asking sentences)."""

    scene: str
    ask: str


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of ``text`` starts and ends; code spans and links are never split."""
    masked = _URL.sub(lambda m: "x" * len(m.group()), _CODE.sub(lambda m: "x" * len(m.group()), text))
    spans: list[tuple[int, int]] = []
    start = 0
    for end in _SENTENCE_END.finditer(masked):
        spans.append((start, end.end()))
        start = end.end()
    spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for a, b in spans:  # without the white space around them
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def sentences(text: str) -> list[str]:
    """Sentences of ``text``, as written; code spans and links are never split."""
    return [text[a:b] for a, b in sentence_spans(text)]


def _guard(text: str) -> tuple[str, list[str]]:
    saved: list[str] = []

    def keep(m: re.Match[str]) -> str:
        saved.append(m.group())
        return f"\x00{len(saved) - 1}\x00"

    return _URL.sub(keep, _CODE.sub(keep, text)), saved


def _restore(text: str, saved: list[str]) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: saved[int(m.group(1))], text)


def _asks(sentence: str) -> bool:
    body = plain(sentence)
    return bool(_QUESTION_MARK.search(body)) or (_strong(body) and judge_question(body).is_question)


def split_question(text: str) -> Parts:
    """The asking sentences and the rest, for a page that reads scene, details, then ask.

    Both are the asker's words as written (only the white space where the ask was taken out
    is new). Text with code blocks or several paragraphs is left whole (``scene``):
    reordering it could break what the asker laid out.
    """
    text = text.strip()
    if "```" in text or "\n\n" in text:
        return Parts(text, "")
    spans = sentence_spans(text)
    asking = [i for i, (a, b) in enumerate(spans) if _asks(text[a:b])]
    if not asking:
        return Parts(text, "")
    first, last = asking[0], asking[-1]
    if any(i not in asking for i in range(first, last + 1)):
        last = first  # asks apart from each other: only the first leads
    start, end = spans[first][0], spans[last][1]
    before, after = text[:start].rstrip(), text[end:].lstrip()
    glue = "" if not before or not after or _CJK_END.search(before) else " "
    return Parts(before + glue + after, text[start:end])


def make_title(text: str, limit: int = 80) -> str:
    """A concise one-line title: the sentence that asks, with context when it cannot stand alone.

    Greetings and "请问" lead-ins go; a short ask, or one that points back ("这种量…",
    "…find it?"), gets the most telling clauses before it, or at least the error it is about.
    """
    flat = " ".join(text[:MAX_JUDGED].split())
    body = _TOPIC_QUESTION.sub(r"\g<topic>: ", flat, count=1)
    body = _PREFIX.sub("", body).strip() or flat
    parts = sentences(body)
    marked = [i for i, s in enumerate(parts) if _QUESTION_MARK.search(plain(s))]
    asking = marked or [i for i, s in enumerate(parts) if _asks(s)]
    at = asking[0] if asking else 0
    ask = _PREFIX.sub("", parts[at]).strip() if parts else body
    before, after = parts[:at], parts[at + 1 :]
    clauses = _clauses(ask)
    if len(ask) > limit and len(clauses) > 1:  # a long asking sentence: its asking clause leads
        first = next((i for i, c in enumerate(clauses) if _QUESTION_MARK.search(c) or _asks(c)), 0)
        before = [*before, "".join(clauses[:first])]
        ask = "".join(clauses[first:]).strip()
    title = _plain_title(ask)
    if content_words(title) < 2 and not _DEIXIS.search(title) and after and at + 1 in asking:
        joined = title + ("" if _CJK_END.search(title) else " ") + _plain_title(after[0])
        if len(joined) <= limit:
            title, after = joined, after[1:]
    if _needs_context(title):
        context = before if any(c.strip() for c in before) else after
        title = _with_context(title, [_plain_title(c) for c in context], limit)
    if len(title) < 8 and len(flat) > len(title):
        title = _plain_title(body)
    return _shorten(title, limit)


def _clauses(sentence: str) -> list[str]:
    guarded, saved = _guard(sentence)
    return [_restore(c, saved) for c in _CLAUSE_SPLIT.split(guarded) if c.strip()]


def _plain_title(text: str) -> str:
    text = re.sub(r"`+", "", text)
    return " ".join(text.split()).strip()


def _needs_context(ask: str) -> bool:
    return bool(_DEIXIS.search(ask)) or content_words(ask) < 2


def _with_context(ask: str, context: list[str], limit: int) -> str:
    """The ask led by the telling context clauses (in their order) that fit within ``limit``."""
    clauses = [c.rstrip("，,；;：:。.!！ ") for s in context for c in _clauses(s)]
    clauses = [_LEADING_JOINER.sub("", c).strip() for c in clauses if not _QUESTION_MARK.search(c)]
    clauses = [c for c in clauses if c and content_words(c) >= 1]
    if not clauses:
        return ask
    zh = bool(re.search(f"[{_CJK}]", ask))
    joiner = "，" if zh else ": "
    room = limit - len(ask) - len(joiner)
    ranked = sorted(range(len(clauses)), key=lambda i: (-_weight(clauses[i]), i))
    chosen: dict[int, str] = {}
    used = 0
    for i in ranked[:2]:
        piece = clauses[i]
        if used + len(piece) + 2 * bool(chosen) > room:
            error = _ERROR_NAME.search(piece)
            head = piece[: error.end()] if error else ""
            piece = head if head and used + len(head) <= room else error.group() if error else ""
        if piece and used + len(piece) + 2 * bool(chosen) <= room:
            chosen[i] = piece
            used += len(piece) + 2 * bool(chosen)
    if not chosen:
        return ask
    lead = ("，" if zh else ", ").join(chosen[i] for i in sorted(chosen))
    if not zh:
        ask = ask if re.match(r"[A-Z]{2}|I\b", ask) else ask[:1].lower() + ask[1:]
        lead = lead[:1].upper() + lead[1:]
    return lead + joiner + ask


def _weight(clause: str) -> float:
    """How much a clause tells about the question: technical terms and numbers count most."""
    tech = len(_TECH.findall(clause)) + len(_ERROR_NAME.findall(clause))
    latin = sum(1 for w in _LATIN_WORD.findall(clause) if w.lower() not in _EN_FRAME and len(w) > 1)
    has_han = bool(re.search(f"[{_CJK}]", clause))
    return 2.0 * tech + (1.0 * latin if has_han else 0.3 * latin) + 0.5 * content_words(clause)


def _shorten(title: str, limit: int) -> str:
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,，、:：") + "…"
