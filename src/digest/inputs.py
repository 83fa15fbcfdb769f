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
_GROUPS = "SELECT platform, id, title, revision FROM groups ORDER BY platform, id"


class Inputs:
    """The store's groups, the settings and the files under ``folders``, digested as one
    fingerprint (:meth:`digest`); a run tells it the files it wrote (:meth:`wrote`) instead of
    listing every folder again."""

    def __init__(self, store: Store, config_file: Path, folders: list[Path]) -> None:
        head = hashlib.sha256(store.identity().encode())
        for row in store.conn.execute(_GROUPS):
            head.update(orjson.dumps(row))
        head.update(config_file.read_bytes() if config_file.is_file() else b"")
        self.head = head
        self.folders: dict[str, dict[str, tuple[int, int]]] = {}  # folder -> file -> size, mtime
        for folder in [*folders, PACKAGE]:
            files = self.folders.setdefault(str(folder), {})
            for entry in _files(folder):
                stat = entry.stat()
                files[entry.path] = (stat.st_size, stat.st_mtime_ns)

    def wrote(self, paths: list[Path]) -> None:
        """``paths`` were written (or removed) since: read their size and time again."""
        for path in paths:
            name = str(path)
            for folder, files in self.folders.items():
                if name.startswith(folder + os.sep):
                    try:
                        stat = os.stat(name)
                    except OSError:
                        files.pop(name, None)
                    else:
                        files[name] = (stat.st_size, stat.st_mtime_ns)

    def digest(self) -> str:
        digest = self.head.copy()
        for folder, files in self.folders.items():
            digest.update(b"\0" + folder.encode())
            for name in sorted(files):
                size, mtime = files[name]
                digest.update(f"{name}\0{size}\0{mtime}\n".encode())
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
