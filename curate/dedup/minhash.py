"""``dedup_minhash``: near-duplicate removal with MinHash LSH, bounded in memory.

Algorithm (pure functions below, then a thin stage):

1. each record's text view is normalised (NFKC, lower case, punctuation and
   spacing dropped) and cut into word or character n-gram shingles, all in
   Arrow compute kernels over a batch of texts (no per-shingle Python);
2. each shingle becomes a 64-bit hash (xxh64 of each distinct word, or a mixed
   code point, combined position by position over the n-gram) and ``num_perm``
   MinHash values come from the multiply-shift family ``(a*x + b) >> 32``
   evaluated for a whole block of shingles at once in NumPy, with a segmented
   minimum per record. Same estimator as datasketch's ``MinHash`` (minimum of
   ``num_perm`` seeded universal hashes; estimate RMSE to the exact Jaccard
   0.030 on 4,101 planted pairs, sampling theory 0.030), without one Python
   object per record: the stage runs ~2.9x datatrove's MinHash pipeline
   (bench/dedup/speed.py);
3. the signature is cut into ``b`` bands of ``r`` rows (datasketch's optimal
   ``(b, r)`` for the threshold, or explicit); each band is folded into one
   uint64 bucket hash;
4. instead of one in-memory LSH index, the ``(band, bucket, doc)`` triples of
   each shard of ``shard_rows`` records are written to a scratch Parquet file,
   and candidates come from one Polars streaming ``group_by(band, bucket)``
   over all shards: Polars spills, so the index never has to fit in RAM;
5. candidate pairs are (optionally) verified with the exact Jaccard of their
   shingle sets, joined into clusters by connected components, and each
   cluster keeps one record by a deterministic policy.

Memory. Scratch on disk per record: ``b`` band rows of 14 bytes plus the
``4 * num_perm``-byte signature (for 128 permutations and 9 bands, ~640 bytes,
so ~0.64 GB per million records, compressed somewhat by Parquet). In RAM the
stage holds one shard of signatures (``shard_rows * 4 * num_perm`` bytes,
5 MB at ``shard_rows=10_000``), the hashing buffers of one batch of
``BATCH_DOCS`` texts, the candidate groups and the rows of candidate records;
the input table itself is held by the runner. Measured by
``bench/dedup/memory.py`` (peak RSS above the input table, 60k records,
``shard_rows=10_000``): ~1.9 GB per 100k records on a corpus where 48% of
records are candidates; that part (candidate rows, shingle sets for
verification) grows with the duplicate share, not the shard size.

The scratch folder comes from :mod:`tempfile` (``TMPDIR``) and is deleted
before the stage returns; it is working space, never an artifact.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import xxhash
from datasketch import MinHashLSH
from pydantic import Field, model_validator

from curate.dedup.clusters import (
    QUALITY_KEY,
    KeeperPolicy,
    answers_match,
    components,
    example_pairs_md,
    flag_meta,
    jaccard,
    removal_rows,
    resolve,
)
from curate.dedup.views import PROMPT_VIEWS, View, view_text
from curate.stage import Stage, StageConfig, StageContext, StageResult, removed_table
from schemas import CONVERSATION

Unit = Literal["word", "char"]

_PUNCT = r"[^\p{L}\p{N}_\s\p{Z}]+"
"""Python's ``[^\\w\\s]`` in RE2 terms: anything that is not a letter, digit,
underscore or space becomes a space."""
_BAND_MIX_SEED = 0x5EED
_GRAM_SEED = 0x6A4D
BATCH_DOCS = 4096
"""Texts hashed together: large enough to amortise Arrow/NumPy calls, small
enough that the per-token buffers stay a few tens of MB."""
BLOCK_SHINGLES = 8192
"""Shingles per permutation block: ``num_perm x BLOCK_SHINGLES`` uint64 = 8 MB,
about the size that stays in cache on this box (measured fastest of 1k-64k)."""


def clean_words(texts: Sequence[str]) -> pa.ListArray:
    """Each text as its list of words after NFKC, lower-casing and punctuation
    removal: punctuation, case and spacing never make two texts different.
    Arrow kernels over the whole batch; an empty text gives an empty list."""
    arr = pa.array(texts, pa.large_string())
    arr = pc.replace_substring_regex(pc.utf8_lower(pc.utf8_normalize(arr, "NFKC")), _PUNCT, " ")
    arr = pc.utf8_trim_whitespace(arr)
    arr = pc.if_else(pc.equal(pc.binary_length(arr), 0), pa.scalar(None, pa.large_string()), arr)
    return pc.utf8_split_whitespace(arr)


def shingle_text(text: str) -> str:
    """The normalised text shingles are cut from (see :func:`clean_words`)."""
    return " ".join(clean_words([text])[0].as_py() or [])


def shingle_sets(texts: Sequence[str], unit: Unit = "word", n: int = 3) -> list[set[bytes]]:
    """The set of n-gram shingles of each text; a text shorter than ``n`` is one shingle.

    The readable form of what :func:`signatures` hashes; used for exact Jaccard
    verification of candidate pairs. Batched: Arrow's kernels (RE2 compiles the
    punctuation pattern once per call) cost ~4 ms per call, whatever its size."""
    out = []
    for words in clean_words(texts).to_pylist():
        if not words:
            out.append(set())
        elif unit == "word":
            out.append({" ".join(words[i : i + n]).encode() for i in range(max(1, len(words) - n + 1))})
        else:
            clean = " ".join(words)
            out.append({clean[i : i + n].encode() for i in range(max(1, len(clean) - n + 1))})
    return out


def shingles(text: str, unit: Unit = "word", n: int = 3) -> set[bytes]:
    """:func:`shingle_sets` of one text."""
    return shingle_sets([text], unit, n)[0]


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads small integers (code points) over 64 bits."""
    x = x.astype(np.uint64)
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def token_hashes(texts: Sequence[str], unit: Unit) -> tuple[np.ndarray, np.ndarray]:
    """``(hashes, doc)``: one uint64 per word (or character) of the cleaned
    texts, in order, and the index of the text it belongs to."""
    words = clean_words(texts)
    if unit == "word":
        flat = words.flatten()
        doc = pc.list_parent_indices(words).to_numpy().astype(np.int64)
        codes = pc.dictionary_encode(flat)
        vocab = np.fromiter((xxhash.xxh64_intdigest(t) for t in codes.dictionary.cast(pa.large_binary()).to_pylist()),
                            dtype=np.uint64, count=len(codes.dictionary))
        return vocab[codes.indices.to_numpy()], doc
    joined = pc.fill_null(pc.binary_join(words, pa.scalar(" ", pa.large_string())), "")
    lengths = pc.utf8_length(joined).to_numpy().astype(np.int64)
    points = np.frombuffer("".join(joined.to_pylist()).encode("utf-32-le"), dtype=np.uint32)
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


