"""Reading source files, for every stage that reads raw files (``ingest``, ``build_pairs``).

A source names files (a path or a glob, relative to the flows file); each file
is read record by record, the first ``DETECT_SAMPLE`` records held back to
detect its layout, and a record that cannot be used leaves as a quarantined row
(``quarantine_row``) with a reason, its reference (file:line) and its raw text.
Both stages do this the same way, so a bad line reads the same in either.
"""

from __future__ import annotations

import glob
import hashlib
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from curate.files import file_record
from curate.ingest.limits import Limits
from curate.ingest.read import RawRecord, UnreadableInput, read_records

DETECT_SAMPLE = 50
RAW_KEEP = 4000  # characters of a bad record kept for inspection
ROOT_DOC = ("The directory relative source paths start at: flows.yaml's, filled in by the loader; empty for the working "
            "directory. Left out of the version: the paths as written and the files' hashes make it.")


class SourceSpec(Protocol):
    path: str
    name: str | None


def expand(source: SourceSpec, root: str = "") -> list[Path]:
    """The files a source names, as written (relative to ``root``), sorted so runs are deterministic."""
    if any(ch in source.path for ch in "*?["):
        files = sorted(Path(p) for p in glob.glob(source.path, root_dir=root or None, recursive=True))
        if not files:
            raise UnreadableInput(f"{source.path}: the pattern matches no file; check the path in flows.yaml")
        return files
    path = Path(source.path)
    if not Path(root, path).is_file():
        raise UnreadableInput(f"{source.path}: no such file; check the path in flows.yaml or on the command line")
    return [path]


def source_files(sources, root: str = "") -> list[dict[str, Any]]:
    """Every file the sources name, as the runner fingerprints external inputs:
    the path as written (so the version does not depend on ``root``) and the bytes' hash."""
    return [file_record(Path(root, path), path) for s in sources for path in expand(s, root)]


def dataset_name(source: SourceSpec, path: Path) -> str:
    if source.name:
        return source.name
    name = path.name
    for suffix in (".gz", ".jsonl", ".json", ".parquet"):
        name = name.removesuffix(suffix)
    return name




def sampled(path: Path, shown: str, is_record: Callable[[Any], bool], limits: Limits = Limits()) -> tuple[list[RawRecord], Iterator[RawRecord]]:
    """(the first ``DETECT_SAMPLE`` records, all records from the first): a file's layout is
    detected on the sample, and the sample is read again as part of the whole."""
    records = read_records(path, shown, limits, is_record=is_record)
    sample = list(itertools.islice(records, DETECT_SAMPLE))
    return sample, itertools.chain(sample, records)


def quarantine_row(stage: str, ref: str, ordinal: int, raw: str, reason: str, detail: str) -> dict[str, Any]:
    """A removed row for a record a stage could not use. Its id hashes the reference, the
    record's ordinal and its text: elements of a one-line array share a line, and may share
    their text."""
    rid = hashlib.blake2b(f"{ref}\x00{ordinal}\x00{raw}".encode(errors="replace"), digest_size=8).hexdigest()
    return {"id": rid, "stage": stage, "reason": reason, "detail": detail, "source_ref": ref, "record": raw[:RAW_KEEP]}


def empty_file(shown: str) -> tuple[str, str, str, str]:
    """(ref, raw, reason, detail) of a file that holds no record: one quarantined row, so it is not lost silently."""
    return shown, "", "empty_file", f"{shown}: the file holds no records"
