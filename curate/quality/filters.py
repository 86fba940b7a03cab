"""Quality filters: declared thresholds over signals, each failure a named reason.

A filter is ``signals -> (reason, detail, value) | None``; every filter that is
switched on in the config is checked, so a dry run can say what each one alone
would drop. The first failing filter (in declaration order) is the row's reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import Field

from curate.stage import StageConfig


class QualityThresholds(StageConfig):
    """Drop thresholds; ``None`` switches a filter off."""

    drop_placeholder_answers: bool = Field(True, description="Drop conversations with an empty or placeholder answer ('N/A', '...').")
    drop_refusals: bool = Field(True, description="Drop answers containing a refusal or boilerplate phrase.")
    max_repetition: float | None = Field(0.3, ge=0, le=1, description="Highest share of repeated word n-grams in the answers.")
    languages: tuple[str, ...] | None = Field(None, description="Allowed ISO 639-1 codes, e.g. [en]; None allows any.")
    min_language_prob: float = Field(0.5, ge=0, le=1, description="A language verdict below this probability is not trusted (the row is kept).")
    max_non_printable: float | None = Field(0.01, ge=0, le=1, description="Highest share of control/private-use characters.")
    min_answer_chars: int | None = Field(1, ge=0, description="Fewest characters in the answers.")
    max_tokens: int | None = Field(None, ge=1, description="Most tokens in the whole conversation (tokenizer of score_quality).")
    min_answer_prompt_ratio: float | None = Field(None, ge=0, description="Smallest answer/prompt character ratio.")
    max_answer_prompt_ratio: float | None = Field(None, ge=0, description="Largest answer/prompt character ratio.")
    min_turns: int | None = Field(None, ge=1, description="Fewest user+assistant turns.")


Check = Callable[[dict[str, Any], QualityThresholds], "tuple[str, Any, Any] | None"]
"""A check returns (what was wrong, value seen, threshold) or None."""


def _placeholder(s, t):
    return ("empty or placeholder answer", s["answer_chars"], "not empty") if t.drop_placeholder_answers and s["placeholder_answer"] else None


def _refusal(s, t):
    return ("refusal/boilerplate phrase", s["refusal"], "none") if t.drop_refusals and s["refusal"] else None


def _repetition(s, t):
    return ("repeated n-gram share", s["repetition"], t.max_repetition) if t.max_repetition is not None and s["repetition"] > t.max_repetition else None


def _language(s, t):
    if t.languages is None or s["language_prob"] < t.min_language_prob or s["language"] in t.languages:
        return None
    return ("language", f"{s['language']} (p={s['language_prob']})", list(t.languages))


def _non_printable(s, t):
    return ("non-printable share", s["non_printable"], t.max_non_printable) if t.max_non_printable is not None and s["non_printable"] > t.max_non_printable else None


def _short(s, t):
    return ("answer characters", s["answer_chars"], t.min_answer_chars) if t.min_answer_chars is not None and s["answer_chars"] < t.min_answer_chars else None


def _long(s, t):
    return ("tokens", s["tokens"], t.max_tokens) if t.max_tokens is not None and s["tokens"] > t.max_tokens else None


def _ratio(s, t):
    r = s["answer_prompt_ratio"]
    if t.min_answer_prompt_ratio is not None and r < t.min_answer_prompt_ratio:
        return ("answer/prompt ratio", r, f">= {t.min_answer_prompt_ratio}")
    if t.max_answer_prompt_ratio is not None and r > t.max_answer_prompt_ratio:
        return ("answer/prompt ratio", r, f"<= {t.max_answer_prompt_ratio}")
    return None


def _turns(s, t):
    return ("turns", s["turns"], t.min_turns) if t.min_turns is not None and s["turns"] < t.min_turns else None


FILTERS: dict[str, Check] = {
    "placeholder": _placeholder,
    "refusal": _refusal,
    "repetition": _repetition,
    "language": _language,
    "non_printable": _non_printable,
    "too_short": _short,
    "too_long": _long,
    "ratio": _ratio,
    "turns": _turns,
}
"""Filter name -> check; a drop's reason is ``quality:<name>``."""


def failures(signals: dict[str, Any], thresholds: QualityThresholds) -> list[tuple[str, str]]:
    """Every filter this record fails, as ``(name, detail sentence)``, in declaration order."""
    out = []
    for name, check in FILTERS.items():
        hit = check(signals, thresholds)
        if hit is not None:
            what, value, threshold = hit
            out.append((name, f"{what}: value {value!r}, threshold {threshold!r}"))
    return out
