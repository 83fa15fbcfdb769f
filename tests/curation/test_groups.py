"""Several groups in one repository: a page and a leaderboard per group, private groups kept off."""

from __future__ import annotations

import json
from pathlib import Path

from curation_helpers import pages, run

from conftest import MKDOCS_YML, tg_message


def export(root: Path, name: str, group_id: int, messages: list[dict[str, object]]) -> None:
    data = {"name": name, "type": "private_supergroup", "id": group_id, "messages": messages}
    (root / "exports" / f"{group_id}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_group_pages_and_private_groups(tmp_path: Path) -> None:
    root = tmp_path / "multi"
    (root / "exports").mkdir(parents=True)
    (root / "content").mkdir()
    settings = "  - digest:\n      groups:\n        private: [Staff room]\n"
    (root / "mkdocs.yml").write_text(MKDOCS_YML.replace("  - digest:\n", settings), encoding="utf-8")
    export(
        root,
        "Pandas circle",
        1,
        [
            tg_message(1, "wang", "How do I merge two dataframes?"),
            tg_message(2, "ana", "Use pd.merge(left, right, on='key').", 1),
            tg_message(3, "wang", "thanks!", 2),
        ],
    )
    export(
        root,
        "Git circle",
        2,
        [
            tg_message(1, "kevin", "How do I undo a git commit?"),
            tg_message(2, "jie", "git reset --soft HEAD~1 keeps the changes.", 1),
            tg_message(3, "kevin", "thanks, that works!", 2),
        ],
    )
    export(
        root,
        "Staff room",
        3,
        [
            tg_message(1, "boss", "How do we pay the server bill?"),
            tg_message(2, "ana", "With the community card, as usual.", 1),
            tg_message(3, "boss", "thanks!", 2),
        ],
    )
    config = str(root / "mkdocs.yml")
    result = run("build", "-f", config)
    assert result.exit_code == 0, result.output
    assert "distilled 6 messages: 2 Q&A" in result.output  # the staff room is never distilled
    assert sorted(p.stem for p in (root / "content" / "members").glob("*.md")) == [
        "ana",
        "jie",
        "kevin",
        "wang",
    ]
    assert all("server bill" not in p.read_text(encoding="utf-8") for p in pages(root).values())

    site = root / "site"
    index = (site / "groups" / "index.html").read_text(encoding="utf-8")
    assert "Pandas circle" in index and "Git circle" in index and "Staff room" not in index
    pandas = (site / "groups" / "pandas-circle" / "index.html").read_text(encoding="utf-8")
    git = (site / "groups" / "git-circle" / "index.html").read_text(encoding="utf-8")
    assert "How do I merge two dataframes?" in pandas and "undo a git commit" not in pandas
    assert ">ana<" in pandas and ">jie<" not in pandas  # per-group leaderboards
    assert ">jie<" in git and ">ana<" not in git
    assert not list(site.rglob("*staff*"))
    assert "server bill" not in "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
