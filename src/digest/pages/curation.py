"""Curator operations in front matter: merges, redirects, held drafts, and notes on Q&A pages.

Curators steer the site from ``content/``: ``merge_into`` folds one Q&A into another (the old
page redirects there and its askers and answerers are credited there), ``redirect_from`` keeps
old links of a renamed page working, ``status: draft`` pages are published, marked or held back
as the ``drafts`` setting says, and ``applies_to``/``last_verified`` put a note on the page.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from digest.errors import ContentError
from digest.i18n import strings
from digest.model import Contribution
from digest.pages.content import ContentIndex
from digest.pages.frontmatter import Document, parse
from digest.pages.markdown import chat_inline
from digest.pages.schema import as_date, is_doc_path

# Rules credited once per member per Q&A: after a merge, once per member on the target.
ONCE_PER_QA = frozenset({"answer", "question_answered"})


@dataclass(slots=True)
class Curation:
    """What the curators' front matter asks of the site."""

    merges: dict[str, str] = field(default_factory=dict)  # merged Q&A id -> final target id
    held: set[str] = field(default_factory=set)  # Q&A ids held back as unreviewed drafts
    redirects: dict[str, str] = field(default_factory=dict)  # old src URI -> current src URI
    problems: list[ContentError] = field(default_factory=list)

    @property
    def off_site(self) -> set[str]:
        """Q&A ids that get no page of their own."""
        return set(self.merges) | self.held


def curate(content: ContentIndex, drafts: str = "publish") -> Curation:
    """Resolve merges (chains, cycles, missing targets), held drafts and redirects.

    digest's own repeat judgements (``repeat_of``) merge like ``merge_into`` unless curators
    split them (:func:`is_split`); a repeat whose Q&A is off the site stays a page of its own.
    """
    result = Curation()
    if drafts == "hold":
        result.held = {qid for qid, doc in content.qa.items() if _status(doc) == "draft"}
    hidden = {qid for qid, doc in content.qa.items() if doc.meta.get("hidden")} | result.held
    repeats = {q: t for q, t in repeat_links(content).items() if q not in hidden and t not in hidden}
    _resolve_merges(content, result, repeats)
    for qid in [q for q in repeats if q in result.merges and result.merges[q] in hidden]:
        del result.merges[qid]  # the earlier Q&A went off the site through a curator's merge
    for qid, target in sorted(result.merges.items()):
        doc = content.qa[qid]
        if target in hidden:
            result.problems.append(
                _problem(
                    doc, "merge_into", f"merge_into target {target!r} is not on the site (hidden or held)"
                )
            )
            continue
        result.redirects[content.rel(doc)] = content.rel(content.qa[target])
    # A merged page's own old paths go straight to where it was merged; an off-site page has none.
    final = {content.qa[qid].path: content.rel(content.qa[target]) for qid, target in result.merges.items()}
    off = {content.qa[qid].path for qid in hidden} | {
        d.path for d in content.members.values() if d.meta.get("hidden")
    }
    for doc in _pages_with_redirects(content):
        if doc.path not in off:
            _add_redirects(doc, final.get(doc.path, content.rel(doc)), result)
    return result


def _status(doc: Document) -> str:
    return str(doc.meta.get("status") or "draft")


def _problem(doc: Document, key: str, message: str) -> ContentError:
    return ContentError(doc.path, doc.lines.get(key, 1), message)


def is_split(content: ContentIndex, later: str, earlier: str) -> bool:
    """Did curators say Q&A ``later`` is no repeat of ``earlier``?

    Either on the later page (``split: true``) or on the earlier one (``not_repeats: [ID]``).
    """
    doc = content.qa.get(later)
    if doc is not None and doc.meta.get("split") is True:
        return True
    target = content.qa.get(earlier)
    listed = target.meta.get("not_repeats") if target is not None else None
    return isinstance(listed, list) and later in {str(x) for x in listed}


def repeat_links(content: ContentIndex) -> dict[str, str]:
    """digest's repeat judgements that stand: Q&A id -> the earlier Q&A it asks again.

    Not where a curator's ``merge_into`` says otherwise, the curators split the pair, or the
    earlier Q&A has no page.
    """
    out: dict[str, str] = {}
    for qid, doc in content.qa.items():
        target = doc.meta.get("repeat_of")
        if not isinstance(target, str) or not target or doc.meta.get("merge_into"):
            continue
        if target in content.qa and target != qid and not is_split(content, qid, target):
            out[qid] = target
    return out


def _resolve_merges(content: ContentIndex, result: Curation, repeats: Mapping[str, str]) -> None:
    direct = {
        qid: str(doc.meta["merge_into"]) for qid, doc in content.qa.items() if doc.meta.get("merge_into")
    }
    for qid, target in sorted(repeats.items()):  # never into a loop: a repeat then stands alone
        step, seen = target, {qid}
        while step in direct and step not in seen:
            seen.add(step)
            step = direct[step]
        if step not in seen:
            direct[qid] = target
    reported: set[str] = set()
    for qid in sorted(direct):
        chain = [qid]
        while chain[-1] in direct:
            step = direct[chain[-1]]
            if step in chain:
                cycle = chain[chain.index(step) :]
                if not reported & set(cycle):
                    first = min(cycle, key=lambda q: content.qa[q].path)
                    start = cycle.index(first)
                    loop = [*cycle[start:], *cycle[:start], first]
                    result.problems.append(
                        _problem(content.qa[first], "merge_into", "merge_into cycle: " + " -> ".join(loop))
                    )
                reported.update(cycle)
                break
            if step not in content.qa:
                doc = content.qa[chain[-1]]
                if chain[-1] not in reported:
                    result.problems.append(
                        _problem(doc, "merge_into", f"merge_into: no Q&A with id {step!r}")
                    )
                reported.add(chain[-1])
                break
            chain.append(step)
        else:
            result.merges[qid] = chain[-1]


