"""Importers, one module per platform, behind one registry."""

from __future__ import annotations

from digest.sources import (
    chatlab,
    discord,
    generic,
    irc,
    mattermost,
    messenger,
    qq,
    signal,
    slack,
    telegram,
    telegram_html,
    wechat,
    whatsapp,
)
from digest.sources.base import Registry, Source, Warn, read_head

REGISTRY = Registry()
REGISTRY.register(telegram.SOURCE)
REGISTRY.register(slack.SOURCE)
REGISTRY.register(discord.SOURCE)
REGISTRY.register(messenger.SOURCE)
REGISTRY.register(mattermost.SOURCE)
REGISTRY.register(telegram_html.SOURCE)
REGISTRY.register(wechat.SOURCE)
REGISTRY.register(chatlab.SOURCE)
REGISTRY.register(whatsapp.SOURCE)
REGISTRY.register(signal.SOURCE)
REGISTRY.register(qq.SOURCE)
REGISTRY.register(irc.SOURCE)
REGISTRY.register(generic.SOURCE)  # last: it reads any tool's JSONL/CSV


def registry_for(generic_columns: dict[str, str] | None) -> Registry:
    """The registry with the generic importer reading the community's column mapping."""
    if not generic_columns:
        return REGISTRY
    return REGISTRY.replacing(generic.make_source(generic_columns))


__all__ = ["REGISTRY", "Registry", "Source", "Warn", "read_head", "registry_for"]
