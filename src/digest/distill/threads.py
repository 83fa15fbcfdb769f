"""Reply reconstruction: which earlier message does each message answer?

Most exports (WhatsApp, older WeChat, IRC) carry no reply links, and a help channel
interleaves several conversations at once. ``reconstruct`` gives every message a parent:
the id of the message it responds to, or its own id when it starts a conversation.

It runs an ordered list of named rules, each deciding the messages still open
(see ``RULES``; switch any off by name with ``disabled=``):

1. ``explicit``: a reply link in the export always wins.
2. ``service``: joins, quits and other system lines start nothing and answer nobody.
3. ``forwarded``: a forwarded message starts a conversation.
4. ``ranker``: a small model scores each earlier message within ``window`` lines, and
   "none" (a new conversation), from named pair features (``FEATURES``: the addressee
   prefix ``nick: ...``, mentions and ``@nick``, time gaps, the author's own recent
   messages, question/answer shape, tf-idf overlap with CJK character bigrams...),
   and takes the best. It is a cascade (``cascade``): a few trees shortlist the
   candidates worth the whole first stage, and a second stage rescores the first one's
   close calls with features read from the conversations it built (did the candidate
   answer me, is it in my last message's conversation...). Each feature can be switched
   off by name too.
5. ``addressee``, ``continuation``, ``gap``, ``previous``: plain heuristics that decide
   whatever the ranker left open (everything, when the ranker is switched off).

The shipped ranker (``data/links_model.json``) is LambdaMART trees trained by
``bench/train_links.py`` on the #ubuntu IRC disentanglement data; scoring needs only numpy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from digest.model import Kind, Message

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

WINDOW = 60
"""How many earlier messages are candidates for a message's parent."""
CHUNK = 2048
MODEL_RESOURCE = "links_model.json"
IDF_PRIOR = 100
"""Pseudo-messages without the token: keeps idf meaningful in a chat of three messages."""
LONG_GAP = 30 * 60.0
"""Heuristic fallback: after this many quiet seconds a message starts a conversation."""

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_CJK_RUN = re.compile(rf"[{_CJK}]")
_STRIP = ",:;.!?()[]{}\"'<>`*~"
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|evening|afternoon)|anyone|any ?one|any1|"
    r"is there|does any|can any|has any|somebody|someone|question|help|大家好|请问|有人|各位)\b",
    re.IGNORECASE,
)
_THANKS = re.compile(
    r"\b(?:thanks?|thx|thnx|ty|tyvm|cheers|appreciated?|great|awesome|perfect|worked|works)\b|谢谢|多谢|感谢",
    re.IGNORECASE,
)
_ANSWERISH = re.compile(
    r"^(?:yes|yeah|yep|yup|no|nope|nah|ok|okay|k|sure|right|exactly|indeed|correct|i see|ah|oh|hm+|"
    r"try|use|just|you (?:can|need|should|have)|it'?s|that'?s|是|对|不|可以|试试)\b",
    re.IGNORECASE,
)
_STOP_WORDS = """
a an the and or but if then so to of in on at by for with from as is are was were be been am do does did
it its
it's this that these those i you he she we they me my your our their him her them what which who how why when
where can could would should will just not no yes ok have has had there here any all some get got im i'm dont
don't cant can't u ur lol
"""
_STOP = frozenset(_STOP_WORDS.split())


# --------------------------------------------------------------------------- preparation


@dataclass(frozen=True, slots=True)
class Prepared:
    """Per-message arrays the features are computed from (one pass over the chat)."""

    n: int
    author: Ints  # author index
    text: Bools  # TEXT or MEDIA (can converse)
    ts: npt.NDArray[np.float64]  # seconds
    addr: Ints  # author index of the leading addressee ("nick: ..."), -1 if none
    addr_strong: Bools  # the addressee was followed by ":" or "," or written "@nick"
    mention_keys: Ints  # sorted msg * n_authors + author, for every nick mentioned in a message
    n_mentions: Ints
    question: Bools
    ends_question: Bools
    greeting: Bools
    thanks: Bools
    answerish: Bools
    url: Bools
    length: Floats  # log1p of the characters
    tok_keys: Ints  # sorted msg * vocab + token id
    tok_weight: Floats  # normalised tf-idf weight of that token in that message
    n_tokens: Ints
    vocab: int
    n_authors: int
    # per-author positions, sorted by (author, message index)
    author_keys: Ints  # author * n + index
    addr_keys: Ints  # addressee * n + index, for messages with an addressee
    pair_keys: Ints  # (author * n_authors + addressee) * n + index
    join_keys: Ints  # author * n + index, for join lines
    # The decisions of an earlier ranking stage, for the structure features (None in stage 1)
    parent: Ints | None = None  # parent index of every message
    root: Ints | None = None  # first message of its conversation
    child_keys: Ints | None = None  # sorted parent * n + index, for messages that reply
    author_child_keys: Ints | None = None  # sorted (parent * n_authors + author) * n + index
    own_prev: Ints | None = None  # the author's previous conversational message, -1 if none
    margin: Floats | None = None  # (messages, width): first stage's score minus the message's best
    margin_start: int = 0  # the message of ``margin``'s first row


def _tokens(text: str) -> list[str]:
    """Lowercase word tokens; CJK runs become character bigrams (and single characters)."""
    out: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        if _CJK_RUN.match(token):
            if len(token) == 1:
                out.append(token)
            else:
                out.extend(token[k : k + 2] for k in range(len(token) - 1))
        elif token not in _STOP and (len(token) > 1 or token.isdigit()):
            out.append(token)
    return out


