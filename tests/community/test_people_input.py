"""Bad curated input, curators from git, and members with no messages or with thousands."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner
from people_sites import build

from conftest import tg_message
from digest import commands
from digest import config as settings
from digest.cli import main
from digest.pages.content import load_content
from digest.pages.curators import content_commits
from digest.pages.site import SiteModel
from digest.pages.templates import Templates

Community = Callable[..., Path]
ANA = """\
---
id: telegram:user-ana
name: Ana
skills: [SQL]
emails: [Ana@Example.org]
---

# Ana
"""


def points(root: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["points", "-f", str(root / "mkdocs.yml"), *args])


def write(root: Path, rel: str, text: str) -> None:
    path = root / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


EVENT = """\
---
id: meetup
title: Meetup
date: {date}
organisers:
  - telegram:user-ana
  - {who}
---
"""


def test_an_event_with_a_wrong_date_stops_the_build_naming_file_and_line(community: Community) -> None:
    root = community()
    write(root, "events/meetup.md", EVENT.format(date="soon", who="telegram:user-ana"))
    result = CliRunner().invoke(main, ["build", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "events/meetup.md:4: 'date' should be a date (YYYY-MM-DD), not 'soon'" in result.output


def test_an_unknown_organiser_is_an_error_on_its_line(community: Community) -> None:
    root = community()
    write(root, "events/meetup.md", EVENT.format(date="2026-09-01", who="telegram:user-nobody"))
    result = points(root)
    assert result.exit_code == 1
    assert "events/meetup.md:7: unknown member 'telegram:user-nobody' in 'organisers'" in result.output


def test_a_profile_field_of_the_wrong_type_is_an_error_on_its_line(community: Community) -> None:
    root = community()
    write(root, "members/ana.md", ANA.replace("skills: [SQL]", "skills: SQL"))
    result = points(root)
    assert result.exit_code == 1
    assert "members/ana.md:4: 'skills' should be a list of text, not 'SQL'" in result.output


def test_organisers_earn_points_once_the_event_took_place(community: Community) -> None:
    root = community()
    write(root, "events/meetup.md", EVENT.format(date="2026-09-01", who="telegram:user-kevin"))
    write(
        root,
        "events/later.md",
        EVENT.format(date="2027-01-01", who="telegram:user-kevin").replace("meetup", "later"),
    )
    result = points(root, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {m["id"]: m["points"]["event_organised"] for m in json.loads(result.stdout)["members"]}
    # BASIC_THREAD's newest message is 2026-09-01 (minute 7): the 2027 event has not happened yet.
    assert rows["telegram:user-ana"] == 10 and rows["telegram:user-kevin"] == 10


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> None:
    base = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root), **(env or {})}
    subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args], cwd=root, env=base, check=True, capture_output=True
    )


def commit(root: Path, email: str, when: str, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    git(root, "add", rel)
    who = {
        "GIT_AUTHOR_NAME": email,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": email,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    git(root, "commit", "-q", "-m", f"edit {rel}", env=who)


def test_curators_come_from_the_git_history_of_content(community: Community) -> None:
    root = community()
    write(root, "members/ana.md", ANA)
    git(root, "init", "-q")
    commit(root, "ana@example.org", "2026-09-01T08:00:00+00:00", "content/members/ana.md", ANA)
    commit(root, "ana@example.org", "2026-09-01T08:05:00+00:00", "content/qa/note.md", "# A note\n")
    commit(root, "stranger@example.org", "2026-09-01T08:10:00+00:00", "content/qa/other.md", "# Other\n")
    commit(root, "ana@example.org", "2026-09-01T08:20:00+00:00", "notes.txt", "outside content/\n")
    assert len(content_commits(root / "content")) == 3
    result = points(root, "--format", "json")
    assert result.exit_code == 0, result.output
    ana = next(m for m in json.loads(result.stdout)["members"] if m["id"] == "telegram:user-ana")
    assert ana["points"]["curation"] == 4  # two commits to content/ by her e-mail (any case), 2 each


def test_no_git_or_no_repository_means_no_commits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert content_commits(tmp_path) == []  # not a repository
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert content_commits(tmp_path) == []  # no git at all
    assert content_commits(tmp_path / "missing") == []


def test_members_with_no_messages_and_hostile_text_render(community: Community) -> None:
    hostile = "<img src=x onerror=alert(1)> & ]]>"
    messages = [
        tg_message(1, "ana", f"Hi all, I'm Ana from Berlin. Happy to help with SQL. {hostile}"),
        tg_message(2, "wang", f"What is {hostile} in pandas? see https://example.org/a?q=<b>&utm_source=x"),
        tg_message(3, "ana", "It's a merge artefact, read javascript:alert(1) never.", 2),
        tg_message(4, "wang", "thanks, that works!", 3),
        {
            "id": 5,
            "type": "service",
            "date_unixtime": "1788257200",
            "actor": hostile,
            "actor_id": "user-joiner",
            "action": "join_group_by_link",
            "text": "",
        },
    ]
    root = community(messages)
    write(
        root, "members/ghost.md", "---\nid: telegram:user-ghost\nname: Ghost\ncity: Nowhere\n---\n\n# Ghost\n"
    )
    site = build(root)
    ghost = (site / "members" / "ghost" / "index.html").read_text(encoding="utf-8")
    assert "Nowhere" in ghost and "digest-chart" not in ghost
    # ana, wang, the member who only joined (no message at all) and the ghost: all have a page.
    assert len(list((site / "members").glob("*/index.html"))) == 4
    pages = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    assert not any("<img src=x" in html or 'href="javascript:' in html for html in pages)
    qa = feedparser.parse((site / "qa.xml").read_bytes())
    assert not qa.bozo and hostile in qa.entries[0].title
    chart = re.search(
        r'<div class="digest-chart".*?</div>', (site / "members" / "ana" / "index.html").read_text()
    )
    assert chart is not None and "<script" not in chart.group(0)


def test_a_member_with_thousands_of_messages_renders(community: Community) -> None:
    messages: list[dict[str, Any]] = []
    for i in range(3000):  # one message every 6 hours: 750 days, about 108 weeks
        if i % 10 == 0:
            messages.append(tg_message(i + 1, f"asker{i % 7}", f"How do I merge frame {i}?", minute=360 * i))
        else:
            messages.append(
                tg_message(i + 1, "busy", f"Use merge on the key, case {i}.", i - i % 10 + 1, minute=360 * i)
            )
    root = community(messages)
    started = time.monotonic()
    knowledge, _report = commands.run_distill(root / "mkdocs.yml", lambda *a, **k: None)
    _mk, cfg = settings.load(root / "mkdocs.yml")
    model = SiteModel.build(knowledge, load_content(root / "content", "qa", "members"), cfg, Templates())
    pages = dict(model.pages())
    busy = model.member_activity("telegram:user-busy", model.members["telegram:user-busy"].uri)
    assert time.monotonic() - started < 30
    chart = re.search(r'<div class="digest-chart".*?</div>', busy)
    assert chart is not None and chart.group(0).count("<rect") == len(model.community().span()) > 100
    assert "<td>Messages</td>\n<td>2700</td>" in busy  # the activity section is ready HTML
    assert len([uri for uri in pages if uri.startswith("digests/20")]) == len(model.community().weeks())
