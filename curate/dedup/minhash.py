"""``dedup_minhash``: near-duplicate removal with MinHash LSH, bounded in memory.

Algorithm (pure functions here; the stage is ``curate.dedup.minhash_stage``):

1. each record's text view is normalised (NFKC, lower case) and cut into
   tokens by ``curate.script.tokens``: words in spaced scripts, one token per
   character in Chinese, Japanese and Korean (a Chinese "word" found by spaces
   is a whole clause, and word shingles would never match an edited copy), so
   each row, or each part of a mixed row, is shingled by its own script;
   shingles are token (or character) n-grams;
2. boilerplate (``boilerplate_share``): a shingle found in more than that share
   of one source's rows (tool preambles, system prompts, template answers) is
   left out of that source's rows, counted by one Polars group-by over per-shard
   Parquet counts; a row that is nothing but boilerplate keeps all its shingles;
3. each shingle becomes a 64-bit hash (xxh64 of each distinct word, or a mixed
   code point, combined position by position over the n-gram) and ``num_perm``
   MinHash values come from the multiply-shift family ``(a*x + b) >> 32``
   evaluated for a whole block of shingles at once in NumPy, with a segmented
   minimum per record. Same estimator as datasketch's ``MinHash`` (minimum of
   ``num_perm`` seeded universal hashes; estimate RMSE to the exact Jaccard
   0.030 on 4,101 planted pairs, sampling theory 0.030), without one Python
   object per record: the stage runs ~2.9x datatrove's MinHash pipeline
   (bench/dedup/speed.py);
4. the signature is cut into ``b`` bands of ``r`` rows (datasketch's optimal
   ``(b, r)`` for the threshold, or explicit); each band is folded into one
   uint64 bucket hash;
5. instead of one in-memory LSH index, the ``(band, bucket, doc)`` triples of
   each shard of ``shard_rows`` records are written to scratch Parquet files,
   one per part of the buckets (``group_rows`` triples a part), and candidates
   come from a Polars ``group_by(band, bucket)`` over one part at a time: a
   group-by holds its keys (~80 bytes a triple, 0.73 GB per million records
   of 9 bands in one group-by), so the parts, not the input, bound it;
6. candidate pairs are verified with the exact Jaccard of their shingle sets
   (the boilerplate-free sets the signatures were made from); a bucket larger
   than ``max_bucket`` is verified against its leaders instead of all pairs;
7. removal is greedy star clustering around keepers (``curate.dedup.clusters``):
   every removed row is within the threshold of the row ``duplicate_of`` names,
   and chains (A~B~C with A, C apart) are split, not collapsed.

Memory. Scratch on disk per record: ``b`` band rows of 14 bytes plus the
``4 * num_perm``-byte signature (for 128 permutations and 9 bands, ~640 bytes,
so ~0.64 GB per million records, compressed somewhat by Parquet). The stage
reads its input by location, ``shard_rows`` records at a time; in RAM it holds
one shard's signatures and hashing buffers, one part's bucket group-by
(``group_rows``), the boilerplate counts of one hash partition, one part of the
candidate rows (:mod:`curate.dedup.candidates`) and, growing with the input, a
source code per record (4 bytes), the candidate pairs (16 bytes each) and the
removed rows' ids. Figures: ``bench/scaling/minhash_phases.py`` and the README.

The scratch folder comes from :mod:`tempfile` (``TMPDIR``) and is deleted
before the stage returns; it is working space, never an artifact.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import xxhash
from datasketch import MinHashLSH

from curate.dedup.clusters import Edge
from curate.dedup.hashparts import HashParts, part_count
from curate.script import join_tokens, tokens
from curate.views import BOILERPLATE_MIN_ROWS, BOILERPLATE_SHARE, boilerplate_cutoffs

Unit = Literal["word", "char"]

_BAND_MIX_SEED = 0x5EED
_GRAM_SEED = 0x6A4D
BATCH_DOCS = 4096
"""Texts hashed together: large enough to amortise Arrow/NumPy calls, small
enough that the per-token buffers stay a few tens of MB."""
BLOCK_SHINGLES = 8192
"""Shingles per permutation block: ``num_perm x BLOCK_SHINGLES`` uint64 = 8 MB,
about the size that stays in cache on this box (measured fastest of 1k-64k)."""
SPAN_SAMPLE = 50
"""Rows per source read back to show the card what its boilerplate says."""

Boilerplate = Mapping[int, np.ndarray]
"""Per source code, the sorted uint64 hashes of its boilerplate shingles."""


def clean_tokens(texts: Sequence[str]) -> list[list[str]]:
    """Each text as ``curate.script.tokens`` after NFKC: case, punctuation and
    spacing never make two texts different, and CJK text is cut by character."""
    return [tokens(unicodedata.normalize("NFKC", t)) for t in texts]


def char_text(toks: Sequence[str]) -> str:
    """The string character shingles are cut from: tokens joined by one space,
    with no space between two CJK characters (they were never spaced)."""
    return join_tokens(toks)


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads small integers (code points) over 64 bits."""
    x = x.astype(np.uint64)
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def token_hashes(texts: Sequence[str], unit: Unit) -> tuple[np.ndarray, np.ndarray]:
    """``(hashes, doc)``: one uint64 per token (or character) of the cleaned
    texts, in order, and the index of the text it belongs to."""
    toks = clean_tokens(texts)
    if unit == "word":
        lengths = np.fromiter((len(t) for t in toks), dtype=np.int64, count=len(toks))
        codes = pc.dictionary_encode(pa.array(list(itertools.chain.from_iterable(toks)), pa.large_string()))
        vocab = np.fromiter((xxhash.xxh64_intdigest(t) for t in codes.dictionary.cast(pa.large_binary()).to_pylist()),
                            dtype=np.uint64, count=len(codes.dictionary))
        return vocab[codes.indices.to_numpy(zero_copy_only=False)], np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    joined = [char_text(t) for t in toks]
    lengths = np.fromiter((len(t) for t in joined), dtype=np.int64, count=len(joined))
    points = np.frombuffer("".join(joined).encode("utf-32-le"), dtype=np.uint32)
    return _mix64(points), np.repeat(np.arange(len(texts), dtype=np.int64), lengths)


