"""Settings: the ``digest`` plugin's schema in mkdocs.yml, validated by MkDocs itself.

Every key has a default that serves the bundled example; a wrong value is reported by
MkDocs as one error naming the key, what was expected and what was found.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig

from digest.distill.privacy import DEFAULT_PSEUDONYM, DEFAULT_REPLACEMENT, PII_KINDS, PROFILE_MODES
from digest.errors import ConfigError


class PointsConfig(base.Config):
    """Points per contribution; shown on the generated "How points work" page."""

    answer = c.Type(int, default=2)
    """An answer to a question (a reply by someone other than the asker)."""
    accepted_answer = c.Type(int, default=5)
    """Extra for the answer the asker accepted (thanked or reacted to)."""
    thanks_received = c.Type(int, default=1)
    """Each thanks from the asker or another member."""
    reaction_received = c.Type(int, default=1)
    """Each reaction on an answer."""
    question_answered = c.Type(int, default=1)
    """Asking a question that received an accepted answer."""
    resource_shared = c.Type(int, default=2)
    """Sharing a link that others used (reacted to, thanked, or shared again); once per member and link."""
    event_organised = c.Type(int, default=10)
    """Organising an event (``organisers`` of a page in ``content/events/``)."""
    curation = c.Type(int, default=2)
    """Each commit to ``content/`` by a member (matched by the ``emails`` of their profile)."""


NICKNAME_FIELDS = ("city", "role", "name", "skip")


class NicknameConfig(base.Config):
    """The community's nickname convention (``nickname:``), e.g. ``上海-产品经理-小王``."""

    separators = c.ListOfItems(c.Type(str), default=["|", "｜", "/", "／", "-", "－", "—"])
    """Characters or strings that separate the fields of a nickname."""
    fields = c.ListOfItems(c.Choice(NICKNAME_FIELDS), default=["city", "role", "name"])
    """The fields in order; a nickname with another number of parts is just a name."""

    def validate(self) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        failed, warnings = super().validate()
        if not failed and "name" not in self.fields:
            failed.append(("fields", base.ValidationError("must include 'name'")))
        if not failed and any(not s.strip() for s in self.separators):
            failed.append(("separators", base.ValidationError("a separator cannot be blank")))
        return failed, warnings


class PrivacyConfig(base.Config):
    """What the site may publish about people (``privacy:``); see content/privacy.md."""

    redact = c.ListOfItems(c.Choice(PII_KINDS), default=list(PII_KINDS))
    """Personal data replaced in every page and index: phone_cn, phone_intl, email, wechat_id,
    cn_id, bank_card (all by default; ``[]`` turns redaction off)."""
    replacement = c.Type(str, default=DEFAULT_REPLACEMENT)
    """What redacted data is replaced by; ``{kind}`` becomes the kind, e.g. "[{kind} removed]"."""
    profiles = c.Choice(PROFILE_MODES, default="opt_out")
    """``opt_out``: every member gets a profile unless they opt out; ``opt_in``: only members
    with ``opt_in: true`` (front matter or privacy.yml) do, everyone else is pseudonymised."""
    pseudonym = c.Type(str, default=DEFAULT_PSEUDONYM)
    """How a member without a public profile is named; ``{hash}`` is a short hash of their id."""
    key_env = c.Type(str, default="")
    """The environment variable holding the secret that keys the hashes of pseudonyms and of
    ids that are personal data (a phone number): without it, anyone who knows a member's id can
    tell which pseudonym or hashed id is theirs. "" (the default): plain hashes. Once set, the
    variable must hold the same secret wherever content/ is made (CI, curators' machines)."""
    consent_file = c.Type(str, default="privacy.yml")
    """The list of opt-outs (and opt-ins), relative to docs_dir."""


class GroupsConfig(base.Config):
    """Which groups' Q&A and points are published (``groups:``); by group id, platform/id or title."""

    publish = c.ListOfItems(c.Type(str), default=[])
    """Only these groups are published (empty: every group that is not private)."""
    private = c.ListOfItems(c.Type(str), default=[])
    """Never published: their messages are not distilled, drafted, scored or counted."""


