"""A dedup step's decisions, written a part at a time in any order, come back a batch of input rows at a time."""

import numpy as np
import pyarrow as pa

from curate.dedup.resolved import DECISIONS, Decisions


def decisions(positions) -> pa.Table:
    return pa.table({"pos": positions, "id": [f"r{p}" for p in positions], "keeper": [f"k{p}" for p in positions],
                     "score": [1.0] * len(positions), "group": [None] * len(positions)}, schema=DECISIONS)


def test_each_batch_gets_exactly_its_rows_decisions_in_position_order_across_spans(tmp_path):
    rng = np.random.default_rng(0)
    written = rng.choice(1_000, size=300, replace=False)
    store = Decisions(tmp_path, rows=1_000, batch_rows=30, part_rows=100)
    assert store.part_rows == 90  # whole batches
    for chunk in np.array_split(written, 7):
        store.write(decisions(chunk.tolist()))
    store.close()
    for start in range(0, 1_000, 30):
        got = store.batch(start)
        mine = sorted(p for p in written.tolist() if start <= p < start + 30)
        assert got.column("pos").to_pylist() == mine
        assert got.column("id").to_pylist() == [f"r{p}" for p in mine]


def test_a_batch_without_decisions_gets_an_empty_table(tmp_path):
    store = Decisions(tmp_path, rows=100, batch_rows=10)
    store.write(decisions([55]))
    store.close()
    assert store.batch(0).num_rows == 0 and store.batch(50).column("pos").to_pylist() == [55]
