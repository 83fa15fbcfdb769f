"""The command line: exit codes and exact, one-line error messages; never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest import __version__
from digest.cli import main
from digest.store import open_store


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands without a mkdocs.yml keep their store in the working directory."""
    monkeypatch.chdir(tmp_path)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_version_and_help() -> None:
    assert invoke("--version") == (0, f"digest, version {__version__}\n")
    code, out = invoke("--help")
    assert code == 0
    for command in ("import", "distill", "build", "serve"):
        assert command in out


def test_missing_file(tmp_path: Path) -> None:
    code, out = invoke("import", str(tmp_path / "nope.json"))
    assert code == 1
    assert out == f"Error: {tmp_path / 'nope.json'}: no such file or directory\n"


def test_not_an_export(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text('{"hello": "world"}', encoding="utf-8")
    code, out = invoke("import", str(path))
    assert code == 1
    assert out.startswith(f"Error: {path}: not a chat export digest can read; supported formats: telegram (")
    assert "--format NAME" in out
    assert len(out.splitlines()) == 1


def test_truncated_json_names_the_position_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(
        '{"name": "G", "type": "private_group", "id": 1, "messages": [{"id": 1,', encoding="utf-8"
    )
    code, out = invoke("import", str(path), "-f", str(tmp_path / "none.yml"))
    assert code == 1
    assert out.startswith(f"Error: {path}: line 1, column ")
    assert "invalid JSON" in out


def test_bad_record_is_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(
        '{"name": "G", "type": "private_group", "id": 1, "messages": ['
        '{"id": 1, "type": "message", "date_unixtime": "1788256800", '
        '"from": "a", "from_id": "u1", "text": "hi"},'
        '{"id": 2, "type": "message", "from": "b", "text": "no date"}, 7]}',
        encoding="utf-8",
    )
    code, out = invoke("import", str(path), "-f", str(tmp_path / "none.yml"))
    assert code == 0
    assert f'warning: {path}: message 2: no usable "date" or "date_unixtime"' in out
    assert "warning: " + str(path) + ": record 2: expected a JSON object" in out
    assert "1 new, 0 already known, 2 skipped" in out


def test_reimport_is_skipped_and_counts_stay(community: Callable[..., Path]) -> None:
    root = community()
    config = str(root / "mkdocs.yml")
    code, out = invoke("import", "-f", config)
    assert code == 0 and "7 new, 0 already known, 0 skipped; 4 members, 5 replies" in out
    code, out = invoke("import", "-f", config)
    assert "unchanged since the last import, skipped" in out
    # Even when the hash check is bypassed (the file is touched), upserts keep one copy each.
    export = root / "exports" / "result.json"
    export.write_text(export.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    code, out = invoke("import", "-f", config)
    assert "0 new, 7 already known" in out
    with open_store(root / ".digest" / "store.sqlite") as store:
        assert store.count() == 7


def test_overlapping_exports_store_each_message_once(community: Callable[..., Path], tmp_path: Path) -> None:
    import json

    root = community()
    data = json.loads((root / "exports" / "result.json").read_text(encoding="utf-8"))
    first, second = dict(data), dict(data)
    first["messages"], second["messages"] = data["messages"][:5], data["messages"][3:]
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(first), encoding="utf-8")
    b.write_text(json.dumps(second), encoding="utf-8")
    config = str(root / "mkdocs.yml")
    assert "5 new, 0 already known" in invoke("import", str(a), "-f", config)[1]
    assert "2 new, 2 already known" in invoke("import", str(b), "-f", config)[1]


def test_dry_run_json_stores_nothing(community: Callable[..., Path]) -> None:
    import json

    root = community()
    code, out = invoke("import", "--dry-run", "--json", str(root / "exports"), "-f", str(root / "mkdocs.yml"))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 7
    assert records[0] == {
        "group": "42",
        "id": "1",
        "timestamp": "2026-09-01T10:01:00+00:00",
        "author": "wang",
        "author_id": "user-wang",
        "text": "pandas 的 merge 和 join 有什么区别？",
        "reply_to": None,
        "kind": "text",
    }
    assert not (root / ".digest").exists()


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("  - digest:\n      language: fr\n", "Config value 'plugins': Plugin 'digest' option 'language'"),
        ("  - digest:\n      leaderboard_size: many\n", "option 'leaderboard_size'"),
    ],
)
def test_wrong_setting_names_the_key(tmp_path: Path, yaml_text: str, expected: str) -> None:
    (tmp_path / "content").mkdir()
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\ndocs_dir: content\nplugins:\n" + yaml_text, encoding="utf-8")
    code, out = invoke("distill", "-f", str(config))
    assert code == 1
    assert expected in out
    assert len(out.splitlines()) == 1


def test_generic_columns_setting_maps_another_tools_csv(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "bot.csv").write_text(
        "when,who,body,msg,parent\n"
        "2026-09-01T10:00:00+08:00,alice,How do I install pandas?,m1,\n"
        "2026-09-01T10:05:00+08:00,bob,pip install pandas,m2,m1\n",
        encoding="utf-8",
    )
    (tmp_path / "exports" / "NOTES.md").write_text("# notes", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: x\ndocs_dir: content\nplugins:\n  - digest:\n      generic_columns:\n"
        "        timestamp: when\n        author: who\n        text: body\n"
        "        id: msg\n        reply_to: parent\n",
        encoding="utf-8",
    )
    code, out = invoke("import", "-f", str(config))
    assert code == 0, out
    assert "bot.csv: generic: " in out and "2 new, 0 already known, 0 skipped; 2 members, 1 replies" in out
    assert f"{tmp_path / 'exports' / 'NOTES.md'}: skipped: not a chat export" in out