def _pages_with_redirects(content: ContentIndex) -> Iterable[Document]:
    """Q&A, profiles and free pages that list ``redirect_from`` (free pages are read here)."""
    known = {doc.path for doc in (*content.qa.values(), *content.members.values())}
    yield from (d for d in (*content.qa.values(), *content.members.values()) if d.meta.get("redirect_from"))
    others = [p for p in content.docs_dir.rglob("*.md") if p not in known]
    for path in sorted(others, key=str):
        if "redirect_from" not in path.read_text(encoding="utf-8"):
            continue
        doc = parse(path)
        if doc.meta.get("redirect_from"):
            yield doc


def _add_redirects(doc: Document, uri: str, result: Curation) -> None:
    old_paths = doc.meta.get("redirect_from")
    if not isinstance(old_paths, list):
        result.problems.append(_problem(doc, "redirect_from", "redirect_from must be a list of .md paths"))
        return
    for i, old in enumerate(old_paths):
        where = doc.lines.get(f"redirect_from[{i}]", doc.lines.get("redirect_from", 1))
        if not is_doc_path(old):
            result.problems.append(ContentError(doc.path, where, f"redirect_from: {old!r} is not a .md path"))
        elif old in result.redirects and result.redirects[old] != uri:
            claimed = result.redirects[old]
            result.problems.append(ContentError(doc.path, where, f"{old} already redirects to {claimed}"))
        else:
            result.redirects[old] = uri


def credit(contributions: Iterable[Contribution], merges: Mapping[str, str]) -> tuple[Contribution, ...]:
    """Move points earned on merged Q&A to their targets; once-per-Q&A rules stay once."""
    if not merges:
        return tuple(contributions)
    out: list[Contribution] = []
    seen: set[tuple[str, str, str]] = set()
    for c in contributions:
        target = merges.get(c.ref)
        if target is not None:
            c = replace(c, ref=target)
        if c.rule in ONCE_PER_QA and c.ref in merges.values():
            key = (c.member_id, c.rule, c.ref)
            if key in seen:
                continue
            seen.add(key)
        out.append(c)
    return tuple(out)


def merged_people(content: ContentIndex, merges: Mapping[str, str]) -> dict[str, tuple[list[str], list[str]]]:
    """For each merge target: the askers and answerers of the Q&A merged into it."""
    people: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for qid, target in sorted(merges.items()):
        meta = content.qa[qid].meta
        askers, answerers = people[target]
        if meta.get("asker"):
            askers.append(str(meta["asker"]))
        answerers.extend(str(a) for a in meta.get("answerers") or ())
    return dict(people)


# -- notes on Q&A pages --------------------------------------------------------------------------


def is_outdated(meta: Mapping[str, Any], now: datetime) -> bool:
    """Past its ``applies_to`` range, or asked before the range began and not verified since."""
    span = meta.get("applies_to")
    if not isinstance(span, Mapping):
        return False
    until, start = as_date(span.get("until")), as_date(span.get("from"))
    if until is not None and until < now.date():
        return True
    asked, verified = as_date(meta.get("asked_at")), as_date(meta.get("last_verified"))
    return (
        start is not None and asked is not None and asked < start and (verified is None or verified < start)
    )


def notes(meta: Mapping[str, Any], drafts: str, now: datetime, language: str) -> str:
    """Admonitions for the top of a Q&A page: unreviewed draft, outdated, applies to, verified."""
    ui = strings(language)
    out: list[str] = []
    if drafts == "mark" and str(meta.get("status") or "draft") == "draft":
        out.append(_admonition("warning", ui["unreviewed"], ui["unverified"]))
    span = meta.get("applies_to")
    label = _span_label(span, ui)
    if is_outdated(meta, now):
        out.append(_admonition("danger", ui["outdated"], ui["outdated_detail"].format(applies_to=label)))
    elif label:
        out.append(_admonition("info", ui["applies_to"], label))
    verified = as_date(meta.get("last_verified"))
    if verified is not None:
        out.append(
            _admonition("success", ui["verified"], ui["verified_on"].format(date=verified.isoformat()))
        )
    return "\n".join(out)


def _span_label(span: Any, ui: Mapping[str, str]) -> str:
    if isinstance(span, str):
        return str(chat_inline(span))
    if isinstance(span, Mapping):
        start, until = as_date(span.get("from")), as_date(span.get("until"))
        return ui["date_range"].format(
            start=start.isoformat() if start else "…", until=until.isoformat() if until else "…"
        )
    return ""


def _admonition(kind: str, title: str, text: str) -> str:
    return f'!!! {kind} "{title}"\n    {text}\n'


def with_notes(markdown: str, block: str) -> str:
    """Put the notes below the page's first heading (or on top when it has none)."""
    if not block:
        return markdown
    head, newline, rest = markdown.lstrip("\n").partition("\n")
    if head.startswith("# "):
        return f"{head}\n\n{block}\n{rest}" if newline else f"{head}\n\n{block}"
    return f"{block}\n{markdown}"


# -- redirect pages -----------------------------------------------------------------------------


def redirect_html(url: str, canonical: str) -> str:
    """A tiny page that sends browsers and search engines to where the page lives now."""
    href, canon = html.escape(url, quote=True), html.escape(canonical, quote=True)
    return (
        "<!doctype html>\n"
        '<html><head><meta charset="utf-8">\n'
        f"<title>Redirecting to {href}</title>\n"
        f'<link rel="canonical" href="{canon}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        f'</head><body><p>This page has moved to <a href="{href}">{href}</a>.</p></body></html>\n'
    )
