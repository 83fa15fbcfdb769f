"""digest's cache pickles: records rebuilt by their constructors, paths from their text."""

from __future__ import annotations

import pickle
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from digest.pages.frontmatter import Document
from digest.pickling import dumps


@pytest.mark.parametrize(
    "path",
    [
        Path("/tmp/a b/ü.md"),
        Path("rel/x.md"),
        Path("."),
        Path("/"),
        PurePosixPath("/a/b"),
        PureWindowsPath(r"C:\a\b.md"),
    ],
)
def test_a_path_comes_back_the_same_path(path: object) -> None:
    back = pickle.loads(dumps(path, ()))
    assert back == path and type(back) is type(path)


def test_a_document_comes_back_equal_with_its_path_written_once() -> None:
    doc = Document(
        Path("/srv/community/content/qa/how-to-merge.md"), {"id": "q-1", "tags": ["pandas"]}, None, 9
    )
    data = dumps({"/srv/community/content/qa/how-to-merge.md": (10, 20, doc)}, (Document,))
    assert pickle.loads(data)["/srv/community/content/qa/how-to-merge.md"][2] == doc
    # the cache's key and the document's path as one text each (not the path part by part)
    assert data.count(b"/srv/community/content/qa/how-to-merge.md") == 2
