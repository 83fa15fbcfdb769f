"""The bundled example community, built once per test session for the people and points tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main

REPO = Path(__file__).resolve().parents[2]
COPY = ("mkdocs.yml", "content", "examples", "site_templates")
EXAMPLE = REPO / "examples" / "community" / "result.json"


def copy_example(target: Path) -> Path:
    """The example community (mkdocs.yml, content/, the export) copied into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COPY:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(".digest", "site"))
        else:
            shutil.copy2(source, target / name)
    return target


def build(root: Path) -> Path:
    """``digest build`` in ``root``; returns its site/ folder."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        result = CliRunner().invoke(main, ["build", "-f", str(root / "mkdocs.yml")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


_BUILT: dict[str, Path] = {}


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example community's folder after `digest build` (its site is in ``site/``)."""
    if "example" not in _BUILT:
        root = copy_example(tmp_path_factory.mktemp("people-example"))
        build(root)
        _BUILT["example"] = root
    return _BUILT["example"]
