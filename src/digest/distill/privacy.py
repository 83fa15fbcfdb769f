"""Privacy in one place: PII redaction, consent and pseudonyms, as messages leave the store.

``distill_store`` passes every message, member name and group title through a
:class:`Guard` before anything else sees it, so the Q&A, the drafts written into content/,
the generated pages and every search index only ever hold redacted, pseudonymised text.

Redaction replaces mainland China phone numbers, international numbers (``+`` or ``00``
prefix), e-mail addresses, WeChat ids (only after a label such as ``微信:``, ``wx:``,
``WeChat ID``), PRC resident id numbers (18 digits, birth date and ISO 7064 check digit
valid) and bank card numbers (16-19 digits, Luhn-valid). Digits inside http(s) URLs are
left alone (issue numbers, item ids of documentation links), and so are dates, versions and
prices, which none of the patterns match.

A member who opted out (or, with ``profiles: opt_in``, did not opt in) is shown as a stable
pseudonym, ``Member 3f2a``: a short hash of their member id. Their display names are
replaced wherever someone @mentions them, and, for an explicit opt-out, wherever the name
appears in text at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from digest.distill.profiles import parse_nickname
from digest.model import Group, Message, member_key
from digest.text import URL_PATTERN, short_hash

PII_KINDS = ("phone_cn", "phone_intl", "email", "wechat_id", "cn_id", "bank_card")
"""What redaction knows, in the order it applies them."""
PROFILE_MODES = ("opt_out", "opt_in")
LABELS = {
    "phone_cn": "phone",
    "phone_intl": "phone",
    "email": "email",
    "wechat_id": "WeChat ID",
    "cn_id": "ID number",
    "bank_card": "card number",
}
DEFAULT_REPLACEMENT = "[redacted]"
DEFAULT_PSEUDONYM = "Member {hash}"

_URL = re.compile(URL_PATTERN, re.IGNORECASE)
_DIGIT = re.compile(r"\d")  # every pattern below that needs a digit matches one of these
_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
_EMAIL = re.compile(
    r"(?<![\w.%+\-])([A-Za-z0-9][A-Za-z0-9._%+\-]*)@"
    r"((?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})(?![A-Za-z0-9\-])"
)
_WECHAT_LABEL = (
    r"(?:(?<![A-Za-z])(?:wechat|weixin|wx|vx)(?:[ \t]*id)?|微信号?(?:[ \t]*id)?|v信)[ \t]*[:：=][ \t]*"
    r"|(?:(?<![A-Za-z])(?:wechat|weixin|wx)[ \t]*id|微信号|微信[ \t]*id)(?:[ \t]*(?:是|为|is))?[ \t]*"
    r"|加(?:我|一下)?(?:的)?[ \t]*(?:微信|wx|vx|v信)[ \t]*[:：]?[ \t]*"
)
_WECHAT = re.compile(
    rf"(?P<label>{_WECHAT_LABEL})(?P<id>[A-Za-z][-_A-Za-z0-9]{{5,19}})(?![-_A-Za-z0-9])", re.I
)
_CN_ID = re.compile(rf"{_NOT_ALNUM_BEFORE}[1-9]\d{{5}} ?(?:18|19|20)\d{{6}} ?\d{{3}}[\dXx]{_NOT_ALNUM_AFTER}")
_CARD = re.compile(
    rf"{_NOT_ALNUM_BEFORE}[2-6]\d{{3}}(?:[ \-]?\d{{4}}){{2}}[ \-]?\d{{4}}"
    rf"(?:[ \-]?\d{{1,3}})?{_NOT_ALNUM_AFTER}"
)
_PHONE_CN = re.compile(
    rf"{_NOT_ALNUM_BEFORE}(?:(?:\+|00)86[ \-]?)?1[3-9]\d(?:[ \-]?\d{{4}}){{2}}{_NOT_ALNUM_AFTER}"
    rf"|{_NOT_ALNUM_BEFORE}(?:\(0\d{{2,3}}\)|0\d{{2,3}}-) ?[2-9]\d{{6,7}}{_NOT_ALNUM_AFTER}"
)
_PHONE_INTL = re.compile(
    r"(?<![0-9A-Za-z+])(?:\+|00)[1-9]\d{0,2}(?:[ .\-]?(?:\(\d{1,4}\)|\d{1,4})){2,6}" + _NOT_ALNUM_AFTER
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MENTION = "@＠"


def cn_id_valid(number: str) -> bool:
    """An 18-character PRC resident id: a real birth date and the ISO 7064 MOD 11-2 check digit."""
    number = number.replace(" ", "").upper()
    if not re.fullmatch(r"[1-9]\d{16}[\dX]", number):
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < 1880:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def luhn_valid(digits: str) -> bool:
    """The Luhn check of a card number (digits only)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card_number(text: str) -> bool:
    digits = re.sub(r"[ \-]", "", text)
    if not 16 <= len(digits) <= 19 or not luhn_valid(digits):
        return False
    groups = re.split(r"[ \-]", text)
    # "2021 2022 2023 2024" is a list of years, not a card.
    return not (len(groups) > 1 and all(re.fullmatch(r"(?:19|20)\d\d", g) for g in groups))


