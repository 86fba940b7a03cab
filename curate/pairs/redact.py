"""Redacting pair sources on read: build_pairs reads its own files after ``redact_pii``.

The flow gives ``build_pairs`` its ``redact_pii`` policy (``pipelines.redaction``),
and everything read from a pair file is redacted with it by the same code as
``redact_pii`` (``curate.pii.batch``) before any guard, output or removed row
sees it:

* a candidate's prompt, chosen and rejected turns are one conversation, so a
  value gets one number across the three (``<PERSON_1>`` in the prompt is
  ``<PERSON_1>`` in both answers) and two different values in the answers never
  become equal; the candidate's source ``meta`` is redacted with it;
* a record that yields no pair keeps its raw line in the removed table: that
  line and the detail are redacted as text (JSON keys and values when it parses).

Duplicate pairs are judged on the *raw* text (``raw_keys``), so redaction never
turns two different pairs into a ``duplicate_pair``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from curate.pairs import guards
from curate.pairs.sources import Candidate
from curate.pii.policy import PiiPolicy
from curate.stage import Progress, no_progress


def redact_candidates(items: Sequence[dict[str, Any]], policy: PiiPolicy,
                      progress: Progress = no_progress) -> list[dict[str, Any]]:
    """New items, each with its candidate redacted and ``raw_key``, the pair key of the raw text."""
    from curate.pii.batch import redact_in_shards  # loads presidio only when a flow redacts

    candidates: list[Candidate] = [item["candidate"] for item in items]
    conversations = [[*c.prompt, *c.chosen, *c.rejected] for c in candidates]
    redacted = redact_in_shards(conversations, policy, [c.meta for c in candidates], progress,
                                description="build_pairs redact")
    out = []
    for item, c, red in zip(items, candidates, redacted, strict=True):
        p, ch = len(c.prompt), len(c.prompt) + len(c.chosen)
        new = replace(c, prompt=red.messages[:p], chosen=red.messages[p:ch], rejected=red.messages[ch:], meta=red.meta)
        out.append({**item, "candidate": new, "raw_key": guards.pair_key(c.prompt, c.chosen, c.rejected)})
    return out


def redact_removed(rows: Sequence[dict[str, Any]], policy: PiiPolicy, progress: Progress = no_progress) -> list[dict[str, Any]]:
    """New removed rows whose ``record`` (a raw line) and ``detail`` are redacted."""
    from curate.pii.batch import redact_in_shards

    texts = [{"record": r.get("record") or "", "detail": r.get("detail") or ""} for r in rows]
    redacted = redact_in_shards([[] for _ in rows], policy, texts, progress, description="build_pairs redact removed")
    return [{**r, "record": red.meta["record"], "detail": red.meta["detail"]} for r, red in zip(rows, redacted, strict=True)]
