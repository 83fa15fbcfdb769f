"""WhatsApp .txt exports: the shared samples, every header layout, system and media lines, bad input."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from importer_helpers import FIFTY_MB, parse

from digest.errors import InputError
from digest.model import Attachment, Kind
from digest.pipeline import import_file
from digest.sources import REGISTRY, whatsapp
from digest.sources.base import read_head, stable_id
from digest.store import open_store


def write(tmp_path: Path, text: str, name: str = "chat.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def kinds(path: Path) -> Counter[str]:
    return Counter(m.kind.value for m in parse(whatsapp.SOURCE, path).messages)


# -- the shared samples (GPL or no license: read from ../shared/samples, never copied) ------


def test_pokemon_sample(samples: Path) -> None:
    # Counted by hand: 20 header lines `dd.mm.yyyy, hh:mm - ` (grep -c), of which line 1 is the
    # encryption notice "sent" by the group name and line 2 the one without a sender; the other 18
    # are "Name: text" lines by 8 people (sort | uniq -c on the names). No replies in the format.
    path = samples / "whatsapp" / "pokemon.txt"
    assert REGISTRY.detect(path) is whatsapp.SOURCE
    parsed = parse(whatsapp.SOURCE, path)
    assert parsed.warnings == ()
    assert [(g.id, g.title) for g in parsed.groups] == [("pokemon-chat", "Pokemon Chat")]
    assert len(parsed.messages) == 20
    assert Counter(m.kind for m in parsed.messages) == {Kind.TEXT: 18, Kind.SERVICE: 2}
    people = {m.author_id for m in parsed.messages if m.kind is Kind.TEXT}
    assert len(people) == 8 and "name:Jessie & James" in people
    assert parsed.replies == 0
    notice = parsed.messages[0]
    assert (notice.author_id, notice.kind) == ("", Kind.SERVICE)  # not a member called "Pokemon Chat"
    first = parsed.messages[2]
    assert (first.timestamp, first.author_name, first.text) == (
        datetime(2016, 8, 6, 13, 23, tzinfo=UTC),
        "Ash Ketchum",
        "Hey guys!",
    )
    assert parsed.messages[-1].timestamp == datetime(2016, 10, 31, 12, 23, tzinfo=UTC)  # day-first


def test_sample_chat(samples: Path) -> None:
    # Counted by hand: 38 lines, each a `M/D/YY, H:MM AM - Name: text` header (wc -l = grep -c = 38);
    # senders Sarah 16, Mike 12, Alex 10 (sed + sort | uniq -c); no multi-line messages, no replies.
    path = samples / "whatsapp" / "sample_chat.txt"
    parsed = parse(whatsapp.SOURCE, path)
    assert len(parsed.messages) == 38 and parsed.warnings == ()
    assert Counter(m.author_name for m in parsed.messages) == {"Sarah": 16, "Mike": 12, "Alex": 10}
    assert {m.kind for m in parsed.messages} == {Kind.TEXT}
    assert parsed.replies == 0
    # "11/10/24" with AM/PM and no day above 12 anywhere: US month-first, 10 November 2024.
    assert parsed.messages[0].timestamp == datetime(2024, 11, 10, 9, 15, tzinfo=UTC)
    assert parsed.messages[-1].timestamp == datetime(2024, 11, 10, 11, 28, tzinfo=UTC)
    assert (
        parsed.messages[17].text
        == "Most are in the $99-$149/month range. We were thinking $129, which puts us right in the middle"
    )


def test_chinese_ios_sample(samples: Path) -> None:
    # Counted by hand: 1816 lines; 1731 start with "[2022/" and 57 with U+200E then "[2022/":
    # 1788 headers (grep -c), the other 28 lines continue multi-line messages. Senders by grep:
    # Sunaya 939, Eric Gao 849. Media: 53 `<附件：…>` (50 PHOTO, 1 STICKER, 1 GIF, 1 pdf with a
    # "24页" caption), 4 视频已忽略, 1 位置: → 58; system: 4 这条消息已被删除。 + 2 未接语音通话 → 6.
    path = samples / "whatsapp" / "eg_su_short.txt"
    parsed = parse(whatsapp.SOURCE, path)
    assert parsed.warnings == ()
    assert len(parsed.messages) == 1788
    assert Counter(m.author_name for m in parsed.messages) == {"Sunaya": 939, "Eric Gao": 849}
    assert Counter(m.kind for m in parsed.messages) == {Kind.TEXT: 1724, Kind.MEDIA: 58, Kind.SERVICE: 6}
    attached = Counter(a.kind for m in parsed.messages for a in m.attachments)
    assert attached == {"photo": 50, "video": 4, "location": 1, "sticker": 1, "animation": 1, "file": 1}
    assert parsed.replies == 0
    assert len({m.id for m in parsed.messages}) == 1788
    by_time = {m.timestamp: m for m in parsed.messages}
    pdf = by_time[datetime(2022, 9, 3, 2, 9, 46, tzinfo=UTC)]
    assert pdf.text == "21-241 Test 1 Notes.pdf • 24页"
    assert pdf.attachments == (Attachment("file", "00000632-21-241 Test 1 Notes.pdf"),)
    email = by_time[datetime(2022, 8, 4, 4, 13, 29, tzinfo=UTC)]
    assert email.text.startswith("Hi all,\n\nI understand you have a conflict")
    assert email.text.count("\n") >= 10
    assert by_time[datetime(2022, 7, 29, 2, 20, 22, tzinfo=UTC)].text == "这条消息已被删除。"
    assert not any("\u200e" in m.text for m in parsed.messages)


def test_overlapping_halves_store_the_union_once(samples: Path, tmp_path: Path) -> None:
    lines = (samples / "whatsapp" / "sample_chat.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "a" / "sample_chat.txt", tmp_path / "b" / "sample_chat.txt"
    for path, part in ((first, lines[:25]), (second, lines[15:])):  # lines 16-25 are in both
        path.parent.mkdir()
        path.write_text("".join(part), encoding="utf-8")
    whole = parse(whatsapp.SOURCE, samples / "whatsapp" / "sample_chat.txt").messages
    with open_store(tmp_path / "s.sqlite") as store:
        one = import_file(store, first)
        two = import_file(store, second)
        stored = list(store.messages())
    assert (one.format, one.new, two.new, two.parsed - two.new) == ("whatsapp", 25, 13, 10)
    assert len(stored) == 38
    assert sorted(m.id for m in stored) == sorted(m.id for m in whole)
    assert {(m.timestamp, m.author_id, m.text) for m in stored} == {
        (m.timestamp, m.author_id, m.text) for m in whole
    }


# -- header layouts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "when", "author", "text"),
    [
        ("[21/07/2022, 05:11:12] Ann: hi", datetime(2022, 7, 21, 5, 11, 12), "Ann", "hi"),
        ("[2022/7/21 05:11:12] Eric Gao: hi", datetime(2022, 7, 21, 5, 11, 12), "Eric Gao", "hi"),
        ("11/10/24, 9:15 AM - Sarah: hi", datetime(2024, 11, 10, 9, 15), "Sarah", "hi"),
        ("11/10/24, 9:15\u202fPM - Sarah: hi", datetime(2024, 11, 10, 21, 15), "Sarah", "hi"),
        ("[1/2/23, 12:05:09\u202fAM] Bo: hi", datetime(2023, 1, 2, 0, 5, 9), "Bo", "hi"),
        ("06.08.2016, 13:23 - Ash Ketchum: Hey", datetime(2016, 8, 6, 13, 23), "Ash Ketchum", "Hey"),
        ("2023/1/2 下午3:04 - 名字: 消息", datetime(2023, 1, 2, 15, 4), "名字", "消息"),
        ("2023/1/2 上午12:30 - 名字: 早", datetime(2023, 1, 2, 0, 30), "名字", "早"),
        ("2023/1/2 中午12:30 - 名字: 午饭", datetime(2023, 1, 2, 12, 30), "名字", "午饭"),
        ("[2023/1/2 下午3:04:05] 名字: 消息", datetime(2023, 1, 2, 15, 4, 5), "名字", "消息"),
        ("2023-01-02 15:04 - Ann: iso", datetime(2023, 1, 2, 15, 4), "Ann", "iso"),
        ("13/1/2023, 3:04 p. m. - Ana: hola", datetime(2023, 1, 13, 15, 4), "Ana", "hola"),
        ("\u200e[13/01/2023, 10:00:00] Ana: hola", datetime(2023, 1, 13, 10, 0), "Ana", "hola"),
    ],
)
def test_header_layouts(tmp_path: Path, line: str, when: datetime, author: str, text: str) -> None:
    path = write(tmp_path, line + "\n")
    assert whatsapp.sniff(read_head(path), path)
    (message,) = parse(whatsapp.SOURCE, path).messages
    assert (message.timestamp, message.author_name, message.author_id, message.text) == (
        when.replace(tzinfo=UTC),
        author,
        f"name:{author}",
        text,
    )


def test_day_first_decided_by_a_later_line(tmp_path: Path) -> None:
    # The first lines read either way; line 3's "13" can only be a day.
    path = write(
        tmp_path,
        "01/02/2023, 10:00 - Ann: first\n05/02/2023, 10:00 - Bob: second\n13/02/2023, 10:00 - Ann: third\n",
    )
    stamps = [m.timestamp.date().isoformat() for m in parse(whatsapp.SOURCE, path).messages]
    assert stamps == ["2023-02-01", "2023-02-05", "2023-02-13"]


def test_month_first_decided_by_a_later_line(tmp_path: Path) -> None:
    # 24-hour clock with dots would default to day-first; the 13 in second place settles it.
    path = write(
        tmp_path,
        "01.02.2023, 10:00 - Ann: first\n01.05.2023, 10:00 - Bob: second\n01.13.2023, 10:00 - Ann: third\n",
    )
    stamps = [m.timestamp.date().isoformat() for m in parse(whatsapp.SOURCE, path).messages]
    assert stamps == ["2023-01-02", "2023-01-05", "2023-01-13"]


def test_time_order_decides_when_no_day_is_above_twelve(tmp_path: Path) -> None:
    # Day-first: 12 Jan, 1 Feb, 3 Feb (in order); month-first: 1 Dec, 2 Jan, 2 Mar (out of order).
    path = write(
        tmp_path,
        "12/01/2023, 9:00 AM - Ann: a\n01/02/2023, 9:00 AM - Bob: b\n03/02/2023, 9:00 AM - Ann: c\n",
    )
    stamps = [m.timestamp.date().isoformat() for m in parse(whatsapp.SOURCE, path).messages]
    assert stamps == ["2023-01-12", "2023-02-01", "2023-02-03"]


def test_multi_line_messages_and_line_ends(tmp_path: Path) -> None:
    text = (
        "[01/02/2023, 10:00:00] Ann: line one\r\nline two\r\n\r\nline four\r[01/02/2023, 10:01:00] Bob: ok\n"
    )
    path = write(tmp_path, text)
    first, second = parse(whatsapp.SOURCE, path).messages
    assert first.text == "line one\nline two\n\nline four"
    assert second.text == "ok"


# -- system and media lines --------------------------------------------------------------------


def test_system_lines_english_android(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "01/02/2023, 10:00 - Messages and calls are end-to-end encrypted. No one outside of this chat...\n"
        '01/02/2023, 10:01 - Ann created group "Study"\n'
        "01/02/2023, 10:02 - Ann added Bob\n"
        "01/02/2023, 10:03 - Cy joined using this group's invite link\n"
        "01/02/2023, 10:04 - Bob left\n"
        '01/02/2023, 10:05 - Ann changed the subject from "Q: A" to "Study"\n'
        "01/02/2023, 10:06 - Bob: This message was deleted\n"
        "01/02/2023, 10:07 - Bob: Bob joined\n"
        "01/02/2023, 10:08 - Your security code with Cy changed. Tap to learn more.\n",
    )
    messages = parse(whatsapp.SOURCE, path).messages
    assert [(m.kind, m.author_name) for m in messages] == [
        (Kind.SERVICE, ""),
        (Kind.SERVICE, "Ann"),
        (Kind.JOIN, "Ann"),
        (Kind.JOIN, "Cy"),
        (Kind.SERVICE, "Bob"),
        (Kind.SERVICE, "Ann"),
        (Kind.SERVICE, "Bob"),
        (Kind.TEXT, "Bob"),  # Bob *said* "Bob joined": a message, not a system line
        (Kind.SERVICE, ""),
    ]


def test_system_and_media_lines_chinese(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[2023/1/2 15:04:00] 读书会: \u200e消息和通话已进行端到端加密。\n"
        "[2023/1/2 15:05:00] 读书会: \u200e小王通过此群组的邀请链接加入\n"
        "\u200e[2023/1/2 15:06:00] 小王:\u200e这条消息已被删除。\n"
        "\u200e[2023/1/2 15:07:00] 小王:\u200e图片已忽略\n"
        "\u200e[2023/1/2 15:08:00] 小王:\u200e视频已忽略\n"
        "\u200e[2023/1/2 15:09:00] 小王:\u200e<附件：00000012-PHOTO-2023-01-02-15-09-00.jpg>\n"
        "[2023/1/2 15:10:00] 小王: \u200e未接语音通话\n"
        "[2023/1/2 15:11:00] 小王: 大家好\n",
        name="_chat.txt",
    )
    parsed = parse(whatsapp.SOURCE, path)
    assert [(g.id, g.title) for g in parsed.groups] == [("读书会", "读书会")]
    assert [(m.kind, m.author_name, m.attachments) for m in parsed.messages] == [
        (Kind.SERVICE, "", ()),
        (Kind.JOIN, "小王", ()),
        (Kind.SERVICE, "小王", ()),
        (Kind.MEDIA, "小王", (Attachment("photo"),)),
        (Kind.MEDIA, "小王", (Attachment("video"),)),
        (Kind.MEDIA, "小王", (Attachment("photo", "00000012-PHOTO-2023-01-02-15-09-00.jpg"),)),
        (Kind.SERVICE, "小王", ()),
        (Kind.TEXT, "小王", ()),
    ]


def test_ios_chat_name_is_nobody_but_its_members_keep_their_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[02/01/2023, 10:00:00] Alice: \u200eMessages and calls are end-to-end encrypted. No one outside...\n"
        "[02/01/2023, 10:01:00] Alice: \u200eThis message was deleted.\n"
        "[02/01/2023, 10:02:00] Alice: \u200eYou're now an admin\n"
        "[02/01/2023, 10:03:00] Bob: hi\n",
        name="_chat.txt",
    )
    parsed = parse(whatsapp.SOURCE, path)
    assert parsed.groups[0].title == "Alice"  # a one-to-one chat is named after the contact
    assert [(m.kind, m.author_name) for m in parsed.messages] == [
        (Kind.SERVICE, ""),
        (Kind.SERVICE, "Alice"),  # Alice deleted her own message
        (Kind.SERVICE, ""),
        (Kind.TEXT, "Bob"),
    ]


@pytest.mark.parametrize(
    ("body", "attachment", "text"),
    [
        ("<Media omitted>", Attachment("media"), ""),
        ("<省略影音内容>", Attachment("media"), ""),
        ("\u200eimage omitted", Attachment("photo"), ""),
        ("\u200eaudio omitted", Attachment("voice"), ""),
        ("notes.pdf • 3 pages \u200edocument omitted", Attachment("file"), "notes.pdf • 3 pages"),
        ("IMG-20230102-WA0001.jpg (file attached)", Attachment("photo", "IMG-20230102-WA0001.jpg"), ""),
        ("PTT-20230102-WA0002.opus (file attached)", Attachment("voice", "PTT-20230102-WA0002.opus"), ""),
        ("<attached: 00000031-STICKER-2023.webp>", Attachment("sticker", "00000031-STICKER-2023.webp"), ""),
        (
            "location: https://maps.google.com/?q=1,2",
            Attachment("location"),
            "https://maps.google.com/?q=1,2",
        ),
        (
            "\u200e位置: https://maps.google.com/?q=1,2",
            Attachment("location"),
            "https://maps.google.com/?q=1,2",
        ),
    ],
)
def test_media_placeholders(tmp_path: Path, body: str, attachment: Attachment, text: str) -> None:
    path = write(tmp_path, f"01/02/2023, 10:00 - Ann: {body}\n")
    (message,) = parse(whatsapp.SOURCE, path).messages
    assert (message.kind, message.attachments, message.text) == (Kind.MEDIA, (attachment,), text)


def test_media_with_a_caption_on_the_next_line(tmp_path: Path) -> None:
    path = write(tmp_path, "01/02/2023, 10:00 - Ann: IMG-1.jpg (file attached)\nour poster\n")
    (message,) = parse(whatsapp.SOURCE, path).messages
    assert (message.kind, message.text, message.attachments) == (
        Kind.MEDIA,
        "our poster",
        (Attachment("photo", "IMG-1.jpg"),),
    )


# -- groups and ids --------------------------------------------------------------------------------


def test_group_named_after_the_export_file(tmp_path: Path) -> None:
    path = write(tmp_path, "01/02/2023, 10:00 - Ann: hi\n", name="WhatsApp Chat with Team Alpha.txt")
    (group,) = parse(whatsapp.SOURCE, path).groups
    assert (group.platform, group.id, group.title) == ("whatsapp", "team-alpha", "Team Alpha")


def test_ids_are_stable_and_repeats_differ(tmp_path: Path) -> None:
    text = "01/02/2023, 10:00 - Ann: ok\n01/02/2023, 10:00 - Ann: ok\n01/02/2023, 10:01 - Bob: ok\n"
    first = parse(whatsapp.SOURCE, write(tmp_path, text, name="Study.txt")).messages
    (tmp_path / "again").mkdir()
    again = parse(whatsapp.SOURCE, write(tmp_path / "again", text, name="Study.txt")).messages
    assert [m.id for m in first] == [m.id for m in again]
    assert len({m.id for m in first}) == 3
    when = datetime(2023, 2, 1, 10, 0, tzinfo=UTC)
    assert first[0].id == stable_id("study", when, "Ann", "ok", 0)
    assert first[1].id == stable_id("study", when, "Ann", "ok", 1)


def test_sniff_is_specific(tmp_path: Path) -> None:
    signal = write(tmp_path, "[2019-12-24, 12:23] Jane Doe: Hello John!\n", name="signal.txt")
    irc = write(tmp_path, "[12:23] <jane> hello\n", name="irc.txt")
    qq = write(tmp_path, "2023-01-02 12:34:56 小王(123456)\n你好\n", name="qq.txt")
    csv = write(tmp_path, "11/10/24, 9:15 AM - Sarah: hi\n", name="chat.csv")
    for path in (signal, irc, qq, csv):
        assert not whatsapp.sniff(read_head(path), path), path.name


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match="empty file"):
        parse(whatsapp.SOURCE, path)


def test_no_message_lines(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no WhatsApp message lines"):
        parse(whatsapp.SOURCE, write(tmp_path, "just some notes\nnothing else\n"))


def test_truncated_file_keeps_what_is_there(tmp_path: Path) -> None:
    data = "01/02/2023, 10:00 - 小王: 你好\n01/02/2023, 10:01 - 小李: 再见".encode()
    path = tmp_path / "chat.txt"
    path.write_bytes(data[:-2])  # cut inside the last character
    first, second = parse(whatsapp.SOURCE, path).messages
    assert first.text == "你好"
    assert second.text.startswith("再") and second.text.endswith("\ufffd")


def test_gbk_utf16_and_bom_encodings(tmp_path: Path) -> None:
    text = "2023/1/2 下午3:04 - 名字: 消息\r\n第二行\r\n"
    for index, encoding in enumerate(("gbk", "gb18030", "utf-16", "utf-8-sig")):
        path = write(tmp_path, text, name=f"chat{index}.txt", encoding=encoding)
        assert whatsapp.sniff(read_head(path), path), encoding
        (message,) = parse(whatsapp.SOURCE, path).messages
        assert (message.author_name, message.text) == ("名字", "消息\n第二行"), encoding


def test_wrong_encoding_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(b"01/02/2023, 10:00 - Ann: caf\xe9 \x80\xff\n")
    with pytest.raises(InputError, match="UTF-8, UTF-16 or GB18030"):
        parse(whatsapp.SOURCE, path)


def test_a_bad_line_is_reported_and_the_rest_imported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "stray text before anything\n"
        "01/02/2023, 10:00 - Ann: first\n"
        "31/02/2023, 10:01 - Bob: no such day\n"
        "and its second line\n"
        "01/02/2023, 25:00 - Bob: no such hour\n"
        "02/02/2023, 10:02 - Ann: last\n",
    )
    parsed = parse(whatsapp.SOURCE, path)
    assert [m.text for m in parsed.messages] == ["first", "last"]
    assert [where for where, _ in parsed.warnings] == ["line 1", "line 3", "line 5"]
    assert "not a valid day-first date" in parsed.warnings[1][1]


def test_fifty_megabyte_message(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    body = ("word " * 20 + "\n") * (FIFTY_MB // 101)
    path.write_text(
        f"01/02/2023, 10:00 - Ann: start\n{body}01/02/2023, 10:01 - Bob: after\n", encoding="utf-8"
    )
    started = time.perf_counter()
    big, after = parse(whatsapp.SOURCE, path).messages
    assert time.perf_counter() - started < 30
    assert len(big.text) > 49_000_000 and big.text.startswith("start\nword")
    assert after.text == "after"


def test_fifty_megabyte_single_line(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text(f"01/02/2023, 10:00 - Ann: {'x' * FIFTY_MB}\n", encoding="utf-8")
    (message,) = parse(whatsapp.SOURCE, path).messages
    assert len(message.text) == FIFTY_MB and message.author_name == "Ann"
