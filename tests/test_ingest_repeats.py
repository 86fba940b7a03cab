"""Ingest numbers exact repeats in input order (the n-th repeat has n in its id) while holding a few
bytes per distinct conversation: ``RepeatCounts`` answers what a ``Counter`` would, batch by batch."""

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.ingest.repeats import RepeatCounts


@settings(max_examples=60, deadline=None)
@given(batches=st.lists(st.lists(st.integers(0, 40), max_size=30), max_size=25), max_run=st.integers(1, 64))
def test_each_key_gets_how_often_it_was_seen_before(batches, max_run):
    counts, seen = RepeatCounts(max_run=max_run), Counter()
    for batch in batches:
        expected = []
        for key in batch:
            expected.append(seen[key])
            seen[key] += 1
        assert counts.take(np.array(batch, dtype=np.uint64)).tolist() == expected


def test_runs_stay_bounded_and_few_over_many_batches():
    rng = np.random.default_rng(0)
    counts = RepeatCounts(max_run=5_000)
    for _ in range(200):
        counts.take(rng.integers(0, 2**63, size=1_000, dtype=np.uint64))
    assert max(counts.run_sizes()) <= 5_000
    assert len(counts.run_sizes()) <= 200_000 // 5_000 + 12
    assert counts.held_bytes() == 200_000 * 12  # 8-byte key + 4-byte count per distinct key
