"""Safe regeneration: which content files are still digest's, which a curator edited, which are stale.

``digest status`` compares every Q&A page and profile with what distill would write now:
a page is *generated* (digest's, untouched), *edited* (a curator's: digest never writes it
again) and/or *stale* (its thread has grown since it was generated; the new messages are
listed). ``digest distill --refresh ID`` regenerates one page on purpose, after showing the
diff and asking.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digest import config as settings
from digest.commands import Echo, knowledge_for
from digest.distill import Knowledge
from digest.errors import DigestError
from digest.model import Message
from digest.pages.content import ContentIndex, load_content
from digest.pages.drafts import plan_drafts
from digest.pages.frontmatter import HASH_KEY, parse, render, write_atomic
from digest.pages.templates import Templates

PREVIEW = 60  # characters of a new message shown by `digest status`


@dataclass(frozen=True, slots=True)
class FileStatus:
    """One Q&A page or profile compared with what distill would write now."""

    path: Path
    kind: str  # "qa" or "member"
    id: str
    edited: bool
    new: tuple[Message, ...] = ()  # messages in the thread that the page does not have
    gone: tuple[str, ...] = ()  # message ids the page has that the thread no longer does
    orphan: bool = False  # distill finds no thread for this Q&A any more

    @property
    def stale(self) -> bool:
        return bool(self.new or self.gone)

    @property
    def state(self) -> str:
        parts = ["edited" if self.edited else "generated"]
        if self.stale:
            parts.append("stale")
        return ", ".join(parts)

    def detail(self) -> str:
        if self.orphan:
            return "distill no longer finds its thread (export removed or group private)"
        if not self.stale:
            return ""
        what = []
        if self.new:
            shown = "; ".join(_preview(m) for m in self.new)
            what.append(f"{len(self.new)} new message{'s' * (len(self.new) > 1)}: {shown}")
        if self.gone:
            what.append(f"no longer in the thread: {', '.join(self.gone)}")
        then = (
            f"`digest distill --refresh {self.id}` shows the new draft"
            if self.edited
            else "the next `digest distill` updates it"
        )
        return "; ".join(what) + f"; {then}"

    def as_json(self, root: Path) -> dict[str, Any]:
        return {
            "path": _shown(self.path, root),
            "kind": self.kind,
            "id": self.id,
            "state": self.state,
            "edited": self.edited,
            "stale": self.stale,
            "orphan": self.orphan,
            "new": [
                {"id": m.id, "author": m.author_name, "timestamp": m.timestamp.isoformat(), "text": m.text}
                for m in self.new
            ],
            "gone": list(self.gone),
        }


def content_status(knowledge: Knowledge, content: ContentIndex) -> list[FileStatus]:
    """Every Q&A page and profile in content/, in path order."""
    threads = {qa.id: qa for qa in knowledge.qas}
    out: list[FileStatus] = []
    for member_id, doc in content.members.items():
        out.append(FileStatus(doc.path, "member", member_id, doc.edited))
    for qa_id, doc in content.qa.items():
        qa = threads.get(qa_id)
        if qa is None:
            generated = HASH_KEY in doc.meta
            out.append(FileStatus(doc.path, "qa", qa_id, doc.edited, orphan=generated))
            continue
        recorded = [str(i) for i in doc.meta.get("source") or ()]
        messages = (qa.question, *qa.details, *(a.message for a in qa.answers))
        new = tuple(m for m in messages if m.id not in recorded)
        now = {m.id for m in messages}
        gone = tuple(i for i in recorded if i not in now)
        out.append(FileStatus(doc.path, "qa", qa_id, doc.edited, new, gone))
    return sorted(out, key=lambda s: s.path)


def run_status(config_file: Path, as_json: bool, echo: Echo) -> list[FileStatus]:
    """Import, distill (nothing is written) and report every content file's state."""
    mk, cfg = settings.load(config_file)
    root = config_file.resolve().parent
    docs = Path(mk.docs_dir)
    knowledge = knowledge_for(root, cfg, _quiet, docs_dir=docs)
    statuses = content_status(knowledge, load_content(docs, cfg.qa_dir, cfg.members_dir))
    if as_json:
        echo({"files": [s.as_json(root) for s in statuses]})
        return statuses
    for s in statuses:
        detail = s.detail()
        echo(f"{_shown(s.path, root)}: {s.state}" + (f": {detail}" if detail else ""))
    counts = {
        "generated": sum(not s.edited for s in statuses),
        "edited": sum(s.edited for s in statuses),
        "stale": sum(s.stale for s in statuses),
    }
    echo(f"{len(statuses)} files: " + ", ".join(f"{n} {state}" for state, n in counts.items()))
    return statuses


