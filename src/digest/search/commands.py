"""``digest search`` and ``digest ask``: bring the index up to date when needed, then query it.

The index is refreshed from the site's own view of ``content/`` (the same SiteModel the
build uses). A cheap fingerprint of ``content/``, the store and ``mkdocs.yml`` tells whether
anything may have changed since the last refresh; only then are the pages re-read, and
even then only documents whose content hash changed are re-indexed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest import config as settings
from digest.config import DigestConfig
from digest.search.documents import documents
from digest.search.index import Hit, SearchIndex, Suggestion, UpdateReport
from digest.search.query import parse

if TYPE_CHECKING:
    from digest.pages.guard import BuildGuard
    from digest.pages.site import SiteModel

Echo = Callable[..., None]
FINGERPRINT = "SOURCES.json"
# The confidence below which `digest ask` answers nothing: calibrated by bench/search_eval.py on
# the labelled queries of bench/search_queries.yaml (the middle of the range of thresholds that
# best separate right answers from questions the knowledge base cannot answer).
ASK_THRESHOLD = 0.2


@dataclass(frozen=True, slots=True)
class Site:
    root: Path
    cfg: DigestConfig
    docs_dir: Path
    directory_urls: bool
    site_url: str


def index_folder(root: Path, cfg: DigestConfig) -> Path:
    """``.digest/search/``: next to the store, a cache like it."""
    return (root / cfg.store).parent / "search"


def _site(config_file: Path) -> Site:
    mk, cfg = settings.load(config_file)
    return Site(
        root=config_file.resolve().parent,
        cfg=cfg,
        docs_dir=Path(mk.docs_dir),
        directory_urls=bool(mk.use_directory_urls),
        site_url=str(mk.site_url or ""),
    )


def _fingerprint(site: Site) -> str:
    """Sizes and modification times of everything the documents are made from."""
    parts: list[str] = []
    for path in sorted(site.docs_dir.rglob("*.md")):
        stat = path.stat()
        parts.append(f"{path.relative_to(site.docs_dir).as_posix()}:{stat.st_size}:{stat.st_mtime_ns}")
    for path in (site.root / site.cfg.store, site.root / "mkdocs.yml"):
        if path.exists():
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def refresh(site: Site, echo: Echo | None = None) -> tuple[SearchIndex, UpdateReport | None]:
    """Open the index and bring it up to date with content/ if anything may have changed."""
    from digest.commands import knowledge_for
    from digest.pages.content import load_content
    from digest.pages.site import SiteModel
    from digest.pages.templates import Templates

    folder = index_folder(site.root, site.cfg)
    index = SearchIndex(folder)
    # Importing may touch the store, so the fingerprint is taken after the knowledge is loaded.
    marker = folder / FINGERPRINT
    before = _fingerprint(site)
    if marker.is_file() and marker.read_text(encoding="utf-8") == before:
        return index, None
    knowledge = knowledge_for(site.root, site.cfg, echo, docs_dir=site.docs_dir)
    content = load_content(site.docs_dir, site.cfg.qa_dir, site.cfg.members_dir)
    templates = Templates(site.cfg.language, site.root / "site_templates")
    model = SiteModel.build(knowledge, content, site.cfg, templates)
    report = index.update(documents(model, site.directory_urls, build_guard(model)))
    marker.write_text(_fingerprint(site), encoding="utf-8")
    return index, report


def build_guard(model: SiteModel) -> BuildGuard:
    """The privacy guard the site build applies (as ``DigestPlugin.on_files`` makes it)."""
    from digest.pages.guard import BuildGuard

    pseudonyms = model.knowledge.pseudonyms
    removed: dict[str, str | None] = dict.fromkeys(model.hidden)
    for member_id, doc in model.content.members.items():
        uri = model.content.rel(doc)
        if uri in model.hidden:
            removed[uri] = pseudonyms.members.get(member_id)
    return BuildGuard(pseudonyms, removed)


def hit_json(hit: Hit, site_url: str = "") -> dict[str, Any]:
    return {
        "id": hit.id,
        "kind": hit.kind,
        "title": hit.title,
        "url": hit.url,
        "absolute_url": _absolute(site_url, hit.url),
        "link": hit.link or None,
        "score": hit.score,
        "snippet": hit.snippet.text,
        "highlights": [list(span) for span in hit.snippet.marks],
        "tags": list(hit.tags),
        "authors": list(hit.authors),
        "groups": list(hit.groups),
        "date": hit.date.date().isoformat() if hit.date else None,
    }


def suggestion_json(s: Suggestion, site_url: str = "") -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "url": s.url,
        "absolute_url": _absolute(site_url, s.url),
        "confidence": s.confidence,
        "question": s.question,
        "answer": s.answer,
    }


def _absolute(site_url: str, url: str) -> str | None:
    if not site_url:
        return None
    return site_url.rstrip("/") + "/" + url.lstrip("/")


def run_search(config_file: Path, query: str, limit: int) -> tuple[Site, list[Hit]]:
    site = _site(config_file)
    parsed = parse(query)
    index, _report = refresh(site)
    return site, index.search(parsed, limit=limit)


def run_ask(config_file: Path, question: str, limit: int, threshold: float) -> tuple[Site, list[Suggestion]]:
    site = _site(config_file)
    index, _report = refresh(site)
    return site, [s for s in index.ask(question, limit=max(limit, 1)) if s.confidence >= threshold][:limit]


def dumps(record: object) -> str:
    return json.dumps(record, ensure_ascii=False)


def describe_hits(query: str, hits: list[Hit], mark: Callable[[str], str]) -> list[str]:
    """The text output of `digest search`: rank, title, kind and tags, URL, snippet."""
    if not hits:
        return [f"no results for {query!r}"]
    lines: list[str] = []
    for rank, hit in enumerate(hits, 1):
        about = " · ".join([hit.kind, *hit.tags])
        lines.append(f"{rank}. {hit.title}  [{about}]")
        lines.append(f"   {hit.url}" + (f"  ->  {hit.link}" if hit.link else ""))
        if hit.snippet.text:
            lines.append(f"   {hit.snippet.render(mark)}")
    return lines


def describe_suggestions(suggestions: list[Suggestion], threshold: float) -> list[str]:
    """The text output of `digest ask`: the best answered Q&A, how sure, where, and its answer."""
    if not suggestions:
        return [f"no answered question is close enough (confidence below {threshold:.2f})"]
    lines: list[str] = []
    for s in suggestions:
        lines.append(s.title)
        lines.append(f"confidence {s.confidence:.2f} · {s.url}")
        if s.answer:
            answer = " ".join(s.answer.split())
            lines.append(answer if len(answer) <= 300 else answer[:299] + "…")
        lines.append("")
    return lines[:-1]


def marker(bold: bool) -> Callable[[str], str]:
    """How a match is highlighted: bold on a terminal, ``**Markdown bold**`` elsewhere."""
    import click

    return (lambda s: click.style(s, bold=True)) if bold else (lambda s: f"**{s}**")
