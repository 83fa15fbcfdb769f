"""Consent as curators record it under content/: member front matter and ``privacy.yml``.

A member opts out with ``opt_out: true`` in their profile's front matter or by being listed
in ``privacy.yml``; with ``profiles: opt_in`` a member opts in the same ways::

    # content/privacy.yml: who asked not to be named on the site.
    opt_out:
      - telegram:user123   # a member id, as in the profile's `id:` (exact)
      - 小王                # or a display name (every member going by that name)
    opt_in: []

Every problem is a ``path:line: message`` error; the file is read with ``yaml.safe_load``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from digest.config import DigestConfig
from digest.distill.privacy import Consent, Privacy
from digest.errors import ConfigError, ContentError
from digest.pages.frontmatter import MAX_CONTENT_BYTES, parse_pages

CONSENT_KEYS = ("opt_out", "opt_in")


def privacy_for(cfg: DigestConfig, docs_dir: Path) -> Privacy:
    """The privacy of one build: the ``privacy:`` settings plus the consent found in docs_dir."""
    p = cfg.privacy
    return Privacy(
        redact=tuple(p.redact),
        replacement=p.replacement,
        profiles=p.profiles,
        pseudonym=p.pseudonym,
        consent=load_consent(docs_dir, cfg.members_dir, p.consent_file),
        key=hash_key(p.key_env),
    )


def hash_key(variable: str) -> bytes:
    """The secret in environment variable ``variable`` (b"" when none is named).

    A named variable that is unset or empty is an error, not a fallback: pseudonyms and hashed
    ids made without the secret would differ from those already in content/.
    """
    if not variable:
        return b""
    secret = os.environ.get(variable, "")
    if not secret:
        raise ConfigError(
            f"privacy.key_env: the environment variable {variable} is not set; it holds the secret "
            "that keys pseudonyms and hashed ids, and must be the same wherever content/ is made"
        )
    return secret.encode("utf-8")


def load_consent(docs_dir: Path, members_dir: str, consent_file: str = "privacy.yml") -> Consent:
    """Opt-outs, opt-ins and curated names from member front matter and the consent file."""
    opt_out: set[str] = set()
    opt_in: set[str] = set()
    aliases: dict[str, tuple[str, ...]] = {}
    for doc in parse_pages(docs_dir / members_dir):
        meta = doc.meta
        if meta.get("id") is not None:
            member_id = str(meta["id"])
            for key, target in (("opt_out", opt_out), ("opt_in", opt_in)):
                value = meta.get(key) or False
                if not isinstance(value, bool):
                    raise ContentError(doc.path, _meta_line(doc.path, key), f"{key} must be true or false")
                if value:
                    target.add(member_id)
            more = meta.get("aliases") or []
            names = [meta.get("name"), meta.get("nickname"), *(more if isinstance(more, list) else [more])]
            aliases[member_id] = tuple(str(n) for n in names if isinstance(n, str | int) and str(n).strip())
    consent_path = docs_dir / consent_file
    if consent_path.is_file():
        listed = read_consent_file(consent_path)
        opt_out.update(listed["opt_out"])
        opt_in.update(listed["opt_in"])
    return Consent(frozenset(opt_out), frozenset(opt_in - opt_out), aliases)


def read_consent_file(path: Path) -> dict[str, list[str]]:
    """``privacy.yml``: a mapping with ``opt_out`` and ``opt_in`` lists of ids or names."""
    if path.stat().st_size > MAX_CONTENT_BYTES:
        raise ContentError(path, 1, f"file is larger than {MAX_CONTENT_BYTES} bytes")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(path, 1, f"not UTF-8 text ({exc.reason})") from None
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # only for line numbers
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(path, 1 + (mark.line if mark else 0), f"not valid YAML: {problem}") from None
    out: dict[str, list[str]] = {key: [] for key in CONSENT_KEYS}
    if data is None:
        return out
    if not isinstance(data, dict):
        raise ContentError(path, 1, f"expected a mapping with the keys {', '.join(CONSENT_KEYS)}")
    for key, value in data.items():
        line = _line(root, key)
        if key not in CONSENT_KEYS:
            raise ContentError(path, line, f"unknown key {key!r}; expected {' or '.join(CONSENT_KEYS)}")
        if value is None:
            continue
        if not isinstance(value, list):
            raise ContentError(path, line, f"{key} must be a list of member ids or names")
        for index, entry in enumerate(value):
            if not isinstance(entry, str) or not entry.strip():
                where = _line(root, key, index)
                what = "empty" if isinstance(entry, str) or entry is None else f"a {type(entry).__name__}"
                raise ContentError(
                    path, where, f"{key} entry {index + 1} is {what}; write the id or name in quotes"
                )
            out[key].append(entry.strip())
    return out


def _line(root: Any, key: str, index: int | None = None) -> int:
    """The 1-based line of ``key`` (or of its ``index``-th list item) in a composed YAML node."""
    if not isinstance(root, yaml.MappingNode):
        return 1
    for key_node, value_node in root.value:
        if key_node.value == key:
            if (
                index is not None
                and isinstance(value_node, yaml.SequenceNode)
                and index < len(value_node.value)
            ):
                return int(value_node.value[index].start_mark.line) + 1
            return int(key_node.start_mark.line) + 1
    return 1


def _meta_line(path: Path, key: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number
    return 2
