"""Evaluation on a tiny real Llama (from a config) and a tiny BPE tokenizer: no downloads.

Covers assistant-only loss masking on a real batch, the loss against the
model's own loss, preference accuracy where the answer is known (an adapter
trained on the chosen answers), and the ``evaluate`` stage end to end through
the runner with a real trl-trained LoRA adapter.
"""

from __future__ import annotations

import shutil

import json

import pyarrow as pa
import pytest

from curate.stage import StageContext

from schemas import CONVERSATION, SPLIT_CONVERSATION
from schemas.records import PREFERENCE_PAIR_SPLIT
from tests.conftest import conversation
from train.chat_template import to_chat

torch = pytest.importorskip("torch")

FACTS = [(f"what is {a} plus {b}?", f"{a} plus {b} is {a + b}.") for a in range(1, 7) for b in range(1, 5)]
TEXTS = [q + " " + a for q, a in FACTS] + ["the sky is blue and the grass is green"] * 3


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    from train.tiny import save_tiny_model

    return save_tiny_model(tmp_path_factory.mktemp("tiny") / "model", TEXTS, hidden=32, layers=2)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_dir):
    """A real LoRA SFT run (train.sft) on the first 16 facts: the adapter under test."""
    from train.config import TrainSFTConfig
    from train.sft import run_sft

    rows = [{**conversation(f"f{i:02d}", q, a), "split": "train" if i < 16 else "test"} for i, (q, a) in enumerate(FACTS)]
    table = pa.Table.from_pylist(rows, schema=SPLIT_CONVERSATION)
    cfg = TrainSFTConfig(base_model=str(tiny_dir), max_steps=30, learning_rate=5e-3, per_device_batch_size=8,
                         gradient_accumulation_steps=1, lora_r=8, lora_alpha=16, lora_dropout=0.0, logging_steps=5,
                         warmup_ratio=0.0, max_length=64)
    out = tmp_path_factory.mktemp("sft") / "out"
    outcome, plan = run_sft(table, cfg, out)
    return table, out, plan


def test_labels_of_a_real_batch_cover_assistant_tokens_only(tiny_dir):
    from train.evaluate.models import ModelRef, load
    from train.evaluate.tokens import IGNORE, collate, encode_chat

    loaded = load(ModelRef(str(tiny_dir)))
    tok = loaded.tokenizer
    chats = [
        [{"role": "system", "content": "be brief"}, {"role": "user", "content": "what is 1 plus 2?"},
         {"role": "assistant", "content": "1 plus 2 is 3."}, {"role": "user", "content": "and 2 plus 2?"},
         {"role": "assistant", "content": "2 plus 2 is 4."}],
        [{"role": "user", "content": "what is 3 plus 1?"}, {"role": "assistant", "content": "3 plus 1 is 4."}],
    ]
    encoded = [encode_chat(tok, c, max_length=256) for c in chats]
    ids, attention, labels = collate(encoded, tok.pad_token_id)
    assert ids.shape == labels.shape and ids.shape[0] == 2
    first = labels[0][labels[0] != IGNORE].tolist()
    assert tok.decode(first) == "1 plus 2 is 3.<|im_end|>2 plus 2 is 4.<|im_end|>"
    # Prompt tokens (system, user, the assistant header) and padding carry no label.
    assert "user" not in tok.decode(first) and "assistant" not in tok.decode(first)
    assert (labels[1][attention[1] == 0] == IGNORE).all()


def test_set_loss_equals_the_models_own_loss_on_the_same_labels(tiny_dir):
    from train.evaluate.loss import sequence_nll
    from train.evaluate.models import ModelRef, load
    from train.evaluate.tokens import collate, encode_chat

    loaded = load(ModelRef(str(tiny_dir)))
    enc = encode_chat(loaded.tokenizer, to_chat(conversation("x", *FACTS[0])["messages"]), 64)
    ids, attention, labels = collate([enc], loaded.tokenizer.pad_token_id)
    with torch.no_grad():
        expected = loaded.model(input_ids=ids, attention_mask=attention, labels=labels).loss.item()
    result = sequence_nll(loaded.model, [enc], loaded.tokenizer.pad_token_id)
    assert result.total_tokens == enc.target_tokens  # every labelled token is predicted from its left context
    assert result.loss == pytest.approx(expected, rel=1e-5)


