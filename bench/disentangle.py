"""Score digest's reply reconstruction on the IRC disentanglement dev set.

    python bench/disentangle.py [--data ../shared/samples/irc-disentanglement] [--split dev]

Each ``*.ascii.txt`` log goes through digest's IRC importer and ``reconstruct``; its links
(``A B -``, exactly what ``digest links`` prints) are scored against ``*.annotation.txt``
as the data's README and the paper's graph evaluation define it: a link is the pair of its
two line numbers, only annotated lines (>= 1000) count, precision = correct / predicted
links, recall = correct / gold links (a line may have several gold links), F1 their
harmonic mean, all summed over the files. Also prints the time per 1,000 messages
(import + reconstruction of every line, context included).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from digest.distill.links import LinkScore, file_links, parse_links, read_links, score_links

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "samples" / "irc-disentanglement"


def evaluate(folder: Path, disabled: tuple[str, ...] = ()) -> tuple[LinkScore, int, float, list[str]]:
    """Totals over a folder: the score, messages reconstructed, wall-clock seconds, per-file lines."""
    from digest.distill import threads
    from digest.distill.links import file_messages, link_lines

    total = LinkScore(0, 0, 0)
    messages = 0
    seconds = 0.0
    report: list[str] = []
    for log in sorted(folder.glob("*.ascii.txt")):
        started = time.perf_counter()
        if disabled:
            chat = file_messages(log, _quiet, "irc")
            lines = list(link_lines(chat, threads.reconstruct(chat, disabled=disabled)))
        else:
            lines = file_links(log, _quiet, "irc")
        seconds += time.perf_counter() - started
        messages += len(lines)
        gold = read_links(log.with_name(log.name.replace(".ascii.txt", ".annotation.txt")))
        score = score_links(gold, parse_links(lines))
        total += score
        report.append(f"  {log.name:<32} P {score.precision:5.1f}  R {score.recall:5.1f}  F1 {score.f1:5.1f}")
    return total, messages, seconds, report


def _quiet(where: str, message: str) -> None:
    """Unparseable lines are counted by the importer; the benchmark does not print them."""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--per-file", action="store_true", help="Also print each file's figures.")
    parser.add_argument(
        "--disable", action="append", default=[], metavar="NAME", help="Switch a rule or feature off."
    )
    args = parser.parse_args()
    folder = args.data / args.split
    if not folder.is_dir():
        print(f"no such folder: {folder}", file=sys.stderr)
        return 1
    cpu = time.process_time()
    total, messages, seconds, report = evaluate(folder, tuple(args.disable))
    cpu = time.process_time() - cpu
    if args.per_file:
        print("\n".join(report))
    print(
        f"files: {len(report)}  messages: {messages}  gold links: {total.gold}  predicted: {total.predicted}"
    )
    print(f"link precision: {total.precision:.1f}")
    print(f"link recall:    {total.recall:.1f}")
    print(f"link F1:        {total.f1:.1f}")
    per = 1000 / max(messages, 1)
    print(f"seconds per 1,000 messages: {seconds * per:.3f} (CPU time: {cpu * per:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
