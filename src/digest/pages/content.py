"""The curated side: what content/ holds, indexed by the stable ids in front matter."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from digest.errors import ContentError
from digest.pages.frontmatter import Document, parse_pages


@dataclass(slots=True)
class ContentIndex:
    """Q&A pages and member profiles in docs_dir, by id; paths relative to docs_dir."""

    docs_dir: Path
    qa: dict[str, Document] = field(default_factory=dict)
    members: dict[str, Document] = field(default_factory=dict)

    def rel(self, doc: Document) -> str:
        """The page's path relative to docs_dir, with ``/`` (a string operation for the usual
        case: tens of thousands of pages are placed on every run)."""
        path, root = str(doc.path), str(self.docs_dir)
        if path.startswith(root) and path[len(root) : len(root) + 1] == os.sep and os.sep == "/":
            return path[len(root) + 1 :]
        return doc.path.relative_to(self.docs_dir).as_posix()


def load_content(docs_dir: Path, qa_dir: str, members_dir: str) -> ContentIndex:
    """Read every Q&A and member page's front matter; duplicate ids are an error."""
    index = ContentIndex(docs_dir)
    for folder, target in ((qa_dir, index.qa), (members_dir, index.members)):
        for doc in parse_pages(docs_dir / folder, skip=("index.md",)):
            doc_id = doc.meta.get("id")
            if doc_id is None:
                continue  # a curator's free page in the folder: fine, it is just a page
            key = str(doc_id)
            if key in target:
                other = target[key].path
                raise ContentError(doc.path, 2, f"id {key!r} is already used by {other}")
            target[key] = doc
    return index
