"""Cluster labels from their most distinctive terms: class-based TF-IDF (c-TF-IDF).

As in BERTopic: all texts of a cluster form one document; a term's weight in a
cluster is its frequency there times ``log(1 + A / f)``, where ``A`` is the mean
number of terms per cluster and ``f`` the term's frequency over all clusters.
Terms frequent in one cluster and rare elsewhere win.

Terms come from ``curate.script.tokens``, so labels work in every script: an
ASCII-only token pattern sees nothing in Chinese but stray Latin fragments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from curate.script import CJK_CHAR, tokens

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*>")  # <PERSON>, <PERSON_1>: redaction placeholders are not topics
_PUNCTUATION = re.compile(r"[^\w\s]+")

CJK_FUNCTION_CHARS = frozenset("的了是在和与或及并而也都就这那个我你他她它们吗呢吧啊之其为以于把被将对从给一二三四五六七八九十")
"""Particles, pronouns, prepositions and numerals: a CJK bigram holding one
("的一", "出三" in "列出三个") is grammar or counting, not topic, the way English
stop words are."""
MERGE_SHARE = 0.5
"""Two top CJK bigrams that overlap ("工智" and "智能") become one term ("工智能")
when the longer string occurs at least this share as often as the rarer bigram:
they were two halves of one longer word ("人工智能")."""


def label_terms(text: str) -> list[str]:
    """The candidate label terms of one text, in order.

    Spaced scripts: words of two or more characters starting with a letter, not
    an English stop word, and bigrams of such neighbours. CJK: bigrams of
    neighbouring characters without a function character, since most Chinese
    words are two characters and single characters are mostly grammar. No term
    spans punctuation.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    out: list[str] = []
    for phrase in _PUNCTUATION.split(PLACEHOLDER.sub(" , ", text)):
        previous: str | None = None
        for token in tokens(phrase):
            if CJK_CHAR.fullmatch(token):
                if previous and CJK_CHAR.fullmatch(previous) and not CJK_FUNCTION_CHARS & {previous, token}:
                    out.append(previous + token)
                previous = token
                continue
            keep = len(token) > 1 and token[0].isalpha() and token not in ENGLISH_STOP_WORDS
            if keep:
                out.append(token)
                if previous and not CJK_CHAR.fullmatch(previous):
                    out.append(f"{previous} {token}")
            previous = token if keep else None
    return out


def ctfidf_terms(texts: Sequence[str], labels: Sequence[int], top_n: int = 5) -> dict[int, list[str]]:
    """The ``top_n`` most distinctive terms of each cluster (see ``label_terms``).

    Redaction placeholders (<PERSON>, <EMAIL_ADDRESS>) say where PII was, not
    what a cluster is about: they are cut out before terms are taken."""
    from sklearn.feature_extraction.text import CountVectorizer

    clusters = sorted(set(labels))
    terms_of = [label_terms(t) for t in texts]
    docs = [[term for terms, lab in zip(terms_of, labels, strict=True) if lab == c for term in terms] for c in clusters]
    try:
        vectorizer = CountVectorizer(analyzer=lambda doc: doc)
        counts = vectorizer.fit_transform(docs).toarray().astype(float)
    except ValueError:  # only stop words or no text at all
        return {c: [] for c in clusters}
    vocabulary = vectorizer.get_feature_names_out()
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    avg_terms = counts.sum() / len(clusters)
    idf = np.log(1.0 + avg_terms / np.maximum(counts.sum(axis=0), 1.0))
    weights = tf * idf
    out = {}
    for row, c in enumerate(clusters):
        order = np.argsort(-weights[row], kind="stable")
        ranked = [str(vocabulary[i]) for i in order if weights[row, i] > 0]
        joined = "\n".join(t for t, lab in zip(texts, labels, strict=True) if lab == c).lower()
        out[c] = _merged(ranked, joined, top_n)
    return out


def _merged(ranked: list[str], text: str, top_n: int) -> list[str]:
    """The first ``top_n`` terms of ``ranked``, overlapping CJK bigrams joined
    into the longer word they come from (see ``MERGE_SHARE``)."""
    chosen: list[str] = []
    for term in ranked:
        if len(chosen) == top_n:
            break
        for i, other in enumerate(chosen):
            if not (CJK_CHAR.match(term) and CJK_CHAR.match(other)):
                continue
            longer = other + term[1:] if other[-1] == term[0] else term + other[1:] if term[-1] == other[0] else None
            if longer and text.count(longer) >= MERGE_SHARE * min(text.count(term), text.count(other)):
                chosen[i] = longer
                break
        else:
            chosen.append(term)
    return chosen
