"""Where artifacts live and how they are written: one folder (or prefix) per stage version.

    <root>/<stage>/<version>/
        data/part-00000.parquet ...   kept rows
        removed.parquet               removed rows with reasons
        files/                        non-tabular outputs (adapters, plots), if any
        manifest.json                 what made it, what it holds
        CARD.md                       the data card

The root is a folder or an fsspec URL (``s3://bucket/prefix``, ``gs://...``,
``memory://...``, ``file:///abs/path``); one ``ArtifactStore`` reads every kind
through its fsspec filesystem. ``manifest.json`` is the marker of a finished
artifact everywhere. How an artifact is published depends on what the
filesystem can do atomically:

A local disk renames. Everything is written into a ``.tmp-*`` folder beside
where the artifact will land, flushed, and renamed into place, so a crash
mid-write leaves a hidden folder that no reader takes for an artifact (names
that are not plain segments are skipped). Each run's scratch is named for its
process (``curate.artifacts.owners``) and removed only by that process or once
it has ended: a live run's scratch is never touched. Two runs computing the
same version race only at the rename: the loser finds the winner's folder in
place, drops its own copy and returns the winner's artifact, identical by
construction (same fingerprint, deterministic stages).

An object store has no rename, so the manifest is the commit:

    <root>/<stage>/<version>/attempt-<id>/data/..., removed.parquet, CARD.md, files/...
    <root>/<stage>/<version>/manifest.json   <- written last; its "location" names the attempt

A writer puts everything under a fresh ``attempt-<owner>-<id>/`` prefix, then
writes ``manifest.json`` (one PUT, atomic on S3). Readers trust a version only
when its manifest exists and read the attempt it names, so a crash mid-write
leaves a prefix no reader looks at; the next write of that version deletes
unreferenced attempts whose process has ended on this host. A writer that finds
a manifest in place when about to write its own adopts that artifact. Two that
both pass that check write the manifest twice; the last wins and the other's
attempt stays behind unreferenced: harmless, never read. Readers honour
``location`` on any filesystem, so either layout reads the same.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from curate.artifacts.names import is_safe_name, safe_name
from curate.artifacts.owners import owned_name, owner_gone, sweep
from curate.artifacts.shard_folder import ShardFolder
from curate.files import file_listing
from curate.stage import ROW_GROUP_ROWS

ROWS_PER_PART = 100_000


class ArtifactNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Artifact:
    """A finished artifact. ``path`` is where its contents lie: a ``Path`` on a local
    store (stages open ``files_dir`` as a local folder), the filesystem path of its
    prefix (a ``str``, for ``store.fs``) on an object store."""

    stage: str
    version: str
    path: Path | str
    manifest: dict[str, Any]
    cached: bool = False

    @property
    def rows(self) -> dict[str, Any]:
        return self.manifest["rows"]

    @property
    def card_path(self) -> Path | str:
        return _join(self.path, "CARD.md")

    @property
    def files_dir(self) -> Path | str:
        return _join(self.path, "files")


@dataclass(frozen=True)
class StoredRows:
    """Rows ``[start, start + num_rows)`` of an artifact's kept rows, named by where they lie instead
    of held: a shard task, on whichever worker, opens the store and reads its own part (``read``),
    so the process that plans the shards never reads a row-local step's input. It slices like a
    table (``num_rows``, ``slice``), which is all that cutting an input into parts asks of it."""

    root: str
    storage_options: Mapping[str, Any]
    stage: str
    version: str
    start: int
    num_rows: int

    def slice(self, offset: int = 0, length: int | None = None) -> StoredRows:
        offset = min(max(offset, 0), self.num_rows)
        length = self.num_rows - offset if length is None else min(length, self.num_rows - offset)
        return dataclasses.replace(self, start=self.start + offset, num_rows=length)

    def read(self, columns: Sequence[str] | None = None) -> pa.Table:
        store = open_store(self.root, self.storage_options)
        artifact = store.get(self.stage, self.version)
        if artifact is None:
            raise ArtifactNotFound(f"no artifact {self.stage}/{self.version} under {self.root}")
        return store.read_rows(artifact, self.start, self.num_rows, columns)


def _join(base: Path | str, *names: str) -> Path | str:
    return base.joinpath(*names) if isinstance(base, Path) else "/".join([base, *names])


def is_url(root: str | Path) -> bool:
    """Whether a root names a filesystem by protocol (``s3://...``) rather than a folder."""
    return "://" in str(root)


def parts(kept: pa.Table, kept_parts: Sequence[str] = ()) -> Iterator[tuple[str, pa.Table | Path]]:
    """The Parquet part files of an artifact's kept rows, by name (at least one, even when empty):
    ``kept`` in slices, or the given local part files one at a time in ``kept``'s schema. A part
    file already in that schema comes as its path, to be moved or copied in as it is rather than
    read and written again (a sharded step's joined parts)."""
    for i, path in enumerate(kept_parts):
        name = f"part-{i:05d}.parquet"
        if pq.read_schema(path).equals(kept.schema, check_metadata=False):
            yield name, Path(path)
        else:
            yield name, pq.read_table(path).select(kept.schema.names).cast(kept.schema)
    if kept_parts:
        return
    for i in range(max(1, -(-kept.num_rows // ROWS_PER_PART))):
        yield f"part-{i:05d}.parquet", kept.slice(i * ROWS_PER_PART, ROWS_PER_PART)


def open_store(root: str | Path, storage_options: Mapping[str, Any] | None = None) -> ArtifactStore:
    """The store at ``root``, a folder or an fsspec URL. Every reader and writer (the runner,
    run records, reports, the ``curate artifacts`` commands) opens it here, so all see the
    same store."""
    return ArtifactStore(root, storage_options)


class ArtifactStore:
    """The artifacts under ``root`` (a folder or an fsspec URL), on filesystem ``fs``.

    ``root`` is a ``Path`` on a local disk and the URL otherwise; ``root_path`` is the root
    as ``fs`` names it, which run records and reports build their own paths from."""

    def __init__(self, root: str | Path, storage_options: Mapping[str, Any] | None = None):
        self.storage_options = dict(storage_options or {})
        """As given: another process (a shard task on a worker) opens the same store with them."""
        options = dict(self.storage_options)
        if not is_url(root) or str(root).startswith(("file://", "local://")):
            options.setdefault("auto_mkdir", True)  # writers open files in folders not made yet
        if is_url(root):
            self.fs, path = fsspec.core.url_to_fs(str(root), **options)
            self.root_path = path.rstrip("/")
        else:
            self.fs = fsspec.filesystem("file", **options)
            self.root_path = Path(root).absolute().as_posix()
        self.local = isinstance(self.fs, LocalFileSystem)
        """A local disk: publish by rename, and hand stages local ``Path``s."""
        if not self.local:
            self.root: Path | str = str(root).rstrip("/")
        else:
            self.root = Path(self.root_path) if is_url(root) else Path(root)
        self._arrow_fs = pafs.LocalFileSystem() if self.local else self.fs

    # -- addressing -----------------------------------------------------------
    def path_for(self, stage: str, version: str) -> Path | str:
        """Where a version's folder lies (``Path`` on a local disk), its manifest inside."""
        return _join(self.root if self.local else self.root_path, safe_name(stage, "stage"), safe_name(version, "version"))

    def _key(self, *names: str) -> str:
        """A path below the root, as ``fs`` names it."""
        return "/".join([self.root_path, *names])

    def _artifact(self, stage: str, version: str, manifest: dict, cached: bool) -> Artifact:
        folder = self.path_for(stage, version)
        location = manifest.get("location")
        return Artifact(stage, version, _join(folder, location) if location else folder, manifest, cached)

    def _fs_path(self, path: Path | str) -> str:
        return Path(path).absolute().as_posix() if isinstance(path, Path) else path

    # -- reading ----------------------------------------------------------------
    def get(self, stage: str, version: str) -> Artifact | None:
        """The finished artifact, or None; a name that is not a plain segment
        (``../x``, a ``.tmp-*`` scratch folder) names nothing the store wrote."""
        if not (is_safe_name(stage) and is_safe_name(version)):
            return None
        try:
            manifest = json.loads(self.fs.cat_file(self._key(stage, version, "manifest.json")))
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        return self._artifact(stage, version, manifest, cached=True)

    def list(self, stage: str | None = None) -> list[Artifact]:
        self.fs.invalidate_cache()  # another process may have published since the last listing
        pattern = self._key(safe_name(stage, "stage") if stage is not None else "*", "*", "manifest.json")
        try:
            keys = self.fs.glob(pattern)
        except (FileNotFoundError, NotADirectoryError):
            return []
        found = []
        for key in keys:
            stage_name, version = key.rsplit("/", 3)[1:3]
            if is_safe_name(stage_name) and is_safe_name(version):
                found.append(self._artifact(stage_name, version, json.loads(self.fs.cat_file(key)), cached=True))
        return sorted(found, key=lambda a: (a.manifest.get("created_at", ""), a.stage, a.version))

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

    def data_files(self, artifact: Artifact) -> list[str]:
        """The kept rows' Parquet parts, as ``fs`` names them (local paths on a local disk)."""
        return sorted(self.fs.glob(f"{self._fs_path(artifact.path)}/data/*.parquet"))

    def read(self, artifact: Artifact) -> pa.Table:
        """The kept rows, with the schema recorded in the Parquet files."""
        files = self.data_files(artifact)
        if not files:
            raise ArtifactNotFound(f"{artifact.path}: no data parts")
        return ds.dataset(files, format="parquet", filesystem=self._arrow_fs).to_table()

    def dataset(self, artifact: Artifact) -> ds.Dataset | None:
        """The kept rows as a lazy Arrow dataset (schema, chosen columns), or None without parts."""
        files = self.data_files(artifact)
        return ds.dataset(files, format="parquet", filesystem=self._arrow_fs) if files else None

    def rows_of(self, artifact: Artifact) -> StoredRows:
        """The artifact's kept rows by location, for a process that should not hold them (an
        artifact of another local store, as a test's reference run takes, by that store's root)."""
        root = str(self.root)
        if isinstance(artifact.path, Path) and artifact.path != self.path_for(artifact.stage, artifact.version):
            root = str(artifact.path.parents[1])
        return StoredRows(root, self.storage_options, artifact.stage, artifact.version, 0, artifact.rows["kept"])

    def read_rows(self, artifact: Artifact, start: int, count: int, columns: Sequence[str] | None = None) -> pa.Table:
        """Kept rows ``[start, start + count)``, reading only the Parquet row groups that hold them
        (and of those only ``columns``, where given)."""
        pieces, offset, schema = [], 0, None
        for name in self.data_files(artifact):
            with self.fs.open(name, "rb") as fh:
                parquet = pq.ParquetFile(fh)
                schema = parquet.schema_arrow
                for group in range(parquet.metadata.num_row_groups):
                    size = parquet.metadata.row_group(group).num_rows
                    if offset < start + count and start < offset + size:
                        table = parquet.read_row_group(group, columns=None if columns is None else list(columns))
                        lo = max(start - offset, 0)
                        pieces.append(table.slice(lo, min(start + count, offset + size) - offset - lo))
                    offset += size
            if offset >= start + count:
                break
        if schema is None:
            raise ArtifactNotFound(f"{artifact.path}: no data parts")
        if not pieces:
            return schema.empty_table() if columns is None else schema.empty_table().select(list(columns))
        return pa.concat_tables(pieces)

    def read_removed(self, artifact: Artifact) -> pa.Table:
        return pq.read_table(self._fs_path(_join(artifact.path, "removed.parquet")), filesystem=self._arrow_fs)

    def read_card(self, artifact: Artifact) -> str:
        return self.fs.cat_file(self._fs_path(artifact.card_path)).decode()

    def has_files(self, artifact: Artifact) -> bool:
        """Whether the artifact holds non-tabular outputs (its ``files_dir`` exists)."""
        return self.fs.isdir(self._fs_path(artifact.files_dir))

    # -- writing ----------------------------------------------------------------
    def scratch(self, stage: str, version: str, holds: str = "files") -> Path:
        """An empty local folder for what a step makes before it is published (its file outputs,
        or its rows as it writes them: ``holds``), named for this process so a sweep removes it
        once this process is gone, never before. On a local disk it lies beside where the
        artifact will land, so moving it in is a rename; otherwise in the system temp folder,
        uploaded by ``write``."""
        if self.local:
            folder = self.path_for(stage, version).parent / owned_name(f".tmp-{version}-", f"-{holds}")
            folder.mkdir(parents=True)
        else:
            folder = Path(tempfile.gettempdir()) / owned_name(f"curate-{stage}-{version[:12]}-{holds}-")
            folder.mkdir()
        return folder

    def shard_parts(self, stage: str, version: str) -> ShardFolder:
        """Where a sharded step's finished shards wait for the artifact (``StageContext.shard_parts``):
        beside it, and unlike scratch not swept when its process dies, since a rerun resumes from it."""
        folder = f"{_join(self.root_path, safe_name(stage, 'stage'))}/.shards-{safe_name(version, 'version')}"
        return ShardFolder(folder if self.local else f"{self.fs.unstrip_protocol(folder)}", self.storage_options)

    def drop_shard_parts(self, stage: str, version: str) -> None:
        """The shards of a published artifact are in it: their parts go."""
        self.shard_parts(stage, version).remove()

    def sweep(self, stage: str | None = None) -> list[Path]:
        """Remove the scratch of crashed runs on a local store (all stages, or one):
        folders whose owning process has ended, and untagged ones left by older versions
        of this code. Live runs' scratch stays. Returns what was removed. An object
        store keeps no scratch (stale attempts go when their version is next written)."""
        removed: list[Path] = []
        if not self.local:
            return removed
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
        files: Path | None = None, kept_parts: Sequence[str] = (), removed_file: str | None = None,
    ) -> Artifact:
        """Publish an artifact atomically (or adopt the same version another run published
        first); ``files``, a ``scratch`` folder, is moved in and gone afterwards. ``kept_parts``
        (local Parquet files) hold the kept rows in place of ``kept``, which then gives the schema;
        ``removed_file`` (a local Parquet file) the removed rows in place of ``removed``."""
        chunks = parts(kept, kept_parts)
        removed_rows = Path(removed_file) if removed_file else removed
        try:
            if self.local:
                return self._write_and_rename(stage, version, chunks, removed_rows, manifest, card, files)
            return self._write_attempt(stage, version, chunks, removed_rows, manifest, card, files)
        finally:
            if files is not None:
                shutil.rmtree(files, ignore_errors=True)

    def _write_and_rename(self, stage, version, chunks, removed, manifest, card, files) -> Artifact:
        final = self.path_for(stage, version)
        final.parent.mkdir(parents=True, exist_ok=True)
        self.sweep(stage)
        tmp = final.parent / owned_name(f".tmp-{version}-")
        try:
            (tmp / "data").mkdir(parents=True)
            for name, chunk in chunks:
                if isinstance(chunk, Path):
                    shutil.move(chunk, tmp / "data" / name)  # a rename where both lie on one disk
                else:
                    pq.write_table(chunk, tmp / "data" / name, compression="zstd", row_group_size=ROW_GROUP_ROWS)
            if isinstance(removed, Path):
                shutil.move(removed, tmp / "removed.parquet")
            else:
                pq.write_table(removed, tmp / "removed.parquet", compression="zstd")
            if files is not None and any(files.iterdir()):
                os.rename(files, tmp / "files")
                manifest = {**manifest, "files": file_listing(tmp / "files")}
            (tmp / "CARD.md").write_text(card)
            # The manifest goes last: its presence marks a finished artifact.
            (tmp / "manifest.json").write_text(_manifest_text(manifest))
            _fsync_tree(tmp)
            published = _publish(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if not published:  # another run renamed the same version into place first: take its copy
            shutil.rmtree(tmp, ignore_errors=True)
            return dataclasses.replace(self.get(stage, version), cached=False)
        return Artifact(stage, version, final, manifest, cached=False)

    def _write_attempt(self, stage, version, chunks, removed, manifest, card, files) -> Artifact:
        attempt = owned_name("attempt-")
        base = self._key(stage, version, attempt)
        self._drop_stale_attempts(stage, version)
        for name, chunk in chunks:
            if isinstance(chunk, Path):
                self.fs.put_file(str(chunk), f"{base}/data/{name}")
                continue
            with self.fs.open(f"{base}/data/{name}", "wb") as fh:
                pq.write_table(chunk, fh, compression="zstd", row_group_size=ROW_GROUP_ROWS)
        if isinstance(removed, Path):
            self.fs.put_file(str(removed), f"{base}/removed.parquet")
        else:
            with self.fs.open(f"{base}/removed.parquet", "wb") as fh:
                pq.write_table(removed, fh, compression="zstd")
        if files is not None and any(files.iterdir()):
            manifest = {**manifest, "files": file_listing(files)}
            for entry in manifest["files"]:
                self.fs.put_file(str(files / entry["path"]), f"{base}/files/{entry['path']}")
        self.fs.pipe_file(f"{base}/CARD.md", card.encode())
        manifest = {**manifest, "location": attempt}
        winner = self.get(stage, version)
        if winner is not None:  # another run published this version while we wrote: take its copy
            self.fs.rm(base, recursive=True)
            return dataclasses.replace(winner, cached=False)
        # The manifest goes last, in one PUT: its presence marks a finished artifact.
        self._write_manifest(self._key(stage, version, "manifest.json"), manifest)
        return self._artifact(stage, version, manifest, cached=False)

    def _write_manifest(self, key: str, manifest: dict) -> None:
        self.fs.pipe_file(key, _manifest_text(manifest).encode())

    def _drop_stale_attempts(self, stage: str, version: str) -> None:
        """Unreferenced attempts of writers that have ended are leftovers of crashed writes."""
        if self.get(stage, version) is not None:
            return
        for prefix in self.fs.glob(self._key(stage, version, "attempt-*")):
            if owner_gone(prefix.rsplit("/", 1)[-1]):
                self.fs.rm(prefix, recursive=True)


_LEGACY_SCRATCH = re.compile(r"\.tmp-[0-9a-f]{12,64}-[0-9a-f]{8}(?:-files)?")
"""Scratch named before names carried their owner: no live run of this code makes them."""


def _manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n"


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