def _intl_number(text: str) -> bool:
    digits = re.sub(r"\D", "", text.removeprefix("00"))
    return 8 <= len(digits) <= 15


def _always(_text: str) -> bool:
    return True


_NUMBER_CHECKS: tuple[tuple[str, re.Pattern[str], Callable[[str], bool]], ...] = (
    ("cn_id", _CN_ID, cn_id_valid),
    ("bank_card", _CARD, _card_number),
    ("phone_cn", _PHONE_CN, _always),
    ("phone_intl", _PHONE_INTL, _intl_number),
)


def _replace_valid(pattern: re.Pattern[str], valid: Callable[[str], bool], label: str, text: str) -> str:
    def one(match: re.Match[str]) -> str:
        return label if valid(match.group(0)) else match.group(0)

    return pattern.sub(one, text)


class Redactor:
    """Replaces personal data in text; ``kinds`` are names from :data:`PII_KINDS`."""

    def __init__(self, kinds: Iterable[str] = PII_KINDS, replacement: str = DEFAULT_REPLACEMENT) -> None:
        self.kinds = tuple(k for k in PII_KINDS if k in set(kinds))
        unknown = set(kinds) - set(PII_KINDS)
        if unknown:
            raise ValueError(f"unknown redaction kinds {sorted(unknown)}; known: {', '.join(PII_KINDS)}")
        self.replacement = replacement

    def label(self, kind: str) -> str:
        return self.replacement.replace("{kind}", LABELS[kind])

    def __call__(self, text: str) -> str:
        if not self.kinds or not text:
            return text
        if "email" in self.kinds and "@" in text:
            text = _EMAIL.sub(self._email, text)
        if "wechat_id" in self.kinds:
            text = _WECHAT.sub(lambda m: m.group("label") + self.label("wechat_id"), text)
        if not _DIGIT.search(text):
            return text
        # Digits inside URLs are documentation ids (issues, items, questions): left alone.
        out: list[str] = []
        pos = 0
        for url in _URL.finditer(text):
            out.append(self._numbers(text[pos : url.start()]))
            out.append(url.group(0))
            pos = url.end()
        out.append(self._numbers(text[pos:]))
        return "".join(out)

    def _email(self, match: re.Match[str]) -> str:
        if match.group(1).lower() == "git":  # git@github.com:owner/repo.git is not a person
            return match.group(0)
        return self.label("email")

    def _numbers(self, text: str) -> str:
        if not _DIGIT.search(text):
            return text
        for kind, pattern, valid in _NUMBER_CHECKS:
            if kind in self.kinds:
                text = _replace_valid(pattern, valid, self.label(kind), text)
        return text


# -- consent and pseudonyms ---------------------------------------------------------------


