"""QQ's PC text export (消息管理器 .txt): sections, headers, notices, encodings, bad input."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from importer_helpers import FIFTY_MB, parse, store_stats

from digest.errors import InputError
from digest.model import Attachment, Kind
from digest.sources import REGISTRY, qq
from digest.sources.base import read_head

RULE = "=" * 64
EXPORT = f"""消息记录（此消息记录为文本格式，不支持重新导入）

{RULE}
消息分组:我的群聊
{RULE}
消息对象:读书会（周三晚）
{RULE}

2023-01-02 12:34:56 【管理员】小王(123456789)
大家好
[图片]

2023-01-02 12:35:01 小李<someone@example.com>
收到

第二段

2023-01-02 12:36:01 系统消息(10000)
小张加入本群。

2023-01-02 8:43:38 PM 名字(带(嵌套)括号) (0012345)
[表情]

2023-01-02 20:44:00 小李<someone@example.com>
小李撤回了一条消息

2023-01-02 20:45:00 小王(123456789)
[QQ红包]我发了一个“专享红包”，请使用新版手机QQ查收红包。

2023-01-02 20:46:00 小王(123456789)


{RULE}
消息分组:我的好友
{RULE}
消息对象:阿强
{RULE}

2023-02-02 10:00:00 阿强(555)
早
"""


def write(
    tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "export.txt", newline: str = "\n"
) -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def test_full_export_utf16_crlf(tmp_path: Path) -> None:
    # QQ writes UTF-16 LE with a BOM and CRLF line ends.
    path = write(tmp_path, EXPORT, encoding="utf-16", newline="\r\n")
    assert REGISTRY.detect(path) is qq.SOURCE
    parsed = parse(qq.SOURCE, path)
    assert parsed.warnings == ()
    assert [(g.platform, g.id, g.title) for g in parsed.groups] == [
        ("qq", "读书会-周三晚", "读书会（周三晚）"),
        ("qq", "阿强", "阿强"),
    ]
    club = parsed.of("读书会-周三晚")
    assert [(m.timestamp, m.author_id, m.author_name, m.kind, m.text, m.attachments) for m in club] == [
        (
            datetime(2023, 1, 2, 12, 34, 56, tzinfo=UTC),
            "123456789",
            "小王",
            Kind.TEXT,
            "大家好",
            (Attachment("photo"),),
        ),
        (
            datetime(2023, 1, 2, 12, 35, 1, tzinfo=UTC),
            "someone@example.com",
            "小李",
            Kind.TEXT,
            "收到\n\n第二段",
            (),
        ),
        (datetime(2023, 1, 2, 12, 36, 1, tzinfo=UTC), "", "", Kind.JOIN, "小张加入本群。", ()),
        (
            datetime(2023, 1, 2, 20, 43, 38, tzinfo=UTC),
            "0012345",
            "名字(带(嵌套)括号)",
            Kind.MEDIA,
            "",
            (Attachment("sticker"),),
        ),
        (
            datetime(2023, 1, 2, 20, 44, tzinfo=UTC),
            "someone@example.com",
            "小李",
            Kind.SERVICE,
            "小李撤回了一条消息",
            (),
        ),
        (datetime(2023, 1, 2, 20, 45, tzinfo=UTC), "123456789", "小王", Kind.SERVICE, club[5].text, ()),
        (datetime(2023, 1, 2, 20, 46, tzinfo=UTC), "123456789", "小王", Kind.TEXT, "", ()),
    ]
    (friend,) = parsed.of("阿强")
    assert (friend.author_id, friend.text) == ("555", "早")
    assert len({m.id for m in parsed.messages}) == 8


def test_store_counts(tmp_path: Path) -> None:
    path = write(tmp_path, EXPORT)
    club, friend = store_stats(qq.SOURCE, path, tmp_path / "s.sqlite")
    assert (club.parsed, club.members, club.replies) == (7, 3, 0)  # 3 people; system lines are no member
    assert (friend.parsed, friend.members) == (1, 1)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16-le", "utf-16-be"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, EXPORT, encoding=encoding, newline="\r\n")
    assert qq.sniff(read_head(path), path), encoding
    parsed = parse(qq.SOURCE, path)
    assert len(parsed.messages) == 8 and parsed.groups[0].title == "读书会（周三晚）"


def test_mixed_line_ends(tmp_path: Path) -> None:
    text = EXPORT.replace("大家好\n", "大家好\r\n").replace("收到\n\n", "收到\r\r\n")
    parsed = parse(qq.SOURCE, write(tmp_path, text))
    assert [m.text for m in parsed.messages[:2]] == ["大家好", "收到\n\n第二段"]


def test_excerpt_without_header_is_named_after_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "2022-05-10 11:28:25 Alice(12345)\nfirst\n2022-05-10 11:29:26 Bob<67890>\nsecond\n",
        name="组会.txt",
    )
    assert qq.sniff(read_head(path), path)
    parsed = parse(qq.SOURCE, path)
    assert [(g.id, g.title) for g in parsed.groups] == [("组会", "组会")]
    assert [(m.author_id, m.text) for m in parsed.messages] == [("12345", "first"), ("67890", "second")]


def test_a_consumer_may_stop_a_section_early(tmp_path: Path) -> None:
    chats = qq.read(write(tmp_path, EXPORT), lambda where, message: None)
    club = next(chats)
    next(iter(club.messages))  # read one message of the first section only
    friend = next(chats)
    assert [m.text for m in friend.messages] == ["早"]


def test_ids_are_stable_and_repeats_differ(tmp_path: Path) -> None:
    text = "2022-05-10 11:28:25 Alice(12345)\n1\n\n2022-05-10 11:28:25 Alice(12345)\n1\n"
    first = parse(qq.SOURCE, write(tmp_path, text, name="a.txt")).messages
    (tmp_path / "b").mkdir()
    again = parse(qq.SOURCE, write(tmp_path / "b", text, name="a.txt")).messages
    assert [m.id for m in first] == [m.id for m in again] and first[0].id != first[1].id


def test_sniff_is_specific(tmp_path: Path) -> None:
    whatsapp = write(tmp_path, "11/10/24, 9:15 AM - Sarah: hi\n", name="w.txt")
    signal = write(tmp_path, "[2019-12-24, 12:23] Jane Doe: Hello John!\n", name="s.txt")
    irc = write(tmp_path, "[2019-03-01 03:10:59] <op> text\n", name="i.txt")
    csv = write(tmp_path, EXPORT, name="e.csv")
    for path in (whatsapp, signal, irc, csv):
        assert not qq.sniff(read_head(path), path), path.name


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\xff\xfe", b"\r\n\r\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match="empty file"):
        parse(qq.SOURCE, path)


def test_header_without_messages(tmp_path: Path) -> None:
    header = EXPORT.split("2023-01-02", 1)[0]
    parsed = parse(qq.SOURCE, write(tmp_path, header))
    assert [g.title for g in parsed.groups] == ["读书会（周三晚）"] and parsed.messages == ()


def test_truncated_file(tmp_path: Path) -> None:
    data = EXPORT.encode("utf-8")
    path = tmp_path / "export.txt"
    path.write_bytes(data[:-2])  # inside the last "早"
    parsed = parse(qq.SOURCE, path)
    assert len(parsed.messages) == 8 and parsed.messages[-1].text == "\ufffd"


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes("消息对象:群\n".encode() + b"2023-01-02 12:34:56 x(1)\n\x80\xff\x80\n")
    with pytest.raises(InputError, match="UTF-8, UTF-16 or GB18030"):
        parse(qq.SOURCE, path)


def test_bad_lines_are_reported_and_the_rest_imported(tmp_path: Path) -> None:
    text = (
        "消息对象:群\n"
        "a line before any message\n"
        "2023-01-02 12:34:56 小王(1)\nok\n\n"
        "2023-02-30 12:34:56 小王(1)\nno such day\n\n"
        "2023-01-02 13:00:00 PM 小王(1)\n13 PM\n\n"
        "2023-01-02 12:35:00 小李(2)\nfine\n"
    )
    parsed = parse(qq.SOURCE, write(tmp_path, text))
    assert [m.text for m in parsed.messages] == ["ok", "fine"]
    assert [where for where, _ in parsed.warnings] == ["line 2", "line 6", "line 9"]


def test_fifty_megabyte_message(tmp_path: Path) -> None:
    body = "字" * (FIFTY_MB // 3)
    path = write(
        tmp_path,
        f"消息对象:群\n2023-01-02 12:34:56 小王(1)\n{body}\n{body}\n\n2023-01-02 12:35:00 小李(2)\n好\n",
    )
    started = time.perf_counter()
    big, small = parse(qq.SOURCE, path).messages
    assert time.perf_counter() - started < 30
    assert len(big.text) == 2 * len(body) + 1 and small.text == "好"
    assert Counter(m.kind for m in (big, small)) == {Kind.TEXT: 2}