@dataclass(frozen=True, slots=True)
class _Names:
    """Known nicknames (lowercased) -> author index, with a prefix index for ``@Long Name``."""

    exact: Mapping[str, int]
    by_first: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)

    @staticmethod
    def build(names: Sequence[str]) -> _Names:
        exact: dict[str, int] = {}
        first: dict[str, list[tuple[str, int]]] = {}
        for index, name in enumerate(names):
            key = name.strip().lower()
            if not key:
                continue
            exact.setdefault(key, index)
            first.setdefault(key[0], []).append((key, index))
        by_first = {k: tuple(sorted(v, key=lambda kv: -len(kv[0]))) for k, v in first.items()}
        return _Names(exact, by_first)

    def word(self, word: str) -> int:
        key = word.strip(_STRIP).lower()
        if key.startswith("@"):
            key = key[1:]
        return self.exact.get(key, -1) if key else -1

    def at(self, text: str, start: int) -> int:
        """The longest known name written right after an ``@`` at ``start``."""
        rest = text[start:].lower()
        for name, index in self.by_first.get(rest[:1], ()):
            if rest.startswith(name):
                end = start + len(name)
                if end >= len(text) or not (text[end].isalnum() or text[end] == "_"):
                    return index
        return -1

    def prefix(self, word: str) -> int:
        """A unique nick that starts with ``word`` (people shorten nicks: ``hika:``)."""
        key = word.lower()
        if len(key) < 3:
            return -1
        found = [i for name, i in self.by_first.get(key[0], ()) if name.startswith(key)]
        return found[0] if len(set(found)) == 1 else -1


def prepare(messages: Sequence[Message]) -> Prepared:
    """Index authors, addressees, mentions and tokens of a chat."""
    n = len(messages)
    author_of: dict[str, int] = {}
    names: list[str] = []
    for m in messages:
        key = m.author_id or m.author_name
        if key not in author_of:
            author_of[key] = len(names)
            names.append(m.author_name or m.author_id)
    n_authors = max(1, len(names))
    known = _Names.build(names)
    author = np.fromiter((author_of[m.author_id or m.author_name] for m in messages), np.int64, n)
    addr = np.full(n, -1, np.int64)
    addr_strong = np.zeros(n, np.bool_)
    mention_keys: list[int] = []
    n_mentions = np.zeros(n, np.int64)
    flags = np.zeros((7, n), np.bool_)
    length = np.zeros(n, np.float32)
    token_ids: dict[str, int] = {}
    doc_tokens: list[list[int]] = []
    df: dict[int, int] = {}
    for i, m in enumerate(messages):
        text = m.text if m.kind in (Kind.TEXT, Kind.MEDIA) else ""
        me = int(author[i])
        words = text.split()
        found: set[int] = set()
        if words:
            head = words[0]
            who = known.word(head)
            strong = head.endswith((":", ",", ">")) or head.startswith("@")
            if who < 0 and head.endswith((":", ",")):
                who = known.prefix(head.strip(_STRIP))
            if who < 0 and head.startswith("@"):
                who = known.at(text, text.index("@") + 1)
            if who >= 0 and who != me:
                addr[i] = who
                addr_strong[i] = strong
        for word in words:
            who = known.word(word)
            if who >= 0 and who != me:
                found.add(who)
        at = text.find("@")
        while at >= 0:
            who = known.at(text, at + 1)
            if who >= 0 and who != me:
                found.add(who)
            at = text.find("@", at + 1)
        if addr[i] >= 0:
            found.add(int(addr[i]))
        n_mentions[i] = len(found)
        mention_keys.extend(i * n_authors + who for who in found)
        stripped = text.strip()
        flags[0, i] = "?" in text or "？" in text
        flags[1, i] = stripped.endswith(("?", "？"))
        body = " ".join(words[1:]) if addr[i] >= 0 else stripped
        flags[2, i] = bool(_GREETING.match(body))
        flags[3, i] = bool(_THANKS.search(text))
        flags[4, i] = bool(_ANSWERISH.match(body))
        flags[5, i] = bool(_URL.search(text))
        flags[6, i] = m.kind in (Kind.TEXT, Kind.MEDIA)
        length[i] = math.log1p(len(stripped))
        ids = sorted({token_ids.setdefault(t, len(token_ids)) for t in _tokens(body)})
        doc_tokens.append(ids)
        for t in ids:
            df[t] = df.get(t, 0) + 1
    vocab = max(1, len(token_ids))
    keys: list[int] = []
    weights: list[float] = []
    n_tokens = np.zeros(n, np.int64)
    for i, ids in enumerate(doc_tokens):
        w = [math.log((n + IDF_PRIOR) / (df[t] + 0.5)) for t in ids]
        norm = math.sqrt(sum(x * x for x in w)) or 1.0
        keys.extend(i * vocab + t for t in ids)
        weights.extend(x / norm for x in w)
        n_tokens[i] = len(ids)
    index = np.arange(n, dtype=np.int64)
    has_addr = addr >= 0
    joins = np.fromiter((m.kind is Kind.JOIN for m in messages), np.bool_, n)
    return Prepared(
        n=n,
        author=author,
        text=flags[6],
        ts=np.fromiter((m.timestamp.timestamp() for m in messages), np.float64, n),
        addr=addr,
        addr_strong=addr_strong,
        mention_keys=np.unique(np.array(mention_keys, np.int64)),
        n_mentions=n_mentions,
        question=flags[0],
        ends_question=flags[1],
        greeting=flags[2],
        thanks=flags[3],
        answerish=flags[4],
        url=flags[5],
        length=length,
        tok_keys=np.array(keys, np.int64),
        tok_weight=np.array(weights, np.float32),
        n_tokens=n_tokens,
        vocab=vocab,
        n_authors=n_authors,
        author_keys=np.sort(author * n + index),
        addr_keys=np.sort(addr[has_addr] * n + index[has_addr]),
        pair_keys=np.sort((author[has_addr] * n_authors + addr[has_addr]) * n + index[has_addr]),
        join_keys=np.sort(author[joins] * n + index[joins]),
    )


# --------------------------------------------------------------------------- features


@dataclass(frozen=True, slots=True)
class Pairs:
    """The candidate pairs of a block of messages: row r pairs message ``i[r]`` with ``j[r]``.

    ``j == i`` is the "new conversation" candidate; rows are grouped by message, ``width``
    rows per message, candidates nearest first.
    """

    i: Ints
    j: Ints
    valid: Bools
    width: int


def pairs(p: Prepared, start: int, stop: int, window: int = WINDOW) -> Pairs:
    width = window + 1
    i = np.repeat(np.arange(start, stop, dtype=np.int64), width)
    d = np.tile(np.arange(width, dtype=np.int64), stop - start)
    j = i - d
    valid = j >= 0
    # Only conversational messages can be parents (joins and quits answer nobody).
    valid &= (d == 0) | p.text[np.maximum(j, 0)]
    return Pairs(i=i, j=np.maximum(j, 0), valid=valid, width=width)


