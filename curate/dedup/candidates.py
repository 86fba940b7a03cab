"""Candidate rows a part at a time: what keeps a near-duplicate step's memory bounded by a config
value when the input holds many duplicates.

A step that has found its candidate pairs (row positions only) must read those rows to verify the
pairs and pick keepers. Holding every candidate row at once grows with the duplicates (at 1M corpus
rows with copies of 30% planted, MinHash's candidate rows held 0.9 GB). Pairs only ever join rows of
one connected component, so the candidates are cut into *parts* of whole components, at most
``size`` rows each unless one component is larger (``Parts``); one read of the input notes what
verifying and resolving read of each candidate row (id, keeper value, view text, answer) into a
Parquet file per part (``spill``), and the step then verifies and resolves one part at a time
(``Noted``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from curate.dedup.clusters import KeeperPolicy, keeper_value
from curate.stage import Progress, batches, no_progress
from curate.views import PROMPT_VIEWS, View, answer_text, view_text


@dataclass(frozen=True)
class Parts:
    """Every candidate row (``docs``, sorted input positions) and the part it is in (``part``)."""

    docs: np.ndarray
    part: np.ndarray
    count: int

    @classmethod
    def of(cls, pairs: np.ndarray, groups: Sequence[np.ndarray], size: int) -> Parts:
        """Parts of at most ``size`` docs (more only for one component that large) from ``pairs``
        (rows ``(i, j)``) and ``groups`` (docs that are one component whatever their pairs: a large
        bucket), taking components in order of their first doc."""
        links = [np.asarray(pairs, dtype=np.int64).reshape(-1, 2)]
        links += [np.stack([g[:-1], g[1:]], axis=1) for g in groups if len(g) > 1]
        edges = np.concatenate(links)
        if not len(edges):
            return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0)
        docs, inverse = np.unique(edges, return_inverse=True)
        inverse = inverse.reshape(-1, 2)
        n = len(docs)
        count, labels = connected_components(
            coo_matrix((np.ones(len(inverse), dtype=np.int8), (inverse[:, 0], inverse[:, 1])), shape=(n, n)),
            directed=False)
        first = np.full(count, n, dtype=np.int64)
        np.minimum.at(first, labels, np.arange(n))
        part_of, parts = packed(np.bincount(labels, minlength=count), size, np.argsort(first, kind="stable"))
        return cls(docs, part_of[labels], parts)

    def part_of(self, docs: np.ndarray) -> np.ndarray:
        return self.part[np.searchsorted(self.docs, docs)]


def packed(sizes: np.ndarray, size: int, order: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """``(part of each group, parts)``: groups of ``sizes`` rows taken in ``order`` (default: as given)
    into parts of at most ``size`` rows, a group larger than that alone in its part."""
    part_of = np.empty(len(sizes), dtype=np.int64)
    part, filled = 0, 0
    for group in (range(len(sizes)) if order is None else order.tolist()):
        if filled and filled + sizes[group] > size:
            part, filled = part + 1, 0
        part_of[group] = part
        filled += int(sizes[group])
    return part_of, part + 1 if len(sizes) else 0


@dataclass(frozen=True)
class Notes:
    """What a step notes of each candidate row: its ``view`` text, its keeper value under ``keeper``
    (``quality_key`` for ``highest_quality``) and, for a prompt view, its answer (``same_answer``)."""

    view: View
    keeper: KeeperPolicy
    quality_key: str

    def of(self, rows: list[dict], positions: np.ndarray) -> pa.Table:
        columns = {"pos": pa.array(positions, pa.int64()), "id": pa.array([r["id"] for r in rows], pa.string()),
                   "key": pa.array([keeper_value(r, self.keeper, self.quality_key) for r in rows], pa.float64()),
                   "text": pa.array([view_text(r["messages"], self.view) for r in rows], pa.string())}
        if self.view in PROMPT_VIEWS:
            columns["answer"] = pa.array([answer_text(r["messages"]) for r in rows], pa.string())
        return pa.table(columns)


class Noted:
    """One part's noted candidate rows, looked up by input position."""

    def __init__(self, path: Path):
        table = pq.read_table(path)
        self.positions = table.column("pos").to_numpy()
        self.at = {d: i for i, d in enumerate(self.positions.tolist())}
        self.ids = table.column("id").to_pylist()
        self.keys = table.column("key").to_pylist()
        self.texts = table.column("text").to_pylist()
        self.answers = table.column("answer").to_pylist() if "answer" in table.column_names else None

    def key(self, d: int) -> tuple:
        """``keeper_key`` of the row at ``d``."""
        return (self.keys[self.at[d]], d)

    def text(self, d: int) -> str:
        return self.texts[self.at[d]]

    def id(self, d: int) -> str:
        return self.ids[self.at[d]]

    def same_answer(self, i: int, j: int, match) -> bool:
        return match(self.answers[self.at[i]], self.answers[self.at[j]])


def spill(records, parts: Parts, size: int, folder: Path, notes: Notes, also: Sequence[int] = (),
          progress: Progress = no_progress, description: str = "") -> tuple[list[Path], dict[int, dict]]:
    """One read of ``records`` (``size`` rows at a time): each candidate row's ``{"id", "messages",
    "meta"}`` noted (``notes``) and appended to its part's Parquet file; returns the files by part
    and the rows at positions ``also`` (a sample the step reads whole)."""
    wanted = np.asarray(sorted(set(also)), dtype=np.int64)
    paths = [folder / f"candidates-{p:05d}.parquet" for p in range(parts.count)]
    writers: dict[int, pq.ParquetWriter] = {}
    extra: dict[int, dict] = {}
    try:
        for start, batch in batches(records, size, progress, description):
            end = start + batch.num_rows
            lo, hi = np.searchsorted(parts.docs, [start, end])
            here = parts.docs[lo:hi]
            sample = wanted[(wanted >= start) & (wanted < end)]
            positions = np.union1d(here, sample)
            if not len(positions):
                continue
            rows = dict(zip(positions.tolist(), batch.take(pa.array(positions - start)).select(["id", "messages", "meta"]).to_pylist()))
            extra.update((i, rows[i]) for i in sample.tolist())
            if not len(here):
                continue
            noted = notes.of([rows[i] for i in here.tolist()], here)
            part = parts.part[lo:hi]
            for p in np.unique(part).tolist():
                rows_of_part = noted.filter(pa.array(part == p))
                if p not in writers:
                    writers[p] = pq.ParquetWriter(paths[p], rows_of_part.schema, compression="zstd")
                writers[p].write_table(rows_of_part)
    finally:
        for writer in writers.values():
            writer.close()
    return paths, extra
