"""Streaming the Telegram ``messages`` list gives exactly what reading the whole file gave."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from digest.errors import InputError
from digest.model import Group, Message
from digest.sources import telegram
from digest.sources.jsonio import parse_json

REPO = Path(__file__).resolve().parents[2]
SAMPLES = [
    REPO / "tests" / "fixtures" / "telegram" / "result_group.json",
    REPO / "tests" / "fixtures" / "telegram" / "supergroup_with_topics.json",
    REPO / "examples" / "community" / "result.json",
]
Read = list[tuple[Group, list[Message]] | tuple[str, str]]


def whole(path: Path) -> Read:
    """The reading before streaming: the whole document parsed at once."""
    data = parse_json(path, path.read_bytes())
    out: Read = []
    chat = telegram._chat(path, data, 0, lambda where, msg: out.append((where, msg)))
    out.append((chat.group, list(chat.messages)))
    return out


def streamed(path: Path) -> Read:
    out: Read = []
    for chat in telegram.read(path, lambda where, msg: out.append((where, msg))):
        out.append((chat.group, list(chat.messages)))
    return out


def layouts(data: dict[str, Any]) -> dict[str, Callable[[], str]]:
    return {
        "minified": lambda: json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        "indent-1": lambda: json.dumps(data, ensure_ascii=False, indent=1),
        "indent-4": lambda: json.dumps(data, ensure_ascii=True, indent=4),
        "one-per-line": lambda: (
            json.dumps({k: v for k, v in data.items() if k != "messages"})[:-1]
            + ', "messages": [\n'
            + ",\n".join(json.dumps(m, ensure_ascii=False) for m in data["messages"])
            + "\n]}\n"
        ),
    }


@pytest.mark.parametrize("block", [64, 700, 4096, telegram.STREAM_BLOCK])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_samples_stream_to_the_same_messages(
    sample: Path, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(telegram, "STREAM_BLOCK", block)
    assert telegram._stream_header(sample) is not None  # these are streamed, not read whole
    assert streamed(sample) == whole(sample)


@pytest.mark.parametrize("block", [50, 1000])
def test_every_layout_and_tricky_text_streams_the_same(
    tmp_path: Path, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(telegram, "STREAM_BLOCK", block)
    data = json.loads(SAMPLES[0].read_text(encoding="utf-8"))
    data["messages"][3]["text"] = 'a "messages": [ }, {"id": 9}, ] \\ and },\n, braces'
    data["messages"][4]["text"] = [{"type": "code", "text": "}\n  },\n{"}, "tail },"]
    data["messages"].append("not an object")  # a record the importer warns about
    for name, render in layouts(data).items():
        path = tmp_path / f"{name}.json"
        path.write_text(render(), encoding="utf-8")
        assert streamed(path) == whole(path), name


def test_a_header_after_the_messages_is_read_whole(tmp_path: Path) -> None:
    data = json.loads(SAMPLES[0].read_text(encoding="utf-8"))
    path = tmp_path / "late-header.json"
    path.write_text(json.dumps({"messages": data["messages"], "name": "Late", "id": 5}), encoding="utf-8")
    assert telegram._stream_header(path) is None
    [(group, messages)] = streamed(path)
    assert (group.id, group.title, len(messages)) == ("5", "Late", 44)  # type: ignore[union-attr,arg-type]


def test_empty_list_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b'\xef\xbb\xbf{"name": "E", "type": "private_group", "id": 1, "messages": []}')
    assert streamed(path) == whole(path)


def test_a_truncated_file_fails_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram, "STREAM_BLOCK", 500)
    text = SAMPLES[2].read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(InputError) as before:
        parse_json(path, path.read_bytes())
    with pytest.raises(InputError) as now:
        streamed(path)
    assert str(now.value) == str(before.value)
    assert "truncated" in str(now.value)
