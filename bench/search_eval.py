"""Search quality on the example community: MRR@10 and recall@3 for `digest search`,
`digest ask` and the site's own search, over the labelled queries in search_queries.yaml.

    python bench/search_eval.py            # builds the example site in a temporary folder
    python bench/search_eval.py --verbose  # also lists every query that missed

The site search runs the built site's search_index.json in headless Chromium through
Material's own search worker (the script the search box talks to), with the very query
strings a member would type. `digest ask` answers only above its confidence threshold; the
threshold is calibrated here on the same queries (the unanswerable ones included) and
printed, with a two-fold cross-check so the figure is not fitted to itself.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import shutil
import statistics
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
QUERIES = Path(__file__).with_name("search_queries.yaml")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass(frozen=True)
class Query:
    q: str
    lang: str
    style: str
    kind: str
    expect: tuple[str, ...]


def load_queries(path: Path = QUERIES) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Query(str(d["q"]), d["lang"], d["style"], d["kind"], tuple(d.get("expect") or ()))
        for d in data["queries"]
    ]


def joined(expect: tuple[str, ...], qa_folder: Path) -> tuple[str, ...]:
    """The labels with a Q&A that joined an earlier one as a repeat read as that one: its page
    redirects there, and that is the page a search must find."""
    from digest.pages.frontmatter import parse

    target: dict[str, str] = {}
    for page in qa_folder.glob("*.md"):
        meta = parse(page).meta
        if meta.get("repeat_of") and not meta.get("split"):
            target[str(meta["id"])] = str(meta["repeat_of"])
    return tuple(dict.fromkeys(target.get(i, i) for i in expect))


def build_example(folder: Path) -> Path:
    """Copy the example community into ``folder`` and build it with `digest build`."""
    from digest import commands

    for name in ("mkdocs.yml", "content", "examples", "site_templates"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        elif source.is_file():
            shutil.copy2(source, folder / name)
    config = folder / "mkdocs.yml"
    with contextlib.chdir(folder):
        commands.run_build(config, False, lambda *a, **k: None)
    return config


# -- measures -----------------------------------------------------------------------------------


def reciprocal_rank(ranked: Sequence[str], expect: Sequence[str], k: int = 10) -> float:
    for rank, item in enumerate(ranked[:k], 1):
        if item in expect:
            return 1.0 / rank
    return 0.0


def recall_at(ranked: Sequence[str], expect: Sequence[str], k: int = 3) -> float:
    return 1.0 if any(item in expect for item in ranked[:k]) else 0.0


@dataclass
class Scores:
    name: str
    rows: list[tuple[Query, list[str]]]

    def mrr(self, pick: Callable[[Query], bool] = lambda q: True) -> float:
        rows = [(q, r) for q, r in self.rows if pick(q)]
        return statistics.fmean(reciprocal_rank(r, q.expect) for q, r in rows) if rows else 0.0

    def recall(self, pick: Callable[[Query], bool] = lambda q: True) -> float:
        rows = [(q, r) for q, r in self.rows if pick(q)]
        return statistics.fmean(recall_at(r, q.expect) for q, r in rows) if rows else 0.0

    def misses(self) -> list[tuple[Query, list[str]]]:
        return [(q, r) for q, r in self.rows if reciprocal_rank(r, q.expect) < 1.0]


# -- the three searches -------------------------------------------------------------------------


def run_cli_search(config: Path, queries: Sequence[Query]) -> Scores:
    from digest.search.commands import run_search

    rows = []
    for query in queries:
        _site, hits = run_search(config, query.q, limit=10)
        rows.append((query, [h.id.partition(":")[2] for h in hits if h.kind == "qa"]))
    return Scores("digest search", rows)


def ask_candidates(config: Path, queries: Sequence[Query]) -> list[list[tuple[str, float]]]:
    """Every query's ranked (Q&A id, confidence), before any threshold."""
    from digest.search.commands import _site, refresh

    index, _report = refresh(_site(config))
    return [[(s.id, s.confidence) for s in index.ask(query.q, limit=10)] for query in queries]


def ask_scores(
    queries: Sequence[Query], candidates: Sequence[list[tuple[str, float]]], threshold: float
) -> Scores:
    rows = [
        (q, [i for i, c in found if c >= threshold]) for q, found in zip(queries, candidates, strict=True)
    ]
    return Scores("digest ask", rows)


def decision_accuracy(
    queries: Sequence[Query], candidates: Sequence[list[tuple[str, float]]], threshold: float
) -> float:
    """How often ask does the right thing: the right Q&A first, or silence when there is none."""
    right = 0
    for query, found in zip(queries, candidates, strict=True):
        answered = [i for i, c in found if c >= threshold]
        if query.expect:
            right += bool(answered) and answered[0] in query.expect
        else:
            right += not answered
    return right / len(queries)


