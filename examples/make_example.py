#!/usr/bin/env python3
"""Build the bundled example community export from the scripted data in examples/data/.

Writes examples/community/result.json (a Telegram Desktop "Export chat history" JSON of one
group) and examples/community/ANSWER_KEY.md. Standard library only and deterministic:
running it twice gives identical files.

    python examples/make_example.py
"""

from __future__ import annotations

import calendar
import json
import sys
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep examples/data free of __pycache__
sys.path.insert(0, str(HERE / "data"))

from chatter import CHATTER  # noqa: E402
from members import INVITER, MEMBERS  # noqa: E402
from threads_en import THREADS_EN  # noqa: E402
from threads_zh import THREADS_ZH  # noqa: E402

OUT_DIR = HERE / "community"
START = datetime(2026, 9, 1)
END = datetime(2026, 10, 28)  # exclusive: the export covers 2026-09-01 .. 2026-10-27
CHAT = {"name": "Data & Python 学习群 / Learning Circle", "type": "private_supergroup", "id": 1001234567890}
FILE_NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"
THREADS = THREADS_ZH + THREADS_EN


class DataError(Exception):
    pass


PROBLEMS: list[str] = []


def check(condition: bool, message: str) -> None:
    """Note a problem with the data; build() stops after a stage that found any."""
    if not condition:
        PROBLEMS.append(message)


def stop_if_problems() -> None:
    if PROBLEMS:
        raise DataError("\n  ".join(["the data has problems:", *PROBLEMS]))


def when(day: int, time: str) -> datetime:
    parts = [int(p) for p in time.split(":")]
    hour, minute, second = [*parts, 0][:3]
    return START + timedelta(days=day, hours=hour, minutes=minute, seconds=second)


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S")


def unix(dt: datetime) -> str:
    return str(calendar.timegm(dt.timetuple()))


def joined_at(key: str) -> datetime | None:
    joined = MEMBERS[key]["joined"]
    return when(*joined) if joined else None


def plain_text(text: str | list) -> str:
    if isinstance(text, str):
        return text
    return "".join(p if isinstance(p, str) else p["text"] for p in text)


# ---- collecting drafts ---------------------------------------------------------------------


def collect() -> list[dict]:
    """Every record as a draft: its time, global label, and the data needed to write it."""
    drafts: list[dict] = []
    for key, member in MEMBERS.items():
        if member["joined"]:
            invited = member.get("how") == "invited"
            drafts.append(
                {
                    "dt": joined_at(key),
                    "label": f"join.{key}",
                    "service": True,
                    "member": key,
                    "actor": INVITER if invited else key,
                    "action": "invite_members" if invited else "join_group_by_link",
                }
            )
    for thread in THREADS:
        labels = {m["label"] for m in thread["messages"]}
        for m in thread["messages"]:
            check(
                m.get("reply") is None or m["reply"] in labels, f"{thread['key']}: bad reply {m.get('reply')}"
            )
            drafts.append(
                {
                    **m,
                    "dt": when(m["day"], m["time"]),
                    "label": f"{thread['key']}.{m['label']}",
                    "reply": f"{thread['key']}.{m['reply']}" if m.get("reply") else None,
                    "thread": thread["key"],
                }
            )
    for m in CHATTER:
        draft = {**m, "dt": when(m["day"], m["time"]), "label": m.get("label")}
        if m.get("kind") == "pin":
            draft.update(service=True, actor=m["author"], action="pin_message")
        drafts.append(draft)
    drafts.sort(key=lambda d: d["dt"])
    for before, after in pairwise(drafts):
        check(
            before["dt"] < after["dt"], f"two records at {before['dt']}: {before['label']} / {after['label']}"
        )
    check(drafts[0]["dt"] >= START and drafts[-1]["dt"] < END, "records outside 2026-09-01 .. 2026-10-27")
    return drafts


# ---- writing records -----------------------------------------------------------------------


def entities(text: str | list) -> list[dict]:
    if isinstance(text, str):
        return [{"type": "plain", "text": text}] if text else []
    return [{"type": "plain", "text": p} if isinstance(p, str) else dict(p) for p in text]


