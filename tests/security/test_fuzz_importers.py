"""Every registered importer, fed anything: messages come out, or an InputError, nothing else.

The importers are taken from ``REGISTRY.sources()``, so one added later is fuzzed without
touching this file. Each example goes to every importer: raw bytes, JSON documents shaped
like chat exports, lines of text and JSON; then, per importer, mutations (cuts, flips,
splices) of the shared sample exports it recognises when ``../shared/samples`` is present,
and zip archives of fuzzed files for the importers that read .zip.
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
from pathlib import Path

import pytest
from htmlcheck import FUZZ
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import SAMPLES
from digest.errors import InputError
from digest.model import Message
from digest.pipeline import import_file
from digest.sources import REGISTRY, Source
from digest.store import open_store

SOURCES = REGISTRY.sources()
MAX_SAMPLE_BYTES = 32 * 1024


def consume(source: Source, path: Path) -> list[Message]:
    """Read a whole export: any exception but InputError fails the property."""
    warnings: list[tuple[str, str]] = []
    messages: list[Message] = []
    try:
        for chat in source.read(path, lambda where, msg: warnings.append((where, msg))):
            assert chat.group.id is not None
            messages.extend(chat.messages)
    except InputError:
        return []
    for message in messages:
        assert isinstance(message, Message)
        assert message.timestamp.tzinfo is not None
    return messages


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every example: each writes over the same file (fast, no clutter)."""
    return tmp_path_factory.mktemp("fuzz")


def export_path(tmp: Path, source: Source, data: bytes) -> Path:
    suffix = source.extensions[0] if source.extensions else ".txt"
    path = tmp / f"export{suffix}"
    path.write_bytes(data)
    return path


@functools.cache
def samples_for(source: Source) -> list[bytes]:
    """Small shared sample files this importer recognises (seeds for mutation)."""
    if not SAMPLES.is_dir():
        return []
    found: list[bytes] = []
    for path in sorted(SAMPLES.rglob("*")):
        if path.is_file() and path.stat().st_size <= MAX_SAMPLE_BYTES:
            data = path.read_bytes()
            try:
                if source.sniff(data[:4096], path):
                    found.append(data)
            except Exception:  # a sniff never raises: reported by test_sniff_never_raises
                continue
    return found[:6]


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "type",
                    "name",
                    "text",
                    "from",
                    "from_id",
                    "date",
                    "date_unixtime",
                    "messages",
                    "reply_to_message_id",
                    "ts",
                    "user",
                    "timestamp",
                    "author",
                    "content",
                    "chats",
                    "list",
                    "participants",
                    "sender_name",
                    "timestamp_ms",
                    "thread_ts",
                    "channel",
                    "reactions",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=6,
        ),
    ),
    max_leaves=20,
)


def mutate(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    for position, length, insert in cuts:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + length :]
    return data


mutations = st.lists(
    st.tuples(st.integers(0, 1 << 20), st.integers(0, 64), st.binary(max_size=16)), min_size=1, max_size=6
)


def consume_all(data: bytes, scratch: Path) -> None:
    """Feed the same bytes to every importer, naming the one that fails."""
    for source in SOURCES:
        try:
            consume(source, export_path(scratch, source, data))
        except Exception as exc:
            raise AssertionError(f"importer {source.name!r} raised {exc!r}") from exc


@given(data=st.binary(max_size=4096))
@example(data=b"\x00")  # found by fuzzing: chatlab raised its own _Skip on a bad first line
@FUZZ
def test_any_bytes(data: bytes, scratch: Path) -> None:
    consume_all(data, scratch)


@given(doc=json_values)
@example(doc={"chats": {"list": None}})  # found by fuzzing: telegram raised TypeError
@FUZZ
def test_any_json_document(doc: object, scratch: Path) -> None:
    consume_all(json.dumps(doc, ensure_ascii=False).encode("utf-8"), scratch)


@given(lines=st.lists(st.one_of(json_values.map(json.dumps), st.text(max_size=60)), max_size=8))
@FUZZ
def test_any_text_lines(lines: list[str], scratch: Path) -> None:
    """Line formats (WhatsApp, IRC, QQ, JSONL, CSV): lines of text and of JSON."""
    consume_all("\n".join(lines).encode("utf-8"), scratch)


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
@given(data=st.data())
@FUZZ
def test_mutated_samples(source: Source, data: st.DataObject, scratch: Path) -> None:
    seeds = samples_for(source)
    if not seeds:
        pytest.skip(f"no shared sample of {source.name} to mutate")
    seed = data.draw(st.sampled_from(seeds))
    mutated = mutate(seed, data.draw(mutations))
    consume(source, export_path(scratch, source, mutated))


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
@given(head=st.binary(max_size=4096))
@FUZZ
def test_sniff_never_raises(source: Source, head: bytes) -> None:
    assert source.sniff(head, Path("export.bin")) in (True, False)


@given(
    members=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "users.json",
                    "channels.json",
                    "general/2024-01-01.json",
                    "../evil.json",
                    "/abs.json",
                    "messages.html",
                ]
            ),
            json_values,
        ),
        max_size=4,
    )
)
@FUZZ
def test_zip_archives_of_fuzzed_files(members: list[tuple[str, object]], scratch: Path) -> None:
    """Every importer that reads .zip, on archives holding fuzzed JSON under export names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, doc in members:
            archive.writestr(name, json.dumps(doc))
    for source in (s for s in SOURCES if ".zip" in s.extensions):
        consume(source, export_path(scratch, source, buffer.getvalue()))


def test_import_through_the_pipeline_reports_input_errors(tmp_path: Path) -> None:
    """The shared layer: an unreadable export is an InputError and the store is untouched."""
    path = tmp_path / "result.json"
    path.write_bytes(b'{"name": "G", "type": "private_group", "id": 1, "messages": [' + b"[" * 5000)
    with open_store(tmp_path / "store.sqlite") as store:
        with pytest.raises(InputError):
            import_file(store, path)
        assert store.count() == 0
