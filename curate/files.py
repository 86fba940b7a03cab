"""Files as a version sees them: a path as written, the bytes' sha256 and their size.

Raw inputs (ingest's sources, eval sets, shipped model files) enter a step's
version this way, and an artifact's ``files/`` are listed in its manifest the
same way, so "same file" means one thing everywhere.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any


def sha256_of(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def file_record(path: Path, shown: str | Path | None = None) -> dict[str, Any]:
    """``{path, sha256, bytes}`` of a file; ``shown`` is the path recorded (as the user wrote
    it, so a version does not depend on where the project sits), default ``path``."""
    return {"path": str(path if shown is None else shown), "sha256": sha256_of(path), "bytes": path.stat().st_size}


def file_listing(root: Path) -> list[dict[str, Any]]:
    """Every file under ``root`` (an artifact's ``files/`` folder), relative to it, sorted."""
    return [file_record(file, file.relative_to(root)) for file in sorted(p for p in root.rglob("*") if p.is_file())]
