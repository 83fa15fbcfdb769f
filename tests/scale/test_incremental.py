"""Incremental work: store revisions, per-group distill cache, drafts manifest, parse cache."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.distill import distill_store, pergroup, repeats, weeks
from digest.model import Group, Kind, Message
from digest.pages.content import load_content
from digest.pages.drafts import write_drafts
from digest.pages.frontmatter import Document, parse, parse_pages, parsed_cache, seen_stat
from digest.pages.templates import Templates
from digest.pipeline import import_file
from digest.store import Store, open_store

T0 = datetime(2026, 9, 1, 9, tzinfo=UTC)
TAGS = {"pandas": ["merge"], "git": ["conflict"]}
WEIGHTS = {"answer": 2, "accepted_answer": 5, "thanks_received": 1, "question_answered": 1}
A = Group("telegram", "1", "Alpha")
B = Group("telegram", "2", "Beta")


def msg(group: Group, i: int, author: str, text: str, reply: int | None = None, **kw: object) -> Message:
    return Message(
        group.platform,
        group.id,
        str(i),
        T0 + timedelta(minutes=i),
        author,
        f"Berlin-dev-{author}" if author != "kim" else "kim",
        text,
        reply_to=str(reply) if reply else None,
        **kw,  # type: ignore[arg-type]
    )


def thread(group: Group, start: int) -> list[Message]:
    return [
        msg(group, start, "wang", "How do I merge two dataframes in pandas?"),
        msg(
            group, start + 1, "ana", "Use pd.merge(a, b, on='id'), see https://pandas.pydata.org/docs/", start
        ),
        msg(group, start + 2, "wang", "thanks, that works!", start + 1),
        msg(
            group, start + 3, "kim", "Hi all, I'm Kim from Berlin, working as a data engineer, happy to help."
        ),
        msg(group, start + 4, "kim", "joined", kind=Kind.JOIN),
    ]


def distill(store: Store, cache: Path | None) -> object:
    return distill_store(store, TAGS, WEIGHTS, cache=cache)


def test_revision_changes_only_with_the_messages(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(A, thread(A, 1))
        first = store.revision(A)
        store.add_messages(A, thread(A, 1))  # the same messages again: no change
        assert store.revision(A) == first
        store.add_messages(A, [msg(A, 1, "wang", "How do I merge two dataframes in pandas? (edited)")])
        assert store.revision(A) != first
        assert store.revision(B).endswith("/0")
    with open_store(tmp_path / "other.sqlite") as other:
        other.add_messages(A, thread(A, 1))
        assert other.revision(A) != first  # another store file: another identity


def test_an_untouched_export_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = Path(__file__).resolve().parents[1] / "fixtures" / "telegram" / "result_group.json"
    copy = tmp_path / "result.json"
    copy.write_bytes(export.read_bytes())
    with open_store(tmp_path / "s.sqlite") as store:
        assert import_file(store, copy).new == 44
        monkeypatch.setattr("digest.pipeline.content_hash", lambda path: pytest.fail("hashed again"))
        assert import_file(store, copy).unchanged
        os.utime(copy, ns=(1, 1))  # touched: hashed again, found unchanged by its content
        monkeypatch.undo()
        assert import_file(store, copy).unchanged


def test_cached_and_incremental_distill_equal_a_cold_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "distill"
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(A, thread(A, 1))
        store.add_messages(B, thread(B, 1) + thread(B, 10))
        cold = distill(store, None)
        assert distill(store, cache) == cold
        assert list(cache.glob("part-*.pickle")) == []  # weeks just distilled: only they are kept
        assert distill(store, cache) == cold
        assert len(list(cache.glob("part-*.pickle"))) == 2  # every week from the cache: the groups too

        calls: list[str] = []
        original = pergroup.distill_stored
        monkeypatch.setattr(
            pergroup,
            "distill_stored",
            lambda store, group, *args: calls.append(group.id) or original(store, group, *args),
        )
        searched = repeats.repeats_among
        monkeypatch.setattr(
            repeats, "repeats_among", lambda qas, **kw: calls.append("repeats") or searched(qas, **kw)
        )
        assert distill(store, cache) == cold
        assert [qa.repeat_of for qa in cold.qas].count(None) == 1  # type: ignore[attr-defined]
        assert calls == []  # nothing new: nothing distilled, the repeats found kept

        store.add_messages(B, thread(B, 20))  # one more day in one group
        warm = distill(store, cache)
        assert calls == ["2", "repeats"]  # only group B is distilled again
        assert warm == distill(store, None)
        assert len(list(cache.glob("part-*.pickle"))) == 1  # the stale part of B is gone
        assert distill(store, cache) == warm
        assert len(list(cache.glob("part-*.pickle"))) == 2


def test_chats_without_reply_links_get_reconstructed_replies(tmp_path: Path) -> None:
    chat = [
        Message("whatsapp", "w", "1", T0, "name:Wang", "Wang", "How do I resolve a git merge conflict?"),
        Message(
            "whatsapp",
            "w",
            "2",
            T0 + timedelta(minutes=1),
            "name:Ana",
            "Ana",
            "Wang: edit the file, then git add",
        ),
        Message(
            "whatsapp", "w", "3", T0 + timedelta(minutes=2), "name:Wang", "Wang", "Ana: thanks, that works!"
        ),
    ]
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(Group("whatsapp", "w", "W"), chat)
        knowledge = distill_store(store, TAGS, WEIGHTS)
    [qa] = knowledge.qas
    assert [a.message.id for a in qa.answers] == ["2"] and qa.accepted is not None


def test_reconstruction_in_chunks_covers_every_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weeks, "RECONSTRUCT_CHUNK", 7)
    chat = [
        Message("whatsapp", "w", str(i), T0 + timedelta(minutes=i), f"name:{i % 3}", str(i % 3), f"text {i}?")
        for i in range(30)
    ]
    parents = weeks.reconstructed(chat[:5], chat[5:])
    assert list(parents) == [m.id for m in chat[5:]]
    assert all(int(parents[m.id]) <= int(m.id) for m in chat[5:])
    assert int(parents["5"]) < 5 or parents["5"] == "5"  # the context before can be a parent


def test_drafts_manifest_skips_untouched_drafts_and_sees_edits(tmp_path: Path) -> None:
    docs = tmp_path / "content"
    manifest = tmp_path / "drafts.json"
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(A, thread(A, 1))
        knowledge = distill_store(store, TAGS, WEIGHTS)
    templates = Templates("en")

    def write() -> object:
        return write_drafts(
            knowledge, load_content(docs, "qa", "members"), templates, "qa", "members", manifest
        )

    first = write()
    files = {p: p.read_text(encoding="utf-8") for p in docs.rglob("*.md")}
    assert len(first.created) == len(files) == 4  # type: ignore[attr-defined]
    again = write()
    assert (again.unchanged, again.created, again.updated) == (4, [], [])  # type: ignore[attr-defined]
    assert {p: p.read_text(encoding="utf-8") for p in docs.rglob("*.md")} == files
    page = next((docs / "qa").glob("*.md"))
    page.write_text(page.read_text(encoding="utf-8").replace("status: draft", "status: verified"), "utf-8")
    edited = write()
    assert edited.kept_edited == [page]  # type: ignore[attr-defined]
    page.unlink()
    assert write().created == [page]  # type: ignore[attr-defined]


def test_drafts_manifest_renders_again_the_pages_naming_a_renamed_member(tmp_path: Path) -> None:
    """Names are not in a draft's key: the manifest records every member's name and profile
    link, and a rename renders again the pages that name them, no other."""
    docs = tmp_path / "content"
    manifest = tmp_path / "drafts.json"
    templates = Templates("en")
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(A, [*thread(A, 1), *thread(A, 100)[:3]])
        write_drafts(
            distill(store, None), load_content(docs, "qa", "members"), templates, "qa", "members", manifest
        )  # type: ignore[arg-type]
        pages = {p: p.read_text(encoding="utf-8") for p in docs.rglob("*.md")}
        renamed = Message("telegram", "1", "300", T0 + timedelta(days=1), "ana", "Ana-mentor", "morning all")
        newcomer = Message("telegram", "1", "301", T0 + timedelta(days=1, minutes=1), "zoe", "Zoe", "hello")
        store.add_messages(A, [renamed, newcomer])
        knowledge = distill(store, None)

    def write() -> object:
        return write_drafts(
            knowledge, load_content(docs, "qa", "members"), templates, "qa", "members", manifest
        )  # type: ignore[arg-type]

    report = write()
    changed = {p for p, text in pages.items() if p.read_text(encoding="utf-8") != text}
    naming_ana = {p for p in docs.glob("qa/*.md") if "Ana-mentor" in p.read_text(encoding="utf-8")}
    assert len(naming_ana) == 2 and changed == {*naming_ana, docs / "members" / "ana.md"}
    assert sorted(report.updated) == sorted(changed)  # type: ignore[attr-defined]
    assert [p.name for p in report.created] == ["zoe.md"]  # type: ignore[attr-defined]
    again = write()
    assert (again.created, again.updated, again.unchanged) == ([], [], len(pages) + 1)  # type: ignore[attr-defined]
    first_page = str(next(iter(pages)))
    for older in ('{"' + first_page + '": ["old", 1, 2]}', "[1, 2]", "not json"):
        manifest.write_text(older, encoding="utf-8")  # an older manifest, or a damaged one
        report = write()
        assert (report.created, report.updated, report.unchanged) == ([], [], len(pages) + 1)  # type: ignore[attr-defined]
        assert '"people"' in manifest.read_text(encoding="utf-8")


def test_parse_cache_returns_what_parsing_returns(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("---\nid: a\ntitle: One\n---\n\nBody\n", encoding="utf-8")
    cache = tmp_path / "content.pickle"

    def seen(doc: Document) -> tuple[object, ...]:
        return (doc.path, doc.meta, doc.body, doc.body_line, dict(doc.lines))

    with parsed_cache(cache):
        first = parse(page)
    assert seen(first) == seen(parse(page))
    with parsed_cache(cache) as parsed:
        cached = parse(page)
        assert not parsed.changed  # read from the cache file
        assert cached.body_text is None and cached.key_lines is None  # only the front matter kept
        assert seen(cached) == seen(first)  # the body and key lines are read again when asked
    page.write_text("---\nid: a\ntitle: Two, longer\n---\n\nBody\n", encoding="utf-8")
    with parsed_cache(cache):
        assert parse(page).meta["title"] == "Two, longer"
    page.unlink()
    with parsed_cache(cache) as parsed:
        pass
    assert parsed.entries == {}


@pytest.mark.parametrize("where", ["absolute", "relative", "here"])
def test_a_folder_parsed_through_the_cache_is_the_folder_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    pages = tmp_path / "qa"
    pages.mkdir()
    for i in range(5):
        (pages / f"p{i}.md").write_text(f"---\nid: p{i}\ntitle: Page {i}\n---\n\nBody\n", encoding="utf-8")
    (pages / "index.md").write_text("no front matter\n", encoding="utf-8")
    (pages / "notes.txt").write_text("not a page\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path if where == "relative" else pages)
    folder = {"absolute": pages, "relative": Path("qa"), "here": Path(".")}[where]
    cache = tmp_path / "content.pickle"

    def seen(docs: list[Document]) -> list[tuple[object, ...]]:
        return [(doc.path, doc.meta, doc.body, doc.body_line) for doc in docs]

    plain = seen(parse_pages(folder, skip=("index.md",)))
    assert [path for path, *_ in plain] == [folder / f"p{i}.md" for i in range(5)]
    with parsed_cache(cache):
        assert seen(parse_pages(folder, skip=("index.md",))) == plain
        stat = os.stat(pages / "p0.md")
        assert seen_stat(str(pages / "p0.md")) == [stat.st_size, stat.st_mtime_ns]  # no stat again
        assert seen_stat(str(pages / "index.md")) is None  # not read in this run
    assert seen_stat(str(pages / "p0.md")) is None  # no cache active
    (pages / "p2.md").write_text("---\nid: p2\ntitle: Two, longer\n---\n\nBody\n", encoding="utf-8")
    with parsed_cache(cache) as parsed:
        again = parse_pages(folder, skip=("index.md",))
        assert list(parsed.dirty) == [os.path.abspath(folder / "p2.md")]  # only it was read again
    assert again[2].meta["title"] == "Two, longer" and seen(again)[:2] == plain[:2]
    assert parse_pages(tmp_path / "missing") == []


def test_parse_cache_keeps_a_few_changes_in_a_journal(tmp_path: Path) -> None:
    pages = [tmp_path / f"p{i}.md" for i in range(40)]
    for i, page in enumerate(pages):
        page.write_text(f"---\nid: p{i}\ntitle: Page {i}\n---\n\nBody\n", encoding="utf-8")
    cache = tmp_path / "content.pickle"
    journal = tmp_path / "content.pickle.journal"

    def read_all() -> dict[str, object]:
        """Every page's title, through the cache; the cache as it was read."""
        with parsed_cache(cache) as parsed:
            titles = {page.name: parse(page).meta["title"] for page in pages}
            changed = parsed.changed
        return {"titles": titles, "changed": changed}

    assert read_all()["changed"]
    base = cache.read_bytes()
    assert not journal.exists()

    pages[3].write_text("---\nid: p3\ntitle: Three, edited\n---\n\nBody\n", encoding="utf-8")
    pages.pop().unlink()
    assert read_all()["changed"]
    assert cache.read_bytes() == base and journal.stat().st_size < len(base) / 4  # only the changes
    again = read_all()
    assert not again["changed"]  # the file and its journal give every page parsed
    assert again["titles"]["p3.md"] == "Three, edited"  # type: ignore[index]
    with parsed_cache(cache) as parsed:
        assert len(parsed.entries) == 39  # the page deleted is forgotten

    journal.write_bytes(journal.read_bytes()[:-5])  # torn by a crash: the change is parsed again
    torn = read_all()
    assert torn["changed"] and torn == {**again, "changed": True}

    for page in pages[:10]:  # more changes than a tenth of the pages: the file is written anew
        page.write_text(page.read_text(encoding="utf-8").replace("Body", "Longer body"), encoding="utf-8")
    read_all()
    assert not journal.exists() and cache.read_bytes() != base
    assert not read_all()["changed"]


def test_worker_processes_distill_what_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(A, thread(A, 1))
        store.add_messages(B, thread(B, 1) + thread(B, 10))
        alone = distill(store, None)
        monkeypatch.setattr(pergroup, "PARALLEL_MESSAGES", 0)
        assert distill(store, tmp_path / "distill") == alone
        assert distill(store, tmp_path / "distill") == alone  # and read back from the cache


def test_drafts_just_written_are_not_parsed_again(tmp_path: Path) -> None:
    docs = tmp_path / "content"
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(A, thread(A, 1))
        knowledge = distill_store(store, TAGS, WEIGHTS)
    cache = tmp_path / "content.pickle"
    with parsed_cache(cache):
        write_drafts(knowledge, load_content(docs, "qa", "members"), Templates("en"), "qa", "members")
    with parsed_cache(cache) as parsed:
        again = load_content(docs, "qa", "members")
        assert not parsed.changed
    assert again.qa.keys() == {qa.id for qa in knowledge.qas}