def reactions(draft: dict, dt: datetime) -> list[dict]:
    out = []
    step = 0
    for emoji, keys in draft.get("reactions", {}).items():
        recent = []
        for key in keys:
            step += 1
            at = dt + timedelta(minutes=3 + 7 * step)
            recent.append({"from": MEMBERS[key]["name"], "from_id": MEMBERS[key]["id"], "date": iso(at)})
        out.append({"type": "emoji", "count": len(recent), "emoji": emoji, "recent": recent})
    return out


def record(draft: dict, ids: dict[str, int]) -> dict:
    dt = draft["dt"]
    rec: dict = {
        "id": ids[draft["_key"]],
        "type": "service" if draft.get("service") else "message",
        "date": iso(dt),
        "date_unixtime": unix(dt),
    }
    if draft.get("service"):
        actor = MEMBERS[draft["actor"]]
        rec.update(actor=actor["name"], actor_id=actor["id"], action=draft["action"])
        if draft["action"] == "join_group_by_link":
            rec["inviter"] = "Group"
        elif draft["action"] == "invite_members":
            rec["members"] = [MEMBERS[draft["member"]]["name"]]
        elif draft["action"] == "pin_message":
            rec["message_id"] = ids[draft["target"]]
        rec.update(text="", text_entities=[])
        return rec
    if draft.get("edited"):
        edited = when(draft["day"], draft["edited"])
        rec.update(edited=iso(edited), edited_unixtime=unix(edited))
    author = MEMBERS[draft["author"]]
    rec.update({"from": author["name"], "from_id": author["id"]})
    if draft.get("forwarded_from"):
        rec["forwarded_from"] = draft["forwarded_from"]
    if draft.get("reply"):
        rec["reply_to_message_id"] = ids[draft["reply"]]
    kind = draft.get("kind", "text")
    if kind == "photo":
        rec.update(photo=f"photos/photo_1@{dt.strftime('%d-%m-%Y_%H-%M-%S')}.jpg", width=1280, height=960)
    elif kind == "sticker":
        rec.update(
            file=FILE_NOT_INCLUDED,
            thumbnail=FILE_NOT_INCLUDED,
            media_type="sticker",
            sticker_emoji=draft["emoji"],
            width=512,
            height=512,
        )
    text = draft.get("text", "")
    rec.update(text=text, text_entities=entities(text))
    if draft.get("reactions"):
        rec["reactions"] = reactions(draft, dt)
    return rec


def build() -> tuple[dict, list[dict], dict[str, int]]:
    drafts = collect()
    stop_if_problems()
    ids: dict[str, int] = {}
    for number, draft in enumerate(drafts, start=1):
        draft["_key"] = draft["label"] or f"#{number}"
        check(draft["_key"] not in ids, f"duplicate label {draft['_key']}")
        ids[draft["_key"]] = number
    stop_if_problems()
    validate(drafts, ids)
    stop_if_problems()
    messages = [record(d, ids) for d in drafts]
    return {**CHAT, "messages": messages}, drafts, ids


# ---- validation ----------------------------------------------------------------------------


