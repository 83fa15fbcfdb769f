"""Links shared in chat: a library of resources, deduplicated by normalised URL.

Only http(s) links count. Two links are the same resource when they normalise to the same
URL: lower-case scheme and host, no credentials or default port, no tracking parameters
(``utm_*`` and the usual click ids), no fragment, no trailing slash. A share was *used*
when someone else reacted to it, thanked it, or shared the same resource again later; a
member who shared a resource others used earns ``resource_shared`` once per resource.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from digest.distill.qa import match_tags
from digest.distill.questions import is_thanks
from digest.distill.scoring import reply_of
from digest.model import QA, Contribution, Kind, Message, member_key
from digest.text import URL_PATTERN

_URL = re.compile(URL_PATTERN, re.IGNORECASE)
_TRAILING = ".,;:!?'\"。，；：！？、）》」』"
_TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "si",
        "spm",
        "share_source",
        "share_medium",
        "share_from",
        "ref_src",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class Share:
    """One message that shared a link."""

    member_id: str
    message: Message
    url: str  # as written in the message
    direct: tuple[str, ...] = ()  # other members who reacted to it or thanked it
    reactions: int = 0  # reactions by others (anonymous ones included)
    qa_id: str | None = None  # the Q&A this message is part of (a link in an answer), if any
    order: int = 0  # its place among every share of the resource, oldest first
    again: bool = False  # another member shared the resource again later


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource: its normalised URL and every share of it, oldest first.

    ``last_shared`` keeps, for each member who shared it, the ``order`` of their last share
    (over every share, also those a site leaves out): who shared it again after a share is
    read from it, instead of each share listing them (a link shared thousands of times would
    hold millions of names).
    """

    url: str
    domain: str
    shares: tuple[Share, ...]
    tags: tuple[str, ...] = ()
    last_shared: Mapping[str, int] = field(default_factory=dict)

    @property
    def first(self) -> Share:
        return self.shares[0]

    @property
    def qa_id(self) -> str | None:
        """The first Q&A the resource was shared in (the question it answered), if any."""
        return next((s.qa_id for s in self.shares if s.qa_id), None)

    def used_by(self, share: Share) -> tuple[str, ...]:
        """The other members who used ``share``: reacted to it, thanked it, or shared it again."""
        again = {m for m, last in self.last_shared.items() if last > share.order}
        return tuple(sorted((again | set(share.direct)) - {share.member_id}))

    @property
    def used(self) -> int:
        """How many other members used its shares (reacted, thanked or shared again)."""
        users = {m for s in self.shares for m in s.direct}
        if not self.shares:
            return 0
        first = self.shares[0]  # a later share adds no one who shared it again after this one...
        users.update(m for m, last in self.last_shared.items() if last > first.order and m != first.member_id)
        other = next((s for s in self.shares if s.member_id != first.member_id), None)
        if other is not None and self.last_shared.get(first.member_id, -1) > other.order:
            users.add(first.member_id)  # ...but its own sharer, after another member's share
        return len(users)


