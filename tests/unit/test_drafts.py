"""Curator ownership: drafts are written once, an edit is never overwritten, hidden pages vanish."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from conftest import BASIC_THREAD, tg_message
from digest.cli import main
from digest.distill.qa import distill_group
from digest.model import Message
from digest.pages import drafts


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def qa_files(root: Path) -> dict[str, Path]:
    return {
        p.read_text(encoding="utf-8").split("\nid: ", 1)[1].split("\n", 1)[0]: p
        for p in sorted((root / "content" / "qa").glob("*.md"))
    }


def test_distill_writes_drafts_and_members(community: Callable[..., Path]) -> None:
    root = community()
    result = run("distill", "-f", str(root / "mkdocs.yml"))
    assert result.exit_code == 0, result.output
    assert "2 Q&A" in result.output
    assert len(qa_files(root)) == 2
    members = sorted(p.name for p in (root / "content" / "members").glob("*.md"))
    assert members == ["ana.md", "jie.md", "kevin.md", "wang.md"]


def test_curator_edit_survives_distill_and_build(community: Callable[..., Path]) -> None:
    root = community()
    config = str(root / "mkdocs.yml")
    run("distill", "-f", config)
    page = next(p for p in qa_files(root).values() if p.name.startswith("pandas"))  # its thread grows
    edited = page.read_text(encoding="utf-8").replace("\n# ", "\n# Curated: ", 1) + "\nA curator's note.\n"
    # Curator operations in front matter: a title override, verified, pinned.
    edited = edited.replace("\ntitle: ", "\ntitle: 'Curated title: ", 1).replace("\ngroup: ", "'\ngroup: ", 1)
    edited = edited.replace("\nstatus: draft\n", "\nstatus: verified\npin: true\nlast_verified: 2026-09-05\n")
    page.write_text(edited, encoding="utf-8")
    assert run("check", "-f", config).exit_code == 0
    # More messages arrive in the thread: the edited page must still not be touched.
    messages = [*BASIC_THREAD, tg_message(8, "jie", "You can also use df.join(other, on='key').", 2)]
    export = root / "exports" / "result.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    data["messages"] = messages
    export.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("distill", "-f", config)
    assert "1 edited by curators and kept" in result.output
    assert run("build", "-f", config).exit_code == 0
    assert page.read_text(encoding="utf-8") == edited
    html = (root / "site" / "qa" / page.stem / "index.html").read_text(encoding="utf-8")
    assert "A curator&rsquo;s note." in html or "A curator's note." in html
    assert "<title>Curated title: " in html and "2026-09-05" in html and "Unreviewed" not in html
    questions = (root / "site" / "qa" / "index.html").read_text(encoding="utf-8")
    assert "Pinned" in questions and "Curated title: " in questions
    # The thread grew: status says so, and still nothing rewrote the page.
    status = run("status", "-f", config).output
    assert f"content/qa/{page.name}: edited, stale: 1 new message: 8 (jie, " in status
    assert page.read_text(encoding="utf-8") == edited


def test_untouched_draft_follows_its_growing_thread(community: Callable[..., Path]) -> None:
    root = community()
    config = str(root / "mkdocs.yml")
    run("distill", "-f", config)
    export = root / "exports" / "result.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    data["messages"].append(tg_message(8, "jie", "df.join(other, on='key') also works.", 1))
    export.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("distill", "-f", config)
    assert "1 updated" in result.output
    assert any("df.join" in p.read_text(encoding="utf-8") for p in qa_files(root).values())


def test_hidden_page_is_off_the_site_and_deleted_page_comes_back(community: Callable[..., Path]) -> None:
    root = community()
    config = str(root / "mkdocs.yml")
    run("distill", "-f", config)
    pages = qa_files(root)
    hidden, deleted = sorted(pages.values())
    hidden.write_text(
        hidden.read_text(encoding="utf-8").replace("hidden: false", "hidden: true"), encoding="utf-8"
    )
    deleted.unlink()
    result = run("distill", "-f", config)
    assert "1 drafts created" in result.output
    assert deleted.exists()
    assert run("build", "-f", config).exit_code == 0
    site = root / "site"
    assert not (site / "qa" / hidden.stem).exists()
    assert (site / "qa" / deleted.stem / "index.html").exists()
    questions = (site / "qa" / "index.html").read_text(encoding="utf-8")
    assert title_of(deleted) in questions
    assert title_of(hidden) not in questions


def title_of(page: Path) -> str:
    return page.read_text(encoding="utf-8").split("\ntitle: ", 1)[1].split("\n", 1)[0]


def test_a_draft_names_the_people_it_shows_not_every_asker() -> None:
    """A page lists every later asking in its front matter (by id) but shows only the first
    ``ALSO_ASKED_SHOWN``, each with one reply: renaming anyone else renders nothing again.
    Names are not in its key: the manifest records every name, a draft the people it names."""
    start = datetime(2026, 3, 2, 8, tzinfo=UTC)

    def message(i: int, author: str, text: str, reply: int | None = None) -> Message:
        return Message(
            "telegram",
            "g",
            str(i),
            start + timedelta(hours=i),
            author,
            author,
            text,
            reply_to=str(reply) if reply else None,
        )

    messages = []
    for n in range(drafts.ALSO_ASKED_SHOWN + 5):
        messages.append(message(2 * n + 1, f"asker{n}", f"How do I merge dataframes in pandas, take {n}?"))
        messages.append(message(2 * n + 2, f"helper{n}", "Use pd.merge(a, b, on='id')", 2 * n + 1))
    root, *joined = distill_group(messages).qas
    assert len(joined) == drafts.ALSO_ASKED_SHOWN + 4
    names = {f"telegram:{who}{n}": f"{who} {n}" for who in ("asker", "helper") for n in range(30)}

    inputs = drafts._QAInputs(root, "qa/root.md", names, {}, {}, None, tuple(joined))
    renamed = {**names, "telegram:asker0": "Ana"}
    again = drafts._QAInputs(root, "qa/root.md", renamed, {}, {}, None, tuple(joined))
    assert again.key("code") == inputs.key("code")
    shown = inputs.people()
    assert {"telegram:asker0", "telegram:helper0"} <= shown  # the page itself
    assert {"telegram:asker1", "telegram:helper1"} <= shown  # the first asking shown
    last = drafts.ALSO_ASKED_SHOWN + 4
    assert not {f"telegram:asker{last}", f"telegram:helper{last}"} & shown  # an asking not shown
    assert len(shown) == 2 * (drafts.ALSO_ASKED_SHOWN + 1)
