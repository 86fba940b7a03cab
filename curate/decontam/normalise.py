"""Text to tokens to 64-bit n-gram hashes, the same way for benchmark items and rows.

Contamination survives formatting: a benchmark question pasted with other
quotes, capitals, spacing, full-width digits or "1,000" for "1000" is still the
question. So both sides go through Unicode NFKC, lower case, digit-group
separators dropped (a comma, underscore or apostrophe between a digit and three
more), and every run of whitespace or punctuation read as one token boundary;
what is left is a list of word tokens. Punctuation is ASCII punctuation and
symbols, Latin-1 punctuation (U+00A0-00BF, ×, ÷), the General Punctuation block
(U+2000-206F: curly quotes, dashes, ellipsis, odd spaces) and CJK punctuation
(U+3000-303F): mapped to spaces byte by byte on the UTF-8 buffer in numpy,
because a regular expression over every word boundary costs ten times more.

A batch of texts is normalised and split by Arrow compute kernels in one call,
and its tokens are dictionary-encoded, so Python touches each *distinct* token
of a batch once (to hash it with blake2b, stable across processes and machines
unlike ``hash()``), never each token. An n-gram's hash is a polynomial over
its tokens' hashes modulo 2^64; ``Grams`` computes it for every position and
any length from one prefix sum (the multiplier is odd, so invertible modulo
2^64), in numpy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_ASCII_SPACE = np.zeros(256, bool)
_ASCII_SPACE[[b for b in range(128) if not chr(b).isalnum()]] = True
MULTIPLIER = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1
_M = np.uint64(MULTIPLIER)
_M_INVERSE = np.uint64(pow(MULTIPLIER, -1, 1 << 64))


_DIGIT = np.zeros(256, bool)
_DIGIT[ord("0"):ord("9") + 1] = True
_GROUP_MARK = np.zeros(256, bool)
_GROUP_MARK[[ord(","), ord("_"), ord("'")]] = True


def _drop_digit_groups(raw: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Delete each comma, underscore or apostrophe that has a digit before it and exactly three
    digits after it inside the same text ("1,000,000" -> "1000000", "1,2345" kept)."""
    marks = np.flatnonzero(_GROUP_MARK[raw])
    if not len(marks):
        return raw, offsets
    end = offsets[np.searchsorted(offsets, marks, side="right")]
    start = offsets[np.searchsorted(offsets, marks, side="right") - 1]
    padded = np.concatenate([raw, np.zeros(5, np.uint8)])
    ok = (marks > start) & _DIGIT[padded[np.maximum(marks - 1, 0)]] & (marks + 3 < end)
    for k in (1, 2, 3):
        ok &= _DIGIT[padded[marks + k]]
    ok &= (marks + 4 >= end) | ~_DIGIT[padded[marks + 4]]
    drop = marks[ok]
    if not len(drop):
        return raw, offsets
    return np.delete(raw, drop), offsets - np.searchsorted(drop, offsets)


def split(texts: Sequence[str] | pa.Array) -> pa.ListArray:
    """Tokens of each text, as an Arrow list array."""
    array = texts.cast(pa.large_string()) if isinstance(texts, pa.Array) else pa.array(texts, pa.large_string())
    array = pc.utf8_lower(pc.utf8_normalize(array, form="NFKC"))
    array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    validity, offsets, data = array.buffers()
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    offsets = np.frombuffer(offsets, np.int64)[array.offset:array.offset + len(array) + 1]
    raw, offsets = _drop_digit_groups(raw, offsets)
    space = _ASCII_SPACE[raw] & (raw < 128)
    lead2 = np.flatnonzero((raw[:-1] == 0xC2) & (raw[1:] >= 0xA0) & (raw[1:] <= 0xBF)
                           | (raw[:-1] == 0xC3) & ((raw[1:] == 0x97) | (raw[1:] == 0xB7)))
    lead3 = np.flatnonzero((raw[:-2] == 0xE2) & ((raw[1:-1] == 0x80) | (raw[1:-1] == 0x81))
                           | (raw[:-2] == 0xE3) & (raw[1:-1] == 0x80))
    for lead, width in ((lead2, 2), (lead3, 3)):
        for k in range(width):
            space[lead + k] = True
    raw = np.where(space, np.uint8(0x20), raw)
    spaced = pa.LargeStringArray.from_buffers(len(array), pa.py_buffer(offsets.tobytes()), pa.py_buffer(raw.tobytes()), validity)
    return pc.ascii_split_whitespace(pc.ascii_trim_whitespace(spaced))


def tokens_of(texts: Sequence[str]) -> list[list[str]]:
    """Word tokens of each text, normalised as above."""
    return [[t for t in toks if t] for toks in split(texts).to_pylist()]


