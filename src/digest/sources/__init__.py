"""Importers, one module per platform, behind one registry."""

from __future__ import annotations

from digest.sources import telegram
from digest.sources.base import Registry, Source, Warn, read_head

REGISTRY = Registry()
REGISTRY.register(telegram.SOURCE)

__all__ = ["REGISTRY", "Registry", "Source", "Warn", "read_head"]
