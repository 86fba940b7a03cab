"""Hash parts: rows added a table at a time come back a part at a time, every row of a key in one part."""

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from curate.dedup.hashparts import HashParts


def test_each_part_holds_exactly_its_keys_rows_in_the_order_added_across_rolled_over_files(tmp_path):
    rng = np.random.default_rng(0)
    tables = []
    with HashParts(tmp_path, "keys", parts=5, file_row_groups=3) as parts:
        for start in range(0, 2_000, 100):
            key = rng.integers(0, 2**63, size=100, dtype=np.uint64)
            table = pa.table({"key": key, "row": np.arange(start, start + 100)})
            tables.append(table)
            parts.add(table, key)
    added = pa.concat_tables(tables)
    for p, files in enumerate(parts.files()):
        assert len(files) > 1  # the part went on in new files
        assert all(pq.ParquetFile(f).metadata.num_row_groups <= 3 for f in files)
        back = pa.concat_tables(pq.read_table(f) for f in files)
        mine = added.filter(pa.array(added.column("key").to_numpy() % np.uint64(5) == p))
        assert back.column("row").to_pylist() == mine.column("row").to_pylist()
    assert sum(pq.read_metadata(f).num_rows for files in parts.files() for f in files) == 2_000


def test_a_part_no_row_went_to_has_no_files(tmp_path):
    with HashParts(tmp_path, "keys", parts=4) as parts:
        parts.add(pa.table({"key": np.array([1, 5], dtype=np.uint64)}), np.array([1, 5], dtype=np.uint64))
    assert parts.part_files(0) == [] and len(parts.part_files(1)) == 1
    assert len(parts.files()) == 1