def _count(keys: Ints, lo: Ints, hi: Ints) -> Ints:
    """How many of the sorted ``keys`` lie in [lo, hi)."""
    return np.searchsorted(keys, hi).astype(np.int64) - np.searchsorted(keys, lo).astype(np.int64)


def _has(keys: Ints, probe: Ints) -> Bools:
    if keys.size == 0:
        return np.zeros(probe.shape, np.bool_)
    at = np.minimum(np.searchsorted(keys, probe), keys.size - 1)
    found: Bools = np.equal(keys[at], probe)
    return found


def _lexical(p: Prepared, q: Pairs) -> tuple[Floats, Floats]:
    """tf-idf cosine and shared-token Jaccard for every row (0 for the self rows)."""
    rows = q.i.size
    cosine = np.zeros(rows, np.float32)
    shared = np.zeros(rows, np.float32)
    if p.tok_keys.size == 0:
        return cosine, shared
    start = int(q.i[0])
    stop = int(q.i[-1]) + 1
    msg = p.tok_keys // p.vocab
    lo = np.searchsorted(msg, start - q.width + 1)
    hi = np.searchsorted(msg, stop)
    keys = p.tok_keys[lo:hi]
    weight = p.tok_weight[lo:hi]
    owner = msg[lo:hi]
    for d in range(1, q.width):
        shifted = keys + d * p.vocab  # (j + d) * vocab + token: the same token, d lines later
        at = np.minimum(np.searchsorted(keys, shifted), keys.size - 1)
        hit = keys[at] == shifted
        target = owner[hit] + d
        inside = (target >= start) & (target < stop)
        row = (target[inside] - start) * q.width + d
        np.add.at(cosine, row, (weight[hit] * weight[at[hit]])[inside])
        np.add.at(shared, row, 1.0)
    sizes = (p.n_tokens[q.i] + p.n_tokens[q.j]).astype(np.float32) - shared
    jaccard = np.where(sizes > 0, shared / np.maximum(sizes, 1.0), 0.0).astype(np.float32)
    self_row = q.i == q.j
    cosine[self_row] = 0.0
    jaccard[self_row] = 0.0
    return cosine, jaccard


Column = npt.NDArray[Any]
Scratch = dict[str, Column]
FeatureFn = Callable[[Prepared, Pairs, Scratch], Column]


@dataclass(frozen=True, slots=True)
class Feature:
    """One named column of the pair matrix; ``compute`` may read earlier columns by name."""

    name: str
    doc: str
    compute: FeatureFn


def _col(values: object) -> Column:
    return np.asarray(values)


def _log(x: npt.NDArray[Any]) -> Floats:
    return np.log1p(np.maximum(np.asarray(x, np.float64), 0.0)).astype(np.float32)


