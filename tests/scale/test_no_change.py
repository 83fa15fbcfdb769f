"""`digest distill` with nothing new: one fingerprint, no distillation; any change runs it again."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.distill import distill_store


def distill(root: Path) -> str:
    result = CliRunner().invoke(main, ["distill", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the messages were distilled."""
    calls: list[int] = []
    real = distill_store

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("digest.commands.distill_store", counting)
    return calls


def test_second_distill_with_nothing_new_does_not_distill(
    community: Callable[..., Path], counted: list[int]
) -> None:
    root = community()
    first = distill(root)
    assert len(counted) == 1
    summary = first.splitlines()[-1]
    assert summary.startswith("distilled 7 messages")
    second = distill(root)
    assert len(counted) == 1
    assert "unchanged since the last import, skipped" in second  # the import still looked
    assert second.splitlines()[-1] == f"nothing new since the last distill: {summary}"


def test_a_new_message_a_curator_edit_or_a_setting_runs_it_again(
    community: Callable[..., Path], counted: list[int]
) -> None:
    root = community()
    distill(root)
    export = root / "exports" / "result.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    last = data["messages"][-1]
    data["messages"].append({**last, "id": 999, "text": "one more day: how do I read a GBK csv?"})
    export.write_text(json.dumps(data), encoding="utf-8")
    assert distill(root).splitlines()[-1].startswith("distilled 8 messages")
    assert len(counted) == 2
    distill(root)
    assert len(counted) == 2

    page = next((root / "content").rglob("*.md"))
    stat = page.stat()
    page.write_text(page.read_text(encoding="utf-8") + "\nA curator's note.\n", encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time, other size: still seen
    distill(root)
    assert len(counted) == 3
    page.write_text(page.read_text(encoding="utf-8").replace("note", "hint"), encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # same size, other time
    distill(root)
    assert len(counted) == 4

    page.unlink()  # a deleted draft
    distill(root)
    assert len(counted) == 5 and page.is_file()  # written anew, and seen as this run left it:
    distill(root)
    assert len(counted) == 5  # nothing new since

    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    distill(root)
    assert len(counted) == 6
    distill(root)
    assert len(counted) == 6


def test_a_failed_distill_records_nothing(
    community: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = community()

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("distill failed")

    monkeypatch.setattr("digest.commands.distill_store", broken)
    result = CliRunner().invoke(main, ["distill", "-f", str(root / "mkdocs.yml")])
    assert isinstance(result.exception, RuntimeError)
    monkeypatch.undo()
    assert distill(root).splitlines()[-1].startswith("distilled 7 messages")
