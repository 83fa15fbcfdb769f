"""Curators: who improved ``content/``, read from its git history.

``git log`` runs in the docs folder, limited to it; each commit's author e-mail (after
``.mailmap``) is matched against the ``emails`` of member profiles. No git, no repository,
or no history yields no commits: a community without git simply has no curator board.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from digest.model import Contribution

GIT_TIMEOUT = 60  # seconds
_SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    email: str  # lower-case
    when: datetime


def content_commits(docs_dir: Path) -> list[Commit]:
    """Non-merge commits that touched ``docs_dir``, oldest first; [] without git history."""
    try:
        result = subprocess.run(
            ["git", "log", "--no-merges", "--reverse", f"--format=%H{_SEP}%aE{_SEP}%aI", "--", "."],
            cwd=docs_dir,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    commits: list[Commit] = []
    for line in result.stdout.splitlines():
        parts = line.split(_SEP)
        if len(parts) != 3:
            continue
        try:
            when = datetime.fromisoformat(parts[2])
        except ValueError:
            continue
        commits.append(Commit(parts[0], parts[1].strip().lower(), when))
    return commits


def curation_contributions(
    commits: Iterable[Commit], emails: Mapping[str, str], weight: int
) -> list[Contribution]:
    """``curation`` per commit by a member; ``emails`` maps a lower-case e-mail to a member id."""
    return [
        Contribution(emails[c.email], "curation", float(weight), c.when, f"commit/{c.sha[:12]}")
        for c in commits
        if c.email in emails
    ]
