"""A WhatsApp chat exported again later: only the lines after those already imported are
read, when they keep the layout and date order and come no earlier; the store then holds
what a fresh import of the whole file gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest import pipeline
from digest.model import Message
from digest.pipeline import import_file
from digest.store import open_store

NAMES = ["Ana", "Wang Wei", "Kim"]


def lines(start: int, count: int, day: int = 21) -> list[str]:
    out = []
    for i in range(start, start + count):
        hour, minute = divmod(i, 60)
        out.append(f"{day:02d}/07/2022, {hour:02d}:{minute:02d} - {NAMES[i % 3]}: message {i}")
        if i % 7 == 0:
            out.append(f"a second line of message {i}")
    return out


def write(path: Path, text_lines: list[str], end: str = "\n") -> Path:
    path.write_text("\n".join(text_lines) + end, encoding="utf-8")
    return path


def stored(db: Path) -> list[Message]:
    with open_store(db) as store:
        return list(store.messages())


def fresh(tmp_path: Path, path: Path) -> list[Message]:
    db = tmp_path / "fresh.sqlite"
    db.unlink(missing_ok=True)
    with open_store(db) as store:
        import_file(store, path)
    return stored(db)


@pytest.fixture(params=["in this process", "in a worker process"])
def readers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "in a worker process":
        monkeypatch.setattr(pipeline, "PARALLEL_BYTES", 0)
    return str(request.param)


def test_a_grown_export_is_read_on_and_a_repeated_line_keeps_its_own_id(tmp_path: Path, readers: str) -> None:
    path = tmp_path / "WhatsApp Chat with Study group.txt"
    old = lines(0, 40)
    with open_store(tmp_path / "s.sqlite") as store:
        assert not import_file(store, write(path, old)).read_on
        again = old[-1]  # the same minute, author and text again: another message, another id
        grown = [*old, again, *lines(40, 25)]
        report = import_file(store, write(path, grown))
        assert report.read_on and report.parsed == report.new == 26
        more = import_file(store, write(path, [*grown, *lines(65, 3)]))
        assert more.read_on and more.new == 3
    assert stored(tmp_path / "s.sqlite") == fresh(tmp_path, path)
    assert len(stored(tmp_path / "s.sqlite")) == 69


def test_lines_earlier_than_the_latest_message_are_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    with open_store(tmp_path / "s.sqlite") as store:
        import_file(store, write(path, lines(0, 40)))
        report = import_file(store, write(path, [*lines(0, 40), *lines(10, 5)]))  # earlier times
        assert not report.read_on and report.new == 5
    assert stored(tmp_path / "s.sqlite") == fresh(tmp_path, path)


def test_a_date_order_the_new_lines_change_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    ambiguous = [f"0{d}/0{m}/2022, 10:0{d} - Ana: hi {d}{m}" for d, m in ((1, 2), (2, 3), (3, 4))]
    with open_store(tmp_path / "s.sqlite") as store:
        import_file(store, write(path, ambiguous))
        report = import_file(
            store, write(path, [*ambiguous, "04/25/2022, 10:05 - Ana: month first after all"])
        )
        assert not report.read_on


def test_a_last_message_that_goes_on_or_a_file_without_a_final_line_end_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    with open_store(tmp_path / "s.sqlite") as store:
        import_file(store, write(path, lines(0, 10)))
        report = import_file(store, write(path, [*lines(0, 10), "more of the last message", *lines(10, 2)]))
        assert not report.read_on
        import_file(store, write(path, lines(0, 20), end=""))
        assert not import_file(store, write(path, lines(0, 21))).read_on  # no point was marked
    assert stored(tmp_path / "s.sqlite")[-1].text == "message 20"


def test_lines_read_on_are_numbered_as_in_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    old = lines(0, 30)
    bad = "21/07/2022, 99:10 - Ana: not a time"  # skipped, with its line number
    with open_store(tmp_path / "s.sqlite") as store:
        import_file(store, write(path, old))
        report = import_file(store, write(path, [*old, *lines(30, 3), bad, *lines(33, 2)]))
        assert report.read_on
    with open_store(tmp_path / "fresh.sqlite") as store:
        whole = import_file(store, path)
    assert report.warnings == whole.warnings and len(whole.warnings) == 1