def normalise_name(name: str) -> str:
    """How names are compared: NFKC, case-folded, inner white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


@dataclass(frozen=True, slots=True)
class Consent:
    """What curators recorded under content/: who opted out, who opted in, their other names.

    ``opt_out`` and ``opt_in`` hold member ids (``telegram:user123``) or display names;
    ``aliases`` maps a member id to the names curators gave it (front matter ``name``,
    ``nickname``, ``aliases``), which are hidden too when that member is pseudonymised.
    """

    opt_out: frozenset[str] = frozenset()
    opt_in: frozenset[str] = frozenset()
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Privacy:
    """The privacy settings of one build (``privacy:`` in mkdocs.yml) plus the recorded consent."""

    redact: tuple[str, ...] = PII_KINDS
    replacement: str = DEFAULT_REPLACEMENT
    profiles: str = "opt_out"
    pseudonym: str = DEFAULT_PSEUDONYM
    consent: Consent = field(default_factory=Consent)
    key: bytes = b""  # keys the hashes of pseudonyms and redacted ids (b"": plain hashes)


def pseudonym_for(
    member_id: str, template: str = DEFAULT_PSEUDONYM, length: int = 4, key: bytes = b""
) -> str:
    """The stable pseudonym of a member: ``Member 3f2a``, a short hash of the member id (keyed
    by ``key``: without it, anyone who knows the member ids could tell whose it is)."""
    return template.replace("{hash}", short_hash(member_id, length=length, key=key))


class NameScrubber:
    """Replaces known names by pseudonyms: after an ``@`` always, elsewhere only if listed so.

    Latin names match as whole words; CJK names anywhere. Names are compared case-insensitively.
    """

    __slots__ = ("_anywhere", "_mentions", "_pattern")

    def __init__(self, anywhere: Mapping[str, str], mentions: Mapping[str, str]) -> None:
        self._anywhere = {normalise_name(k): v for k, v in anywhere.items() if _scrubbable(k)}
        self._mentions = {normalise_name(k): v for k, v in mentions.items() if normalise_name(k)}
        self._mentions.update(self._anywhere)
        words = sorted({k for k in self._mentions if len(k) <= 80})
        self._pattern = (
            re.compile(rf"(?P<at>[{_MENTION}][ \u2005]?)?(?P<name>{_trie(words)})", re.IGNORECASE)
            if words
            else None
        )

    def __bool__(self) -> bool:
        return self._pattern is not None

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(lambda m: self._replace(m, text), text)

    def _replace(self, match: re.Match[str], text: str) -> str:
        name = match.group("name")
        key = normalise_name(name)
        table = self._mentions if match.group("at") else self._anywhere
        pseudonym = table.get(key)
        if pseudonym is None or not _word_bounded(text, match.start("name"), match.end()):
            return match.group(0)
        return (match.group("at") or "") + pseudonym


def _scrubbable(name: str) -> bool:
    """Names long enough to replace in running text (shorter ones only after an @)."""
    key = normalise_name(name)
    if not key:
        return False
    return len(key) >= 2 if any(not c.isascii() for c in key) else len(key) >= 3


def _word_bounded(text: str, start: int, end: int) -> bool:
    def latin(char: str) -> bool:
        return char.isascii() and char.isalnum()

    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (latin(text[start]) and latin(before)) and not (latin(text[end - 1]) and latin(after))


def _trie(words: Iterable[str]) -> str:
    """One regex alternation of ``words`` as a trie: fast with thousands of names, longest first."""
    root: dict[str, dict[str, object]] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})  # type: ignore[assignment]
        node[""] = {}

    def build(node: Mapping[str, object]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]  # type: ignore[arg-type]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


@dataclass(frozen=True, slots=True)
class Pseudonyms:
    """Who is pseudonymised, as what, and every name of theirs to hide (real names: never publish).

    ``names`` maps a known name to the pseudonym; ``anywhere`` lists the names also replaced in
    running text (not only after an @). The plugin uses both as a last line of defence.
    """

    members: Mapping[str, str] = field(default_factory=dict)  # member id -> pseudonym
    names: Mapping[str, str] = field(default_factory=dict)
    anywhere: frozenset[str] = frozenset()

    def scrubber(self, variants: Callable[[str], Iterable[str]] = lambda name: (name,)) -> NameScrubber:
        """A scrubber of these names, also matching each name's ``variants`` (e.g. escaped)."""
        anywhere: dict[str, str] = {}
        mentions: dict[str, str] = {}
        for name, pseudonym in self.names.items():
            for variant in variants(name):
                (anywhere if name in self.anywhere else mentions)[variant] = pseudonym
        return NameScrubber(anywhere, mentions)


