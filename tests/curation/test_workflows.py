"""The CI workflows: shipped in the repository and written by `digest init`, valid for
actionlint, and every `digest ...` command they run exists with the options they pass."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from digest.cli import main
from digest.scaffold import workflow_files

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def actionlint() -> str:
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("actionlint is missing: pip install -e '.[test]' installs it")
        pytest.skip("actionlint is not installed (pip install -e '.[test]')")
    return found


def test_the_repository_ships_what_digest_init_writes() -> None:
    shipped = {f".github/workflows/{p.name}": p.read_text(encoding="utf-8") for p in WORKFLOWS}
    assert shipped == workflow_files()
    assert set(shipped) == {".github/workflows/check.yml", ".github/workflows/publish.yml"}


def test_actionlint_passes_on_both_workflows() -> None:
    result = subprocess.run(
        [actionlint(), "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def digest_commands(workflow: Path) -> list[list[str]]:
    """Every `digest ...` invocation in the workflow's run: scripts, as argument lists."""
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    found = []
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            for line in str(step.get("run", "")).splitlines():
                match = re.search(r"(?:^|[;&|]\s*)digest\s+(.*)$", line.strip())
                if match:
                    found.append(shlex.split(match.group(1)))
    return found


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_commands_exist_with_their_options(workflow: Path) -> None:
    commands = digest_commands(workflow)
    assert commands
    for args in commands:
        command = main.commands.get(args[0])
        assert isinstance(command, click.Command), f"{workflow.name}: no command `digest {args[0]}`"
        known = {opt for param in command.params for opt in getattr(param, "opts", [])}
        for arg in args[1:]:
            if arg.startswith("-"):
                assert arg.split("=")[0] in known, f"{workflow.name}: `digest {args[0]}` has no option {arg}"


def test_check_and_publish_do_what_they_promise() -> None:
    check = yaml.safe_load((REPO / ".github" / "workflows" / "check.yml").read_text(encoding="utf-8"))
    publish = yaml.safe_load((REPO / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    # PyYAML reads the key `on` as True (YAML 1.1).
    assert set(check[True]) == {"pull_request"}
    assert [c[:2] for c in digest_commands(REPO / ".github" / "workflows" / "check.yml")] == [
        ["check"],
        ["build", "--strict"],
    ]
    assert "schedule" in publish[True] and "workflow_dispatch" in publish[True]
    assert publish["concurrency"]["group"] == "publish"
    uses = [step.get("uses", "") for job in publish["jobs"].values() for step in job["steps"]]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert any(u.startswith(action + "@") for u in uses), action
    assert any(u.startswith("peter-evans/create-pull-request@") for u in uses)
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert publish["jobs"]["drafts"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert publish["permissions"] == {"contents": "read"}
