"""A dedup step's decisions, kept on disk by the input batch their rows are in.

A step decides a part at a time (a hash part of keys in ``dedup_exact``, a part of whole components
in the near-duplicate steps, ``curate.dedup.candidates``); what each part decides (a removed row's
keeper and score, a kept row's flag group) must wait for the last read of the input, which writes
kept and removed rows a batch at a time. Held as dicts of Python objects until then, those decisions
grow with the duplicates (at 10M records, ~800k of them in ``dedup_exact``). ``Decisions`` writes
them to scratch files by the span of ``part_rows`` input rows their rows are in (``HashParts`` keyed
by span) and gives the last read one batch's decisions at a time, holding one span's
(``curate.dedup.reads.kept_batches``); ``Resolved`` adds what the near-duplicate steps' cards count.

Spans, not batches: each part has an open Parquet writer until the end, and a writer holds ~0.3 MB
(measured: 500 parts, one per 20k-row batch of 10M records, held 146 MB more than one part).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from curate.dedup.candidates import Noted
from curate.dedup.clusters import EXAMPLE_PAIRS, Resolution
from curate.dedup.hashparts import HashParts, part_count
from curate.views import View

PART_ROWS = 1_000_000
"""Input rows whose decisions share scratch files and are read back together: what the last read holds."""

DECISIONS = pa.schema([("pos", pa.int64()), ("id", pa.string()), ("keeper", pa.string()),
                       ("score", pa.float64()), ("group", pa.string())])
"""A removed row: its keeper's id and the similarity to it; a flagged kept row: its group's id."""


@dataclass(frozen=True)
class Removal:
    """How a step words its removed rows: ``score`` is the similarity to the row ``duplicate_of`` names,
    the very value compared with ``threshold``."""

    stage: str
    reason: str
    view: View
    measure: str
    threshold: float
    detail: str = "{view} view within threshold of {keeper}: {measure} {score:.3f} >= {threshold}"
    """The removed row's detail, formatted with this removal's fields and the row's ``keeper`` and ``score``."""

    def row(self, rid: str, keeper: str, score: float) -> dict:
        detail = self.detail.format(view=self.view, keeper=keeper, measure=self.measure, score=score, threshold=self.threshold)
        return {"id": rid, "stage": self.stage, "reason": self.reason, "detail": detail, "duplicate_of": keeper, "score": score}


class Decisions:
    """Decisions on rows (``DECISIONS``; ``write``, in any order) under ``folder``; read back after
    ``close`` a batch of ``batch_rows`` input rows at a time, in input order (``batch``), holding the
    decisions of one span of about ``part_rows`` input rows (whole batches) at a time."""

    def __init__(self, folder: Path, rows: int, batch_rows: int, part_rows: int = PART_ROWS):
        self.batch_rows = batch_rows
        self.part_rows = max(1, part_rows // batch_rows) * batch_rows
        self._parts = HashParts(folder, "decisions", part_count(rows, self.part_rows))
        self._span, self._held, self._positions = -1, DECISIONS.empty_table(), np.zeros(0, np.int64)

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            positions = table.column("pos").to_numpy().astype(np.uint64)
            self._parts.add(table, positions // np.uint64(self.part_rows))

    def close(self) -> None:
        self._parts.close()

    def batch(self, start: int) -> pa.Table:
        """The decisions on the rows of the batch at ``start``, by position."""
        span = start // self.part_rows
        if span != self._span:
            files = self._parts.part_files(span)
            self._held = (pa.concat_tables(pq.read_table(f, schema=DECISIONS) for f in files).sort_by("pos")
                          if files else DECISIONS.empty_table())
            self._span, self._positions = span, self._held.column("pos").to_numpy()
        lo, hi = np.searchsorted(self._positions, [start, start + self.batch_rows]).tolist()
        return self._held.slice(lo, hi - lo)


class Resolved(Decisions):
    """Near-duplicate parts' resolutions (``add``), with the card's counts and the first removals of
    each part as examples."""

    def __init__(self, folder: Path, rows: int, batch_rows: int):
        super().__init__(folder, rows, batch_rows)
        self.components = self.split = self.kept_in_split = self.removed = self.flagged_groups = 0
        self.examples: list[tuple[int, str, str, float]] = []

    def add(self, resolution: Resolution, part: Noted) -> None:
        removed = sorted(resolution.removed.items())
        flagged = sorted(resolution.flagged.items())
        self.components += resolution.components
        self.split += resolution.split
        self.kept_in_split += resolution.kept_in_split
        self.removed += len(removed)
        self.flagged_groups += len(set(resolution.flagged.values()))
        self.examples += [(i, part.text(i), part.text(k), resolution.similarity[i]) for i, k in removed[:EXAMPLE_PAIRS]]
        positions = [i for i, _ in removed] + [i for i, _ in flagged]
        self.write(pa.table({
            "pos": pa.array(positions, pa.int64()),
            "id": pa.array([part.id(i) for i in positions], pa.string()),
            "keeper": pa.array([part.id(k) for _, k in removed] + [None] * len(flagged), pa.string()),
            "score": pa.array([float(resolution.similarity[i]) for i, _ in removed] + [None] * len(flagged), pa.float64()),
            "group": pa.array([None] * len(removed) + [part.id(g) for _, g in flagged], pa.string()),
        }, schema=DECISIONS))

    def example_pairs(self) -> list[tuple[str, str, float]]:
        """The card's examples: the first removals in input order, as (removed text, kept text, similarity)."""
        return [example[1:] for example in sorted(self.examples)[:EXAMPLE_PAIRS]]

    def split_md(self) -> str:
        """The card's line on chains: components split so that no removal is further than the threshold from its keeper."""
        return (f"Duplicate components: {self.components}; chains broken (components that kept more than one row "
                f"because a member was not within the threshold of any keeper, or its answer differed): {self.split}, "
                f"rows kept by those splits: {self.kept_in_split}. Every removed row is within the threshold of the "
                "row its `duplicate_of` names.\n")