def ngram_hashes(tokens: np.ndarray, doc: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(hashes, doc)`` of every n-gram inside one text (never across two): a
    position-weighted sum of the token hashes mod 2^64, then mixed. A text shorter than
    ``n`` tokens gives one shingle, as :func:`shingles` does."""
    count = len(tokens)
    if count == 0:
        return tokens, doc
    end = np.flatnonzero(np.r_[doc[1:] != doc[:-1], True]) + 1  # end (exclusive) of each run of one doc
    doc_end = np.repeat(end, np.diff(np.r_[0, end]))
    pos = np.arange(count)
    weights = np.random.default_rng(_GRAM_SEED).integers(1, 2**62, size=n, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    with np.errstate(over="ignore"):
        acc = tokens * weights[0]
        for k in range(1, n):
            shifted = np.zeros(count, dtype=np.uint64)
            shifted[: count - k] = tokens[k:]
            shifted[pos + k >= doc_end] = 0
            acc += shifted * weights[k]
    first = np.r_[True, doc[1:] != doc[:-1]]
    valid = (pos + n <= doc_end) | (first & (doc_end - pos < n))
    return _mix64(acc[valid]), doc[valid]  # the finaliser breaks the sum's linearity (measured: estimates lost their bias)


def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)``, ``num_perm`` seeded multiply-shift hash functions (a odd)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a[:, None], b[:, None]


def minhash(hashes: np.ndarray, doc: np.ndarray, n_docs: int, num_perm: int, seed: int) -> np.ndarray:
    """``(n_docs, num_perm)`` uint32: per doc and hash function, the minimum of
    ``(a * x + b) >> 32`` over its shingles ``x`` (the top 32 bits of each
    64-bit shingle hash). Docs without shingles get all-ones rows."""
    out = np.full((n_docs, num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    if len(hashes) == 0:
        return out
    a, b = permutations(num_perm, seed)
    keys = hashes >> np.uint64(32)
    starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
    bounds = np.r_[starts, len(keys)]
    buffer = np.empty((num_perm, BLOCK_SHINGLES), dtype=np.uint64)
    i = 0
    while i < len(starts):
        j = max(i + 1, int(np.searchsorted(starts, starts[i] + BLOCK_SHINGLES, side="right")) - 1)
        lo, hi = bounds[i], bounds[j]
        if hi - lo > buffer.shape[1]:
            buffer = np.empty((num_perm, hi - lo), dtype=np.uint64)
        block = buffer[:, : hi - lo]
        with np.errstate(over="ignore"):
            np.multiply(a, keys[None, lo:hi], out=block)
            block += b
        block >>= np.uint64(32)
        out[doc[starts[i:j]]] = np.minimum.reduceat(block, starts[i:j] - lo, axis=1).T
        i = j
    return out


def shingle_hashes(texts: Sequence[str], unit: Unit = "word", n: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """``(hashes, doc)`` of every shingle of every text, in order."""
    return ngram_hashes(*token_hashes(texts, unit), n)


def drop_boilerplate(hashes: np.ndarray, doc: np.ndarray, doc_source: np.ndarray,
                     boilerplate: Boilerplate) -> tuple[np.ndarray, np.ndarray]:
    """The shingles that are not boilerplate of their row's source
    (``doc_source[d]`` is the source code of text ``d``). A text whose every
    shingle is boilerplate keeps them all: two such texts are compared whole."""
    if not boilerplate or len(hashes) == 0:
        return hashes, doc
    drop = np.zeros(len(hashes), dtype=bool)
    sources = doc_source[doc]
    for code, known in boilerplate.items():
        mine = np.flatnonzero(sources == code)
        if len(mine):
            drop[mine] = np.isin(hashes[mine], known)
    if not drop.any():
        return hashes, doc
    n_docs = int(doc.max()) + 1
    left = np.bincount(doc[~drop], minlength=n_docs)
    drop &= left[doc] > 0
    return hashes[~drop], doc[~drop]


def shingle_counts(hashes: np.ndarray, doc: np.ndarray, doc_source: np.ndarray) -> pl.DataFrame:
    """``(source, hash, rows)``: in how many texts each shingle occurs, per source."""
    return (pl.DataFrame({"source": doc_source[doc].astype(np.int32), "hash": hashes, "doc": doc})
            .group_by("source", "hash").agg(rows=pl.col("doc").n_unique()))


def hashed_chunks(texts: Sequence[str], unit: Unit = "word", n: int = 3, doc_source: np.ndarray | None = None,
                  boilerplate: Boilerplate | None = None) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
    """``(start, texts in the chunk, hashes, doc)``: the shingle hashes of ``BATCH_DOCS`` texts at a time
    (``doc`` numbering the chunk's texts), without their source's ``boilerplate`` where given."""
    for start in range(0, len(texts), BATCH_DOCS):
        chunk = texts[start:start + BATCH_DOCS]
        hashes, doc = shingle_hashes(chunk, unit, n)
        if boilerplate:
            hashes, doc = drop_boilerplate(hashes, doc, doc_source[start:start + BATCH_DOCS], boilerplate)
        yield start, len(chunk), hashes, doc


COUNT_PASS_ROWS = 8_000_000
"""Count rows (source, shingle, rows) ``boilerplate_shingles`` groups at a time: a group-by holds every
distinct shingle it sees (~70 bytes each; 20M rows held 1.4 GB), so the counts are written in hash
parts of about this many rows and each part is grouped alone."""


class CountWriter:
    """The shingle counts of one chunk of texts after another, for :func:`boilerplate_shingles`: each
    chunk's ``shingle_counts`` (a text lies in one chunk, so the chunks' counts add up) go to hash
    parts of the shingles (:class:`~curate.dedup.hashparts.HashParts`), so every count of a shingle
    lies in one file and each file is grouped alone, read once. The parts are as many as give each
    about ``pass_rows`` rows, judged from the first chunk's rows per text and the ``docs`` texts
    expected: a bound as good as the first chunk is typical."""

    def __init__(self, folder: Path, docs: int, pass_rows: int = COUNT_PASS_ROWS):
        self.folder, self.docs, self.pass_rows = folder, docs, pass_rows
        self._parts: HashParts | None = None

    @property
    def parts(self) -> int:
        return self._parts.parts if self._parts else 0

    def files(self) -> list[list[Path]]:
        """The counts' files, a list per hash part (after closing)."""
        return self._parts.files() if self._parts else []

    def add(self, texts: Sequence[str], doc_source: np.ndarray, unit: Unit = "word", n: int = 3) -> None:
        for start, size, hashes, doc in hashed_chunks(texts, unit, n):
            counts = shingle_counts(hashes, doc, doc_source[start:start + size])
            if self._parts is None:
                self._parts = HashParts(self.folder, "counts", part_count(-(-self.docs * len(counts) // size), self.pass_rows))
            self._parts.add(counts.to_arrow(), counts["hash"].to_numpy())

    def __enter__(self) -> CountWriter:
        return self

    def __exit__(self, *exc) -> None:
        if self._parts is not None:
            self._parts.close()


def boilerplate_shingles(parts: Sequence[Sequence[Path]], cutoffs: Mapping[int, int]) -> dict[int, np.ndarray]:
    """Per source code, the shingles in at least ``cutoffs[source]`` rows, from the counts a
    :class:`CountWriter` wrote (its ``files``, a list per hash part): one streaming group-by per part,
    so memory follows the part's size, not the corpus's distinct shingles."""
    if not parts:
        return {}
    limits = pl.DataFrame({"source": list(cutoffs), "cutoff": list(cutoffs.values())},
                          schema={"source": pl.Int32, "cutoff": pl.Int64})
    found = pl.concat([
        pl.scan_parquet(files)
        .group_by("source", "hash").agg(pl.col("rows").sum())
        .join(limits.lazy(), on="source")
        .filter(pl.col("rows") >= pl.col("cutoff"))
        .select("source", "hash")
        .collect(engine="streaming")
        for files in parts])
    return {int(code): np.sort(part["hash"].to_numpy()) for (code,), part in found.partition_by("source", as_dict=True).items()}


def signatures(texts: Sequence[str], unit: Unit = "word", n: int = 3, num_perm: int = 128, seed: int = 1,
               doc_source: np.ndarray | None = None, boilerplate: Boilerplate | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(sig, has_shingles)``: ``(len(texts), num_perm)`` uint32 MinHash
    signatures of the shingles left after ``boilerplate`` and a mask of the texts
    that have at least one shingle."""
    sigs, present = [], []
    for _, size, hashes, doc in hashed_chunks(texts, unit, n, doc_source, boilerplate):
        sigs.append(minhash(hashes, doc, size, num_perm, seed))
        mask = np.zeros(size, dtype=bool)
        mask[doc] = True
        present.append(mask)
    if not sigs:
        return np.zeros((0, num_perm), dtype=np.uint32), np.zeros(0, dtype=bool)
    return np.concatenate(sigs), np.concatenate(present)


def shingle_arrays(texts: Sequence[str], unit: Unit = "word", n: int = 3, doc_source: np.ndarray | None = None,
                   boilerplate: Boilerplate | None = None) -> list[np.ndarray]:
    """The shingle hashes of each text, sorted and unique: exactly what the signatures were made from,
    so their Jaccard (``sorted_jaccard``) is the similarity the stage promises. Arrays, not sets: the
    stage holds them for every candidate row, at 8 bytes a shingle rather than a Python int's ~60.
    Texts are hashed ``BATCH_DOCS`` at a time, as for the signatures: the candidate rows are as many as
    the input has duplicates."""
    out: list[np.ndarray] = []
    for _, size, hashes, doc in hashed_chunks(texts, unit, n, doc_source, boilerplate):
        found = [np.zeros(0, dtype=np.uint64) for _ in range(size)]
        bounds = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1], True]) if len(doc) else np.zeros(1, dtype=np.int64)
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            found[int(doc[lo])] = np.unique(hashes[lo:hi])
        out += found
    return out


def sorted_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted unique arrays (1.0 for two empty ones), as ``clusters.jaccard`` of their sets."""
    if not len(a) and not len(b):
        return 1.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


def shingle_sets(texts: Sequence[str], unit: Unit = "word", n: int = 3, doc_source: np.ndarray | None = None,
                 boilerplate: Boilerplate | None = None) -> list[set[int]]:
    """``shingle_arrays`` as sets, for benchmarks and checks that recompute the stage's similarity."""
    return [set(a.tolist()) for a in shingle_arrays(texts, unit, n, doc_source, boilerplate)]


def corpus_shingle_sets(texts: Sequence[str], sources: Sequence[str], unit: Unit = "word", n: int = 3,
                        share: float = BOILERPLATE_SHARE, min_rows: int = BOILERPLATE_MIN_ROWS) -> list[set[int]]:
    """The stage's shingle sets of a whole (small) corpus, boilerplate found in
    memory rather than through scratch shards: for benchmarks and checks that
    recompute the stage's similarity independently of its LSH path."""
    names = sorted(set(sources))
    doc_source = np.array([names.index(s) for s in sources], dtype=np.int32)
    cutoffs = boilerplate_cutoffs(Counter(sources), share, min_rows)
    boilerplate: dict[int, np.ndarray] = {}
    if share < 1:
        hashes, doc = shingle_hashes(texts, unit, n)
        counts = shingle_counts(hashes, doc, doc_source)
        for (code,), part in counts.partition_by("source", as_dict=True).items():
            common = part.filter(pl.col("rows") >= cutoffs[names[code]])["hash"].to_numpy()
            if len(common):
                boilerplate[int(code)] = np.sort(common)
    return shingle_sets(texts, unit, n, doc_source, boilerplate)


def shingles(text: str, unit: Unit = "word", n: int = 3) -> set[int]:
    """:func:`shingle_sets` of one text, without boilerplate."""
    return shingle_sets([text], unit, n)[0]


def boilerplate_spans(texts: Sequence[str], doc_source: np.ndarray, boilerplate: Boilerplate, unit: Unit, n: int) -> Counter:
    """``Counter`` of the runs of text covered by boilerplate shingles, for the card:
    the shingles are hashes, so the words they stand for are read back from rows."""
    spans: Counter = Counter()
    for text, code in zip(texts, doc_source):
        known = boilerplate.get(int(code))
        if known is None:
            continue
        toks = clean_tokens([text])[0]
        units = toks if unit == "word" else list(char_text(toks))
        hashes, _ = shingle_hashes([text], unit, n)
        covered = np.zeros(len(units), dtype=bool)
        for p in np.flatnonzero(np.isin(hashes, known)):
            covered[p : p + n] = True
        sep = " " if unit == "word" else ""
        for is_bp, run in itertools.groupby(zip(covered, units), key=lambda c: c[0]):
            if is_bp:
                spans[sep.join(u for _, u in run)] += 1
    return spans


def bands_rows(threshold: float, num_perm: int, bands: int | None = None, rows: int | None = None) -> tuple[int, int]:
    """``(b, r)``: explicit, or datasketch's choice minimising false positives plus negatives at ``threshold``."""
    if bands and rows:
        if bands * rows > num_perm:
            raise ValueError(f"bands * rows = {bands * rows} exceeds num_perm = {num_perm}")
        return bands, rows
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def band_hashes(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(n, bands)`` uint64: each band's ``rows`` values folded by a random odd
    multiply-add (mod 2^64), so equal bands give equal buckets and unequal ones
    collide with negligible probability."""
    mult = np.random.default_rng(_BAND_MIX_SEED).integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    out = np.empty((sig.shape[0], bands), dtype=np.uint64)
    wide = sig.astype(np.uint64)
    with np.errstate(over="ignore"):
        for b in range(bands):
            out[:, b] = (wide[:, b * rows : (b + 1) * rows] * mult).sum(axis=1, dtype=np.uint64)
    return out


def write_shard(folder: Path, shard: int, docs: np.ndarray, sig: np.ndarray, bands: int, rows: int,
                buckets: HashParts) -> None:
    """One shard's signatures as a scratch Parquet file, and its ``(band, bucket, doc)`` rows into
    ``buckets`` by bucket hash, so the docs of a bucket lie in one part."""
    hashes = band_hashes(sig, bands, rows).ravel()
    buckets.add(pa.table({"band": np.repeat(np.arange(bands, dtype=np.uint16)[None, :], len(docs), axis=0).ravel(),
                          "bucket": hashes, "doc": np.repeat(docs.astype(np.uint32), bands)}), hashes)
    pl.DataFrame({"doc": docs.astype(np.uint32), "sig": [row.tobytes() for row in sig]}).write_parquet(
        folder / f"sigs-{shard:05d}.parquet")


def candidate_groups(parts: Sequence[Sequence[Path]]) -> list[list[int]]:
    """Docs sharing a bucket in any band, sorted, each group once: one streaming group-by per part of
    the buckets (``parts``, each a list of files; what a group-by holds grows with its rows, ~80 bytes a row, so a part
    bounds it). The buckets of two or more docs are found by counting first, so only their docs are
    gathered into lists (gathering every bucket's, nearly all of one doc, held 2 GB at 1M corpus rows)."""
    found: set[tuple[int, ...]] = set()
    for files in parts:
        bands = pl.scan_parquet(files)
        shared = bands.group_by("band", "bucket").agg(pl.len()).filter(pl.col("len") > 1).select("band", "bucket")
        groups = (
            bands.join(shared, on=["band", "bucket"])
            .group_by("band", "bucket")
            .agg(pl.col("doc").sort())
            .select("doc")
            .unique()
            .collect(engine="streaming")
        )
        found.update(tuple(g) for g in groups.get_column("doc").to_list())
    return [list(g) for g in sorted(found)]


def candidate_pairs(groups: Iterable[Sequence[int]], max_bucket: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """``(pairs, large)``: every pair inside buckets of at most ``max_bucket`` docs, as rows
    ``(i, j)`` with ``i < j``, sorted and unique (16 bytes a pair, not a Python tuple's ~100), and
    the larger buckets, which are verified against leaders (:func:`leader_edges`) so pairs stay
    linear in the bucket size. A group's docs come sorted (:func:`candidate_groups`)."""
    keys: list[np.ndarray] = []
    large = []
    for docs in groups:
        docs = np.asarray(docs, dtype=np.int64)
        if len(docs) <= max_bucket:
            i, j = np.triu_indices(len(docs), 1)
            keys.append((docs[i] << 32) | docs[j])
        else:
            large.append(docs)
    joined = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    return np.stack([joined >> 32, joined & 0xFFFFFFFF], axis=1), large


def leader_edges(docs: Sequence[int], key, similarity, threshold: float, max_leaders: int) -> list[Edge]:
    """Edges of one large bucket: docs in keeper order, each joined to the first
    leader within ``threshold`` or made a leader itself (at most ``max_leaders``
    are compared). A bucket this large is nearly always copies of one text, so a
    few leaders take everything."""
    leaders: list[int] = []
    edges: list[Edge] = []
    for d in sorted(docs, key=key):
        for lead in leaders[:max_leaders]:
            s = similarity(d, lead)
            if s >= threshold:
                edges.append((lead, d, s))
                break
        else:
            leaders.append(d)
    return edges


def load_signatures(folder: Path, docs: Iterable[int], num_perm: int) -> dict[int, np.ndarray]:
    wanted = pl.Series("doc", sorted(set(docs)), dtype=pl.UInt32)
    if wanted.is_empty():
        return {}
    frame = pl.scan_parquet(folder / "sigs-*.parquet").filter(pl.col("doc").is_in(wanted)).collect()
    return {d: np.frombuffer(s, dtype=np.uint32) for d, s in zip(frame["doc"].to_list(), frame["sig"].to_list())}
