"""One person, several accounts: curators join identities through profile ``aliases``.

A member profile may list other member ids among its ``aliases``
(``aliases: [whatsapp:name:Ana, slack:U024BE7LH]``). Every message of those accounts is then
credited to the profile's member: one page, one score, one entry in every leaderboard.
Plain names in ``aliases`` stay names (they only help privacy and search).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from digest.model import Message

_MEMBER_ID = re.compile(r"^[a-z][a-z0-9_-]*:\S+$")


def identity_map(aliases: Mapping[str, Iterable[str]], known: Iterable[str]) -> dict[str, str]:
    """Account id -> the member id it belongs to, for aliases that name a known account.

    An account claimed by two profiles stays with neither (the first claim in id order wins,
    so the result is deterministic); a profile never becomes an alias of itself.
    """
    accounts = set(known)
    out: dict[str, str] = {}
    for member_id in sorted(aliases):
        for alias in aliases[member_id]:
            if alias != member_id and alias in accounts and _MEMBER_ID.match(alias) and alias not in out:
                out[alias] = member_id
    # Never chain: an alias whose owner is itself someone's alias follows to the end.
    for alias, owner in list(out.items()):
        seen = {alias}
        while owner in out and owner not in seen:
            seen.add(owner)
            owner = out[owner]
        out[alias] = owner
    return {a: o for a, o in out.items() if a != o}


def credit(message: Message, identities: Mapping[str, str]) -> Message:
    """The message, credited to the member its account belongs to."""
    owner = identities.get(message.member_id)
    return message if owner is None else replace(message, member=owner)
