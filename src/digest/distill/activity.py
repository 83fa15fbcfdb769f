"""Activity over time: messages per member per ISO week, and when each member arrived.

Weeks are ISO weeks in UTC (Monday to Sunday), named like ``2026-W37``; the week of the
newest message is "this week", so every build of the same data agrees.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def week_of(moment: datetime | date) -> date:
    """The Monday of the ISO week that holds ``moment`` (a UTC datetime, or a date)."""
    day = moment.astimezone(UTC).date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def week_label(monday: date) -> str:
    """``2026-W37``: the ISO week's name (also the weekly digest's file name)."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(monday: date) -> datetime:
    """Midnight UTC at the start of the week."""
    return datetime.combine(monday, time(0), tzinfo=UTC)


def weeks_between(first: date, last: date) -> list[date]:
    """Every Monday from the week of ``first`` to the week of ``last``."""
    monday, end = week_of(first), week_of(last)
    out: list[date] = []
    while monday <= end:
        out.append(monday)
        monday += timedelta(days=7)
    return out
