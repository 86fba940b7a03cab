"""k-means on embedding vectors, with k given or chosen by silhouette.

scikit-learn's KMeans (k-means++, several seeded restarts) on L2-normalised
vectors: on unit vectors squared Euclidean distance is 2 - 2 cos, so this is
spherical-ish k-means, the usual choice for sentence embeddings.
"""

from __future__ import annotations

from collections.abc import Sequence
import numpy as np

from curate.embed.aligned import SampledVectors


def seeded_positions(n: int, size: int, seed: int) -> np.ndarray:
    """``size`` of the positions ``0..n-1`` (all where ``n <= size``), seeded, in position order: the
    rows a step fits or labels on when there are more than it needs."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


def fit_positions(n: int, k: int, seed: int, sample: int | None) -> np.ndarray:
    """The rows the centroids of ``k`` clusters are fitted on: all, or a seeded ``sample`` of them
    (never fewer than ``k``)."""
    return np.arange(n) if sample is None else seeded_positions(n, max(sample, k), seed)


def silhouette_positions(n: int, sample: int, seed: int) -> np.ndarray:
    """The rows a candidate k's silhouette is scored on (scikit-learn's own seeded choice for ``sample_size``)."""
    from sklearn.utils import check_random_state

    return check_random_state(seed).permutation(n)[:min(sample, n)]


def wanted_positions(n: int, ks: Sequence[int], seed: int, fit_sample: int | None, silhouette_sample: int | None) -> np.ndarray:
    """Every row whose vector fitting each of ``ks`` (and scoring it, with a ``silhouette_sample``) reads."""
    wanted = [fit_positions(n, max(1, min(k, n)), seed, fit_sample) for k in ks]
    if silhouette_sample is not None:
        wanted.append(silhouette_positions(n, silhouette_sample, seed))
    return np.unique(np.concatenate(wanted)) if wanted else np.arange(0)


def fit_centroids(sampled: SampledVectors, k: int, seed: int, n_init: int = 4, sample: int | None = None):
    """A k-means model (scikit-learn's ``KMeans``) fitted on the ``fit_positions`` rows: fitting
    costs ``n_init`` restarts of many passes over its rows, assigning every row after it one pass."""
    from sklearn.cluster import KMeans

    k = max(1, min(k, sampled.n))
    return KMeans(n_clusters=k, random_state=seed, n_init=n_init).fit(sampled.at(fit_positions(sampled.n, k, seed, sample)))


def by_size(labels: np.ndarray, k: int) -> np.ndarray:
    """Labels renumbered by decreasing cluster size (ties by label), so that labels are stable and readable."""
    sizes = np.bincount(labels, minlength=k)
    order = sorted(range(k), key=lambda c: (-sizes[c], c))
    remap = np.empty(k, dtype=int)
    remap[order] = np.arange(k)
    return remap[labels]


def fit_kmeans(vectors: np.ndarray, k: int, seed: int, n_init: int = 4, sample: int | None = None) -> np.ndarray:
    """Cluster labels 0..k-1 of vectors held in memory, by size (``by_size``); centroids fitted on a
    seeded ``sample`` of the rows where given, every row assigned to its nearest."""
    held = SampledVectors(len(vectors), np.arange(len(vectors)), vectors)
    model = fit_centroids(held, k, seed, n_init, sample)
    return by_size(model.predict(vectors), model.n_clusters)


def candidate_ks(candidates: Sequence[int], n: int) -> list[int]:
    """The candidate k a silhouette can score on ``n`` rows: at least 2 clusters, fewer than the rows."""
    return [k for k in candidates if 2 <= k < n]


def choose_k(sampled: SampledVectors, candidates: Sequence[int], seed: int, sample: int = 2000,
             fit_sample: int | None = None) -> tuple[int, dict[int, float]]:
    """The candidate k with the best silhouette (cosine) on ``silhouette_positions``, each candidate's
    centroids fitted as ``fit_centroids`` fits them; ``sampled`` holds at least ``wanted_positions``."""
    from sklearn.metrics import silhouette_score

    n = sampled.n
    valid = candidate_ks(candidates, n)
    if not valid:
        return max(1, min(n, 1)), {}
    scored = silhouette_positions(n, sample, seed)
    vectors = sampled.at(scored)
    scores = {}
    for k in valid:
        labels = fit_centroids(sampled, k, seed, sample=fit_sample).predict(vectors)
        scores[k] = float(silhouette_score(vectors, labels, metric="cosine"))
    best = max(scores, key=lambda k: (scores[k], -k))
    return best, {k: round(v, 4) for k, v in scores.items()}
