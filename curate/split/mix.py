"""General-data mixing: how many general rows to add to train, and which.

A share of general (non-domain) conversations in train guards against
forgetting. Only train receives them; a general row whose prompt shares an
n-gram with a validation or test prompt, or whose id is already in the set,
is never a candidate, so mixing cannot contaminate the held-out splits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def general_rows_needed(train_rows: int, fraction: float) -> int:
    """Rows to add so that general data makes ``fraction`` of the final train split."""
    if fraction <= 0:
        return 0
    return int(round(train_rows * fraction / (1.0 - fraction)))


def choose_general(candidates: Sequence[str], wanted: int, seed: int) -> list[int]:
    """Indices of ``wanted`` candidates (all when fewer), a seeded sample in candidate order."""
    if wanted >= len(candidates):
        return list(range(len(candidates)))
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(len(candidates), size=wanted, replace=False).tolist())
