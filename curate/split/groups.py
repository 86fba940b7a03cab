"""Which records must share a split: union of duplicate groups.

Records are linked when they carry the same value of any group key in ``meta``
(``same_prompt_group`` and ``near_dup_group`` from the dedup stages) or have
the same normalised prompt; linked records form one group (connected
components), so a chain a~b, b~c puts a, b and c together even if a and c never
met. A group is named by the smallest id among its records.

Fed a batch at a time, the step holds 12 bytes per link (a position and a
64-bit key), not a Python object per record; the records' ids are read once more
to name the groups, which then hold 4 bytes per record and the names of groups
of more than one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from curate import meta as metajson
from curate.views import View, normalise_for_match, view_text


def row_links(message: list[dict], meta: str, keys: Sequence[str] = ("same_prompt_group", "near_dup_group"),
              prompt_view: View | None = "user_turns") -> list[int]:
    """What ties a record to others, each as a 64-bit key: its value of each group key in ``meta``,
    and its normalised prompt. Two different links share a key with odds of about 1 in 400,000 at 10M
    records; then two unrelated groups share a split, which leaks nothing."""
    parsed = metajson.parse(meta)
    links = [f"{key}\x00{v}" for key in keys if (v := metajson.lookup(parsed, key)) not in (None, "")]
    if prompt_view is not None:
        links.append("prompt\x00" + normalise_for_match(view_text(message, prompt_view)))
    return [int.from_bytes(hashlib.blake2b(link.encode(), digest_size=8).digest(), "little") for link in links]


@dataclass(frozen=True)
class Groups:
    """A group per record: ``codes[i]`` is the rank of its group's name (the group's least id) among
    all groups' names. A record alone in its group is named by its own id, so only the names of
    groups of more than one record are held (``shared_codes``, sorted, and ``shared_names``)."""

    codes: np.ndarray
    shared_codes: np.ndarray
    shared_names: pa.Array

    def names_of(self, start: int, ids: Sequence[str]) -> list[str]:
        """The group names of the rows from ``start`` on whose ids are ``ids``."""
        names = list(ids)
        if len(self.shared_codes):
            codes = self.codes[start:start + len(names)]
            at = np.minimum(np.searchsorted(self.shared_codes, codes), len(self.shared_codes) - 1)
            for j in np.flatnonzero(self.shared_codes[at] == codes).tolist():
                names[j] = self.shared_names[int(at[j])].as_py()
        return names

    def sizes(self) -> np.ndarray:
        """Records per group, by code."""
        return np.bincount(self.codes, minlength=int(self.codes.max(initial=-1)) + 1)


class GroupLinks:
    """Records' links, added a batch at a time in row order (``add``), joined into ``groups``."""

    def __init__(self) -> None:
        self._rows: list[np.ndarray] = []
        self._keys: list[np.ndarray] = []
        self.rows = 0

    def add(self, links: Sequence[Sequence[int]]) -> None:
        if self.rows + len(links) >= 2**31:
            raise ValueError("split: more than 2,147,483,647 records in one step; split the input upstream")
        self._rows.append(np.repeat(np.arange(self.rows, self.rows + len(links), dtype=np.int32),
                                    [len(row) for row in links]))
        self._keys.append(np.fromiter((k for row in links for k in row), dtype=np.uint64))
        self.rows += len(links)

    def groups(self, read_ids: Callable[[], pa.Array]) -> Groups:
        """Connected components of records tied by a shared link, each named by the least of the
        records' ids (unique; ``read_ids()`` gives them in row order, once the links are freed) in it.

        Only records that share a link with another are nodes of the graph (an edge from each to the
        first record holding the link), so the components' work and memory grow with the duplicates,
        not the rows. Names are found by rank: 4 bytes a record, no id kept but the shared groups' names."""
        n = self.rows
        tied, heads = self._ties()
        ids = read_ids()
        if len(ids) != n:
            raise ValueError(f"split: {len(ids)} ids for {n} records")
        rank = np.empty(n, dtype=np.int32)
        rank[pc.sort_indices(ids).to_numpy()] = np.arange(n, dtype=np.int32)
        nodes = np.unique(np.concatenate([tied, heads]))
        graph = coo_matrix((np.ones(len(tied), dtype=np.int8), (np.searchsorted(nodes, tied), np.searchsorted(nodes, heads))),
                           shape=(len(nodes), len(nodes)))
        _, component = connected_components(graph, directed=False)
        node_rank = rank[nodes]
        least = np.full(int(component.max(initial=-1)) + 1, n, dtype=np.int32)
        np.minimum.at(least, component, node_rank)
        rank[nodes] = least[component]  # a record's rank is now its group name's
        is_name = np.zeros(n, dtype=bool)
        is_name[rank] = True
        code_of_rank = np.cumsum(is_name, dtype=np.int32) - 1
        del is_name
        codes = code_of_rank[rank]
        del rank
        named = node_rank == least[component]
        shared_codes = code_of_rank[node_rank[named]]
        order = np.argsort(shared_codes)
        return Groups(codes, shared_codes[order], ids.take(pa.array(nodes[named][order])))

    def _ties(self) -> tuple[np.ndarray, np.ndarray]:
        """Edges ``(tied[k], heads[k])``: each record holding a link an earlier record (in key order)
        holds, and the first record holding it. Frees the links."""
        rows = np.concatenate(self._rows) if self._rows else np.zeros(0, np.int32)
        keys = np.concatenate(self._keys) if self._keys else np.zeros(0, np.uint64)
        self._rows, self._keys = [], []
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        repeat = np.flatnonzero(keys[1:] == keys[:-1]) + 1
        del keys
        first = np.ones(len(order), dtype=bool)
        first[repeat] = False
        starts = np.flatnonzero(first)
        del first
        heads = starts[np.searchsorted(starts, repeat, side="right") - 1]
        return rows[order[repeat]], rows[order[heads]]
