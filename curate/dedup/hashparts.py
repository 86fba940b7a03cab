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
part goes on in a new file: a part is a list of files. (Holding rows to write fewer, larger row
groups instead cost ``dedup_exact`` ~100 MB at 10M records, holding 8 MB per set of parts.)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

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

    def __init__(self, folder: Path, name: str, parts: int, file_row_groups: int = FILE_ROW_GROUPS):
        self.folder, self.name, self.parts = folder, name, parts
        self.file_row_groups = file_row_groups
        self._writers: dict[int, tuple[pq.ParquetWriter, int]] = {}
        self._files: dict[int, int] = {}

    def add(self, table: pa.Table, key: np.ndarray) -> None:
        """Each part's rows of ``table`` as one row group of the part's file."""
        part = key % np.uint64(self.parts)
        for p in np.unique(part).tolist():
            rows = table.filter(pa.array(part == p)) if self.parts > 1 else table
            writer, groups = self._writers.get(p) or (None, 0)
            if writer is None:
                number = self._files.get(p, 0)
                self._files[p] = number + 1
                writer = pq.ParquetWriter(self.folder / f"{self.name}-{p:05d}-{number:04d}.parquet", table.schema)
            writer.write_table(rows)
            if groups + 1 >= self.file_row_groups:
                writer.close()
                self._writers.pop(p, None)
            else:
                self._writers[p] = (writer, groups + 1)

    def part_files(self, part: int) -> list[Path]:
        """Part ``part``'s files (none where no row went to it); call after closing."""
        return [self.folder / f"{self.name}-{part:05d}-{number:04d}.parquet" for number in range(self._files.get(part, 0))]

    def files(self) -> list[list[Path]]:
        """The files of each part written, in part order (call after closing)."""
        return [self.part_files(p) for p in sorted(self._files)]

    def close(self) -> None:
        for writer, _ in self._writers.values():
            writer.close()
        self._writers.clear()

    def __enter__(self) -> HashParts:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
