"""Rows written to Parquet by hash part, so a group-by over them can run one part at a time.

A Polars group-by holds every distinct key it sees (streaming or not), so grouping
all of a large input at once holds memory in proportion to the input. Written with
a part chosen by its key's hash, every row of one key lies in one part, and each
part is grouped alone: memory follows the rows per part, which the caller sets.
Used by the dedup steps for their keys (``dedup_exact``), shingle counts and LSH
buckets (``dedup_minhash``), and decisions by input batch (``curate.dedup.resolved``).

Both the parts and the tables added grow with the input, and an open Parquet writer keeps
every row group's metadata in memory until it closes (measured: ~2.5 KB a row group; 125
parts fed 600 tables each held 185 MB, which at 10M records would be the shingle counts'
~180k row groups). So a part's file is closed after ``FILE_ROW_GROUPS`` row groups and the
part goes on in a new file (a part is a list of files), and rows are held until ``HELD_BYTES``
have come, then written as one row group per part, so row groups are not a few rows each. The
held bytes are kept small: a step may hold several sets of parts at once (``dedup_exact``, three).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HELD_BYTES = 8 * 2**20
"""Rows (Arrow bytes, all parts together) held before each part's share is written as a row group."""
FILE_ROW_GROUPS = 64
"""Row groups a part's file takes before it is closed and the part goes on in a new file."""


def part_count(rows: int, part_rows: int) -> int:
    """Parts of at most about ``part_rows`` rows for ``rows`` rows (at least one)."""
    return max(1, -(-rows // part_rows))


def digest_keys(digests: Sequence[bytes]) -> np.ndarray:
    """A uint64 partition key per digest: its first eight bytes."""
    return np.frombuffer(b"".join(d[:8] for d in digests), dtype=np.uint64) if digests else np.zeros(0, np.uint64)


class HashParts:
    """``folder/NAME-PART-FILE.parquet`` files, appended a table at a time (``add``); a row's part
    is its ``key`` modulo ``parts``. Read after closing, a part at a time (``files``, ``part_files``)."""

    def __init__(self, folder: Path, name: str, parts: int, held_bytes: int = HELD_BYTES,
                 file_row_groups: int = FILE_ROW_GROUPS):
        self.folder, self.name, self.parts = folder, name, parts
        self.held_bytes, self.file_row_groups = held_bytes, file_row_groups
        self._held: dict[int, list[pa.Table]] = {}
        self._held_now = 0
        self._writers: dict[int, tuple[pq.ParquetWriter, int]] = {}
        self._files: dict[int, int] = {}

    def add(self, table: pa.Table, key: np.ndarray) -> None:
        part = key % np.uint64(self.parts)
        for p in np.unique(part).tolist():
            rows = table.filter(pa.array(part == p)) if self.parts > 1 else table
            self._held.setdefault(p, []).append(rows)
            self._held_now += rows.nbytes
        if self._held_now >= self.held_bytes:
            self._write_held()

    def _write_held(self) -> None:
        for p, tables in sorted(self._held.items()):
            writer, groups = self._writers.get(p) or (None, 0)
            if writer is None:
                number = self._files.get(p, 0)
                self._files[p] = number + 1
                writer = pq.ParquetWriter(self.folder / f"{self.name}-{p:05d}-{number:04d}.parquet", tables[0].schema)
            writer.write_table(pa.concat_tables(tables))
            if groups + 1 >= self.file_row_groups:
                writer.close()
                self._writers.pop(p, None)
            else:
                self._writers[p] = (writer, groups + 1)
        self._held.clear()
        self._held_now = 0

    def part_files(self, part: int) -> list[Path]:
        """Part ``part``'s files (none where no row went to it); call after closing."""
        return [self.folder / f"{self.name}-{part:05d}-{number:04d}.parquet" for number in range(self._files.get(part, 0))]

    def files(self) -> list[list[Path]]:
        """The files of each part written, in part order (call after closing)."""
        return [self.part_files(p) for p in sorted(self._files)]

    def close(self) -> None:
        self._write_held()
        for writer, _ in self._writers.values():
            writer.close()
        self._writers.clear()

    def __enter__(self) -> HashParts:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