def signatures(texts: Sequence[str], unit: Unit = "word", n: int = 3, num_perm: int = 128, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``(sig, has_shingles)``: ``(len(texts), num_perm)`` uint32 MinHash
    signatures and a mask of the texts that have at least one shingle."""
    sigs, present = [], []
    for start in range(0, len(texts), BATCH_DOCS):
        batch = texts[start : start + BATCH_DOCS]
        hashes, doc = ngram_hashes(*token_hashes(batch, unit), n)
        sigs.append(minhash(hashes, doc, len(batch), num_perm, seed))
        mask = np.zeros(len(batch), dtype=bool)
        mask[doc] = True
        present.append(mask)
    if not sigs:
        return np.zeros((0, num_perm), dtype=np.uint32), np.zeros(0, dtype=bool)
    return np.concatenate(sigs), np.concatenate(present)


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


def write_shard(folder: Path, shard: int, docs: np.ndarray, sig: np.ndarray, bands: int, rows: int) -> None:
    """One shard's band buckets and signatures as scratch Parquet files."""
    hashes = band_hashes(sig, bands, rows)
    pl.DataFrame({
        "band": np.repeat(np.arange(bands, dtype=np.uint16)[None, :], len(docs), axis=0).ravel(),
        "bucket": hashes.ravel(),
        "doc": np.repeat(docs.astype(np.uint32), bands),
    }).write_parquet(folder / f"bands-{shard:05d}.parquet")
    pl.DataFrame({"doc": docs.astype(np.uint32), "sig": [row.tobytes() for row in sig]}).write_parquet(
        folder / f"sigs-{shard:05d}.parquet")


def candidate_groups(folder: Path) -> list[list[int]]:
    """Docs sharing a bucket in any band, from a streaming group-by over the shards."""
    if not any(folder.glob("bands-*.parquet")):
        return []
    groups = (
        pl.scan_parquet(folder / "bands-*.parquet")
        .group_by("band", "bucket")
        .agg(pl.col("doc").sort())
        .filter(pl.col("doc").list.len() > 1)
        .select("doc")
        .unique()
        .collect(engine="streaming")
    )
    return groups.get_column("doc").to_list()


def candidate_pairs(groups: Iterable[Sequence[int]], max_bucket: int) -> set[tuple[int, int]]:
    """All pairs inside a bucket; a bucket larger than ``max_bucket`` (boilerplate)
    contributes a star around its first doc, which gives the same components
    with linear instead of quadratic pairs."""
    pairs: set[tuple[int, int]] = set()
    for docs in groups:
        if len(docs) <= max_bucket:
            pairs.update(itertools.combinations(docs, 2))
        else:
            pairs.update((docs[0], d) for d in docs[1:])
    return pairs


def load_signatures(folder: Path, docs: Iterable[int], num_perm: int) -> dict[int, np.ndarray]:
    wanted = pl.Series("doc", sorted(set(docs)), dtype=pl.UInt32)
    if wanted.is_empty():
        return {}
    frame = pl.scan_parquet(folder / "sigs-*.parquet").filter(pl.col("doc").is_in(wanted)).collect()
    return {d: np.frombuffer(s, dtype=np.uint32) for d, s in zip(frame["doc"].to_list(), frame["sig"].to_list())}


class MinhashConfig(StageConfig):
    view: View = Field(default="conversation", description="Text compared: first_user, user_turns or conversation.")
    shingle: Unit = Field(default="word", description="Shingle unit: word or char n-grams.")
    ngram: int = Field(default=3, ge=1, description="Shingle length in units; short prompts need small n.")
    num_perm: int = Field(default=128, ge=16, description="MinHash permutations (signature length).")
    threshold: float = Field(default=0.7, gt=0, le=1, description="Jaccard similarity that makes a near duplicate.")
    bands: int | None = Field(default=None, ge=1, description="LSH bands; with rows, overrides datasketch's optimum.")
    rows: int | None = Field(default=None, ge=1, description="LSH rows per band; with bands, overrides the optimum.")
    verify: bool = Field(default=True, description="Drop candidate pairs whose exact shingle Jaccard is below threshold.")
    keeper: KeeperPolicy = Field(default="longest_answer", description="Which record of a cluster is kept.")
    quality_key: str = Field(default=QUALITY_KEY, description="Meta key (dotted for nested: quality.score, as score_quality writes it) read by keeper=highest_quality.")
    answer_threshold: float = Field(default=0.7, ge=0, le=1, description="Prompt views only: answers must match at this word-trigram Jaccard for removal; else both are kept and flagged.")
    seed: int = Field(default=1, description="MinHash permutation seed.")
    shard_rows: int = Field(default=50_000, ge=1, description="Records per scratch shard (bounds RAM).")
    max_bucket: int = Field(default=64, ge=2, description="Buckets larger than this give star pairs, not all pairs.")

    @model_validator(mode="after")
    def _bands_and_rows_together(self) -> MinhashConfig:
        if (self.bands is None) != (self.rows is None):
            raise ValueError(f"bands and rows go together (got bands={self.bands}, rows={self.rows})")
        if self.bands and self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands * rows must be <= num_perm (got {self.bands} * {self.rows} > {self.num_perm})")
        return self


class DedupMinhash(Stage):
    name = "dedup_minhash"
    version = "2"
    Config = MinhashConfig
    output_schema = CONVERSATION

    def run(self, inputs: Mapping[str, pa.Table], config: MinhashConfig, ctx: StageContext) -> StageResult:
        table = inputs["records"]
        b, r = bands_rows(config.threshold, config.num_perm, config.bands, config.rows)
        n = table.num_rows
        messages = table.column("messages")
        starts = range(0, n, config.shard_rows)
        with tempfile.TemporaryDirectory(prefix="dedup-minhash-") as scratch:
            folder = Path(scratch)
            for shard, start in enumerate(ctx.progress(starts, total=len(starts), description="dedup_minhash signatures")):
                texts = [view_text(m, config.view) for m in messages.slice(start, config.shard_rows).to_pylist()]
                sig, present = signatures(texts, config.shingle, config.ngram, config.num_perm, config.seed)
                if present.any():
                    write_shard(folder, shard, start + np.flatnonzero(present), sig[present], b, r)
            scratch_bytes = sum(p.stat().st_size for p in folder.iterdir())
            groups = candidate_groups(folder)
            pairs = candidate_pairs(groups, config.max_bucket)
            involved = sorted({d for p in pairs for d in p})
            sigs = {} if config.verify else load_signatures(folder, involved, config.num_perm)

        rows = dict(zip(involved, table.take(pa.array(involved, pa.int64())).select(["messages", "meta"]).to_pylist())) if involved else {}
        sets: dict[int, set[bytes]] = {}
        if config.verify and involved:
            sets = dict(zip(involved, shingle_sets([view_text(rows[d]["messages"], config.view) for d in involved],
                                                   config.shingle, config.ngram)))

        def exact(i: int, k: int) -> float:
            return jaccard(sets[i], sets[k])

        def estimated(i: int, k: int) -> float:
            return float(np.mean(sigs[i] == sigs[k]))

        similarity = exact if config.verify else estimated
        kept_pairs = [p for p in sorted(pairs) if not config.verify or exact(*p) >= config.threshold]
        clusters = components(kept_pairs)
        same_answer = answers_match(config.answer_threshold) if config.view in PROMPT_VIEWS else None
        resolution = resolve(clusters, rows, config.keeper, config.quality_key, same_answer)

        ids = table.column("id").to_pylist()
        removed = removal_rows(resolution, ids, self.name, "near_duplicate", config.view, similarity)
        drop = np.zeros(n, dtype=bool)
        drop[list(resolution.removed)] = True
        kept = table.filter(pa.array(~drop))
        kept_index = np.flatnonzero(~drop)
        position = {int(i): p for p, i in enumerate(kept_index)}
        kept = flag_meta(kept, {position[i]: ids[g] for i, g in resolution.flagged.items()}, "near_dup_group")

        examples = [(view_text(rows[i]["messages"], config.view), view_text(rows[k]["messages"], config.view), similarity(i, k))
                    for i, k in sorted(resolution.removed.items())[:3]]
        metrics = {
            "view": config.view, "shingle": f"{config.shingle} {config.ngram}-grams", "num_perm": config.num_perm,
            "threshold": config.threshold, "bands": b, "rows": r,
            "candidate_pairs": len(pairs), "verified_pairs": len(kept_pairs), "clusters": len(clusters),
            "near_duplicates_removed": len(removed), "flagged_groups": len(set(resolution.flagged.values())),
            "scratch_bytes": scratch_bytes,
        }
        return StageResult(
            kept=kept,
            removed=removed_table(removed, source=table),
            metrics=metrics,
            card=example_pairs_md(examples, f"Near-duplicate pairs (MinHash, {config.view} view)"),
        )
