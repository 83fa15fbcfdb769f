"""Everything a distill reads, as one fingerprint: when it has not moved, there is nothing to do.

The fingerprint covers the store (its identity and each group's revision, which grows with
every import that changes a message), the settings file, every file under ``content/`` and
``site_templates/`` (path, size and modification time: a curator's edit, a deleted draft,
a consent line), and digest's own files (a new version distills differently). Reading it
costs one ``stat`` per file, a fraction of a second for 50,000 pages, where reading the
distilled knowledge back costs seconds.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import orjson

from digest.pages.frontmatter import write_atomic
from digest.store import Store

PACKAGE = Path(__file__).resolve().parent


def fingerprint(store: Store, config_file: Path, folders: list[Path]) -> str:
    """A digest of the store's groups, the settings and the files under ``folders``."""
    digest = hashlib.sha256()
    digest.update(store.identity().encode())
    for row in store.conn.execute("SELECT platform, id, title, revision FROM groups ORDER BY platform, id"):
        digest.update(orjson.dumps(row))
    digest.update(config_file.read_bytes() if config_file.is_file() else b"")
    for folder in [*folders, PACKAGE]:
        digest.update(b"\0" + str(folder).encode())
        for entry in _files(folder):
            stat = entry.stat()
            digest.update(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _files(folder: Path) -> list[os.DirEntry[str]]:
    """Every file under ``folder`` (links followed as MkDocs does), in a stable order."""
    found: list[os.DirEntry[str]] = []
    if not folder.is_dir():
        return found
    stack = [str(folder)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name == "__pycache__":
                    continue
                if entry.is_dir():
                    stack.append(entry.path)
                elif entry.is_file():
                    found.append(entry)
    found.sort(key=lambda e: e.path)
    return found


def unchanged_since(stamp: Path, state: str) -> str | None:
    """The summary recorded with ``state`` by the last complete run, if its state was this one."""
    try:
        recorded = orjson.loads(stamp.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if isinstance(recorded, dict) and recorded.get("state") == state:
        return str(recorded.get("summary", ""))
    return None


def remember(stamp: Path, state: str, summary: str) -> None:
    """Record a complete run's inputs and what it printed."""
    write_atomic(stamp, orjson.dumps({"state": state, "summary": summary}).decode())
