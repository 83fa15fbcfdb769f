"""Telegram Desktop HTML export: the sample, a synthesized multi-page export, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from importer_helpers import FIFTY_MB, parse, store_stats

from digest.errors import InputError
from digest.model import Attachment, Kind, Reaction
from digest.pipeline import expand
from digest.sources import REGISTRY, telegram_html
from digest.sources.base import read_head

TEHRAN = timezone(timedelta(hours=3, minutes=30))
HEADER = """<!DOCTYPE html>
<html>
 <head>
  <meta charset="utf-8"/>
  <title>Exported Data</title>
  <link href="css/style.css" rel="stylesheet"/>
  <script src="js/script.js" type="text/javascript"></script>
 </head>
 <body onload="CheckLocation();">
  <div class="page_wrap">
   <div class="page_header">
    <div class="content">
     <div class="text bold">
Python &amp; Data Study Group
     </div>
    </div>
   </div>
   <div class="page_body chat_page">
    <div class="history">
"""
FOOTER = """
    </div>
   </div>
  </div>
 </body>
</html>
"""


def row(
    mid: int, body: str, *, date: str = "14.05.2023 16:43:57 UTC+03:30", name: str | None = "Alice"
) -> str:
    """One ``div.message.default`` row as Telegram Desktop writes it."""
    joined = " joined" if name is None else ""
    sender = f'<div class="from_name">\n{name}\n       </div>' if name is not None else ""
    return f"""
     <div class="message default clearfix{joined}" id="message{mid}">
      <div class="pull_left userpic_wrap">
       <div class="userpic userpic2"><div class="initials">A</div></div>
      </div>
      <div class="body">
       <div class="pull_right date details" title="{date}">16:43</div>
       {sender}
       {body}
      </div>
     </div>"""


def service(mid: int, text: str) -> str:
    return f"""
     <div class="message service" id="message{mid}">
      <div class="body details">
{text}
      </div>
     </div>"""


PAGE_1 = (
    HEADER
    + service(-1, "14 May 2023")
    + service(10, "Alice created group «Python &amp; Data Study Group»")
    + row(
        11,
        '<div class="text">\nHow do I read a CSV with <a href="https://pandas.pydata.org/">pandas</a>?<br>Thanks!\n</div>',
    )
    + row(12, '<div class="text">\nAlso: 1 &lt; 2 &amp; 3 &gt; 2\n</div>', name=None)
    + service(13, "Bob joined group by link from Alice")
    + row(
        14,
        '<div class="reply_to details">In reply to '
        '<a href="#go_to_message11" onclick="return GoToMessage(11)">this message</a></div>'
        '<div class="text">\nUse pd.read_csv("file.csv").\n</div>'
        '<span class="reactions"><span class="reaction"><span class="emoji">👍</span>'
        '<span class="count">3</span></span><span class="reaction"><span class="emoji">❤</span>'
        '<div class="userpic userpic1" title="Alice">'
        '</div><div class="userpic userpic3" title="Carol"></div></span></span>',
        name="Bob",
        date="14.05.2023 16:50:01 UTC+03:30\nEdited: 14.05.2023 16:52:00 UTC+03:30",
    )
    + FOOTER
)
PAGE_2 = (
    HEADER
    + '<a class="pagination block_link" href="messages.html">Previous messages</a>'
    + service(-2, "15 May 2023")
    + row(
        21,
        '<div class="forwarded body"><div class="from_name">Pandas Tips<span class="date details" '
        'title="01.05.2023 09:00:00 UTC+03:30"> 01.05.2023 09:00:00</span></div>'
        '<div class="text">\nread_csv has a chunksize argument.\n</div></div>',
        name="Carol",
        date="15.05.2023 10:00:00 UTC+03:30",
    )
    + row(
        22,
        '<div class="reply_to details">In reply to <a href="messages.html#go_to_message14" '
        'onclick="return GoToMessage(14)">this message</a></div><div class="media_wrap clearfix">'
        '<a class="media_clip clearfix pull_left block_link media_voice_message" '
        'href="voice_messages/audio_1.ogg">'
        '<div class="fill pull_left"></div><div class="body"><div class="title bold">Voice message</div>'
        '<div class="status details">00:12, 20.1 KB</div></div></a></div>',
        name=None,
        date="15.05.2023 10:01:00 UTC+03:30",
    )
    + row(
        23,
        '<div class="media_wrap clearfix"><a class="media_clip clearfix pull_left block_link media_file" '
        'href="files/notes.pdf"><div class="body"><div class="title bold">notes.pdf</div></div></a></div>'
        '<div class="text">\nMy notes\n</div>',
        name="Dan",
        date="15.05.2023 10:02:00",
    )
    + row(
        24,
        '<div class="media_wrap clearfix"><a class="sticker_wrap clearfix pull_left" href="stickers/s.webp">'
        '<img class="sticker" src="stickers/s.webp_thumb.jpg"/></a></div>',
        name="Dan",
        date="15.05.2023 10:03:00 UTC-05:00",
    )
    + FOOTER
)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    folder = tmp_path / "ChatExport_2023-05-15"
    folder.mkdir()
    (folder / "messages.html").write_text(PAGE_1, encoding="utf-8")
    (folder / "messages2.html").write_text(PAGE_2, encoding="utf-8")
    (folder / "css").mkdir()
    return folder


# -- the sample ------------------------------------------------------------------------------


def test_sample(samples: Path, tmp_path: Path) -> None:
    # No license found: read in place. Counted by hand in the raw HTML (grep): 2 rows with
    # class "message default" (ids 1001 and 1002, from_name Alice and Bob), 1 service row
    # (id message-1, a date separator, not a message), 1 GoToMessage link (1002 -> 1001).
    folder = samples / "telegram_html"
    assert REGISTRY.detect(folder).name == "telegram-html"
    assert REGISTRY.detect(folder / "messages.html").name == "telegram-html"
    parsed = parse(telegram_html.SOURCE, folder)
    assert len(parsed.messages) == 2
    assert parsed.members == parsed.people == {"name:Alice", "name:Bob"}
    assert parsed.replies == 1
    assert parsed.warnings == ()
    alice, bob = parsed.messages
    assert (alice.id, alice.text, alice.timestamp) == (
        "1001",
        "Hello archive",
        datetime(2023, 5, 14, 16, 43, 57, tzinfo=TEHRAN),
    )
    assert alice.timestamp.utcoffset() == timedelta(hours=3, minutes=30)
    assert (bob.id, bob.reply_to, bob.text, bob.kind) == ("1002", "1001", "Reply with photo", Kind.TEXT)
    assert bob.attachments == (Attachment("photo", "photo_1.jpg"),)
    assert bob.reactions == (Reaction("👍", 2),)
    stats = store_stats(telegram_html.SOURCE, folder, tmp_path / "s.sqlite")
    assert [(s.parsed, s.members, s.replies) for s in stats] == [(2, 2, 1)]


# -- a synthesized two-page export -----------------------------------------------------------


def test_folder_is_one_export(export: Path) -> None:
    assert telegram_html.sniff(b"", export)
    assert list(expand([export.parent])) == [export]
    assert [p.name for p in telegram_html.pages(export)] == ["messages.html", "messages2.html"]


def test_two_pages(export: Path) -> None:
    parsed = parse(telegram_html.SOURCE, export)
    (group,) = parsed.groups
    assert group.title == "Python & Data Study Group"
    assert group.id.startswith("html-")
    assert parsed.warnings == ()
    got = parsed.by_id()
    assert list(got) == ["10", "11", "12", "13", "14", "21", "22", "23", "24"]
    created = got["10"]
    assert (created.kind, created.author_id, created.timestamp) == (
        Kind.SERVICE,
        "",
        datetime(2023, 5, 14, tzinfo=UTC),  # from the date separator before it
    )
    assert got["11"].text == "How do I read a CSV with pandas (https://pandas.pydata.org/)?\nThanks!"
    assert (got["12"].author_name, got["12"].text) == ("Alice", "Also: 1 < 2 & 3 > 2")  # joined row
    joined = got["13"]
    assert (joined.kind, joined.timestamp) == (Kind.JOIN, got["12"].timestamp)
    answer = got["14"]
    assert (answer.author_id, answer.reply_to) == ("name:Bob", "11")
    assert answer.edited == datetime(2023, 5, 14, 16, 52, tzinfo=TEHRAN)
    assert answer.reactions == (Reaction("👍", 3), Reaction("❤", 2))
    forwarded = got["21"]
    assert (forwarded.author_name, forwarded.forwarded_from, forwarded.text) == (
        "Carol",
        "Pandas Tips",
        "read_csv has a chunksize argument.",
    )
    assert forwarded.timestamp == datetime(2023, 5, 15, 10, 0, tzinfo=TEHRAN)  # not the forwarded date
    voice = got["22"]
    assert (voice.author_name, voice.reply_to, voice.kind) == ("Carol", "14", Kind.MEDIA)  # across pages
    assert voice.attachments == (Attachment("voice", "Voice message"),)
    assert got["23"].attachments == (Attachment("file", "notes.pdf"),)
    assert got["23"].timestamp == datetime(2023, 5, 15, 10, 2, tzinfo=UTC)  # no offset written: UTC
    assert (got["24"].kind, got["24"].attachments) == (Kind.MEDIA, (Attachment("sticker", "s.webp"),))
    assert got["24"].timestamp.utcoffset() == timedelta(hours=-5)
    assert parsed.members == {"", "name:Alice", "name:Bob", "name:Carol", "name:Dan"}
    assert parsed.replies == 2


def test_single_page_and_stable_group(export: Path) -> None:
    whole = parse(telegram_html.SOURCE, export)
    page = parse(telegram_html.SOURCE, export / "messages2.html")
    assert page.groups == whole.groups  # same title, same group: overlapping exports meet
    assert [m.id for m in page.messages] == ["21", "22", "23", "24"]


def test_detection_does_not_claim_other_html(tmp_path: Path) -> None:
    other = tmp_path / "page.html"
    other.write_text("<html><body><div class='content'>hello</div></body></html>")
    assert not telegram_html.sniff(read_head(other), other)
    assert not telegram_html.sniff(b'{"messages": []}', tmp_path / "result.json")
    assert not telegram_html.sniff(b"", tmp_path)


# -- bad input -------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "messages.html").write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        parse(telegram_html.SOURCE, tmp_path / "messages.html")


def test_folder_without_pages(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no messages\.html in this folder"):
        parse(telegram_html.SOURCE, tmp_path)


def test_not_telegram_html(tmp_path: Path) -> None:
    (tmp_path / "messages.html").write_text("<html><body>hello</body></html>")
    with pytest.raises(InputError, match="not a Telegram HTML export"):
        parse(telegram_html.SOURCE, tmp_path / "messages.html")


def test_truncated_file(tmp_path: Path) -> None:
    page = tmp_path / "messages.html"
    page.write_text(PAGE_1[: PAGE_1.index('id="message14"') + 200], encoding="utf-8")
    parsed = parse(telegram_html.SOURCE, page)
    assert [m.id for m in parsed.messages] == ["10", "11", "12", "13"]
    assert parsed.warnings == (
        ("messages.html, message 14", "the page ends inside this message (truncated?)"),
    )


def test_wrong_encoding(tmp_path: Path) -> None:
    page = tmp_path / "messages.html"
    page.write_bytes(PAGE_1.replace("Thanks!", "Merci, très bien").encode("latin-1", "replace"))
    with pytest.raises(InputError, match="not valid UTF-8"):
        parse(telegram_html.SOURCE, page)


def test_bad_rows_are_skipped_with_warnings(tmp_path: Path) -> None:
    page = tmp_path / "messages.html"
    body = (
        row(1, '<div class="text">orphan</div>', name=None)
        + row(2, '<div class="text">no date</div>', date="yesterday")
        + row(3, '<div class="text">fine</div>')
        + service(4, "Alice pinned a message")
    )
    page.write_text(HEADER + body + FOOTER, encoding="utf-8")
    parsed = parse(telegram_html.SOURCE, page)
    assert [m.id for m in parsed.messages] == ["3", "4"]
    assert parsed.warnings == (
        ("messages.html, message 1", "no sender, and no earlier message to take it from: skipped"),
        ("messages.html, message 2", "no readable date (title 'yesterday'): skipped"),
    )


def test_service_row_with_no_date_anywhere(tmp_path: Path) -> None:
    page = tmp_path / "messages.html"
    page.write_text(HEADER + service(5, "Alice created group") + FOOTER, encoding="utf-8")
    parsed = parse(telegram_html.SOURCE, page)
    assert parsed.messages == ()
    assert parsed.warnings == (
        ("message 5", "service message with no date anywhere before or after it: skipped"),
    )


def test_fifty_megabyte_message(tmp_path: Path) -> None:
    page = tmp_path / "messages.html"
    page.write_text(HEADER + row(1, f'<div class="text">{"y" * FIFTY_MB}</div>') + FOOTER, encoding="utf-8")
    (message,) = parse(telegram_html.SOURCE, page).messages
    assert len(message.text) == FIFTY_MB


def test_deeply_nested_html(tmp_path: Path) -> None:
    page = tmp_path / "messages.html"
    depth = 50_000
    nested = "<span>" * depth + "deep" + "</span>" * depth
    page.write_text(
        HEADER + row(1, f'<div class="text">{nested}</div>') + row(2, "") + FOOTER, encoding="utf-8"
    )
    parsed = parse(telegram_html.SOURCE, page)
    assert [(m.id, m.text) for m in parsed.messages] == [("1", "deep"), ("2", "")]


def test_markup_html_parser_chokes_on(tmp_path: Path) -> None:
    """``<![`` makes html.parser assert; Telegram never writes it, so it is read as text."""
    page = tmp_path / "messages.html"
    page.write_text(HEADER + row(1, '<div class="text">see <![if x]> and <![CDATA[y]]></div>') + FOOTER)
    (message,) = parse(telegram_html.SOURCE, page).messages
    assert message.text == "see <![if x]> and <![CDATA[y]]>"
