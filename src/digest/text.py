"""Small text helpers shared by every stage: slugs, hashes, CJK detection."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

import orjson

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SLUG_DROP = re.compile(r"[^\w\u3400-\u9fff\uf900-\ufaff]+")
RESERVED = frozenset(
    # Windows device names (a file "con.md" cannot be created there), then digest's own pages.
    {"con", "prn", "aux", "nul", "conin", "conout", "clock"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
    | {"index", "search", "assets", "tags", "404", "sitemap"}
)
MAX_SLUG_BYTES = 180
"""A slug's UTF-8 length at most: with a suffix and ``.md`` it stays far below 255 bytes."""
URL_PATTERN = r"https?://[^\s<>\"'`\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+"
"""A bare http(s) URL in chat text; it ends at white space, quotes, angle brackets, CJK punctuation."""


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def short_hash(*parts: str, length: int = 8, key: bytes = b"") -> str:
    """A stable hex digest of the parts, for ids and disambiguation; with ``key``, an HMAC
    (nobody without the key can tell which parts give a digest)."""
    data = "\x1f".join(parts).encode("utf-8")
    if key:
        return hmac.new(key, data, hashlib.sha256).hexdigest()[:length]
    return hashlib.sha256(data).hexdigest()[:length]


def record_digest(value: object) -> str:
    """A hex digest of records' values: every field of the dataclasses, as orjson writes them
    (anything orjson does not know by its ``repr``)."""
    try:
        data = orjson.dumps(value, default=repr)
    except orjson.JSONEncodeError:  # a lone surrogate in chat text: slower, same meaning
        data = repr(value).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def slugify(text: str, limit: int = 60) -> str:
    """A safe, readable file-name stem: letters and digits of any script joined by dashes.

    Never empty, never ``.``/``..``, never a path separator or a hidden file, never a
    reserved name (Windows devices, digest's own pages), at most ``limit`` characters and
    ``MAX_SLUG_BYTES`` bytes. Chinese stays readable: ``上海-数据分析-小王`` -> ``上海-数据分析-小王``.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    slug = _SLUG_DROP.sub("-", text).replace("_", "-")
    slug = re.sub(r"-{2,}", "-", slug).strip("-")[: max(limit, 1)].strip("-")
    while len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        slug = slug[:-1].rstrip("-")
    if not slug:
        return "untitled"
    return f"{slug}-page" if slug in RESERVED else slug