def test_preference_accuracy_is_1_when_the_adapter_learned_the_chosen_answers(trained, tiny_dir):
    from train.evaluate.config import EvaluateConfig
    from train.evaluate.core import evaluate_model
    from train.evaluate.models import load, model_ref_from_training_files

    table, out, _ = trained
    loaded = load(model_ref_from_training_files(out))
    msg = lambda role, text: [{"role": role, "content": text, "name": None, "tool_calls": None}]  # noqa: E731
    pairs = [{"id": f"p{i}", "prompt": msg("user", q), "chosen": msg("assistant", a),
              "rejected": msg("assistant", "the sky is blue and the grass is green")} for i, (q, a) in enumerate(FACTS[:4])]
    report = evaluate_model(loaded, held_out=[r for r in table.to_pylist() if r["split"] == "test"], general=[],
                            pairs=pairs, cfg=EvaluateConfig(generate_rows=2, max_new_tokens=8))
    pref = report.metrics["preference"]
    assert pref["pairs"] == 4 and pref["accuracy"] == 1.0 and pref["mean_reward_margin"] > 0
    # The adapter learned the format of the facts, so held-out facts got easier too.
    assert report.metrics["held_out"]["tuned_loss"] < report.metrics["held_out"]["base_loss"]


def test_evaluate_stage_writes_metrics_gate_card_and_plots(trained, store):
    from train.evaluate.stage import EvaluateDpo
    from train.records import TRAINING_EXAMPLE

    from curate.artifacts import run_stage

    split, out, plan = trained
    def put(stage, table, files=None):
        manifest = {"stage": stage, "version": stage + "-v", "inputs": [], "rows": {"in": table.num_rows}, "metrics": {}}
        scratch = store.scratch(stage, stage + "-v")
        for name, source in (files or {}).items():
            (shutil.copytree if source.is_dir() else shutil.copy)(source, scratch / name)
        return store.write(stage, stage + "-v", table, pa.Table.from_pylist([], schema=__import__("schemas").REMOVED),
                           manifest, "", files=scratch)
    general = pa.Table.from_pylist([conversation("g1", "what color is the sky?", "the sky is blue."),
                                    conversation("g2", "what color is the grass?", "the grass is green."),
                                    conversation("f00", *FACTS[0])], schema=CONVERSATION)  # f00 was trained on
    msg = lambda role, text: [{"role": role, "content": text, "name": None, "tool_calls": None}]  # noqa: E731
    pairs = pa.Table.from_pylist([{"id": "p1", "prompt": msg("user", FACTS[20][0]), "chosen": msg("assistant", FACTS[20][1]),
                                   "rejected": msg("assistant", "blue"), "margin": 1.0, "source": "t", "source_ref": "t:1",
                                   "meta": "{}", "split": "test"}], schema=PREFERENCE_PAIR_SPLIT)
    model_art = put("train_sft", plan.used.cast(TRAINING_EXAMPLE),
                    {"adapter": out / "adapter", "lineage.json": out / "lineage.json"})
    inputs = {"split": put("split", split), "model": model_art, "general": put("ingest", general), "pairs": put("build_pairs", pairs)}
    cfg = EvaluateDpo.Config(generate_rows=2, max_new_tokens=8, card_samples=2)
    art = run_stage(EvaluateDpo(), cfg, inputs, store)

    m = art.manifest["metrics"]
    assert set(m["gate"]) == {"passed", "base_loss", "tuned_loss", "rel_change", "threshold"}
    assert m["leakage_proof"]["disjoint"] and m["general_removed_trained_on"] == 1
    assert art.rows == {"in": 8 + 2 + 1 + 1, "kept": 8 + 2 + 1, "removed": 1, "removed_by_reason": {"trained_on": 1}}
    assert m["held_out"]["rows_scored"] == 8 and m["generation"]["prompts"] == 2 and m["preference"]["pairs"] == 1
    card = art.card_path.read_text()
    assert "Regression gate" in card and "Side-by-side samples" in card
    assert {f["path"] for f in art.manifest["files"]} == {"losses.png", "per_example_loss.png"}
    assert (art.files_dir / "losses.png").read_bytes()[:4] == b"\x89PNG"


def test_evaluate_stage_refuses_a_test_row_the_model_trained_on(trained, store):
    from train.evaluate.leakage import LeakageError
    from train.evaluate.stage import Evaluate
    from train.records import TRAINING_EXAMPLE

    split, out, plan = trained
    leaked = pa.concat_tables([plan.used, pa.Table.from_pylist(
        [{"id": "f20", "split": "train", "tokens": 10, "loss_tokens": 5, "truncated": False}], schema=TRAINING_EXAMPLE)])
    with pytest.raises(LeakageError, match="f20"):
        Evaluate().run({"split": split, "model": leaked, "general": pa.Table.from_pylist([], schema=CONVERSATION)},
                       Evaluate.Config(), StageContext(input_files={"model": out}))
