"""The bundled example community, copied into a test's folder."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COPY = ("mkdocs.yml", "content", "examples", "site_templates")


def copy_example(target: Path, *, content: bool = True) -> Path:
    """The example's settings, exports, templates and (unless ``content=False``: an empty
    folder) curated content/ in ``target``; returns ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COPY:
        source = REPO / name
        if name == "content" and not content:
            (target / name).mkdir()
        elif source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target
