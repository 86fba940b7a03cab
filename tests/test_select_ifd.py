"""score_ifd measures what IFD means; select keeps its budget, its diversity threshold and its seed;
training never silently cuts a row that does not fit."""

from __future__ import annotations

import json
import random

import numpy as np
import pyarrow as pa
import pytest

from curate.select.stage import Select, SelectConfig
from curate.stage import StageContext
from schemas import embeddings_schema
from tests.conftest import conversation, conversations_table

DIM = 384


def _candidates(n: int, seed: int = 0, near_copies: int = 0) -> tuple[pa.Table, pa.Table, np.ndarray]:
    """n rows with an IFD in (0, 1.2) and a cluster, unit vectors, the last ``near_copies`` rows
    almost parallel to the first ones (cosine > 0.99)."""
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, DIM)).astype(np.float32)
    for k in range(near_copies):
        vectors[n - 1 - k] = vectors[k] + 0.01 * rng.normal(size=DIM)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    rows = [conversation(f"r{i:03d}", f"Question {i}?", f"Answer {i}.",
                         meta={"quality": {"ifd": round(float(rng.uniform(0.05, 1.2)), 4)}, "cluster": i % 3})
            for i in range(n)]
    column = pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel(), pa.float32()), DIM)
    embeddings = pa.Table.from_arrays([pa.array([r["id"] for r in rows]), column], schema=embeddings_schema(DIM))
    return conversations_table(rows), embeddings, vectors


def _select(records: pa.Table, embeddings: pa.Table, **config):
    return Select().run({"records": records, "embeddings": embeddings}, SelectConfig(**config), StageContext())


@pytest.mark.parametrize("budget", [1, 7, 30, 500])
@pytest.mark.parametrize("per_cluster", [False, True])
def test_select_never_exceeds_its_budget_and_accounts_for_every_row(budget, per_cluster):
    records, embeddings, _ = _candidates(120, near_copies=10)
    result = _select(records, embeddings, budget=budget, per_cluster=per_cluster)
    assert result.kept.num_rows <= budget
    assert result.kept.num_rows + result.removed.num_rows == records.num_rows
    # filled, or short only by the rows too close to a selected one
    assert result.kept.num_rows == min(budget, result.metrics["eligible"] - result.metrics["too_similar"])
    reasons = set(result.removed.column("reason").to_pylist())
    assert reasons <= {"not_selected", "ifd_above_max"}


def test_select_respects_the_diversity_threshold_and_names_the_close_row():
    records, embeddings, vectors = _candidates(80, near_copies=20)
    result = _select(records, embeddings, budget=80, max_cosine=0.5, max_ifd=None)
    index = {f"r{i:03d}": i for i in range(80)}
    kept = [index[i] for i in result.kept.column("id").to_pylist()]
    sims = vectors[kept] @ vectors[kept].T
    assert (sims[~np.eye(len(kept), dtype=bool)] < 0.5).all()
    close = [r for r in result.removed.to_pylist() if r["duplicate_of"]]
    assert len(close) == 20 == result.metrics["too_similar"]  # each near copy loses to its original (or vice versa)
    for r in close:
        assert float(vectors[index[r["id"]]] @ vectors[index[r["duplicate_of"]]]) >= 0.5
        assert r["reason"] == "not_selected" and r["duplicate_of"] in {records.column("id")[i].as_py() for i in kept}


def test_select_takes_the_highest_ifd_first_and_drops_ifd_above_one_with_its_reason():
    records, embeddings, _ = _candidates(60)
    ifd = {r["id"]: json.loads(r["meta"])["quality"]["ifd"] for r in records.to_pylist()}
    result = _select(records, embeddings, budget=10, max_cosine=None)
    followable = sorted((v, k) for k, v in ifd.items() if v <= 1.0)
    assert set(result.kept.column("id").to_pylist()) == {k for _, k in followable[-10:]}
    over = [r for r in result.removed.to_pylist() if r["reason"] == "ifd_above_max"]
    assert {r["id"] for r in over} == {k for k, v in ifd.items() if v > 1.0} and over
    assert all(r["score"] == ifd[r["id"]] for r in over)
    not_selected = [r for r in result.removed.to_pylist() if r["reason"] == "not_selected"]
    assert all(r["score"] == ifd[r["id"]] for r in not_selected)


def test_select_is_deterministic_under_a_seed_whatever_the_input_order():
    records, embeddings, _ = _candidates(100, near_copies=15)
    shuffled = records.take(random.Random(3).sample(range(100), 100))
    for config in ({"budget": 25}, {"budget": 25, "by": "random"}, {"share": 0.3, "per_cluster": True}):
        a = _select(records, embeddings, **config).kept.column("id").to_pylist()
        b = _select(shuffled, embeddings, **config).kept.column("id").to_pylist()
        assert sorted(a) == sorted(b)
    draws = {tuple(sorted(_select(records, embeddings, budget=25, by="random", seed=s).kept.column("id").to_pylist()))
             for s in range(3)}
    assert len(draws) == 3


def test_select_per_cluster_spreads_the_budget():
    records, embeddings, _ = _candidates(90)
    result = _select(records, embeddings, budget=30, per_cluster=True, max_cosine=None, max_ifd=None)
    assert sorted(result.metrics["per_cluster"].values()) == [10, 10, 10]
