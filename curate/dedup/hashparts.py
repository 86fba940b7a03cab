"""Rows written to Parquet by hash part, so a group-by over them can run one part at a time.

A Polars group-by holds every distinct key it sees (streaming or not), so grouping
all of a large input at once holds memory in proportion to the input. Written with
a part chosen by its key's hash, every row of one key lies in one file, and each
file is grouped alone: memory follows the rows per part, which the caller sets.
Used by the dedup steps for their keys (``dedup_exact``) and shingle counts
(``dedup_minhash``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def part_count(rows: int, part_rows: int) -> int:
    """Parts of at most about ``part_rows`` rows for ``rows`` rows (at least one)."""
    return max(1, -(-rows // part_rows))


def digest_keys(digests: Sequence[bytes]) -> np.ndarray:
    """A uint64 partition key per digest: its first eight bytes."""
    return np.frombuffer(b"".join(d[:8] for d in digests), dtype=np.uint64) if digests else np.zeros(0, np.uint64)


class HashParts:
    """``folder/NAME-PART.parquet`` files, one per part, appended a table at a time (a row group per
    ``add``); a row's part is its ``key`` modulo ``parts``."""

    def __init__(self, folder: Path, name: str, parts: int):
        self.folder, self.name, self.parts = folder, name, parts
        self._writers: dict[int, pq.ParquetWriter] = {}

    def add(self, table: pa.Table, key: np.ndarray) -> None:
        part = key % np.uint64(self.parts)
        for p in np.unique(part).tolist():
            rows = table.filter(pa.array(part == p)) if self.parts > 1 else table
            if p not in self._writers:
                self._writers[p] = pq.ParquetWriter(self.folder / f"{self.name}-{p:05d}.parquet", table.schema)
            self._writers[p].write_table(rows)

    def files(self) -> list[Path]:
        """The parts written, in order (call after closing)."""
        return sorted(self.folder.glob(f"{self.name}-*.parquet"))

    def __enter__(self) -> HashParts:
        return self

    def __exit__(self, *exc) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
