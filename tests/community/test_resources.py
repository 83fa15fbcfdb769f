"""Links shared in chat: normalised, deduplicated, and credited when others used them."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from people_sites import EXAMPLE

from digest.distill.qa import distill_group
from digest.distill.resources import (
    Resource,
    Share,
    find_resources,
    links_in,
    merge_resources,
    normalise_url,
    resource_contributions,
)
from digest.model import Message, Reaction
from digest.sources.telegram import SOURCE


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        (
            "https://missing.csail.mit.edu/?utm_source=wechat&utm_medium=share",
            "https://missing.csail.mit.edu",
        ),
        ("https://missing.csail.mit.edu/", "https://missing.csail.mit.edu"),
        ("https://wesmckinney.com/book/", "https://wesmckinney.com/book"),
        ("HTTPS://Docs.Python.ORG:443/3/Library/#top", "https://docs.python.org/3/Library"),
        ("http://example.org:8080/a/?b=1&fbclid=x&c=2", "http://example.org:8080/a?b=1&c=2"),
        ("https://user:secret@example.org/x", "https://example.org/x"),
        ("javascript:alert(1)", None),
        ("ftp://example.org/file", None),
        ("https://", None),
        ("http://[::1", None),
    ],
)
def test_normalise_url(url: str, normal: str | None) -> None:
    assert normalise_url(url) == normal


def test_links_in_chat_text_end_where_the_sentence_does() -> None:
    text = "看这个 https://a.example/x，还有 (https://b.example/y). "
    text += "以及 https://c.example/p_(q) 和 javascript:alert(1)"
    assert links_in(text) == ["https://a.example/x", "https://b.example/y", "https://c.example/p_(q)"]


def example_resources() -> tuple[list[Resource], list[Message]]:
    messages = [m for chat in SOURCE.read(EXAMPLE, lambda where, msg: None) for m in chat.messages]
    qas = distill_group(messages, {}).qas
    return find_resources(messages, qas, {}), messages


def test_the_example_links_deduplicated() -> None:
    resources, _messages = example_resources()
    by_url = {r.url: r for r in resources}
    # ANSWER_KEY "Shared resources": 212 repeats 49 (trailing slash), 317 repeats 187 (utm_*).
    assert [s.message.id for s in by_url["https://wesmckinney.com/book"].shares] == ["49", "212"]
    assert [s.message.id for s in by_url["https://missing.csail.mit.edu"].shares] == ["187", "317"]
    # 294 (Priya's answer) repeats her own link 74; 237 (老周's answer) repeats his 155.
    assert [s.message.id for s in by_url["https://scikit-learn.org/stable/common_pitfalls.html"].shares] == [
        "74",
        "294",
    ]
    # 11 shared resources in the key, minus 2 repeats = 9; links inside answers add 20, 72, 181,
    # 210, 222, 257 (6 more URLs; 237 and 294 repeat 155 and 74): 15 resources.
    assert len(resources) == 15
    assert by_url["https://pandas.pydata.org/docs/user_guide/groupby.html"].qa_id is not None  # in thread 13


def test_sharers_of_used_links_are_credited_once_per_link() -> None:
    resources, _messages = example_resources()
    credited = sorted(
        (c.ref.rsplit("/", 1)[1], c.member_id.removeprefix("telegram:"))
        for c in resource_contributions(resources, {"resource_shared": 2})
    )
    # The 11 shares of the answer key, each reacted to by others; links inside answers do not count.
    assert [ref for ref, _who in credited] == sorted(
        ["10", "49", "74", "88", "138", "155", "187", "212", "225", "247", "317"]
    )


def _message(
    i: int, author: str, text: str, reply: str | None = None, reactions: tuple[Reaction, ...] = ()
) -> Message:
    when = datetime(2026, 1, 1, 0, i, tzinfo=UTC)
    return Message("telegram", "g", str(i), when, author, author, text, reply_to=reply, reactions=reactions)


def test_a_link_nobody_used_earns_nothing_and_used_means_by_someone_else() -> None:
    messages = [
        _message(1, "a", "my blog https://a.example/post"),
        _message(2, "a", "again https://a.example/post/", reactions=(Reaction("👍", 1, ("a",)),)),
        _message(3, "b", "see https://b.example"),
        _message(4, "c", "thanks!", reply="3"),
        _message(5, "d", "https://d.example"),
        _message(6, "e", "https://d.example?utm_campaign=x"),
    ]
    resources = find_resources(messages, [], {})
    credited = sorted(c.member_id for c in resource_contributions(resources, {"resource_shared": 2}))
    assert credited == ["telegram:b", "telegram:d"]  # thanked; shared again by someone else


def test_who_used_a_resource_is_read_from_the_last_shares_as_if_each_share_listed_them() -> None:
    """``used`` and ``again`` equal their definition: the members who shared it after a share
    (another than its sharer), with those who reacted or thanked, over any subset of shares."""
    rng = random.Random(12)
    for _round in range(300):
        people = [f"telegram:{p}" for p in "abcde"[: rng.randint(1, 5)]]
        messages = []
        for i in range(rng.randint(1, 9)):
            author = rng.choice(people).removeprefix("telegram:")
            likers = tuple(sorted({rng.choice("abcdef") for _ in range(rng.randint(0, 2))}))
            reactions = (Reaction("👍", len(likers), likers),) if likers else ()
            messages.append(_message(i, author, "https://x.example/page", reactions=reactions))
        resource = find_resources(messages, [], {})[0]

        def defined(share: Share, every: tuple[Share, ...] = resource.shares) -> set[str]:
            later = {s.member_id for s in every if s.order > share.order}
            return (later | set(share.direct)) - {share.member_id}

        for share in resource.shares:
            assert set(resource.used_by(share)) == defined(share)
            later = {s.member_id for s in resource.shares if s.order > share.order}
            assert share.again == bool(later - {share.member_id})
        shown = tuple(s for s in resource.shares if rng.random() < 0.6)  # a site shows some
        part = Resource(resource.url, resource.domain, shown, resource.tags, resource.last_shared)
        assert part.used == len(set().union(*(defined(s) for s in shown)))


def test_a_link_shared_in_two_groups_is_one_resource() -> None:
    def in_group(group: str, i: int, author: str, text: str) -> Message:
        when = datetime(2026, 1, 1, 0, i, tzinfo=UTC)
        return Message("telegram", group, str(i), when, author, author, text)

    alpha = find_resources([in_group("a", 1, "x", "https://pandas.pydata.org/docs/ read this")], [], {})
    beta = find_resources(
        [in_group("b", 0, "y", "https://pandas.pydata.org/docs"), in_group("b", 2, "z", "https://x.example")],
        [],
        {},
    )
    merged = merge_resources([*alpha, *beta])
    assert [r.url for r in merged] == ["https://pandas.pydata.org/docs", "https://x.example"]
    docs = merged[0]
    assert [(s.member_id, s.message.group_id, s.order) for s in docs.shares] == [
        ("telegram:y", "b", 0),
        ("telegram:x", "a", 1),
    ]
    assert docs.first.again and not docs.shares[1].again  # x shared it again, after y
    assert docs.used == 1 and docs.used_by(docs.first) == ("telegram:x",)
