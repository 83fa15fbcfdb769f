"""`digest import` on one folder holding an export of every format: one line per file, exit 0."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_qq import EXPORT as QQ_EXPORT
from test_wechat import CHATLAB_MESSAGES, chatlab_doc

from digest.cli import main
from digest.sources import REGISTRY

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GENERIC_CSV = (
    "timestamp,author,text,id,reply_to\n2026-09-01T10:00:00Z,a,How?,1,\n2026-09-01T10:01:00Z,b,Like so,2,1\n"
)


def test_one_export_of_each_format(tmp_path: Path, samples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    copies = {
        "telegram": FIXTURES / "telegram" / "result_group.json",
        "slack": FIXTURES / "slack" / "testarchive.zip",
        "discord": FIXTURES / "discord" / "Test Server - Text - general [100].json",
        "mattermost": FIXTURES / "mattermost" / "post_with_replies.json",
        "signal": FIXTURES / "signal" / "test_export.txt",
        "irc": FIXTURES / "irc" / "2005-06-27_12.ascii.txt",
        "messenger": samples / "other" / "messenger" / "2A_7M.json",
        "wechat-csv": samples / "wechat" / "test_0_730.csv",
        "whatsapp": samples / "whatsapp" / "sample_chat.txt",
    }
    expected: dict[str, str] = {}
    for fmt, source in copies.items():
        target = folder / f"{fmt}-{source.name}"
        shutil.copy2(source, target)
        expected[target.name] = fmt
    html = folder / "telegram-html"
    html.mkdir()
    shutil.copy2(samples / "telegram_html" / "messages.html", html / "messages.html")
    expected[html.name] = "telegram-html"
    (folder / "qq.txt").write_text(QQ_EXPORT, encoding="utf-8")
    expected["qq.txt"] = "qq-txt"
    (folder / "chatlab.json").write_text(json.dumps(chatlab_doc(CHATLAB_MESSAGES)), encoding="utf-8")
    expected["chatlab.json"] = "chatlab"
    (folder / "generic.csv").write_text(GENERIC_CSV, encoding="utf-8")
    expected["generic.csv"] = "generic"
    assert set(expected.values()) == set(REGISTRY.names())  # every importer is in the folder

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["import", str(folder)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == len(expected)
    for line in lines:
        name = Path(line.split(": ", 1)[0]).name
        assert line.split(": ")[1] == expected[name], line
    again = CliRunner().invoke(main, ["import", str(folder)])
    assert again.exit_code == 0
    assert again.output.count("unchanged since the last import") == len(expected)
