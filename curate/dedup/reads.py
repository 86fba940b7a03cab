"""The reads a dedup step makes when it never holds its input (``Stage.inputs_by_location``).

``dedup_exact``, ``dedup_minhash`` and ``dedup_semantic`` each find what to remove from small
columns (keys, signatures, vectors), keep what they decide on disk (``curate.dedup.resolved``)
and read their input again a batch at a time to write each batch's kept rows and its removed
ones (``kept_batches``, the removed ones to a file through ``RemovedRows``); the near-duplicate
steps read the rows their candidate pairs name in between, a part of whole components at a
time (``curate.dedup.candidates``).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator, Mapping

import pyarrow as pa

from curate.dedup.clusters import flag_meta
from curate.dedup.resolved import Decisions, Removal
from curate.stage import Progress, RemovedRows, batches, no_progress, removed_table


def kept_batch(batch: pa.Table, offset: int, removed: Container[int], flagged: Mapping[int, str], key: str) -> pa.Table:
    """A batch of rows at input positions ``offset...`` without the ``removed`` positions, the kept
    ones that ``flagged`` names carrying ``meta[key]``."""
    positions = range(offset, offset + batch.num_rows)
    keep = [i not in removed for i in positions]
    kept = batch if all(keep) else batch.filter(pa.array(keep, pa.bool_()))
    at = {i: p for p, i in enumerate(i for i, k in zip(positions, keep) if k)}
    return flag_meta(kept, {at[i]: flagged[i] for i in at.keys() & flagged.keys()}, key)


def kept_batches(records, decisions: Decisions, removal: Removal, key: str, removed: RemovedRows,
                 progress: Progress = no_progress, description: str = "",
                 seen: Callable[[int, pa.Table], None] | None = None) -> Iterator[pa.Table]:
    """The last read, ``decisions.batch_rows`` rows at a time: each batch's kept rows (flagged ones
    carrying ``meta[key]``, their group's id), and its removed rows with their records into ``removed``;
    ``seen(start, batch)`` is called on each batch read, for a step that wants a few of its rows."""
    for start, batch in batches(records, decisions.batch_rows, progress, description):
        if seen is not None:
            seen(start, batch)
        decided = decisions.batch(start).to_pylist()
        gone = {d["pos"]: removal.row(d["id"], d["keeper"], d["score"]) for d in decided if d["keeper"] is not None}
        if gone:
            removed.add(removed_table(list(gone.values()), source=batch))
        yield kept_batch(batch, start, gone, {d["pos"]: d["group"] for d in decided if d["keeper"] is None}, key)
