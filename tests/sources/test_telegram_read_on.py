"""A Telegram export exported again later (the same chat, more messages): only what follows
the messages already imported is read, and the store ends up as a fresh import of it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from digest import pipeline
from digest.model import Message
from digest.pipeline import import_file
from digest.store import open_store

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "telegram" / "result_group.json"


def export(path: Path, messages: list[dict[str, Any]], indent: int | None = 1) -> Path:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["messages"] = messages
    path.write_text(json.dumps(data, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")
    return path


def stored(db: Path) -> list[Message]:
    with open_store(db) as store:
        return list(store.messages())


def all_messages() -> list[dict[str, Any]]:
    return list(json.loads(FIXTURE.read_text(encoding="utf-8"))["messages"])


@pytest.fixture(params=["in this process", "in a worker process"])
def readers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "in a worker process":
        monkeypatch.setattr(pipeline, "PARALLEL_BYTES", 0)
    return str(request.param)


@pytest.mark.parametrize("indent", [1, None], ids=["pretty", "one line"])
def test_a_grown_export_is_read_on_after_its_old_messages(
    tmp_path: Path, readers: str, indent: int | None
) -> None:
    messages = all_messages()
    path = tmp_path / "result.json"
    with open_store(tmp_path / "s.sqlite") as store:
        first = import_file(store, export(path, messages[:30], indent))
        assert not first.read_on and first.new == 30
        grown = import_file(store, export(path, messages, indent))
        assert grown.read_on
        assert grown.parsed == grown.new == 14  # only the 14 messages after the first 30 were read
        again = import_file(store, export(path, [*messages, dict(messages[2], id=999)], indent))
        assert again.read_on and again.new == 1  # and on from there the next time
    fresh = tmp_path / "fresh.sqlite"
    with open_store(fresh) as store:
        import_file(store, path)
    assert stored(tmp_path / "s.sqlite") == stored(fresh)


def test_an_export_whose_old_messages_changed_is_read_whole(tmp_path: Path, readers: str) -> None:
    messages = all_messages()
    path = tmp_path / "result.json"
    with open_store(tmp_path / "s.sqlite") as store:
        import_file(store, export(path, messages[:30]))
        edited = [dict(m) for m in messages]
        edited[5]["text"] = "edited later"  # an old message changed: its bytes differ
        report = import_file(store, export(path, edited))
        assert not report.read_on and report.parsed == 44
        assert report.new == 14
    texts = {m.id: m.text for m in stored(tmp_path / "s.sqlite")}
    assert texts[str(edited[5]["id"])] == "edited later"


def test_a_shorter_or_other_file_at_the_same_path_is_read_whole(tmp_path: Path) -> None:
    messages = all_messages()
    path = tmp_path / "result.json"
    with open_store(tmp_path / "s.sqlite") as store:
        import_file(store, export(path, messages))
        shorter = import_file(store, export(path, messages[:10]))
        assert not shorter.read_on and shorter.parsed == 10
        other = import_file(store, export(path, [*messages[:5], dict(messages[5], text="x"), *messages[6:]]))
        assert not other.read_on and other.parsed == 44  # an earlier message differs


def test_a_grown_file_that_does_not_go_on_with_messages_is_read_whole(tmp_path: Path) -> None:
    messages = all_messages()
    path = tmp_path / "result.json"
    with open_store(tmp_path / "s.sqlite") as store:
        import_file(store, export(path, messages[:30]))
        text = path.read_text(encoding="utf-8")
        path.write_text(text.rstrip()[:-1] + ', "extra": [1, 2]}\n', encoding="utf-8")  # a key after the list
        report = import_file(store, path)
        assert not report.read_on and report.parsed == 30


def test_a_touched_but_unchanged_export_keeps_its_point_to_read_on_from(tmp_path: Path, readers: str) -> None:
    messages = all_messages()
    path = tmp_path / "result.json"
    with open_store(tmp_path / "s.sqlite") as store:
        import_file(store, export(path, messages[:30]))
        os.utime(path, ns=(1, 1))  # touched: read again, found unchanged by its content
        assert import_file(store, path).unchanged
        assert import_file(store, export(path, messages)).read_on
