"""The ``digest`` command: parses arguments and calls the library; no logic of its own."""

from __future__ import annotations

import sys
from collections.abc import Callable
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
@config_option
@user_errors
def distill_command(config_file: Path) -> None:
    """Import new messages and write new Q&A drafts and member stubs into content/.

    A file a curator edited is never written again; a deleted one is written anew
    (set `hidden: true` to take a page off the site).
    """
    from digest import commands

    commands.run_distill(config_file, _echo)


@main.command("build")
@click.option("--strict", is_flag=True, help="Fail on any MkDocs warning (e.g. a broken link).")
@config_option
@user_errors
def build_command(strict: bool, config_file: Path) -> None:
    """Import, distill and build the site; the previous site stays until the new one is complete."""
    from digest import commands

    commands.run_build(config_file, strict, _echo)


@main.command("serve")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@config_option
@user_errors
def serve_command(dev_addr: str, config_file: Path) -> None:
    """Distill, then preview the site with live reload."""
    from digest import commands

    commands.run_serve(config_file, dev_addr, _echo)


def _echo(line: str | dict[str, Any], err: bool = False) -> None:
    if isinstance(line, dict):
        sys.stdout.buffer.write(orjson.dumps(line) + b"\n")
        sys.stdout.flush()
    else:
        click.echo(line, err=err)


if __name__ == "__main__":  # pragma: no cover
    main()