def validate(drafts: list[dict], ids: dict[str, int]) -> None:
    import re

    by_key = {d["_key"]: d for d in drafts}
    for d in drafts:
        where = d["_key"]
        author = d.get("actor") or d.get("author") or d.get("member")
        check(author in MEMBERS, f"{where}: unknown member {author}")
        if not d.get("service"):
            start = joined_at(d["author"])
            check(start is None or start < d["dt"], f"{where}: {d['author']} posts before joining")
            text = plain_text(d.get("text", ""))
            check(not re.search(r"[\w.+-]+@[\w-]+\.\w", text), f"{where}: looks like an e-mail address")
            check(
                not re.search(r"(?<!\d)(1\d{10}|\d{3,4}[- ]\d{3,4}[- ]\d{4})(?!\d)", text),
                f"{where}: looks like a phone number",
            )
        for target in (d.get("reply"), d.get("target")):
            if target:
                check(target in ids and ids[target] < ids[where], f"{where}: bad reply/pin target {target}")
        seen: set[str] = set()
        for keys in d.get("reactions", {}).values():
            for key in keys:
                check(
                    key in MEMBERS and key != d.get("author") and key not in seen,
                    f"{where}: bad reactor {key}",
                )
                seen.add(key)
                start = joined_at(key)
                check(start is None or start < d["dt"], f"{where}: {key} reacts before joining")
    messages = [d for d in drafts if not d.get("service")]
    check(len(messages) >= 330, f"only {len(messages)} messages")
    check({d.get("author") for d in messages} == set(MEMBERS), "some member never posts")
    check(sum(1 for d in drafts if d.get("action") == "pin_message") == 2, "expected 2 pins")
    check(sum(1 for d in drafts if d.get("action") == "invite_members") == 1, "expected 1 invite")
    check(sum(1 for d in messages if d.get("kind") == "photo") == 1, "expected 1 photo")
    check(sum(1 for d in messages if d.get("edited")) == 1, "expected 1 edited message")
    check(sum(1 for d in messages if d.get("forwarded_from")) == 1, "expected 1 forwarded message")

    replied = {d["reply"] for d in drafts if d.get("reply")}
    check(len(THREADS) == 18 and len(THREADS_ZH) == len(THREADS_EN) == 9, "expected 18 threads, 9 + 9")
    for thread in THREADS:
        validate_thread(thread, by_key)
    check(sum(t["accept_by"] == "thanks" for t in THREADS) == 13, "expected 13 thanked threads")
    check(sum(t["accept_by"] == "reaction" for t in THREADS) == 3, "expected 3 reaction threads")
    check(sum(t["accept_by"] == "most_reactions" for t in THREADS) == 2, "expected 2 most-reacted threads")
    check(sum(len(answers(t)) >= 2 for t in THREADS) == 6, "expected 6 threads with several answers")
    check(sum(any(m["role"] == "detail" for m in t["messages"]) for t in THREADS) == 3, "expected 3 details")
    check(sum(1 for t in THREADS if t.get("repeat_of")) == 1, "expected 1 repeat")

    unanswered = [d for d in messages if d.get("role") == "unanswered"]
    check(len(unanswered) == 5, "expected 5 unanswered questions")
    check(sum(d["day"] >= 50 for d in unanswered) == 2, "expected 2 unanswered in the last week")
    check(all(d["_key"] not in replied for d in unanswered), "an unanswered question got a reply")
    intros = [d for d in messages if d.get("role") == "intro"]
    check(len(intros) == 12 and len({d["author"] for d in intros}) == 12, "expected 12 intros")
    for d in intros:
        start = joined_at(d["author"])
        check(
            start is not None and d["dt"] - start < timedelta(hours=1),
            f"{d['_key']}: intro not soon after join",
        )
    resources = [d for d in messages if d.get("role") == "resource"]
    check(len(resources) >= 8, "expected 8+ resources")
    dups = [d for d in resources if d.get("duplicate_of")]
    check(len(dups) == 2, "expected 2 duplicate shares")
    for d in dups:
        first = by_key[d["duplicate_of"]]
        check(
            first["author"] != d["author"] and ids[first["_key"]] < ids[d["_key"]],
            f"{d['_key']}: bad duplicate",
        )


def answers(thread: dict) -> list[dict]:
    return [m for m in thread["messages"] if m["role"] == "answer"]


