"""Train the reply-link ranker shipped in ``src/digest/data/links_model.json``.

    pip install lightgbm          # training only; digest itself scores the trees with numpy
    python bench/train_links.py [--data ../shared/samples/irc-disentanglement]

Reads only the ``train/`` files of the IRC disentanglement data (sorted), builds the pair
features of ``digest.distill.threads`` for every annotated line against its ``window``
earlier lines and "none", and fits LambdaMART (one query per message, the gold parents as
relevant) with fixed seeds in LightGBM's deterministic mode, so the same data gives the
same model. Stage 2 adds structure features read from stage 1's decisions; on the
training logs those decisions come from stage-1 models trained on the other folds, so
they are as noisy as on new data. It learns from the candidates within ``--train-margin``
of stage 1's best (and "none"), and is the average of ``--stage2-seeds`` models that each
see a share of the rows and features. The cascade's cuts are stored with the model: the
first ``--prune-trees`` trees of stage 1 pass the ``--prune-keep`` best candidates within
``--prune-margin`` on to the rest, stage 2 rescores those within ``--keep-margin`` of
stage 1's best. The trees are stored complete to a fixed depth, as ``threads.Forest``
reads them.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from digest.distill import threads
from digest.distill.links import FIRST_ANNOTATED, read_links
from digest.model import Message
from digest.sources import irc

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "samples" / "irc-disentanglement"
OUTPUT = HERE.parent / "src" / "digest" / "data" / threads.MODEL_RESOURCE
BIG = 3.0e38  # a threshold no feature reaches: padding nodes always go left


def load(folder: Path) -> list[Log]:
    """Each log of a folder with its gold parents (line -> earlier lines it replies to)."""
    out = []
    for path in sorted(folder.glob("*.ascii.txt")):
        chat = next(irc.read(path, lambda where, message: None))
        messages = list(chat.messages)
        gold: dict[int, set[int]] = {}
        for later, earlier in read_links(path.with_name(path.name.replace(".ascii.txt", ".annotation.txt"))):
            gold.setdefault(later, set()).add(earlier)
        if len(messages) <= FIRST_ANNOTATED or any(int(m.id) != k for k, m in enumerate(messages)):
            print(f"skipping {path.name}: unparseable lines shift the numbering", file=sys.stderr)
            continue
        out.append((path, messages, gold))
    return out


Log = tuple[Path, list[Message], dict[int, set[int]]]


def examples(
    logs: list[Log],
    window: int,
    names: Sequence[str],
    structure: Sequence[threads.Forest | None] | None = None,
    keep: int = 0,
    keep_margin: float = 0.0,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Feature rows, labels and query sizes for every annotated conversational message.

    With ``structure``, log ``k`` is first ranked by forest ``structure[k]`` (a model that
    did not see that log, so the structure is as noisy as on new data), and only the
    candidates a second stage would score (``keep``, ``keep_margin``) become rows.
    """
    xs, ys, sizes = [], [], []
    for k, (_path, messages, gold) in enumerate(logs):
        p = threads.prepare(messages)
        if structure is None:
            q = threads.pairs(p, FIRST_ANNOTATED, len(messages), window)
            x = threads.feature_matrix(p, q, (), names)
            i, j, valid = q.i, q.j, q.valid
        else:
            earlier = structure[k]
            if earlier is None:
                raise ValueError("no earlier stage for a log")
            later = threads.Forest.placeholder(names, window, keep, keep_margin)
            _parent, collected = threads.cascade(p, (earlier, later), p.text, collect=True)
            i = np.concatenate([c.i for c in collected])
            j = np.concatenate([c.j for c in collected])
            x = np.concatenate([c.x for c in collected])
            valid = i >= FIRST_ANNOTATED
        starts = np.flatnonzero(np.r_[True, i[1:] != i[:-1]]) if i.size else np.zeros(0, np.int64)
        for lo, hi in zip(starts, np.r_[starts[1:], i.size], strict=True):
            message = int(i[lo])
            parents = gold.get(message)
            if not parents or not p.text[message]:
                continue
            rows = np.arange(lo, hi)[valid[lo:hi]]
            label = np.isin(j[rows], sorted(parents))
            if not label.any():
                continue  # the gold parent is out of reach
            xs.append(x[rows])
            ys.append(label)
            sizes.append(int(rows.size))
    return np.concatenate(xs), np.concatenate(ys).astype(np.int32), np.array(sizes)


