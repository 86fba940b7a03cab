"""How many times each conversation was seen before, over millions of rows, in a few bytes a row.

The n-th exact repeat of a conversation gets n in its id (``conversation_id``), so ingest counts
repeats in input order. A Python ``Counter`` of digests holds ~117 bytes per distinct conversation
(1.2 GB at 10M rows); ``RepeatCounts`` holds 12: a 64-bit key and a 32-bit count, in sorted runs.
Two different conversations whose keys collide (about one chance in 10^6 at 10M rows) would count as
repeats of each other; the later one then gets an occurrence number in its id, which stays unique
because the id also hashes the content.
"""

from __future__ import annotations

import numpy as np

MAX_RUN = 1 << 21
"""Keys in one sorted run at most: no merge copies more, and a batch looks up in ~n / MAX_RUN runs
plus a few small ones."""


class RepeatCounts:
    """Keys seen so far, with how often; ``take(keys)`` answers a batch in input order and counts it."""

    def __init__(self, max_run: int = MAX_RUN) -> None:
        self.max_run = max_run
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def take(self, keys: np.ndarray) -> np.ndarray:
        """For each key, how many times it was seen before it (earlier batches, then earlier in this one)."""
        keys = np.asarray(keys, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        first = np.ones(len(ordered), dtype=bool)
        first[1:] = ordered[1:] != ordered[:-1]
        starts = np.flatnonzero(first)
        distinct = ordered[starts]
        group = np.cumsum(first) - 1
        before = np.zeros(len(distinct), dtype=np.int64)
        for run_keys, run_counts in self._runs:
            at = np.minimum(np.searchsorted(run_keys, distinct), len(run_keys) - 1)
            hit = run_keys[at] == distinct
            before[hit] += run_counts[at[hit]]
        prior = np.empty(len(keys), dtype=np.int64)
        prior[order] = before[group] + np.arange(len(ordered)) - starts[group]
        if len(distinct):
            self._add(distinct, np.diff(np.append(starts, len(ordered))).astype(np.uint32))
        return prior

    def _add(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self._runs.append((keys, counts))
        while len(self._runs) > 1:
            (older, older_counts), (newer, newer_counts) = self._runs[-2:]
            if len(older) > len(newer) or len(older) + len(newer) > self.max_run:
                break
            joined = np.concatenate([older, newer])
            order = np.argsort(joined, kind="stable")
            joined = joined[order]
            first = np.ones(len(joined), dtype=bool)
            first[1:] = joined[1:] != joined[:-1]
            starts = np.flatnonzero(first)
            summed = np.add.reduceat(np.concatenate([older_counts, newer_counts])[order], starts) if len(starts) else newer_counts
            self._runs[-2:] = [(joined[starts], summed.astype(np.uint32))]

    def held_bytes(self) -> int:
        return sum(k.nbytes + c.nbytes for k, c in self._runs)

    def run_sizes(self) -> list[int]:
        return [len(k) for k, _ in self._runs]

