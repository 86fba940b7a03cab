"""Reading raw files into (reference, value) records, one per line, element or row.

Bad bytes are the reader's business, and one bad record never costs another:

* the encoding is read from a byte-order mark (UTF-8, UTF-16, UTF-32) or, for
  files without one, from where the NUL bytes sit around the first character
  (RFC 8259 text starts with ASCII); UTF-8 bytes that do not decode quarantine
  only their own line or element (``invalid_utf8``);
* lines end in LF, CRLF or CR, mixed as they may be (raw CR and LF cannot sit
  inside a JSON string, so reading every one as a line end changes no record);
* ``.jsonl`` is one record per line; ``.json`` is a JSON document: an array
  (each element a record), a single object (pretty-printed or not), objects one
  after another, or several arrays in a row. A bad element is quarantined and
  reading picks up at the next element (``invalid_json``); anything after an
  array's closing bracket is read as more records, or quarantined, never dropped;
* every parsed record is checked against ``curate.ingest.limits``
  (``too_deep``, ``too_long``, ``invalid_text``) here, so no consumer of
  ``read_records`` (ingest, ``build_pairs``) meets a record it cannot encode.

Such records become a ``RawRecord`` with an ``error`` so the stage can
quarantine them and go on. A file that cannot be opened or decompressed at all
raises ``UnreadableInput``, one line that names the file and says what to do.
"""

from __future__ import annotations

import codecs
import gzip
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from curate.ingest.limits import Limits, check

SUFFIXES = (".json", ".jsonl", ".jsonl.gz", ".json.gz", ".parquet")
RAW_SLICE = 2000  # characters of a bad record's text carried to the quarantine row

