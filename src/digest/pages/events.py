"""Community events: curated pages under ``content/events/`` with front matter.

Fields (the same ``digest check`` validates): ``id``, ``title``, ``date`` and ``organisers``
(member ids, as in Q&A front matter) are required; ``end``, ``location``, ``link`` (http(s))
and ``tags`` are optional; ``hidden: true`` leaves an event out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from digest.errors import ContentError
from digest.pages.fields import checked, text, texts
from digest.pages.frontmatter import parse
from digest.pages.schema import EVENTS_DIR, Kind, as_date

EVENT_KEYS = ("id", "title", "date", "organisers", "end", "location", "link", "tags", "hidden")


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    title: str
    date: dt.date
    organisers: tuple[str, ...]
    uri: str  # the event's page, relative to docs_dir
    end: dt.date | None = None
    location: str = ""
    link: str = ""
    tags: tuple[str, ...] = ()


def load_events(docs_dir: Path, members: Collection[str]) -> list[Event]:
    """Every event page, by date; an unknown organiser or a wrong type is a ``ContentError``."""
    events: dict[str, Event] = {}
    for path in sorted((docs_dir / EVENTS_DIR).glob("*.md")):
        doc = parse(path)
        if path.name == "index.md" or not doc.meta:
            continue  # an index or a free page in the folder
        values = checked(doc, Kind.EVENT, EVENT_KEYS)
        if values.get("hidden") is True:
            continue
        organisers = texts(values, "organisers")
        for i, who in enumerate(organisers):
            if who not in members:
                line = doc.lines.get(f"organisers[{i}]", doc.lines.get("organisers", 1))
                raise ContentError(path, line, f"unknown member {who!r} in 'organisers' (use a member's id)")
        event_id = str(values["id"])
        if event_id in events:
            raise ContentError(path, doc.lines.get("id", 1), f"event id {event_id!r} is already used")
        day = as_date(values["date"])
        if day is None:  # pragma: no cover - checked() accepts only dates
            raise ContentError(path, doc.lines.get("date", 1), "'date' should be a date (YYYY-MM-DD)")
        events[event_id] = Event(
            id=event_id,
            title=text(values, "title"),
            date=day,
            organisers=organisers,
            uri=path.relative_to(docs_dir).as_posix(),
            end=as_date(values.get("end")),
            location=text(values, "location"),
            link=text(values, "link"),
            tags=texts(values, "tags"),
        )
    return sorted(events.values(), key=lambda e: (e.date, e.id))