def complete(node: dict[str, Any], depth: int) -> tuple[list[int], list[float], list[float]]:
    """One LightGBM tree as complete arrays: features, thresholds (internal), leaf values."""
    inner = 2**depth - 1
    feature = [0] * inner
    threshold = [BIG] * inner
    leaf = [0.0] * (inner + 1)

    def fill(at: int, level: int, tree: dict[str, Any]) -> None:
        if "leaf_value" in tree:
            value = float(tree["leaf_value"])
            span = 2 ** (depth - level)
            first = (at + 1) * span - 1 - inner  # the leftmost leaf under this position
            for k in range(first, first + span):
                leaf[k] = value
            return
        if level >= depth:
            raise ValueError(f"tree deeper than {depth}")
        if tree.get("decision_type", "<=") != "<=":
            raise ValueError("only <= splits are supported")
        feature[at] = int(tree["split_feature"])
        threshold[at] = float(tree["threshold"])
        fill(2 * at + 1, level + 1, tree["left_child"])
        fill(2 * at + 2, level + 1, tree["right_child"])

    fill(0, 0, node)
    return feature, threshold, leaf


def fit(
    x: np.ndarray[Any, Any],
    y: np.ndarray[Any, Any],
    sizes: np.ndarray[Any, Any],
    args: Any,
    seed: int = 7,
    sample: float = 1.0,
) -> Any:
    """LambdaMART trees; with ``sample`` < 1 each tree sees that share of the rows and features."""
    import lightgbm as lgb  # training only

    params = {
        "objective": "lambdarank",
        "lambdarank_truncation_level": 3,
        "num_leaves": 2**args.depth - 1,
        "max_depth": args.depth,
        "learning_rate": args.learning_rate,
        "min_data_in_leaf": 50,
        "max_bin": 63,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 2,
        "verbose": -1,
    }
    if sample < 1.0:
        params.update(bagging_fraction=sample, bagging_freq=1, feature_fraction=sample)
    return lgb.train(params, lgb.Dataset(x, y, group=sizes), args.trees)


