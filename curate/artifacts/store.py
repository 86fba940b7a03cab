"""Where artifacts live and how they are written: one folder per stage version.

    <root>/<stage>/<version>/
        data/part-00000.parquet ...   kept rows
        removed.parquet               removed rows with reasons
        files/                        non-tabular outputs (adapters, plots), if any
        manifest.json                 what made it, what it holds
        CARD.md                       the data card

A folder is only ever created by renaming a finished temporary folder into
place (an atomic rename on one filesystem), so a crash mid-write leaves a
``.tmp-*`` folder that no reader takes for an artifact; the next write of the
same version cleans it up. ``manifest.json`` is the marker of a finished
artifact.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

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

    def path_for(self, stage: str, version: str) -> Path:
        return self.root / stage / version

    def get(self, stage: str, version: str) -> Artifact | None:
        path = self.path_for(stage, version)
        manifest = path / "manifest.json"
        if not manifest.is_file():
            return None
        return Artifact(stage, version, path, json.loads(manifest.read_text()), cached=True)

    def list(self, stage: str | None = None) -> list[Artifact]:
        if not self.root.is_dir():
            return []
        found = []
        for manifest in self.root.glob(f"{stage or '*'}/*/manifest.json"):
            path = manifest.parent
            found.append(Artifact(path.parent.name, path.name, path, json.loads(manifest.read_text()), cached=True))
        return sorted(found, key=lambda a: a.manifest.get("created_at", ""))

    def read(self, artifact: Artifact) -> pa.Table:
        """The kept rows, with the schema recorded in the Parquet files."""
        files = artifact.data_files
        if not files:
            raise ArtifactNotFound(f"{artifact.path}: no data parts")
        return ds.dataset([str(f) for f in files], format="parquet").to_table()

    def read_card(self, artifact: Artifact) -> str:
        return artifact.card_path.read_text()

    def read_removed(self, artifact: Artifact) -> pa.Table:
        return pq.read_table(artifact.path / "removed.parquet")

    def scratch(self, stage: str, version: str) -> Path:
        """An empty folder for a stage's file outputs, beside where the artifact
        will land, so moving it in is a rename on one filesystem. Its name
        matches the stale-temp pattern, so a crashed run's scratch is cleaned."""
        folder = self.path_for(stage, version).parent / f".tmp-{version}-{uuid.uuid4().hex[:8]}-files"
        folder.mkdir(parents=True)
        return folder

    def write(
        self, stage: str, version: str, kept: pa.Table, removed: pa.Table, manifest: dict, card: str,
        files: Path | None = None,
    ) -> Artifact:
        final = self.path_for(stage, version)
        final.parent.mkdir(parents=True, exist_ok=True)
        for stale in final.parent.glob(f".tmp-{version}-*"):
            if stale != files:
                shutil.rmtree(stale, ignore_errors=True)
        tmp = final.parent / f".tmp-{version}-{uuid.uuid4().hex[:8]}"
        (tmp / "data").mkdir(parents=True)
        try:
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
            try:
                os.rename(tmp, final)
            except OSError:
                # Another run finished the same version first; identical by construction.
                if not (final / "manifest.json").is_file():
                    raise
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            if files is not None:
                shutil.rmtree(files, ignore_errors=True)
        return Artifact(stage, version, final, manifest, cached=False)


def sha256_of(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def file_listing(root: Path) -> list[dict[str, Any]]:
    """Every file under an artifact's ``files/`` folder with its size and sha256."""
    listing = []
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        listing.append({"path": str(file.relative_to(root)), "bytes": file.stat().st_size, "sha256": sha256_of(file)})
    return listing


def _fsync_tree(path: Path) -> None:
    for file in path.rglob("*"):
        if file.is_file():
            with file.open("rb") as fh:
                os.fsync(fh.fileno())