def validate_thread(thread: dict, by_key: dict[str, dict]) -> None:
    key = thread["key"]
    msgs = thread["messages"]
    q = msgs[0]
    asker = q["author"]
    check(
        q["role"] == "question" and not q.get("reply") and q["label"] == "q",
        f"{key}: first is not the question",
    )
    check(all(m["role"] != "question" for m in msgs[1:]), f"{key}: two questions")
    roles = {m["label"]: m["role"] for m in msgs}
    ans = answers(thread)
    check(
        ans and len({a["author"] for a in ans}) == len(ans) <= 4,
        f"{key}: answers must be 1-4, distinct people",
    )
    for m in msgs[1:]:
        check(m.get("reply") is not None, f"{key}.{m['label']}: not a reply")
        by_asker = m["author"] == asker
        check(by_asker == (m["role"] != "answer"), f"{key}.{m['label']}: role/author mismatch")
        if m["role"] == "answer":
            check(
                roles[m["reply"]] in ("question", "answer"),
                f"{key}.{m['label']}: answer replies to {m['reply']}",
            )
        if m["role"] == "detail":
            check(m["reply"] == "q", f"{key}: detail must reply to the question")
        if m["role"] in ("aside", "thanks"):
            check(roles[m["reply"]] == "answer", f"{key}.{m['label']}: must reply to an answer")
        if m["author"] != asker:
            continue
        for other in msgs:
            if any(asker in keys for keys in other.get("reactions", {}).values()):
                check(
                    thread["accept_by"] == "reaction" and other["label"] == thread["accepted"],
                    f"{key}: the asker reacts to {other['label']}",
                )
    thanks = [m for m in msgs if m["role"] == "thanks"]
    accepted = next(m for m in msgs if m["label"] == thread["accepted"])
    check(accepted["role"] == "answer", f"{key}: accepted is not an answer")
    if thread["accept_by"] == "thanks":
        check(
            len(thanks) == 1 and thanks[0]["reply"] == accepted["label"],
            f"{key}: thanks must reply to accepted",
        )
    else:
        check(not thanks, f"{key}: unexpected thanks")
    if thread["accept_by"] == "reaction":
        check(asker in accepted.get("reactions", {}).get("👍", []), f"{key}: asker does not react 👍")
    if thread["accept_by"] == "most_reactions":
        counts = sorted((reaction_count(a) for a in ans), reverse=True)
        check(
            reaction_count(accepted) == counts[0] and (len(counts) == 1 or counts[0] > counts[1]),
            f"{key}: accepted answer is not the single most reacted",
        )
    if len(ans) > 1:
        check(
            reaction_count(accepted) > max(reaction_count(a) for a in ans if a is not accepted),
            f"{key}: the best answer should be clearly best",
        )
    if thread.get("repeat_of"):
        first = next(t for t in THREADS if t["key"] == thread["repeat_of"])
        check(first["messages"][0]["author"] != asker and first is not thread, f"{key}: bad repeat")
        check(by_key[f"{first['key']}.q"]["dt"] < by_key[f"{key}.q"]["dt"], f"{key}: repeat must come later")


def reaction_count(message: dict) -> int:
    return sum(len(v) for v in message.get("reactions", {}).values())


# ---- the answer key ------------------------------------------------------------------------


def name(key: str) -> str:
    return MEMBERS[key]["name"]


