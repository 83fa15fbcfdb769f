"""WeChat: PyWxDump CSV (both layouts, quoted replies, types) and the ChatLab format; bad input."""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from importer_helpers import FIFTY_MB, nested_json, parse, store_stats

from digest.errors import InputError
from digest.model import Attachment, Kind
from digest.sources import REGISTRY, chatlab, generic, telegram, wechat
from digest.sources.base import read_head

NEW = ["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "msg", "src", "CreateTime"]
OLD = ["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "content", "CreateTime"]
ROOM = "12345678@chatroom"


def pywxdump_csv(
    tmp_path: Path, rows: list[list[Any]], header: list[str] = NEW, name: str = "chat.csv"
) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def row(
    n: int, type_name: str, msg: str, talker: str = "wxid_ann", sender: int = 0, **extra: str
) -> list[Any]:
    when = extra.get("time", f"2024-10-04 21:{n:02d}:00")
    return [n, 1000 + n, type_name, sender, talker, extra.get("room", ROOM), msg, extra.get("src", ""), when]


# -- the shared PyWxDump samples (AGPL: read from ../shared/samples, never copied) -------------


def test_new_layout_sample(samples: Path) -> None:
    # Counted by hand with Python's csv module and grep: 96 data rows (99 lines; row 53's msg
    # spans 3 lines). type_name: 文本 65, 动画表情 23, 图片 5, 系统通知 2 (both "你撤回了一条消息" by the
    # exporter), 引用回复 1. A one-to-one chat: is_sender=1 rows are 12345iru2zsmo22 (46), the rest
    # test_person (50, of them 4 images whose talker column names the exporter) -> 2 members.
    # 1 reply: row 53 quotes "(2024-10-04 21:25:04)小虫:我之前租的时候…", which is row 52
    # (MsgSvrID 1122488129382806721, 2024/10/4 21:25, same text).
    path = samples / "wechat" / "test_0_730.csv"
    assert REGISTRY.detect(path) is wechat.SOURCE
    parsed = parse(wechat.SOURCE, path)
    assert parsed.warnings == ()
    assert [(g.platform, g.id) for g in parsed.groups] == [("wechat", "test_person")]
    assert len(parsed.messages) == 96
    assert Counter(m.kind for m in parsed.messages) == {Kind.TEXT: 66, Kind.MEDIA: 28, Kind.SERVICE: 2}
    assert Counter(m.author_id for m in parsed.messages) == {"test_person": 50, "12345iru2zsmo22": 46}
    assert Counter(a.kind for m in parsed.messages for a in m.attachments) == {"sticker": 23, "photo": 5}
    assert parsed.replies == 1
    (reply,) = [m for m in parsed.messages if m.reply_to]
    assert (reply.id, reply.text, reply.reply_to) == (
        "1244017411047763227",
        "（我们两个人骑）",
        "1122488129382806721",
    )
    quoted = parsed.by_id()["1122488129382806721"]
    assert quoted.text == "我之前租的时候 人家说这个没劲儿 租了个大的"
    assert quoted.timestamp == datetime(2024, 10, 4, 21, 25, tzinfo=UTC)


def test_new_layout_sample_in_the_store(samples: Path, tmp_path: Path) -> None:
    (stats,) = store_stats(wechat.SOURCE, samples / "wechat" / "test_0_730.csv", tmp_path / "s.sqlite")
    assert (stats.parsed, stats.new, stats.members, stats.replies) == (96, 96, 2, 1)


def test_old_layout_sample(samples: Path, tmp_path: Path) -> None:
    # Counted by hand: 35 data rows; type_name 文本 26, 动画表情 5, 图片 3, 系统通知 1 ("你已添加了
    # 白桃乌龙…", from nobody); senders "我" (is_sender=1, 20 rows) and xinglaifaxianzhe (14
    # without the notice) -> 2 members; no 引用回复, so no replies.
    path = samples / "wechat" / "example_chat.csv"
    assert REGISTRY.detect(path) is wechat.SOURCE
    parsed = parse(wechat.SOURCE, path)
    assert parsed.warnings == ()
    assert len(parsed.messages) == 35
    assert Counter(m.kind for m in parsed.messages) == {Kind.TEXT: 26, Kind.MEDIA: 8, Kind.SERVICE: 1}
    assert Counter(m.author_id for m in parsed.messages) == {"我": 20, "xinglaifaxianzhe": 14, "": 1}
    assert parsed.replies == 0
    photo = next(m for m in parsed.messages if m.attachments and m.attachments[0].kind == "photo")
    assert photo.attachments == (Attachment("photo", "82332bbba85f6bb3cf85823037f3a99e.dat"),)
    assert photo.text == ""
    (stats,) = store_stats(wechat.SOURCE, path, tmp_path / "s.sqlite")
    assert (stats.parsed, stats.members, stats.replies) == (35, 2, 0)  # the notice has no author


# -- PyWxDump CSV, hand-made -------------------------------------------------------------------


def test_group_chat_types_and_joins(tmp_path: Path) -> None:
    path = pywxdump_csv(
        tmp_path,
        [
            row(1, "系统通知", '"小王"邀请"小李"加入了群聊', talker="未知"),
            row(2, "文本", "大家好", talker="wxid_ann"),
            row(3, "文本", "我也在", talker="wxid_self", sender=1),
            row(4, "视频", "视频", src="FileStorage\\Video\\2024-10\\abc.mp4"),
            row(5, "文件", "报告.pdf", src="FileStorage\\File\\2024-10\\报告.pdf"),
            row(
                6,
                "(分享)卡片式链接",
                '标题\n描述\n\n<a href="https://example.com/a">点击查看详情</a>',
                src="https://example.com/a",
            ),
            row(7, "语音", "语音时长：3.00秒"),
            row(8, "拍一拍", '"小王" 拍了拍 "小李"', talker="系统"),
            row(9, "转账", "转账：¥1.00"),
            row(10, "未知-49,15", "something new"),
        ],
    )
    parsed = parse(wechat.SOURCE, path)
    assert [(m.kind, m.author_id, m.text, m.attachments) for m in parsed.messages] == [
        (Kind.JOIN, "", '"小王"邀请"小李"加入了群聊', ()),
        (Kind.TEXT, "wxid_ann", "大家好", ()),
        (Kind.TEXT, "wxid_self", "我也在", ()),
        (Kind.MEDIA, "wxid_ann", "", (Attachment("video", "abc.mp4"),)),
        (Kind.MEDIA, "wxid_ann", "", (Attachment("file", "报告.pdf"),)),
        (
            Kind.MEDIA,
            "wxid_ann",
            "标题\n描述\n\nhttps://example.com/a",
            (Attachment("link", "https://example.com/a"),),
        ),
        (Kind.MEDIA, "wxid_ann", "语音时长：3.00秒", (Attachment("voice", ""),)),
        (Kind.SERVICE, "", '"小王" 拍了拍 "小李"', ()),
        (Kind.SERVICE, "", "转账：¥1.00", ()),
        (Kind.TEXT, "wxid_ann", "something new", ()),
    ]
    assert [m.id for m in parsed.messages] == [str(1000 + n) for n in range(1, 11)]
    assert parsed.groups[0].id == ROOM


def test_quote_resolution_prefers_time_then_author(tmp_path: Path) -> None:
    path = pywxdump_csv(
        tmp_path,
        [
            row(1, "文本", "好的", talker="wxid_ann", time="2024-10-04 09:00:00"),
            row(2, "文本", "好的", talker="wxid_bob", time="2024-10-04 10:00:00"),
            row(3, "文本", "好的", talker="wxid_ann", time="2024-10-04 10:00:30"),
            row(
                4,
                "引用回复",
                "同意\n\n[引用](2024-10-04 10:00:30)wxid_ann:好的",
                talker="wxid_cy",
                time="2024-10-04 10:05:00",
            ),
            row(
                5,
                "引用回复",
                "早\n\n[引用](2024-10-04 09:00:00)安:好的",
                talker="wxid_cy",
                time="2024-10-04 10:06:00",
            ),
            row(
                6,
                "引用回复",
                "嗯\n\n[引用](2024-10-01 08:00:00)安:不在这个文件里",
                talker="wxid_cy",
                time="2024-10-04 10:07:00",
            ),
            row(
                7,
                "引用回复",
                "再引\n\n[引用](2024-10-04 10:05:00)wxid_cy:同意",
                talker="wxid_bob",
                time="2024-10-04 10:08:00",
            ),
        ],
    )
    messages = parse(wechat.SOURCE, path).messages
    assert [(m.text, m.reply_to) for m in messages[3:]] == [
        ("同意", "1003"),  # same time: Ann's, not Bob's
        ("早", "1001"),  # nearest in time
        ("嗯", None),  # quoted message is older than the export
        ("再引", "1004"),  # a quoted reply is found by its own text, without its quote
    ]


def test_one_to_one_authors(tmp_path: Path) -> None:
    path = pywxdump_csv(
        tmp_path,
        [
            row(1, "文本", "hi", talker="friend", room="friend"),
            row(2, "图片", "图片", talker="wxid_me", room="friend", src="x\\y.dat"),  # talker is wrong here
            row(3, "文本", "hello", talker="我", sender=1, room="friend"),
        ],
    )
    assert [m.author_id for m in parse(wechat.SOURCE, path).messages] == ["friend", "friend", "我"]


def test_sniff_claims_only_pywxdump_csv(tmp_path: Path) -> None:
    ours = pywxdump_csv(tmp_path, [row(1, "文本", "hi")])
    assert wechat.sniff(read_head(ours), ours)
    assert not generic.SOURCE.sniff(read_head(ours), ours)
    other = tmp_path / "other.csv"
    other.write_text("timestamp,author,text\n2024-01-01T00:00:00,ann,hi\n", encoding="utf-8")
    assert not wechat.sniff(read_head(other), other)
    renamed = tmp_path / "chat.txt"
    renamed.write_bytes(ours.read_bytes())
    assert not wechat.sniff(read_head(renamed), renamed)


# -- PyWxDump CSV, bad input -----------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "chat.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        parse(wechat.SOURCE, path)


def test_header_only_is_an_empty_export(tmp_path: Path) -> None:
    assert parse(wechat.SOURCE, pywxdump_csv(tmp_path, [])).messages == ()


def test_wrong_columns(tmp_path: Path) -> None:
    path = tmp_path / "chat.csv"
    path.write_text("id,MsgSvrID,type_name\n1,2,文本\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a PyWxDump CSV"):
        parse(wechat.SOURCE, path)


def test_truncated_file_reports_the_cut_row(tmp_path: Path) -> None:
    path = pywxdump_csv(tmp_path, [row(1, "文本", "一"), row(2, "文本", "二")])
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b",2024")])
    parsed = parse(wechat.SOURCE, path)
    assert [m.text for m in parsed.messages] == ["一"]
    assert parsed.warnings == (("line 3", "8 fields, expected 9 (a broken or truncated row)"),)


