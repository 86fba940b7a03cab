"""The benchmark index: hashed n-grams of every benchmark item, and what names each item.

Holds no benchmark text: per indexed field (an item's question stem, prompt,
MT-Bench turn) the benchmark, item id, field name, token count, number of
distinct n-grams and the hash of the whole normalised field; per n-gram its
64-bit hash and the fields it occurs in. A field shorter than ``n`` tokens (a
PIQA goal, a short MMLU stem) is indexed as one gram of its own length, so it
matches when the row holds it whole. A multiple-choice item's options are kept
apart (one hashed gram list per option) and read only to confirm a short stem.
A second, ``fine`` layer holds each field's 4-grams that at most ``COMMON``
fields share, and a third, ``near``, the hashed token sequence of each field
under ``NEAR_MAX`` tokens, for ``match``'s checks of lightly edited items.

On disk (``curate/decontam/index/``): ``benchmarks.json`` (parameters, the
version, the input files' hashes, the field table) and ``benchmarks.bin``
(little-endian arrays). Both are a pure function of the inputs and parameters,
so ``scripts/build_benchmark_index.py`` rebuilds them byte for byte; the
version (sha256 of the inputs' hashes and the parameters) enters the
``decontaminate`` step's fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curate.decontam.benchmarks import Item
from curate.decontam.normalise import TokenHashes, gram_hashes, sequence_hash, tokens_of

FORMAT = 3
DEFAULT_N = 8
FINE_N = 4
"""The fine layer: each field's 4-grams that occur in at most ``COMMON`` fields. A light edit
(two words swapped, one replaced) breaks every 8-gram over it, most of a short item's; it
breaks only the 4-grams over it, so the tokens the row shares with the item in 4-gram runs
still add up to nearly the whole item (``match`` reads them as token coverage)."""
SHORT_MIN = 3
"""Fields shorter than this many tokens ("sofa", "Microphone") are never indexed: they name nothing."""
NEAR_MAX = 32
"""The near layer: the token sequence (low 32 bits of each token's hash) of every field shorter
than this. Two or three edits break most 4-grams of a 10-20 token item, but leave most of its
tokens in order, which ``match`` reads by aligning the item with the row's line."""

FILTER_BITS = 23
BUCKET_BITS = 22
COMMON = 4
"""An n-gram found in more than this many fields is a benchmark's template ("write a python
function to check if a given number", BBH's task preambles), not evidence of one item."""
SHIPPED = Path(__file__).resolve().parent / "index"
_ARRAYS = (("keys", "<u8"), ("offsets", "<u4"), ("postings", "<u4"), ("grams", "<u4"), ("token_counts", "<u4"),
           ("whole", "<u8"), ("option_field", "<u4"), ("option_offsets", "<u4"), ("option_keys", "<u8"),
           ("option_lengths", "<u2"), ("fine_keys", "<u8"), ("fine_offsets", "<u4"), ("fine_postings", "<u4"),
           ("near_offsets", "<u4"), ("near_tokens", "<u4"))


class GramTable:
    """Sorted unique gram ``keys`` with ``postings[offsets[k]:offsets[k+1]]`` the fields holding key k."""

    def __init__(self, keys: np.ndarray, offsets: np.ndarray, postings: np.ndarray):
        self.keys, self.offsets, self.postings = keys, offsets, postings
        self._filter: np.ndarray | None = None
        self._buckets: np.ndarray | None = None
        self._bucket_size = 0

    def find(self, grams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``grams`` that are keys, their key index). The bitmap drops most
        grams; the rest go to a bucket table over the top ``BUCKET_BITS`` bits (about 0.2
        keys a bucket), three memory reads each instead of a binary search's twenty."""
        where = np.flatnonzero(self.maybe(grams))
        if self._buckets is None:
            counts = np.bincount((self.keys >> np.uint64(64 - BUCKET_BITS)).astype(np.int64), minlength=1 << BUCKET_BITS)
            self._buckets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
            self._bucket_size = int(counts.max()) if len(counts) else 0
        wanted = grams[where]
        bucket = (wanted >> np.uint64(64 - BUCKET_BITS)).astype(np.int64)
        at, end = self._buckets[bucket], self._buckets[bucket + 1]
        index = np.full(len(wanted), -1, np.int64)
        for _ in range(self._bucket_size):
            open_ = np.flatnonzero((at < end) & (index < 0))
            if not len(open_):
                break
            same = self.keys[at[open_]] == wanted[open_]
            index[open_[same]] = at[open_[same]]
            at[open_] += 1
        found = index >= 0
        return where[found], index[found]

    def maybe(self, grams: np.ndarray) -> np.ndarray:
        """A cheap first test: False where a gram is certainly not a key. A bitmap over
        the top ``FILTER_BITS`` bits (1 MiB, so it stays in cache; about 9% of other
        grams pass), so the bucket lookup sees few."""
        shift = np.uint64(64 - FILTER_BITS)
        if self._filter is None:
            slots = np.unique(self.keys >> shift)
            self._filter = np.zeros(1 << (FILTER_BITS - 3), np.uint8)
            np.bitwise_or.at(self._filter, slots >> np.uint64(3), (np.uint8(1) << (slots & np.uint64(7)).astype(np.uint8)))
        slot = grams >> shift
        return (self._filter[slot >> np.uint64(3)] >> (slot & np.uint64(7)).astype(np.uint8)) & np.uint8(1) == 1


@dataclass
class Index:
    """Sorted unique gram ``keys`` with ``postings[offsets[k]:offsets[k+1]]`` the
    fields holding key k; per field ``grams``, ``token_counts``, ``whole`` and the
    naming columns; the ``fine`` layer's 4-grams likewise (see ``FINE_N``); options as
    ``option_keys[option_offsets[o]:option_offsets[o+1]]``
    for option o of field ``option_field[o]``, ``option_lengths[o]`` its gram length."""

    n: int
    version: str
    benchmark: list[str]
    item_id: list[str]
    field: list[str]
    keys: np.ndarray
    offsets: np.ndarray
    postings: np.ndarray
    grams: np.ndarray
    token_counts: np.ndarray
    whole: np.ndarray
    option_field: np.ndarray
    option_offsets: np.ndarray
    option_keys: np.ndarray
    option_lengths: np.ndarray
    fine_keys: np.ndarray
    fine_offsets: np.ndarray
    fine_postings: np.ndarray
    near_offsets: np.ndarray
    near_tokens: np.ndarray

    _distinct: np.ndarray | None = None
    _tables: tuple[GramTable, GramTable] | None = None
    _weights: np.ndarray | None = None

    @property
    def table(self) -> GramTable:
        """The n-gram keys and postings, with their lookup structures (built on first use)."""
        return self._layers()[0]

    @property
    def fine(self) -> GramTable:
        """The ``FINE_N``-gram keys and postings (rare ones only)."""
        return self._layers()[1]

    def _layers(self) -> tuple[GramTable, GramTable]:
        if self._tables is None:
            self._tables = (GramTable(self.keys, self.offsets, self.postings),
                            GramTable(self.fine_keys, self.fine_offsets, self.fine_postings))
        return self._tables

    def find(self, grams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.table.find(grams)

    def maybe(self, grams: np.ndarray) -> np.ndarray:
        return self.table.maybe(grams)

    @property
    def distinct_grams(self) -> np.ndarray:
        """Per field, its n-grams that are not ``COMMON``, or all of them when every one is:
        the denominator of coverage (``match`` counts the numerator the same way)."""
        if self._distinct is None:
            rare = np.repeat(np.diff(self.offsets.astype(np.int64)) <= COMMON, np.diff(self.offsets.astype(np.int64)))
            counted = np.bincount(self.postings[rare], minlength=len(self.field))
            self._distinct = np.where(counted > 0, counted, self.grams)
        return self._distinct

    def near(self, field_index: int) -> tuple[np.ndarray, np.ndarray]:
        """(token hashes' low 32 bits, their weights) of a field shorter than ``NEAR_MAX``
        (empty arrays for a longer one). A token's weight is its inverse field frequency in
        the near layer, log(fields / fields holding it): a row that differs from a short item
        in its one rare word ("the capital of France" against "...of Australia") is another
        question, while one that loses a filler word is still the item."""
        if self._weights is None:
            fields = np.repeat(np.arange(len(self.near_offsets) - 1), np.diff(self.near_offsets.astype(np.int64)))
            pairs = np.unique(np.column_stack([fields, self.near_tokens.astype(np.int64)]), axis=0)
            token, df = np.unique(pairs[:, 1], return_counts=True)
            holders = max(int((np.diff(self.near_offsets.astype(np.int64)) > 0).sum()), 1)
            self._weights = np.log(holders / df[np.searchsorted(token, self.near_tokens.astype(np.int64))]) + 1.0
        lo, hi = int(self.near_offsets[field_index]), int(self.near_offsets[field_index + 1])
        return self.near_tokens[lo:hi], self._weights[lo:hi]

    @property
    def short_lengths(self) -> list[int]:
        """Gram lengths a row must be hashed at, besides n: those of the short fields."""
        return sorted({int(t) for t in np.unique(self.token_counts) if SHORT_MIN <= t < self.n})

    def options_of(self, field_index: int) -> list[tuple[int, np.ndarray]]:
        """(gram length, gram hashes) of each option of a field's item."""
        found = np.flatnonzero(self.option_field == field_index)
        return [(int(self.option_lengths[o]), self.option_keys[self.option_offsets[o]:self.option_offsets[o + 1]])
                for o in found]


def _grams_of(toks: list[str], hashes: TokenHashes, n: int) -> tuple[int, np.ndarray]:
    """(gram length, distinct gram hashes) of one text: its n-grams, or itself whole when shorter."""
    flat = np.array([hashes[t] for t in toks], np.uint64)
    size = min(n, len(toks))
    grams, _ = gram_hashes(flat, np.array([len(toks)]), size)
    return size, np.unique(grams)


def indexed_fields(items: Iterable[Item]) -> list[tuple[Item, str, list[str], list[list[str]]]]:
    """(item, field name, field tokens, option tokens) of every field the index holds, in its
    field order: fields of at least ``SHORT_MIN`` tokens."""
    items = list(items)
    texts = [t for item in items for t in item.fields.values()] + [o for item in items for o in item.options]
    tokenised = iter(tokens_of(texts))
    field_tokens = [[next(tokenised) for _ in item.fields] for item in items]
    option_tokens = [[next(tokenised) for _ in item.options] for item in items]
    return [(item, name, toks, per_option)
            for item, per_field, per_option in zip(items, field_tokens, option_tokens)
            for name, toks in zip(item.fields, per_field) if len(toks) >= SHORT_MIN]


def build(items: Iterable[Item], n: int = DEFAULT_N, inputs: Iterable[tuple[str, str]] = ()) -> Index:
    """Index ``items``; ``inputs`` are (name, sha256) of the files they came from, for the version."""
    hashes = TokenHashes()
    benchmark, item_id, field, grams, counts, whole = [], [], [], [], [], []
    gram_keys, gram_fields, fine_keys, fine_fields = [], [], [], []
    option_field, option_keys, option_lengths = [], [], []
    near_sizes, near_tokens = [], []
    for item, name, toks, per_option in indexed_fields(items):
        index = len(field)
        _, keys = _grams_of(toks, hashes, n)
        benchmark.append(item.benchmark)
        item_id.append(item.item_id)
        field.append(name)
        grams.append(len(keys))
        counts.append(len(toks))
        whole.append(sequence_hash([hashes[t] for t in toks]))
        gram_keys.append(keys)
        gram_fields.append(np.full(len(keys), index, np.uint32))
        near = len(toks) < NEAR_MAX
        near_sizes.append(len(toks) if near else 0)
        if near:
            near_tokens.append(np.array([hashes[t] & 0xFFFFFFFF for t in toks], np.uint32))
        if len(toks) >= FINE_N:
            _, keys = _grams_of(toks, hashes, FINE_N)
            fine_keys.append(keys)
            fine_fields.append(np.full(len(keys), index, np.uint32))
        if name == "question":
            for option_toks in per_option:
                if option_toks:
                    length, keys = _grams_of(option_toks, hashes, n)
                    option_field.append(index)
                    option_lengths.append(length)
                    option_keys.append(keys)
    keys, offsets, postings = _inverted(gram_keys, gram_fields)
    fine = _inverted(fine_keys, fine_fields, rare_only=True)
    sizes = [len(k) for k in option_keys]
    index = Index(
        n=n, version="", benchmark=benchmark, item_id=item_id, field=field,
        keys=keys, offsets=offsets, postings=postings, fine_keys=fine[0], fine_offsets=fine[1], fine_postings=fine[2],

        grams=np.array(grams, np.uint32), token_counts=np.array(counts, np.uint32), whole=np.array(whole, np.uint64),
        option_field=np.array(option_field, np.uint32),
        option_offsets=np.concatenate([[0], np.cumsum(sizes)]).astype(np.uint32),
        option_keys=np.concatenate(option_keys) if option_keys else np.empty(0, np.uint64),
        option_lengths=np.array(option_lengths, np.uint16),
        near_offsets=np.concatenate([[0], np.cumsum(near_sizes)]).astype(np.uint32),
        near_tokens=np.concatenate(near_tokens) if near_tokens else np.empty(0, np.uint32),
    )
    index.version = _version(index, inputs)
    return index


def _inverted(keys: list[np.ndarray], fields: list[np.ndarray], rare_only: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sorted unique keys, offsets, postings) of per-field gram lists; ``rare_only`` leaves out
    keys held by more than ``COMMON`` fields (the fine layer never counts them, so never stores them)."""
    all_keys = np.concatenate(keys) if keys else np.empty(0, np.uint64)
    all_fields = np.concatenate(fields) if fields else np.empty(0, np.uint32)
    order = np.lexsort((all_fields, all_keys))
    all_keys, all_fields = all_keys[order], all_fields[order]
    unique, starts, counts = np.unique(all_keys, return_index=True, return_counts=True)
    if rare_only:
        keep = np.repeat(counts <= COMMON, counts)
        all_keys, all_fields = all_keys[keep], all_fields[keep]
        unique, starts = np.unique(all_keys, return_index=True)
    return unique, np.append(starts, len(all_keys)).astype(np.uint32), all_fields


def _version(index: Index, inputs: Iterable[tuple[str, str]]) -> str:
    """sha256 of the inputs' hashes, the parameters and the content itself, so a change
    of normalisation or hashing that alters any gram is a new version too."""
    digest = hashlib.sha256(json.dumps({"format": FORMAT, "n": index.n, "fine_n": FINE_N, "short_min": SHORT_MIN, "near_max": NEAR_MAX, "inputs": sorted(inputs)},
                                       sort_keys=True).encode())
    for name, dtype in _ARRAYS:
        digest.update(np.ascontiguousarray(getattr(index, name), dtype=dtype).tobytes())
    digest.update(json.dumps([index.benchmark, index.item_id, index.field]).encode())
    return digest.hexdigest()


def save(index: Index, folder: Path, inputs: list[tuple[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "benchmarks.bin", "wb") as f:
        for name, dtype in _ARRAYS:
            array = np.ascontiguousarray(getattr(index, name), dtype=dtype)
            f.write(array.tobytes())
    header = {
        "format": FORMAT, "n": index.n, "fine_n": FINE_N, "short_min": SHORT_MIN, "near_max": NEAR_MAX, "version": index.version,
        "inputs": [{"path": p, "sha256": h} for p, h in sorted(inputs)],
        "lengths": {name: int(getattr(index, name).shape[0]) for name, _ in _ARRAYS},
        "benchmarks": sorted(set(index.benchmark)),
        "fields": {"benchmark": index.benchmark, "item_id": index.item_id, "field": index.field},
    }
    (folder / "benchmarks.json").write_text(json.dumps(header, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")


def load(folder: Path = SHIPPED) -> Index:
    header = json.loads((folder / "benchmarks.json").read_text(encoding="utf-8"))
    raw = (folder / "benchmarks.bin").read_bytes()
    arrays, at = {}, 0
    for name, dtype in _ARRAYS:
        count = header["lengths"][name]
        arrays[name] = np.frombuffer(raw, dtype=dtype, count=count, offset=at).astype(dtype[1:], copy=False)
        at += count * np.dtype(dtype).itemsize
    f = header["fields"]
    return Index(n=header["n"], version=header["version"], benchmark=f["benchmark"], item_id=f["item_id"], field=f["field"],
                 **arrays)


def index_version(folder: Path = SHIPPED) -> str:
    """The shipped index's version, read without loading its arrays."""
    return json.loads((folder / "benchmarks.json").read_text(encoding="utf-8"))["version"]


def build_from_folder(root: Path, n: int = DEFAULT_N) -> tuple[Index, list[tuple[str, str]]]:
    """The index of the 13 benchmarks under ``root``, and its inputs as (path relative to root, sha256)."""
    from curate.files import sha256_of
    from curate.decontam.benchmarks import benchmark_files, benchmark_items

    inputs = [(p.relative_to(root).as_posix(), sha256_of(p)) for p in benchmark_files(root)]
    return build(benchmark_items(root), n, inputs), inputs
