"""Score rows against benchmark indexes: which item a row holds, and how much of it.

For every row, the texts of its views (each message apart, so no n-gram spans
two turns) are hashed at ``n`` and at each short-field length; all grams of a
batch are looked up in one ``searchsorted`` over the index's sorted keys, and
only rows with a hit go on to Python. A field's ``coverage`` is the share of
its distinct n-grams found in the row (1.0 when a short field is found whole),
leaving out n-grams the index holds for more than ``COMMON`` fields (a
benchmark's template; unless that is all the field has):
extra text around a benchmark item (a "Question:" prefix, a chat template, the
answer) never lowers it, while a rephrasing that breaks most n-grams does.

The rule: a field of at least ``2n`` tokens matches at ``coverage >= threshold``.
A brief field (fewer than ``2n`` tokens: "What is the capital of Australia?",
"Who are you?") is also a phrase anyone may write, so it needs more: the
matched run must make up at least ``LINE_SHARE`` of the lines it is on (the
question asked, perhaps after "Question:", with its answer on the next line,
not a phrase inside a sentence about something else) and ``BRIEF_COVERAGE`` of its n-grams found, or, for a multiple-choice stem, half of the item's
options must be in the row. A field shorter than ``n`` tokens is one gram,
found whole or not; a multiple-choice stem that short ("Which of the
following is true?") names no item without its options, unless it has
``STEM_ALONE`` tokens and is a whole message by itself ("The process of
cellular respiration occurs in", asked and nothing else). A longer stem matches
without its options, so reordered or dropped options do not hide it.

A light edit (two or three words swapped or replaced) breaks every 8-gram
over each edit, most of a short item's. So, with ``fine_threshold`` set, a
field of at least ``2n`` tokens also matches when the row holds that share of
its tokens in runs of its rare 4-grams (the index's ``fine`` layer), all
within twice the field's length and at least ``FINE_MIN_TOKENS`` of them; such
a hit says so (``Hit.method == "fine"``) and ranks below an n-gram hit.

A short item (``n`` to ``NEAR_MAX`` tokens) keeps few 4-grams whole after the
same edits. So, with ``near_threshold`` set, a field with one of its rare
4-grams in the row is aligned (``difflib``, on token hashes) with the lines
that 4-gram run sits on; it matches when the aligned tokens are
``near_threshold`` of the item both by count and by weight (rare words weigh
more, so swapping the one word that names the item makes another question),
make up ``NEAR_LINE_SHARE`` of those lines, and, for a brief multiple-choice
stem ("The boiling point of water in degrees Celsius is"), come with half of
its options (``Hit.method == "near"``, ranked last).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

import numpy as np

from curate.decontam.index import COMMON, FINE_N, NEAR_MAX, Index
from curate.decontam.normalise import Grams, TokenHashes

OPTION_SHARE = 0.5
LINE_SHARE = 0.5
SHORT_LINE = 32
"""A field shorter than n is looked for only from lines of at most this many tokens: it must
make up half of its lines, or sit near its options; long prose lines are skipped for speed."""
BRIEF_COVERAGE = 0.75
"""A brief field has few n-grams (one to eight): half of them is a phrase, not the item."""
NEAR_LINE_SHARE = 0.75
"""A near hit's aligned tokens must make up this share of the lines they are on: a reworded
item is evidence when it is the question asked, not a phrase in a sentence about something else
("The boiling point of water in Celsius is: wolfram(...)")."""
STEM_ALONE = 6
"""A multiple-choice stem shorter than n tokens matches without its options only with at least
this many tokens and as a whole message: "To bang a gavel." or "Why is the sky blue?" (MMLU
astronomy/2) asked alone is a stock question, and as a line of an answer "Eat a well balanced
diet" is advice, not a PIQA item."""
MATCHED_CHARS = 160
FINE_SPAN = 2
"""The fine check's matched runs must lie within this many times the item's length: a lightly
edited item is one stretch of the row, while the same 4-grams scattered over a long answer
(a Fibonacci explanation holding "f 0 0 and f 1 1" and "the n th fibonacci number") are not."""
FINE_MIN_TOKENS = 2 * FINE_N
"""The fine check needs this many of the item's tokens in the row: one rare 4-gram run of five or
six words ("is the center of our solar") is a phrase, whatever share of a templated item it is."""


