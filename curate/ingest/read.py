"""Reading raw files into (reference, value) records, one per line or row.

Bad bytes are the reader's business: a line that is not UTF-8 or not JSON
becomes a ``RawRecord`` with an ``error`` so the ingest stage can quarantine it
and go on. A file that cannot be opened at all raises ``UnreadableInput`` with
a message that names the file and says what to do.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

SUFFIXES = (".json", ".jsonl", ".jsonl.gz", ".json.gz", ".parquet")


class UnreadableInput(Exception):
    """A whole input file cannot be read; the message says which and what to do."""


@dataclass(frozen=True)
class RawRecord:
    ref: str
    value: Any = None
    raw: str = ""
    error: tuple[str, str] | None = None  # (reason, detail)


def suffix_of(path: Path) -> str:
    name = path.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return path.suffix.lower()


def read_records(path: Path, shown: str) -> Iterator[RawRecord]:
    """Yield the records of one file; ``shown`` is the path used in references."""
    suffix = suffix_of(path)
    if suffix not in SUFFIXES:
        raise UnreadableInput(
            f"{shown}: unsupported file type {suffix or '(none)'!r}; use one of {', '.join(SUFFIXES)}"
        )
    if suffix == ".parquet":
        yield from _read_parquet(path, shown)
        return
    try:
        data = gzip.decompress(path.read_bytes()) if suffix.endswith(".gz") else path.read_bytes()
    except FileNotFoundError:
        raise UnreadableInput(f"{shown}: no such file; check the path in flows.yaml or on the command line") from None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise UnreadableInput(f"{shown}: cannot be read ({exc}); check that it is a complete {suffix} file") from None
    if suffix.startswith(".json") and not suffix.startswith(".jsonl") and data.lstrip()[:1] == b"[":
        yield from _read_json_array(data, shown)
    else:
        # JSON Lines, and .json files that hold one object per line (common in the wild).
        yield from _read_lines(data, shown)


def _read_lines(data: bytes, shown: str) -> Iterator[RawRecord]:
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        ref = f"{shown}:{number}"
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raw = line.decode("utf-8", errors="replace")
            yield RawRecord(ref, raw=raw, error=("invalid_utf8", f"line {number}: invalid UTF-8 at byte {exc.start}"))
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield RawRecord(ref, raw=text, error=("invalid_json", f"line {number}: {exc.msg} at column {exc.colno}"))
            continue
        yield RawRecord(ref, value=value, raw=text)


def _read_json_array(data: bytes, shown: str) -> Iterator[RawRecord]:
    """Walk a JSON array element by element so each record knows its line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raw = data.decode("utf-8", errors="replace")
        yield RawRecord(f"{shown}:{line}", raw=raw[:2000], error=("invalid_utf8", f"line {line}: invalid UTF-8; the whole JSON array is unusable"))
        return
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    line, counted = 1, 0

    def skip(p: int) -> int:
        while p < len(text) and text[p] in " \t\r\n,":
            p += 1
        return p

    pos = skip(pos)
    while pos < len(text) and text[pos] != "]":
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            at = text.count("\n", 0, exc.pos) + 1
            yield RawRecord(
                f"{shown}:{line}",
                raw=text[pos : pos + 2000],
                error=("invalid_json", f"line {at}: {exc.msg}; the rest of the JSON array from line {line} is unusable"),
            )
            return
        yield RawRecord(f"{shown}:{line}", value=value, raw=text[pos:end])
        pos = skip(end)


def _read_parquet(path: Path, shown: str) -> Iterator[RawRecord]:
    try:
        parquet = pq.ParquetFile(path)
    except FileNotFoundError:
        raise UnreadableInput(f"{shown}: no such file; check the path in flows.yaml or on the command line") from None
    except Exception as exc:  # pyarrow raises several types for a corrupt footer
        raise UnreadableInput(f"{shown}: not a readable Parquet file ({exc}); re-export it or convert it to JSONL") from None
    row = 0
    for batch in parquet.iter_batches(batch_size=4096):
        for value in batch.to_pylist():
            yield RawRecord(f"{shown}#row={row}", value=value, raw="")
            row += 1
