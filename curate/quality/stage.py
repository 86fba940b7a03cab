"""``score_quality`` and ``filter_quality``: the quality scorers applied to tables.

Signals go into ``meta.quality`` rather than new columns so that every later
stage still reads plain ``CONVERSATION`` rows; the card summarises them.
``filter_quality`` drops by the thresholds declared in flows.yaml, each drop
with its reason (``quality:<filter>``) and a detail naming value and threshold;
``dry_run`` keeps every row and reports what each filter would have dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import Field

from curate import meta as metajson
from curate.quality.filters import FILTERS, QualityThresholds, failures
from curate.quality.signals import REFUSAL_PHRASES, hf_token_counter, regex_tokens, score_conversation
from curate.stage import Stage, StageConfig, StageContext, StageResult, removed_table
from schemas import CONVERSATION

SUMMARISED = ("chars", "words", "tokens", "turns", "answer_prompt_ratio", "repetition", "non_printable", "score")


class ScoreConfig(StageConfig):
    tokenizer: str = Field("regex", description="'regex' (words and punctuation, no model) or a local Hugging Face tokenizer folder/name, loaded offline.")
    ngram: int = Field(3, ge=1, le=32, description="n of the word n-grams whose repetition is measured (mostly-CJK text: characters, n scaled to 5 for 3).")
    extra_phrases: tuple[str, ...] = Field((), description="More refusal/boilerplate phrases (matched case-insensitively).")


def _scorer(config: ScoreConfig):
    count = regex_tokens if config.tokenizer == "regex" else hf_token_counter(config.tokenizer)
    phrases = REFUSAL_PHRASES + tuple(p.casefold() for p in config.extra_phrases)
    return lambda messages: score_conversation(messages, count_tokens=count, ngram=config.ngram, phrases=phrases)


def summarise(signals: list[dict[str, Any]]) -> dict[str, Any]:
    """Quantiles of numeric signals, languages and flag counts, for metrics and the card."""
    if not signals:
        return {}
    out: dict[str, Any] = {}
    for key in SUMMARISED:
        values = np.array([s[key] for s in signals], dtype=float)
        p5, p50, p95 = np.percentile(values, [5, 50, 95])
        out[key] = {"mean": round(float(values.mean()), 4), "p5": round(float(p5), 4), "p50": round(float(p50), 4),
                    "p95": round(float(p95), 4), "max": round(float(values.max()), 4)}
    out["languages"] = dict(Counter(s["language"] for s in signals).most_common(10))
    out["refusals"] = sum(1 for s in signals if s["refusal"])
    out["placeholder_answers"] = sum(1 for s in signals if s["placeholder_answer"])
    return out


def _summary_card(summary: dict[str, Any]) -> str:
    if not summary:
        return ""
    lines = ["### Quality signals", "", "| signal | mean | p5 | p50 | p95 | max |", "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {k} | {v['mean']} | {v['p5']} | {v['p50']} | {v['p95']} | {v['max']} |" for k, v in summary.items() if isinstance(v, dict) and "mean" in v]
    return "\n".join(lines) + "\n"


class ScoreQuality(Stage):
    name = "score_quality"
    version = "4"  # 4: repetition counts phrases said 3+ times (an echo is not a loop)
    Config = ScoreConfig
    row_local = True
    output_schema = CONVERSATION

    def run(self, inputs: Mapping[str, pa.Table], config: ScoreConfig, ctx: StageContext) -> StageResult:
        table = inputs["records"]
        score = _scorer(config)
        messages = table.column("messages").to_pylist()
        signals = [score(m) for m in ctx.progress(messages, total=len(messages), description="score_quality")]
        summary = summarise(signals)
        kept = metajson.with_updates(table, [{"quality": s} for s in signals])
        return StageResult(kept=kept, removed=removed_table([]), metrics={"tokenizer": config.tokenizer, "signals": summary},
                           card=_summary_card(summary))


class FilterConfig(QualityThresholds):
    dry_run: bool = Field(False, description="Keep every row; only report what each filter would drop.")


class FilterQuality(Stage):
    name = "filter_quality"
    version = "3"  # 3: rows not scored upstream are scored as score_quality 4 scores them
    Config = FilterConfig
    row_local = True
    output_schema = CONVERSATION

    def run(self, inputs: Mapping[str, pa.Table], config: FilterConfig, ctx: StageContext) -> StageResult:
        table = inputs["records"]
        default_score = _scorer(ScoreConfig())
        rows = table.select(["id", "messages", "meta"]).to_pylist()
        would_drop: Counter[str] = Counter()
        removed, keep, scored_here, failing = [], [], 0, 0
        for row in ctx.progress(rows, total=len(rows), description="filter_quality"):
            signals = metajson.parse(row["meta"]).get("quality")
            if not signals:  # not scored upstream: score with the defaults, and say so in the metrics
                signals, scored_here = default_score(row["messages"]), scored_here + 1
            failed = failures(signals, config)
            would_drop.update(name for name, _ in failed)
            failing += bool(failed)
            if failed and not config.dry_run:
                name, detail = failed[0]
                also = f"; also fails {', '.join(n for n, _ in failed[1:])}" if len(failed) > 1 else ""
                removed.append({"id": row["id"], "stage": self.name, "reason": f"quality:{name}", "detail": detail + also,
                                "score": signals.get("score")})
            keep.append(not failed or config.dry_run)
        metrics = {
            "dry_run": config.dry_run,
            "would_drop_by_filter": {f"quality:{k}": would_drop.get(k, 0) for k in FILTERS},
            "would_drop_any": failing,
            "scored_here": scored_here,
        }
        card = "### Quality filters" + (" (dry run: nothing dropped)" if config.dry_run else "") + "\n\n| filter | would drop |\n|---|---:|\n"
        card += "\n".join(f"| `quality:{k}` | {would_drop.get(k, 0)} |" for k in FILTERS) + "\n"
        return StageResult(kept=table.filter(pa.array(keep, pa.bool_())), removed=removed_table(removed, source=table),
                           metrics=metrics, card=card)

