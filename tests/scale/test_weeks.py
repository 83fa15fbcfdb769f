"""Week-by-week distillation: cached weeks, and only the weeks a change reaches, give exactly
what distilling the whole group at once gives."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.distill import Knowledge, distill_store, pergroup, weeks
from digest.model import QA, Group, Kind, Message, Reaction
from digest.store import Store, open_store

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)  # a Monday
TAGS = {"pandas": ["merge", "dataframe"], "git": ["rebase", "conflict"]}
WEIGHTS = {
    "answer": 2,
    "accepted_answer": 5,
    "thanks_received": 1,
    "question_answered": 1,
    "resource_shared": 3,
}
G = Group("telegram", "g", "Group")
NAMES = ["wang", "ana", "kim", "li", "sam", "mei"]
LINES = [
    "How do I merge two dataframes in pandas?",
    "Why does git rebase keep stopping on a conflict?",
    "Use pd.merge(a, b, on='id'), see https://pandas.pydata.org/docs/",
    "Run git status, fix the file, then git rebase --continue",
    "thanks, that works!",
    "Hi all, I'm {name} from Berlin, a data engineer, happy to help with pandas.",
    "lol",
    "anyone here?",
    "Read https://git-scm.com/book first, it explains rebase well",
    "still broken for me",
]


def chat(
    seed: int, count: int, links: bool, start: int = 0, days: float = 40.0, day: int = 0
) -> Iterator[Message]:
    """Messages spread over ``days`` days, replying near and far (into earlier weeks too), or
    with ``day``, only to messages of the same ``day`` messages (threads that end)."""
    rng = random.Random(seed)
    step = timedelta(days=days) / count
    for i in range(start, start + count):
        who = rng.choice(NAMES)
        text = rng.choice(LINES).format(name=who)
        reply = None
        if links and i > 0 and rng.random() < 0.6:
            back = rng.choice([1, 2, 3, 5, 40, 200])  # now and then a reply weeks later
            first = i - i % day if day else 0
            reply = str(max(first, i - back)) if i > first else None
        reactions = (Reaction("👍", 1, (rng.choice(NAMES),)),) if rng.random() < 0.1 else ()
        kind = Kind.JOIN if rng.random() < 0.03 else Kind.TEXT
        yield Message(
            G.platform,
            G.id,
            str(i),
            T0 + step * i,
            who,
            f"Berlin-dev-{who}",
            text,
            kind=kind,
            reply_to=reply,
            reactions=reactions,
        )


def distill(store: Store, cache: Path | None) -> Knowledge:
    return distill_store(store, TAGS, WEIGHTS, cache=cache)


def whole(store: Store) -> Knowledge:
    """The group distilled as one span (no weeks, no cache)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            pergroup,
            "distill_stored",
            lambda store, group, rules, *_: weeks.distill_span(
                pergroup.StoreSource(store, group, rules), rules
            ),
        )
        return distill(store, None)


