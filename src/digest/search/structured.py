"""schema.org ``QAPage`` structured data, so a web search for a question lands on its page.

The JSON is written for a ``<script type="application/ld+json">`` element: ``<``, ``>`` and
``&`` (and the JavaScript line separators) are ``\\u`` escapes, so chat text containing
``</script>`` or ``<!--`` cannot end the element early or open a comment.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from digest.search.documents import Post, QAPage

_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def safe_json(data: Any) -> str:
    """JSON that is inert inside an HTML ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _UNSAFE.items():
        text = text.replace(char, escape)
    return text


def script(data: Any) -> str:
    return f'<script type="application/ld+json">{safe_json(data)}</script>'


def _person(post: Post, profile_url: Callable[[str], str | None]) -> dict[str, Any] | None:
    if not post.author:
        return None
    person: dict[str, Any] = {"@type": "Person", "name": post.author}
    url = profile_url(post.author_uri) if post.author_uri else None
    if url:
        person["url"] = url
    return person


def _answer(post: Post, url: str, profile_url: Callable[[str], str | None]) -> dict[str, Any]:
    answer: dict[str, Any] = {"@type": "Answer", "text": post.text, "url": url}
    author = _person(post, profile_url)
    if author:
        answer["author"] = author
    if post.date:
        answer["dateCreated"] = post.date
    return answer


def qa_page(
    page: QAPage, url: str, asked_at: datetime | None, profile_url: Callable[[str], str | None]
) -> dict[str, Any]:
    """The ``QAPage`` of one Q&A: question, accepted and suggested answers, authors as shown."""
    answers = ([page.accepted] if page.accepted else []) + list(page.suggested)
    question: dict[str, Any] = {
        "@type": "Question",
        "name": page.title,
        "text": page.question.text or page.title,
        "answerCount": len(answers),
    }
    author = _person(page.question, profile_url)
    if author:
        question["author"] = author
    if asked_at is not None:
        question["dateCreated"] = asked_at.isoformat()
    elif page.question.date:
        question["dateCreated"] = page.question.date
    if page.accepted:
        question["acceptedAnswer"] = _answer(page.accepted, url, profile_url)
    if page.suggested:
        question["suggestedAnswer"] = [_answer(p, url, profile_url) for p in page.suggested]
    return {"@context": "https://schema.org", "@type": "QAPage", "url": url, "mainEntity": question}