def export(
    booster: Any, names: Sequence[str], args: Any, x: np.ndarray[Any, Any], prune: bool = True
) -> dict[str, Any]:
    """A trained booster as a stage of the shipped model, checked against LightGBM's own scores."""
    features, thresholds, leaves = [], [], []
    for tree in booster.dump_model()["tree_info"]:
        f, t, v = complete(tree["tree_structure"], args.depth)
        features.append(f)
        thresholds.append(t)
        leaves.append([round(value, 7) for value in v])
    stage = {
        "features": list(names),
        "window": args.window,
        "depth": args.depth,
        "prune_trees": args.prune_trees if prune else 0,
        "prune_keep": args.prune_keep if prune else 0,
        "prune_margin": args.prune_margin if prune else 0.0,
        "keep": 0 if prune else args.keep,
        "keep_margin": 0.0 if prune else args.keep_margin,
        "trees": {"feature": features, "threshold": thresholds, "leaf": leaves},
    }
    sample = x[:: max(1, x.shape[0] // 20000)]
    gap = float(np.max(np.abs(threads.Forest.from_json(stage).score(sample) - booster.predict(sample))))
    if gap > 1e-4:
        raise SystemExit(f"numpy scoring differs from LightGBM by {gap}")
    return stage


def average(stages: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One stage whose score is the mean of the stages' scores: all their trees, leaves scaled."""
    share = 1.0 / len(stages)
    trees = {
        key: [row for stage in stages for row in stage["trees"][key]] for key in ("feature", "threshold")
    }
    trees["leaf"] = [
        [round(value * share, 7) for value in row] for stage in stages for row in stage["trees"]["leaf"]
    ]
    return {**stages[0], "trees": trees}


def compact(stage: dict[str, Any]) -> dict[str, Any]:
    """Thresholds as the shortest decimals of their float32 floors: the same splits, half the bytes."""
    floored = threads.Forest.from_json(stage).threshold
    short = [[float(np.format_float_scientific(value, unique=True)) for value in row] for row in floored]
    out = {**stage, "threshold_type": "float32", "trees": {**stage["trees"], "threshold": short}}
    if not np.array_equal(threads.Forest.from_json(out).threshold, floored):
        raise SystemExit("float32 thresholds do not round-trip")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--trees", type=int, default=300)
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--window", type=int, default=threads.WINDOW)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument(
        "--prune-trees", type=int, default=10, help="Stage 1: trees that score every candidate."
    )
    parser.add_argument(
        "--prune-keep", type=int, default=8, help="Stage 1: candidates the other trees score."
    )
    parser.add_argument(
        "--prune-margin", type=float, default=2.0, help="Stage 1: ... within this of its best."
    )
    parser.add_argument("--keep", type=int, default=0, help="Stage 2: stage 1's best candidates it scores.")
    parser.add_argument(
        "--keep-margin", type=float, default=2.0, help="Stage 2: ... within this of the best."
    )
    parser.add_argument(
        "--train-margin", type=float, default=3.0, help="Stage 2: trained on candidates within this."
    )
    parser.add_argument("--stages", type=int, default=2, choices=(1, 2))
    parser.add_argument("--stage2-seeds", type=int, default=3, help="Stage 2: models averaged.")
    parser.add_argument(
        "--stage2-sample", type=float, default=0.8, help="Stage 2: rows and features each tree sees."
    )
    parser.add_argument(
        "--folds", type=int, default=2, help="Split of the logs for honest stage-2 structure."
    )
    parser.add_argument("--fold-trees", type=int, default=150, help="Trees of the per-fold stage-1 models.")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    started = time.perf_counter()

    def say(what: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {what}", flush=True)

    logs = load(args.data / "train")
    base = threads.BASE_FEATURES
    stages = []
    if args.stages == 2:
        # Stage 2 first: it needs stage-1 models that did not see the log they structure.
        folds: list[threads.Forest | None] = [None] * len(logs)
        fold_args = argparse.Namespace(**{**vars(args), "trees": args.fold_trees})
        for fold in range(args.folds):
            rest = [logs[k] for k in range(len(logs)) if k % args.folds != fold]
            fx, fy, fs = examples(rest, args.window, base)
            forest = threads.Forest.from_json(export(fit(fx, fy, fs, fold_args), base, fold_args, fx))
            for k in range(fold, len(logs), args.folds):
                folds[k] = forest
            say(f"stage 1, fold {fold + 1} of {args.folds}: {args.fold_trees} trees")
        names = (*base, *(f.name for f in threads.FEATURES if f.name.startswith("s_")))
        x, y, sizes = examples(logs, args.window, names, folds, args.keep, args.train_margin)
        say(f"stage 2: {sizes.size} messages, {x.shape[0]} shortlisted candidate rows")
        seeds = range(7, 7 + args.stage2_seeds)
        sample = args.stage2_sample if args.stage2_seeds > 1 else 1.0
        stages.append(
            average([export(fit(x, y, sizes, args, seed, sample), names, args, x, False) for seed in seeds])
        )
        say(f"stage 2: {args.stage2_seeds} x {args.trees} trees")
    x, y, sizes = examples(logs, args.window, base)
    say(f"stage 1: {len(logs)} logs, {sizes.size} messages, {x.shape[0]} candidate rows")
    stages.insert(0, export(fit(x, y, sizes, args), base, args, x))
    say(f"stage 1: {args.trees} trees")
    model = {
        "format": threads.MODEL_FORMAT,
        "about": "LambdaMART reply-link ranker (bench/train_links.py; irc-disentanglement train/, CC BY 4.0)",
        "stages": [compact(stage) for stage in stages],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(orjson.dumps(model))
    say(f"wrote {args.output} ({args.output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
