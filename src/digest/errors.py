"""One root for every error a user can cause; the CLI prints each as one clean line."""

from __future__ import annotations

from pathlib import Path


class DigestError(Exception):
    """Base of all user-facing errors: bad input, bad settings, a failed build."""


class InputError(DigestError):
    """A file that cannot be read as what it claims to be.

    ``where`` pins the spot: ``line 12``, ``message 4711``, ``offset 3081``.
    """

    def __init__(self, path: Path | str, message: str, where: str | None = None) -> None:
        self.path = str(path)
        self.where = where
        self.detail = message
        location = f"{self.path}: {where}" if where else self.path
        super().__init__(f"{location}: {message}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, str | None]]:
        return type(self), (self.path, self.detail, self.where)  # raised again across processes


class ConfigError(DigestError):
    """A wrong setting in mkdocs.yml, naming the key, what was expected and what was found."""


class ContentError(DigestError):
    """A problem in curator-owned Markdown under content/, reported as ``path:line: message``."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.detail = message
        super().__init__(f"{self.path}:{line}: {message}")

    def __reduce__(self) -> tuple[type[ContentError], tuple[str, int, str]]:
        return type(self), (self.path, self.line, self.detail)
