"""Each record's vector from an ``embed`` artifact, aligned by id.

Every stage that reads an ``embed`` artifact (semantic dedup, clustering, selection,
decontamination) aligns it to its own records by id; a record without a vector is an
error, because the embeddings must come from the same records. ``aligned_vectors``
gives them all at once; ``VectorRows`` gives them a batch of the artifact at a time, for a
step that reads its inputs by location and holds some vectors, not every one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curate.stage import Progress, batches, no_progress


class MissingEmbeddings(ValueError):
    """A record has no row in the embeddings input (they came from other records)."""


def aligned_vectors(records: pa.Table, embeddings: pa.Table) -> np.ndarray:
    """The unit-length embedding of every record, in record order."""
    where = _first_rows(records.column("id").combine_chunks(), embeddings.column("id").combine_chunks())
    flat = embeddings.column("vector").combine_chunks()
    matrix = flat.values.to_numpy(zero_copy_only=False).reshape(-1, flat.type.list_size)
    return _unit(matrix[where].astype(np.float32, copy=False))


def _unit(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` (a fresh float32 copy, normalised in place) scaled to unit length."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors /= np.where(norms == 0, 1.0, norms)
    return vectors


def _first_rows(record_ids: pa.Array, embedding_ids: pa.Array) -> np.ndarray:
    """Each record's first row in the embeddings; ``MissingEmbeddings`` naming one that has none."""
    where = pc.index_in(record_ids, value_set=embedding_ids)
    if where.null_count:
        missing = record_ids.filter(pc.is_null(where)).to_pylist()
        raise MissingEmbeddings(f"{len(missing)} records have no embedding (e.g. id {missing[0]!r}); "
                                "the embeddings input must come from the same records")
    return where.to_numpy(zero_copy_only=False)


@dataclass(frozen=True)
class SampledVectors:
    """The vectors of some rows of an ``n``-row input, by position: what a step that fits on samples
    holds in place of every vector (``VectorRows.sampled``)."""

    n: int
    positions: np.ndarray
    """Sorted row positions."""
    vectors: np.ndarray

    def at(self, positions: np.ndarray) -> np.ndarray:
        return self.vectors[np.searchsorted(self.positions, positions)]


class VectorRows:
    """Where each record's vector lies in an embeddings input read by location (a table works too):
    found from the artifact's ids alone, so the vectors are read ``size`` rows at a time
    (``batches``), only the wanted records' kept."""

    def __init__(self, record_ids: pa.Array, embeddings, size: int, progress: Progress = no_progress):
        self.embeddings, self.size, self.progress = embeddings, size, progress
        ids = pa.concat_arrays([b.column("id").combine_chunks() for _, b in batches(embeddings, size, columns=("id",))]
                               or [pa.array([], pa.string())])
        first = _first_rows(record_ids, ids)
        self.n = len(first)
        """Records."""
        self.owner = np.full(len(ids), -1, dtype=np.int64)
        """Per embeddings row, the position of the record whose vector it is; -1 for none."""
        self.owner[first] = np.arange(len(first))

    def read(self, description: str = "", wanted: np.ndarray | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """``(record positions, their unit vectors as float32)`` a batch of the embeddings at a time, for
        every record or the ``wanted`` positions (sorted)."""
        for start, batch in batches(self.embeddings, self.size, self.progress, description):
            owner = self.owner[start:start + batch.num_rows]
            rows = np.flatnonzero(owner >= 0 if wanted is None else np.isin(owner, wanted))
            if len(rows):
                flat = batch.column("vector").combine_chunks()
                matrix = flat.values.to_numpy(zero_copy_only=False).reshape(-1, flat.type.list_size)
                yield owner[rows], _unit(matrix[rows].astype(np.float32, copy=False))

    def sampled(self, wanted: np.ndarray, description: str = "") -> SampledVectors:
        """The vectors of the ``wanted`` record positions (sorted), read a batch of the embeddings at a
        time into one matrix."""
        vectors = None
        for positions, found in self.read(description, wanted):
            if vectors is None:
                vectors = np.empty((len(wanted), found.shape[1]), dtype=found.dtype)
            vectors[np.searchsorted(wanted, positions)] = found
        return SampledVectors(self.n, wanted, vectors if vectors is not None else np.zeros((0, 0), np.float32))
