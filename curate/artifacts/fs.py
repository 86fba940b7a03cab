"""The artifact store on any fsspec filesystem: S3 (s3fs, also MinIO/Ceph/moto),
GCS, or a local folder through ``file://``. Same layout and interface as
``ArtifactStore``, so ``run_stage`` works with either.

Object stores have no atomic rename, so atomicity comes from the manifest:

    <root>/<stage>/<version>/attempt-<id>/data/part-00000.parquet ...
    <root>/<stage>/<version>/attempt-<id>/removed.parquet, CARD.md, files/...
    <root>/<stage>/<version>/manifest.json   <- written last; names its attempt

A writer puts everything under a fresh ``attempt-<id>/`` prefix, then writes
``manifest.json`` (one PUT, atomic on S3). A reader trusts a version only when
its manifest exists and reads the attempt it names, so a crash mid-write leaves
an attempt prefix that no reader looks at; the next write of that version
deletes unreferenced attempts. One writer per version at a time is assumed
(the fingerprint makes a second one redundant): a second writer starting while
the first is still writing would delete the first's unfinished attempt.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from curate.artifacts.store import Artifact, ArtifactNotFound, StoreQueries, file_listing, parts


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
        return self._key(stage, version)

    def _artifact(self, stage: str, version: str, manifest: dict, cached: bool) -> FsArtifact:
        return FsArtifact(stage, version, self._key(stage, version, manifest["location"]), manifest, cached)

    # -- reading ------------------------------------------------------------
    def get(self, stage: str, version: str) -> FsArtifact | None:
        try:
            manifest = json.loads(self.fs.cat_file(self._key(stage, version, "manifest.json")))
        except FileNotFoundError:
            return None
        return self._artifact(stage, version, manifest, cached=True)

    def list(self, stage: str | None = None) -> list[FsArtifact]:
        self.fs.invalidate_cache()
        found = []
        for key in self.fs.glob(self._key(stage or "*", "*", "manifest.json")):
            version_dir = key.rsplit("/", 2)
            manifest = json.loads(self.fs.cat_file(key))
            found.append(self._artifact(version_dir[0].rsplit("/", 1)[-1], version_dir[1], manifest, cached=True))
        return sorted(found, key=lambda a: a.manifest.get("created_at", ""))

    def data_files(self, artifact: FsArtifact) -> list[str]:
        return sorted(self.fs.glob(f"{artifact.path}/data/*.parquet"))

    def read(self, artifact: FsArtifact) -> pa.Table:
        files = self.data_files(artifact)
        if not files:
            raise ArtifactNotFound(f"{artifact.path}: no data parts")
        return ds.dataset(files, format="parquet", filesystem=self.fs).to_table()

    def read_removed(self, artifact: FsArtifact) -> pa.Table:
        return pq.read_table(f"{artifact.path}/removed.parquet", filesystem=self.fs)

    def read_card(self, artifact: FsArtifact) -> str:
        return self.fs.cat_file(artifact.card_path).decode()

    # -- writing --------------------------------------------------------------
    def scratch(self, stage: str, version: str) -> Path:
        """A local empty folder for a stage's file outputs; uploaded by ``write``."""
        return Path(tempfile.mkdtemp(prefix=f"curate-{stage}-{version[:12]}-files-"))

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
        attempt = f"attempt-{uuid.uuid4().hex[:12]}"
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
        # The manifest goes last, in one PUT: its presence marks a finished artifact.
        self._write_manifest(self._key(stage, version, "manifest.json"), manifest)
        return self._artifact(stage, version, manifest, cached=False)

    def _write_manifest(self, key: str, manifest: dict) -> None:
        self.fs.pipe_file(key, (json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n").encode())

    def _drop_stale_attempts(self, stage: str, version: str) -> None:
        """Attempts that no manifest names are leftovers of crashed writes."""
        if self.get(stage, version) is not None:
            return
        for prefix in self.fs.glob(self._key(stage, version, "attempt-*")):
            self.fs.rm(prefix, recursive=True)
