"""`digest init`: a new community that builds at once, in English or Chinese."""

from __future__ import annotations

from pathlib import Path

import yaml
from curation_helpers import run, tree


def test_init_then_build_works_on_the_empty_community(tmp_path: Path) -> None:
    root = tmp_path / "data-circle"
    result = run("init", str(root), "--name", "Data circle")
    assert result.exit_code == 0, result.output
    for rel in (
        "mkdocs.yml",
        "requirements.txt",
        ".gitignore",
        "exports/README.md",
        "content/privacy.md",
        "content/privacy.yml",
        ".github/workflows/check.yml",
        ".github/workflows/publish.yml",
    ):
        assert (root / rel).is_file(), rel
    assert ".digest/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    readme = (root / "exports" / "README.md").read_text(encoding="utf-8")
    for platform in ("Telegram", "WhatsApp", "Slack", "Discord", "WeChat", "PyWxDump", "QQ", "IRC", "CSV"):
        assert platform in readme
    config = str(root / "mkdocs.yml")
    assert run("check", "-f", config).exit_code == 0
    built = run("build", "--strict", "-f", config)
    assert built.exit_code == 0, built.output
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "Data circle" in home
    assert (root / "site" / "privacy" / "index.html").is_file()


def test_chinese_community_settings(tmp_path: Path) -> None:
    root = tmp_path / "学习群"
    assert run("init", str(root), "--language", "zh").exit_code == 0
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    assert config["site_name"] == "学习群 · 知识库"
    assert config["theme"]["language"] == "zh"
    search, digest = config["plugins"][0]["search"], config["plugins"][1]["digest"]
    assert search["lang"] == "zh" and search["separator"].startswith("[\\s\\u200b")
    assert digest["language"] == "zh"
    assert {"tables", "admonition"} <= {
        e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]
    }
    assert "隐私" in (root / "content" / "privacy.md").read_text(encoding="utf-8")


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    root = tmp_path / "existing"
    root.mkdir()
    (root / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    before = tree(root)
    result = run("init", str(root))
    assert result.exit_code == 1
    assert result.output == f"Error: {root}: not empty; use --force to write digest's files into it anyway\n"
    assert tree(root) == before
    assert run("init", str(root), "--force").exit_code == 0
    assert "site_name: mine" not in (root / "mkdocs.yml").read_text(encoding="utf-8")