def _features() -> tuple[Feature, ...]:
    def self_(p: Prepared, q: Pairs, f: Scratch) -> Column:
        return _col(q.i == q.j)

    def same_author(p: Prepared, q: Pairs, f: Scratch) -> Column:
        return _col((p.author[q.i] == p.author[q.j]) & (q.i != q.j))

    def own_since(p: Prepared, q: Pairs, f: Scratch) -> Column:
        base = p.author[q.i] * p.n
        return _col(_count(p.author_keys, base + q.j + 1, base + q.i))

    def cand_since(p: Prepared, q: Pairs, f: Scratch) -> Column:
        base = p.author[q.j] * p.n
        return _col(_count(p.author_keys, base + q.j + 1, base + q.i))

    def answered(p: Prepared, q: Pairs, f: Scratch) -> Column:
        base = p.author[q.j] * p.n
        return _col(_count(p.addr_keys, base + q.j + 1, base + q.i))

    def talked(p: Prepared, q: Pairs, f: Scratch) -> Column:
        lo = np.maximum(q.i - 200, 0)
        ab = (p.author[q.i] * p.n_authors + p.author[q.j]) * p.n
        ba = (p.author[q.j] * p.n_authors + p.author[q.i]) * p.n
        return _col(_count(p.pair_keys, ab + lo, ab + q.i) + _count(p.pair_keys, ba + lo, ba + q.i))

    def cand_to_me(p: Prepared, q: Pairs, f: Scratch) -> Column:
        return _col((p.addr[q.j] == p.author[q.i]) & (q.i != q.j))

    def me_to_cand(p: Prepared, q: Pairs, f: Scratch) -> Column:
        return _col((p.addr[q.i] == p.author[q.j]) & (q.i != q.j))

    def i_mention(p: Prepared, q: Pairs, f: Scratch) -> Column:
        return _col(_has(p.mention_keys, q.i * p.n_authors + p.author[q.j]) & (q.i != q.j))

    def c_mention(p: Prepared, q: Pairs, f: Scratch) -> Column:
        return _col(_has(p.mention_keys, q.j * p.n_authors + p.author[q.i]) & (q.i != q.j))

    def cand_addr_other(p: Prepared, q: Pairs, f: Scratch) -> Column:
        return _col((p.addr[q.j] >= 0) & (p.addr[q.j] != p.author[q.i]) & (q.i != q.j))

    def last_addr_gap(p: Prepared, q: Pairs, f: Scratch) -> Column:
        # Has my author been addressed by the candidate's author since the candidate?
        ab = (p.author[q.j] * p.n_authors + p.author[q.i]) * p.n
        return _col(_count(p.pair_keys, ab + q.j + 1, ab + q.i))

    def recent_own(p: Prepared, q: Pairs, f: Scratch) -> Column:
        # How many lines back my author last spoke (window+1 if not in the window): self rows only matter.
        base = p.author[q.i] * p.n
        before = np.searchsorted(p.author_keys, base + q.i) - 1
        prev = p.author_keys[np.maximum(before, 0)]
        has = (before >= 0) & (prev >= base)
        return _col(np.where(has, q.i - (prev - base), q.width))

    def gap_prev(p: Prepared, q: Pairs, f: Scratch) -> Column:
        return _col(_log(p.ts[q.i] - p.ts[np.maximum(q.i - 1, 0)]))

    def gap_own(p: Prepared, q: Pairs, f: Scratch) -> Column:
        base = p.author[q.i] * p.n
        before = np.searchsorted(p.author_keys, base + q.i) - 1
        prev = p.author_keys[np.maximum(before, 0)]
        has = (before >= 0) & (prev >= base)
        return _col(np.where(has, _log(p.ts[q.i] - p.ts[np.where(has, prev - base, 0)]), 12.0))

    def cos(p: Prepared, q: Pairs, f: Scratch) -> Column:
        cosine, jaccard = _lexical(p, q)
        f["_jaccard"] = jaccard
        return _col(cosine)

    def jac(p: Prepared, q: Pairs, f: Scratch) -> Column:
        return _col(f["_jaccard"] if "_jaccard" in f else _lexical(p, q)[1])

    def to_me_since(p: Prepared, q: Pairs, f: Scratch) -> Column:
        base = p.author[q.i] * p.n
        return _col(np.where(q.i != q.j, _count(p.addr_keys, base + q.j + 1, base + q.i), 0))

    def cosine_rank(p: Prepared, q: Pairs, f: Scratch) -> Column:
        values = f["cosine"] if "cosine" in f else _lexical(p, q)[0]
        grid = np.where(q.valid, values, -1.0).reshape(-1, q.width)
        order = np.argsort(-grid, axis=1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(q.width)[None, :], axis=1)
        return _col(np.where(grid > 0, ranks, q.width).ravel())

    def joined_ago(p: Prepared, q: Pairs, f: Scratch) -> Column:
        base = p.author[q.i] * p.n
        before = np.searchsorted(p.join_keys, base + q.i) - 1
        last = p.join_keys[np.maximum(before, 0)] if p.join_keys.size else np.zeros_like(q.i)
        seen = (before >= 0) & (last >= base)
        return _col(np.where(seen, _log(q.i - (last - base)), 12.0))

    def own_count(p: Prepared, q: Pairs, f: Scratch) -> Column:
        base = p.author[q.i] * p.n
        return _col(_log(_count(p.author_keys, base, base + q.i)))

    def cand_author_count(p: Prepared, q: Pairs, f: Scratch) -> Column:
        base = p.author[q.j] * p.n
        return _col(np.where(q.i != q.j, _log(_count(p.author_keys, base, base + q.j)), 0))

    def pick(array: str, row: str) -> FeatureFn:
        def compute(p: Prepared, q: Pairs, f: Scratch) -> Column:
            values: Column = getattr(p, array)
            return _col(values[q.i if row == "i" else q.j])

        return compute

    def cand_only(array: str) -> FeatureFn:
        inner = pick(array, "j")

        def compute(p: Prepared, q: Pairs, f: Scratch) -> Column:
            return _col(np.where(q.i != q.j, inner(p, q, f), 0))

        return compute

    return (
        Feature("self", "the candidate is the message itself: a new conversation", self_),
        Feature("distance", "lines between candidate and message", lambda p, q, f: _log(q.i - q.j)),
        Feature(
            "time_gap",
            "seconds between candidate and message (log)",
            lambda p, q, f: _log(p.ts[q.i] - p.ts[q.j]),
        ),
        Feature("same_author", "the candidate is the author's own message", same_author),
        Feature("own_since", "messages by the author since the candidate", own_since),
        Feature("cand_since", "messages by the candidate's author since the candidate", cand_since),
        Feature("cand_answered", "messages addressed to the candidate's author since it", answered),
        Feature("talked", "messages between the two authors addressed to each other, recently", talked),
        Feature(
            "addressed_since",
            "the candidate's author addressed this author since the candidate",
            last_addr_gap,
        ),
        Feature("cand_to_me", "the candidate addresses this message's author (nick: ...)", cand_to_me),
        Feature("me_to_cand", "this message addresses the candidate's author (nick: ...)", me_to_cand),
        Feature("i_mention", "this message mentions the candidate's author anywhere", i_mention),
        Feature("c_mention", "the candidate mentions this message's author anywhere", c_mention),
        Feature("cand_addr_other", "the candidate addresses someone else", cand_addr_other),
        Feature("cosine", "tf-idf cosine of the two messages (CJK bigrams)", cos),
        Feature("jaccard", "shared-token Jaccard of the two messages", jac),
        Feature("cand_question", "the candidate contains a question mark", cand_only("question")),
        Feature("cand_ends_question", "the candidate ends with a question mark", cand_only("ends_question")),
        Feature(
            "cand_greeting", "the candidate opens like a new question (hi, anyone...)", cand_only("greeting")
        ),
        Feature("cand_thanks", "the candidate thanks someone", cand_only("thanks")),
        Feature("cand_answerish", "the candidate opens like an answer (yes, try...)", cand_only("answerish")),
        Feature("cand_url", "the candidate has a link", cand_only("url")),
        Feature("cand_length", "characters of the candidate (log)", cand_only("length")),
        Feature(
            "cand_strong_addr",
            "the candidate's addressee is written nick: or @nick",
            cand_only("addr_strong"),
        ),
        Feature("cand_mentions", "nicks the candidate mentions", cand_only("n_mentions")),
        Feature("has_addr", "this message has a leading addressee", lambda p, q, f: p.addr[q.i] >= 0),
        Feature("strong_addr", "the addressee is written nick: or @nick", pick("addr_strong", "i")),
        Feature("mentions", "nicks this message mentions", pick("n_mentions", "i")),
        Feature("question", "this message contains a question mark", pick("question", "i")),
        Feature("greeting", "this message opens like a new question", pick("greeting", "i")),
        Feature("thanks", "this message thanks someone", pick("thanks", "i")),
        Feature("answerish", "this message opens like an answer", pick("answerish", "i")),
        Feature("url", "this message has a link", pick("url", "i")),
        Feature("length", "characters of this message (log)", pick("length", "i")),
        Feature("recent_own", "lines since the author last spoke", recent_own),
        Feature("gap_prev", "seconds since the previous line (log)", gap_prev),
        Feature("gap_own", "seconds since the author last spoke (log)", gap_own),
        Feature("addressed_me_since", "messages addressed to this author since the candidate", to_me_since),
        Feature("cosine_rank", "candidates more similar to this message than this one", cosine_rank),
        Feature("joined_ago", "lines since this author joined (log; large if not seen)", joined_ago),
        Feature("own_count", "earlier messages by this author (log)", own_count),
        Feature("cand_author_count", "earlier messages by the candidate's author (log)", cand_author_count),
    )


