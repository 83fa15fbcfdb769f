"""Every command and every setting is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import click

from digest.cli import main
from digest.config import DigestConfig

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme() -> None:
    assert isinstance(main, click.Group)
    documented = set(re.findall(r"^\| `digest (\w+)", README, re.MULTILINE))
    assert set(main.commands) <= documented, set(main.commands) - documented


def test_every_setting_is_in_the_readme() -> None:
    keys = {name for name, _option in DigestConfig._schema}
    documented = set(re.findall(r"`(\w+)`", README))
    assert keys <= documented, keys - documented


def test_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in first_block.splitlines() if line and not line.startswith("#")]
    assert commands == [
        "pip install -e . && digest build",
        "pip install -e '.[test]' && python -m pytest",
    ]
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
