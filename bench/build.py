"""The whole pipeline on a generated community: import, distill, site build, and their floors.

    python bench/build.py --messages 100000 --members 2000 --groups 4 [--format telegram|whatsapp]

Generates a community with ``bench/generate.py`` in a temporary folder, then times, in this
process (child processes' peak memory counted too):

- **import** into a fresh store: messages per second, and ``import_over_floor``: import time
  over the time of only parsing the same files with orjson with the garbage collector paused
  (the fastest JSON parse installed; for WhatsApp text, splitting the files into lines);
- **distill**: distilling the store and writing the Q&A and member drafts (``pages written``);
- **site**: ``mkdocs build`` with the digest plugin (the distilled knowledge handed over, as
  ``digest build`` does), and ``plugin_overhead``: that time over a plain ``mkdocs build`` of
  the same ``content/`` with a second mkdocs.yml without the plugin, same theme and search.
  Each build runs in a fresh Python process (timed from its first import of MkDocs), as
  ``digest build`` and ``mkdocs build`` run: neither inherits the other's warm imports,
  compiled theme templates or loaded jieba dictionary. The digest build comes after the
  nightly ``digest distill`` above, and reuses what that left in ``.digest/`` when it is up
  to date, as a real build would;
- **no-change rebuild**: import and distill again with nothing new; ``norebuild_fraction`` is
  its time over the first import and distill;
- **one new day** (``--new-day``): every group's export written again with one more day of
  messages (``generate.MESSAGES_PER_DAY`` each), then import and distill timed again, as a
  nightly build after a day of chat would run.

The last line is machine-readable::

    import_distill_s=.. import_over_floor=.. plugin_overhead=.. peak_rss_mb=.. norebuild_fraction=..

``--skip-site`` leaves the two site builds out (``plugin_overhead=nan``): at a million
messages the site has tens of thousands of pages. ``--skip-repeats`` leaves repeat detection
out (an opt-out for comparisons: the synthetic community repeats its ten topics, so with
repeats most Q&A join an earlier one and the site has far fewer Q&A pages).
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate

MKDOCS_YML = """\
site_name: Bench community
docs_dir: content
site_dir: {site_dir}
theme:
  name: material
  language: {language}
  font: false
plugins:
  - search:
      lang: {language}
{digest}markdown_extensions:
  - pymdownx.escapeall:
      hardbreak: false
      nbsp: false
  - tables
  - admonition
  - attr_list
"""
DIGEST_PLUGIN = """\
  - digest:
      exports: [exports]
      language: {language}
      tags:
        pandas: [merge, groupby, dataframe]
        python: [pip, venv]
        sql: [窗口函数, window function]
        visualization: [matplotlib]
        jupyter: [kernel, notebook]
        git: [冲突, conflict]
        docker: [container, 容器, image]
        machine-learning: [train/test, 标准化]
        encoding: [gbk, unicodedecodeerror, 乱码]
"""

PLAIN_NAV = """\
nav:  # the nav the digest plugin sets: a page per Q&A in the nav would make every page huge
  - Home: index.md
  - Questions: qa/index.md
  - Unanswered: unanswered.md
  - Tags: tags/index.md
  - People: people.md
  - Leaderboard: leaderboard.md
  - Points: points.md
  - Resources: resources.md
  - Digests: digests/index.md
  - Groups: groups/index.md
"""


@dataclass(slots=True)
class Figures:
    """What one run measured; seconds unless named otherwise."""

    messages: int = 0
    import_s: float = 0.0
    floor_s: float = 0.0
    knowledge_s: float = 0.0
    drafts_s: float = 0.0
    pages_written: int = 0
    qas: int = 0
    members: int = 0
    import_distill_rss_mb: float = 0.0
    site_s: float = float("nan")
    plain_s: float = float("nan")
    site_pages: int = 0
    rebuild_s: float = 0.0
    new_day_s: float = 0.0  # import + distill after one more day of messages (--new-day)
    notes: list[str] = field(default_factory=list)

    @property
    def distill_s(self) -> float:
        return self.knowledge_s + self.drafts_s

    @property
    def import_distill_s(self) -> float:
        return self.import_s + self.distill_s


def peak_rss_mb() -> float:
    """The highest resident set size of this process or any child it waited for, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports KiB