def _structure_features() -> tuple[Feature, ...]:
    """Features read from the conversations the first ranking stage built (``cascade``)."""

    def need(array: Ints | Floats | None) -> Any:
        if array is None:
            raise ValueError("structure features need the decisions of an earlier stage")
        return array

    def replied_me(p: Prepared, q: Pairs, f: Scratch) -> Column:
        parent = need(p.parent)
        return _col((p.author[parent[q.j]] == p.author[q.i]) & (parent[q.j] != q.j) & (q.i != q.j))

    def children(p: Prepared, q: Pairs, f: Scratch) -> Column:
        base = q.j * p.n
        return _col(np.where(q.i != q.j, _count(need(p.child_keys), base + q.j + 1, base + q.i), 0))

    def my_children(p: Prepared, q: Pairs, f: Scratch) -> Column:
        base = (q.j * p.n_authors + p.author[q.i]) * p.n
        return _col(np.where(q.i != q.j, _count(need(p.author_child_keys), base + q.j + 1, base + q.i), 0))

    def same_conversation(p: Prepared, q: Pairs, f: Scratch) -> Column:
        prev = need(p.own_prev)[q.i]
        root = need(p.root)
        return _col((prev >= 0) & (root[q.j] == root[np.maximum(prev, 0)]) & (q.i != q.j))

    def root_author_me(p: Prepared, q: Pairs, f: Scratch) -> Column:
        return _col((p.author[need(p.root)[q.j]] == p.author[q.i]) & (q.i != q.j))

    def is_root(p: Prepared, q: Pairs, f: Scratch) -> Column:
        return _col((need(p.parent)[q.j] == q.j) & (q.i != q.j))

    def talking_to(p: Prepared, q: Pairs, f: Scratch) -> Column:
        prev = np.maximum(need(p.own_prev)[q.i], 0)
        parent = need(p.parent)
        return _col(
            (need(p.own_prev)[q.i] >= 0) & (parent[prev] != prev) & (p.author[parent[prev]] == p.author[q.j])
        )

    def margin(p: Prepared, q: Pairs, f: Scratch) -> Column:
        grid = need(p.margin)
        return _col(grid[q.i - p.margin_start, np.minimum(q.i - q.j, grid.shape[1] - 1)])

    return (
        Feature("s_replied_me", "the candidate answered this author (earlier stage)", replied_me),
        Feature("s_children", "replies the candidate already has (earlier stage)", children),
        Feature("s_my_children", "replies this author already made to the candidate", my_children),
        Feature(
            "s_same_conversation",
            "the candidate is in the conversation of my last message",
            same_conversation,
        ),
        Feature(
            "s_root_author_me", "the candidate's conversation was started by this author", root_author_me
        ),
        Feature("s_is_root", "the candidate starts a conversation (earlier stage)", is_root),
        Feature("s_talking_to", "my last message answered the candidate's author", talking_to),
        Feature("s_margin", "the earlier stage's score, minus its best for this message", margin),
    )


FEATURES: tuple[Feature, ...] = _features() + _structure_features()
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
ROW_FEATURES: tuple[str, ...] = tuple(f.name for f in FEATURES if f.name.startswith("s_"))
"""Features of later stages, computed for the candidates they score only."""
BASE_FEATURES: tuple[str, ...] = tuple(f.name for f in FEATURES if f.name not in ROW_FEATURES)


def feature_matrix(
    p: Prepared, q: Pairs, disabled: Collection[str] = (), names: Sequence[str] = BASE_FEATURES
) -> Floats:
    """The (rows, features) matrix of the named features; a disabled feature is a column of zeros."""
    by_name = {f.name: f for f in FEATURES}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise ValueError(f"unknown features: {', '.join(unknown)}")
    out = np.zeros((q.i.size, len(names)), np.float32)
    scratch: Scratch = {}
    for column, name in enumerate(names):
        feature = by_name[name]
        if name in disabled:
            continue
        values = feature.compute(p, q, scratch)
        out[:, column] = np.asarray(values, np.float32)
        scratch[feature.name] = values
    return out


# --------------------------------------------------------------------------- the ranker model