def test_gbk_and_bom_encodings(tmp_path: Path) -> None:
    path = pywxdump_csv(tmp_path, [row(1, "文本", "你好，世界")])
    text = path.read_text(encoding="utf-8")
    for encoding in ("gbk", "utf-8-sig", "utf-16"):
        path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
        assert wechat.sniff(read_head(path), path), encoding
        (message,) = parse(wechat.SOURCE, path).messages
        assert message.text == "你好，世界", encoding


def test_wrong_encoding(tmp_path: Path) -> None:
    path = pywxdump_csv(tmp_path, [row(1, "文本", "x")])
    path.write_bytes(path.read_bytes() + b"2,3,\x80\xff,0,a,b,c,,2024-10-04 21:00:00\n")
    with pytest.raises(InputError, match="UTF-8, UTF-16 or GB18030"):
        parse(wechat.SOURCE, path)


def test_bad_rows_are_reported_and_the_rest_imported(tmp_path: Path) -> None:
    path = pywxdump_csv(
        tmp_path,
        [
            row(1, "文本", "ok"),
            row(2, "文本", "bad time", time="yesterday"),
            [3, 1003, "文本", 0, "wxid_ann", ROOM, "too", "many", "2024-10-04 21:03:00", "fields"],
            row(4, "文本", "no room", room=""),
            row(5, "文本", "ok again"),
        ],
    )
    parsed = parse(wechat.SOURCE, path)
    assert [m.text for m in parsed.messages] == ["ok", "ok again"]
    assert [where for where, _ in parsed.warnings] == ["line 3", "line 4", "line 5"]
    assert "CreateTime 'yesterday'" in parsed.warnings[0][1]


