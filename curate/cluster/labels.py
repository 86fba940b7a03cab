"""Cluster labels from their most distinctive terms: class-based TF-IDF (c-TF-IDF).

As in BERTopic: all texts of a cluster form one document; a term's weight in a
cluster is its frequency there times ``log(1 + A / f)``, where ``A`` is the mean
number of words per cluster and ``f`` the term's frequency over all clusters.
Terms frequent in one cluster and rare elsewhere win.
"""

from __future__ import annotations

import re

from collections.abc import Sequence

import numpy as np


PLACEHOLDER = re.compile(r"<[A-Z_]+>")


def ctfidf_terms(texts: Sequence[str], labels: Sequence[int], top_n: int = 5) -> dict[int, list[str]]:
    """The ``top_n`` most distinctive terms of each cluster (unigrams and bigrams, English stop words out)."""
    from sklearn.feature_extraction.text import CountVectorizer

    clusters = sorted(set(labels))
    # Redaction placeholders (<PERSON>, <EMAIL_ADDRESS>) say where PII was, not what a cluster is about.
    texts = [PLACEHOLDER.sub(" ", t) for t in texts]
    docs = [" ".join(t for t, lab in zip(texts, labels, strict=True) if lab == c) for c in clusters]
    try:
        vectorizer = CountVectorizer(stop_words="english", ngram_range=(1, 2), min_df=1, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9_+#-]+\b")
        counts = vectorizer.fit_transform(docs).toarray().astype(float)
    except ValueError:  # only stop words or no text at all
        return {c: [] for c in clusters}
    terms = vectorizer.get_feature_names_out()
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    avg_words = counts.sum() / len(clusters)
    idf = np.log(1.0 + avg_words / np.maximum(counts.sum(axis=0), 1.0))
    weights = tf * idf
    out = {}
    for row, c in enumerate(clusters):
        order = np.argsort(-weights[row], kind="stable")
        out[c] = [str(terms[i]) for i in order[:top_n] if weights[row, i] > 0]
    return out
