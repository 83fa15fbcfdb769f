"""Helpers shared by the curation tests: run the CLI, snapshot folders, grow the export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from digest.cli import main
from digest.pages.frontmatter import parse, render

MKDOCS_YML = """\
site_name: t
docs_dir: content
plugins:
  - digest:
      tags: {pandas: [dataframe]}
"""
"""The smallest mkdocs.yml with the plugin and a tag vocabulary."""


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: two equal snapshots are byte-identical trees."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def pages(root: Path, folder: str = "qa") -> dict[str, Path]:
    """Content pages by their front-matter id."""
    out = {}
    for path in sorted((root / "content" / folder).glob("*.md")):
        doc = parse(path)
        if "id" in doc.meta:
            out[str(doc.meta["id"])] = path
    return out


def set_meta(path: Path, **changes: Any) -> None:
    """Change front-matter keys as a curator would (None removes one); the page becomes edited."""
    doc = parse(path)
    meta = {**doc.meta, **changes}  # the old digest_hash stays, so it no longer matches
    path.write_text(render({k: v for k, v in meta.items() if v is not None}, doc.body, stamped=False))


def add_messages(root: Path, *messages: dict[str, Any]) -> None:
    export = root / "exports" / "result.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    data["messages"].extend(messages)
    export.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