def test_old_layout_bad_and_nested_content(tmp_path: Path) -> None:
    path = pywxdump_csv(
        tmp_path,
        [
            [
                1,
                1001,
                "文本",
                0,
                "f",
                "f",
                json.dumps({"src": "", "msg": "好"}, ensure_ascii=False),
                "2023-08-12 23:22:41",
            ],
            [2, 1002, "文本", 0, "f", "f", "{not json", "2023-08-12 23:22:42"],
            [3, 1003, "文本", 0, "f", "f", nested_json(5000).decode(), "2023-08-12 23:22:43"],
            [4, 1004, "文本", 0, "f", "f", "[1, 2]", "2023-08-12 23:22:44"],
            [
                5,
                1005,
                "文本",
                1,
                "我",
                "f",
                json.dumps({"src": "", "msg": "嗯"}, ensure_ascii=False),
                "1691882565",
            ],
        ],
        header=OLD,
    )
    parsed = parse(wechat.SOURCE, path)
    assert [(m.author_id, m.text) for m in parsed.messages] == [("f", "好"), ("我", "嗯")]
    assert parsed.messages[1].timestamp == datetime(2023, 8, 12, 23, 22, 45, tzinfo=UTC)
    assert [where for where, _ in parsed.warnings] == ["line 3", "line 4", "line 5"]
    assert "nested too deeply" in parsed.warnings[1][1]