@dataclass(frozen=True)
class Hit:
    row: int
    benchmark: str
    item_id: str
    field: str
    coverage: float
    matched: str
    """The row's normalised tokens that matched, shortened to ``MATCHED_CHARS``."""
    exact: bool
    """The whole normalised field is in the row as one run of tokens (its whole-field hash,
    read where the first matched gram starts)."""
    method: Literal["ngram", "fine", "near"] = "ngram"
    """How it was found: ``ngram``, ``coverage`` the share of the field's n-grams in the row;
    ``fine``, the share of its tokens the row holds in runs of rare 4-grams; ``near``, the
    weighted share of its tokens aligned with the row's line."""


def _matched(words, lo: int, stop: int, limit: int = MATCHED_CHARS) -> str:
    """The row's normalised tokens [lo, stop), shortened to ``limit`` characters."""
    text = " ".join(words.slice(lo, stop - lo).to_pylist())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


class Matcher:
    def __init__(self, indexes: Sequence[Index], threshold: float, benchmarks: frozenset[str] | None = None,
                 fine_threshold: float | None = None, near_threshold: float | None = None):
        self.indexes = list(indexes)
        self.threshold = threshold
        self.fine_threshold = fine_threshold
        self.near_threshold = near_threshold
        self.hashes = TokenHashes()
        self.allowed = [None if benchmarks is None else np.array([b in benchmarks for b in ix.benchmark]) for ix in indexes]

    def match(self, rows: Sequence[Sequence[str]]) -> list[Hit | None]:
        """The best hit of each row (its view texts), or None."""
        texts = [t for texts in rows for t in texts]
        seg_row = np.repeat(np.arange(len(rows)), [len(texts) for texts in rows])
        best: list[Hit | None] = [None] * len(rows)
        if not texts:
            return best
        flat, lengths, line_lengths, words = self.hashes.batch(texts)
        grams = Grams(flat, lengths, line_lengths)
        for ix, allowed in zip(self.indexes, self.allowed):
            hits = self._match_index(ix, allowed, grams, seg_row, words)
            if self.fine_threshold is not None or self.near_threshold is not None:
                runs = FineRuns.of(ix, allowed, grams, seg_row)
                if self.fine_threshold is not None:
                    hits += self._match_fine(ix, runs, grams, seg_row, words)
                if self.near_threshold is not None:
                    hits += self._match_near(ix, runs, grams, seg_row, words)
            for hit in hits:
                current = best[hit.row]
                if current is None or _rank(hit) > _rank(current):
                    best[hit.row] = hit
        return best

    def _match_index(self, ix: Index, allowed, grams: Grams, seg_row, words) -> list[Hit]:
        found_gram, found_pos, found_len = [], [], []
        ends = grams.ends
        for length in [ix.n, *ix.short_lengths]:
            hashes, starts = grams.of_length(length) if length == ix.n else grams.in_short_lines(length, SHORT_LINE)
            where, at = ix.find(hashes)
            if len(where):
                segments = np.searchsorted(ends, starts[where], side="right")
                found_gram.append(at)
                found_pos.append(np.column_stack([seg_row[segments], starts[where]]))
                found_len.append(np.full(len(where), length))
        if not found_gram:
            return []
        key = np.concatenate(found_gram)
        rows_pos = np.concatenate(found_pos)
        length = np.concatenate(found_len)
        expanded, fields = _postings(ix.offsets, ix.postings, key, allowed)
        if not len(fields):
            return []
        # one cell per (row, field); a gram said twice in a row counts once
        cell = rows_pos[expanded, 0].astype(np.int64) * len(ix.field) + fields
        order = np.lexsort((key[expanded], cell))
        cell, gram, at = cell[order], key[expanded][order], expanded[order]
        cell_start = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
        distinct = np.r_[True, (cell[1:] != cell[:-1]) | (gram[1:] != gram[:-1])]
        rare = (ix.offsets[gram + 1] - ix.offsets[gram]) <= COMMON
        matched_all = np.add.reduceat(distinct.astype(np.int64), cell_start)
        matched_rare = np.add.reduceat((distinct & rare).astype(np.int64), cell_start)
        cells = cell[cell_start]
        cell_fields = cells % len(ix.field)
        templated = ix.distinct_grams[cell_fields] == ix.grams[cell_fields]  # no rare gram: count them all
        coverage = np.where(templated, matched_all, matched_rare) / ix.distinct_grams[cell_fields]
        lo_all = np.minimum.reduceat(rows_pos[at, 1], cell_start)
        stop_all = np.maximum.reduceat(rows_pos[at, 1] + length[at], cell_start)
        return self._accept(ix, cells, coverage, coverage >= self.threshold, lo_all, stop_all, grams, seg_row, words, method="ngram")

    def _match_fine(self, ix: Index, runs: FineRuns, grams: Grams, seg_row, words) -> list[Hit]:
        """Rows that hold ``fine_threshold`` of a field's tokens in runs of its rare 4-grams
        (``runs``: each distinct gram at its first place in the row), within ``FINE_SPAN`` times
        the field's length: what survives a light edit. Only fields of ``2n`` tokens or more: a
        brief item's rare 4-grams ("calculate the area of", "the gravitational force between
        the") are everyday phrases, and on the public sets they flagged 29 rows that hold no
        benchmark item."""
        if not len(runs.cell):
            return []
        cell, pos = runs.cell, runs.pos
        last = np.r_[cell[1:] != cell[:-1], True]
        # tokens under the union of the grams [pos, pos + FINE_N): each gram adds up to FINE_N new ones
        step = np.where(last, FINE_N, np.clip(np.r_[pos[1:] - pos[:-1], 0], 0, FINE_N))
        covered = np.add.reduceat(step, runs.cell_start)
        cells, lo_all, stop_all = runs.cells, runs.lo, runs.stop
        sizes = ix.token_counts[cells % len(ix.field)].astype(np.int64)
        coverage = np.minimum(covered / sizes, 1.0)
        passed = ((coverage >= self.fine_threshold) & (covered >= FINE_MIN_TOKENS) & (sizes >= 2 * ix.n)
                  & (stop_all - lo_all <= FINE_SPAN * sizes))
        return self._accept(ix, cells, coverage, passed, lo_all, stop_all, grams, seg_row, words, method="fine")

    def _match_near(self, ix: Index, runs: FineRuns, grams: Grams, seg_row, words) -> list[Hit]:
        """Fields of ``n`` to ``NEAR_MAX`` tokens with a rare 4-gram in the row, aligned token by
        token with the lines that gram's run touches (see the module's docstring)."""
        if not len(runs.cell):
            return []
        cells, lo_all, stop_all = runs.cells, runs.lo, runs.stop
        sizes = ix.token_counts[cells % len(ix.field)].astype(np.int64)
        # the aligned tokens (at most the field's, at least near_threshold of it) must be
        # NEAR_LINE_SHARE of their lines: a field whose run sits on longer lines (an answer's
        # paragraph), or on lines too short to hold it, cannot pass, so is never aligned
        line_start, line_end = _lines_of(grams, lo_all, stop_all)
        context = line_end - line_start
        hits = []
        for c in np.flatnonzero((sizes >= ix.n) & (sizes < NEAR_MAX) & (sizes >= NEAR_LINE_SHARE * context)
                                & (context >= self.near_threshold * sizes)):
            r, f = int(cells[c] // len(ix.field)), int(cells[c] % len(ix.field))
            found = _align(ix, f, grams, int(lo_all[c]), int(stop_all[c]), int(line_start[c]), int(line_end[c]), self.near_threshold)
            if found is None:
                continue
            share, weighted, lo, stop = found
            size = int(sizes[c])
            if min(share, weighted) < self.near_threshold or stop - lo > FINE_SPAN * size:
                continue
            if round(share * size) < NEAR_LINE_SHARE * _line_context(grams, lo, stop):
                continue
            if size < 2 * ix.n and self._has_options(ix, f) and not self._options_confirm(ix, f, grams, seg_row, r):
                continue
            hits.append(Hit(r, ix.benchmark[f], ix.item_id[f], ix.field[f], round(float(weighted), 4),
                            _matched(words, lo, stop), exact=False, method="near"))
        return hits

    def _accept(self, ix: Index, cells, coverage, passed, lo_all, stop_all, grams: Grams, seg_row, words,
                method: Literal["ngram", "fine"]) -> list[Hit]:
        """Hits of the (row, field) cells whose coverage passed, under the brief-field rules."""
        hits = []
        for c in np.flatnonzero(passed):
            r, f = int(cells[c] // len(ix.field)), int(cells[c] % len(ix.field))
            lo, stop = int(lo_all[c]), int(stop_all[c])
            size = int(ix.token_counts[f])
            if size < 2 * ix.n:
                if coverage[c] < BRIEF_COVERAGE:
                    continue
                if size < ix.n and self._has_options(ix, f):
                    asked = size >= STEM_ALONE and _is_whole_text(grams, lo, stop)
                else:
                    asked = _line_share(grams, lo, stop) >= LINE_SHARE
                if not asked and not self._options_confirm(ix, f, grams, seg_row, r):
                    continue
            exact = bool(coverage[c] >= 1.0) and grams.run_hash(lo, size) == int(ix.whole[f])
            hits.append(Hit(r, ix.benchmark[f], ix.item_id[f], ix.field[f], round(float(coverage[c]), 4),
                            _matched(words, lo, stop), exact=exact, method=method))
        return hits

    @staticmethod
    def _has_options(ix: Index, field: int) -> bool:
        return bool(len(ix.option_field)) and bool((ix.option_field == field).any())

    def _options_confirm(self, ix: Index, field: int, grams: Grams, seg_row, row: int) -> bool:
        """Half of the item's options are in the row (each by half of its grams, or whole when short)."""
        options = ix.options_of(field)
        if not options:
            return False
        segs = np.flatnonzero(seg_row == row)
        lo = int(grams.ends[segs[0] - 1]) if segs[0] else 0
        hi = int(grams.ends[segs[-1]])
        present = {}
        found = 0
        for length, keys in options:
            if length not in present:
                hashes, starts = grams.of_length(length)
                present[length] = np.unique(hashes[(starts >= lo) & (starts < hi)])
            share = np.isin(keys, present[length]).mean() if len(keys) else 0.0
            found += share >= OPTION_SHARE
        return found >= OPTION_SHARE * len(options)


_METHODS = ("near", "fine", "ngram")


def _rank(hit: Hit) -> tuple[int, float]:
    """An n-gram hit before a fine one before a near one, then the higher coverage."""
    return _METHODS.index(hit.method), hit.coverage


def _lines_of(grams: Grams, lo: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[start, stop) of the lines each run [lo, stop) touches, inside its message."""
    stop = np.minimum(stop, grams.ends[np.searchsorted(grams.ends, lo, side="right")])
    first = np.searchsorted(grams.line_ends, lo, side="right")
    last = np.searchsorted(grams.line_ends, stop - 1, side="right")
    return np.where(first > 0, grams.line_ends[np.maximum(first - 1, 0)], 0), grams.line_ends[last]


def _lines(grams: Grams, lo: int, stop: int) -> tuple[int, int]:
    start, end = _lines_of(grams, np.array([lo]), np.array([stop]))
    return int(start[0]), int(end[0])


def _line_context(grams: Grams, lo: int, stop: int) -> int:
    """Tokens on the lines a matched run [lo, stop) touches."""
    start, end = _lines(grams, lo, stop)
    return end - start


def _is_whole_text(grams: Grams, lo: int, stop: int) -> bool:
    """The run [lo, stop) is all the tokens of its message."""
    at = int(np.searchsorted(grams.ends, lo, side="right"))
    return lo == (int(grams.ends[at - 1]) if at else 0) and stop == int(grams.ends[at])


def _line_share(grams: Grams, lo: int, stop: int) -> float:
    """Share of the tokens on the lines a matched run [lo, stop) touches that the run covers."""
    message_end = int(grams.ends[np.searchsorted(grams.ends, lo, side="right")])
    return (min(stop, message_end) - lo) / _line_context(grams, lo, stop)


def _align(ix: Index, field: int, grams: Grams, lo: int, stop: int, line_start: int, line_end: int,
           least: float) -> tuple[float, float, int, int] | None:
    """Align a near-layer field with the row's tokens on its lines [line_start, line_end), at
    most the field's length either side of the run [lo, stop): (share of its tokens aligned,
    their share by weight, the aligned stretch's [start, stop) in the row), or None when fewer
    than ``least`` of its tokens are on those lines at all (most candidates, at a set lookup's cost)."""
    tokens, weights = ix.near(field)
    start, end = max(line_start, lo - len(tokens)), min(line_end, stop + len(tokens))
    row = (grams.flat[start:end] & np.uint64(0xFFFFFFFF)).astype(np.uint32).tolist()
    wanted = tokens.tolist()
    present = set(row)
    if sum(t in present for t in wanted) < least * len(wanted):
        return None
    blocks = [b for b in SequenceMatcher(None, wanted, row, autojunk=False).get_matching_blocks() if b.size]
    aligned = np.zeros(len(tokens), bool)
    for b in blocks:
        aligned[b.a:b.a + b.size] = True
    return (float(aligned.mean()), float(weights[aligned].sum() / weights.sum()),
            start + blocks[0].b, start + blocks[-1].b + blocks[-1].size)


@dataclass(frozen=True)
class FineRuns:
    """Every rare 4-gram of a field found in a row, each distinct gram at its first place in
    the row: ``cell`` (row * fields + field) and flat ``pos``, ordered by cell then position;
    per cell (``cell_start`` its first gram) the cell and the [``lo``, ``stop``) its grams span.
    The fine and near checks both start here."""

    cell: np.ndarray
    pos: np.ndarray
    cell_start: np.ndarray
    cells: np.ndarray
    lo: np.ndarray
    stop: np.ndarray

    @classmethod
    def of(cls, ix: Index, allowed, grams: Grams, seg_row) -> FineRuns:
        cell, pos = _fine_grams(ix, allowed, grams, seg_row)
        if not len(cell):
            empty = np.empty(0, np.int64)
            return cls(cell, pos, empty, empty, empty, empty)
        cell_start = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
        return cls(cell, pos, cell_start, cell[cell_start], pos[cell_start], np.maximum.reduceat(pos, cell_start) + FINE_N)


def _fine_grams(ix: Index, allowed, grams: Grams, seg_row) -> tuple[np.ndarray, np.ndarray]:
    """(row * fields + field, flat position) of every rare 4-gram of a field found in a row,
    each distinct gram at its first place in the row, ordered by cell then position."""
    hashes, starts = grams.of_length(FINE_N)
    where, key = ix.fine.find(hashes)
    if not len(where):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    expanded, fields = _postings(ix.fine_offsets, ix.fine_postings, key, allowed)
    if not len(fields):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pos = starts[where][expanded].astype(np.int64)
    rows = seg_row[np.searchsorted(grams.ends, pos, side="right")]
    cell = rows.astype(np.int64) * len(ix.field) + fields
    gram = key[expanded]
    order = np.lexsort((pos, gram, cell))
    cell, gram, pos = cell[order], gram[order], pos[order]
    once = np.r_[True, (cell[1:] != cell[:-1]) | (gram[1:] != gram[:-1])]
    cell, pos = cell[once], pos[once]
    order = np.lexsort((pos, cell))
    return cell[order], pos[order]


def _postings(offsets: np.ndarray, postings: np.ndarray, key: np.ndarray,
              allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(position in ``key``, field) for every posting of every found gram, in a CSR index
    (``offsets``, ``postings``), keeping the ``allowed`` fields only (``None``: all)."""
    counts = (offsets[key + 1] - offsets[key]).astype(np.int64)
    expanded = np.repeat(np.arange(len(key)), counts)
    first = np.repeat(offsets[key].astype(np.int64) - np.cumsum(counts) + counts, counts)
    fields = postings[np.arange(len(expanded)) + first].astype(np.int64)
    if allowed is not None:
        keep = allowed[fields]
        expanded, fields = expanded[keep], fields[keep]
    return expanded, fields
