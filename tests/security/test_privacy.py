"""PII redaction and consent, end to end: pages, drafts and the site search index.

Redaction happens in distill (``distill_store``), as messages leave the store, so every
page, every draft under content/ and every index built from them (Material's
``search/search_index.json`` today, digest's own Whoosh index later) only ever sees
redacted text. The tests look for the personal data in every file of the built site.
"""

# ruff: noqa: F811  (pytest fixtures imported from sites.py)
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sites import SECURITY_YML, built  # noqa: F401 (fixture)

from conftest import tg_message, write_community
from digest.cli import main
from digest.distill.privacy import Redactor, cn_id_valid, luhn_valid, pseudonym_for, safe_id
from digest.errors import ContentError
from digest.pages.consent import read_consent_file


def _cn_id(body: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _card(prefix: str, length: int) -> str:
    body = prefix.ljust(length - 1, "7")
    return next(body + str(d) for d in range(10) if luhn_valid(body + str(d)))


CN_ID = _cn_id("11010519880307431")
CARD = _card("62220215", 19)
PII = {
    "phone_cn": "13912345678",
    "phone_intl": "+44 20 7946 0958",
    "email": "xiaoming.wang@example.com",
    "wechat_id": "wxm_dataguy",
    "cn_id": CN_ID,
    "bank_card": CARD,
}
ORDINARY = ["2024-03-07", "v3.11.7", "¥1999", "https://github.com/pandas-dev/pandas/issues/15812345670"]


def site_text(site: Path) -> str:
    """Every text file of a built site (pages, search index, sitemap), joined."""
    files = [
        p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".xml", ".txt", ".yml")
    ]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def whoosh_text(root: Path) -> str:
    """Every stored field of every document in digest's Whoosh index, as one text."""
    from whoosh import index

    ix = index.open_dir(str(root / ".digest" / "search"))
    with ix.searcher() as searcher:
        return "\n".join(str(value) for doc in searcher.documents() for value in doc.values())


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("kind", sorted(PII))
def test_each_kind_is_redacted(kind: str) -> None:
    label = "微信: " if kind == "wechat_id" else ""
    assert Redactor()(f"联系 {label}{PII[kind]}，谢谢") == f"联系 {label}[redacted]，谢谢"
    assert Redactor()(f"({label}{PII[kind]}).") == f"({label}[redacted])."


def test_wechat_ids_only_in_context_and_ordinary_numbers_stay() -> None:
    redact = Redactor()
    for labelled in ("微信: wxm_dataguy", "wx：wxm_dataguy", "WeChat ID wxm_dataguy", "加我微信 wxm_dataguy"):
        assert "wxm_dataguy" not in redact(labelled)
    for text in ("wxm_dataguy wrote the pandas guide", "微信群 discussion", *ORDINARY, "2021 2022 2023 2024"):
        assert redact(text) == text
    assert redact("id 11010519880307431X") == "id 11010519880307431X"  # wrong check digit: a number


def test_checks_and_replacement_setting() -> None:
    assert cn_id_valid(CN_ID) and not cn_id_valid(CN_ID[:-1] + ("1" if CN_ID[-1] != "1" else "2"))
    assert luhn_valid(CARD) and not luhn_valid(CARD[:-1] + str((int(CARD[-1]) + 1) % 10))
    assert (
        Redactor(["email"], "[{kind} removed]")("a@example.org 13912345678") == "[email removed] 13912345678"
    )
    assert Redactor([])("a@example.org") == "a@example.org"


def test_every_kind_is_redacted_in_pages_drafts_and_search_index(built: Callable[..., Path]) -> None:
    """Redaction runs in distill, before any page or index exists (see the module docstring)."""
    pii = " ".join(f"{k}: {v}" for k, v in PII.items() if k != "wechat_id")
    messages = [
        tg_message(
            1, "wang", f"How do I reach the organiser? 我的电话 {PII['phone_cn']}，微信: {PII['wechat_id']}"
        ),
        tg_message(2, "ana", f"Write to {PII['email']} or call {PII['phone_intl']}. {pii}", 1),
        tg_message(3, "wang", "thanks, that works!", 2),
        tg_message(4, f"小李 {PII['phone_cn']}", f"为什么转账失败？卡号 {CARD} 身份证 {CN_ID}"),
        tg_message(
            5,
            "kevin",
            f"Is pandas 2.2 out? See {ORDINARY[3]} from {ORDINARY[0]}, {ORDINARY[1]}, {ORDINARY[2]}",
        ),
        tg_message(6, "ana", "Yes, since 2024-01-19.", 5),
    ]
    site = built(messages, title=f"Group {PII['phone_cn']}")
    text = site_text(site)
    assert (site / "search" / "search_index.json").is_file()
    for kind, value in PII.items():
        assert value not in text, kind
        assert value not in site_text(site.parent / "content"), kind
    assert "[redacted]" in text
    for value in ORDINARY:
        assert value in text
    # digest's own search index (Whoosh, under .digest/search/) holds the same redacted text.
    root = site.parent
    hits = run("search", "--json", "-n", "100", "organiser", "-f", str(root / "mkdocs.yml"))
    assert "organiser" in hits
    stored = whoosh_text(root)
    assert "[redacted]" in stored
    for kind, value in PII.items():
        assert value not in stored, kind


