"""Never a traceback: damaged copies of real exports give an InputError or a clean import."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from importer_helpers import FIXTURES, parse

from digest.errors import InputError
from digest.sources import discord, mattermost, messenger, slack, telegram, telegram_html
from digest.sources.base import Source

CASES: dict[str, tuple[Source, Path | None, Path | None]] = {
    "slack": (slack.SOURCE, FIXTURES / "slack" / "testarchive.zip", None),
    "discord": (discord.SOURCE, FIXTURES / "discord" / "Test Server - Text - general [100].json", None),
    "mattermost": (mattermost.SOURCE, FIXTURES / "mattermost" / "post_with_replies.json", None),
    "telegram": (telegram.SOURCE, FIXTURES / "telegram" / "result_group.json", None),
    "messenger": (messenger.SOURCE, None, Path("other/messenger/2A_7M.json")),
    "telegram_html": (telegram_html.SOURCE, None, Path("telegram_html/messages.html")),
}


JUNK = [b"{", b"]", b'"', b"<", b"</div>", b"<![if", b"\xff", b"\n", b"[[[["]


def damaged(data: bytes, seed: int) -> list[bytes]:
    """Truncations at 20 points, and 40 copies with a few random bytes changed or inserted."""
    rng = random.Random(seed)
    copies = [data[: len(data) * k // 20] for k in range(20)]
    for _ in range(40):
        copy = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(copy))
            if rng.random() < 0.5:
                copy[at] = rng.randrange(256)
            else:
                copy[at:at] = rng.choice(
                    [b"{", b"]", b'"', b"<", b"</div>", b"<![if", b"\xff", b"\n", b"[[[["]
                )
        copies.append(bytes(copy))
    return copies


@pytest.mark.parametrize("name", list(CASES))
def test_damaged_exports_never_raise_anything_but_input_error(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    source, fixture, shared = CASES[name]
    path = fixture if fixture is not None else request.getfixturevalue("samples") / str(shared)
    target = tmp_path / path.name
    for copy in damaged(path.read_bytes(), seed=len(name)):
        target.write_bytes(copy)
        try:
            parse(source, target)
        except InputError as exc:
            assert str(exc).startswith(str(target))