def calibrate(queries: Sequence[Query], candidates: Sequence[list[tuple[str, float]]]) -> float:
    """The middle of the thresholds with the best decision accuracy (robust to small shifts)."""
    grid = [round(0.01 * i, 2) for i in range(0, 101)]
    accuracy = {t: decision_accuracy(queries, candidates, t) for t in grid}
    best = max(accuracy.values())
    plateau = [t for t in grid if accuracy[t] == best]
    return plateau[len(plateau) // 2]


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """The built site over HTTP on 127.0.0.1 (an ephemeral port), for as long as needed."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


SEARCH_JS = """
async ([worker, queries]) => {
  const index = await (await fetch("search/search_index.json")).json();
  const search = new Worker(worker);
  const send = message => new Promise(resolve => {
    search.onmessage = event => resolve(event.data);
    search.postMessage(message);
  });
  await send({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: false}}});
  const ranked = [];
  for (const query of queries) {
    const result = await send({type: 2, data: query});
    ranked.push(result.data.items.map(group => group[0].location.split("#")[0]));
  }
  search.terminate();
  return ranked;
}
"""


def run_site_search(site: Path, queries: Sequence[Query], urls: dict[str, str]) -> Scores | None:
    """Material's search worker, in headless Chromium, on the built site's own index."""
    if not Path(CHROMIUM).exists():
        return None
    from playwright.sync_api import sync_playwright

    worker = next((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    by_url = {url: qa_id for qa_id, url in urls.items()}
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            # Only the local server: the theme's web fonts and anything else stay unrequested.
            page.route(
                "**/*",
                lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
            )
            page.goto(base)
            found = page.evaluate(SEARCH_JS, [worker.relative_to(site).as_posix(), [q.q for q in queries]])
        finally:
            browser.close()
    rows = [(q, [by_url.get(loc, loc) for loc in locs]) for q, locs in zip(queries, found, strict=True)]
    return Scores("site search", rows)


def qa_urls(config: Path) -> dict[str, str]:
    """Q&A id -> site-relative URL, as the built site serves it."""
    from digest.search.commands import _site, refresh

    index, _report = refresh(_site(config))
    with index.searcher() as searcher:
        return {
            f["id"].partition(":")[2]: f["url"] for f in searcher.all_stored_fields() if f["kind"] == "qa"
        }


# -- report -------------------------------------------------------------------------------------


def line(scores: Scores, pick: Callable[[Query], bool] = lambda q: True) -> str:
    return f"MRR@10 {scores.mrr(pick):.3f}  recall@3 {scores.recall(pick):.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--verbose", action="store_true", help="list the queries that missed")
    parser.add_argument("--no-glossary", action="store_true", help="without the bilingual glossary")
    args = parser.parse_args(argv)
    if args.no_glossary:
        from digest.search import glossary

        glossary.synonyms = lambda term: frozenset()

    from digest.search.commands import ASK_THRESHOLD

    queries = load_queries()
    answerable = [q for q in queries if q.expect]
    none = [q for q in queries if not q.expect]
    zh = sum(q.lang == "zh" for q in answerable)
    en = len(answerable) - zh
    print(f"{len(answerable)} answerable queries ({zh} zh, {en} en), {len(none)} without an answer")

    with tempfile.TemporaryDirectory(prefix="digest-search-eval-") as tmp:
        config = build_example(Path(tmp))
        urls = qa_urls(config)
        qa_folder = config.parent / "content" / "qa"
        queries = [replace(q, expect=joined(q.expect, qa_folder)) for q in queries]
        answerable = [q for q in queries if q.expect]
        unknown = sorted({i for q in answerable for i in q.expect} - set(urls))
        if unknown:
            print(f"labels name Q&A the example does not have: {unknown}", file=sys.stderr)
            return 2
        results = [run_cli_search(config, answerable)]
        candidates = ask_candidates(config, queries)
        results.append(ask_scores(queries, candidates, ASK_THRESHOLD))
        site = run_site_search(config.parent / "site", answerable, urls)
        if site is not None:
            results.append(site)

    print()
    for scores in results:
        rows = [r for r in scores.rows if r[0].expect]
        scores = Scores(scores.name, rows)
        print(
            f"{scores.name:14} {line(scores)}   zh: {line(scores, lambda q: q.lang == 'zh')}"
            f"   en: {line(scores, lambda q: q.lang == 'en')}"
        )
    if site is None:
        print(f"site search     skipped: {CHROMIUM} not found (apt-get install chromium)")

    best = calibrate(queries, candidates)
    half = [queries[i::2] for i in (0, 1)]
    cands = [candidates[i::2] for i in (0, 1)]
    folds = [decision_accuracy(half[1 - i], cands[1 - i], calibrate(half[i], cands[i])) for i in (0, 1)]
    silent = sum(
        not [c for _i, c in found if c >= ASK_THRESHOLD]
        for q, found in zip(queries, candidates, strict=True)
        if not q.expect
    )
    print()
    print(
        f"ask threshold: code uses {ASK_THRESHOLD:.2f}, calibrated here {best:.2f}; decision accuracy "
        f"(right answer first, or silence) {decision_accuracy(queries, candidates, ASK_THRESHOLD):.3f} "
        f"(at {best:.2f}: {decision_accuracy(queries, candidates, best):.3f}); "
        f"two-fold (calibrate on one half, test on the other) {statistics.fmean(folds):.3f}; "
        f"silent on {silent}/{len(none)} unanswerable"
    )

    if args.verbose:
        for scores in results:
            print(f"\n{scores.name}: misses")
            for query, ranked in scores.misses():
                if query.expect:
                    about = f"[{query.lang} {query.kind}] {query.q!r}"
                    print(f"  {about}: expected {query.expect[0]}, got {ranked[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
