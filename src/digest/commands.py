"""What each ``digest`` command does, written against an ``echo`` callback for output."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from digest import config as settings
from digest.config import DigestConfig
from digest.distill import Knowledge, distill_store
from digest.distill.intros import ProfileRules
from digest.errors import DigestError, InputError
from digest.groups import public_store
from digest.memory import collector_paused
from digest.model import Message
from digest.pages.consent import privacy_for
from digest.pages.content import load_content
from digest.pages.drafts import DraftReport, write_drafts
from digest.pages.frontmatter import parsed_cache
from digest.pages.templates import Templates
from digest.pipeline import FileReport, expand, import_files
from digest.sources import Registry, Source, registry_for
from digest.sources.base import check_size
from digest.store import Store, open_store

Echo = Callable[..., None]
Timings = dict[str, float]
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
    files = list(expand(paths, registry, skipped))
    for report in import_files(store, files, source, lambda line: echo(line, err=True), registry):
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


def knowledge_for(
    root: Path,
    cfg: DigestConfig,
    echo: Echo | None = None,
    *,
    docs_dir: Path | None = None,
    imported: bool = False,
) -> Knowledge:
    """Bring the store up to date with the exports (unless ``imported`` just now), then distill
    it (nothing is written).

    Redaction and the consent recorded in ``docs_dir`` (default: ``content/`` beside
    mkdocs.yml) apply as messages are read, before anything else sees them.
    """
    out = echo or _log
    with parsed_cache(content_cache(root, cfg)):
        privacy = privacy_for(cfg, docs_dir if docs_dir is not None else root / "content")
    with open_store(root / cfg.store) as store:
        if not imported:
            import_exports(root, cfg, store, out)
        public = public_store(store, cfg.groups.publish, cfg.groups.private)
        people = ProfileRules.of(
            cfg.nickname.separators, cfg.nickname.fields, cfg.skills, cfg.language, cfg.intro_days
        )
        cache = (root / cfg.store).parent / "distill"  # per-group results, beside the store
        with collector_paused():
            return distill_store(public, cfg.tags, dict(cfg.points), privacy, people, cache)


def content_cache(root: Path, cfg: DigestConfig) -> Path:
    """Where parsed content/ pages are kept between runs: beside the store, a cache like it."""
    return (root / cfg.store).parent / "content.pickle"


def run_distill(
    config_file: Path, echo: Echo, imported: bool = False, timings: Timings | None = None
) -> tuple[Knowledge, DraftReport]:
    """Import (unless ``imported`` just now), distill, and write new or grown drafts into
    content/ (never over an edit). ``timings`` hears when each stage ended."""
    mk, cfg = settings.load(config_file)
    root = config_file.resolve().parent
    docs = Path(mk.docs_dir)
    # The knowledge is millions of records, none in cycles: a collection would only walk them
    # again and again while the content pages are read, the drafts written and the parsed
    # pages kept.
    with collector_paused(), parsed_cache(content_cache(root, cfg)):
        knowledge = knowledge_for(root, cfg, echo, docs_dir=docs, imported=imported)
        if timings is not None:
            timings["knowledge"] = time.perf_counter()
        content = load_content(docs, cfg.qa_dir, cfg.members_dir)
        templates = Templates(cfg.language, root / "site_templates")
        manifest = (root / cfg.store).parent / "drafts.json"  # what each draft was made from
        report = write_drafts(knowledge, content, templates, cfg.qa_dir, cfg.members_dir, manifest)
    if timings is not None:
        timings["drafts"] = time.perf_counter()
    echo(
        f"distilled {knowledge.message_count} messages: {len(knowledge.qas)} Q&A, "
        f"{len(knowledge.unanswered)} unanswered, {len(knowledge.members)} members; {report.summary()}"
    )
    return knowledge, report


def run_distill_if_changed(
    config_file: Path, echo: Echo, timings: Timings | None = None
) -> tuple[Knowledge, DraftReport] | None:
    """``digest distill``: :func:`run_distill`, unless nothing it reads changed since it last ran
    to the end (no message, no file under content/ or site_templates/, no setting): then it
    only says so (and returns None). ``timings`` hears when each stage ended (``import``,
    ``knowledge``, ``drafts``: ``time.perf_counter()`` values)."""
    from digest import inputs

    mk, cfg = settings.load(config_file)
    root = config_file.resolve().parent
    folders = [Path(mk.docs_dir), root / "site_templates"]
    stamp = (root / cfg.store).parent / "distilled.json"
    with open_store(root / cfg.store) as store:
        import_exports(root, cfg, store, echo)
        if timings is not None:
            timings["import"] = time.perf_counter()
        state = inputs.Inputs(store, config_file, folders)
    summary = inputs.unchanged_since(stamp, state.digest())
    if summary is not None:
        echo(f"nothing new since the last distill: {summary}")
        return None
    lines: list[str] = []

    def keep(line: str, err: bool = False) -> None:
        if not err:
            lines.append(line)
        echo(line, err=err)

    knowledge, report = run_distill(config_file, keep, imported=True, timings=timings)
    state.wrote([*report.created, *report.updated])  # content/ as this run left it
    inputs.remember(stamp, state.digest(), lines[-1])
    return knowledge, report


def run_build(config_file: Path, strict: bool, echo: Echo) -> Path:
    """Import, distill and build the site into a temporary folder, swapped in only on success."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    knowledge, report = run_distill(config_file, echo)
    mk, _cfg = settings.load(config_file, strict=strict)
    mk.plugins["digest"].knowledge = knowledge  # type: ignore[attr-defined]
    final = Path(mk.site_dir)
    building = final.with_name(f".{final.name}.building")
    shutil.rmtree(building, ignore_errors=True)
    mk.site_dir = str(building)
    logged = settings._Collect()  # MkDocs logs why it aborts; the one error line names it
    logged.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(logged)
    try:
        build(mk)
    except (MkDocsException, DigestError) as exc:
        shutil.rmtree(building, ignore_errors=True)
        report.rollback()
        why = "; ".join(dict.fromkeys(m.splitlines()[0] for m in logged.messages if m)) or str(exc)
        raise BuildFailed(f"site build failed, the previous site and content/ are untouched: {why}") from None
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        report.rollback()
        raise
    finally:
        logging.getLogger("mkdocs").removeHandler(logged)
    _swap(building, final)
    pages = sum(1 for _ in final.rglob("*.html"))
    echo(f"built {pages} pages into {final}")
    return final


