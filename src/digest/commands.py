"""What each ``digest`` command does, written against an ``echo`` callback for output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from digest import config as settings
from digest.config import DigestConfig
from digest.errors import DigestError, InputError
from digest.model import Message
from digest.pipeline import FileReport, expand, import_file
from digest.sources import REGISTRY
from digest.store import open_store

Echo = Callable[..., None]


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
    source = REGISTRY.get(fmt) if fmt else None
    files = list(expand(paths))
    if dry_run:
        for path in files:
            _preview(path, source, as_json, echo)
        return []
    reports: list[FileReport] = []
    with open_store(root / cfg.store) as store:
        for path in files:
            report = import_file(store, path, source)
            reports.append(report)
            for warning in report.warnings:
                echo(f"warning: {warning}", err=True)
            echo(describe(report))
    return reports


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


def _preview(path: Path, source: Any, as_json: bool, echo: Echo) -> None:
    source = source or REGISTRY.detect(path)
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
