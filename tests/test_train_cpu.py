"""Training stages on CPU with a tiny real Llama: SFT and DPO through real trl, peft and bitsandbytes.

Specifications: loss lands on assistant tokens only; every LoRA parameter
moves and no base weight does; QLoRA (NF4) trains on CPU; DPO starts from the
SFT model as its reference; the output folder holds adapter, tokenizer,
config, logs, plot, lineage and card; every input row is kept or removed
with a reason.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pyarrow as pa
import pytest

from curate.stage import StageContext
from schemas import PREFERENCE_PAIR, SPLIT_CONVERSATION
from train.device import pick_device
from train.config import TrainDPOConfig, TrainSFTConfig
from train.tiny import save_tiny_model

FAST = dict(per_device_batch_size=2, gradient_accumulation_steps=1, logging_steps=1, eval_steps=2, warmup_ratio=0.0)


def _msg(role: str, content: str) -> dict:
    return {"role": role, "content": content, "name": None, "tool_calls": None}


def _conversation(i: int, split: str) -> dict:
    messages = [_msg("system", "Answer briefly."), _msg("user", f"What is {i} plus {i}?"),
                _msg("assistant", f"{i} plus {i} is {2 * i}."), _msg("user", "Thanks!"), _msg("assistant", "You are welcome.")]
    return {"id": f"c{i}", "messages": messages, "source": "test", "source_format": "openai", "source_ref": f"t.jsonl:{i}",
            "meta": "{}", "split": split}


@pytest.fixture(scope="module")
def splits() -> pa.Table:
    rows = [_conversation(i, "train") for i in range(8)] + [_conversation(i, "validation") for i in range(8, 10)]
    rows += [_conversation(10, "test")]
    rows.append({**_conversation(11, "train"), "id": "no-answer", "messages": [_msg("user", "Hello?")]})
    return pa.Table.from_pylist(rows, schema=SPLIT_CONVERSATION)


@pytest.fixture(scope="module")
def pairs() -> pa.Table:
    rows = [{"id": f"p{i}", "prompt": [_msg("user", f"What is {i} plus {i}?")], "chosen": [_msg("assistant", f"It is {2 * i}.")],
             "rejected": [_msg("assistant", "No idea, sorry.")], "margin": 1.0, "source": "test", "source_ref": f"p.jsonl:{i}",
             "meta": "{}"} for i in range(6)]
    rows.append({**rows[0], "id": "one-sided", "rejected": []})
    return pa.Table.from_pylist(rows, schema=PREFERENCE_PAIR)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory, splits) -> Path:
    texts = [m["content"] for row in splits.to_pylist() for m in row["messages"]] + ["It is No idea, sorry."]
    return save_tiny_model(tmp_path_factory.mktemp("tiny") / "model", texts)


@pytest.fixture(scope="module")
def sft_run(tmp_path_factory, splits, tiny_model):
    from train.stage import TrainSFT

    out = tmp_path_factory.mktemp("sft")
    config = TrainSFTConfig(base_model=str(tiny_model), max_steps=4, learning_rate=1e-2, **FAST)
    ctx = StageContext(workdir=out, input_versions={"records": "split/abc123"})
    return TrainSFT().run({"records": splits}, config, ctx), out


def _sft_trainer(tiny_model, splits, tmp_path, **overrides):
    from train.models import load_tokenizer
    from train.sft import build_sft_trainer, plan_sft

    config = TrainSFTConfig(base_model=str(tiny_model), **{**FAST, "learning_rate": 1e-2, "max_steps": 3, **overrides})
    tokenizer = load_tokenizer(str(tiny_model))
    plan = plan_sft(splits, tokenizer, config.max_length)
    trainer = build_sft_trainer(str(tiny_model), plan.train, plan.validation, config, tmp_path, pick_device(), tokenizer)
    return trainer, tokenizer


def test_collator_labels_only_assistant_tokens(tiny_model, splits, tmp_path):
    trainer, tokenizer = _sft_trainer(tiny_model, splits, tmp_path)
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(2)])
    for ids, labels in zip(batch["input_ids"].tolist(), batch["labels"].tolist()):
        learned = tokenizer.decode([t for t, label in zip(ids, labels) if label != -100])
        ignored = tokenizer.decode([t for t, label in zip(ids, labels) if label == -100])
        # Exactly both assistant turns, each with its end-of-turn token (so the model learns to stop).
        assert re.fullmatch(r"(\d+) plus \1 is \d+\.<\|im_end\|>You are welcome\.<\|im_end\|>", learned), learned
        assert "Answer briefly." in ignored and "What is" in ignored and "Thanks!" in ignored


def test_sft_moves_every_lora_parameter_and_no_base_weight(tiny_model, splits, tmp_path):
    trainer, _ = _sft_trainer(tiny_model, splits, tmp_path)
    before = {n: p.detach().clone() for n, p in trainer.model.named_parameters()}
    trainer.train()
    assert any("loss" in row for row in trainer.state.log_history)
    trainable = {n for n, p in trainer.model.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in n for n in trainable)
    for name, param in trainer.model.named_parameters():
        changed = not param.detach().equal(before[name])
        assert changed == (name in trainable), f"{name}: changed={changed}, trainable={name in trainable}"


def test_qlora_nf4_trains_on_cpu(tiny_model, splits, tmp_path):
    import bitsandbytes as bnb

    trainer, _ = _sft_trainer(tiny_model, splits, tmp_path, quantization="nf4")
    quantized = [m for m in trainer.model.modules() if isinstance(m, bnb.nn.Linear4bit)]
    assert quantized and all(m.weight.quant_type == "nf4" and m.weight.quant_state.nested for m in quantized)  # nested = double quant
    before = {n: p.detach().clone() for n, p in trainer.model.named_parameters() if p.requires_grad}
    trainer.train()
    assert all(not p.detach().equal(before[n]) for n, p in trainer.model.named_parameters() if p.requires_grad)


def test_sft_stage_accounts_for_every_row(sft_run, splits):
    result, _ = sft_run
    assert result.kept.num_rows + result.removed.num_rows == splits.num_rows
    assert sorted(result.kept.column("split").to_pylist()) == ["train"] * 8 + ["validation"] * 2
    reasons = dict(zip(result.removed.column("id").to_pylist(), result.removed.column("reason").to_pylist()))
    assert reasons == {"c10": "held_out_split", "no-answer": "no_assistant_turn"}
    assert set(result.removed.column("stage").to_pylist()) == {"train_sft"}
    assert result.metrics["optimizer_steps"] == 4 and result.metrics["best_eval_loss"] is not None


def test_sft_output_folder_holds_model_logs_lineage_and_card(sft_run, tiny_model):
    _, out = sft_run
    for name in ("adapter/adapter_model.safetensors", "adapter/adapter_config.json", "adapter/tokenizer.json",
                 "adapter/chat_template.jinja", "trainer_config.json", "log.csv", "log.jsonl", "loss.png", "lineage.json", "README.md"):
        assert (out / name).is_file(), name
    assert (out / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "{% generation %}" in (out / "adapter/chat_template.jinja").read_text().replace("-", "")
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert any("loss" in r for r in log) and any("eval_loss" in r for r in log)
    lineage = json.loads((out / "lineage.json").read_text())
    assert lineage["datasets"] == {"records": "split/abc123"}
    assert len(lineage["base_model"]["weights_sha256"]) == 64
    assert {"torch", "transformers", "peft", "trl"} <= set(lineage["libraries"])
    config = json.loads((out / "trainer_config.json").read_text())
    assert config["assistant_only_loss"] is True and config["bf16"] is False and config["use_cpu"] is True
    assert "split/abc123" in (out / "README.md").read_text()
    assert not list(out.glob(".checkpoints-*"))  # scratch checkpoints are gone


def test_dpo_starts_from_sft_as_reference_and_trains(sft_run, pairs, tmp_path):
    from train.stage import TrainDPO

    _, sft_dir = sft_run
    config = TrainDPOConfig(max_steps=3, learning_rate=1e-2, eval_fraction=0.0, **FAST)
    ctx = StageContext(workdir=tmp_path, input_files={"sft": sft_dir}, input_versions={"records": "pairs/def456"})
    result = TrainDPO().run({"records": pairs, "sft": pa.table({})}, config, ctx)
    assert result.kept.num_rows == 6 and result.removed.column("reason").to_pylist() == ["empty_pair_side"]
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    losses = [r["loss"] for r in log if "loss" in r]
    # Policy == reference (the SFT adapter) at step 0, so the sigmoid DPO loss is exactly ln 2.
    assert losses[0] == pytest.approx(math.log(2), abs=1e-4)
    assert losses[-1] < losses[0]
    from safetensors.torch import load_file

    sft = load_file(sft_dir / "adapter/adapter_model.safetensors")
    dpo = load_file(tmp_path / "adapter/adapter_model.safetensors")
    assert sft.keys() == dpo.keys()  # the DPO adapter continues the SFT one; the frozen ref copy is not saved
    assert all(not sft[k].equal(dpo[k]) for k in sft)
    lineage = json.loads((tmp_path / "lineage.json").read_text())
    assert lineage["datasets"] == {"records": "pairs/def456"}
    assert lineage["sft_datasets"] == {"records": "split/abc123"}


def test_sft_through_the_runner_puts_the_adapter_in_the_artifact(store, splits, tiny_model):
    from curate.artifacts import run_stage
    from curate.stage import removed_table
    from train.stage import TrainSFT

    split = store.write("split", "0123456789ab", splits, removed_table([]), {"stage": "split", "rows": {}}, "")
    config = TrainSFTConfig(base_model=str(tiny_model), **{**FAST, "max_steps": 2})
    artifact = run_stage(TrainSFT(), config, {"records": split}, store)
    listed = {f["path"] for f in artifact.manifest["files"]}
    assert {"adapter/adapter_model.safetensors", "lineage.json", "loss.png"} <= listed
    assert json.loads((artifact.files_dir / "lineage.json").read_text())["datasets"] == {"records": "split/0123456789ab"}
    again = run_stage(TrainSFT(), config, {"records": split}, store)
    assert again.cached and again.version == artifact.version


def test_stage_outside_the_runner_says_how_to_run_it(splits, tiny_model):
    from train.stage import TrainSFT

    with pytest.raises(ValueError, match="run_stage"):
        TrainSFT().run({"records": splits}, TrainSFTConfig(base_model=str(tiny_model)), StageContext())


def test_defaults_follow_common_practice():
    sft, dpo = TrainSFTConfig(), TrainDPOConfig()
    assert (sft.lora_r, sft.lora_alpha, sft.lora_dropout, sft.learning_rate, sft.lr_scheduler) == (16, 32, 0.05, 2e-4, "cosine")
    assert 0.03 <= sft.warmup_ratio <= 0.05 and sft.base_model == "smollm2-135m-instruct"
    assert dpo.beta == 0.1
    with pytest.raises(ValueError, match="quantization"):
        TrainSFTConfig(quantization="int3")


def test_dpo_never_trains_on_test_split_pairs(tiny_model):
    from train.models import load_tokenizer
    from train.dpo import plan_dpo
    from schemas.records import PREFERENCE_PAIR_SPLIT

    msg = lambda role, text: [{"role": role, "content": text, "name": None, "tool_calls": None}]  # noqa: E731
    rows = [{"id": f"p{i}", "prompt": msg("user", "Hi"), "chosen": msg("assistant", "Hello"), "rejected": msg("assistant", "Go"),
             "margin": 1.0, "source": "t", "source_ref": f"t:{i}", "meta": "{}", "split": split}
            for i, split in enumerate(["train", "train", "validation", "test"])]
    plan = plan_dpo(pa.Table.from_pylist(rows, schema=PREFERENCE_PAIR_SPLIT), load_tokenizer(str(tiny_model)), TrainDPOConfig())
    assert [r["id"] for r in plan.train] == ["p0", "p1"] and [r["id"] for r in plan.validation] == ["p2"]
    assert [(r["id"], r["reason"]) for r in plan.removed] == [("p3", "held_out_split")]
