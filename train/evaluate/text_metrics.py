"""Scores of a generated answer against the reference: ROUGE-L, exact match, format.

ROUGE-L comes from Google's ``rouge-score`` package (the reference
implementation, LCS-based F-measure); exact match compares after whitespace
normalisation; the format check asks, when the reference is JSON, whether the
answer is JSON too (a fenced ```json block counts).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

_FENCE = re.compile(r"^```[a-zA-Z0-9_-]*\s*\n?(.*?)\n?```$", re.S)
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F-measure (0..1); 0 when either side has no word tokens."""
    return float(_scorer().score(reference, prediction)["rougeL"].fmeasure)


def exact_match(prediction: str, reference: str) -> bool:
    return _SPACE.sub(" ", prediction).strip() == _SPACE.sub(" ", reference).strip()


def _unfenced(text: str) -> str:
    text = text.strip()
    match = _FENCE.match(text)
    return match.group(1).strip() if match else text


def _is_json(text: str) -> bool:
    candidate = _unfenced(text)
    if not candidate or candidate[0] not in "[{":
        return False  # a bare number or word parses as JSON but is no structured answer
    try:
        json.loads(candidate)
    except ValueError:
        return False
    return True


def reference_format(reference: str) -> str | None:
    """The format a reference answer has, when it has one we can check: ``"json"`` or None."""
    return "json" if _is_json(reference) else None


def format_ok(prediction: str, fmt: str | None) -> bool | None:
    """Whether the prediction has the reference's format; None when there is nothing to check."""
    if fmt is None:
        return None
    if fmt == "json":
        return _is_json(prediction)
    raise ValueError(f"unknown format {fmt!r}")