def run_refresh(
    config_file: Path, target: str, yes: bool, echo: Echo, confirm: Callable[[str], bool]
) -> bool:
    """Regenerate one Q&A page or profile (by id or path) on purpose: diff, ask, write.

    Curator-only keys the draft does not generate (``pin``, ``merge_into``, ``redirect_from``,
    ...) are kept; a page that keeps any stays the curator's (no hash), so digest still never
    overwrites it. Returns whether the file was written.
    """
    mk, cfg = settings.load(config_file)
    root = config_file.resolve().parent
    docs = Path(mk.docs_dir)
    content = load_content(docs, cfg.qa_dir, cfg.members_dir)
    page_id = _page_id(target, content, root)
    knowledge = knowledge_for(root, cfg, _quiet, docs_dir=docs)
    templates = Templates(cfg.language, root / "site_templates")
    draft = next(plan_drafts(knowledge, content, templates, cfg.qa_dir, cfg.members_dir, only=page_id), None)
    if draft is None:
        raise DigestError(
            f"{target}: distill writes no page with this id now (its thread may be gone or its group private)"
        )
    shown = _shown(draft.path, root)
    old = draft.path.read_text(encoding="utf-8") if draft.path.exists() else ""
    kept = {}
    if old:
        current = parse(draft.path, old)
        kept = {k: v for k, v in current.meta.items() if k not in draft.meta and k != HASH_KEY}
    new = render({**draft.meta, **kept}, draft.body, stamped=not kept)
    if new == old:
        echo(f"{shown}: already what distill writes now; nothing to do")
        return False
    for line in _diff(old, new, shown):
        echo(line)
    if not yes and not confirm(f"Write the regenerated {shown}?"):
        echo(f"{shown}: not written")
        return False
    write_atomic(draft.path, new)
    note = f"; kept the curator's keys {', '.join(kept)}" if kept else ""
    echo(f"{shown}: regenerated{note}")
    return True


def _page_id(target: str, content: ContentIndex, root: Path) -> str:
    """An id as given, or the id of the page at a path (relative to the cwd, root or docs_dir)."""
    if target in content.qa or target in content.members:
        return target
    for base in (Path.cwd(), root, content.docs_dir):
        path = (base / target).resolve()
        for page_id, doc in (*content.qa.items(), *content.members.items()):
            if doc.path.resolve() == path:
                return page_id
    return target  # maybe a page that does not exist yet: distill may write it


def _diff(old: str, new: str, shown: str) -> Iterator[str]:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{shown}", f"b/{shown}"
    )
    for line in lines:
        yield line.rstrip("\n")


def _preview(m: Message) -> str:
    text = " ".join(m.text.split())
    text = text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"
    return f"{m.id} ({m.author_name}, {m.timestamp:%Y-%m-%d}) {text!r}"


def _shown(path: Path, root: Path) -> str:
    resolved = path.resolve()
    return Path(os.path.relpath(resolved, root)).as_posix() if resolved.is_relative_to(root) else str(path)


def _quiet(line: str | dict[str, Any], err: bool = False) -> None:
    """Import progress is not part of status or refresh output."""
