"""Several groups in one community: which are published, which stay private, where points came from.

``groups: {publish: [...], private: [...]}`` names groups by id (``42``), platform and id
(``telegram/42``) or title. A private group's messages are never distilled: no Q&A drafts,
no profiles of members seen only there, no points, no counts on public pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from digest.model import Contribution, Group
from digest.store import Store
from digest.text import short_hash, slugify

GROUPS_DIR = "groups"


def group_key(group: Group) -> str:
    """How Q&A front matter names a group (``group: telegram/42``)."""
    return f"{group.platform}/{group.id}"


def _named(group: Group, names: Iterable[str]) -> bool:
    wanted = set(names)
    return bool(wanted & {group.id, group_key(group), group.title})


def is_public(group: Group, publish: Sequence[str], private: Sequence[str]) -> bool:
    """Private when listed in ``private``, or when ``publish`` is set and does not list it."""
    if _named(group, private):
        return False
    return not publish or _named(group, publish)


class PublicStore(Store):
    """The message store as distillation may see it: private groups left out."""

    def __init__(self, store: Store, keep: Callable[[Group], bool]) -> None:
        super().__init__(store.conn)
        self._keep = keep

    def groups(self) -> list[Group]:
        return [g for g in super().groups() if self._keep(g)]


def public_store(store: Store, publish: Sequence[str], private: Sequence[str]) -> Store:
    """``store`` itself when every group is public, else a view without the private ones."""
    if not publish and not private:
        return store
    return PublicStore(store, lambda g: is_public(g, publish, private))


def group_uris(groups: Sequence[Group]) -> dict[str, str]:
    """Each group's generated page, ``groups/<slug>.md`` (slug of its title, disambiguated)."""
    uris: dict[str, str] = {}
    taken: set[str] = set()
    for group in sorted(groups, key=group_key):
        slug = slugify(group.title or group.id)
        if slug in taken or slug == "index":
            slug = f"{slug}-{short_hash(group_key(group), length=4)}"
        taken.add(slug)
        uris[group_key(group)] = f"{GROUPS_DIR}/{slug}.md"
    return uris


def contribution_group(
    groups: Sequence[Group], qa_groups: dict[str, str]
) -> Callable[[Contribution], str | None]:
    """Which group a contribution was earned in: its Q&A's group, or the group of a thanks."""
    by_id: dict[str, str] = {}
    for group in groups:
        by_id.setdefault(group.id, group_key(group))

    def where(c: Contribution) -> str | None:
        if c.ref in qa_groups:
            return qa_groups[c.ref]
        group_id, slash, _message = c.ref.rpartition("/")
        return by_id.get(group_id) if slash else None

    return where
