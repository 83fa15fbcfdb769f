"""``digest init DIR``: a new community in one command, ready for ``digest build``.

Writes mkdocs.yml (Material, the digest plugin, search tuned for Chinese or English),
content/ with a privacy page and the consent file, exports/ with a README on how to export
from each platform, the two GitHub workflows (pull-request check; nightly drafts, build and
Pages deploy), requirements.txt for CI and a .gitignore. There is no content/index.md: the
plugin generates the home page (recent Q&A, leaderboard) until curators write their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path

import jinja2

from digest import __version__
from digest.errors import DigestError
from digest.pages.frontmatter import write_atomic

LANGUAGES = ("en", "zh")
DEFAULT_NAMES = {"en": "{name} knowledge base", "zh": "{name} · 知识库"}


@dataclass(frozen=True, slots=True)
class Planned:
    """One file ``digest init`` writes: where (relative to DIR) and what."""

    path: str
    text: str


def scaffold_root() -> Traversable:
    return resources.files("digest") / "data" / "scaffold"


def workflow_files() -> dict[str, str]:
    """The shipped GitHub workflows: ``.github/workflows/NAME`` -> text."""
    folder = scaffold_root() / "github" / "workflows"
    return {
        f".github/workflows/{f.name}": f.read_text(encoding="utf-8")
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".yml")
    }


def plan(language: str = "en", name: str | None = None, folder_name: str = "community") -> list[Planned]:
    """Every file of a new community, rendered (nothing is written)."""
    if language not in LANGUAGES:
        raise DigestError(f"language {language!r}: expected one of {', '.join(LANGUAGES)}")
    root = scaffold_root()
    site_name = name or DEFAULT_NAMES[language].format(name=folder_name)
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["quote"] = lambda value: json.dumps(str(value), ensure_ascii=False)  # a YAML string

    def render(path: str, **context: str) -> str:
        return env.from_string((root / path).read_text(encoding="utf-8")).render(**context)

    files = [
        Planned("mkdocs.yml", render("mkdocs.yml.j2", name=site_name, language=language)),
        Planned("requirements.txt", render("requirements.txt.j2", requirement=requirement())),
        Planned(".gitignore", (root / "gitignore").read_text(encoding="utf-8")),
        Planned("exports/README.md", (root / "exports" / "README.md").read_text(encoding="utf-8")),
        Planned(
            "content/privacy.md", (root / "content" / f"privacy.{language}.md").read_text(encoding="utf-8")
        ),
        Planned("content/privacy.yml", (root / "content" / "privacy.yml").read_text(encoding="utf-8")),
    ]
    files.extend(Planned(path, text) for path, text in workflow_files().items())
    return files


def requirement() -> str:
    """How CI installs this digest: the VCS URL it came from, else a placeholder to edit."""
    try:
        raw = metadata.distribution("digest").read_text("direct_url.json")
        info = json.loads(raw or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        info = {}
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        return f"digest @ git+{info['url']}@{vcs.get('commit_id', '')}".rstrip("@")
    return f"# EDIT ME: where CI installs digest {__version__} from, e.g.\ndigest @ git+https://github.com/ORG/digest"


def init(directory: Path, language: str = "en", name: str | None = None, force: bool = False) -> list[Path]:
    """Write a new community into ``directory``; refuses a non-empty one unless ``force``."""
    if directory.exists() and not directory.is_dir():
        raise DigestError(f"{directory}: exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise DigestError(f"{directory}: not empty; use --force to write digest's files into it anyway")
    files = plan(language, name, directory.resolve().name)
    written = []
    for planned in files:
        path = directory / planned.path
        write_atomic(path, planned.text)
        written.append(path)
    for folder in ("content/qa", "content/members", "content/events"):
        (directory / folder).mkdir(parents=True, exist_ok=True)
    return written
