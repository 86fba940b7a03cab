"""Mean +- sd over seeds, and the paired difference of two arms with a t interval.

Runs of two arms with the same seed share everything but their training rows
(initialisation of the LoRA weights, order of batches), so the difference per
seed removes the seed's share of the noise; its mean with a Student t interval
over the seeds says whether an arm beats the baseline by more than the seeds
disagree. Pure functions on lists of floats, so the arithmetic is tested on
numbers worked out by hand.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Spread:
    n: int
    mean: float
    sd: float | None
    """Sample standard deviation (n - 1); None with one value."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PairedDifference:
    """``baseline - arm`` per seed (for a loss: above zero, the arm is better)."""

    n: int
    mean: float
    sd: float | None
    low: float | None
    high: float | None
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def spread(values: Sequence[float]) -> Spread:
    if not values:
        raise ValueError("no values to summarise")
    return Spread(len(values), statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else None)


def paired_difference(baseline: Sequence[float], arm: Sequence[float], confidence: float = 0.95) -> PairedDifference:
    """Mean of ``baseline[i] - arm[i]`` with a two-sided ``confidence`` t interval (n - 1 degrees
    of freedom); the interval is None below two pairs, where it does not exist."""
    from scipy import stats

    if len(baseline) != len(arm):
        raise ValueError(f"paired values need one per seed on both sides, got {len(baseline)} and {len(arm)}")
    d = spread([b - a for b, a in zip(baseline, arm)])
    if d.sd is None:
        return PairedDifference(d.n, d.mean, None, None, None, confidence)
    half = stats.t.ppf(0.5 + confidence / 2, d.n - 1) * d.sd / math.sqrt(d.n)
    return PairedDifference(d.n, d.mean, d.sd, d.mean - half, d.mean + half, confidence)
