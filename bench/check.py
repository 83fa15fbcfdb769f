"""Time `digest check` on a synthetic community of 5,000 content pages (the target: under 2 s).

    python bench/check.py [--pages 5000] [--edited 0.25] [--runs 3]

Writes into a temporary folder, as `digest distill` would: Q&A drafts with front matter and
links to member profiles (a share of them edited by curators, so the Markdown parser reads
them), the member profiles, a few events and free pages; then runs the real command,
`digest check -f .../mkdocs.yml`, in a fresh process (interpreter start and imports included)
and prints the best wall-clock time of a few runs. A clean community: check must find nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from digest.pages.frontmatter import render

TAGS = ["pandas", "python", "sql", "git", "docker", "jupyter", "career", "excel"]
MKDOCS_YML = """\
site_name: Bench community
docs_dir: content
theme:
  name: material
plugins:
  - search
  - digest:
      tags: {{{tags}}}
markdown_extensions:
  - tables
""".format(tags=", ".join(f"{t}: []" for t in TAGS))


def qa_page(i: int, members: list[str], rng: random.Random) -> tuple[dict[str, object], str]:
    asker, *answerers = rng.sample(members, 3)
    meta: dict[str, object] = {
        "id": f"q-{i:010x}",
        "title": f"Question {i}: how do I merge two dataframes on a key column?",
        "group": "telegram/42",
        "asked_at": f"2026-0{1 + i % 9}-1{i % 10}T10:00:00+00:00",
        "asker": asker,
        "answerers": answerers,
        "accepted": str(i * 10 + 1),
        "source": [str(i * 10 + k) for k in range(4)],
        "tags": rng.sample(TAGS, 2),
        "status": "draft",
        "confidence": 0.9,
        "hidden": False,
    }
    link = {m: f"[{m.split('-')[-1]}](../members/{m.split('-')[-1]}.md)" for m in (asker, *answerers)}
    body = (
        f"# Question {i}: how do I merge two dataframes on a key column?\n\n"
        f"Asked by {link[asker]} · 2026-09-01 · Bench group\n\n"
        "I have two tables with a shared \\`id\\` column and want one table; merge or join?\n\n"
        "## Accepted answer\n\n"
        f"{link[answerers[0]]} · 2026-09-01\n\n"
        "Use pd.merge\\(left, right, on=\\'id\\'\\): it aligns on the column, join aligns on the index.  \n"
        "See <https://pandas.pydata.org/docs/user_guide/merging.html> for every option.\n\n"
        "## Other answers\n\n"
        f"{link[answerers[1]]} · 2026-09-02\n\n"
        "df.join\\(other.set_index\\(\\'id\\'\\), on=\\'id\\'\\) works too, when the other side is indexed.\n"
    )
    return meta, body


def write_community(root: Path, pages: int, edited: float) -> None:
    rng = random.Random(42)
    docs = root / "content"
    members = [f"telegram:user-m{i}" for i in range(max(10, pages // 6))]
    for member in members:
        name = member.split("-")[-1]
        meta = {"id": member, "name": name, "city": "Berlin", "skills": ["pandas"], "opt_out": False}
        _write(docs / "members" / f"{name}.md", render(meta, f"# {name}\n"))
    events = 20
    for i in range(events):
        text = (
            f"---\nid: e-{i}\ntitle: Meetup {i}\ndate: 2026-10-{1 + i:02d}\n"
            f"organisers: [{members[i]}]\nlocation: Berlin\n---\n\n"
            f"# Meetup {i}\n\nSee [the questions](../qa/index.md).\n"
        )
        _write(docs / "events" / f"meetup-{i}.md", text)
    free = 10
    for i in range(free):
        _write(
            docs / f"guide-{i}.md",
            f"# Guide {i}\n\n[Tags](tags/index.md), [people](people.md), [home](index.md).\n",
        )
    for i in range(pages - len(members) - events - free):
        meta, body = qa_page(i, members, rng)
        text = render(meta, body)
        if rng.random() < edited:  # a curator's edit: the hash no longer matches
            text = text.replace(
                "\n## Accepted answer",
                "\nA curator's note, with [a link](../leaderboard.md).\n\n## Accepted answer",
            )
        _write(docs / "qa" / f"question-{i}.md", text)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--edited", type=float, default=0.25, help="share of Q&A pages edited by curators")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_community(root, args.pages, args.edited)
        count = sum(1 for _ in (root / "content").rglob("*.md"))
        times, cpus = [], []
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "digest.cli", "check", "-f", str(root / "mkdocs.yml")],
                capture_output=True,
                text=True,
                check=False,
            )
            times.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            if result.returncode != 0:
                sys.exit(f"digest check failed:\n{result.stdout}{result.stderr}")
        print(
            f"digest check: {count} pages ({args.edited:.0%} of Q&A edited) in {min(times):.2f} s wall "
            f"(best of {args.runs}: {', '.join(f'{t:.2f}' for t in times)}); "
            f"{min(cpus):.2f} s CPU in all its processes on {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}; target < 2 s"
        )


if __name__ == "__main__":
    main()
