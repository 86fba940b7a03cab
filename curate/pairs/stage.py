"""``build_pairs``: raw preference data in, guarded DPO pairs with a split out.

Input ``split`` is the split stage's artifact (``SPLIT_CONVERSATION``): a pair
whose prompt (normalised first user turn) is in it inherits that split, so no
pair of a prompt crosses train and test; other prompts get a seeded hash of
the same key. Raw pair files are read like ingest reads them (and declared
through ``external_inputs`` so changed bytes make a new artifact). Optionally,
conversations in the split input that share a prompt and carry a numeric
rating in ``meta`` become ranked pairs too.

Rows in are *candidate pairs*: an HH/ShareGPT/trl record is one candidate, a
ranked record (OpenAssistant tree, ratings list) is as many as its ranking
strategy yields, and a record that yields none (unreadable, unparseable, no
ranked siblings) counts as one row, removed with its reason. So
``rows_in = kept + removed`` holds with every raw record accounted for. A step
that keeps no pair raises ``NoPairsKept`` with the removals counted by reason.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
from pydantic import Field, model_validator

from curate import meta as metajson
from curate.views import normalise_for_match, view_text
from curate.ingest.describe import describe, keys_of
from curate.ingest.sources import RAW_KEEP, ROOT_DOC, dataset_name, empty_file, expand, quarantine_row, sampled, source_files
from curate.pairs import guards
from curate.pairs.redact import redact_candidates, redact_removed
from curate.pairs.sources import ADAPTERS, FORMATS, Candidate, Strategy, detect, ranked_pairs
from curate.pii.policy import PiiPolicy
from curate.stage import EXECUTION, Stage, StageConfig, StageContext, StageFailed, StageResult, removed_table
from schemas import RecordError, SPLIT_NAMES
from schemas.records import PREFERENCE_PAIR_SPLIT


class NoPairsKept(StageFailed):
    """The step kept no pair: a DPO step downstream would train on nothing, so the run stops and says why."""


def _nothing_kept(candidates: int, files: list[dict], by_reason: Mapping[str, int]) -> str:
    reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(by_reason.items(), key=lambda kv: -kv[1])) or "none"
    formats = ", ".join(f"{f['file']} as {f['format']}" for f in files) or "no source files"
    return (f"build_pairs kept 0 pairs from {candidates} candidates (read {formats}); removed by reason: {reasons}. "
            "Check each source's format and min_margin, and the removed rows' details.")


class PairSource(StageConfig):
    path: str = Field(description="A file or a glob of raw pair records (json, jsonl, jsonl.gz, parquet), relative to the directory of flows.yaml.")
    name: str | None = Field(None, description="Source name in the output; defaults to the file name without suffix.")
    format: Literal["auto", "hh", "sharegpt", "trl", "oasst", "ranked", "alpaca", "pairwise"] = Field("auto", description="Record layout; auto looks at the first records' keys.")
    min_margin: float | None = Field(None, ge=0, description="Minimum rating gap for this source (its own scale); defaults to the stage's min_margin.")


class BuildPairsConfig(StageConfig):
    sources: tuple[PairSource, ...] = Field((), description="Raw preference files: HH-RLHF, ShareGPT chosen/rejected (turns or strings), trl prompt/chosen/rejected, OpenAssistant trees, ranked lists, Alpaca ranked outputs, pairwise judge annotations.")
    ratings_key: str | None = Field(None, description="Dotted meta key of a numeric rating: conversations in the split input with the same prompt become ranked pairs.")
    pairs_per_prompt: Strategy = Field("best_vs_worst", description="Ranked sources: one pair per prompt (best_vs_worst), the best against each other answer (best_vs_rest), or every two answers (all).")
    min_margin: float = Field(0.0, ge=0, description="Pairs with a rating gap below this are dropped (margin_below_min); equal ratings are always dropped (tie).")
    ratios: dict[Literal["train", "validation", "test"], float] = Field(
        default_factory=lambda: {"train": 0.8, "validation": 0.1, "test": 0.1},
        description="Split shares for prompts the split input does not hold (seeded hash of the normalised first user turn).")
    seed: int = Field(0, description="Seed of that hash.")
    max_chosen_longer_share: float | None = Field(None, gt=0, le=1, description="Length balancing, per source: drop the pairs with the largest chosen/rejected length ratio until at most this share has the longer chosen answer; None reports only.")
    root: str = Field("", json_schema_extra=EXECUTION, description=ROOT_DOC)
    redact: PiiPolicy | None = Field(None, description="The flow's redact_pii policy, given by the flow when the split input is redacted (pipelines/redaction.py): everything read from the sources is redacted on read with it. Leave it out; a different policy is a config error.")

    @model_validator(mode="after")
    def _something_to_read(self):
        if not self.sources and self.ratings_key is None:
            raise ValueError("give at least one source or a ratings_key")
        if sum(self.ratios.values()) <= 0 or any(v < 0 for v in self.ratios.values()):
            raise ValueError(f"ratios must be non-negative and not all zero (got {self.ratios})")
        return self


class BuildPairs(Stage):
    name = "build_pairs"
    version = "3"
    Config = BuildPairsConfig
    inputs = ("split",)
    output_schema = PREFERENCE_PAIR_SPLIT

    def external_inputs(self, config: BuildPairsConfig) -> list[dict[str, Any]]:
        return source_files(config.sources, config.root)

    def run(self, inputs: Mapping[str, pa.Table], config: BuildPairsConfig, ctx: StageContext) -> StageResult:
        split_table = inputs["split"]
        index = guards.split_index(
            [view_text(m, "first_user") for m in split_table.column("messages").to_pylist()],
            split_table.column("split").to_pylist())
        candidates: list[dict] = []  # {source, ref, candidate} in input order
        removed: list[dict] = []
        files: list[dict] = []
        for source in config.sources:
            for path in expand(source, config.root):
                files.append(self._read_file(path, source, config, candidates, removed, ctx))
        if config.redact is not None:  # before any guard, output or removed row sees the text
            candidates = redact_candidates(candidates, config.redact, ctx.progress)
            removed = redact_removed(removed, config.redact, ctx.progress)
        rated = self._from_split(split_table, config, candidates) if config.ratings_key else {}

        kept, seen_exact, first_of = [], Counter(), {}
        for item in ctx.progress(candidates, total=len(candidates), description="build_pairs guards"):
            c: Candidate = item["candidate"]
            exact = guards.pair_id(c.prompt, c.chosen, c.rejected)
            pid = guards.pair_id(c.prompt, c.chosen, c.rejected, seen_exact[exact])
            seen_exact[exact] += 1
            record = json.dumps({"prompt": c.prompt, "chosen": c.chosen, "rejected": c.rejected, "margin": c.margin}, ensure_ascii=False)
            base = {"id": pid, "stage": self.name, "source_ref": item["ref"], "record": record[:RAW_KEEP * 4]}
            failed = guards.check_pair(c.prompt, c.chosen, c.rejected, c.margin, item["min_margin"])
            if failed:
                removed.append({**base, "reason": failed[0], "detail": f"{item['ref']}: {failed[1]}", "score": c.margin, "_source": item["source"]})
                continue
            key = item.get("raw_key") or guards.pair_key(c.prompt, c.chosen, c.rejected)  # raw: redaction makes no duplicate
            if key in first_of:
                removed.append({**base, "reason": "duplicate_pair", "duplicate_of": first_of[key],
                                "detail": f"{item['ref']}: same normalised prompt, chosen and rejected as {first_of[key]}", "_source": item["source"]})
                continue
            first_of[key] = pid
            pkey = guards.prompt_key(c.prompt)
            inherited = index.get(pkey)
            kept.append({
                "id": pid, "prompt": c.prompt, "chosen": c.chosen, "rejected": c.rejected, "margin": c.margin,
                "source": item["source"], "source_ref": item["ref"],
                "meta": metajson.dump({**c.meta, "split_from": "split" if inherited else "hash"}),
                "split": inherited or guards.hashed_split(pkey, config.ratios, config.seed),
            })

        lengths = [(len(guards.answer_text(r["chosen"])), len(guards.answer_text(r["rejected"]))) for r in kept]
        bias_before = _bias_by_source(kept, lengths)
        if config.max_chosen_longer_share is not None:
            # Per source: one long-biased source must not hide behind a balanced one.
            drop = set()
            for source in {r["source"] for r in kept}:
                idx = [i for i, r in enumerate(kept) if r["source"] == source]
                drop |= {idx[j] for j in guards.length_balance([lengths[i][0] for i in idx], [lengths[i][1] for i in idx], config.max_chosen_longer_share)}
            for i in sorted(drop):
                r = kept[i]
                removed.append({"id": r["id"], "stage": self.name, "reason": "length_balance", "source_ref": r["source_ref"],
                                "score": round(lengths[i][0] / max(lengths[i][1], 1), 4), "_source": r["source"],
                                "detail": f"{r['source_ref']}: chosen is {lengths[i][0]} characters, rejected {lengths[i][1]}; dropped to keep the chosen-longer share at most {config.max_chosen_longer_share:g}",
                                "record": json.dumps({k: r[k] for k in ("prompt", "chosen", "rejected", "margin")}, ensure_ascii=False)})
            kept = [r for i, r in enumerate(kept) if i not in drop]
            lengths = [x for i, x in enumerate(lengths) if i not in drop]
        bias_after = _bias_by_source(kept, lengths)

        sources = sorted({i["source"] for i in candidates} | {r["_source"] for r in removed if r.get("_source")})
        by_source = {s: {"candidates": 0, "kept": 0, "removed": {}} for s in sources}
        for i in candidates:
            by_source[i["source"]]["candidates"] += 1
        for r in kept:
            by_source[r["source"]]["kept"] += 1
        for r in removed:
            if r.get("_source"):
                by_source[r["_source"]]["removed"][r["reason"]] = by_source[r["_source"]]["removed"].get(r["reason"], 0) + 1
        splits = Counter(r["split"] for r in kept)
        metrics = {
            "rows_in_are": "candidate pairs; a raw record that yields no pair counts as one row",
            "files": files,
            "from_split_ratings": rated,
            "by_source": by_source,
            "removed_by_reason": dict(Counter(r["reason"] for r in removed)),
            "kept_by_split": {x: splits.get(x, 0) for x in SPLIT_NAMES},
            "split_inherited": sum(1 for r in kept if '"split_from": "split"' in r["meta"]),
            "split_hashed": sum(1 for r in kept if '"split_from": "hash"' in r["meta"]),
            "length_bias": bias_before,
            "length_bias_after_balancing": bias_after if config.max_chosen_longer_share is not None else None,
        }
        for r in removed:
            r.pop("_source", None)
        if not kept:
            raise NoPairsKept(_nothing_kept(len(candidates), files, metrics["removed_by_reason"]))
        return StageResult(
            kept=pa.Table.from_pylist(kept, schema=PREFERENCE_PAIR_SPLIT),
            removed=removed_table(removed),
            metrics=metrics,
            card=_card(by_source, metrics),
            rows_in=len(candidates) + sum(f["record_level_removed"] for f in files),
        )

    def _read_file(self, path: Path, source: PairSource, config: BuildPairsConfig, candidates: list, removed: list, ctx) -> dict:
        shown, name = str(path), dataset_name(source, path)
        sample, records = sampled(Path(config.root, path), shown, lambda value: detect(value) is not None)
        fmt = source.format
        if fmt == "auto":
            votes = Counter(detect(r.value) for r in sample if r.error is None)
            votes.pop(None, None)
            fmt = votes.most_common(1)[0][0] if votes else None
        stats = {"file": shown, "source": name, "format": fmt or "unknown", "records": 0, "candidates": 0, "record_level_removed": 0}
        min_margin = source.min_margin if source.min_margin is not None else config.min_margin

        def drop(ref: str, raw: str, reason: str, detail: str) -> None:
            removed.append({**quarantine_row(self.name, ref, stats["records"], raw, reason, detail), "_source": name})
            stats["record_level_removed"] += 1

        if not sample:
            drop(*empty_file(shown))
        for record in ctx.progress(records, description=f"build_pairs {path.name}"):
            stats["records"] += 1
            raw = record.raw or json.dumps(record.value, ensure_ascii=False, default=str)
            if record.error is not None:
                drop(record.ref, raw, *record.error)
                continue
            if fmt is None:
                drop(record.ref, raw, "unknown_format", f"{record.ref}: no pair format recognises records with {keys_of(record.value)}; set format to one of {', '.join(FORMATS)}")
                continue
            try:
                found = ADAPTERS[fmt](record.value, config.pairs_per_prompt)
            except RecordError as exc:
                drop(record.ref, raw, "unparseable", f"{record.ref}: {describe(exc)} [{exc.reason}]")
                continue
            if not found:
                drop(record.ref, raw, "no_pairs", f"{record.ref}: no two ranked answers to one prompt in this {fmt} record")
                continue
            stats["candidates"] += len(found)
            candidates += [{"source": name, "ref": record.ref + c.ref_suffix, "candidate": c, "min_margin": min_margin} for c in found]
        return stats

    def _from_split(self, table: pa.Table, config: BuildPairsConfig, candidates: list) -> dict:
        """Ranked pairs from conversations of the split input that share a prompt and carry a rating."""
        groups: dict[str, list[tuple[dict, float]]] = defaultdict(list)
        rated = 0
        for row in table.select(["id", "messages", "meta"]).to_pylist():
            score = metajson.lookup(metajson.parse(row["meta"]), config.ratings_key)
            messages = row["messages"]
            if not isinstance(score, int | float) or isinstance(score, bool) or messages[-1]["role"] != "assistant":
                continue
            rated += 1
            prompt = messages[:-1]
            groups[normalise_for_match(view_text(prompt, "conversation"))].append((row, float(score)))
        singles = 0
        for members in groups.values():
            if len(members) < 2:
                singles += 1
                continue
            for c, r, margin in ranked_pairs([s for _, s in members], config.pairs_per_prompt):
                rc, rr = members[c][0], members[r][0]
                candidates.append({
                    "source": "split", "ref": f"{rc['id']}>{rr['id']}", "min_margin": config.min_margin,
                    "candidate": Candidate(rc["messages"][:-1], rc["messages"][-1:], rr["messages"][-1:], margin,
                                           meta={"chosen_id": rc["id"], "rejected_id": rr["id"]}),
                })
        return {"ratings_key": config.ratings_key, "rated_conversations": rated, "prompts": len(groups), "prompts_with_one_rated_answer": singles}


def _bias_by_source(kept: list[dict], lengths: list[tuple[int, int]]) -> dict:
    out = {"all": guards.length_bias([a for a, _ in lengths], [b for _, b in lengths])}
    for source in sorted({r["source"] for r in kept}):
        idx = [i for i, r in enumerate(kept) if r["source"] == source]
        out[source] = guards.length_bias([lengths[i][0] for i in idx], [lengths[i][1] for i in idx])
    return out


def _card(by_source: dict, metrics: dict) -> str:
    reasons = sorted({k for s in by_source.values() for k in s["removed"]})
    head = "| source | candidates | kept | " + " | ".join(reasons) + " |"
    lines = ["### Pairs by source and drop reason", "", head, "|---|" + "---:|" * (2 + len(reasons))]
    for name, s in by_source.items():
        lines.append(f"| {name} | {s['candidates']} | {s['kept']} | " + " | ".join(str(s["removed"].get(k, 0)) for k in reasons) + " |")
    lines += ["", "### Pairs by split", "", "| split | pairs |", "|---|---:|"]
    lines += [f"| {x} | {n} |" for x, n in metrics["kept_by_split"].items()]
    lines += ["", f"Split inherited from the split input: {metrics['split_inherited']}; by seeded hash of the first user turn: {metrics['split_hashed']}.", ""]
    for title, bias in (("Length bias (kept pairs, before balancing)", metrics["length_bias"]),
                        ("Length bias after balancing", metrics["length_bias_after_balancing"])):
        if bias is None:
            continue
        lines += [f"### {title}", "", "| source | pairs | chosen longer | equal length | mean chosen/rejected length | median |", "|---|---:|---:|---:|---:|---:|"]
        for name, b in bias.items():
            share = "-" if b["chosen_longer_share"] is None else f"{b['chosen_longer_share']:.1%}"
            equal = "-" if b["equal_length_share"] is None else f"{b['equal_length_share']:.1%}"
            lines.append(f"| {name} | {b['pairs']} | {share} | {equal} | {b['mean_length_ratio']} | {b['median_length_ratio']} |")
        lines.append("")
    return "\n".join(lines)