def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The weeks whose part is distilled from here on."""
    calls: list[int] = []
    original = weeks._week_part
    monkeypatch.setattr(weeks, "_week_part", lambda week, *a: calls.append(week.number) or original(week, *a))
    return calls


def test_week_by_week_equals_the_whole_group_at_once(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(G, chat(1, 600, links=True))
        assert len(store.weeks(G)) >= 6
        by_weeks = distill(store, None)
        assert by_weeks == whole(store)
        assert by_weeks.qas and by_weeks.resources and by_weeks.intros  # the chat has all of them
        crossing = [
            qa
            for qa in by_weeks.qas
            if any(
                weeks.week_number(a.message.timestamp.timestamp())
                != weeks.week_number(qa.question.timestamp.timestamp())
                for a in qa.answers
            )
        ]
        assert crossing  # some answers came in a later week than their question


@pytest.mark.parametrize("links", [True, False], ids=["reply links", "reconstructed"])
def test_a_new_day_redistills_the_weeks_it_reaches_and_equals_a_cold_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: bool
) -> None:
    cache = tmp_path / "distill"
    with open_store(tmp_path / "s.sqlite") as store:
        history = list(chat(2, 800, links, days=80))
        store.add_messages(G, history)
        assert distill(store, cache) == distill(store, None)
        total = len(store.weeks(G))
        calls = counted(monkeypatch)

        last = history[-1].timestamp
        day = [
            Message(
                G.platform,
                G.id,
                f"n{i}",
                last + timedelta(hours=1 + i),
                "ana",
                "Berlin-dev-ana",
                "Use pd.merge(a, b, on='id')" if i else "How do I merge dataframes in pandas?",
                reply_to=(f"n{i - 1}" if i else None) if links else None,
            )
            for i in range(4)
        ]
        store.add_messages(G, day)
        warm, reached = distill(store, cache), set(calls)
        assert warm == distill(store, None)
        assert total >= 11
        assert 1 <= len(reached) <= 3  # the day's week, and those its replies reach back to

        calls.clear()
        old = history[10]  # an answer today to a question weeks ago reaches back to its week
        late = _late(history[-1], "thanks, that works!", old.id if links else None, hours=9)
        store.add_messages(G, [late])
        warm, reached = distill(store, cache), set(calls)
        assert warm == distill(store, None)
        if links:
            assert weeks.week_number(old.timestamp.timestamp()) in reached
        assert len(reached) < total

        calls.clear()
        edited = history[100]  # a reaction added to an old message: its week and those after
        store.add_messages(
            G, [Message(**{**_fields(edited), "reactions": (Reaction("🎉", 2, ("kim", "li")),)})]
        )
        warm, reached = distill(store, cache), set(calls)
        assert warm == distill(store, None)
        assert weeks.week_number(edited.timestamp.timestamp()) in reached
        now = len(store.weeks(G))
        assert len(list(cache.glob("links-*.pickle"))) == len(list(cache.glob("week-*.pickle"))) == now


def _late(last: Message, text: str, reply_to: str | None, hours: int = 1) -> Message:
    """A message ``hours`` after ``last``, by sam, replying to ``reply_to``."""
    return Message(
        G.platform,
        G.id,
        "late",
        last.timestamp + timedelta(hours=hours),
        "sam",
        "Berlin-dev-sam",
        text,
        reply_to=reply_to,
    )


def _fields(m: Message) -> dict[str, object]:
    return {name: getattr(m, name) for name in Message.__dataclass_fields__}


def test_a_reply_to_a_later_week_is_distilled_as_one_span(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages = list(chat(3, 200, links=True))
    first = messages[0]
    messages[0] = Message(**{**_fields(first), "reply_to": messages[-1].id})  # points to the future
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(G, messages)
        spans: list[int] = []
        original = weeks.distill_span
        monkeypatch.setattr(weeks, "distill_span", lambda *a: spans.append(1) or original(*a))
        cold = distill(store, None)
        assert spans == [1]
        assert cold == distill(store, tmp_path / "distill") == whole(store)


def test_memory_and_store_sources_agree(tmp_path: Path) -> None:
    messages = list(chat(4, 300, links=True))
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(G, messages)
        stored = distill(store, None)
        rules_guard = pergroup  # the rules as distill_store makes them, read back through a patch
        parts: list[object] = []
        original = pergroup.distill_stored

        def both(store: Store, group: Group, rules: pergroup.Rules, *rest: object) -> pergroup.GroupPart:
            from_store = original(store, group, rules, *rest)  # type: ignore[arg-type]
            parts.append(from_store == pergroup.distill_part(list(store.messages(group)), rules))
            return from_store

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(rules_guard, "distill_stored", both)
            assert distill(store, None) == stored
        assert parts == [True]


def test_a_qa_keeps_its_origin_until_something_it_was_distilled_from_changes(tmp_path: Path) -> None:
    cache = tmp_path / "distill"
    with open_store(tmp_path / "s.sqlite") as store:
        history = list(chat(5, 400, links=True, days=60))
        store.add_messages(G, history)
        before = {qa.id: qa for qa in distill(store, cache).qas}
        assert all(qa.origin for qa in before.values())
        by_week: dict[int, list[QA]] = {}
        for qa in before.values():
            by_week.setdefault(weeks.week_number(qa.question.timestamp.timestamp()), []).append(qa)
        asked = next(qas[0] for _week, qas in sorted(by_week.items()) if len(qas) >= 2)  # and another
        late = _late(history[-1], "Try pd.concat instead", asked.question.id)
        store.add_messages(G, [late])
        week_of_asked = weeks.week_number(asked.question.timestamp.timestamp())
        after = {qa.id: qa for qa in distill(store, cache).qas}
    assert after[asked.id].origin != asked.origin and after[asked.id] != asked  # it got an answer
    same = [i for i in before if before[i].origin == after[i].origin]
    assert len(same) == len(before) - 1  # the Q&A of the weeks the answer reached keep theirs too
    assert all(before[i] == after[i] for i in same)
    redistilled = [
        i for i in same if weeks.week_number(before[i].question.timestamp.timestamp()) == week_of_asked
    ]
    assert redistilled  # distilled again, came out the same: the same origin


def test_a_thread_of_thousands_of_replies_over_two_weeks(tmp_path: Path) -> None:
    start = T0 + timedelta(days=5)  # Saturday: the thread runs on into the next week
    first = Message(G.platform, G.id, "0", start, "wang", "Berlin-dev-wang", "How do I merge two dataframes?")
    replies = [
        Message(
            G.platform,
            G.id,
            str(i),
            start + timedelta(minutes=i),
            NAMES[i % 3],
            f"n{i % 3}",
            f"try option {i}",
            reply_to=str(i - 1),
        )
        for i in range(1, 5000)
    ]
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(G, [first, *replies])
        assert len(store.weeks(G)) == 2
        knowledge = distill(store, tmp_path / "distill")
        assert knowledge == whole(store)
    [qa] = knowledge.qas
    assert len(qa.answers) > 1000


def _week_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The week entries read from the cache from here on."""
    names: list[str] = []
    original = pergroup.PartCache.load

    def load(self: pergroup.PartCache, name: str, kind: type) -> object:
        if name.startswith("week-"):
            names.append(name)
        return original(self, name, kind)

    monkeypatch.setattr(pergroup.PartCache, "load", load)
    return names


