"""Big imports: worker processes parse the exports, this process writes; the store ends up the same."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from digest import pipeline
from digest.errors import InputError
from digest.pipeline import import_files
from digest.store import open_store

FIXTURES = Path(__file__).parent.parent / "fixtures"
EXAMPLE = Path(__file__).parents[2] / "examples" / "community" / "result.json"


def exports(folder: Path) -> list[Path]:
    """Three Telegram exports: the example community, a fixture, and a copy with a bad record."""
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "a.json")
    shutil.copy(FIXTURES / "telegram" / "result_group.json", folder / "b.json")
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["id"] = 424242
    data["messages"].insert(3, {"type": "message", "id": 99999, "text": "no date"})
    (folder / "c.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return sorted(folder.iterdir())


def snapshot(database: Path) -> tuple[list[object], list[object], list[object]]:
    with open_store(database) as store:
        messages: list[object] = [
            (m.group_id, m.id, m.timestamp, m.text, m.reactions) for m in store.messages()
        ]
        cursor = store.conn.execute("SELECT platform, id, title, revision FROM groups ORDER BY 1, 2")
        groups: list[object] = cursor.fetchall()
        authors: list[object] = list(store.authors())
    return messages, groups, authors


Outcome = tuple[str, bool, int, int, list[int], list[str]]


def run(database: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch, parallel: bool) -> list[Outcome]:
    monkeypatch.setattr(pipeline, "PARALLEL_BYTES", 0 if parallel else 1 << 60)
    with open_store(database) as store:
        return [
            (r.path.name, r.unchanged, r.parsed, r.new, [c.members for c in r.chats], r.warnings)
            for r in import_files(store, files)
        ]


def test_workers_store_exactly_what_one_process_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = exports(tmp_path / "exports")
    alone = run(tmp_path / "alone.sqlite", files, monkeypatch, parallel=False)
    workers = run(tmp_path / "workers.sqlite", files, monkeypatch, parallel=True)
    assert workers == alone
    assert [name for name, *_ in workers] == ["a.json", "b.json", "c.json"]
    assert any("message 99999" in w for w in workers[2][-1])  # a skipped record's warning crosses over
    assert snapshot(tmp_path / "workers.sqlite") == snapshot(tmp_path / "alone.sqlite")
    assert len(snapshot(tmp_path / "workers.sqlite")[0]) > 300


def test_a_copy_under_another_name_is_recognised_and_its_reader_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = exports(tmp_path / "exports")
    run(tmp_path / "s.sqlite", files, monkeypatch, parallel=True)
    copy = tmp_path / "renamed.json"
    shutil.copy(files[0], copy)
    again = run(tmp_path / "s.sqlite", [*files, copy], monkeypatch, parallel=True)
    assert [unchanged for _name, unchanged, *_ in again] == [True, True, True, True]


def test_a_broken_export_read_by_a_worker_fails_as_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "a.json")
    raw = EXAMPLE.read_bytes()
    (folder / "b.json").write_bytes(raw[: len(raw) // 2])  # cut off in the middle of the messages
    run(tmp_path / "reference.sqlite", [folder / "a.json"], monkeypatch, parallel=False)
    expected = snapshot(tmp_path / "reference.sqlite")
    errors = []
    for parallel in (False, True):
        database = tmp_path / f"{parallel}.sqlite"
        with pytest.raises(InputError) as caught:
            run(database, sorted(folder.iterdir()), monkeypatch, parallel)
        errors.append(str(caught.value))
        assert snapshot(database) == expected  # the file before the broken one landed, none of it
    assert errors[0] == errors[1]
    assert "b.json" in errors[1]


def test_a_skipped_export_is_passed_over_and_its_worker_reads_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = exports(tmp_path / "exports")
    twin = tmp_path / "exports" / "a-twin.json"  # a's very bytes under another name, second in line
    shutil.copy(files[0], twin)
    ordered = [files[0], twin, files[1], files[2]]
    alone = run(tmp_path / "alone.sqlite", ordered, monkeypatch, parallel=False)
    workers = run(tmp_path / "workers.sqlite", ordered, monkeypatch, parallel=True)
    assert workers == alone
    assert [unchanged for _name, unchanged, *_ in workers] == [False, True, False, False]
    assert snapshot(tmp_path / "workers.sqlite") == snapshot(tmp_path / "alone.sqlite")
