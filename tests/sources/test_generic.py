"""Generic JSON Lines and CSV: default and configured columns, timestamps, groups, bad input."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from importer_helpers import FIFTY_MB, nested_json, parse

from digest.config import DigestConfig
from digest.errors import InputError
from digest.model import Kind
from digest.pipeline import import_file
from digest.sources import REGISTRY, generic
from digest.sources.base import read_head, stable_id
from digest.store import open_store


def jsonl(tmp_path: Path, records: list[Any], name: str = "chat.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def text_file(tmp_path: Path, text: str, name: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_jsonl_default_columns(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path,
        [
            {
                "timestamp": "2024-03-01T09:15:00+08:00",
                "author": "Ann",
                "text": "How do I merge?",
                "id": "q1",
            },
            {
                "timestamp": "2024-03-01T02:20:00Z",
                "author": "Bob",
                "text": "Use git merge",
                "id": "a1",
                "reply_to": "q1",
            },
            {
                "timestamp": "2024-03-01 02:30:00",
                "author": "Ann",
                "author_id": "u-ann",
                "text": "thanks",
                "id": 7,
            },
            {"timestamp": 1709260200, "author": "Cy", "text": "seconds"},
            {"timestamp": 1709260260000, "author": "Cy", "text": "milliseconds"},
            {"timestamp": "1709260320", "author": "Cy", "text": "seconds as text", "extra": {"ignored": [1]}},
        ],
        name="Study Group.jsonl",
    )
    assert REGISTRY.detect(path) is generic.SOURCE
    parsed = parse(generic.SOURCE, path)
    assert parsed.warnings == ()
    assert [(g.platform, g.id, g.title) for g in parsed.groups] == [("generic", "study-group", "Study Group")]
    m = parsed.messages
    assert m[0].timestamp == datetime(2024, 3, 1, 9, 15, tzinfo=timezone(timedelta(hours=8)))
    assert m[1].timestamp == datetime(2024, 3, 1, 2, 20, tzinfo=UTC) and m[1].reply_to == "q1"
    assert (m[2].timestamp, m[2].author_id, m[2].author_name, m[2].id) == (
        datetime(2024, 3, 1, 2, 30, tzinfo=UTC),
        "u-ann",
        "Ann",
        "7",
    )
    assert [x.timestamp for x in m[3:]] == [
        datetime(2024, 3, 1, 2, 30, tzinfo=UTC),
        datetime(2024, 3, 1, 2, 31, tzinfo=UTC),
        datetime(2024, 3, 1, 2, 32, tzinfo=UTC),
    ]
    assert m[3].author_id == "name:Cy"
    assert m[3].id == stable_id("study-group", m[3].timestamp, "name:Cy", "seconds")
    assert {x.kind for x in m} == {Kind.TEXT} and parsed.replies == 1


def test_csv_default_columns_and_groups(tmp_path: Path) -> None:
    path = text_file(
        tmp_path,
        "timestamp,author,text,id,reply_to,group\r\n"
        '2024-03-01T09:00:00,Ann,"Hello, ""world""\r\nsecond line",1,,python\r\n'
        "2024-03-01T09:01:00,Bob,hi,2,1,python\r\n"
        "2024-03-01T09:02:00,Cy,other room,3,,rust\r\n",
        name="rooms.csv",
    )
    assert REGISTRY.detect(path) is generic.SOURCE
    parsed = parse(generic.SOURCE, path)
    assert [(g.id, g.title) for g in parsed.groups] == [("python", "python"), ("rust", "rust")]
    assert [(m.group_id, m.id, m.text, m.reply_to) for m in parsed.messages] == [
        ("python", "1", 'Hello, "world"\nsecond line', None),
        ("python", "2", "hi", "1"),
        ("rust", "3", "other room", None),
    ]


def test_configured_columns(tmp_path: Path) -> None:
    source = generic.make_source({"timestamp": "date", "author": "from", "text": "body", "id": "msg_id"})
    semicolons = text_file(
        tmp_path, "date;from;body;msg_id\n2024-03-01 09:00;Ann;hallo;x1\n", name="export.csv"
    )
    tabs = text_file(tmp_path, "date\tfrom\tbody\n1709283600\tBob\tmoin\n", name="export.tsv")
    records = jsonl(tmp_path, [{"date": "2024-03-01", "from": "Cy", "body": "ciao"}], name="export.jsonl")
    for path in (semicolons, tabs, records):
        assert source.sniff(read_head(path), path), path.name
        assert not generic.SOURCE.sniff(read_head(path), path), path.name
    assert [m.text for p in (semicolons, tabs, records) for m in parse(source, p).messages] == [
        "hallo",
        "moin",
        "ciao",
    ]
    assert parse(source, semicolons).messages[0].id == "x1"
    assert "timestamp=date" in source.description


def test_unknown_column_field() -> None:
    with pytest.raises(ValueError, match=r"unknown field.*when"):
        generic.make_source({"when": "date"})


def test_generic_columns_setting() -> None:
    config = DigestConfig()
    config.load_dict({"generic_columns": {"timestamp": "date", "author": "from"}})
    assert config.validate() == ([], [])
    assert config.generic_columns == {"timestamp": "date", "author": "from"}
    wrong = DigestConfig()
    wrong.load_dict({"generic_columns": {"timestamp": "date", "when": "x"}})
    ((key, error),), _warnings = wrong.validate()
    assert key == "generic_columns" and "unknown field(s) when" in str(error)
    assert "timestamp, author, text, id, reply_to, group, author_id" in str(error)


def test_sniff_does_not_claim_other_formats(tmp_path: Path) -> None:
    others = {
        "result.json": '{\n "name": "Team", "type": "private_group", "id": 1, "messages": []\n}\n',
        "chatlab.jsonl": '{"_type": "header", "chatlab": {"version": "0.0.2"}, "meta": {"name": "x"}, '
        '"timestamp": 1, "author": "a", "text": "b"}\n',
        "mattermost.jsonl": '{"type": "version", "version": 1}\n{"type": "post", "post": {}}\n',
        "chat.csv": "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n",
        "notes.csv": "name,comment\nAnn,hi\n",
        "chat.txt": "timestamp,author,text\n2024-01-01,Ann,hi\n",
    }
    for name, content in others.items():
        path = text_file(tmp_path, content, name)
        assert not generic.SOURCE.sniff(read_head(path), path), name


def test_sniff_a_first_record_longer_than_the_head(tmp_path: Path) -> None:
    path = jsonl(tmp_path, [{"timestamp": 1, "author": "Ann", "text": "x" * 10_000}])
    assert generic.SOURCE.sniff(read_head(path), path)


def test_overlapping_exports_without_ids_dedupe(tmp_path: Path) -> None:
    records = [{"timestamp": 1709283600 + 60 * i, "author": f"p{i % 3}", "text": "ok"} for i in range(10)]
    first = jsonl(tmp_path, records[:6], name="a.jsonl")
    (tmp_path / "b").mkdir()
    second = jsonl(tmp_path / "b", records[4:], name="a.jsonl")  # same name: same group
    with open_store(tmp_path / "s.sqlite") as store:
        import_file(store, first)
        report = import_file(store, second)
        assert (report.new, report.parsed) == (4, 6) and store.count() == 10


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["chat.jsonl", "chat.csv"])
@pytest.mark.parametrize("content", [b"", b"\n \n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match="empty file"):
        parse(generic.SOURCE, path)


def test_truncated_jsonl_and_csv(tmp_path: Path) -> None:
    records = jsonl(
        tmp_path,
        [{"timestamp": 1, "author": "a", "text": "one"}, {"timestamp": 2, "author": "b", "text": "two"}],
    )
    records.write_bytes(records.read_bytes()[:-12])
    parsed = parse(generic.SOURCE, records)
    assert [m.text for m in parsed.messages] == ["one"]
    assert parsed.warnings[0][0] == "line 2" and "not a JSON record" in parsed.warnings[0][1]
    table = text_file(tmp_path, "timestamp,author,text\n1,a,one\n2,b", name="t.csv")
    parsed = parse(generic.SOURCE, table)
    assert [m.text for m in parsed.messages] == ["one"]
    assert parsed.warnings == (("line 3", "2 fields, expected 3 (truncated?); skipped"),)


def test_encodings(tmp_path: Path) -> None:
    for encoding in ("gbk", "utf-16", "utf-8-sig"):
        path = text_file(
            tmp_path, "timestamp,author,text\r\n1,小王,你好\r\n", name=f"{encoding}.csv", encoding=encoding
        )
        (message,) = parse(generic.SOURCE, path).messages
        assert (message.author_name, message.text) == ("小王", "你好"), encoding
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_bytes(b'{"timestamp": 1, "author": "a", "text": "\x80\xff"}\n')
    with pytest.raises(InputError, match="UTF-8, UTF-16 or GB18030"):
        parse(generic.SOURCE, wrong)


def test_missing_required_csv_column(tmp_path: Path) -> None:
    path = text_file(tmp_path, "date,author,text\n2024-01-01,a,b\n", name="t.csv")
    with pytest.raises(InputError, match=r"line 1: no column timestamp .*generic_columns"):
        parse(generic.SOURCE, path)


def test_bad_records_are_reported_and_the_rest_imported(tmp_path: Path) -> None:
    path = tmp_path / "chat.jsonl"
    lines = [
        json.dumps({"timestamp": 1, "author": "a", "text": "first"}),
        "{not json",
        "[1, 2, 3]",
        nested_json(100_000).decode(),
        json.dumps({"timestamp": "yesterday", "author": "a", "text": "x"}),
        json.dumps({"timestamp": 2, "text": "nobody"}),
        json.dumps({"timestamp": 3, "author": "a", "text": ""}),
        json.dumps({"timestamp": 4, "author": "a", "text": {"rich": True}}),
        json.dumps({"timestamp": True, "author": "a", "text": "bool time"}),
        "",
        json.dumps({"timestamp": 5, "author": "b", "text": "last"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = parse(generic.SOURCE, path)
    assert [m.text for m in parsed.messages] == ["first", "last"]
    assert [where for where, _ in parsed.warnings] == [f"line {n}" for n in range(2, 10)]
    assert "nested deeper than 1024 levels" in parsed.warnings[2][1]
    assert parsed.warnings[3][1] == "timestamp 'yesterday' is not a date and time; skipped"


def test_fifty_megabyte_message(tmp_path: Path) -> None:
    big = "m" * FIFTY_MB
    records = jsonl(
        tmp_path, [{"timestamp": 1, "author": "a", "text": big}, {"timestamp": 2, "author": "b", "text": "x"}]
    )
    table = text_file(tmp_path, f'timestamp,author,text\n1,a,"{big}"\n2,b,x\n', name="big.csv")
    for path in (records, table):
        started = time.perf_counter()
        first, second = parse(generic.SOURCE, path).messages
        assert time.perf_counter() - started < 30
        assert len(first.text) == FIFTY_MB and second.text == "x"
