"""Q&A quality against hand-made labels: question detection, accepted answers, repeats.

    python bench/qa_eval.py             # the figures
    python bench/qa_eval.py --verbose   # also every miss and false alarm
    python bench/qa_eval.py --markdown  # the table rows for bench/README.md

1. The bundled example community (``bench/qa_labels.yaml``: every record labelled by hand from
   examples/community/ANSWER_KEY.md and a reading of the chat): digest's distillation, as
   ``digest distill`` runs it, scored for
   - question detection: the questions digest made a Q&A or an unanswered question of,
     against the labelled knowledge questions (precision, recall); and, for comparison, the
     message-level judgement alone (``judge_question`` on every message, no thread context);
   - accepted answers: the share of labelled threads whose Q&A accepted the labelled answer;
   - repeats: the merges digest made against the labelled repeat pairs (precision, recall).
2. Repeat calibration (``bench/qa_repeat_pairs.yaml``: hand-written pairs, repeats in other
   words or the other language and near misses): precision and recall of merges at digest's
   threshold, and the range of thresholds that scores best on the pairs.
3. Other communities (``bench/qa_labels_other.yaml``: windows of a WhatsApp team chat and of
   #ubuntu IRC logs in ../shared/samples, keyed by line number): question detection, reported
   separately; skipped when the samples folder is absent. These exports carry no reply
   links, so replies are reconstructed first, as distill does.

Labels come from reading the chats, never from digest's output.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
LABELS = BENCH / "qa_labels.yaml"
PAIRS = BENCH / "qa_repeat_pairs.yaml"
OTHER = BENCH / "qa_labels_other.yaml"
WHATSAPP_HEADER = re.compile(r"^\u200e?\[?\d{1,4}[./-]\d{1,2}[./-]\d{1,4},? ")


@dataclass
class Counts:
    """True positives, false positives and false negatives, with what they were."""

    tp: set[str] = field(default_factory=set)
    fp: set[str] = field(default_factory=set)
    fn: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, found: Iterable[str], truth: Iterable[str]) -> Counts:
        f, t = set(found), set(truth)
        return cls(f & t, f - t, t - f)

    @property
    def precision(self) -> float:
        return len(self.tp) / (len(self.tp) + len(self.fp)) if self.tp or self.fp else 1.0

    @property
    def recall(self) -> float:
        return len(self.tp) / (len(self.tp) + len(self.fn)) if self.tp or self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (
            f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"({len(self.tp)} right, {len(self.fp)} false alarms, {len(self.fn)} missed)"
        )


def _text(record: dict[str, Any]) -> str:
    text = record.get("text") or ""
    if isinstance(text, list):
        text = "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in text)
    return str(text)


# -- 1. the example community -----------------------------------------------------------------


@dataclass
class Example:
    questions: Counts
    judged: Counts
    accepted: float
    accepted_right: int
    threads: int
    accepted_how: float
    repeats: Counts
    repeat_pairs: list[tuple[str, str, float]]  # the pairs merged and how sure
    closest_other: float  # the most similar pair of the example that is no repeat


def distill_example() -> Any:
    """The example's Knowledge, distilled as `digest distill` does (store in a temporary folder)."""
    from digest import config as settings
    from digest.commands import knowledge_for

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name in ("examples", "site_templates"):
            (root / name).symlink_to(REPO / name, target_is_directory=True)
        (root / "content").mkdir()
        (root / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
        _mk, cfg = settings.load(root / "mkdocs.yml")
        return knowledge_for(root, cfg, lambda *a, **k: None, docs_dir=root / "content")


def score_example(labels: dict[str, Any]) -> Example:
    import json

    from digest.distill.qa import MIN_QUESTION_CONFIDENCE
    from digest.distill.questions import judge_question
    from digest.distill.repeats import Asked, similarities

    roles = {str(k): v for k, v in labels["messages"].items()}
    truth = {k for k, v in roles.items() if v == "question"}
    knowledge = distill_example()
    found = {qa.question.id for qa in knowledge.qas} | {m.id for m in knowledge.unanswered}
    questions = Counts.of(found, truth)

    export = json.loads((REPO / labels["source"]).read_text(encoding="utf-8"))
    judged_ids = set()
    for record in export["messages"]:
        if record.get("type") == "message":
            verdict = judge_question(_text(record))
            if verdict.is_question and verdict.confidence >= MIN_QUESTION_CONFIDENCE:
                judged_ids.add(str(record["id"]))
    judged = Counts.of(judged_ids, truth)

    by_question = {qa.question.id: qa for qa in knowledge.qas}
    right = how = 0
    for thread in labels["threads"]:
        qa = by_question.get(str(thread["question"]))
        accepted = qa.accepted if qa is not None else None
        if accepted is not None and accepted.message.id == str(thread["accepted"]):
            right += 1
            how += qa is not None and qa.accepted_by == thread["accepted_by"]
    threads = len(labels["threads"])

    ids = {qa.id: qa.question.id for qa in knowledge.qas}
    merged = [
        (qa.question.id, ids[qa.repeat_of], qa.repeat_confidence) for qa in knowledge.qas if qa.repeat_of
    ]
    pairs = {f"{r['question']}->{r['repeats']}" for r in labels["repeats"]}
    repeats = Counts.of((f"{a}->{b}" for a, b, _c in merged), pairs)

    asked = [
        Asked(qa.question.id, qa.question.text, qa.question.timestamp, "\n".join(d.text for d in qa.details))
        for qa in knowledge.qas
    ]
    others = [v for (a, b), v in similarities(asked).items() if f"{a}->{b}" not in pairs]
    return Example(
        questions,
        judged,
        right / threads,
        right,
        threads,
        how / threads,
        repeats,
        merged,
        max(others, default=0.0),
    )


# -- 2. repeat calibration ----------------------------------------------------------------------


@dataclass
class Calibration:
    threshold: float
    at_threshold: Counts
    best: tuple[float, float]  # the thresholds with the best F1 (precision breaking ties)
    best_counts: Counts
    similarity: list[tuple[bool, float, str]]
    cross: Counts  # each half scored at the threshold calibrated on the other half


def pair_similarities(pairs: Sequence[dict[str, Any]]) -> list[tuple[bool, float, str]]:
    """Each pair's similarity as digest measures it, the two questions indexed on their own."""
    from digest.distill.repeats import Asked, similarities

    t0 = datetime(2027, 1, 1, tzinfo=UTC)
    out = []
    for pair in pairs:
        a, b = Asked("a", pair["a"], t0), Asked("b", pair["b"], t0 + timedelta(days=1))
        out.append((bool(pair["repeat"]), similarities([a, b]).get(("b", "a"), 0.0), str(pair["b"])))
    return out


def merges_at(sims: Sequence[tuple[bool, float, str]], threshold: float) -> Counts:
    found = {str(i) for i, (_r, s, _t) in enumerate(sims) if s >= threshold}
    truth = {str(i) for i, (r, _s, _t) in enumerate(sims) if r}
    return Counts.of(found, truth)


GRID = [round(0.15 + 0.01 * i, 2) for i in range(56)]


def best_thresholds(sims: Sequence[tuple[bool, float, str]]) -> list[float]:
    """The thresholds of the grid with the best F1 on ``sims``, precision breaking ties."""
    scored = [(merges_at(sims, t).f1, merges_at(sims, t).precision, t) for t in GRID]
    top = max((f, p) for f, p, _t in scored)
    return [t for f, p, t in scored if (f, p) == top]


def calibrate(pairs: Sequence[dict[str, Any]]) -> Calibration:
    from digest.distill.repeats import THRESHOLD

    sims = pair_similarities(pairs)
    best = best_thresholds(sims)
    middle = best[len(best) // 2]
    halves = [sims[0::2], sims[1::2]]
    cross = Counts()
    for i, half in enumerate(halves):  # calibrate on one half, score the other
        chosen = best_thresholds(halves[1 - i])
        t = chosen[len(chosen) // 2]
        counts = merges_at(half, t)
        cross.tp |= {f"{i}:{x}" for x in counts.tp}
        cross.fp |= {f"{i}:{x}" for x in counts.fp}
        cross.fn |= {f"{i}:{x}" for x in counts.fn}
    return Calibration(
        THRESHOLD, merges_at(sims, THRESHOLD), (best[0], best[-1]), merges_at(sims, middle), sims, cross
    )


# -- 3. other communities -------------------------------------------------------------------------


@dataclass
class Window:
    name: str
    messages: int
    questions: Counts
    judged: Counts
    held_out: bool = False


def _line_numbers(path: Path, fmt: str, count: int) -> list[int]:
    """The line number of each message, as the labels count them (see qa_labels_other.yaml)."""
    if fmt == "irc":
        return []  # message ids are the 0-based line numbers already
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if WHATSAPP_HEADER.match(line)]
    if len(starts) != count:
        raise SystemExit(f"{path}: {count} messages but {len(starts)} header lines: labels would not line up")
    return starts


def score_window(samples: Path, window: dict[str, Any]) -> Window | None:
    from digest.distill.qa import MIN_QUESTION_CONFIDENCE, distill_group, few_reply_links
    from digest.distill.questions import judge_question
    from digest.sources import REGISTRY

    path = samples / window["file"]
    if not path.is_file():
        return None
    source = REGISTRY.get(window["format"])
    messages = [m for chat in source.read(path, lambda *_a: None) for m in chat.messages]
    numbers = _line_numbers(path, window["format"], len(messages))
    stem = path.name.split(".")[0]
    line = {m.id: numbers[i] if numbers else int(m.id) for i, m in enumerate(messages)}
    key = {m.id: f"{stem}:{line[m.id]}" for m in messages}
    low, high = window["lines"]
    inside = {key[m.id] for m in messages if low <= line[m.id] <= high}
    replies = _replies(messages) if few_reply_links(messages) else None
    result = distill_group(messages, {}, replies)
    found = {key[qa.question.id] for qa in result.qas} | {key[m.id] for m in result.unanswered}
    truth = {f"{stem}:{q}" for q in window["questions"]}
    judged = set()
    for m in messages:
        verdict = judge_question(m.text)
        if verdict.is_question and verdict.confidence >= MIN_QUESTION_CONFIDENCE:
            judged.add(key[m.id])
    return Window(
        window["file"],
        len(inside),
        Counts.of(found & inside, truth),
        Counts.of(judged & inside, truth),
        bool(window.get("held_out")),
    )


def _replies(messages: Sequence[Any]) -> dict[str, str]:
    try:  # the windowed reconstruction distill runs, where it exists
        from digest.distill.pergroup import reconstructed_replies
    except ImportError:  # pragma: no cover
        from digest.distill.threads import reconstruct as reconstructed_replies
    return dict(reconstructed_replies(messages))


# -- report -----------------------------------------------------------------------------------------


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True)
    except OSError:
        return "unknown"
    return out.stdout.strip() + (" (plus uncommitted work)" if dirty.stdout.strip() else "")


def _show(title: str, counts: Counts, verbose: bool) -> None:
    print(f"  {title}: {counts.line()}")
    if verbose:
        for what, ids in (("false alarms", counts.fp), ("missed", counts.fn)):
            if ids:
                print(f"      {what}: {', '.join(sorted(ids, key=_number))}")


def _number(text: str) -> tuple[str, int]:
    head, _, tail = text.rpartition(":")
    return (head, int(tail)) if tail.isdigit() else (text, 0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--verbose", action="store_true", help="list every miss and false alarm")
    parser.add_argument("--markdown", action="store_true", help="also print the rows of bench/README.md")
    args = parser.parse_args(argv)

    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    example = score_example(labels)
    print(f"Q&A quality, {date.today().isoformat()}, commit {_commit()}")
    print(f"\n1. Example community ({LABELS.name}: {len(labels['messages'])} records labelled)")
    _show("question detection (distill)", example.questions, args.verbose)
    _show("question detection (judge_question alone)", example.judged, args.verbose)
    print(
        f"  accepted answers: {example.accepted_right}/{example.threads} = {example.accepted:.3f} "
        f"(and accepted for the labelled reason: {example.accepted_how:.3f})"
    )
    _show("repeat merges", example.repeats, args.verbose)
    for later, earlier, sure in example.repeat_pairs:
        print(f"      merged {later} -> {earlier} (similarity {sure:.2f})")
    print(f"      most similar pair that is no repeat: {example.closest_other:.2f}")

    pairs = yaml.safe_load(PAIRS.read_text(encoding="utf-8"))["pairs"]
    cal = calibrate(pairs)
    repeats = sum(1 for p in pairs if p["repeat"])
    print(f"\n2. Repeat calibration ({PAIRS.name}: {repeats} repeats, {len(pairs) - repeats} near misses)")
    _show(f"merges at digest's threshold {cal.threshold:.2f}", cal.at_threshold, args.verbose)
    low, high = cal.best
    print(f"  best thresholds on the pairs: {low:.2f} to {high:.2f} ({cal.best_counts.line()})")
    print(f"  calibrated on one half, scored on the other: {cal.cross.line()}")
    if args.verbose:
        for repeat, sim, text in sorted(cal.similarity, key=lambda s: -s[1]):
            print(f"      {'repeat' if repeat else 'miss  '} {sim:.2f}  {text[:60]}")

    other = yaml.safe_load(OTHER.read_text(encoding="utf-8"))
    samples = (REPO / other["samples"]).resolve()
    windows = [w for w in (score_window(samples, spec) for spec in other["windows"]) if w is not None]
    print(f"\n3. Other communities ({OTHER.name})")
    if not windows:
        print(f"  skipped: {samples} is absent")
    groups = (
        ("WhatsApp team chat", [w for w in windows if "whatsapp" in w.name]),
        ("#ubuntu IRC", [w for w in windows if "irc" in w.name and not w.held_out]),
        ("#ubuntu IRC, held out", [w for w in windows if w.held_out]),
    )
    other_rows: list[tuple[str, str, Counts]] = []
    for name, group in groups:
        if not group:
            continue
        total = Counts(*(set().union(*(getattr(w.questions, a) for w in group)) for a in ("tp", "fp", "fn")))
        alone = Counts(*(set().union(*(getattr(w.judged, a) for w in group)) for a in ("tp", "fp", "fn")))
        size = sum(w.messages for w in group)
        print(f"  {name} ({size} messages, {len(total.tp) + len(total.fn)} questions)")
        _show("question detection (distill, replies reconstructed)", total, args.verbose)
        _show("question detection (judge_question alone)", alone, args.verbose)
        other_rows.append((f"{name} ({size} messages)", "question detection (distill)", total))
        other_rows.append((f"{name} ({size} messages)", "question detection (`judge_question` alone)", alone))

    if args.markdown:
        print("\n| set | measure | precision | recall | F1 / accuracy |\n|---|---|---:|---:|---:|")
        rows = [
            ("example", "question detection (distill)", example.questions),
            ("example", "question detection (`judge_question` alone)", example.judged),
            ("example", "repeat merges", example.repeats),
            ("repeat pairs", f"merges at threshold {cal.threshold:.2f}", cal.at_threshold),
            ("repeat pairs", "merges, calibrated on the other half", cal.cross),
            *other_rows,
        ]
        for set_name, measure, counts in rows:
            print(
                f"| {set_name} | {measure} | {counts.precision:.3f} | {counts.recall:.3f} | {counts.f1:.3f} |"
            )
        print(f"| example | accepted answers | | | {example.accepted:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