def row(*cells: object) -> str:
    """A Markdown table row; nicknames like "Berlin | data eng | Ana" need their bars escaped."""
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def answer_key(result: dict, drafts: list[dict], ids: dict[str, int]) -> str:
    msgs = [d for d in drafts if not d.get("service")]
    services = [d for d in drafts if d.get("service")]
    posting = {d["author"] for d in msgs}
    by_key = {d["_key"]: d for d in drafts}
    tid = lambda thread, label: ids[f"{thread['key']}.{label}"]  # noqa: E731
    lines = [
        "# Answer key: examples/community/result.json",
        "",
        "Generated by `examples/make_example.py` from the scripted data in `examples/data/` and checked",
        "against `result.json` by reading it independently. Ids are Telegram message ids in the file.",
        "Do not edit by hand: change the data and rerun the script.",
        "",
        "## Totals",
        "",
        f"- records: {len(drafts)} ({len(msgs)} `type: message`, {len(services)} `type: service`)",
        f"- service records: {sum(d['action'] != 'pin_message' for d in services)} joins "
        f"({sum(d['action'] == 'invite_members' for d in services)} of them `invite_members`), "
        f"{sum(d['action'] == 'pin_message' for d in services)} `pin_message`",
        f"- members: {len(MEMBERS)} (all {len(posting)} post at least one message; "
        f"{sum(1 for m in MEMBERS.values() if not m['joined'])} founding members have no join record)",
        f"- first record {result['messages'][0]['date']}, last record {result['messages'][-1]['date']}",
        f"- Q&A threads: {len(THREADS)} ({len(THREADS_ZH)} zh, {len(THREADS_EN)} en); "
        f"accepted by thanks {sum(t['accept_by'] == 'thanks' for t in THREADS)}, "
        f"by the asker's 👍 {sum(t['accept_by'] == 'reaction' for t in THREADS)}, "
        f"by most reactions {sum(t['accept_by'] == 'most_reactions' for t in THREADS)}",
        "",
        "## Q&A threads",
        "",
        "Answers are the replies in the thread by people other than the asker. `details` are the",
        "asker's additions replying to their own question; `other asker replies` are the asker's",
        "replies to an answer that are not thanks (not answers, not acceptance).",
        "",
        row(
            "#",
            "key",
            "lang",
            "question id",
            "asker",
            "answers (id author)",
            "accepted id",
            "why accepted",
            "details",
            "other asker replies",
            "topic",
        ),
        row(*["---"] * 11).replace(" ", ""),
    ]
    for n, t in enumerate(sorted(THREADS, key=lambda t: tid(t, "q")), start=1):
        ans = answers(t)
        acc = next(a for a in ans if a["label"] == t["accepted"])
        if t["accept_by"] == "thanks":
            thanks = next(m for m in t["messages"] if m["role"] == "thanks")
            why = f"thanks {tid(t, thanks['label'])}"
        elif t["accept_by"] == "reaction":
            why = "asker reacted 👍"
        else:
            why = (
                "most reactions ("
                + " vs ".join(str(reaction_count(a)) for a in sorted(ans, key=reaction_count, reverse=True))
                + ")"
            )
        cells = [
            str(n),
            t["key"],
            t["lang"],
            str(tid(t, "q")),
            name(t["messages"][0]["author"]),
            "; ".join(f"{tid(t, a['label'])} {name(a['author'])}" for a in ans),
            str(tid(t, acc["label"])),
            why,
            ", ".join(str(tid(t, m["label"])) for m in t["messages"] if m["role"] == "detail") or "-",
            ", ".join(str(tid(t, m["label"])) for m in t["messages"] if m["role"] == "aside") or "-",
            t["topic"],
        ]
        lines.append(row(*cells))
    lines += ["", "## Repeat pair", ""]
    for t in THREADS:
        if t.get("repeat_of"):
            first = next(f for f in THREADS if f["key"] == t["repeat_of"])
            lines.append(
                f"- question {tid(t, 'q')} ({t['key']}, {name(t['messages'][0]['author'])}, {t['lang']}) "
                f"repeats question {tid(first, 'q')} ({first['key']}, "
                f"{name(first['messages'][0]['author'])}, {first['lang']})"
            )
    lines += [
        "",
        "## Unanswered questions (no replies at all)",
        "",
        "| id | date | author | text |",
        "|---|---|---|---|",
    ]
    for d in msgs:
        if d.get("role") == "unanswered":
            lines.append(row(ids[d["_key"]], iso(d["dt"]), name(d["author"]), plain_text(d["text"])))
    lines += [
        "",
        "## Self-introductions",
        "",
        "| id | member | join record id | join action |",
        "|---|---|---|---|",
    ]
    for d in msgs:
        if d.get("role") == "intro":
            join = next(s for s in services if s.get("member") == d["author"])
            lines.append(row(ids[d["_key"]], name(d["author"]), ids[join["_key"]], join["action"]))
    lines += ["", "## Shared resources", "", "| id | member | link | duplicate of |", "|---|---|---|---|"]
    for d in msgs:
        if d.get("role") == "resource":
            url = next(w for w in plain_text(d["text"]).split() if w.startswith("http"))
            dup = str(ids[d["duplicate_of"]]) if d.get("duplicate_of") else "-"
            lines.append(row(ids[d["_key"]], name(d["author"]), url, dup))
    special = {
        "event announcements": [d for d in msgs if d.get("role") == "event"],
        "pinned messages": [by_key[s["target"]] for s in services if s.get("action") == "pin_message"],
        "photo": [d for d in msgs if d.get("kind") == "photo"],
        "edited": [d for d in msgs if d.get("edited")],
        "forwarded": [d for d in msgs if d.get("forwarded_from")],
        "stickers": [d for d in msgs if d.get("kind") == "sticker"],
        "phatic question": [d for d in msgs if d.get("role") == "phatic"],
        "rhetorical question": [d for d in msgs if d.get("role") == "rhetorical"],
        "thanks-only messages outside Q&A": [d for d in msgs if d.get("role") == "thanks_only"],
    }
    lines += ["", "## Other records", ""]
    for what, items in special.items():
        lines.append(f"- {what}: " + ", ".join(str(ids[d["_key"]]) for d in items))
    return "\n".join(lines) + "\n"


def main() -> int:
    try:
        result, drafts, ids = build()
    except DataError as exc:
        print(f"make_example: {exc}", file=sys.stderr)
        return 1
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
    (OUT_DIR / "result.json").write_text(text, encoding="utf-8")
    (OUT_DIR / "ANSWER_KEY.md").write_text(answer_key(result, drafts, ids), encoding="utf-8")
    messages = sum(1 for m in result["messages"] if m["type"] == "message")
    print(f"wrote {OUT_DIR / 'result.json'}: {len(result['messages'])} records, {messages} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
