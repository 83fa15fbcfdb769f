"""One person, two accounts: a curator joins them through the profile's ``aliases``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from digest.cli import main
from digest.distill.identity import identity_map
from digest.pages.frontmatter import parse

CSV = (
    "timestamp,author,author_id,text,id,reply_to\n"
    "2026-09-02T10:00:00+00:00,Bob,bob,How do I read a parquet file in pandas?,p1,\n"
    "2026-09-02T10:05:00+00:00,Ana (forum),ana-forum,pd.read_parquet(path) with pyarrow installed.,p2,p1\n"
    "2026-09-02T10:06:00+00:00,Bob,bob,thanks that works,p3,p2\n"
)


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_identity_map_only_joins_known_accounts_and_never_chains() -> None:
    aliases = {"telegram:a": ["Ana", "generic:a2", "slack:ghost"], "generic:a2": ["generic:a3"]}
    known = ["telegram:a", "generic:a2", "generic:a3"]
    assert identity_map(aliases, known) == {"generic:a2": "telegram:a", "generic:a3": "telegram:a"}


def test_two_accounts_become_one_member(community: Callable[..., Path]) -> None:
    root = community()
    (root / "exports" / "forum.csv").write_text(CSV, encoding="utf-8")
    config = str(root / "mkdocs.yml")
    run("distill", "-f", config)
    members = root / "content" / "members"
    ana_page = next(p for p in members.glob("*.md") if parse(p).meta["id"] == "telegram:user-ana")
    forum_page = next(p for p in members.glob("*.md") if parse(p).meta["id"] == "generic:ana-forum")
    ana_page.write_text(
        ana_page.read_text(encoding="utf-8").replace("aliases: []", "aliases:\n- generic:ana-forum"),
        encoding="utf-8",
    )
    run("build", "--strict", "-f", config)
    site = root / "site"
    board = (site / "leaderboard" / "index.html").read_text(encoding="utf-8")
    # telegram: 2 answers (4) + 2 accepted (10) + 2 thanks (2); forum: answer 2 + accepted 5 + thanks 1
    assert board.count(f'href="../members/{ana_page.stem}/"') >= 1
    assert ">24<" in board
    assert f"members/{forum_page.stem}/" not in board
    redirect = (site / "members" / forum_page.stem / "index.html").read_text(encoding="utf-8")
    assert f"../{ana_page.stem}/" in redirect and 'http-equiv="refresh"' in redirect