@contextmanager
def timed(into: Callable[[float], None]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into(time.perf_counter() - start)


def floor_seconds(files: list[Path], fmt: str) -> float:
    """Only parsing the exports: orjson with the collector paused, or splitting text into lines."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for path in files:
            raw = path.read_bytes()
            parsed: Any = orjson.loads(raw) if fmt == "telegram" else raw.splitlines()
            del parsed
        return time.perf_counter() - start
    finally:
        if was_on:
            gc.enable()


def write_community(root: Path, language: str) -> tuple[Path, Path]:
    """mkdocs.yml with the digest plugin, and plain.yml without it (same theme and search)."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    digest_yml = root / "mkdocs.yml"
    digest_yml.write_text(
        MKDOCS_YML.format(site_dir="site", language=language, digest=DIGEST_PLUGIN.format(language=language)),
        encoding="utf-8",
    )
    plain_yml = root / "plain.yml"
    plain = MKDOCS_YML.format(site_dir="plain-site", language=language, digest="") + PLAIN_NAV
    plain_yml.write_text(plain, encoding="utf-8")
    return digest_yml, plain_yml


def import_and_distill(
    config_file: Path, figures: Figures | None, stages: dict[str, float] | None = None
) -> float:
    """``digest distill`` as the command runs it (import, distill, drafts; nothing at all when
    no input changed since its last run); returns its seconds. ``stages`` hears each stage's
    seconds (``import``, ``knowledge``, ``drafts``: the drafts and everything after them)."""
    from digest.commands import run_distill_if_changed

    quiet: Callable[..., None] = lambda *args, **kwargs: None  # noqa: E731
    timings: dict[str, float] = {}
    start = time.perf_counter()
    outcome = run_distill_if_changed(config_file, quiet, timings)
    done = time.perf_counter()
    if stages is not None and "knowledge" in timings:
        stages["import"] = timings["import"] - start
        stages["knowledge"] = timings["knowledge"] - timings["import"]
        stages["drafts"] = done - timings["knowledge"]
    if figures is not None:
        assert outcome is not None, "the first distill of a new community always runs"
        knowledge, report = outcome
        figures.messages = knowledge.message_count
        figures.import_s = timings["import"] - start
        figures.knowledge_s = timings["knowledge"] - timings["import"]
        figures.drafts_s = done - timings["knowledge"]
        figures.pages_written = len(report.created) + len(report.updated)
        figures.qas = len(knowledge.qas)
        figures.members = len(knowledge.members)
    return done - start


def build_site(config_file: Path, with_knowledge: bool) -> int:
    """``mkdocs build`` of the community in this process; returns the number of HTML pages written."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from digest import config as settings
    from digest.commands import knowledge_for

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    mk = load_config(str(config_file))
    if with_knowledge:  # as `digest build` does: the knowledge distilled once is handed over
        _mk, cfg = settings.load(config_file)
        mk.plugins["digest"].knowledge = knowledge_for(config_file.parent, cfg, docs_dir=Path(mk.docs_dir))  # type: ignore[attr-defined]
    build(mk)
    return sum(1 for _ in Path(mk.site_dir).rglob("*.html"))


def build_site_apart(config_file: Path, with_knowledge: bool, skip_repeats: bool) -> tuple[int, float]:
    """:func:`build_site` in a fresh Python process: (HTML pages written, seconds it took)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--build-site", str(config_file)]
    command += ["--with-knowledge"] if with_knowledge else []
    command += ["--skip-repeats"] if skip_repeats else []
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"site build of {config_file} failed:\n{done.stderr}")
    pages, seconds = done.stdout.split()[-2:]
    return int(pages), float(seconds)


