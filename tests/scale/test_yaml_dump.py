"""Front matter written with libyaml is byte for byte what PyYAML's own emitter writes."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.pages.frontmatter import dump_yaml

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