def test_fifty_megabyte_message(tmp_path: Path) -> None:
    big = "长" * (FIFTY_MB // 3)
    path = pywxdump_csv(tmp_path, [row(1, "文本", big), row(2, "文本", "after")])
    started = time.perf_counter()
    first, second = parse(wechat.SOURCE, path).messages
    assert time.perf_counter() - started < 30
    assert first.text == big and second.text == "after"


# -- ChatLab standard format -------------------------------------------------------------------


def chatlab_doc(messages: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    return {
        "chatlab": {"version": "0.0.2", "exportedAt": 1703001600, "generator": "WeFlow"},
        "meta": {"name": "技术交流群", "platform": "wechat", "type": "group", "groupId": ROOM, **meta},
        "members": [
            {
                "platformId": "abc123",
                "accountName": "张三",
                "groupNickname": "群主-张三",
                "roles": [{"id": "owner"}],
            },
            {"platformId": "def456", "accountName": "李四", "aliases": ["老李"]},
        ],
        "messages": messages,
    }


CHATLAB_MESSAGES: list[dict[str, Any]] = [
    {
        "platformMessageId": "m1",
        "sender": "abc123",
        "accountName": "张三",
        "timestamp": 1703001600,
        "type": 0,
        "content": "大家好！",
    },
    {
        "platformMessageId": "m2",
        "sender": "def456",
        "accountName": "李四",
        "groupNickname": "管理员",
        "timestamp": 1703001610,
        "type": 25,
        "content": "收到！",
        "replyToMessageId": "m1",
    },
    {"sender": "def456", "accountName": "李四", "timestamp": 1703001620, "type": 1, "content": "[图片]"},
    {"sender": "def456", "accountName": "李四", "timestamp": 1703001625, "type": 4, "content": "报告.pdf"},
    {
        "sender": "sys",
        "accountName": "系统",
        "timestamp": 1703001630,
        "type": 80,
        "content": '"王五"加入了群聊',
    },
    {
        "sender": "abc123",
        "accountName": "张三",
        "timestamp": 1703001640,
        "type": 81,
        "content": "张三撤回了一条消息",
    },
    {"sender": "abc123", "accountName": "张三", "timestamp": 1703001650, "type": 20, "content": "[红包]"},
]


def test_chatlab_json(tmp_path: Path) -> None:
    path = tmp_path / "group.json"
    path.write_text(json.dumps(chatlab_doc(CHATLAB_MESSAGES), ensure_ascii=False), encoding="utf-8")
    assert REGISTRY.detect(path) is chatlab.SOURCE
    parsed = parse(chatlab.SOURCE, path)
    assert [(g.platform, g.id, g.title) for g in parsed.groups] == [("wechat", ROOM, "技术交流群")]
    assert [
        (m.platform, m.author_id, m.author_name, m.kind, m.text, m.reply_to) for m in parsed.messages
    ] == [
        ("wechat", "abc123", "群主-张三", Kind.TEXT, "大家好！", None),
        ("wechat", "def456", "管理员", Kind.TEXT, "收到！", "m1"),
        ("wechat", "def456", "李四", Kind.MEDIA, "", None),
        ("wechat", "def456", "李四", Kind.MEDIA, "报告.pdf", None),
        ("wechat", "sys", "系统", Kind.JOIN, '"王五"加入了群聊', None),
        ("wechat", "abc123", "群主-张三", Kind.SERVICE, "张三撤回了一条消息", None),
        ("wechat", "abc123", "群主-张三", Kind.SERVICE, "[红包]", None),
    ]
    assert [m.attachments for m in parsed.messages[2:4]] == [(Attachment("photo"),), (Attachment("file"),)]
    assert parsed.messages[0].timestamp == datetime(2023, 12, 19, 16, 0, tzinfo=UTC)
    assert parsed.messages[0].id == "m1" and len({m.id for m in parsed.messages}) == 7


def test_chatlab_jsonl(tmp_path: Path) -> None:
    doc = chatlab_doc(CHATLAB_MESSAGES, platform="qq", groupId="")
    lines = [
        {"_type": "header", "chatlab": doc["chatlab"], "meta": doc["meta"]},
        *({"_type": "member", **member} for member in doc["members"]),
        *({"_type": "message", **message} for message in CHATLAB_MESSAGES),
    ]
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    path = tmp_path / "group.jsonl"
    path.write_text("# exported for a test\n" + text + "\n", encoding="utf-8")
    assert REGISTRY.detect(path) is chatlab.SOURCE
    parsed = parse(chatlab.SOURCE, path)
    assert [(g.platform, g.id) for g in parsed.groups] == [("qq", "技术交流群")]
    assert len(parsed.messages) == 7 and parsed.replies == 1 and parsed.warnings == ()
    assert parsed.messages[0].author_name == "群主-张三"


def test_chatlab_sniff_is_specific(tmp_path: Path) -> None:
    path = tmp_path / "group.json"
    path.write_text(json.dumps(chatlab_doc(CHATLAB_MESSAGES), indent=2), encoding="utf-8")
    head = read_head(path)
    assert chatlab.sniff(head, path)
    assert not telegram.sniff(head, path) and not generic.SOURCE.sniff(head, path)
    tg = tmp_path / "result.json"
    tg.write_text(
        json.dumps({"name": "x", "type": "private_group", "id": 1, "messages": []}), encoding="utf-8"
    )
    assert not chatlab.sniff(read_head(tg), tg)
    jsonl = tmp_path / "records.jsonl"
    jsonl.write_text('{"timestamp": 1, "author": "a", "text": "b"}\n', encoding="utf-8")
    assert not chatlab.sniff(read_head(jsonl), jsonl)


def test_chatlab_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "group.json"
    for content, reason in [
        (b"", "empty file"),
        (json.dumps(chatlab_doc(CHATLAB_MESSAGES)).encode()[:-40], "truncated"),
        (b'{"chatlab": {"version": "0.0.2"}, "x": ' + nested_json(100_000) + b"}", "nested deeper"),
        (b'{"chatlab": {"version": "0.0.2"}, "meta": {"name": "x"}}', 'no "messages" list'),
        (b'{"chatlab": {"version": "0.0.2"}, "meta": "x", "messages": []}', 'no "meta" object'),
        ('{"chatlab": {"version": "0.0.2"}, "meta": {"name": "你好"}}'.encode("gbk"), "UTF-8"),
    ]:
        path.write_bytes(content)
        with pytest.raises(InputError, match=reason):
            parse(chatlab.SOURCE, path)


def test_chatlab_bad_records_are_reported(tmp_path: Path) -> None:
    records = [
        CHATLAB_MESSAGES[0],
        {"sender": "abc123", "timestamp": "yesterday", "type": 0, "content": "x"},
        {"timestamp": 1703001600, "type": 0, "content": "no sender"},
        {"sender": "abc123", "timestamp": 1703001601, "type": 0, "content": {"rich": "text"}},
        "not an object",
        CHATLAB_MESSAGES[1],
    ]
    path = tmp_path / "group.json"
    path.write_text(json.dumps(chatlab_doc(records)), encoding="utf-8")
    parsed = parse(chatlab.SOURCE, path)
    assert [m.id for m in parsed.messages] == ["m1", "m2"]
    assert [where for where, _ in parsed.warnings] == ["message 1", "message 2", "message 3", "message 4"]


def test_chatlab_jsonl_bad_lines(tmp_path: Path) -> None:
    header = json.dumps(
        {"_type": "header", "chatlab": {"version": "0.0.2"}, "meta": {"name": "群", "platform": "qq"}}
    )
    good = json.dumps(
        {"_type": "message", "sender": "1", "timestamp": 1703001600, "type": 0, "content": "ok"}
    )
    big = json.dumps(
        {"_type": "message", "sender": "2", "timestamp": 1703001601, "type": 0, "content": "z" * FIFTY_MB}
    )
    path = tmp_path / "group.jsonl"
    path.write_text(
        "\n".join([header, good, "{broken", nested_json(5000).decode(), '{"_type": "poll"}', big, good[:-9]]),
        encoding="utf-8",
    )
    started = time.perf_counter()
    parsed = parse(chatlab.SOURCE, path)
    assert time.perf_counter() - started < 30
    assert [len(m.text) for m in parsed.messages] == [2, FIFTY_MB]
    assert [where for where, _ in parsed.warnings] == ["line 3", "line 4", "line 5", "line 7"]
    assert "nested deeper" in parsed.warnings[1][1]
    path.write_text(good + "\n" + header + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="must be its header"):
        parse(chatlab.SOURCE, path)
    path.write_text("\n# only a comment\n", encoding="utf-8")
    with pytest.raises(InputError, match="no ChatLab header"):
        parse(chatlab.SOURCE, path)
