"""The ``digest`` command: parses arguments and calls the library; no logic of its own."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
import orjson

from digest import __version__
from digest.errors import DigestError

P = ParamSpec("P")
R = TypeVar("R")


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn any DigestError into one clean line on stderr and exit status 1."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DigestError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The community's mkdocs.yml.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
def main() -> None:
    """Turn group-chat exports into a curated, searchable knowledge-base site."""


@main.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", metavar="NAME", help="Force an importer instead of sniffing.")
@click.option("--dry-run", is_flag=True, help="Parse only; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="With --dry-run: print every message.")
@config_option
@user_errors
def import_command(
    paths: tuple[Path, ...], fmt: str | None, dry_run: bool, as_json: bool, config_file: Path
) -> None:
    """Import chat exports (files or folders) into the message store.

    With no PATHS, imports the `exports` listed in mkdocs.yml.
    """
    from digest import commands

    commands.run_import(list(paths), fmt, dry_run, as_json, config_file, _echo)


@main.command("distill")
@click.option("--refresh", metavar="ID", help="Regenerate this one page (Q&A or member id, or its path).")
@click.option("-y", "--yes", is_flag=True, help="With --refresh: write without asking.")
@config_option
@user_errors
def distill_command(refresh: str | None, yes: bool, config_file: Path) -> None:
    """Import new messages and write new Q&A drafts and member stubs into content/.

    A file a curator edited is never written again; a deleted one is written anew
    (set `hidden: true` to take a page off the site). --refresh ID regenerates one page on
    purpose, even an edited one: it shows the diff and asks first.
    """
    if refresh is not None:
        from digest import status

        status.run_refresh(config_file, refresh, yes, _echo, lambda q: click.confirm(q, default=False))
        return
    from digest import commands

    commands.run_distill_if_changed(config_file, _echo)


@main.command("build")
@click.option("--strict", is_flag=True, help="Fail on any MkDocs warning (e.g. a broken link).")
@config_option
@user_errors
def build_command(strict: bool, config_file: Path) -> None:
    """Import, distill and build the site; the previous site stays until the new one is complete."""
    from digest import commands

    commands.run_build(config_file, strict, _echo)


DAY = click.DateTime(["%Y-%m-%d"])


@main.command("points")
@click.option("--since", type=DAY, metavar="DATE", help="First day (UTC), inclusive.")
@click.option("--until", type=DAY, metavar="DATE", help="Last day (UTC), inclusive.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@config_option
@user_errors
def points_command(since: datetime | None, until: datetime | None, fmt: str, config_file: Path) -> None:
    """Print each member's points by rule for a period: the rewards ledger.

    Members without points in the period are left out; rows are ordered by points.
    """
    from digest import commands

    if since and until and until < since:
        raise click.BadParameter("--until is before --since", param_hint="--until")
    first, last = (since.date() if since else None), (until.date() if until else None)
    commands.run_points(config_file, first, last, fmt, _echo)


@main.command("serve")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@config_option
@user_errors
def serve_command(dev_addr: str, config_file: Path) -> None:
    """Distill, then preview the site with live reload."""
    from digest import commands

    commands.run_serve(config_file, dev_addr, _echo)


@main.command("search")
@click.argument("query")
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="How many.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every result.")
@config_option
@user_errors
def search_command(query: str, limit: int, as_json: bool, config_file: Path) -> None:
    """Search the Q&A, profiles and shared links; best first, the matches highlighted.

    QUERY takes words, "exact phrases" and the filters tag:NAME, author:NAME, group:NAME,
    after:DATE (on or after) and before:DATE (YYYY, YYYY-MM or YYYY-MM-DD). Finding nothing
    is not an error: the exit status is 0.
    """
    from digest.search import commands as search

    site, hits = search.run_search(config_file, query, limit)
    if as_json:
        _echo({"query": query, "results": [search.hit_json(h, site.site_url) for h in hits]})
        return
    bold = sys.stdout.isatty()  # matches in bold on a terminal, else **Markdown bold**
    for line in search.describe_hits(query, hits, search.marker(bold)):
        click.echo(line)


@main.command("ask")
@click.argument("question")
@click.option("-n", "--limit", default=1, show_default=True, type=click.IntRange(1, 10), help="How many.")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Answer only above this confidence (default: the calibrated threshold).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (answer is null if none).")
@config_option
@user_errors
def ask_command(
    question: str, limit: int, min_confidence: float | None, as_json: bool, config_file: Path
) -> None:
    """The answered Q&A most likely to answer QUESTION, with a confidence and its URL.

    Prints nothing but a note when no Q&A is close enough; the exit status is 0 either way
    (with --json, "answer" is null), so a chat bot can call it for every question.
    """
    from digest.search import commands as search

    threshold = search.ASK_THRESHOLD if min_confidence is None else min_confidence
    site, found = search.run_ask(config_file, question, limit, threshold)
    if as_json:
        answers = [search.suggestion_json(s, site.site_url) for s in found]
        answer = answers[0] if answers else None
        _echo({"question": question, "threshold": threshold, "answer": answer, "answers": answers})
        return
    for line in search.describe_suggestions(found, threshold):
        click.echo(line)


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for tools.",
)


@main.command("check")
@format_option
@config_option
@user_errors
def check_command(fmt: str, config_file: Path) -> None:
    """Check content/ for pull requests: front matter, references, merges and links.

    Prints one `path:line: message` per problem and exits with status 1 if there is any.
    Reads only content/ and mkdocs.yml; writes nothing.
    """
    import gc

    collecting = gc.isenabled()
    gc.disable()  # one short pass that frees what it makes by reference counting: ~10 % less CPU
    try:
        from digest import check

        report = check.check(config_file)
    finally:
        if collecting:
            gc.enable()
    if fmt == "json":
        _echo(report.as_json())
    else:
        for problem in report.problems:
            click.echo(str(problem))
        if not report.problems:
            click.echo(report.summary(), err=True)
    if report.problems:
        raise SystemExit(1)


@main.command("status")
@format_option
@config_option
@user_errors
def status_command(fmt: str, config_file: Path) -> None:
    """List Q&A pages and profiles as generated (digest's), edited (a curator's) or stale.

    Stale: the thread grew since the page was generated; the new messages are shown. An
    untouched page follows its thread at the next distill; an edited one only on request
    (`digest distill --refresh ID`).
    """
    from digest import status

    status.run_status(config_file, fmt == "json", _echo)


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--name", help="The site's name (default: from the folder's name).")
@click.option("--force", is_flag=True, help="Write into a folder that is not empty (replacing these files).")
@user_errors
def init_command(directory: Path, language: str, name: str | None, force: bool) -> None:
    """Create a new community in DIRECTORY: mkdocs.yml, content/, exports/, CI workflows.

    `digest build` works in it right away; put chat exports into exports/ and build again.
    """
    from digest import scaffold

    for path in scaffold.init(directory, language, name, force):
        click.echo(f"wrote {path}")
    click.echo(f"next: cd {directory}; check requirements.txt; put exports into exports/; digest build")


@main.command("links")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", metavar="NAME", help="Force an importer (e.g. irc) instead of sniffing.")
@user_errors
def links_command(path: Path, fmt: str | None) -> None:
    """Print the reconstructed reply links of one export: `A B -` per message (A replies to B).

    A == B starts a conversation. For IRC logs A and B are 0-based line numbers, the format
    of the IRC disentanglement annotations.
    """
    from digest.distill.links import file_links

    for line in file_links(path, lambda where, message: _echo(f"{path}: {where}: {message}", err=True), fmt):
        click.echo(line)


def _echo(line: str | dict[str, Any], err: bool = False) -> None:
    if isinstance(line, dict):
        sys.stdout.buffer.write(orjson.dumps(line) + b"\n")
        sys.stdout.flush()
    else:
        click.echo(line, err=err)


if __name__ == "__main__":  # pragma: no cover
    main()
