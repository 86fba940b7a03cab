"""Seconds per optimizer step of SFT and DPO with LoRA on the default base model (SmolLM2-135M).

Not a test: a measurement. Usage (from the repo root):

    HF_HUB_OFFLINE=1 .venv/bin/python bench/train/step_time.py --steps 6 [--quantization nf4]

Batch 2 x accumulation 1, max_length 256, short chat examples; the first
step (warm-up, lazy init) is excluded from the mean.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import pyarrow as pa
from transformers import TrainerCallback

from schemas import PREFERENCE_PAIR, SPLIT_CONVERSATION
from train.config import TrainDPOConfig, TrainSFTConfig


class StepTimer(TrainerCallback):
    def __init__(self):
        self.times: list[float] = []
        self._start = 0.0

    def on_step_begin(self, args, state, control, **kwargs):
        self._start = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        self.times.append(time.perf_counter() - self._start)


def _m(role, content):
    return {"role": role, "content": content, "name": None, "tool_calls": None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--quantization", default="none")
    a = parser.parse_args()
    import train.dpo as dpo
    import train.sft as sft

    timers = {}
    original = sft.trainer_callbacks

    def with_timer(config, has_eval):
        timers[type(config).__name__] = StepTimer()
        return original(config, has_eval) + [timers[type(config).__name__]]

    # sft and dpo bind the name at import, so the patch goes on them.
    sft.trainer_callbacks = dpo.trainer_callbacks = with_timer
    rows = [{"id": f"c{i}", "messages": [_m("user", f"Explain in two sentences why the number {i} is interesting."),
                                         _m("assistant", f"The number {i} is interesting because it has unique properties. "
                                                         f"For example, {i} times two is {2 * i}.")],
             "source": "b", "source_format": "openai", "source_ref": f"b:{i}", "meta": "{}", "split": "train"} for i in range(64)]
    pairs = [{"id": f"p{i}", "prompt": [_m("user", f"What is {i} plus {i}?")], "chosen": [_m("assistant", f"{i} plus {i} is {2 * i}.")],
              "rejected": [_m("assistant", "I am not sure, sorry.")], "margin": 1.0, "source": "b", "source_ref": f"b:{i}", "meta": "{}"}
             for i in range(64)]
    common_kwargs = dict(max_steps=a.steps, per_device_batch_size=2, gradient_accumulation_steps=1, max_length=256,
                         logging_steps=1, quantization=a.quantization)
    out = Path(tempfile.mkdtemp(prefix="bench-train-"))
    sft.run_sft(pa.Table.from_pylist(rows, schema=SPLIT_CONVERSATION), TrainSFTConfig(**common_kwargs), out / "sft")
    dpo.run_dpo(pa.Table.from_pylist(pairs, schema=PREFERENCE_PAIR), out / "sft",
                TrainDPOConfig(eval_fraction=0.0, **common_kwargs), out / "dpo")
    report = {}
    for name, timer in timers.items():
        steady = timer.times[1:] or timer.times
        report[name] = {"steps": len(timer.times), "first_step_s": round(timer.times[0], 3),
                        "mean_s_per_step_after_first": round(sum(steady) / len(steady), 3)}
    print(json.dumps({"quantization": a.quantization, **report}, indent=2))


if __name__ == "__main__":
    main()
