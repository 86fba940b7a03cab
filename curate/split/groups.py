"""Which records must share a split: union of duplicate groups.

Records are linked when they carry the same value of any group key in ``meta``
(``same_prompt_group`` and ``near_dup_group`` from the dedup stages) or have
the same normalised prompt; linked records form one group (union-find), so a
chain a~b, b~c puts a, b and c together even if a and c never met.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from curate import meta as metajson
from curate.views import View, normalise_for_match, view_text


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


Link = tuple[str, str]


def row_links(message: list[dict], meta: str, keys: Sequence[str] = ("same_prompt_group", "near_dup_group"),
              prompt_view: View | None = "user_turns") -> list[Link]:
    """What ties a record to others: its value of each group key in ``meta``, and a digest of its
    normalised prompt (a digest, so a step holding every record's links holds 16 bytes per prompt)."""
    parsed = metajson.parse(meta)
    links = [(key, str(v)) for key in keys if (v := metajson.lookup(parsed, key)) not in (None, "")]
    if prompt_view is not None:
        prompt = normalise_for_match(view_text(message, prompt_view))
        links.append(("prompt", hashlib.blake2b(prompt.encode(), digest_size=16).hexdigest()))
    return links


def linked_groups(ids: Sequence[str], links: Sequence[Sequence[Link]]) -> list[str]:
    """A group id per record: the smallest record id among the records its links join."""
    n = len(ids)
    uf = UnionFind(n)
    first: dict[Link, int] = {}
    for i in range(n):
        for link in links[i]:
            uf.union(i, first.setdefault(link, i))
    smallest: dict[int, str] = {}
    for i in range(n):
        root = uf.find(i)
        smallest[root] = min(smallest.get(root, ids[i]), ids[i])
    return [smallest[uf.find(i)] for i in range(n)]
