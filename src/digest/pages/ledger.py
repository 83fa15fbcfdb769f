"""The rewards ledger: each member's points by rule for a period, as CSV or JSON.

Days are whole UTC days: ``since`` counts from its midnight, ``until`` up to the end of its
day. Members without points in the period are left out; rows are ordered by points, then id.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta

from digest.distill.scoring import RULES
from digest.pages.community import LedgerRow
from digest.pages.site import SiteModel

FORMATS = ("csv", "json")


def period(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """[since 00:00 UTC, the day after until 00:00 UTC)."""
    start = datetime.combine(since, time(0), tzinfo=UTC) if since else None
    end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=UTC) if until else None
    return start, end


def ledger_rows(model: SiteModel, since: date | None, until: date | None) -> list[LedgerRow]:
    return model.community().ledger(*period(since, until))


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def as_csv(rows: Sequence[LedgerRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["member_id", "name", *RULES, "total"])
    for row in rows:
        writer.writerow([row.member_id, row.name, *(_number(p) for _r, p in row.points), _number(row.total)])
    return out.getvalue()


def as_json(
    rows: Sequence[LedgerRow], since: date | None, until: date | None, weights: Mapping[str, int]
) -> str:
    data = {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "weights": {rule: weights.get(rule, 0) for rule in RULES},
        "members": [
            {
                "id": row.member_id,
                "name": row.name,
                "points": {rule: _number(p) for rule, p in row.points},
                "total": _number(row.total),
            }
            for row in rows
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
