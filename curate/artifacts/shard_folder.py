"""Where a sharded step's finished shards wait for their artifact, on whatever filesystem the store is.

A shard task writes its result into its own folder: kept rows, removed rows, then ``result.json``.
A rerun after a crash (even ``kill -9``) reads back every folder that holds a ``result.json`` and runs
only the other shards. On a local disk a finished temporary folder is renamed into place; an object
store has no rename, so there ``result.json`` is written last and is the commit marker: a folder
without it is no result, whatever else it holds. A ``ShardFolder`` is a URL and the store's options,
so it pickles to a task on any worker, which opens the filesystem itself.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from curate.stage import StageResult, removed_table

DONE = "result.json"


@dataclass(frozen=True)
class ShardFolder:
    url: str
    """A local path, or a URL fsspec opens with ``storage_options``."""
    storage_options: Mapping[str, Any] = field(default_factory=dict)

    def child(self, name: str) -> ShardFolder:
        return ShardFolder(f"{self.url.rstrip('/')}/{name}", self.storage_options)

    def _fs(self) -> tuple[fsspec.AbstractFileSystem, str]:
        return fsspec.core.url_to_fs(self.url, **self.storage_options)

    @property
    def local(self) -> bool:
        return isinstance(self._fs()[0], LocalFileSystem)

    def write(self, result: StageResult) -> None:
        """Publish ``result`` here, once: a second attempt at the same shard (same inputs, same rows)
        that finds a result leaves it."""
        fs, path = self._fs()
        if isinstance(fs, LocalFileSystem):
            folder = Path(path)
            tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
            tmp.mkdir(parents=True)
            _write(fs, tmp.as_posix(), result)
            try:
                os.rename(tmp, folder)
            except OSError:  # another attempt published first
                shutil.rmtree(tmp, ignore_errors=True)
            return
        if fs.exists(f"{path}/{DONE}"):
            return
        _write(fs, path, result)

    def read(self) -> StageResult | None:
        """The finished result (its rows left where they lie: ``table`` reads them), or ``None``."""
        fs, path = self._fs()
        try:
            meta = json.loads(fs.cat_file(f"{path}/{DONE}"))
        except FileNotFoundError:
            return None
        return StageResult(kept=pa.table({}), removed=removed_table([]), metrics=meta["metrics"], card=meta["card"],
                           rows_in=meta["rows_in"])

    def table(self, name: str) -> pa.Table:
        """The finished shard's ``kept`` or ``removed`` rows."""
        fs, path = self._fs()
        with fs.open(f"{path}/{name}.parquet", "rb") as fh:
            return pq.read_table(fh)

    def remove(self) -> None:
        fs, path = self._fs()
        if isinstance(fs, LocalFileSystem):
            shutil.rmtree(path, ignore_errors=True)
        elif fs.exists(path):
            fs.rm(path, recursive=True)

    def exists(self) -> bool:
        fs, path = self._fs()
        return fs.exists(path)


def _write(fs: fsspec.AbstractFileSystem, path: str, result: StageResult) -> None:
    fs.makedirs(path, exist_ok=True)
    for name, table in (("kept", result.kept), ("removed", result.removed)):
        with fs.open(f"{path}/{name}.parquet", "wb") as fh:
            pq.write_table(table, fh)
    with fs.open(f"{path}/{DONE}", "w") as fh:  # last: the commit marker
        fh.write(json.dumps({"metrics": result.metrics, "card": result.card, "rows_in": result.rows_in}, default=str))
