"""Which records must share a split: union of duplicate groups.

Records are linked when they carry the same value of any group key in ``meta``
(``same_prompt_group`` and ``near_dup_group`` from the dedup stages) or have
the same normalised prompt; linked records form one group (connected
components), so a chain a~b, b~c puts a, b and c together even if a and c never
met. A group is named by the smallest id among its records.

Fed a batch at a time, the step holds 20 bytes per link (a position and a
16-byte digest) and its records' ids in Arrow, not a Python object per record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from curate import meta as metajson
from curate.views import View, normalise_for_match, view_text


def row_links(message: list[dict], meta: str, keys: Sequence[str] = ("same_prompt_group", "near_dup_group"),
              prompt_view: View | None = "user_turns") -> list[bytes]:
    """What ties a record to others, each as a 16-byte digest: its value of each group key in ``meta``,
    and its normalised prompt."""
    parsed = metajson.parse(meta)
    links = [f"{key}\x00{v}" for key in keys if (v := metajson.lookup(parsed, key)) not in (None, "")]
    if prompt_view is not None:
        links.append("prompt\x00" + normalise_for_match(view_text(message, prompt_view)))
    return [hashlib.blake2b(link.encode(), digest_size=16).digest() for link in links]


@dataclass(frozen=True)
class Groups:
    """A group per record: ``codes[i]`` indexes ``names``, the groups' names (their smallest ids) in
    sorted order; ``ids`` are the records' ids, in row order."""

    codes: np.ndarray
    names: pa.Array
    ids: pa.Array

    def id(self, i: int) -> str:
        return self.ids[i].as_py()

    def name(self, i: int) -> str:
        return self.names[int(self.codes[i])].as_py()

    def names_of(self, start: int, stop: int) -> list[str]:
        return self.names.take(pa.array(self.codes[start:stop])).to_pylist()

    def sizes(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=len(self.names))


class GroupLinks:
    """Records' ids and links, added a batch at a time (``add``), joined into ``groups``."""

    def __init__(self) -> None:
        self._ids: list[pa.Array] = []
        self._rows: list[np.ndarray] = []
        self._digests: list[bytes] = []
        self.rows = 0

    def add(self, ids: pa.Array, links: Sequence[Sequence[bytes]]) -> None:
        self._ids.append(ids)
        self._rows.append(np.repeat(np.arange(self.rows, self.rows + len(links), dtype=np.int64),
                                    [len(row) for row in links]))
        self._digests.append(b"".join(d for row in links for d in row))
        self.rows += len(links)

    def groups(self) -> Groups:
        """Connected components of records and links; each named by the least id in it, found by
        rank (ids are unique), so no id is copied per record."""
        n = self.rows
        ids = pa.chunked_array(self._ids, pa.string()).combine_chunks() if self._ids else pa.array([], pa.string())
        rows = np.concatenate(self._rows) if self._rows else np.zeros(0, np.int64)
        halves = np.frombuffer(b"".join(self._digests), dtype=np.uint64).reshape(-1, 2)
        self._ids, self._rows, self._digests = [], [], []
        order = np.lexsort((halves[:, 1], halves[:, 0]))
        new = np.ones(len(order), dtype=bool)
        new[1:] = np.any(halves[order[1:]] != halves[order[:-1]], axis=1)
        link = np.empty(len(order), dtype=np.int64)
        link[order] = np.cumsum(new) - 1
        nodes = n + int(new.sum())
        graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, n + link)), shape=(nodes, nodes))
        del rows, link, order, halves
        _, labels = connected_components(graph, directed=False)
        rank = pl.Series(ids).rank("ordinal").to_numpy().astype(np.int64) - 1  # 0 for the least id
        least = np.full(int(labels.max(initial=-1)) + 1, n, dtype=np.int64)
        np.minimum.at(least, labels[:n], rank)
        named, codes = np.unique(least[labels[:n]], return_inverse=True)
        at_rank = np.empty(n, dtype=np.int64)
        at_rank[rank] = np.arange(n)
        return Groups(codes.astype(np.int64), ids.take(pa.array(at_rank[named])), ids)
