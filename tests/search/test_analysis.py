"""The tokenizer: jieba words and English stems at consecutive positions, phrases in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.search.analysis import MixedTokenizer, analyze, terms
from digest.search.documents import SearchDoc
from digest.search.index import SearchIndex
from digest.search.query import parse


def tokens(text: str, mode: str = "query") -> list[tuple[str, int, int, int]]:
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in MixedTokenizer()(text, positions=True, chars=True, mode=mode)
    ]


def test_chinese_words_have_consecutive_positions_and_true_offsets() -> None:
    text = "如何创建 Python 虚拟环境？"
    found = tokens(text)
    assert [t[0] for t in found] == ["创建", "python", "虚拟环境"]  # 如何 is a stop word, ？ is dropped
    assert [t[1] for t in found] == [0, 1, 2]
    for term, _pos, start, end in found:
        assert text[start:end].lower() in (term, "python")


def test_index_mode_adds_the_parts_of_a_long_word_at_its_own_position() -> None:
    found = tokens("虚拟环境", mode="index")
    assert ("虚拟环境", 0, 0, 4) in found
    assert ("虚拟", 0, 0, 4) in found and ("环境", 0, 0, 4) in found


def test_english_is_lowercased_stemmed_and_stripped_of_punctuation() -> None:
    assert terms("Merging DataFrames, quickly!") == ["merg", "datafram", "quick"]
    assert terms("ｐａｎｄａｓ") == ["panda"]  # full-width letters fold to ASCII
    assert terms("Python3.11 和 3.10") == ["python3.11", "3.10"]
    assert terms("。，！？…") == []


def test_identifiers_are_found_by_their_parts() -> None:
    words = {w.text: extras for w, extras in analyze("UnicodeDecodeError", index=True)}
    assert words == {"unicodedecodeerror": ["unicod", "decod", "error"]}
    assert terms("train_test_split") == ["train", "test", "split"]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    ix = SearchIndex(tmp_path_factory.mktemp("phrases") / "search")
    docs = [
        SearchDoc(
            id="qa:zh",
            kind="qa",
            title="合并",
            url="qa/zh/",
            question="pandas 的 merge 和 join 有什么区别？",
            answer="我们用虚拟环境管理依赖，然后安装软件包。",
        ),
        SearchDoc(
            id="qa:zh2", kind="qa", title="环境", url="qa/zh2/", question="安装软件包之前先激活虚拟环境。"
        ),
        SearchDoc(
            id="qa:en",
            kind="qa",
            title="conflicts",
            url="qa/en/",
            question="How do I resolve a git merge conflict?",
            answer="Edit the conflicted files.",
        ),
        SearchDoc(
            id="qa:en2",
            kind="qa",
            title="order",
            url="qa/en2/",
            question="Conflict while merging: git said merge failed.",
        ),
    ]
    ix.update(docs)
    return ix


def found(index: SearchIndex, query: str) -> list[str]:
    return [hit.id for hit in index.search(parse(query))]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"虚拟环境管理依赖"', ["qa:zh"]),  # the words in that order, in one document only
        ('"安装软件包"', ["qa:zh", "qa:zh2"]),
        ('"软件包安装"', []),  # same words, other order
        ('"merge 和 join"', ["qa:zh"]),  # a stop word inside a phrase does not break it
        ('"git merge conflict"', ["qa:en"]),
        ('"merging conflicts"', ["qa:en"]),  # stems: merging -> merg, conflicts -> conflict
        ('"resolving a git merge"', ["qa:en"]),
        ('"git conflict merge"', []),  # same words, other order
        ('"resolve conflict"', []),  # words of the document, not next to each other
        ('"conflict while merging"', ["qa:en2"]),
    ],
)
def test_phrase_queries_in_both_languages(index: SearchIndex, query: str, expected: list[str]) -> None:
    assert sorted(found(index, query)) == sorted(expected)


def test_jiebas_own_analyzer_cannot_match_phrases(tmp_path: Path) -> None:
    """Why digest has its own tokenizer: jieba's positions are character offsets."""
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index as whoosh_index
    from whoosh.fields import TEXT, Schema
    from whoosh.query import Phrase

    ix = whoosh_index.create_in(str(tmp_path), Schema(body=TEXT(analyzer=ChineseAnalyzer(), phrase=True)))
    with ix.writer() as writer:
        writer.add_document(body="我们用虚拟环境管理依赖")
    with ix.searcher() as searcher:
        assert searcher.search(Phrase("body", ["虚拟环境", "管理"])).is_empty()
    assert [t.pos for t in ChineseAnalyzer()("虚拟环境管理", positions=True)] == [0, 2, 0, 4]
