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


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A real Llama of a few hundred thousand parameters with a BPE trained on the test's words."""
    from train.tiny import save_tiny_model

    words = ["What is the capital of France?", "The capital of France is Paris.", "Name a primary colour.",
             "Red is a primary colour.", "And another one?", "Blue is another."]
    return save_tiny_model(tmp_path_factory.mktemp("tiny") / "model", words * 20)


def _mean_loss_by_hand(model, tokenizer, chat) -> tuple[float, int]:
    """Plain forward with labels on the template's assistant tokens: HF's mean cross-entropy, and the count."""
    import torch

    out = tokenizer.apply_chat_template(chat, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    labels = [t if m else -100 for t, m in zip(out["input_ids"], out["assistant_masks"])]
    with torch.no_grad():
        loss = model(input_ids=torch.tensor([out["input_ids"]]), labels=torch.tensor([labels])).loss.item()
    return loss, sum(1 for x in labels[1:] if x != -100)


def test_score_ifd_equals_the_ratio_computed_by_hand_and_keeps_the_quality_signals(tiny_model):
    from train.chat_template import to_chat
    from train.ifd.stage import ScoreIfd, ScoreIfdConfig, load_scorer

    model, tokenizer = load_scorer(str(tiny_model), "cpu")
    single = conversation("one", "What is the capital of France?", "The capital of France is Paris.",
                          meta={"quality": {"score": 0.7}})
    multi = conversation("two", "Name a primary colour.", "Red is a primary colour.")
    multi["messages"] += [{"role": "user", "content": "And another one?", "name": None, "tool_calls": None},
                          {"role": "assistant", "content": "Blue is another.", "name": None, "tool_calls": None}]
    result = ScoreIfd().run({"records": conversations_table([single, multi])}, ScoreIfdConfig(base_model=str(tiny_model), device="cpu", batch_size=2), StageContext())
    quality = {r["id"]: json.loads(r["meta"])["quality"] for r in result.kept.to_pylist()}

    chat = to_chat(single["messages"])
    conditioned, _ = _mean_loss_by_hand(model, tokenizer, chat)
    alone, _ = _mean_loss_by_hand(model, tokenizer, chat[1:])
    assert quality["one"]["ifd"] == pytest.approx(conditioned / alone, abs=1e-4)
    assert quality["one"]["ifd_loss_conditioned"] == pytest.approx(conditioned, abs=1e-4)
    assert quality["one"]["score"] == 0.7  # score_quality's signals stay

    # Two turns: the whole conversation's assistant tokens in one pass; each answer alone; token-weighted means.
    chat = to_chat(multi["messages"])
    conditioned, _ = _mean_loss_by_hand(model, tokenizer, chat)
    alone = [_mean_loss_by_hand(model, tokenizer, [m]) for m in chat if m["role"] == "assistant"]
    alone_mean = sum(loss * n for loss, n in alone) / sum(n for _, n in alone)
    assert quality["two"]["ifd_turns"] == 2
    assert quality["two"]["ifd"] == pytest.approx(conditioned / alone_mean, abs=1e-4)
    assert result.metrics["scored"] == 2 and result.metrics["multi_turn_rows"] == 1

    # No answer token within max_length: no score (not a made-up one), and said in the metrics.
    late = conversation("late", "What is the capital of France? " * 10, "Paris.")
    cut = ScoreIfd().run({"records": conversations_table([single, late])},
                         ScoreIfdConfig(base_model=str(tiny_model), max_length=40), StageContext())
    ifds = [json.loads(m)["quality"]["ifd"] for m in cut.kept.column("meta").to_pylist()]
    assert ifds[0] is not None and ifds[1] is None and cut.metrics["unscored"] == 1


def _split_rows(rows: list[dict]) -> pa.Table:
    from schemas import SPLIT_CONVERSATION

    return pa.Table.from_pylist([{**r, "split": "train"} for r in rows], schema=SPLIT_CONVERSATION)


def test_an_over_long_row_is_dropped_with_its_reason_or_truncated_and_counted():
    from train.chat_template import prepare_tokenizer
    from train.sft import plan_sft, token_summary
    from train.tiny import tiny_tokenizer

    short = conversation("short", "Say hi.", "Hi.")
    long = conversation("long", "Say hi.", "Hi. " * 200)
    late = conversation("late", "word " * 300, "Too late to learn anything.")
    tokenizer = prepare_tokenizer(tiny_tokenizer([m["content"] for r in (short, long, late) for m in r["messages"]]))
    table = _split_rows([short, long, late])

    dropped = plan_sft(table, tokenizer, max_length=64)
    assert [r["id"] for r in dropped.train] == ["short"]
    reasons = {r["id"]: r["reason"] for r in dropped.removed}
    assert reasons == {"long": "over_max_length", "late": "over_max_length"}
    assert "max_length=64" in next(r["detail"] for r in dropped.removed if r["id"] == "long")

    cut = plan_sft(table, tokenizer, max_length=64, over_length="truncate")
    assert [r["id"] for r in cut.train] == ["short", "long"]
    # No assistant token within max_length after truncation: never reaches the trainer.
    assert {r["id"]: r["reason"] for r in cut.removed} == {"late": "no_assistant_tokens_within_max_length"}
    summary = token_summary(cut, 64)["train"]
    assert summary["rows"] == 2 and summary["truncated"] == 1 and summary["tokens"] <= 2 * 64
