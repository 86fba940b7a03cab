"""Redacting many conversations with one policy: shards, the worker pool, progress.

Every stage that can hold text from a source redacts through here, so the same
code and the same policy apply wherever text enters after ``redact_pii``: the
``redact_pii`` stage itself and ``build_pairs``, which reads its own files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from typing import Any

from curate.pii.analyzer import analyzer_for, find_pii
from curate.pii.finding import Finding
from curate.pii.policy import PiiPolicy
from curate.pii.pool import AnalyzerPool
from curate.pii.redact import RedactedConversation, redact_conversations
from curate.stage import Progress, no_progress

SHARD_ROWS = 256  # conversations per find_pii batch: bounds memory, gives progress ticks

Find = Callable[[Sequence[str]], list[list[Finding]]]


def redact_in_shards(
    conversations: Sequence[Sequence[Mapping[str, Any]]],
    policy: PiiPolicy,
    metas: Sequence[Mapping[str, Any]] | None = None,
    progress: Progress = no_progress,
    description: str = "redact_pii",
    find: Find | None = None,
) -> Iterator[RedactedConversation]:
    """A ``RedactedConversation`` for each conversation, in order, a shard per progress tick.

    Shards go through a process pool when ``policy.workers`` > 1; ``find`` replaces
    the analyzer (a caller that keeps a warm pool across calls passes its ``find``)."""
    metas = list(metas) if metas is not None else [{}] * len(conversations)
    size = SHARD_ROWS * policy.workers
    starts = range(0, len(conversations), size)
    if not starts:
        return
    with AnalyzerPool(policy) if find is None and policy.workers > 1 else nullcontext() as pool:
        if find is None:
            if pool is not None:
                find = pool.find
            else:
                analyzer = analyzer_for(policy.model, policy.extra_patterns, policy.name_gazetteer)

                def find(texts: Sequence[str]) -> list[list[Finding]]:
                    return find_pii(analyzer, texts, policy)
        for i in progress(starts, total=len(starts), description=description):
            yield from redact_conversations(conversations[i:i + size], find, policy, metas[i:i + size])