def run_points(config_file: Path, since: date | None, until: date | None, fmt: str, echo: Echo) -> str:
    """The rewards ledger: each member's points by rule for a period (import notes on stderr)."""
    from digest.pages.ledger import as_csv, as_json, ledger_rows
    from digest.pages.site import SiteModel

    mk, cfg = settings.load(config_file)
    root = config_file.resolve().parent
    docs = Path(mk.docs_dir)
    knowledge = knowledge_for(root, cfg, lambda line, err=False: echo(line, err=True), docs_dir=docs)
    content = load_content(docs, cfg.qa_dir, cfg.members_dir)
    model = SiteModel.build(knowledge, content, cfg, Templates(cfg.language, root / "site_templates"))
    rows = ledger_rows(model, since, until)
    text = as_csv(rows) if fmt == "csv" else as_json(rows, since, until, dict(cfg.points))
    echo(text.rstrip("\n"))
    return text


def run_serve(config_file: Path, dev_addr: str, echo: Echo) -> None:
    """Distill once, then hand over to MkDocs' live-reloading server."""
    from mkdocs.commands.serve import serve

    run_distill_if_changed(config_file, echo)
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
    grown = " (read on after the messages of its last import)" if report.read_on else ""
    return (
        f"{report.path}: {report.format}: {groups}: {new} new, {report.parsed - new} already known, "
        f"{len(report.warnings)} skipped{grown}; {sum(c.members for c in report.chats)} members, "
        f"{sum(c.replies for c in report.chats)} replies"
    )


def _preview(path: Path, source: Source, as_json: bool, echo: Echo) -> None:
    check_size(path)
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
