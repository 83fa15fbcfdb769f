"""Shared fixtures: the shared sample exports, and small communities built on the fly."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def samples() -> Path:
    """The shared sample exports; AGPL/GPL/unlicensed ones are read from there, never copied."""
    if not SAMPLES.is_dir():
        pytest.skip(f"{SAMPLES} absent: AGPL/GPL/unlicensed samples are not copied into the repo")
    return SAMPLES


MKDOCS_YML = """\
site_name: Test community
docs_dir: content
theme:
  name: material
plugins:
  - search
  - digest:
      exports: [exports]
      tags:
        pandas: [merge, dataframe]
        git: [冲突, conflict]
markdown_extensions:
  - pymdownx.escapeall:
      hardbreak: false
      nbsp: false
  - tables
"""


def tg_message(
    i: int, author: str, text: Any, reply: int | None = None, *, minute: int | None = None, **extra: Any
) -> dict[str, Any]:
    """One Telegram Desktop JSON message; ``author`` doubles as the sender id."""
    t = 1788256800 + 60 * (minute if minute is not None else i)
    record: dict[str, Any] = {
        "id": i,
        "type": "message",
        "date_unixtime": str(t),
        "from": author,
        "from_id": f"user-{author}",
        "text": text,
    }
    if reply is not None:
        record["reply_to_message_id"] = reply
    record.update(extra)
    return record


BASIC_THREAD = [
    tg_message(1, "wang", "pandas 的 merge 和 join 有什么区别？"),
    tg_message(2, "ana", "merge 按列合并，join 默认按索引对齐。", 1),
    tg_message(3, "wang", "谢谢，解决了！", 2),
    tg_message(4, "kevin", "How do I resolve a git merge conflict?"),
    tg_message(5, "ana", "Edit the conflicted files, then git add and git commit.", 4),
    tg_message(6, "jie", "Or use git mergetool.", 4),
    tg_message(7, "kevin", "thanks, that works!", 5),
]


def write_community(
    root: Path,
    messages: list[dict[str, Any]] | None = None,
    title: str = "Test Group",
    *,
    mkdocs_yml: str = MKDOCS_YML,
    plugin_settings: str = "",
) -> Path:
    """Write a community folder (mkdocs.yml, exports/result.json, content/) at ``root``.

    ``plugin_settings`` is YAML appended under the digest plugin (indented by the caller's
    convention of six spaces), e.g. ``"      privacy:\n        profiles: opt_in\n"``.
    """
    (root / "exports").mkdir(parents=True, exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    if plugin_settings:
        mkdocs_yml = mkdocs_yml.replace(
            "      exports: [exports]\n", "      exports: [exports]\n" + plugin_settings
        )
    (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    export = {"name": title, "type": "private_supergroup", "id": 42, "messages": messages or BASIC_THREAD}
    (root / "exports" / "result.json").write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return root


@pytest.fixture
def community(tmp_path: Path) -> Callable[..., Path]:
    """Write a community folder (mkdocs.yml, exports/result.json, content/) and return it."""

    def make(messages: list[dict[str, Any]] | None = None, title: str = "Test Group", **options: Any) -> Path:
        return write_community(tmp_path / "community", messages, title, **options)

    return make


@pytest.fixture
def fork_contexts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The start methods of the worker pools made from now on (``"fork"`` for forked workers)."""
    import multiprocessing

    contexts: list[str] = []
    real = multiprocessing.get_context

    def spying(method: str | None = None) -> object:
        contexts.append(str(method))
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", spying)
    return contexts
