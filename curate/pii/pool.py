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
from curate.pii.context_model import preload as preload_context_model
from curate.pii.finding import Finding
from curate.pii.notability import preload
from curate.pii.policy import PiiPolicy

_policy: PiiPolicy | None = None


def _start(policy_json: str) -> None:
    global _policy
    _policy = PiiPolicy.model_validate_json(policy_json)
    import torch

    torch.set_num_threads(1)  # one core per worker (the fame and context models read it): the pool is the parallelism
    if _policy.known_names:
        preload(_policy.known_names)
    if _policy.reads_context:
        preload_context_model()
    analyzer_for(_policy.model, _policy.extra_patterns, _policy.name_gazetteer)


def _find(texts: list[str]) -> list[list[Finding]]:
    assert _policy is not None, "worker not started"
    analyzer = analyzer_for(_policy.model, _policy.extra_patterns, _policy.name_gazetteer)
    return find_pii(analyzer, texts, _policy)


def shares(texts: Sequence[str], count: int) -> list[list[str]]:
    """``texts`` cut into at most ``count`` contiguous shares of about equal characters: analysis time
    follows length, so equal numbers of texts leave a worker waiting (lima's texts cut in two halves by
    count hold 1.06M and 1.81M characters)."""
    total = sum(len(t) for t in texts)
    bounds, seen = [0], 0
    for i, text in enumerate(texts):
        before, seen = seen, seen + len(text)
        while len(bounds) < count and seen >= (target := total * len(bounds) / count):
            # cut before this text where that lands nearer the target (a long text opens the next share)
            bounds.append(i if i > bounds[-1] and target - before < seen - target else i + 1)
    bounds.append(len(texts))
    return [list(texts[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a]


class AnalyzerPool:
    """``find(texts)`` over ``policy.workers`` processes; use as a context manager."""

    def __init__(self, policy: PiiPolicy) -> None:
        self.workers = policy.workers
        self._executor = ProcessPoolExecutor(
            max_workers=policy.workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start, initargs=(policy.model_copy(update={"workers": 1}).model_dump_json(),))

    def find(self, texts: Sequence[str]) -> list[list[Finding]]:
        return [doc for share in self._executor.map(_find, shares(texts, self.workers)) for doc in share]

    def __enter__(self) -> AnalyzerPool:
        return self

    def __exit__(self, *exc) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