class Guard:
    """Applies redaction and pseudonyms to what leaves the store; built by :func:`prepare`."""

    def __init__(
        self, redactor: Redactor, pseudonyms: Pseudonyms, template: str = DEFAULT_PSEUDONYM, key: bytes = b""
    ) -> None:
        self.redact = redactor
        self.pseudonyms = pseudonyms
        self.scrub = pseudonyms.scrubber()
        self.template = template
        self.key = key
        self._ids: dict[str, str] = {}  # a member writes many messages: each id and name is
        self._names: dict[tuple[str, str], str] = {}  # redacted once

    def text(self, text: str) -> str:
        return self.redact(self.scrub(text))

    def author_id(self, author_id: str) -> str:
        """A platform id that is itself personal data (a phone, an e-mail) becomes a hash."""
        found = self._ids.get(author_id)
        if found is None:
            found = self._ids[author_id] = safe_id(author_id, self.redact, self.key)
        return found

    def message(self, message: Message) -> Message:
        author_id = self.author_id(message.author_id)
        member_id = member_key(message.platform, author_id)
        pseudonym = self.pseudonyms.members.get(member_id)
        if pseudonym is None:
            key = (member_id, message.author_name)
            if key not in self._names:
                shown = self.text(message.author_name)
                if shown != message.author_name and not _has_words(shown, self.redact):
                    shown = pseudonym_for(
                        member_id, self.template, key=self.key
                    )  # the name was only a phone number
                self._names[key] = shown
            author = self._names[key]
        forwarded = self.text(message.forwarded_from) if message.forwarded_from else message.forwarded_from
        reactions = tuple(
            replace(r, author_ids=tuple(self.author_id(a) for a in r.author_ids)) for r in message.reactions
        )
        author_name = pseudonym if pseudonym is not None else author
        text = self.text(message.text)
        if (author_id, author_name, text, forwarded, reactions) == (
            message.author_id,
            message.author_name,
            message.text,
            message.forwarded_from,
            message.reactions,
        ):
            return message  # most messages hold nothing to hide: no copy
        return replace(
            message,
            author_id=author_id,
            author_name=author_name,
            text=text,
            forwarded_from=forwarded,
            reactions=reactions,
        )

    def group(self, group: Group) -> Group:
        return replace(group, title=self.text(group.title))


def safe_id(author_id: str, redact: Redactor, key: bytes = b"") -> str:
    """``author_id``, or a stable hash of it (keyed by ``key``) when it holds personal data."""
    if author_id and redact(author_id) != author_id:
        return "redacted-" + short_hash(author_id, length=12, key=key)
    return author_id


def _has_words(text: str, redact: Redactor) -> bool:
    for kind in redact.kinds:
        text = text.replace(redact.label(kind), "")
    return bool(re.search(r"\w", text))


def prepare(privacy: Privacy, authors: Iterable[tuple[str, str]]) -> Guard:
    """Resolve consent against the store's ``(member id, display name)`` pairs into a Guard.

    Member ids are the ones distillation will use: an id that is personal data is hashed
    (:func:`safe_id`); consent may name either form.
    """
    consent = privacy.consent
    redactor = Redactor(privacy.redact, privacy.replacement)
    names: dict[str, set[str]] = defaultdict(set)
    raw_ids: dict[str, str] = {}
    for raw, name in authors:
        platform, _sep, author_id = raw.partition(":")
        member_id = member_key(platform, safe_id(author_id, redactor, privacy.key))
        raw_ids[member_id] = raw
        if name:
            names[member_id].add(name)
    for member_id, aliases in consent.aliases.items():
        names[member_id].update(a for a in aliases if a)

    def keys(member_id: str) -> set[str]:
        found = {member_id, normalise_name(member_id), raw_ids.get(member_id, member_id)}
        for name in names.get(member_id, ()):
            found |= {normalise_name(name), normalise_name(parse_nickname(name).name)}
        return found

    opt_out = {normalise_name(x) for x in consent.opt_out} | set(consent.opt_out)
    opt_in = {normalise_name(x) for x in consent.opt_in} | set(consent.opt_in)
    explicit = {m for m in names if keys(m) & opt_out}
    explicit |= {x for x in consent.opt_out if ":" in x and x not in names}  # ids never seen yet
    hidden = set(explicit)
    if privacy.profiles == "opt_in":
        hidden |= {m for m in names if not keys(m) & opt_in}
    members = _pseudonyms(hidden, privacy.pseudonym, privacy.key)
    known: dict[str, str] = {}
    anywhere: set[str] = set()
    for member_id in sorted(hidden):
        for name in sorted(names.get(member_id, ())):
            for variant in (name, parse_nickname(name).name):
                if variant and variant != members[member_id]:
                    known.setdefault(variant, members[member_id])
                    if member_id in explicit:
                        anywhere.add(variant)
    return Guard(redactor, Pseudonyms(members, known, frozenset(anywhere)), privacy.pseudonym, privacy.key)


def _pseudonyms(member_ids: Iterable[str], template: str, key: bytes = b"") -> dict[str, str]:
    """Pseudonyms for ``member_ids``; two that share a 4-digit hash both get 8 digits."""
    short: dict[str, list[str]] = defaultdict(list)
    for member_id in sorted(member_ids):
        short[pseudonym_for(member_id, template, key=key)].append(member_id)
    out: dict[str, str] = {}
    for pseudonym, ids in short.items():
        for member_id in ids:
            out[member_id] = pseudonym if len(ids) == 1 else pseudonym_for(member_id, template, 8, key)
    return out
