"""What each ``digest`` command does, written against an ``echo`` callback for output."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from digest import config as settings
from digest.config import DigestConfig
from digest.distill import Knowledge, distill_store
from digest.errors import DigestError, InputError
from digest.model import Message
from digest.pages.content import load_content
from digest.pages.drafts import DraftReport, write_drafts
from digest.pages.templates import Templates
from digest.pipeline import FileReport, expand, import_file
from digest.sources import Registry, Source, registry_for
from digest.store import Store, open_store

Echo = Callable[..., None]
log = logging.getLogger("mkdocs.plugins.digest")


class BuildFailed(DigestError):
    """MkDocs could not build the site (strict-mode warnings included)."""


def _settings(config_file: Path) -> tuple[Path, DigestConfig]:
    """The folder that paths are relative to, and digest's settings."""
    if config_file.is_file():
        _mk, cfg = settings.load(config_file)
        return config_file.resolve().parent, cfg
    return Path.cwd(), settings.defaults()


def run_import(
    paths: list[Path], fmt: str | None, dry_run: bool, as_json: bool, config_file: Path, echo: Echo
) -> list[FileReport]:
    root, cfg = _settings(config_file)
    if not paths:
        paths = [settings.resolve(config_file, p) for p in cfg.exports]
    registry = registry_for(cfg.generic_columns)
    source = registry.get(fmt) if fmt else None
    if dry_run:
        skipped: list[Path] = []
        for path in expand(paths, registry, skipped):
            _preview(path, source or registry.detect(path), as_json, echo)
        _report_skipped(skipped, echo)
        return []
    with open_store(root / cfg.store) as store:
        return import_paths(store, paths, registry, echo, source)


def import_paths(
    store: Store, paths: list[Path], registry: Registry, echo: Echo, source: Source | None = None
) -> list[FileReport]:
    """Import files and folders, one line per file; unrecognised files in folders are listed."""
    reports: list[FileReport] = []
    skipped: list[Path] = []
    for path in expand(paths, registry, skipped):
        report = import_file(store, path, source, lambda line: echo(line, err=True), registry)
        reports.append(report)
        for warning in report.warnings:
            echo(f"warning: {warning}", err=True)
        echo(describe(report))
    _report_skipped(skipped, echo)
    return reports


def import_exports(root: Path, cfg: DigestConfig, store: Store, echo: Echo) -> list[FileReport]:
    """Import every configured export (unchanged files are skipped by hash)."""
    paths = [settings.resolve(root / "mkdocs.yml", p) for p in cfg.exports]
    return import_paths(store, paths, registry_for(cfg.generic_columns), echo)


def _report_skipped(skipped: list[Path], echo: Echo) -> None:
    for path in skipped:
        echo(f"{path}: skipped: not a chat export")


def knowledge_for(root: Path, cfg: DigestConfig, echo: Echo | None = None) -> Knowledge:
    """Bring the store up to date with the exports, then distill it (nothing is written)."""
    out = echo or _log
    with open_store(root / cfg.store) as store:
        import_exports(root, cfg, store, out)
        return distill_store(store, cfg.tags, dict(cfg.points))


def run_distill(config_file: Path, echo: Echo) -> tuple[Knowledge, DraftReport]:
    """Import, distill, and write new or grown drafts into content/ (never over an edit)."""
    mk, cfg = settings.load(config_file)
    root = config_file.resolve().parent
    knowledge = knowledge_for(root, cfg, echo)
    docs = Path(mk.docs_dir)
    content = load_content(docs, cfg.qa_dir, cfg.members_dir)
    templates = Templates(cfg.language, root / "site_templates")
    report = write_drafts(knowledge, content, templates, cfg.qa_dir, cfg.members_dir)
    echo(
        f"distilled {knowledge.message_count} messages: {len(knowledge.qas)} Q&A, "
        f"{len(knowledge.unanswered)} unanswered, {len(knowledge.members)} members; {report.summary()}"
    )
    return knowledge, report


def run_build(config_file: Path, strict: bool, echo: Echo) -> Path:
    """Import, distill and build the site into a temporary folder, swapped in only on success."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    knowledge, _report = run_distill(config_file, echo)
    mk, _cfg = settings.load(config_file, strict=strict)
    mk.plugins["digest"].knowledge = knowledge  # type: ignore[attr-defined]
    final = Path(mk.site_dir)
    building = final.with_name(f".{final.name}.building")
    shutil.rmtree(building, ignore_errors=True)
    mk.site_dir = str(building)
    try:
        build(mk)
    except (MkDocsException, DigestError) as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise BuildFailed(f"site build failed, the previous site is untouched: {exc}") from None
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _swap(building, final)
    pages = sum(1 for _ in final.rglob("*.html"))
    echo(f"built {pages} pages into {final}")
    return final


def run_serve(config_file: Path, dev_addr: str, echo: Echo) -> None:
    """Distill once, then hand over to MkDocs' live-reloading server."""
    from mkdocs.commands.serve import serve

    run_distill(config_file, echo)
    serve(config_file=str(config_file), dev_addr=dev_addr)


def _swap(new: Path, final: Path) -> None:
    """Replace ``final`` by ``new`` with two renames; the old site is removed afterwards."""
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _log(line: str | dict[str, Any], err: bool = False) -> None:
    log.info("digest: %s", line)


def describe(report: FileReport) -> str:
    """One line per imported file: format, groups, new/known/skipped, members, replies."""
    if report.unchanged:
        return f"{report.path}: {report.format}: unchanged since the last import, skipped"
    groups = ", ".join(c.group.title for c in report.chats) or "no groups"
    new = report.new
    return (
        f"{report.path}: {report.format}: {groups}: {new} new, {report.parsed - new} already known, "
        f"{len(report.warnings)} skipped; {sum(c.members for c in report.chats)} members, "
        f"{sum(c.replies for c in report.chats)} replies"
    )


def _preview(path: Path, source: Source, as_json: bool, echo: Echo) -> None:
    count = 0
    skipped: list[str] = []
    for chat in source.read(path, lambda where, msg: skipped.append(f"{path}: {where}: {msg}")):
        for message in chat.messages:
            count += 1
            if as_json:
                echo(message_json(message))
    for line in skipped:
        echo(f"warning: {line}", err=True)
    if not as_json:
        echo(f"{path}: {source.name}: {count} messages parsed, {len(skipped)} skipped (dry run)")


def message_json(m: Message) -> dict[str, Any]:
    """The preview record of one message (``digest import --dry-run --json``)."""
    return {
        "group": m.group_id,
        "id": m.id,
        "timestamp": m.timestamp.isoformat(),
        "author": m.author_name,
        "author_id": m.author_id,
        "text": m.text,
        "reply_to": m.reply_to,
        "kind": m.kind.value,
    }


__all__ = ["DigestError", "InputError", "describe", "message_json", "run_import"]
