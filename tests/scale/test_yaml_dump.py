"""Front matter written directly or with libyaml is byte for byte what PyYAML's own emitter writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.pages.frontmatter import (
    HASH_KEY,
    _dump_flat,
    _parse,
    dump_yaml,
    render,
    stamp_of,
    written_entry,
)

TEXT = st.text(
    alphabet=st.sampled_from([*"ab :-#'\"\\\n{}[],&*!|>%@`?", "中", "文", "\u00e9", "\u200b", "👍", "\t"]),
    max_size=120,
)
META = st.dictionaries(
    st.sampled_from(["id", "title", "tags", "source", "asked_at", "confidence", "hidden", "accepted"]),
    st.one_of(
        TEXT, st.lists(TEXT, max_size=4), st.none(), st.booleans(), st.floats(allow_nan=False), st.integers()
    ),
)


@settings(max_examples=400, deadline=None)
@given(META)
def test_dump_yaml_matches_safe_dump(meta: dict[str, Any]) -> None:
    assert dump_yaml(meta) == yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)


WORDY = st.text(  # the text of titles, ids and names: mostly written directly, without PyYAML
    alphabet=st.sampled_from([*"aZ09 .,:;#-_/'\"?!@%&*|>[]{}()`~+=<", "中", "：", "？", "\u00e9", "\u3000"]),
    max_size=60,
) | st.text(alphabet=st.sampled_from([*"ab #:-'", "\u2028"]), min_size=85, max_size=110)
FLAT = st.dictionaries(
    st.sampled_from(["id", "title", "tags", "source", "asked_at", "a b"]),
    st.one_of(
        WORDY,
        st.lists(WORDY, max_size=3),
        st.lists(  # records, as ``also_asked`` holds
            st.dictionaries(
                st.sampled_from(["id", "asker", "asked_at", "yes"]), WORDY | st.none(), max_size=3
            ),
            max_size=3,
        ),
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([float("inf"), float("nan"), 1e-05, 1e22]),
        st.sampled_from(
            ["5984", "1.0", "yes", "~", "2024-02-01", "2024-02-01T10:19:44+00:00", "1e3", "1:30", ""]
        ),
    ),
    max_size=4,
)


@settings(max_examples=1500, deadline=None)
@given(FLAT)
def test_flat_front_matter_is_written_as_pyyaml_writes_it(meta: dict[str, Any]) -> None:
    written = _dump_flat(meta)
    if written is not None:
        assert written == yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)


def test_a_draft_front_matter_is_written_without_pyyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    meta = {
        "id": "q-26b11f8bc5",
        "title": "pandas 读 csv 报 UnicodeDecodeError: 'utf-8' codec can't decode?",
        "group": "telegram/1000015",
        "asked_at": "2024-02-01T10:19:44+00:00",
        "answerers": ["telegram:user1001029", "wechat:小王"],
        "accepted": None,
        "source": ["5984", "5988"],
        "tags": [],
        "also_asked": [{"id": "q-1", "asker": "telegram:user7", "asked_at": "2024-02-02T08:00:00+00:00"}],
        "confidence": 0.66,
        "hidden": False,
        "count": 3,
    }
    expected = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("PyYAML was asked")

    monkeypatch.setattr(yaml, "safe_dump", refuse)
    monkeypatch.setattr(yaml, "dump", refuse)
    assert dump_yaml(meta) == expected
    assert "title: 'pandas 读 csv 报 UnicodeDecodeError: ''utf-8'' codec can''t decode?'" in expected


def test_front_matter_of_another_kind_goes_to_pyyaml() -> None:
    for meta in (
        {"yes": 1},
        {"k:": 1},
        {},
        {"a": {"b": 1}},
        {"a": 1e-05},
        {"a": "x\ny"},
        {"a": [1]},
        {"a": [{}]},
    ):
        assert _dump_flat(meta) is None, meta
        assert dump_yaml(meta) == yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)


EDGES = [
    *["", "a:", "a: b", ":a", "-a", "- a", "-", "?", ":", "?a", "? a", "a #b", "a#b", "#a", "it's", "'a"],
    *["5984", "1.0", "yes", "on", "null", "~", "2024-02-01", "0x1f", "1_000", ".5", "+1", "1e3", "1:30"],
    *["a  b", " a", "a ", "---a", "...", "<<", "=", "a,b", "[a]", "a[b]", "é", "中文：问题？", "a%b", "%a"],
    *["@a", "a@b", "!a", "a!b", "|a", ">a", "a|b", '"a"', 'a"b', "`a", "a`b", "*a", "&a", "NaN", ".inf"],
    *[("word " * 20)[:n] for n in range(90, 100)],
]


@pytest.mark.parametrize("text", EDGES)
def test_edge_texts_are_written_as_pyyaml_writes_them(text: str) -> None:
    for meta in ({"title": text}, {"tags": [text, "b"]}):
        assert dump_yaml(meta) == yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
        if len(text) < 80:
            assert _dump_flat(meta) is not None, meta  # written directly, not by PyYAML


@settings(max_examples=300, deadline=None)
@given(FLAT.filter(bool), TEXT)  # a draft always has front matter
def test_the_hash_line_is_read_without_parsing_as_parsing_reads_it(meta: dict[str, Any], body: str) -> None:
    text = render(meta, body)
    assert stamp_of(text) == _parse(Path("page.md"), text).meta[HASH_KEY]
    assert stamp_of(render(meta, body, stamped=False)) is None


@settings(max_examples=600, deadline=None)
@given(FLAT.filter(bool), TEXT)
def test_the_entry_of_a_page_just_written_is_what_parsing_it_gives(
    tmp_path_factory: pytest.TempPathFactory, meta: dict[str, Any], body: str
) -> None:
    path = tmp_path_factory.mktemp("written") / "page.md"
    text = render(meta, body)
    path.write_text(text, encoding="utf-8")
    fast = written_entry(path, text, meta)[2]
    parsed = _parse(path, text).slim()
    assert (fast.path, fast.meta, fast.body_line) == (parsed.path, parsed.meta, parsed.body_line)
    assert [type(v) for v in fast.meta.values()] == [type(v) for v in parsed.meta.values()]


def test_a_draft_front_matter_is_not_parsed_again_once_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    meta = {
        "id": "q-1",
        "title": "How: do I? 中文",
        "asked_at": "2024-02-01T10:19:44+00:00",
        "confidence": 0.86,
        "tags": ["pandas", "yes"],
        "also_asked": [
            {"id": f"q-{i}", "asker": "telegram:user1", "asked_at": "2024-02-02"} for i in range(3)
        ],
        "hidden": False,
    }
    text = render(meta, "# Title\n\nBody")
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    parsed = _parse(path, text).slim()
    monkeypatch.setattr("digest.pages.frontmatter._parse", lambda *a: pytest.fail("parsed again"))
    entry = written_entry(path, text, meta)[2]
    assert (entry.meta, entry.body_line) == (parsed.meta, parsed.body_line)