def normalise_url(url: str) -> str | None:
    """The canonical form of an http(s) URL, or None for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)]
    tail = f"?{urlencode(query)}" if query else ""
    return f"{scheme}://{netloc}{path}{tail}"


def _tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith("utm_") or key in _TRACKING


def links_in(text: str) -> list[str]:
    """The http(s) links in chat text, without the sentence punctuation that follows them."""
    out: list[str] = []
    for match in _URL.finditer(text):
        url = match.group(0)
        while (url and url[-1] in _TRAILING) or (url.endswith(")") and url.count("(") < url.count(")")):
            url = url[:-1]
        if url:
            out.append(url)
    return out


def find_resources(
    messages: Sequence[Message],
    qas: Iterable[QA],
    tags: Mapping[str, Sequence[str]],
    replies: Mapping[str, str] | None = None,
) -> list[Resource]:
    """Every resource shared in one group's messages (in time order), oldest first; a thanks
    replying to a share (by its link, or one ``replies`` reconstructed) counts as a use."""
    return resources_from(shares_in(messages, thanks_by_target(messages, replies)), in_qas(qas), tags)


def in_qas(qas: Iterable[QA]) -> dict[str, QA]:
    """Message id -> the first Q&A (in order) it is part of."""
    found: dict[str, QA] = {}
    for qa in qas:
        for mid in qa.source_ids:
            found.setdefault(mid, qa)
    return found


def thanks_by_target(messages: Iterable[Message], replies: Mapping[str, str] | None) -> dict[str, set[str]]:
    """Message id -> the members who thanked it (by replying to it)."""
    thanked_by: dict[str, set[str]] = defaultdict(set)
    for m in messages:
        parent = reply_of(m, replies)
        if parent is not None and m.author_id and is_thanks(m.text):
            thanked_by[parent].add(m.member_id)
    return thanked_by


def shares_in(messages: Iterable[Message], thanked_by: Mapping[str, set[str]]) -> dict[str, list[Share]]:
    """Normalised URL -> its shares among ``messages`` (in time order), not yet placed in a Q&A."""
    found: dict[str, list[Share]] = defaultdict(list)
    for m in messages:
        if m.kind is not Kind.TEXT or not m.author_id:
            continue
        seen: set[str] = set()
        for raw in links_in(m.text):
            url = normalise_url(raw)
            if url is None or url in seen:
                continue
            seen.add(url)
            reactors = {a for r in m.reactions for a in r.author_ids} - {m.author_id}
            anonymous = sum(max(r.count - len(r.author_ids), 0) for r in m.reactions)
            direct = {member_key(m.platform, a) for a in reactors} | thanked_by.get(m.id, set())
            direct.discard(m.member_id)
            found[url].append(Share(m.member_id, m, raw, tuple(sorted(direct)), len(reactors) + anonymous))
    return found


def resources_from(
    found: Mapping[str, Sequence[Share]], in_qa: Mapping[str, QA], tags: Mapping[str, Sequence[str]]
) -> list[Resource]:
    """The resources of one group's shares (URL -> shares, oldest first), each share placed in
    the Q&A its message is part of, oldest first."""
    resources: list[Resource] = []
    for url, shares in found.items():
        threads = [in_qa[s.message.id] for s in shares if s.message.id in in_qa]
        # A link inside a Q&A takes its tags; a link shared on its own, those its message names.
        alone = " ".join(s.message.text for s in shares if s.message.id not in in_qa)
        found_tags = [*(t for q in threads for t in q.tags), *(match_tags(alone, tags) if alone else ())]
        resources.append(_in_order(url, shares, found_tags, in_qa))
    return sorted(resources, key=lambda r: (r.first.message.timestamp, r.url))


def _in_order(
    url: str, shares: Sequence[Share], tags: Iterable[str], in_qa: Mapping[str, QA] | None = None
) -> Resource:
    """The resource of ``shares`` (oldest first), each told its place, whether another member
    shared it again later, and (with ``in_qa``) the Q&A its message is part of."""
    last_shared = {share.member_id: order for order, share in enumerate(shares)}
    latest = sorted(last_shared.items(), key=lambda item: item[1])[-2:]  # the last two sharers
    ordered = []
    for order, s in enumerate(shares):
        again = any(m != s.member_id and last > order for m, last in latest)
        qa_id = s.qa_id
        if in_qa is not None and (thread := in_qa.get(s.message.id)) is not None:
            qa_id = thread.id
        ordered.append(Share(s.member_id, s.message, s.url, s.direct, s.reactions, qa_id, order, again))
    return Resource(
        url, urlsplit(url).hostname or "", tuple(ordered), tuple(dict.fromkeys(tags)), last_shared
    )


def merge_resources(resources: Iterable[Resource]) -> list[Resource]:
    """One resource per URL, oldest first: a link shared in several groups is one resource,
    whose shares are theirs in time order (points stay as each group earned them)."""
    by_url: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        by_url[resource.url].append(resource)
    merged = []
    for url, found in by_url.items():
        if len(found) == 1:
            merged.append(found[0])
            continue
        shares = sorted((s for r in found for s in r.shares), key=lambda s: s.message.timestamp)
        merged.append(_in_order(url, shares, (t for r in found for t in r.tags)))
    return sorted(merged, key=lambda r: (r.first.message.timestamp, r.url))


def resource_contributions(resources: Iterable[Resource], weights: Mapping[str, int]) -> list[Contribution]:
    """``resource_shared`` once per member and resource, for the first share of theirs others used.

    A link inside a Q&A answer earns nothing more: the answer is scored already.
    """
    out: list[Contribution] = []
    for resource in resources:
        credited: set[str] = set()
        for share in resource.shares:
            if (
                share.member_id in credited
                or share.qa_id
                or not (share.direct or share.again or share.reactions)
            ):
                continue
            credited.add(share.member_id)
            m = share.message
            points = float(weights.get("resource_shared", 0))
            out.append(
                Contribution(share.member_id, "resource_shared", points, m.timestamp, f"{m.group_id}/{m.id}")
            )
    return out
