"""k-means on embedding vectors, with k given or chosen by silhouette.

scikit-learn's KMeans (k-means++, several seeded restarts) on L2-normalised
vectors: on unit vectors squared Euclidean distance is 2 - 2 cos, so this is
spherical-ish k-means, the usual choice for sentence embeddings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def seeded_positions(n: int, size: int, seed: int) -> np.ndarray:
    """``size`` of the positions ``0..n-1`` (all where ``n <= size``), seeded, in position order: the
    rows a step fits or labels on when there are more than it needs."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


def fit_kmeans(vectors: np.ndarray, k: int, seed: int, n_init: int = 4, sample: int | None = None) -> np.ndarray:
    """Cluster labels 0..k-1, renumbered by decreasing cluster size so that labels are stable and readable.

    With ``sample`` smaller than the rows, the centroids are fitted on a seeded sample of that many
    rows and every row is assigned to its nearest one: fitting costs ``n_init`` restarts of many
    passes over the rows, assigning one pass."""
    from sklearn.cluster import KMeans

    k = max(1, min(k, len(vectors)))
    model = KMeans(n_clusters=k, random_state=seed, n_init=n_init)
    if sample is None or len(vectors) <= max(sample, k):
        labels = model.fit_predict(vectors)
    else:
        labels = model.fit(vectors[seeded_positions(len(vectors), max(sample, k), seed)]).predict(vectors)
    sizes = np.bincount(labels, minlength=k)
    order = sorted(range(k), key=lambda c: (-sizes[c], c))
    remap = np.empty(k, dtype=int)
    remap[order] = np.arange(k)
    return remap[labels]


def choose_k(vectors: np.ndarray, candidates: Sequence[int], seed: int, sample: int = 2000,
             fit_sample: int | None = None) -> tuple[int, dict[int, float]]:
    """The candidate k with the best silhouette (cosine), on a seeded sample of at most ``sample`` rows;
    each candidate fitted as ``fit_kmeans`` fits (on ``fit_sample`` rows where given)."""
    from sklearn.metrics import silhouette_score

    n = len(vectors)
    valid = [k for k in candidates if 2 <= k < n]
    if not valid:
        return max(1, min(n, 1)), {}
    scores = {}
    for k in valid:
        labels = fit_kmeans(vectors, k, seed, sample=fit_sample)
        scores[k] = float(silhouette_score(vectors, labels, metric="cosine", sample_size=min(sample, n), random_state=seed))
    best = max(scores, key=lambda k: (scores[k], -k))
    return best, {k: round(v, 4) for k, v in scores.items()}
