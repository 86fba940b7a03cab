"""The artifact store on any fsspec filesystem: S3 (s3fs, also MinIO/Ceph/moto),
GCS, or a local folder through ``file://``. Same layout and interface as
``ArtifactStore``, so ``run_stage`` works with either.

Object stores have no atomic rename, so atomicity comes from the manifest:

    <root>/<stage>/<version>/attempt-<id>/data/part-00000.parquet ...
    <root>/<stage>/<version>/attempt-<id>/removed.parquet, CARD.md, files/...
    <root>/<stage>/<version>/manifest.json   <- written last; names its attempt

A writer puts everything under a fresh ``attempt-<owner>-<id>/`` prefix, then
writes ``manifest.json`` (one PUT, atomic on S3). A reader trusts a version only
when its manifest exists and reads the attempt it names, so a crash mid-write
leaves an attempt prefix that no reader looks at.

Several runs may write the same version at once. An attempt is named for its
process (``curate.artifacts.owners``), and the next write of a version deletes
only unreferenced attempts whose process has ended on this host, never a live
writer's. A writer that finds a manifest already in place when it is about to
write its own adopts that artifact instead (identical by construction). Two
writers that both pass that check write the manifest twice; the last one wins
and the other's attempt stays behind unreferenced: harmless, never read.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from curate.artifacts.names import is_safe_name, safe_name
from curate.artifacts.owners import owned_name, owner_gone
from curate.artifacts.store import Artifact, ArtifactNotFound, StoreQueries, parts
from curate.files import file_listing


def is_url(root: str) -> bool:
    return "://" in root


class FsArtifact(Artifact):
    """An artifact in an fsspec store; ``path`` is the URL of its data prefix."""

    @property
    def card_path(self) -> str:
        return f"{self.path}/CARD.md"

    @property
    def files_dir(self) -> RemoteFolder:
        return RemoteFolder(f"{self.path}/files", bool(self.manifest.get("files")))


class RemoteFolder(str):
    """An artifact's ``files/`` prefix on the object store. ``is_dir()`` answers
    like ``Path.is_dir`` from the manifest, so the runner's "has this input any
    files?" check works; its files are not on local disk (see the README note)."""

    def __new__(cls, url: str, present: bool):
        folder = super().__new__(cls, url)
        folder._present = present
        return folder

    def is_dir(self) -> bool:
        return self._present


