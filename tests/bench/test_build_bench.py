"""bench/build.py runs end to end on a tiny community (a smoke test, never a timed one)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"
LAST_LINE = re.compile(
    r"import_distill_s=(?P<s>[\d.]+) import_over_floor=(?P<floor>[\d.]+) plugin_overhead=(?P<plugin>[\d.]+) "
    r"peak_rss_mb=(?P<rss>\d+) norebuild_fraction=(?P<rebuild>[\d.]+)"
)


def test_build_bench_prints_its_figures(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH / "build.py"), "--messages", "300", "--members", "40", "--groups", "2"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    for stage in ("import:", "distill:", "no-change rebuild", "site:"):
        assert any(line.startswith(stage) for line in lines), stage
    found = LAST_LINE.fullmatch(lines[-1])
    assert found is not None, lines[-1]
    assert float(found["s"]) > 0 and int(found["rss"]) > 0
    assert float(found["rebuild"]) < 1  # nothing new: less work than the first time


def generator() -> ModuleType:
    """bench/generate.py, imported as the benchmark imports it."""
    sys.path.insert(0, str(BENCH))
    try:
        import generate
    finally:
        sys.path.remove(str(BENCH))
    return generate


def test_whatsapp_export_has_interleaved_conversations_and_no_reply_links(tmp_path: Path) -> None:
    [path] = generator().generate(tmp_path, 2000, 60, 1, "whatsapp")
    text = path.read_text(encoding="utf-8")
    assert "reply_to" not in text
    assert re.search(r" - [^:]+: @\S+ ", text)  # some answers name the asker
    questions = sum(1 for line in text.splitlines() if line.rstrip().endswith(("?", "？")))
    assert 0.02 < questions / 2000 < 0.1  # about 5% of messages ask


def test_build_bench_times_one_new_day(tmp_path: Path) -> None:
    work = tmp_path / "work"
    command = [
        sys.executable,
        str(BENCH / "build.py"),
        "--messages",
        "300",
        "--members",
        "40",
        "--groups",
        "2",
    ]
    result = subprocess.run(
        [*command, "--skip-site", "--new-day", "--keep", str(work)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    day = next(line for line in result.stdout.splitlines() if line.startswith("one new day"))
    found = re.search(
        r"import \+ distill ([\d.]+) s \(import ([\d.]+) s, knowledge ([\d.]+) s, drafts ([\d.]+) s\), "
        r"[\d.]+ of the first$",
        day,
    )
    assert found, day
    total, *split = (float(x) for x in found.groups())
    assert abs(total - sum(split)) < 0.02  # the stages add up to the whole run
    exports = sorted((work / "community" / "exports").rglob("result.json"))
    written = sum(len(json.loads(p.read_text(encoding="utf-8"))["messages"]) for p in exports)
    per_day = generator().MESSAGES_PER_DAY
    assert per_day > 100 and written == 300 + 2 * per_day  # a day of messages more in each group