# -- consent ---------------------------------------------------------------------------------

NICK = "上海-数据分析-王小明"
ALIAS = "Xiaoming Wang"
CONSENT_THREAD = [
    tg_message(1, NICK, "pandas 的 merge 和 join 有什么区别？", from_id="wxm"),
    tg_message(2, "ana", "merge 按列合并，join 默认按索引对齐。@王小明 看文档", 1, from_id="ana"),
    tg_message(3, NICK, "谢谢，解决了！", 2, from_id="wxm"),
    tg_message(4, "kevin", "How do I resolve a git merge conflict?", from_id="kevin"),
    tg_message(5, NICK, "Edit the conflicted files, then git add and git commit.", 4, from_id="wxm"),
    tg_message(6, "kevin", "thanks 王小明, that works!", 5, from_id="kevin"),
    tg_message(7, "ana", f"Ask {ALIAS} about git, @王小明 knows it well.", from_id="ana"),
]
MEMBER_ID = "telegram:wxm"
PSEUDONYM = pseudonym_for(MEMBER_ID)


def consent_community(root: Path, settings: str = "") -> Path:
    return write_community(root, CONSENT_THREAD, mkdocs_yml=SECURITY_YML, plugin_settings=settings)


def assert_absent(root: Path, *, profile_stem: str | None = None) -> str:
    text = site_text(root / "site")
    for name in (NICK, "王小明", ALIAS):
        assert name not in text, name
    assert PSEUDONYM in text
    if profile_stem:
        assert not (root / "site" / "members" / profile_stem).exists()
        assert f"members/{profile_stem}" not in text
    leaderboard = (root / "site" / "leaderboard" / "index.html").read_text(encoding="utf-8")
    assert PSEUDONYM not in leaderboard
    assert "privacy.yml" not in {p.name for p in (root / "site").rglob("*")}
    return text


