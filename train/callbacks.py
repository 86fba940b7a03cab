"""What runs alongside ``trainer.train()``: early stopping, and the stage's progress bar in place of trl's printing.

transformers is imported inside the functions, as everywhere in ``train``, so
importing a training module stays cheap until a trainer is actually built.
"""

from __future__ import annotations

from typing import Any

from curate.stage import Progress
from train.config import TrainConfig


def trainer_callbacks(config: TrainConfig, has_eval: bool) -> list:
    """Early stopping on eval loss, when there is an eval set and the config sets a patience.

    It needs the best checkpoint reloaded at the end, which ``train.arguments``
    turns on under the same condition."""
    from transformers import EarlyStoppingCallback

    if has_eval and config.early_stopping_patience is not None:
        return [EarlyStoppingCallback(config.early_stopping_patience, config.early_stopping_threshold)]
    return []


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
