"""Analysing texts in worker processes, each holding its own analyzer.

spaCy's ``n_process`` parallelises NER only; the pattern recognizers, context
scoring and person refinement that follow run in the calling process and cost
as much again. A pool of ``policy.workers`` processes runs all of ``find_pii``
on contiguous shares of a batch and returns the findings in input order, so the
result is the same as in-process analysis. Workers start with ``spawn`` (a fork
of a process that runs Prefect's threads can deadlock) and load the model once
each, about 5 s, which pays off from a few thousand texts.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from curate.pii.analyzer import analyzer_for, find_pii
from curate.pii.finding import Finding
from curate.pii.policy import PiiPolicy

_policy: PiiPolicy | None = None


def _start(policy_json: str) -> None:
    global _policy
    _policy = PiiPolicy.model_validate_json(policy_json)
    if _policy.known_names:
        import torch

        torch.set_num_threads(1)  # one core per worker: the pool is the parallelism
    analyzer_for(_policy.model, _policy.extra_patterns, _policy.name_gazetteer)


def _find(texts: list[str]) -> list[list[Finding]]:
    assert _policy is not None, "worker not started"
    analyzer = analyzer_for(_policy.model, _policy.extra_patterns, _policy.name_gazetteer)
    return find_pii(analyzer, texts, _policy)


class AnalyzerPool:
    """``find(texts)`` over ``policy.workers`` processes; use as a context manager."""

    def __init__(self, policy: PiiPolicy) -> None:
        self.workers = policy.workers
        self._executor = ProcessPoolExecutor(
            max_workers=policy.workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start, initargs=(policy.model_copy(update={"workers": 1}).model_dump_json(),))

    def find(self, texts: Sequence[str]) -> list[list[Finding]]:
        size = max(1, -(-len(texts) // self.workers))
        shares = [list(texts[i:i + size]) for i in range(0, len(texts), size)]
        return [doc for share in self._executor.map(_find, shares) for doc in share]

    def __enter__(self) -> AnalyzerPool:
        return self

    def __exit__(self, *exc) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