@pytest.mark.parametrize("links", [True, False], ids=["reply links", "reconstructed"])
def test_day_after_day_reads_the_kept_fold_and_only_the_last_weeks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: bool
) -> None:
    cache = tmp_path / "distill"
    history = list(chat(6, 1500, links, days=150, day=10))  # about 22 weeks, threads of a day
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(G, history[:1000])
        assert distill(store, cache) == distill(store, None)
        assert len(list(cache.glob("fold-*.pickle"))) == 1
        reads = _week_reads(monkeypatch)
        short = 0  # days that read the fold and the weeks after it only
        for day in range(1000, 1500, 25):  # 20 new days, into new weeks too
            store.add_messages(G, history[day : day + 25])
            reads.clear()
            warm = distill(store, cache)
            total = len(store.weeks(G))
            # the weeks after the fold: at most FOLD_LAG + FOLD_AGAIN of them, and the last
            short += len(reads) <= weeks.FOLD_LAG + weeks.FOLD_AGAIN + 1 < total / 2
            assert len(reads) in (total, total - 1) or len(reads) < total / 2  # never half way
            assert warm == distill(store, None)
        # Reconstructed replies may chain a day's thread back past the fold: every week is read.
        assert short == 20 if links else short >= 15
        assert len(list(cache.glob("fold-*.pickle"))) == 1  # the newest kept, older ones pruned
        reads.clear()
        assert distill(store, cache) == warm  # nothing new: the fold and the weeks after it again
        assert 0 < len(reads) < total / 2
        assert list(cache.glob("part-*.pickle")) == []  # the group's whole part would read slower


def test_a_change_before_the_fold_or_a_damaged_fold_reads_every_week_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "distill"
    history = list(chat(7, 900, links=True, days=120, day=10))
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(G, history)
        distill(store, cache)
        [fold] = cache.glob("fold-*.pickle")
        reads = _week_reads(monkeypatch)
        total = len(store.weeks(G))

        def warm_reads(store: Store) -> int:
            """Distill through the cache (the same as without), and tell how many weeks it read."""
            reads.clear()
            warm = distill(store, cache)
            count = len(reads)
            assert warm == distill(store, None)
            return count

        # an answer today to a question of the second week: the fold no longer holds
        late = _late(history[-1], "thanks, that works!", history[60].id)
        store.add_messages(G, [late])
        assert warm_reads(store) == total
        assert not fold.exists()  # replaced by one that knows of the late answer
        [fold] = cache.glob("fold-*.pickle")

        store.add_messages(G, [Message(**{**_fields(late), "id": "later", "reply_to": None})])
        assert warm_reads(store) < total / 2  # the new fold holds

        fold.write_bytes(b"not a pickle")
        store.add_messages(G, [Message(**{**_fields(late), "id": "latest", "reply_to": "later"})])
        assert warm_reads(store) == total  # every week read again


def test_worker_processes_keep_and_read_folds_as_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = Group("telegram", "h", "Other group")
    cache = tmp_path / "distill"
    history = list(chat(8, 600, links=True, days=90, day=10))
    mirrored = [Message(**{**_fields(m), "group_id": other.id}) for m in history]
    monkeypatch.setattr(pergroup, "PARALLEL_MESSAGES", 0)  # a worker process per group
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(G, history[:500])
        store.add_messages(other, mirrored[:500])
        assert distill(store, cache) == distill(store, None)
        folds = sorted(cache.glob("fold-*.pickle"))
        assert len(folds) == 2  # kept by the workers
        store.add_messages(G, history[500:])  # two weeks more: the folds still hold
        store.add_messages(other, mirrored[500:])
        reads = _week_reads(monkeypatch)  # in this process only: the workers read the folds
        warm = distill(store, cache)
        assert reads == [] and warm == distill(store, None)
        # read back by the workers: not written again (a fold of every week would be), nor pruned
        assert sorted(cache.glob("fold-*.pickle")) == folds
        assert distill(store, cache) == warm  # nothing new
        assert list(cache.glob("part-*.pickle")) == []  # nor the groups' parts kept beside them