def tokens(text: str) -> list[str]:
    return tokens_of([text])[0]


def token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")


class TokenHashes(dict):
    """token -> 64-bit hash, computed once per distinct token."""

    def __missing__(self, token: str) -> int:
        value = self[token] = token_hash(token)
        return value

    def batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, pa.Array]:
        """(token hashes of all texts laid end to end, tokens per text, tokens per line, the tokens).

        Texts are split into lines first (a line break is a token boundary anyway),
        so the same pass gives the line boundaries the match rules read."""
        lines = pc.split_pattern(pa.array(texts, pa.large_string()), pattern="\n")
        line_parent = pc.list_parent_indices(lines).to_numpy()
        lists = split(pc.list_flatten(lines))
        words = pc.list_flatten(lists)
        parents = pc.list_parent_indices(lists)
        if pc.any(pc.equal(words, "")).as_py():  # a line with no token splits into [""]
            keep = pc.not_equal(words, "")
            words, parents = words.filter(keep), parents.filter(keep)
        line_lengths = np.bincount(parents.to_numpy(), minlength=len(line_parent)).astype(np.int64)
        lengths = np.bincount(line_parent, weights=line_lengths, minlength=len(texts)).astype(np.int64)
        encoded = pc.dictionary_encode(words)
        table = np.fromiter(map(self.__getitem__, encoded.dictionary.to_pylist()), np.uint64, len(encoded.dictionary))
        return table[encoded.indices.to_numpy(zero_copy_only=False)], lengths, line_lengths, words


def sequence_hash(hashes: Sequence[int]) -> int:
    """The polynomial hash of a whole token sequence: ``Grams`` of the same tokens at n = len(tokens)."""
    acc = 0
    for h in hashes:
        acc = (acc * MULTIPLIER + int(h)) & _MASK
    return acc


class Grams:
    """Hashes of the n-grams of texts laid end to end, never across two texts.

    ``flat`` holds the token hashes, ``lengths`` the tokens per text. With
    S[i] = sum of flat[j]·M⁻ʲ for j < i, the gram of length L at a is
    M^(a+L-1)·(S[a+L] − S[a]) = sum of flat[a+k]·M^(L-1-k): one subtraction and
    one product per gram, whatever L."""

    def __init__(self, flat: np.ndarray, lengths: np.ndarray, line_lengths: np.ndarray | None = None):
        size = len(flat)
        self.flat = flat
        self.ends = np.cumsum(lengths)
        self.segment_end = np.repeat(self.ends, lengths)
        line_lengths = lengths if line_lengths is None else line_lengths
        self.line_ends = np.cumsum(line_lengths)
        self._line_size = np.repeat(line_lengths, line_lengths)
        inverse = np.full(size, _M_INVERSE, np.uint64)
        power = np.full(size, _M, np.uint64)
        if size:
            inverse[0] = power[0] = 1
        self._cache: dict = {}
        with np.errstate(over="ignore"):
            self.prefix = np.concatenate([[np.uint64(0)], np.cumsum(flat * np.cumprod(inverse), dtype=np.uint64)])
            self.power = np.cumprod(power)

    def of_length(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(hashes, flat start) of every n-gram inside one text."""
        if n not in self._cache:
            self._cache[n] = self._of_length(n)
        return self._cache[n]

    def in_short_lines(self, n: int, longest: int) -> tuple[np.ndarray, np.ndarray]:
        """(hashes, flat start) of every n-gram that starts on a line of at most ``longest`` tokens
        (and ends inside the same text: a short item broken over lines is still found)."""
        key = (n, longest)
        if key not in self._cache:
            starts = np.flatnonzero(self._line_size <= longest)
            starts = starts[starts + n <= self.segment_end[starts]]
            with np.errstate(over="ignore"):
                self._cache[key] = (self.power[starts + n - 1] * (self.prefix[starts + n] - self.prefix[starts]), starts)
        return self._cache[key]

    def run_hash(self, start: int, size: int) -> int:
        """The hash of the ``size`` tokens from flat position ``start`` (``sequence_hash`` of them)."""
        if start + size > len(self.power):
            return -1
        with np.errstate(over="ignore"):
            return int(self.power[start + size - 1] * (self.prefix[start + size] - self.prefix[start]))

    def _of_length(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        count = len(self.segment_end) - n + 1
        if count <= 0:
            return np.empty(0, np.uint64), np.empty(0, np.int64)
        starts = np.flatnonzero(np.arange(count) + n <= self.segment_end[:count])
        with np.errstate(over="ignore"):
            hashes = self.power[starts + n - 1] * (self.prefix[starts + n] - self.prefix[starts])
        return hashes, starts


def gram_hashes(flat: np.ndarray, lengths: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    return Grams(flat, lengths).of_length(n)
