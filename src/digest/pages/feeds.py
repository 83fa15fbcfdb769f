"""Atom feeds: ``feed.xml`` (weekly digests) and ``qa.xml`` (new Q&A).

Built with ``xml.etree.ElementTree``, which escapes every text and attribute; characters
that XML 1.0 cannot hold are dropped first. Every timestamp comes from the data (a week's
newest moment, a question's time), never from the clock, so the same inputs give the same
bytes.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from digest.i18n import strings
from digest.pages.templates import builtin_templates

if TYPE_CHECKING:
    from digest.pages.site import SiteModel

ATOM = "http://www.w3.org/2005/Atom"
DIGESTS_FEED = "feed.xml"
QA_FEED = "qa.xml"
_NOT_XML = re.compile(r"[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SUMMARY_CHARS = 600
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    link: str
    updated: datetime
    summary: str = ""
    author: str = ""


def clean(text: str) -> str:
    """Text XML 1.0 can hold (control characters and lone surrogates dropped)."""
    return _NOT_XML.sub("", text)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(title: str, feed_id: str, self_link: str, site_link: str, entries: Sequence[Entry]) -> str:
    """One Atom 1.0 document."""
    feed = ET.Element("feed", {"xmlns": ATOM})
    ET.SubElement(feed, "id").text = clean(feed_id)
    ET.SubElement(feed, "title").text = clean(title)
    ET.SubElement(feed, "updated").text = stamp(max((e.updated for e in entries), default=EPOCH))
    ET.SubElement(feed, "link", {"rel": "self", "href": clean(self_link)})
    ET.SubElement(feed, "link", {"rel": "alternate", "href": clean(site_link)})
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = clean(title)
    ET.SubElement(feed, "generator").text = "digest"
    for e in entries:
        item = ET.SubElement(feed, "entry")
        ET.SubElement(item, "id").text = clean(e.id)
        ET.SubElement(item, "title").text = clean(e.title)
        ET.SubElement(item, "link", {"rel": "alternate", "href": clean(e.link)})
        ET.SubElement(item, "updated").text = stamp(e.updated)
        if e.author:
            ET.SubElement(ET.SubElement(item, "author"), "name").text = clean(e.author)
        if e.summary:
            ET.SubElement(item, "summary", {"type": "text"}).text = clean(e.summary)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


class Links:
    """Absolute links when the site has a ``site_url``, else links relative to the site root."""

    def __init__(self, site_url: str, url_of: Callable[[str], str]) -> None:
        self.base = site_url.rstrip("/") + "/" if site_url else ""
        self.url_of = url_of

    def page(self, uri: str) -> str:
        return self.base + self.url_of(uri)

    def file(self, path: str) -> str:
        return self.base + path

    def id(self, uri: str) -> str:
        return self.page(uri) if self.base else f"urn:digest:{self.url_of(uri)}"


def digests_feed(model: SiteModel, links: Links, scrub: Callable[[str], str], site_name: str) -> str:
    """The newest weekly digests, newest first."""
    ui = strings(model.settings.language)
    community = model.community()
    entries: list[Entry] = []
    for monday in reversed(
        community.weeks()[-model.settings.feed_size :] if model.settings.feed_size else []
    ):
        week = community.week(monday)
        summary = ui["digest_summary"].format(
            messages=week.messages, questions=week.asked, members=len(week.newcomers)
        )
        if week.qas:
            summary += " " + "; ".join(q.title for q in week.qas)
        entries.append(
            Entry(
                id=links.id(week.uri),
                title=ui["digest_title"].format(week=week.label),
                link=links.page(week.uri),
                updated=week.updated,
                summary=scrub(summary),
            )
        )
    title = ui["feed_digests"].format(site=site_name)
    return atom(
        title, links.id("digests/index.md"), links.file(DIGESTS_FEED), links.page("digests/index.md"), entries
    )


def qa_feed(model: SiteModel, links: Links, scrub: Callable[[str], str], site_name: str) -> str:
    """The newest Q&A on the site, newest first."""
    ui = strings(model.settings.language)
    questions = {qa.id: qa for qa in model.knowledge.qas}
    dated = [q for q in model.qas if q.asked_at is not None]
    newest = sorted(dated, key=lambda q: (q.asked_at or EPOCH, q.id), reverse=True)[
        : model.settings.feed_size
    ]
    entries: list[Entry] = []
    for entry in newest:
        qa = questions.get(entry.id)
        text = qa.question.text if qa is not None else entry.title
        asker = model.members.get(entry.asker)
        entries.append(
            Entry(
                id=links.id(entry.uri),
                title=scrub(entry.title),
                link=links.page(entry.uri),
                updated=entry.asked_at or EPOCH,
                summary=scrub(text[:SUMMARY_CHARS]),
                author=scrub(asker.name) if asker is not None else "",
            )
        )
    title = ui["feed_qa"].format(site=site_name)
    index = f"{model.settings.qa_dir}/index.md"
    return atom(title, links.id(index), links.file(QA_FEED), links.page(index), entries)


PEOPLE_JS = "assets/digest/people-filter.js"
"""The directory's filter script, added to ``extra_javascript`` (loads nothing, works offline)."""


def people_js(folder: Path | None = None) -> str:
    """The filter script: the community's ``site_templates/assets/`` copy, else digest's own."""
    for base in (folder, builtin_templates()):
        if base is not None and (base / "assets" / "people-filter.js").is_file():
            return (base / "assets" / "people-filter.js").read_text(encoding="utf-8")
    raise FileNotFoundError("people-filter.js")  # pragma: no cover - shipped with digest


def site_files(
    model: SiteModel,
    url_of: Callable[[str], str],
    site_url: str,
    site_name: str,
    scrub: Callable[[str], str],
    templates: Path | None = None,
) -> list[tuple[str, str]]:
    """The files the site gets besides its pages: both feeds and the directory's script."""
    links = Links(site_url, url_of)
    return [
        (DIGESTS_FEED, digests_feed(model, links, scrub, site_name)),
        (QA_FEED, qa_feed(model, links, scrub, site_name)),
        (PEOPLE_JS, people_js(templates)),
    ]


def discovery_links(page_url: str, site_url: str, site_name: str, language: str) -> str:
    """``<link rel="alternate">`` tags that let feed readers find both feeds from any page
    (absolute with a ``site_url``, so they hold on the 404 page too)."""
    ui = strings(language)
    up = site_url.rstrip("/") + "/" if site_url else "../" * page_url.count("/")
    tags = []
    for path, key in ((DIGESTS_FEED, "feed_digests"), (QA_FEED, "feed_qa")):
        title = html.escape(clean(ui[key].format(site=site_name)), quote=True)
        tags.append(f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{up}{path}">')
    return "".join(tags)
