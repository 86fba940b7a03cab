"""One run of an arm: a LoRA adapter trained on the arm's rows for the shared budget, scored on held-out rows.

``compare`` and ``bench/select/experiment.py`` both call ``train_and_score``,
so a run means the same thing in an artifact and in a measurement script: the
budget (``budget_config``) fixes optimizer steps, rows per step and length, and
truncates long rows rather than dropping them, so every arm trains on all its
rows and differs from the others in its data alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from schemas import CONVERSATION, SPLIT_CONVERSATION
from train.config import TrainSFTConfig
from train.evaluate.loss import sequence_nll
from train.evaluate.models import ModelRef, load
from train.evaluate.paired import paired_difference, spread
from train.evaluate.tokens import Encoded, encode_chat
from train.chat_template import to_chat


@dataclass(frozen=True)
class RunScore:
    train_rows: int
    optimizer_steps: int
    tokens_seen: int
    """Non-padding tokens the trainer consumed (prompt and answer; trl's count)."""
    held_out_loss: float
    """Token-weighted loss on the held-out rows' assistant tokens."""
    held_out_tokens: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def training_rows(table: pa.Table) -> pa.Table:
    """The conversations an arm trains on: a split table's ``train`` rows, or every row of a table without splits."""
    if "split" in table.column_names:
        table = table.filter(pa.array([s == "train" for s in table.column("split").to_pylist()], pa.bool_()))
    return table.select(CONVERSATION.names).cast(CONVERSATION)


def as_train_split(table: pa.Table) -> pa.Table:
    """Conversations as a split table whose every row is ``train`` (what ``run_sft`` consumes)."""
    base = table.select([f.name for f in SPLIT_CONVERSATION if f.name != "split"])
    return base.append_column(pa.field("split", pa.string(), nullable=False), pa.array(["train"] * table.num_rows, pa.string()))


def budget_config(base_model: str, max_steps: int, batch_size: int, max_length: int, seed: int,
                  learning_rate: float = 2e-4) -> TrainSFTConfig:
    """The training config of one run: no validation, no early stopping, long rows truncated."""
    return TrainSFTConfig(base_model=base_model, max_steps=max_steps, per_device_batch_size=batch_size,
                          gradient_accumulation_steps=1, max_length=max_length, learning_rate=learning_rate, seed=seed,
                          early_stopping_patience=None, logging_steps=max(1, max_steps // 10), over_length="truncate")


def encode_held_out(tokenizer: Any, rows: Sequence[dict], max_length: int) -> list[Encoded]:
    return [encode_chat(tokenizer, to_chat(r["messages"]), max_length) for r in rows]


def score(ref: ModelRef, encoded: Sequence[Encoded], batch_size: int) -> tuple[float, int]:
    """Token-weighted held-out loss of a model (an adapter over its base, or the base alone) and its token count."""
    loaded = load(ref)
    with loaded.tuned() as model:
        result = sequence_nll(model, encoded, loaded.tokenizer.pad_token_id, batch_size)
    return result.loss, result.total_tokens


def train_and_score(rows: pa.Table, encoded: Sequence[Encoded], config: TrainSFTConfig, out: Path,
                    eval_batch_size: int = 4, keep_adapter: bool = True) -> RunScore:
    """Train on ``rows`` (conversations) into ``out`` and score the adapter on ``encoded`` held-out rows.

    ``out`` keeps the run's log, loss plot, lineage and model card; the adapter
    (megabytes per run) only with ``keep_adapter``."""
    from train.sft import run_sft

    outcome, plan = run_sft(as_train_split(rows), config, out)
    loss, tokens = score(ModelRef(config.base_model, Path(out) / "adapter"), encoded, eval_batch_size)
    if not keep_adapter:
        shutil.rmtree(Path(out) / "adapter")
    return RunScore(train_rows=len(plan.train), optimizer_steps=outcome.metrics["optimizer_steps"],
                    tokens_seen=outcome.metrics["tokens_seen"], held_out_loss=loss, held_out_tokens=tokens)


def summarise_arms(runs: Sequence[Mapping[str, Any]], arms: Sequence[str], baseline: str, seeds: Sequence[int]) -> list[dict[str, Any]]:
    """Per arm, from runs ``{arm, seed, train_rows, tokens_seen, held_out_loss}``: losses and tokens in seed
    order, mean ± sd, and the paired difference ``loss(baseline) - loss(arm)`` (None for the baseline)."""
    by = {(r["arm"], r["seed"]): r for r in runs}
    losses = {arm: [by[arm, s]["held_out_loss"] for s in seeds] for arm in arms}
    out = []
    for arm in arms:
        s = spread(losses[arm])
        out.append({"name": arm, "rows": by[arm, seeds[0]]["train_rows"], "held_out_loss": losses[arm],
                    "tokens_seen": [by[arm, seed]["tokens_seen"] for seed in seeds], "mean": s.mean, "sd": s.sd,
                    "vs_baseline": None if arm == baseline else paired_difference(losses[baseline], losses[arm]).as_dict()})
    return out
