"""Opening the artifact store a project names: a local folder or an fsspec URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curate.artifacts.fs import FsspecArtifactStore, is_url
from curate.artifacts.store import ArtifactStore


def open_store(root: str | Path, storage_options: dict[str, Any] | None = None) -> ArtifactStore | FsspecArtifactStore:
    """The store at ``root``: a folder (``ArtifactStore``: atomic rename on one disk) or a URL
    such as ``s3://bucket/prefix`` (``FsspecArtifactStore``: the manifest written last).
    Every reader and writer (the runner, run records, reports, the ``curate artifacts``
    commands) opens it here, so all see the same store."""
    return FsspecArtifactStore(str(root), storage_options) if is_url(str(root)) else ArtifactStore(root)
