"""Where artifacts live and how they are written: one folder per stage version.

    <root>/<stage>/<version>/
        data/part-00000.parquet ...   kept rows
        removed.parquet               removed rows with reasons
        files/                        non-tabular outputs (adapters, plots), if any
        manifest.json                 what made it, what it holds
        CARD.md                       the data card

A folder is only ever created by renaming a finished temporary folder into
place (an atomic rename on one filesystem), so a crash mid-write leaves a
``.tmp-*`` folder that no reader takes for an artifact (``list`` and ``find``
skip hidden names). ``manifest.json`` is the marker of a finished artifact.

Many runs may share a store. Each writes into scratch named for its own process
(``curate.artifacts.owners``) and removes only its own, or a dead process's: a
live run's scratch is never touched. Two runs computing the same version race
only at the rename: the loser finds the winner's folder in place, drops its own
copy and returns the winner's artifact, identical by construction (same
fingerprint, deterministic stages).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from curate.artifacts.names import is_safe_name, safe_name
from curate.artifacts.owners import owned_name, sweep
from curate.files import file_listing

ROWS_PER_PART = 100_000


class ArtifactNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Artifact:
    stage: str
    version: str
    path: Path
    manifest: dict[str, Any]
    cached: bool = False

    @property
    def rows(self) -> dict[str, Any]:
        return self.manifest["rows"]

    @property
    def card_path(self) -> Path:
        return self.path / "CARD.md"

    @property
    def files_dir(self) -> Path:
        return self.path / "files"

    @property
    def data_files(self) -> list[Path]:
        return sorted((self.path / "data").glob("*.parquet"))


class StoreQueries:
    """Look-ups every store answers the same way from its own ``list`` and ``get``."""

    def find(self, version: str) -> Artifact:
        """An artifact by version alone (or a unique prefix of it), whatever its stage."""
        hits = [a for a in self.list() if a.version.startswith(version)]
        if not hits:
            raise ArtifactNotFound(f"no artifact with version {version!r} under {self.root}; `curate artifacts list` shows them")
        if len({a.version for a in hits}) > 1:
            raise ArtifactNotFound(f"version prefix {version!r} is ambiguous: {', '.join(a.version for a in hits)}")
        return hits[0]

    def lineage(self, artifact: Artifact) -> Iterator[tuple[int, Artifact]]:
        """Depth-first walk from an artifact back through its inputs to raw files."""
        stack = [(0, artifact)]
        while stack:
            depth, current = stack.pop()
            yield depth, current
            for ref in reversed(current.manifest.get("inputs", [])):
                parent = self.get(ref["stage"], ref["version"])
                if parent is not None:
                    stack.append((depth + 1, parent))


def parts(kept: pa.Table) -> Iterator[tuple[str, pa.Table]]:
    """The Parquet part files of an artifact's kept rows, by name (at least one, even when empty)."""
    for i in range(max(1, -(-kept.num_rows // ROWS_PER_PART))):
        yield f"part-{i:05d}.parquet", kept.slice(i * ROWS_PER_PART, ROWS_PER_PART)


class ArtifactStore(StoreQueries):
    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.fs = fsspec.filesystem("file", auto_mkdir=True)
        self.root_path = self.root.absolute().as_posix()
        """``fs`` and ``root_path``: what run records and reports use, alike on every store."""

    def path_for(self, stage: str, version: str) -> Path:
        return self.root / safe_name(stage, "stage") / safe_name(version, "version")

    def get(self, stage: str, version: str) -> Artifact | None:
        """The finished artifact, or None; a name that is not a plain segment
        (``../x``, a ``.tmp-*`` scratch folder) names nothing the store wrote."""
        if not (is_safe_name(stage) and is_safe_name(version)):
            return None
        path = self.path_for(stage, version)
        manifest = path / "manifest.json"
        if not manifest.is_file():
            return None
        return Artifact(stage, version, path, json.loads(manifest.read_text()), cached=True)

    def list(self, stage: str | None = None) -> list[Artifact]:
        pattern = f"{safe_name(stage, 'stage') if stage is not None else '*'}/*/manifest.json"
        if not self.root.is_dir():
            return []
        found = []
        for manifest in self.root.glob(pattern):
            path = manifest.parent
            if is_safe_name(path.name) and is_safe_name(path.parent.name):
                found.append(Artifact(path.parent.name, path.name, path, json.loads(manifest.read_text()), cached=True))
        return sorted(found, key=lambda a: a.manifest.get("created_at", ""))

    def read(self, artifact: Artifact) -> pa.Table:
        """The kept rows, with the schema recorded in the Parquet files."""
        files = artifact.data_files
        if not files:
            raise ArtifactNotFound(f"{artifact.path}: no data parts")
        return ds.dataset([str(f) for f in files], format="parquet").to_table()

    def dataset(self, artifact: Artifact) -> ds.Dataset | None:
        """The kept rows as a lazy Arrow dataset (schema, chosen columns), or None without parts."""
        files = artifact.data_files
        return ds.dataset([str(f) for f in files], format="parquet") if files else None

    def read_card(self, artifact: Artifact) -> str:
        return artifact.card_path.read_text()

    def read_removed(self, artifact: Artifact) -> pa.Table:
        return pq.read_table(artifact.path / "removed.parquet")

    def scratch(self, stage: str, version: str) -> Path:
        """An empty folder for a stage's file outputs, beside where the artifact
        will land, so moving it in is a rename on one filesystem. Named for this
        process, so a sweep removes it once this process is gone, never before."""
        folder = self.path_for(stage, version).parent / owned_name(f".tmp-{version}-", "-files")
        folder.mkdir(parents=True)
        return folder

    def sweep(self, stage: str | None = None) -> list[Path]:
        """Remove the scratch of crashed runs (all stages, or one): folders whose
        owning process has ended, and untagged ones left by older versions of
        this code. Live runs' scratch stays. Returns what was removed."""
        removed: list[Path] = []
        try:
            folders = ([self.root / safe_name(stage, "stage")] if stage
                       else [p for p in self.root.iterdir() if is_safe_name(p.name)])
        except OSError:  # no store yet, or not readable: nothing to sweep
            return removed
        for folder in folders:
            removed += sweep(folder, ".tmp-*")
            for legacy in folder.glob(".tmp-*"):
                if _LEGACY_SCRATCH.fullmatch(legacy.name):
                    shutil.rmtree(legacy, ignore_errors=True)
                    removed.append(legacy)
        return removed

    def write(
        self, stage: str, version: str, kept: pa.Table, removed: pa.Table, manifest: dict, card: str,
        files: Path | None = None,
    ) -> Artifact:
        final = self.path_for(stage, version)
        final.parent.mkdir(parents=True, exist_ok=True)
        self.sweep(stage)
        tmp = final.parent / owned_name(f".tmp-{version}-")
        try:
            (tmp / "data").mkdir(parents=True)
            for name, chunk in parts(kept):
                pq.write_table(chunk, tmp / "data" / name, compression="zstd")
            pq.write_table(removed, tmp / "removed.parquet", compression="zstd")
            if files is not None and any(files.iterdir()):
                os.rename(files, tmp / "files")
                manifest = {**manifest, "files": file_listing(tmp / "files")}
            (tmp / "CARD.md").write_text(card)
            # The manifest goes last: its presence marks a finished artifact.
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")
            _fsync_tree(tmp)
            published = _publish(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            if files is not None:
                shutil.rmtree(files, ignore_errors=True)
        if not published:  # another run renamed the same version into place first: take its copy
            shutil.rmtree(tmp, ignore_errors=True)
            return dataclasses.replace(self.get(stage, version), cached=False)
        return Artifact(stage, version, final, manifest, cached=False)


_LEGACY_SCRATCH = re.compile(r"\.tmp-[0-9a-f]{12,64}-[0-9a-f]{8}(?:-files)?")
"""Scratch named before names carried their owner: no live run of this code makes them."""


def _publish(tmp: Path, final: Path) -> bool:
    """Rename a finished folder into place; False when a finished artifact is
    already there (the rename of a folder onto a non-empty one fails)."""
    try:
        os.rename(tmp, final)
        return True
    except OSError:
        if not (final / "manifest.json").is_file():
            raise
        return False


def _fsync_tree(path: Path) -> None:
    for file in path.rglob("*"):
        if file.is_file():
            with file.open("rb") as fh:
                os.fsync(fh.fileno())
