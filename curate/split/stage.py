"""``split``: grouped, stratified train/validation/test, with a contamination check.

Every record of a duplicate group (``meta.same_prompt_group``,
``meta.near_dup_group`` and records with the same normalised prompt) lands in
one split, so near-duplicates never leak from train into validation or test.
Strata (any column or meta key: ``source``, ``cluster``, ``category``) keep
their share of the whole in each split. Then held-out prompts are checked for
n-gram overlap with train, boilerplate cut out and CJK text compared by
character (``contamination``), and the policy applies: ``report`` (metrics
only), ``fail`` (stop the run), ``move_to_train`` (whole groups move, repeated
until clean) or ``drop`` (removed with reason ``contamination``); a held-out
split that handling would shrink below its floor stops the run
(``held_out``). Requested vs achieved sizes and the largest stratum-share
deviation go to the metrics, the card and the run table's note.

The contamination check lives here rather than in a stage of its own because
moving a record must move its whole group, which only this stage knows.

The records are read by location, ``batch_rows`` at a time: ids, group links (a
digest of each prompt) and strata first, then the held-out prompts' n-grams, then
the train prompts (only their n-grams that held-out shares are kept), then each
batch written with its split. The step holds a few small values per record and
the held-out prompts' n-grams, never the records or the train n-grams.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from typing import Literal

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from curate import meta as metajson
from curate.views import View, view_text
from curate.split.assign import StrataReader, assign_groups, max_share_deviation, split_counts, split_sizes, stratum_shares
from curate.split.cards import SplitTally, headline, integrity_section, per_split_sections
from curate.split.contamination import N_CJK, boilerplate_limit, ngram_index, overlaps, sample_rows, sampled_boilerplate
from curate.split.groups import GroupLinks, Groups, row_links
from curate.split.held_out import (  # noqa: F401  (ContaminationConfig and the errors are part of this module's API)
    TRAIN, ContaminationConfig, ContaminationError, Finding, HeldOutCheck, HeldOutTooSmall, check_floor, held_out_sizes, shorten,
)
from curate.stage import (
    EXECUTION, RemovedRows, Stage, StageConfig, StageContext, StageResult, batches, kept_output, removed_table,
)
from schemas import SPLIT_CONVERSATION, SPLIT_NAMES

NAMES = pa.array(SPLIT_NAMES, pa.string())


class SplitConfig(StageConfig):
    ratios: dict[Literal["train", "validation", "test"], float] = Field(
        default_factory=lambda: {"train": 0.8, "validation": 0.1, "test": 0.1}, description="Share of rows per split (normalised to sum 1).")
    counts: dict[Literal["validation", "test"], int] | None = Field(None, description="Absolute rows for validation/test instead of ratios; train takes the rest.")
    stratify_by: str | None = Field(None, description="Column or dotted meta key whose values keep their share in every split (source, cluster, category).")
    group_keys: tuple[str, ...] = Field(("same_prompt_group", "near_dup_group"), description="Meta keys whose equal values must share a split.")
    prompt_view: View | None = Field("user_turns", description="Records with the same normalised text of this view share a split; None to skip.")
    seed: int = Field(0, description="Seed of the group order; same seed and input give the same splits.")
    contamination: ContaminationConfig = Field(default_factory=ContaminationConfig)
    batch_rows: int = Field(20_000, ge=1, json_schema_extra=EXECUTION,
                            description="Records read at a time: the step reads its input by location and holds each record's "
                                        "id, group and stratum and the held-out prompts' n-grams, not the records.")

    @model_validator(mode="after")
    def _ratios_positive(self):
        if any(v < 0 for v in self.ratios.values()) or sum(self.ratios.values()) <= 0:
            raise ValueError(f"ratios must be non-negative and not all zero (got {self.ratios})")
        return self


class Split(Stage):
    name = "split"
    version = "2"
    Config = SplitConfig
    output_schema = SPLIT_CONVERSATION
    inputs_by_location = True

    def run(self, inputs: Mapping[str, pa.Table], config: SplitConfig, ctx: StageContext) -> StageResult:
        records, cc = inputs["records"], config.contamination
        n = records.num_rows
        sampled = set(sample_rows(n, config.seed))
        links = GroupLinks()
        strata_read = StrataReader()
        sample_texts: list[str] = []
        for start, batch in batches(records, config.batch_rows, ctx.progress, "split: groups"):
            messages, metas = batch.column("messages").to_pylist(), batch.column("meta").to_pylist()
            links.add([row_links(m, meta, config.group_keys, config.prompt_view) for m, meta in zip(messages, metas, strict=True)])
            strata_read.add([str(v) for v in metajson.column_or_meta(batch, config.stratify_by)] if config.stratify_by
                       else ["all"] * batch.num_rows)
            sample_texts += [view_text(messages[i - start], cc.view) for i in range(start, start + batch.num_rows) if i in sampled]
        groups = links.groups(lambda: pa.chunked_array([batch.column("id").combine_chunks() for _, batch in batches(
            records, config.batch_rows, ctx.progress, "split: ids", columns=("id",))], pa.string()).combine_chunks())
        strata = strata_read.strata()
        sizes = split_sizes(n, ratios=config.ratios if config.counts is None else None, counts=config.counts)
        assigned = assign_groups(groups, strata, sizes, config.seed)
        del strata_read

        limit = boilerplate_limit(n, cc.boilerplate_share, cc.boilerplate_min_rows)
        check = HeldOutCheck(cc, sampled_boilerplate(sample_texts, n, limit, cc.n, cc.n_cjk), limit)
        del sample_texts
        for at, text in _texts(records, config, ctx, "split: held-out prompts", assigned != TRAIN):
            check.add_held(at, text)
        for at, text in _texts(records, config, ctx, "split: train prompts"):
            check.add_row(at, text)
        outcome = check.outcome(assigned, groups.codes, lambda positions: _texts(
            records, config, ctx, "split: found prompts", _mask(n, positions), with_ids=True))
        splits, findings = outcome.splits, outcome.findings
        if findings and cc.policy == "fail":
            rid, f = next(iter(findings.items()))
            raise ContaminationError(
                f"split: {len(findings)} held-out records share n-grams with train (e.g. {rid} in {f.split} shares the {f.length}-gram "
                f"'{shorten(f.example)}' with train {f.train_id}); set contamination.policy to move_to_train or drop, "
                "or deduplicate upstream")
        drop = set(findings) if cc.policy == "drop" else set()  # moved ones are in train by now
        keep = np.ones(n, dtype=bool)
        keep[[findings[rid].index for rid in drop]] = False
        kept_counts = split_counts(splits[keep])
        taken = split_counts(assigned[(assigned != TRAIN) & ((splits == TRAIN) | ~keep)])
        held_out = held_out_sizes(kept_counts, sizes, taken)
        check_floor(held_out, findings, cc)

        removed = RemovedRows(ctx.removed_file)
        tally = SplitTally(config.stratify_by)
        kept, kept_parts = kept_output(self._kept(records, config, ctx, groups, splits, keep, findings, removed, tally),
                                       SPLIT_CONVERSATION, ctx.kept_folder)
        shares = stratum_shares(strata, splits, keep)
        deviation = max_share_deviation(shares)
        group_sizes = groups.sizes()
        report = {**outcome.report, "dropped": len(drop)}
        metrics = {
            "rows_by_split": kept_counts,
            "target_rows_by_split": sizes,
            "held_out_sizes": held_out,
            "groups": len(group_sizes), "multi_record_groups": int(np.sum(group_sizes > 1)),
            "largest_group": int(group_sizes.max(initial=0)),
            "stratify_by": config.stratify_by,
            "stratum_shares_percent": shares,
            "max_stratum_share_deviation_pp": deviation,
            "contamination": report,
            "headline": headline(held_out, deviation, report),
        }
        card = integrity_section(held_out, deviation, report, config.stratify_by) + "\n" + per_split_sections(tally)
        return StageResult(kept=kept, kept_parts=kept_parts, rows_in=n, metrics=metrics, card=card,
                           **removed.result())

    def _kept(self, records, config: SplitConfig, ctx: StageContext, groups: Groups, splits: np.ndarray, keep: np.ndarray,
              findings: Mapping[str, Finding], removed: RemovedRows, tally: SplitTally) -> Iterator[pa.Table]:
        """The last read: each batch with its rows' split and ``meta.split_group``, without the dropped
        rows, which go to ``removed`` with their records; ``tally`` counts what is kept."""
        for start, batch in batches(records, config.batch_rows, ctx.progress, "split: writing"):
            gone = (np.flatnonzero(~keep[start:start + batch.num_rows]) + start).tolist()
            batch_ids = batch.column("id").to_pylist()
            if gone:
                removed.add(removed_table([_dropped(batch_ids[i - start], findings[batch_ids[i - start]], self.name)
                                              for i in gone], source=batch))
            out = metajson.with_updates(batch, [{"split_group": g} for g in groups.names_of(start, batch_ids)]).append_column(
                pa.field("split", pa.string(), nullable=False), NAMES.take(pa.array(splits[start:start + batch.num_rows])))
            if gone:
                out = out.filter(pa.array(keep[start:start + batch.num_rows], pa.bool_()))
            tally.add(out)
            yield out


def _dropped(rid: str, f: Finding, stage: str) -> dict:
    return {"id": rid, "stage": stage, "reason": "contamination", "duplicate_of": f.train_id,
            "score": round(f.shared / max(f.ngrams, 1), 4),
            "detail": f"{f.split} prompt shares {f.shared} of {f.ngrams} {f.length}-grams with train {f.train_id}, e.g. {f.example!r}"}


def _mask(n: int, positions: Collection[int]) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[np.fromiter(positions, np.int64, len(positions))] = True
    return mask


def _texts(records, config: SplitConfig, ctx: StageContext, description: str,
           wanted: np.ndarray | None = None, with_ids: bool = False) -> Iterator[tuple]:
    """``(position, text)`` of the contamination view, in row order, of the rows ``wanted`` says (a
    mask; every row's where None), read a batch at a time; ``(position, id, text)`` ``with_ids``."""
    columns = ("id", "messages") if with_ids else ("messages",)
    for start, batch in batches(records, config.batch_rows, ctx.progress, description, columns=columns):
        messages = batch.column("messages")
        at = range(batch.num_rows) if wanted is None else np.flatnonzero(wanted[start:start + batch.num_rows]).tolist()
        for j in at:
            text = view_text(messages[j].as_py(), config.contamination.view)
            yield (start + j, batch.column("id")[j].as_py(), text) if with_ids else (start + j, text)


class MixConfig(StageConfig):
    fraction: float = Field(0.1, ge=0, lt=1, description="Share of the final train split made of general rows (capped by what the general input has).")
    seed: int = Field(0, description="Seed of the general-row sample.")
    n: int = Field(13, ge=1, le=64, description="n-gram length in words: general rows sharing one with a validation/test prompt are not used.")
    n_cjk: int = Field(N_CJK, ge=1, le=64, description="n-gram length in characters for rows mostly in Chinese, Japanese or Korean.")
    view: View = Field("user_turns", description="Text compared for that check.")


class MixGeneral(Stage):
    """``mix_general``: add a share of a general dataset to train only.

    Inputs: ``records`` (a split artifact) and ``general`` (conversations, e.g.
    from an ``ingest`` step of ``data/general``). Added rows get
    ``split=train`` and ``meta.mixed_general=true``; counts go to the manifest.
    """

    name = "mix_general"
    version = "2"
    Config = MixConfig
    inputs = ("records", "general")
    output_schema = SPLIT_CONVERSATION

    def run(self, inputs: Mapping[str, pa.Table], config: MixConfig, ctx: StageContext) -> StageResult:
        from curate.split.mix import choose_general, general_rows_needed

        table, general = inputs["records"], inputs["general"]
        splits = table.column("split").to_pylist()
        held_out = [(rid, view_text(m, config.view)) for rid, m, x in
                    zip(table.column("id").to_pylist(), table.column("messages").to_pylist(), splits, strict=True) if x != "train"]
        index = ngram_index(held_out, config.n, config.n_cjk)
        present = set(table.column("id").to_pylist())
        rows = general.to_pylist()
        overlapping = 0
        candidates = []
        for i, row in enumerate(ctx.progress(rows, total=len(rows), description="mix_general")):
            if row["id"] in present:
                continue
            if overlaps(view_text(row["messages"], config.view), index, config.n, config.n_cjk)[0]:
                overlapping += 1
                continue
            candidates.append(i)
        train_rows = splits.count("train")
        wanted = general_rows_needed(train_rows, config.fraction)
        chosen = [candidates[j] for j in choose_general([rows[i]["id"] for i in candidates], wanted, config.seed)]
        added = [{**rows[i], "meta": metajson.dump({**metajson.parse(rows[i]["meta"]), "mixed_general": True}), "split": "train"} for i in chosen]
        out = pa.concat_tables([table, pa.Table.from_pylist(added, schema=SPLIT_CONVERSATION)]) if added else table
        metrics = {
            "general_rows_available": general.num_rows, "general_rows_overlapping_held_out": overlapping,
            "general_rows_already_present": sum(1 for r in rows if r["id"] in present),
            "general_rows_wanted": wanted, "general_rows_added": len(added),
            "train_rows_before": train_rows, "train_rows_after": train_rows + len(added),
            "general_fraction_requested": config.fraction,
            "general_fraction_of_train": round(len(added) / (train_rows + len(added)), 4) if added else 0.0,
            "general_sources": dict(Counter(r["source"] for r in added)),
        }
        return StageResult(kept=out, removed=removed_table([]), metrics=metrics, rows_in=table.num_rows + len(added),
                           card=per_split_sections(SplitTally().add(out)))
