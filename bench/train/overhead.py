"""Overhead of our SFT path (``train.sft.run_sft``) against a plain trl ``SFTTrainer`` script.

Not a test: a measurement (issue #7, "no more than 5% overhead against plain
trl"). Both paths train the default base model (SmolLM2-135M-Instruct, the
folder ``curate.base_model.resolve_base_model()`` builds under ``data/models/``)
with the same LoRA, schedule, batch, max_length, seed, chat template (with
``{% generation %}`` markers, ``assistant_only_loss=True``), on the same
examples in the same order, each in its own subprocess so peak RSS is per path.

Usage (from the repo root):

    HF_HUB_OFFLINE=1 .venv/bin/python bench/train/overhead.py [--steps 8] [--rounds 2]

Data: the ``train`` rows of the newest curated demo mix
(``/tmp/demo1/data/artifacts/mix_general/*/data/*.parquet``) when present,
else conversations from ``data/demo/openai.jsonl``; exactly
``steps x batch x accumulation`` examples, so each path sees each once.

Per run it reports: ``train_s`` (wall time of ``trainer.train()`` only),
``process_s`` (the whole run: the subprocess, imports included, since ours
imports trl lazily inside ``run_sft`` and the plain script at its top),
``outside_s`` (``process_s - train_s``: imports, loading, data preparation,
saving; ours also writes logs, plot, lineage and card), tokens/s over ``train_s`` (non-padding tokens of the
tokenized training set, which is seen exactly once), peak RSS
(``ru_maxrss``), and the CPU seconds the training used per wall second
(near 2.0 on this 2-core box when nothing else competes for it). Rounds
alternate the order (ours, plain; plain, ours; ...) and each round waits
until the 1-minute load average is below ``--max-load`` (polling every 20 s,
at most 10 minutes).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEMO_MIX = "/tmp/demo1/data/artifacts/mix_general/*/data/*.parquet"

# The settings both paths train with (field names of TrainSFTConfig; the plain script maps them by hand).
SETTINGS = dict(
    per_device_batch_size=2, gradient_accumulation_steps=2, max_length=512, logging_steps=1,
    learning_rate=2e-4, lr_scheduler="cosine", warmup_ratio=0.03, lora_r=16, lora_alpha=32, lora_dropout=0.05,
    lora_target_modules="all-linear", seed=42,
)


# ---------------------------------------------------------------- the plain trl script (runs in a subprocess)

PLAIN_SCRIPT = r'''
import json, resource, sys, time
t_start = time.perf_counter()
from datasets import Dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import SFTConfig, SFTTrainer
import torch

spec = json.load(open(sys.argv[1]))
s = spec["settings"]
t_run = time.perf_counter()
tokenizer = AutoTokenizer.from_pretrained(spec["model"])
tokenizer.chat_template = spec["chat_template"]  # ChatML with {% generation %} markers
tokenizer.eos_token = "<|im_end|>"
if tokenizer.pad_token is None:
    tokenizer.pad_token = tokenizer.eos_token
examples = [json.loads(line) for line in open(spec["examples"])]
model = AutoModelForCausalLM.from_pretrained(spec["model"], dtype=torch.float32)
args = SFTConfig(
    output_dir=spec["out"] + "/checkpoints",
    learning_rate=s["learning_rate"], lr_scheduler_type=s["lr_scheduler"], warmup_steps=s["warmup_ratio"],
    max_steps=spec["steps"], per_device_train_batch_size=s["per_device_batch_size"],
    gradient_accumulation_steps=s["gradient_accumulation_steps"], max_length=s["max_length"],
    logging_steps=s["logging_steps"], seed=s["seed"], data_seed=s["seed"],
    use_cpu=True, bf16=False, gradient_checkpointing=False,
    assistant_only_loss=True, save_strategy="no", report_to=[], disable_tqdm=True,
)
trainer = SFTTrainer(
    model=model, args=args, train_dataset=Dataset.from_list(examples), processing_class=tokenizer,
    peft_config=LoraConfig(r=s["lora_r"], lora_alpha=s["lora_alpha"], lora_dropout=s["lora_dropout"],
                           target_modules=s["lora_target_modules"], bias="none", task_type="CAUSAL_LM"),
)
cpu0 = resource.getrusage(resource.RUSAGE_SELF); t0 = time.perf_counter()
trainer.train()
train_s = time.perf_counter() - t0; cpu1 = resource.getrusage(resource.RUSAGE_SELF)
trainer.save_model(spec["out"] + "/adapter")
run_s = time.perf_counter() - t_run
losses = [r["loss"] for r in trainer.state.log_history if "loss" in r]
print("RESULT " + json.dumps({
    "train_s": train_s, "run_s": run_s, "script_s": time.perf_counter() - t_start,
    "train_cpu_s": (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime),
    "tokens": sum(len(x) for x in trainer.train_dataset["input_ids"]), "examples": len(trainer.train_dataset),
    "steps": trainer.state.global_step, "first_loss": losses[0], "last_loss": losses[-1],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
'''


# ---------------------------------------------------------------- our path (runs in a subprocess)

def ours_child(spec_path: str) -> None:
    t_start = time.perf_counter()
    import pyarrow.parquet as pq

    import train.sft as sft
    from train.config import TrainSFTConfig

    spec = json.loads(Path(spec_path).read_text())
    seen: dict = {}
    original = sft.train_with_progress

    def timed(trainer, progress, description):
        # Times trainer.train() alone, exactly as the plain script does; the rest of run_sft is untouched.
        seen["trainer"] = trainer
        inner = trainer.train

        def train(*a, **k):
            seen["cpu0"] = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.perf_counter()
            try:
                return inner(*a, **k)
            finally:
                seen["train_s"] = time.perf_counter() - t0
                seen["cpu1"] = resource.getrusage(resource.RUSAGE_SELF)

        trainer.train = train
        return original(trainer, progress, description)

    sft.train_with_progress = timed
    table = pq.read_table(spec["table"])
    config = TrainSFTConfig(max_steps=spec["steps"], **spec["settings"])
    t_run = time.perf_counter()
    outcome, plan = sft.run_sft(table, config, Path(spec["out"]))
    run_s = time.perf_counter() - t_run
    trainer = seen["trainer"]
    cpu0, cpu1 = seen["cpu0"], seen["cpu1"]
    losses = [r["loss"] for r in outcome.log if "loss" in r]
    print("RESULT " + json.dumps({
        "train_s": seen["train_s"], "run_s": run_s, "script_s": time.perf_counter() - t_start,
        "train_cpu_s": (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime),
        "tokens": sum(len(x) for x in trainer.train_dataset["input_ids"]), "examples": len(trainer.train_dataset),
        "steps": trainer.state.global_step, "first_loss": losses[0], "last_loss": losses[-1],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


# ---------------------------------------------------------------- the driver

def load_rows(n: int) -> tuple[list[dict], str]:
    """``n`` SPLIT_CONVERSATION rows with split 'train' and a non-empty assistant turn, and where they came from."""
    import pyarrow.parquet as pq

    parts = sorted(glob.glob(DEMO_MIX), key=os.path.getmtime)
    if parts:
        rows = [r for r in pq.read_table(parts[-1]).to_pylist() if r["split"] == "train"]
        source = parts[-1]
    else:
        rows = []
        for i, line in enumerate(Path(REPO / "data/demo/openai.jsonl").read_text().splitlines()):
            try:
                messages = json.loads(line)["messages"]
            except (ValueError, KeyError, TypeError):
                continue
            if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
                continue
            rows.append({"id": f"o{i}", "messages": [{"role": m.get("role"), "content": m.get("content"),
                                                      "name": None, "tool_calls": None} for m in messages],
                         "source": "openai", "source_format": "openai", "source_ref": f"openai.jsonl:{i}",
                         "meta": "{}", "split": "train"})
        source = "data/demo/openai.jsonl"
    from train.chat_template import to_chat

    usable = [r for r in rows if any(m["role"] == "assistant" and m["content"] for m in to_chat(r["messages"]))]
    if len(usable) < n:
        raise SystemExit(f"only {len(usable)} usable training rows in {source}; need {n}")
    return usable[:n], source


def load1() -> float:
    return os.getloadavg()[0]


def wait_for_quiet(max_load: float, poll_s: float = 20.0, give_up_s: float = 600.0) -> str:
    start = time.time()
    while load1() >= max_load:
        if time.time() - start > give_up_s:
            return f"gave up waiting after {give_up_s:.0f} s (load {load1():.2f})"
        time.sleep(poll_s)
    return f"waited {time.time() - start:.0f} s (load {load1():.2f})"


def run_child(path: str, spec_file: Path) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    if path == "ours":
        cmd = [sys.executable, __file__, "--child-ours", str(spec_file)]
    else:
        cmd = [sys.executable, "-c", PLAIN_SCRIPT, str(spec_file)]
    load_before = load1()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    process_s = time.perf_counter() - t0
    lines = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-5000:])
        raise SystemExit(f"{path} run failed (exit {proc.returncode})")
    result = json.loads(lines[-1][len("RESULT "):])
    return {**result, "process_s": process_s, "load_before": load_before, "load_after": load1()}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child-ours":
        sys.path.insert(0, str(REPO))
        ours_child(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--max-load", type=float, default=1.5, help="wait for a 1-minute load average below this")
    a = parser.parse_args()

    import pyarrow as pa

    sys.path.insert(0, str(REPO))
    from schemas import SPLIT_CONVERSATION
    from curate.base_model import resolve_base_model
    from train.chat_template import CHATML_TRAINING_TEMPLATE, to_chat

    n = a.steps * SETTINGS["per_device_batch_size"] * SETTINGS["gradient_accumulation_steps"]
    rows, source = load_rows(n)
    work = Path(tempfile.mkdtemp(prefix="bench-train-overhead-"))
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows, schema=SPLIT_CONVERSATION), work / "table.parquet")
    with (work / "examples.jsonl").open("w") as fh:
        for r in rows:
            fh.write(json.dumps({"messages": to_chat(r["messages"])}) + "\n")
    model = resolve_base_model()
    print(f"data: {n} train rows of {source}; model: {model}; steps {a.steps}; settings {SETTINGS}", flush=True)

    results: dict[str, list[dict]] = {"ours": [], "plain": []}
    for rnd in range(a.rounds):
        waited = wait_for_quiet(a.max_load)
        order = ("ours", "plain") if rnd % 2 == 0 else ("plain", "ours")
        print(f"round {rnd + 1}: {waited}; order {order}", flush=True)
        for path in order:
            out = work / f"{path}-{rnd}"
            spec = {"settings": SETTINGS, "steps": a.steps, "model": model, "out": str(out),
                    "table": str(work / "table.parquet"), "examples": str(work / "examples.jsonl"),
                    "chat_template": CHATML_TRAINING_TEMPLATE}
            spec_file = work / f"spec-{path}-{rnd}.json"
            spec_file.write_text(json.dumps(spec))
            r = run_child(path, spec_file)
            r["tokens_per_s"] = r["tokens"] / r["train_s"]
            r["cpu_per_wall"] = r["train_cpu_s"] / r["train_s"]
            r["outside_s"] = r["process_s"] - r["train_s"]  # imports, loading, data prep, saving
            results[path].append(r)
            print(f"  {path:5s} train {r['train_s']:6.2f} s  process {r['process_s']:6.2f} s  outside {r['outside_s']:5.2f} s  "
                  f"{r['tokens_per_s']:6.0f} tok/s  rss {r['peak_rss_mb']:5.0f} MB  cpu/wall {r['cpu_per_wall']:.2f}  "
                  f"load {r['load_before']:.2f}->{r['load_after']:.2f}  tokens {r['tokens']} examples {r['examples']} "
                  f"steps {r['steps']} loss {r['first_loss']:.4f}->{r['last_loss']:.4f}", flush=True)

    ours, plain = results["ours"], results["plain"]
    if {(r["tokens"], r["examples"], r["steps"]) for r in ours + plain} != {(ours[0]["tokens"], ours[0]["examples"], ours[0]["steps"])}:
        print("WARNING: the two paths did not see the same tokens/examples/steps")
    print(f"\nmedian of {a.rounds} runs each | ours | plain trl | ours/plain")
    for key, label in [("train_s", "train() wall s"), ("tokens_per_s", "tokens/s (train)"),
                       ("process_s", "whole run s (process)"), ("outside_s", "outside train() s"),
                       ("peak_rss_mb", "peak RSS MB"), ("cpu_per_wall", "CPU s per wall s (train)")]:
        o, p = statistics.median(r[key] for r in ours), statistics.median(r[key] for r in plain)
        print(f"{label:28s} | {o:9.2f} | {p:9.2f} | {o / p:6.3f}")
    print(f"work folder: {work}")


if __name__ == "__main__":
    main()
