"""Safe names and paths, and safe parsing: slugs, YAML, size, depth and zip limits."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from htmlcheck import FUZZ
from hypothesis import given
from hypothesis import strategies as st

from digest.errors import InputError
from digest.pipeline import import_file
from digest.sources import REGISTRY
from digest.sources.base import MAX_FILE_BYTES, check_size
from digest.store import open_store
from digest.text import MAX_SLUG_BYTES, RESERVED, slugify

SRC = Path(__file__).resolve().parents[2] / "src" / "digest"
WINDOWS_DEVICES = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}
names = st.one_of(
    st.text(),
    st.lists(st.sampled_from([*'./\\:*?"<>|_- .\t\n\x00Ａ𝒜', "..", "CON", "nul", "小王"])).map("".join),
    st.sampled_from(
        [
            "..",
            ".",
            "/",
            "\\",
            "../../etc/passwd",
            "CON",
            "com1",
            "LPT9",
            "Con.md",
            ".hidden",
            "index",
            "小王",
            "上海-数据分析-小王",
            "ﬁ",
            "x" * 500,
            "中" * 300,
        ]
    ),
)


@given(names, st.integers(min_value=1, max_value=200))
@FUZZ
def test_slugs_are_safe_file_names(text: str, limit: int) -> None:
    slug = slugify(text, limit=limit)
    assert slug and re.fullmatch(r"[^\W_]+(?:-[^\W_]+)*", slug), slug
    assert "/" not in slug and "\\" not in slug and ".." not in slug and not slug.startswith(".")
    assert slug not in RESERVED and slug not in WINDOWS_DEVICES
    assert len(slug) <= max(limit, len("untitled"), limit + len("-page"))
    assert len(slug.encode("utf-8")) <= MAX_SLUG_BYTES + len("-page")
    assert slugify(slug, limit=limit + 10) in (slug, f"{slug}-page")  # stable


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=30))
@FUZZ
def test_chinese_stays_readable(text: str) -> None:
    assert slugify(text) == text


@given(names)
@FUZZ
def test_a_slug_is_a_file_inside_its_folder(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    folder = tmp_path_factory.getbasetemp() / "slugs"
    folder.mkdir(exist_ok=True)
    path = folder / f"{slugify(text)}.md"
    assert path.resolve().parent == folder.resolve()
    path.write_text("ok", encoding="utf-8")


def test_only_safe_yaml_loading_in_the_code_base() -> None:
    """``yaml.safe_load`` (or the SafeLoader) only: no loader that can build Python objects."""
    unsafe = re.compile(
        r"yaml\.(load|load_all|full_load|full_load_all|unsafe_load|unsafe_load_all)\(|"
        r"Loader=yaml\.(Loader|FullLoader|UnsafeLoader)|\b(FullLoader|UnsafeLoader)\b"
    )
    found = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if unsafe.search(line)
    ]
    assert not found, found


def test_an_oversized_export_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    with path.open("wb") as fh:  # sparse: takes no disk space
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InputError, match="the limit is"):
        check_size(path)
    with open_store(tmp_path / "store.sqlite") as store, pytest.raises(InputError, match="the limit is"):
        import_file(store, path, REGISTRY.get("telegram"))  # a forced format is checked too


@pytest.mark.parametrize("source", REGISTRY.sources(), ids=[s.name for s in REGISTRY.sources()])
def test_deeply_nested_json_is_a_clean_error(tmp_path: Path, source: object) -> None:
    from test_fuzz_importers import consume, export_path

    data = b'{"messages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    consume(source, export_path(tmp_path, source, data))  # type: ignore[arg-type]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ZIP_SOURCES = [s for s in REGISTRY.sources() if ".zip" in s.extensions]


@pytest.mark.parametrize("source", ZIP_SOURCES, ids=[s.name for s in ZIP_SOURCES])
@pytest.mark.parametrize(
    "entries",
    [
        {"users.json": b"[]", "channels.json": b"[" + b" " * (64 * 1024**2) + b"]"},  # 1000:1, a bomb
        {"users.json": b"[]", "channels.json": b"[]", "../../escape.json": b"[]"},
        {"users.json": b"[]", "channels.json": b"[]", "/etc/passwd": b"x"},
    ],
    ids=["bomb", "parent-path", "absolute-path"],
)
def test_zip_limits(tmp_path: Path, source: object, entries: dict[str, bytes]) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(_zip(entries))
    with pytest.raises(InputError):
        for chat in source.read(path, lambda where, msg: None):  # type: ignore[attr-defined]
            list(chat.messages)