def test_opt_out_in_front_matter_pseudonymises_everywhere(tmp_path: Path) -> None:
    root = consent_community(tmp_path / "c")
    config = str(root / "mkdocs.yml")
    run("distill", "-f", config)
    profile = root / "content" / "members" / "王小明.md"
    assert profile.is_file()
    qa_pages = sorted((root / "content" / "qa").glob("*.md"))
    assert any("王小明" in p.read_text(encoding="utf-8") for p in qa_pages)
    # A curator edits one Q&A page, naming the member and linking their profile, before they opt out.
    edited = qa_pages[0]
    edited.write_text(
        edited.read_text(encoding="utf-8")
        + f"\nCurator's note: ask [{ALIAS}](../members/王小明.md) or 王小明.\n",
        encoding="utf-8",
    )
    text = profile.read_text(encoding="utf-8").replace("opt_out: false", "opt_out: true")
    profile.write_text(text.replace("aliases: []", f"aliases: [{ALIAS}]"), encoding="utf-8")
    output = run("distill", "-f", config)
    assert "1 updated, 2 edited by curators and kept" in output  # the Q&A page and the profile
    untouched = [p for p in qa_pages if p != edited]
    assert untouched and all("王小明" not in p.read_text(encoding="utf-8") for p in untouched)
    assert all(PSEUDONYM in p.read_text(encoding="utf-8") for p in untouched)
    assert "王小明" in edited.read_text(encoding="utf-8")  # a curator's edit is never overwritten...
    run("build", "--strict", "-f", config)  # ...and the link to the removed profile is no broken link
    text = assert_absent(root, profile_stem="王小明")
    index = (root / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert PSEUDONYM in index and "王小明" not in index
    assert f"@{PSEUDONYM}" in text  # mentions become the pseudonym


@pytest.mark.parametrize("entry", [MEMBER_ID, "王小明", NICK])
def test_opt_out_listed_in_privacy_yml(tmp_path: Path, entry: str) -> None:
    root = consent_community(tmp_path / "c")
    (root / "content" / "privacy.yml").write_text(f"opt_out:\n  - {entry!r}\n", encoding="utf-8")
    run("build", "--strict", "-f", str(root / "mkdocs.yml"))
    assert_absent(root)
    assert (root / "site" / "members" / "ana").is_dir()  # everyone else keeps their profile


def test_profiles_opt_in_pseudonymises_everyone_else(tmp_path: Path) -> None:
    root = consent_community(tmp_path / "c", "      privacy:\n        profiles: opt_in\n")
    (root / "content" / "privacy.yml").write_text("opt_in: [telegram:ana]\n", encoding="utf-8")
    run("build", "--strict", "-f", str(root / "mkdocs.yml"))
    site = root / "site"
    assert (site / "members" / "ana").is_dir()
    assert not (site / "members" / "kevin").exists()
    assert "kevin" not in (site / "people" / "index.html").read_text(encoding="utf-8")
    assert pseudonym_for("telegram:kevin") in site_text(site)
    assert_absent(root)


def test_a_secret_keys_pseudonyms_and_hashed_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``privacy.key_env``: pseudonyms and hashed ids are HMACs, so knowing a member's id no
    longer tells whose pseudonym it is; without the secret, nothing is made at all."""
    phone = "+4915123456789"  # a member whose id is a phone number
    asked = [
        tg_message(8, "Phone user", "How do I fix Chinese fonts in matplotlib plots?", from_id=phone),
        tg_message(9, "ana", "Install a CJK font, then set rcParams font.family to it.", 8, from_id="ana"),
    ]
    settings = "      privacy:\n        key_env: DIGEST_TEST_SECRET\n"
    root = write_community(
        tmp_path / "c", CONSENT_THREAD + asked, mkdocs_yml=SECURITY_YML, plugin_settings=settings
    )
    (root / "content" / "privacy.yml").write_text(f"opt_out: [{MEMBER_ID!r}]\n", encoding="utf-8")
    config = str(root / "mkdocs.yml")
    monkeypatch.delenv("DIGEST_TEST_SECRET", raising=False)
    result = CliRunner().invoke(main, ["build", "--strict", "-f", config])
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: privacy.key_env: the environment variable DIGEST_TEST_SECRET is not set")
    assert "Traceback" not in result.output and not (root / "content" / "qa").exists()

    seen: list[str] = []
    for secret in ("first secret", "second secret"):
        monkeypatch.setenv("DIGEST_TEST_SECRET", secret)
        run("build", "--strict", "-f", config)
        keyed = pseudonym_for(MEMBER_ID, key=secret.encode())
        text = site_text(root / "site")
        assert keyed in text and PSEUDONYM not in text and keyed != PSEUDONYM
        assert all(name not in text for name in (NICK, "王小明"))
        drafts = "".join(p.read_text(encoding="utf-8") for p in (root / "content" / "qa").glob("*.md"))
        hashed = safe_id(phone, Redactor(), secret.encode())
        assert f"asker: telegram:{hashed}" in drafts and safe_id(phone, Redactor()) not in drafts
        assert phone not in drafts and phone not in text
        seen.append(keyed)
    assert seen[0] != seen[1]  # and the distill cache is keyed by the secret too


def test_two_members_with_one_name_get_two_pages(tmp_path: Path) -> None:
    messages = [
        tg_message(1, "小王", "怎么安装 pandas？", from_id="a"),
        tg_message(2, "小王", "pip install pandas", 1, from_id="b"),
        tg_message(3, "小王", "谢谢！", 2, from_id="a"),
    ]
    root = write_community(tmp_path / "c", messages, mkdocs_yml=SECURITY_YML)
    run("distill", "-f", str(root / "mkdocs.yml"))
    names = sorted(p.name for p in (root / "content" / "members").glob("*.md"))
    assert len(names) == 2 and names[0].startswith("小王")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("opt_out: [a\n", 2, "not valid YAML"),
        ("- a\n- b\n", 1, "expected a mapping"),
        ("opt_out: []\nnames: [x]\n", 2, "unknown key 'names'"),
        ("opt_out: telegram:1\n", 1, "must be a list"),
        ("opt_out:\n  - telegram:1\n  - 12345\n", 3, "entry 2 is a int"),
        ("opt_in:\n  - ''\n", 2, "entry 1 is empty"),
        ("!!python/object/apply:os.system ['echo pwned']\n", 1, "not valid YAML"),
    ],
)
def test_privacy_yml_errors_name_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "privacy.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_consent_file(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert message in str(caught.value)


def test_the_distill_cache_is_keyed_by_the_secret() -> None:
    """Cached parts hold hashed ids: another secret (or none) must not read them back."""
    from digest.distill.intros import ProfileRules
    from digest.distill.pergroup import Rules
    from digest.distill.privacy import Privacy, prepare

    authors = [("telegram:+4915123456789", "Phone user"), ("telegram:ana", "ana")]
    keys = {
        Rules({}, {}, prepare(Privacy(key=key), authors), {}, ProfileRules()).key()
        for key in (b"", b"one secret", b"another secret")
    }
    assert len(keys) == 3