# Lone surrogates that ``surrogateescape`` makes of bytes that are not UTF-8.
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_LINE_END = re.compile("\r\n?")
_FIRST_KEY = re.compile(r'\{[^"{}\[\],:]{0,8}("(?:[^"\\\x00-\x1f]|\\.)*")\s*:')  # a few stray characters may precede the key
_BOMS = (  # longest first: the UTF-32-LE mark begins with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


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


def read_records(path: Path, shown: str, limits: Limits = Limits(),
                 is_record: Callable[[Any], bool] | None = None) -> Iterator[RawRecord]:
    """Yield the records of one file; ``shown`` is the path used in references. ``is_record``
    says whether a value has a known record layout: after a bad element, reading resumes at
    the next one that has (not at an object nested in the bad one)."""
    suffix = suffix_of(path)
    if suffix not in SUFFIXES:
        raise UnreadableInput(
            f"{shown}: unsupported file type {suffix or '(none)'!r}; use one of {', '.join(SUFFIXES)}"
        )
    if suffix == ".parquet":
        records = _read_parquet(path, shown)
    else:
        text = decode(_bytes(path, shown, suffix), shown)
        records = _read_lines(text, shown) if suffix.startswith(".jsonl") else _read_document(text, shown, is_record)
    for record in records:
        broken = check(record.value, limits) if record.error is None else None
        if broken is not None:
            record = RawRecord(record.ref, raw=record.raw, error=(broken[0], f"{record.ref}: {broken[1]}"))
        yield record if record.error is None else RawRecord(record.ref, raw=_printable(record.raw[:RAW_SLICE * 2]), error=record.error)


def _bytes(path: Path, shown: str, suffix: str) -> bytes:
    try:
        data = path.read_bytes()
        return gzip.decompress(data) if suffix.endswith(".gz") else data
    except FileNotFoundError:
        raise UnreadableInput(f"{shown}: no such file; check the path in flows.yaml or on the command line") from None
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        kind = "corrupt gzip data" if isinstance(exc, zlib.error) else type(exc).__name__
        raise UnreadableInput(f"{shown}: cannot be read ({kind}: {exc}); "
                              f"check that it is a complete {suffix} file, or re-compress it") from None


def encoding_of(data: bytes) -> tuple[str, int]:
    """(codec, length of the byte-order mark) of a JSON text."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    head = data[:4]
    if len(head) == 4:  # RFC 4627 section 3: where the NULs sit around the first ASCII character
        if head[:3] == b"\0\0\0":
            return "utf-32-be", 0
        if head[1:] == b"\0\0\0":
            return "utf-32-le", 0
    if len(head) >= 2:
        if head[0] == 0 and head[1] != 0:
            return "utf-16-be", 0
        if head[0] != 0 and head[1] == 0:
            return "utf-16-le", 0
    return "utf-8", 0


def decode(data: bytes, shown: str) -> str:
    """The file's text. UTF-8 bytes that do not decode become lone surrogates
    (``surrogateescape``), so the line or element holding them is quarantined
    and the rest is read; a UTF-16/32 file that does not decode is unreadable."""
    codec, skip = encoding_of(data)
    if codec == "utf-8":
        text = data[skip:].decode("utf-8", errors="surrogateescape")
    else:
        try:  # a lone surrogate in UTF-16/32 passes here and is quarantined with its record (invalid_text)
            text = data[skip:].decode(codec, errors="surrogatepass")
        except UnicodeDecodeError as exc:
            raise UnreadableInput(f"{shown}: not valid {codec.upper()} at byte {exc.start + skip} (the encoding was "
                                  "read from its byte-order mark or NUL bytes); re-encode it as UTF-8") from None
    return _LINE_END.sub("\n", text)


def _parse(text: str, ref: str, where: str) -> RawRecord:
    """One record's text (a line, or an element's slice) parsed, or the reason it is not a record."""
    bad = _UNDECODABLE.search(text)
    if bad:
        return RawRecord(ref, raw=_printable(text), error=("invalid_utf8", f"{where}: invalid UTF-8 at character {bad.start() + 1}"))
    try:
        return RawRecord(ref, value=json.loads(text), raw=text)
    except json.JSONDecodeError as exc:
        return RawRecord(ref, raw=text, error=("invalid_json", f"{where}: {exc.msg} at column {exc.colno}"))
    except RecursionError:
        return RawRecord(ref, raw=text[:RAW_SLICE], error=("too_deep", f"{where}: nested too deep for the JSON parser"))


def _read_lines(text: str, shown: str) -> Iterator[RawRecord]:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield _parse(line, f"{shown}:{number}", f"line {number}")


def _printable(text: str) -> str:
    """Text with undecodable bytes and lone surrogates shown as U+FFFD, so a quarantined record can be written as UTF-8."""
    return _SURROGATES.sub("\ufffd", text)


class _Document:
    """A JSON document walked value by value, each value knowing its line.

    ``raw_decode`` parses one value at a position; on a syntax error the walk
    re-synchronises at the earliest of: the next line that starts a value at
    the indentation the bad one started at (pretty-printed arrays, one object
    per line), and, in an array, the next object after ``,`` or ``[`` that shares
    a key with the last good record (arrays on one line, appended arrays). So
    later records survive, and objects nested in the bad one are not taken for records.
    """

    _decoder = json.JSONDecoder()

    def __init__(self, text: str, shown: str, is_record: Callable[[Any], bool] | None = None):
        self.text, self.shown, self.is_record = text, shown, is_record
        self._line, self._counted = 1, 0
        self.keys: frozenset = frozenset()  # keys of the last good object: what a record here looks like

    def line_at(self, pos: int) -> int:
        if pos < self._counted:  # only for error positions inside the value just read
            return self._line - self.text.count("\n", pos, self._counted)
        self._line += self.text.count("\n", self._counted, pos)
        self._counted = pos
        return self._line

    def skip(self, pos: int, also: str = "") -> int:
        while pos < len(self.text) and (self.text[pos].isspace() or self.text[pos] in also):
            pos += 1
        return pos

    def value(self, pos: int, in_array: bool) -> tuple[RawRecord, int]:
        """The record starting at ``pos`` and the position after it (after the bad stretch, for an error)."""
        line = self.line_at(pos)
        ref, where = f"{self.shown}:{line}", f"line {line}"
        try:
            value, end = self._decoder.raw_decode(self.text, pos)
        except json.JSONDecodeError as exc:
            end = self.resync(pos, in_array)
            at = self.line_at(pos) + self.text.count("\n", pos, min(exc.pos, end))
            return RawRecord(ref, raw=_printable(self.text[pos:end][:RAW_SLICE]),
                             error=("invalid_json", f"{where}: {exc.msg} on line {at}; reading resumes after it")), end
        except RecursionError:
            end = self.resync(pos, in_array)
            return RawRecord(ref, raw=_printable(self.text[pos:end][:RAW_SLICE]),
                             error=("too_deep", f"{where}: nested too deep for the JSON parser")), end
        raw = self.text[pos:end]
        if _UNDECODABLE.search(raw):
            return _parse(raw, ref, where), end  # names the undecodable byte
        if isinstance(value, dict) and value:
            self.keys = frozenset(value)
        return RawRecord(ref, value=value, raw=raw), end

    def resync(self, pos: int, in_array: bool) -> int:
        """Where reading resumes after a bad value at ``pos``.

        First choice, the earliest of: the next line that begins a value no deeper than the bad
        one (pretty-printed arrays, one object per line) and the next object after a comma or
        bracket that has a known record layout (``is_record``). Else the next object that shares
        a key with the last good record (or with the bad one's first key), else any object, else
        the end. Outside an array too: junk that starts with a comma is what is left of an
        array a bad value broke."""
        line = self._next_line(pos, in_array)
        known = self._next_element(pos, self.is_record) if self.is_record else None
        if line or known:
            return min(p for p in (line, known) if p)
        keys = self.keys or self._first_key(pos)
        if keys:
            shared = self._next_element(pos, lambda v: isinstance(v, dict) and not keys.isdisjoint(v))
            if shared:
                return shared
        return self._next_element(pos, None) or len(self.text)

    def _first_key(self, pos: int) -> frozenset:
        """The first key of the (bad) object at or just after ``pos`` (junk may precede its brace):
        what a record looks like before any good one was read."""
        brace = self.text.find("{", pos, pos + 200)
        match = _FIRST_KEY.match(self.text, brace) if brace >= 0 else None
        try:
            return frozenset([json.loads(match.group(1))]) if match else frozenset()
        except json.JSONDecodeError:  # a bad escape in the key
            return frozenset()

    def _next_line(self, pos: int, in_array: bool) -> int | None:
        """The next line that begins a value no deeper than the bad one began its line (pretty-printed
        arrays, one object per line), or an array's closing bracket when the bad value was its last."""
        text = self.text
        indent = text[text.rfind("\n", 0, pos) + 1 : pos]
        began_line = not indent.strip()
        if not began_line:
            indent = ""
        i = text.find("\n", pos)
        while i >= 0:
            start = i + 1
            stop = text.find("\n", start)
            line = text[start : len(text) if stop < 0 else stop]
            body = line.lstrip()
            lead = len(line) - len(body)
            if lead <= len(indent) and body[:1] in ("{", "[") and self._parses(start + lead):
                return start  # not indented deeper than the bad value, so not nested in it
            if in_array and began_line and body[:1] == "]" and lead < len(indent):
                return start + lead
            i = stop
        return None

    def _next_element(self, pos: int, accept: Callable[[Any], bool] | None) -> int | None:
        """The next object after a comma or an opening bracket (arrays on one line, appended arrays)
        that parses and, with ``accept``, is accepted and followed by ``,`` or ``]`` (an element of
        this array, not an object nested in the bad one)."""
        for match in re.finditer(r"[,\[]\s*(?=\{)", self.text[pos + 1 :]):
            start = pos + 1 + match.end()
            try:
                value, end = self._decoder.raw_decode(self.text, start)
            except (json.JSONDecodeError, RecursionError):
                continue
            after = self.skip(end)
            if accept is None or (accept(value) and self.text[after : after + 1] in (",", "]")):
                return start
        return None

    def _parses(self, pos: int) -> bool:
        try:
            self._decoder.raw_decode(self.text, pos)
        except (json.JSONDecodeError, RecursionError):
            return False
        return True


def _read_document(text: str, shown: str, is_record: Callable[[Any], bool] | None = None) -> Iterator[RawRecord]:
    """Records of a ``.json`` file: array elements, top-level values, trailing data."""
    doc = _Document(text, shown, is_record)
    pos = doc.skip(0)
    while pos < len(text):
        if text[pos] != "[":
            record, pos = doc.value(pos, in_array=False)
            yield record
            pos = doc.skip(pos, ",")  # commas between top-level values mean nothing: what is left of a broken array
            continue
        pos = doc.skip(pos + 1, ",")
        while pos < len(text) and text[pos] != "]":
            record, pos = doc.value(pos, in_array=True)
            yield record
            pos = doc.skip(pos, ",")
        pos = doc.skip(pos + 1, ",")  # past "]": whatever follows is read, not dropped


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
