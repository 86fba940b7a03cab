"""Cluster labels name what a cluster is about in any script: Chinese rows get
Chinese terms (two-character words), not Latin fragments or nothing."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest

from curate.cluster.labels import ctfidf_terms, label_terms
from curate.cluster.stage import Cluster, ClusterConfig
from curate.script import is_cjk
from curate.stage import StageContext
from schemas import embeddings_schema
from tests.conftest import conversation, conversations_table


@pytest.fixture
def code_and_poems(shared_datasets) -> tuple[list[str], list[str]]:
    """Six real Chinese prompts about code (代码) and six about poems (诗), as published."""
    rows = json.loads((shared_datasets / "real/alpaca_zh/alpaca_zh_demo.json").read_text())
    prompts = [r["instruction"] + "\n" + r["input"] for r in rows]
    return [p for p in prompts if "代码" in p][:6], [p for p in prompts if "诗" in p][:6]


def test_chinese_clusters_are_labelled_with_chinese_words(code_and_poems):
    code, poems = code_and_poems
    terms = ctfidf_terms(code + poems, [0] * 6 + [1] * 6, top_n=4)
    assert "代码" in terms[0]
    assert len(terms[1]) == 4 and all(is_cjk(t) for t in terms[1])
    assert any("诗" in t for t in terms[1])


def test_the_cluster_stage_writes_chinese_labels_into_meta(code_and_poems):
    code, poems = code_and_poems
    rows = [conversation(f"r{i}", p, "好的。") for i, p in enumerate(code + poems)]
    vectors = np.array([[1.0, 0.0]] * 6 + [[0.0, 1.0]] * 6, dtype=np.float32)  # the two topics, planted
    embeddings = pa.Table.from_pylist([{"id": r["id"], "vector": v.tolist()} for r, v in zip(rows, vectors, strict=True)],
                                      schema=embeddings_schema(2))
    result = Cluster().run({"records": conversations_table(rows), "embeddings": embeddings}, ClusterConfig(k=2), StageContext())
    labels = {json.loads(m)["cluster_label"] for m in result.kept.column("meta").to_pylist()}
    assert any("代码" in label for label in labels) and any("诗" in label for label in labels)


def test_terms_are_words_in_spaced_scripts_and_bigrams_in_cjk():
    assert label_terms("Sort a list in Python.") == ["sort", "list", "python"]
    assert label_terms("Python decorators") == ["python", "decorators", "python decorators"]
    # function characters (的, 一, 个) make no term; punctuation ends a term
    assert label_terms("写一个函数，翻译的文本") == ["函数", "翻译", "文本"]
    # no term spans two scripts; every CJK bigram is a candidate, and c-TF-IDF weighs which are topic words
    assert label_terms("用Python写代码") == ["python", "写代", "代码"]


def test_overlapping_bigrams_of_one_longer_word_become_that_word():
    texts = ["人工智能的未来", "人工智能与医疗", "人工智能写诗", "天气预报明天", "明天下雨", "天气很好"]
    terms = ctfidf_terms(texts, [0, 0, 0, 1, 1, 1], top_n=2)
    assert terms[0][0] == "人工智能"
