"""What SFT and DPO share: callbacks and library versions."""

from __future__ import annotations

import logging
from typing import Any

from curate.artifacts.runner import code_versions
from curate.stage import Progress
from train.config import TrainConfig

log = logging.getLogger("llm_curate.train")


def callbacks(config: TrainConfig, has_eval: bool) -> list:
    from transformers import EarlyStoppingCallback

    if has_eval and config.early_stopping_patience is not None:
        return [EarlyStoppingCallback(config.early_stopping_patience, config.early_stopping_threshold)]
    return []


def library_versions() -> dict[str, str]:
    """The same library list every artifact manifest records, plus this code's version."""
    return code_versions()


def train_with_progress(trainer: Any, progress: Progress, description: str) -> None:
    """Run ``trainer.train()`` with one progress step per optimizer step.

    The stage's progress reporter (a bar on the console) replaces the
    trainer's own printing of every log dict; the logs still reach log.jsonl.
    """
    from transformers import PrinterCallback, TrainerCallback

    class StepProgress(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            self.ticks = iter(progress(range(state.max_steps + 1), total=state.max_steps, description=description))
            next(self.ticks, None)

        def on_step_end(self, args, state, control, **kwargs):
            next(self.ticks, None)

        def on_train_end(self, args, state, control, **kwargs):
            for _ in self.ticks:
                pass

    trainer.remove_callback(PrinterCallback)
    trainer.add_callback(StepProgress())
    trainer.train()