def run(args: argparse.Namespace, work: Path, echo: Callable[[str], None]) -> Figures:
    figures = Figures()
    root = work / "community"
    exports = root / "exports"
    with timed(
        lambda s: echo(
            f"generate: {args.messages:,} messages, {args.members:,} members, "
            f"{args.groups} groups ({args.format}) in {s:.1f} s"
        )
    ):
        files = generate.generate(exports, args.messages, args.members, args.groups, args.format, args.seed)
    size = sum(p.stat().st_size for p in files)
    digest_yml, plain_yml = write_community(root, args.language)
    for _ in range(2):  # the floor: best of two, the files warm in the page cache
        floor = floor_seconds(files, args.format)
        figures.floor_s = floor if not figures.floor_s else min(figures.floor_s, floor)
    first = import_and_distill(digest_yml, figures)
    figures.import_distill_rss_mb = peak_rss_mb()
    echo(
        f"import: {figures.messages:,} messages ({size / 1e6:.0f} MB) in {figures.import_s:.2f} s, "
        f"{figures.messages / figures.import_s:,.0f} messages/s; parse floor {figures.floor_s:.2f} s, "
        f"import/floor {figures.import_s / figures.floor_s:.2f}"
    )
    echo(
        f"distill: {figures.distill_s:.2f} s (knowledge {figures.knowledge_s:.2f} s, drafts "
        f"{figures.drafts_s:.2f} s): {figures.qas:,} Q&A, {figures.members:,} members, "
        f"{figures.pages_written:,} pages written"
    )
    echo(f"import + distill: {first:.2f} s, peak RSS {figures.import_distill_rss_mb:.0f} MB")
    figures.rebuild_s = import_and_distill(digest_yml, None)
    echo(
        f"no-change rebuild (import + distill): {figures.rebuild_s:.2f} s, "
        f"{figures.rebuild_s / first:.3f} of the first"
    )
    if args.new_day:
        more = args.messages + args.groups * generate.MESSAGES_PER_DAY
        generate.generate(exports, more, args.members, args.groups, args.format, args.seed)
        stages: dict[str, float] = {}
        figures.new_day_s = import_and_distill(digest_yml, None, stages)
        split = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stages.items())
        echo(
            f"one new day ({args.groups * generate.MESSAGES_PER_DAY:,} more messages, the exports "
            f"written again with them): import + distill {figures.new_day_s:.2f} s ({split}), "
            f"{figures.new_day_s / first:.3f} of the first"
        )
    if not args.skip_site:
        figures.site_pages, figures.site_s = build_site_apart(digest_yml, True, args.skip_repeats)
        plain_pages, figures.plain_s = build_site_apart(plain_yml, False, args.skip_repeats)
        echo(
            f"site: {figures.site_pages:,} pages in {figures.site_s:.1f} s with digest; plain mkdocs "
            f"build of the same content/: {plain_pages:,} pages in {figures.plain_s:.1f} s"
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--groups", type=int, default=4)
    parser.add_argument("--format", choices=("telegram", "whatsapp"), default="telegram")
    parser.add_argument("--language", choices=("en", "zh"), default="en")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-site", action="store_true", help="leave out the two site builds")
    parser.add_argument(
        "--skip-repeats",
        action="store_true",
        help="leave out repeat detection across all Q&A (an opt-out, for comparisons)",
    )
    parser.add_argument(
        "--new-day",
        action="store_true",
        help="then add one day of messages to every group and time import + distill again",
    )
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    parser.add_argument("--build-site", type=Path, help=argparse.SUPPRESS)  # one site build (child)
    parser.add_argument("--with-knowledge", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    def echo(line: str) -> None:
        print(line, flush=True)

    if args.skip_repeats:
        import digest.distill

        digest.distill.mark_repeats = lambda qas, _key, _cache=None: list(qas)  # type: ignore[assignment]
        if args.build_site is None:
            echo("repeat detection left out (--skip-repeats)")
    if args.build_site is not None:
        start = time.perf_counter()
        pages = build_site(args.build_site, args.with_knowledge)
        echo(f"{pages} {time.perf_counter() - start:.3f}")
        return 0
    load = os.getloadavg()
    echo(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    if args.keep is not None:
        shutil.rmtree(args.keep, ignore_errors=True)
        args.keep.mkdir(parents=True)
        figures = run(args, args.keep, echo)
    else:
        with tempfile.TemporaryDirectory(prefix="digest-bench-") as work:
            figures = run(args, Path(work), echo)
    load = os.getloadavg()
    echo(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    overhead = figures.site_s / figures.plain_s
    over_floor = figures.import_s / figures.floor_s
    echo(
        f"import_distill_s={figures.import_distill_s:.2f} import_over_floor={over_floor:.2f} "
        f"plugin_overhead={overhead:.2f} peak_rss_mb={peak_rss_mb():.0f} "
        f"norebuild_fraction={figures.rebuild_s / figures.import_distill_s:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