class ColumnMapping(c.DictOfItems[str]):
    """A ``field: column`` mapping for generic JSONL/CSV imports; the fields are a fixed set."""

    def __init__(self) -> None:
        super().__init__(c.Type(str), default={})

    def run_validation(self, value: object) -> dict[str, str]:
        columns = super().run_validation(value)
        if not columns:  # the default: no need to import every importer (0.2 s on each command)
            return columns
        from digest.sources.generic import Columns

        try:
            Columns.of(columns)
        except ValueError as exc:
            raise base.ValidationError(str(exc)) from None
        return columns


class DigestConfig(base.Config):
    """The ``digest`` plugin's settings (``plugins: - digest: {...}`` in mkdocs.yml)."""

    exports = c.ListOfItems(c.Type(str), default=["exports"])
    """Export files or folders to import, relative to mkdocs.yml."""
    store = c.Type(str, default=".digest/store.sqlite")
    """The message store (a cache, safe to delete), relative to mkdocs.yml."""
    language = c.Choice(("en", "zh"), default="en")
    """Language of the generated pages' headings and labels."""
    qa_dir = c.Type(str, default="qa")
    """Folder of Q&A pages inside docs_dir."""
    members_dir = c.Type(str, default="members")
    """Folder of member profiles inside docs_dir."""
    tags = c.DictOfItems(c.ListOfItems(c.Type(str), default=[]), default={})
    """Tag vocabulary: tag -> keywords and synonyms that map a question onto it."""
    points = c.SubConfig(PointsConfig)
    """Points per contribution."""
    privacy = c.SubConfig(PrivacyConfig)
    """Redaction of personal data and consent to public profiles."""
    leaderboard_size = c.Type(int, default=20)
    """How many members each leaderboard lists."""
    recent_days = c.Type(int, default=30)
    """The window of the "recent" leaderboard, counted back from the newest message."""
    home_recent = c.Type(int, default=10)
    """How many recent and top Q&A the home page lists."""
    page_size = c.Type(int, default=200)
    """Entries per page of the long listings (all questions, each tag, each group, unanswered)."""
    drafts = c.Choice(("publish", "mark", "hold"), default="mark")
    """Q&A with ``status: draft``: published as is, marked as unreviewed, or held back."""
    groups = c.SubConfig(GroupsConfig)
    """Several groups in one community: which are published and which stay private."""
    nickname = c.SubConfig(NicknameConfig)
    """The nickname convention: separators and field order (city, role, name, skip)."""
    skills = c.DictOfItems(c.ListOfItems(c.Type(str), default=[]), default={})
    """Skill vocabulary added to the built-in one: skill -> synonyms, found in self-introductions."""
    intro_days = c.Type(int, default=7)
    """A self-introduction counts within this many days of a member's join (or first message)."""
    feed_size = c.Type(int, default=20)
    """Entries in each Atom feed (``feed.xml`` of weekly digests, ``qa.xml`` of new Q&A)."""
    generic_columns = ColumnMapping()
    """Generic JSONL/CSV imports: field -> the column holding it, for the fields timestamp, author,
    text, id, reply_to, group and author_id; an unmapped field is read from the column of its name."""


def resolve(config_file: str | Path, value: str) -> Path:
    """A path setting, resolved against the folder of mkdocs.yml."""
    path = Path(value)
    return path if path.is_absolute() else Path(config_file).resolve().parent / path


def load(config_file: str | Path = "mkdocs.yml", **overrides: Any) -> tuple[MkDocsConfig, DigestConfig]:
    """Load and validate mkdocs.yml with MkDocs' own loader; return it and digest's settings."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    path = Path(config_file)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file; run `digest init` to create a community here")
    errors = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(errors)
    try:
        mkdocs_config = load_config(config_file=str(path), **overrides)
    except MkDocsException as exc:
        detail = "; ".join(errors.messages) or str(exc)
        raise ConfigError(f"{path}: {detail}") from None
    finally:
        logger.removeHandler(errors)
    plugin = mkdocs_config.plugins.get("digest")
    if plugin is None:
        raise ConfigError(f"{path}: the digest plugin is not enabled (add `- digest` to plugins)")
    return mkdocs_config, plugin.config


class _Collect(logging.Handler):
    """Collects the configuration errors MkDocs logs before it aborts."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def defaults() -> DigestConfig:
    """digest's settings with every default, for use without a mkdocs.yml."""
    config = DigestConfig()
    config.load_dict({})
    errors, _warnings = config.validate()
    if errors:
        raise ConfigError("; ".join(f"{key}: {err}" for key, err in errors))
    return config