@dataclass(frozen=True, slots=True)
class _Compiled:
    """Trees ``first .. last`` of a forest laid out for batch scoring.

    Every distinct split (feature, threshold) gets a code; a block of rows is compared
    against all codes at once, then each row walks every tree with table lookups only.
    Node ``g`` of the flat layout (``nodes`` per tree, leaves after the internal nodes)
    has its split in ``code[g]``, its left child at ``left[g]`` (the right one next to
    it) and, for a leaf, its value in ``value[g]``.
    """

    depth: int
    trees: int
    split_feature: Ints  # (codes,)
    split_threshold: Floats  # (codes,)
    code: Ints
    left: Ints
    value: npt.NDArray[np.float64]
    root: Ints  # (1, trees): the first node of each tree

    @staticmethod
    def build(feature: Ints, threshold: Floats, leaf: npt.NDArray[np.float64], depth: int) -> _Compiled:
        trees, inner = feature.shape
        splits = np.stack([feature.ravel().astype(np.float64), threshold.ravel().astype(np.float64)], 1)
        unique, codes = np.unique(splits, axis=0, return_inverse=True)
        nodes = 2 * inner + 1
        first = np.arange(trees, dtype=np.intp)[:, None] * nodes
        code = np.zeros((trees, nodes), np.intp)
        code[:, :inner] = codes.reshape(trees, inner)
        left = np.zeros((trees, nodes), np.intp)
        left[:, :inner] = first + 2 * np.arange(inner, dtype=np.intp)[None, :] + 1
        value = np.zeros((trees, nodes), np.float64)
        value[:, inner:] = leaf
        return _Compiled(
            depth=depth,
            trees=trees,
            split_feature=unique[:, 0].astype(np.intp),
            split_threshold=unique[:, 1].astype(np.float32),
            code=code.ravel(),
            left=left.ravel(),
            value=value.ravel(),
            root=first.reshape(1, trees),
        )

    def score(self, x: Floats, chunk: int = 1 << 16) -> npt.NDArray[np.float64]:
        out = np.zeros(x.shape[0], np.float64)
        if self.trees == 0:
            return out
        step = max(1, chunk // self.trees)
        threshold = self.split_threshold[:, None]
        for lo in range(0, x.shape[0], step):
            columns = np.ascontiguousarray(x[lo : lo + step].T)
            rows = columns.shape[1]
            # right[code * rows + row]: does the row go right at splits with that code?
            right = np.greater(columns[self.split_feature], threshold).ravel()
            code = self.code * rows
            row = np.arange(rows, dtype=np.intp)[:, None]
            at = np.repeat(self.root, rows, axis=0)
            probe = np.empty_like(at)
            bit = np.empty(at.shape, np.bool_)
            for _ in range(self.depth):
                np.take(code, at, out=probe)
                probe += row
                np.take(right, probe, out=bit)
                np.take(self.left, at, out=at)
                at += bit
            out[lo : lo + rows] = np.take(self.value, at).sum(axis=1)
        return out


@dataclass(frozen=True, slots=True)
class Forest:
    """Gradient-boosted regression trees, stored complete to a fixed depth for fast numpy scoring.

    Tree ``t`` has internal nodes ``0 .. 2**depth - 2`` (children of ``k``: ``2k+1`` left,
    ``2k+2`` right; go right when the value is greater than the threshold) and
    ``2**depth`` leaves.

    Which candidates a stage scores in full: in the first stage, the first ``prune_trees``
    trees score every candidate and only the ``prune_keep`` best within ``prune_margin`` of
    the message's best (0: any), and "none", go on to the rest. A later stage rescores the
    earlier stage's ``keep`` best candidates (0: all it scored in full) within
    ``keep_margin`` of its best (0: any), where more than one is left.
    """

    features: tuple[str, ...]
    window: int
    depth: int
    feature: Ints  # (trees, 2**depth - 1)
    threshold: Floats  # (trees, 2**depth - 1), as float32 values compare (see ``_floor32``)
    leaf: npt.NDArray[np.float64]  # (trees, 2**depth)
    prune_trees: int = 0
    prune_keep: int = 0
    prune_margin: float = 0.0
    keep: int = 0
    keep_margin: float = 0.0
    _compiled: dict[tuple[int, int], _Compiled] = field(default_factory=dict, compare=False, repr=False)

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Forest:
        trees = data["trees"]
        forest = Forest(
            features=tuple(str(x) for x in data["features"]),
            window=int(data["window"]),
            depth=int(data["depth"]),
            feature=np.array(trees["feature"], np.int64).reshape(len(trees["feature"]), -1),
            threshold=_thresholds(trees["threshold"], data.get("threshold_type") == "float32"),
            leaf=np.array(trees["leaf"], np.float64).reshape(len(trees["leaf"]), -1),
            prune_trees=int(data.get("prune_trees", 0)),
            prune_keep=int(data.get("prune_keep", 0)),
            prune_margin=float(data.get("prune_margin", 0.0)),
            keep=int(data.get("keep", 0)),
            keep_margin=float(data.get("keep_margin", 0.0)),
        )
        inner = 2**forest.depth - 1
        if forest.feature.shape[1:] != (inner,) or forest.leaf.shape[1:] != (inner + 1,):
            raise ValueError(f"trees are not complete to depth {forest.depth}")
        if forest.feature.size and int(forest.feature.max()) >= len(forest.features):
            raise ValueError("a tree splits on a feature the model does not list")
        return forest

    @staticmethod
    def placeholder(
        features: Sequence[str],
        window: int,
        keep: int = 0,
        keep_margin: float = 0.0,
    ) -> Forest:
        """A forest without trees (every score 0): the candidates and features of a stage to train."""
        return Forest(
            features=tuple(features),
            window=window,
            depth=1,
            feature=np.zeros((0, 1), np.int64),
            threshold=np.zeros((0, 1), np.float32),
            leaf=np.zeros((0, 2), np.float64),
            keep=keep,
            keep_margin=keep_margin,
        )

    @property
    def trees(self) -> int:
        return int(self.leaf.shape[0])

    def score(self, x: Floats, first: int = 0, last: int | None = None) -> npt.NDArray[np.float64]:
        """Sum of trees ``first .. last`` for every row of ``x``."""
        last = self.trees if last is None else min(last, self.trees)
        if last <= first or x.shape[0] == 0:
            return np.zeros(x.shape[0], np.float64)
        compiled = self._compiled.get((first, last))
        if compiled is None:
            compiled = _Compiled.build(
                self.feature[first:last], self.threshold[first:last], self.leaf[first:last], self.depth
            )
            self._compiled[first, last] = compiled
        return compiled.score(np.ascontiguousarray(x, np.float32))


def _thresholds(values: Sequence[Sequence[float]], exact32: bool) -> Floats:
    """Thresholds read from JSON: float32 already, or float64 ones (LightGBM's) floored to float32."""
    array = np.array(values, np.float64).reshape(len(values), -1)
    return array.astype(np.float32) if exact32 else _floor32(array)


def _floor32(threshold: npt.NDArray[np.float64]) -> Floats:
    """Float32 thresholds that split float32 values exactly as the float64 ones do."""
    rounded = threshold.astype(np.float32)
    above = rounded.astype(np.float64) > threshold
    rounded[above] = np.nextafter(rounded[above], np.float32(-np.inf))
    return rounded


@dataclass(frozen=True, slots=True)
class Ranker:
    """One or more forests; each stage after the first also reads the structure the first one built."""

    stages: tuple[Forest, ...]

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Ranker:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a digest links model (format {MODEL_FORMAT})")
        stages = data.get("stages", [data])
        return Ranker(tuple(Forest.from_json(stage) for stage in stages))


MODEL_FORMAT = "digest-links-forest/1"


@cache
def default_model() -> Ranker:
    """The ranker trained on the #ubuntu disentanglement data (``bench/train_links.py``)."""
    raw = resources.files("digest").joinpath("data", MODEL_RESOURCE).read_bytes()
    return Ranker.from_json(orjson.loads(raw))


NO_SCORE = -50.0
"""The margin of a candidate a stage did not score in full."""


def _own_prev(p: Prepared) -> Ints:
    """Each message's author's previous conversational message (-1 if none)."""
    own_prev = np.full(p.n, -1, np.int64)
    last: dict[int, int] = {}
    for k, a in enumerate(p.author.tolist()):
        if p.text[k]:
            own_prev[k] = last.get(a, -1)
            last[a] = k
    return own_prev


class _Structure:
    """The first stage's decisions, as the structure features of later stages read them.

    Built chunk by chunk: a message's structure features only read decisions about
    earlier messages, and its own first-stage margins.
    """

    def __init__(self, p: Prepared, base: Ints) -> None:
        self.p = p
        self.parent = base.copy()
        self.root = np.arange(p.n, dtype=np.int64)
        self.own_prev = _own_prev(p)

    def decide(self, start: int, stop: int, parent: Ints) -> None:
        """Record the first stage's parents of messages ``start .. stop`` (in order)."""
        self.parent[start:stop] = parent
        root = self.root
        for k, j in enumerate(parent.tolist(), start):  # parents come first: one pass resolves roots
            root[k] = k if j >= k else root[j]

    def view(self, start: int, stop: int, window: int, margin: Floats) -> Prepared:
        """The prepared chat plus the structure the features of messages ``start .. stop`` read."""
        p = self.p
        n = p.n
        lo = max(0, start - window)
        index = np.arange(lo, stop, dtype=np.int64)
        parent = self.parent[lo:stop]
        replies = parent != index
        return replace(
            p,
            parent=self.parent,
            root=self.root,
            child_keys=np.sort(parent[replies] * n + index[replies]),
            author_child_keys=np.sort(
                (parent[replies] * p.n_authors + p.author[lo:stop][replies]) * n + index[replies]
            ),
            own_prev=self.own_prev,
            margin=margin,
            margin_start=start,
        )


def _first_stage(forest: Forest, x: Floats, keep: Bools, width: int) -> tuple[npt.NDArray[np.float64], Bools]:
    """Scores (-inf where not scored in full) and the full-scored mask of a chunk's candidates."""
    score = np.full(keep.size, -np.inf)
    rows = np.flatnonzero(keep)
    if not (0 < forest.prune_trees < forest.trees and 0 < forest.prune_keep < width):
        score[rows] = forest.score(x[rows])
        return score, keep
    score[rows] = forest.score(x[rows], 0, forest.prune_trees)
    grid = score.reshape(-1, width)
    chosen = _best(grid, forest.prune_keep, forest.prune_margin)
    chosen[:, 0] = True  # "none" is always scored in full
    full = chosen.ravel() & keep
    rows = np.flatnonzero(full)
    score[rows] += forest.score(x[rows], forest.prune_trees)
    score[~full] = -np.inf
    return score, full


def _best(grid: npt.NDArray[np.float64], keep: int, margin: float) -> Bools:
    """The ``keep`` best entries of each row (0: all) within ``margin`` of its best (0: any)."""
    chosen = np.isfinite(grid)
    if 0 < keep < grid.shape[1]:
        order = np.argsort(-grid, axis=1, kind="stable")[:, :keep]
        top = np.zeros(grid.shape, np.bool_)
        np.put_along_axis(top, order, True, axis=1)
        chosen &= top
    if margin > 0:
        with np.errstate(invalid="ignore"):
            chosen &= grid >= grid.max(axis=1, keepdims=True) - margin
    return chosen


def _stage_matrix(
    p: Prepared,
    q: Pairs,
    rows: Ints,
    x: Floats,
    names: Sequence[str],
    forest: Forest,
    disabled: Collection[str],
) -> Floats:
    """A later stage's features for the chosen rows: first-stage columns reused, the rest computed."""
    out = np.zeros((rows.size, len(forest.features)), np.float32)
    column = {name: k for k, name in enumerate(names)}
    sub = Pairs(i=q.i[rows], j=q.j[rows], valid=q.valid[rows], width=q.width)
    structure = [k for k, name in enumerate(forest.features) if name in ROW_FEATURES]
    missing = [k for k, name in enumerate(forest.features) if name not in column and k not in structure]
    for k, name in enumerate(forest.features):
        if name in column:
            out[:, k] = x[rows, column[name]]
    if structure:
        out[:, structure] = feature_matrix(p, sub, disabled, [forest.features[k] for k in structure])
    if missing:
        full = feature_matrix(p, q, disabled, [forest.features[k] for k in missing])
        out[:, missing] = full[rows]
    return out


@dataclass(frozen=True, slots=True)
class StageRows:
    """The candidate rows a stage scored for a chunk of messages: row r pairs ``i[r]`` with ``j[r]``."""

    i: Ints
    j: Ints
    x: Floats


def cascade(
    p: Prepared,
    stages: Sequence[Forest],
    wanted: Bools,
    disabled: Collection[str] = (),
    base: Ints | None = None,
    collect: bool = False,
) -> tuple[Ints, list[StageRows]]:
    """Run the stages over the wanted messages: each one's parent index (itself for "none").

    ``base`` holds the parents of the other messages (decided earlier; default: none), which
    later stages read as part of the structure. With ``collect`` the last stage's candidate
    rows and features are returned too (to train that stage).
    """
    index = np.arange(p.n, dtype=np.int64)
    base = index.copy() if base is None else base
    parent = np.where(wanted, index, base)
    collected: list[StageRows] = []
    first = stages[0]
    structure = _Structure(p, base) if len(stages) > 1 else None
    for start in range(0, p.n, CHUNK):
        stop = min(p.n, start + CHUNK)
        if not wanted[start:stop].any():
            if structure is not None:
                structure.decide(start, stop, base[start:stop])
            continue
        q = pairs(p, start, stop, first.window)
        x = feature_matrix(p, q, disabled, first.features)
        keep = q.valid & wanted[q.i]
        score, full = _first_stage(first, x, keep, q.width)
        rows = np.flatnonzero(full)
        for k in range(len(stages)):
            grid = score.reshape(-1, q.width)
            best = np.argmax(grid, axis=1)
            chosen = np.where(wanted[start:stop], np.arange(start, stop) - best, base[start:stop])
            if k == 0 and structure is not None:
                structure.decide(start, stop, chosen)
            if k + 1 == len(stages):
                parent[start:stop] = chosen
                break
            later = stages[k + 1]
            if later.window != first.window:
                raise ValueError("every stage must look at the same window")
            top = grid[np.arange(grid.shape[0]), best]
            with np.errstate(invalid="ignore"):
                margin = np.where(full.reshape(-1, q.width), grid - top[:, None], NO_SCORE).astype(np.float32)
            shortlist = _best(grid, later.keep, later.keep_margin) & full.reshape(-1, q.width)
            score = np.where(shortlist, 0.0, -np.inf).ravel()
            full = shortlist.ravel()
            training = collect and k + 2 == len(stages)
            if training:  # the stage learns "none" against the rest everywhere
                shortlist[:, 0] = wanted[start:stop]
            else:  # a message with one candidate left keeps it: only the others are scored again
                shortlist[shortlist.sum(axis=1) == 1] = False
            rows = np.flatnonzero(shortlist.ravel())
            assert structure is not None
            view = structure.view(start, stop, first.window, margin)
            xs = _stage_matrix(view, q, rows, x, first.features, later, disabled)
            if training:
                collected.append(StageRows(q.i[rows], q.j[rows], xs))
            score[rows] = later.score(xs)
        if collect and len(stages) == 1:
            collected.append(StageRows(q.i[rows], q.j[rows], x[rows]))
    return parent, collected


def rank(
    p: Prepared,
    model: Ranker,
    todo: Iterable[int],
    disabled: Collection[str] = (),
    fixed: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """The best-scoring parent (or the message itself) of each message index in ``todo``.

    ``fixed`` holds decisions already taken (explicit links, service lines): later stages
    read them as part of the structure.
    """
    wanted = np.zeros(p.n, np.bool_)
    todo_index = np.fromiter(todo, np.int64)
    wanted[todo_index] = True
    base = np.arange(p.n, dtype=np.int64)
    for i, j in (fixed or {}).items():
        base[i] = j
    parent, _rows = cascade(p, model.stages, wanted, disabled, base)
    return {int(i): int(parent[i]) for i in todo_index}


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class State:
    """What a rule sees: the chat, its prepared arrays, the decisions so far (index -> parent index)."""

    messages: Sequence[Message]
    prepared: Prepared
    decided: Mapping[int, int]
    disabled: frozenset[str]
    model: Ranker | None

    def open(self) -> list[int]:
        return [i for i in range(self.prepared.n) if i not in self.decided]


@dataclass(frozen=True, slots=True)
class Rule:
    """One named step of reconstruction: decides some of the still-open messages."""

    name: str
    doc: str
    apply: Callable[[State], Mapping[int, int]]


def _explicit(state: State) -> dict[int, int]:
    position = {m.id: i for i, m in enumerate(state.messages)}
    out: dict[int, int] = {}
    for i in state.open():
        target = state.messages[i].reply_to
        if target is not None and target in position and position[target] <= i:
            out[i] = position[target]
    return out


def _service(state: State) -> dict[int, int]:
    return {i: i for i in state.open() if not state.prepared.text[i]}


def _forwarded(state: State) -> dict[int, int]:
    return {i: i for i in state.open() if state.messages[i].forwarded_from}


def _ranker(state: State) -> dict[int, int]:
    model = state.model if state.model is not None else default_model()
    return rank(state.prepared, model, state.open(), state.disabled, state.decided)


def _last_by(p: Prepared, author: int, before: int, window: int = WINDOW) -> int:
    for j in range(before - 1, max(-1, before - 1 - window), -1):
        if p.author[j] == author and p.text[j]:
            return j
    return -1


def _addressee(state: State) -> dict[int, int]:
    p = state.prepared
    out: dict[int, int] = {}
    for i in state.open():
        if p.addr[i] >= 0:
            j = _last_by(p, int(p.addr[i]), i)
            if j >= 0:
                out[i] = j
    return out


def _continuation(state: State) -> dict[int, int]:
    p = state.prepared
    out: dict[int, int] = {}
    for i in state.open():
        j = _last_by(p, int(p.author[i]), i, window=3)
        if j >= 0 and p.ts[i] - p.ts[j] <= 120:
            out[i] = j
    return out


def _gap(state: State) -> dict[int, int]:
    p = state.prepared
    out: dict[int, int] = {}
    for i in state.open():
        earlier = [j for j in range(i - 1, max(-1, i - 1 - WINDOW), -1) if p.text[j]]
        if not earlier or p.ts[i] - p.ts[earlier[0]] > LONG_GAP:
            out[i] = i
    return out


def _previous(state: State) -> dict[int, int]:
    p = state.prepared
    out: dict[int, int] = {}
    for i in state.open():
        out[i] = next((j for j in range(i - 1, max(-1, i - 1 - WINDOW), -1) if p.text[j]), i)
    return out


RULES: tuple[Rule, ...] = (
    Rule("explicit", "a reply link in the export always wins", _explicit),
    Rule("service", "joins, quits and system lines start a conversation of their own", _service),
    Rule("forwarded", "a forwarded message starts a conversation", _forwarded),
    Rule("ranker", "the trained model picks the best earlier message, or none", _ranker),
    Rule("addressee", "nick: ... answers that person's last message", _addressee),
    Rule("continuation", "the author's own message of a moment ago continues", _continuation),
    Rule("gap", "after a long quiet spell a message starts a conversation", _gap),
    Rule("previous", "otherwise, the previous message", _previous),
)
RULE_NAMES: tuple[str, ...] = tuple(r.name for r in RULES)


def reconstruct(
    messages: Sequence[Message],
    *,
    disabled: Collection[str] = (),
    rules: Sequence[Rule] = RULES,
    model: Ranker | None = None,
) -> dict[str, str]:
    """Map each message id to the id of the message it replies to (its own id: a new conversation).

    ``messages`` are one chat in order. ``disabled`` switches rules and features off by name
    (see ``RULE_NAMES`` and ``FEATURE_NAMES``); ``model`` replaces the shipped ranker.
    """
    off = frozenset(disabled)
    unknown = off - set(RULE_NAMES) - set(FEATURE_NAMES) - {r.name for r in rules}
    if unknown:
        raise ValueError(f"unknown rule or feature: {', '.join(sorted(unknown))}")
    if not messages:
        return {}
    prepared = prepare(messages)
    decided: dict[int, int] = {}
    for rule in rules:
        if rule.name in off or len(decided) == prepared.n:
            continue
        state = State(messages, prepared, decided, off, model)
        for i, j in rule.apply(state).items():
            decided.setdefault(i, j)
    known = {m.id for m in messages}
    out: dict[str, str] = {}
    for i, m in enumerate(messages):
        if "explicit" not in off and m.reply_to is not None and m.reply_to not in known:
            out[m.id] = m.reply_to  # a link out of this export is still the truth
        else:
            out[m.id] = messages[decided.get(i, i)].id
    return out