class FsspecArtifactStore(StoreQueries):
    def __init__(self, root: str, storage_options: Mapping[str, Any] | None = None):
        options = dict(storage_options or {})
        if root.startswith(("file://", "local://")):
            options.setdefault("auto_mkdir", True)
        self.fs, path = fsspec.core.url_to_fs(root, **options)
        self.root_path = path.rstrip("/")
        self.root = root.rstrip("/")

    # -- addressing -------------------------------------------------------
    def _key(self, *parts: str) -> str:
        return "/".join([self.root_path, *parts])

    def path_for(self, stage: str, version: str) -> str:
        return self._key(safe_name(stage, "stage"), safe_name(version, "version"))

    def _artifact(self, stage: str, version: str, manifest: dict, cached: bool) -> FsArtifact:
        return FsArtifact(stage, version, self._key(stage, version, manifest["location"]), manifest, cached)

    # -- reading ------------------------------------------------------------
    def get(self, stage: str, version: str) -> FsArtifact | None:
        if not (is_safe_name(stage) and is_safe_name(version)):
            return None
        try:
            manifest = json.loads(self.fs.cat_file(self._key(stage, version, "manifest.json")))
        except FileNotFoundError:
            return None
        return self._artifact(stage, version, manifest, cached=True)

    def list(self, stage: str | None = None) -> list[FsArtifact]:
        self.fs.invalidate_cache()
        found = []
        for key in self.fs.glob(self._key(safe_name(stage, "stage") if stage is not None else "*", "*", "manifest.json")):
            version_dir = key.rsplit("/", 2)
            stage_name, version = version_dir[0].rsplit("/", 1)[-1], version_dir[1]
            if is_safe_name(stage_name) and is_safe_name(version):
                found.append(self._artifact(stage_name, version, json.loads(self.fs.cat_file(key)), cached=True))
        return sorted(found, key=lambda a: a.manifest.get("created_at", ""))

    def data_files(self, artifact: FsArtifact) -> list[str]:
        return sorted(self.fs.glob(f"{artifact.path}/data/*.parquet"))

    def read(self, artifact: FsArtifact) -> pa.Table:
        files = self.data_files(artifact)
        if not files:
            raise ArtifactNotFound(f"{artifact.path}: no data parts")
        return ds.dataset(files, format="parquet", filesystem=self.fs).to_table()

    def dataset(self, artifact: FsArtifact) -> ds.Dataset | None:
        """The kept rows as a lazy Arrow dataset (schema, chosen columns), or None without parts."""
        files = self.data_files(artifact)
        return ds.dataset(files, format="parquet", filesystem=self.fs) if files else None

    def read_removed(self, artifact: FsArtifact) -> pa.Table:
        return pq.read_table(f"{artifact.path}/removed.parquet", filesystem=self.fs)

    def read_card(self, artifact: FsArtifact) -> str:
        return self.fs.cat_file(artifact.card_path).decode()

    # -- writing --------------------------------------------------------------
    def scratch(self, stage: str, version: str) -> Path:
        """A local empty folder for a stage's file outputs; uploaded by ``write``."""
        folder = Path(tempfile.gettempdir()) / owned_name(f"curate-{stage}-{version[:12]}-files-")
        folder.mkdir()
        return folder

    def write(
        self, stage: str, version: str, kept: pa.Table, removed: pa.Table, manifest: dict, card: str,
        files: Path | None = None,
    ) -> FsArtifact:
        try:
            return self._write(stage, version, kept, removed, manifest, card, files)
        finally:
            if files is not None:
                shutil.rmtree(files, ignore_errors=True)

    def _write(self, stage, version, kept, removed, manifest, card, files) -> FsArtifact:
        attempt = owned_name("attempt-")
        base = self._key(stage, version, attempt)
        self._drop_stale_attempts(stage, version)
        for name, chunk in parts(kept):
            with self.fs.open(f"{base}/data/{name}", "wb") as fh:
                pq.write_table(chunk, fh, compression="zstd")
        with self.fs.open(f"{base}/removed.parquet", "wb") as fh:
            pq.write_table(removed, fh, compression="zstd")
        if files is not None and any(Path(files).iterdir()):
            manifest = {**manifest, "files": file_listing(Path(files))}
            for entry in manifest["files"]:
                self.fs.put_file(str(Path(files) / entry["path"]), f"{base}/files/{entry['path']}")
        self.fs.pipe_file(f"{base}/CARD.md", card.encode())
        manifest = {**manifest, "location": attempt}
        winner = self.get(stage, version)
        if winner is not None:  # another run published this version while we wrote: take its copy
            self.fs.rm(base, recursive=True)
            return self._artifact(stage, version, winner.manifest, cached=False)
        # The manifest goes last, in one PUT: its presence marks a finished artifact.
        self._write_manifest(self._key(stage, version, "manifest.json"), manifest)
        return self._artifact(stage, version, manifest, cached=False)

    def _write_manifest(self, key: str, manifest: dict) -> None:
        self.fs.pipe_file(key, (json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n").encode())

    def _drop_stale_attempts(self, stage: str, version: str) -> None:
        """Unreferenced attempts of writers that have ended are leftovers of crashed writes."""
        if self.get(stage, version) is not None:
            return
        for prefix in self.fs.glob(self._key(stage, version, "attempt-*")):
            if owner_gone(prefix.rsplit("/", 1)[-1]):
                self.fs.rm(prefix, recursive=True)
