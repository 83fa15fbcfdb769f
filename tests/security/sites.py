"""Sites built once per session from exports full of XSS and Markdown-injection vectors.

Test modules import these fixtures; the two vector sites are built once and shared.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from htmlcheck import load_vectors

from conftest import MKDOCS_YML, tg_message, write_community
from digest.cli import main

# No web fonts: the browser test must not try to reach any host but 127.0.0.1.
SECURITY_YML = MKDOCS_YML.replace("  name: material\n", "  name: material\n  font: false\n")


def build(root: Path) -> Path:
    """``digest build`` a community folder; returns its site/ folder."""
    result = CliRunner().invoke(main, ["build", "-f", str(root / "mkdocs.yml")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


def vector_messages(vectors: list[str]) -> list[dict[str, Any]]:
    """Each vector as a member's name, in a question, in an answer and in an unanswered question."""
    messages: list[dict[str, Any]] = []
    for i, vector in enumerate(vectors):
        base = 10 * i
        asker = {"from_id": f"user{i}"}
        messages += [
            tg_message(base + 1, vector, f"{vector} how do I fix this?", **asker),
            tg_message(base + 2, f"helper{i % 3}", f"try this: {vector}", base + 1, from_id=f"helper{i % 3}"),
            tg_message(base + 3, vector, f"thanks, that works! {vector}", base + 2, **asker),
            tg_message(base + 4, "asker", f"为什么 {vector} 不行？", from_id="asker"),
        ]
    return messages


def second_group(vectors: list[str]) -> dict[str, Any]:
    """A second chat whose title is made of vectors (a community of two groups)."""
    title = " ".join(vectors[-6:])
    messages = [
        tg_message(9001, "lin", f"How do I read {vectors[0]} in a group title?", from_id="lin"),
        tg_message(9002, "ana", "Titles are escaped like everything else.", 9001, from_id="ana"),
        tg_message(9003, "lin", "thanks!", 9002, from_id="lin"),
    ]
    return {"name": title, "type": "private_supergroup", "id": 43, "messages": messages}


def write_vector_community(root: Path, vectors: list[str]) -> Path:
    write_community(root, vector_messages(vectors), title=" ".join(vectors[:6]), mkdocs_yml=SECURITY_YML)
    second = json.dumps(second_group(vectors), ensure_ascii=False)
    (root / "exports" / "second.json").write_text(second, encoding="utf-8")
    return root


def benign(vectors: list[str]) -> list[str]:
    """Harmless text in place of each vector, with what legitimately makes links and breaks."""
    out = [f"plain words number {i}" for i in range(len(vectors))]
    out[1] = "see https://example.org/docs/page for the docs"
    out[2] = "first line\nsecond line\n\nsecond paragraph"
    return out


_BUILT: dict[str, Path] = {}


def _once(name: str, factory: pytest.TempPathFactory, texts: list[str]) -> Path:
    if name not in _BUILT:
        _BUILT[name] = build(write_vector_community(factory.mktemp(name), texts))
    return _BUILT[name]


@pytest.fixture(scope="session")
def vectors() -> list[str]:
    found = load_vectors()
    assert len(found) >= 50
    return found


@pytest.fixture(scope="session")
def vector_site(tmp_path_factory: pytest.TempPathFactory, vectors: list[str]) -> Path:
    """The site of a community whose messages, names and group titles are all vectors."""
    return _once("vectors", tmp_path_factory, vectors)


@pytest.fixture(scope="session")
def baseline_site(tmp_path_factory: pytest.TempPathFactory, vectors: list[str]) -> Path:
    """The same community with harmless text: the elements and attributes our templates make."""
    return _once("baseline", tmp_path_factory, benign(vectors))


@pytest.fixture
def built(tmp_path: Path) -> Callable[..., Path]:
    """Build a small community from messages (and optional content/ files and settings)."""

    def make(
        messages: list[dict[str, Any]],
        *,
        title: str = "Test Group",
        files: dict[str, str] | None = None,
        plugin_settings: str = "",
    ) -> Path:
        root = write_community(
            tmp_path / "community", messages, title, mkdocs_yml=SECURITY_YML, plugin_settings=plugin_settings
        )
        for rel, text in (files or {}).items():
            (root / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / "content" / rel).write_text(text, encoding="utf-8")
        return build(root)

    return make
