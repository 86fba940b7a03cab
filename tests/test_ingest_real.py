"""The layouts people publish, read from the real files in ../shared/datasets/real/:
every record is kept except the ones malformed upstream, each with its reason."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from curate.ingest import Ingest, IngestConfig, Source
from curate.stage import StageContext


def ingest(path):
    result = Ingest().run({}, IngestConfig(sources=(Source(path=str(path)),)), StageContext())
    assert result.rows_in == result.kept.num_rows + result.removed.num_rows
    return result


def reasons(result) -> dict[str, int]:
    return dict(Counter(result.removed.column("reason").to_pylist()))


# file, format detected, records, quarantined by reason (upstream faults only)
EXPECTED = [
    ("alpaca_eval_pairwise/alpaca-7b__weighted_alpaca_eval_gpt4_turbo.json", "pairwise", 805, {}),
    # 14 lines written as `"input": """"` (invalid JSON); 51 rows have an empty output (46 with status "error", 5 "ok").
    ("alpaca_libre/alpaca_libre_tasks_v2.jsonl", "alpaca", 2294, {"invalid_json": 14, "empty_turn": 51}),
    ("alpaca_zh/alpaca_zh_demo.json", "alpaca", 1000, {}),
    ("fastchat/data_dummy_conversation.json", "sharegpt", 500, {}),
    ("lima/lima.json", "alpaca", 1029, {}),
    ("llamafactory_v1/reason_tool_use_demo_50.jsonl", "llamafactory", 50, {}),
    ("llamafactory_v1/v1_sft_demo.jsonl", "llamafactory", 500, {}),
    ("medicalgpt_dpo/dpo_zh_500.jsonl", "sharegpt", 500, {}),
    ("oaast_rm_zh/oaast_rm_zh.json", "alpaca", 775, {}),
    ("toolformer/toolformer-dedupe-only-dataset.json", "alpaca", 7673, {}),
]


@pytest.mark.parametrize(("relative", "fmt", "records", "removed"), EXPECTED, ids=[e[0].split("/")[0] for e in EXPECTED])
def test_every_real_file_is_kept_but_for_its_upstream_faults(real, relative, fmt, records, removed):
    result = ingest(real / relative)
    assert result.metrics["files"][0]["format"] == fmt
    assert result.rows_in == records
    assert reasons(result) == removed


def test_alpaca_libre_removals_are_the_malformed_lines_and_the_empty_outputs(real):
    path = real / "alpaca_libre/alpaca_libre_tasks_v2.jsonl"
    result = ingest(path)
    lines = path.read_bytes().split(b"\n")
    for ref, reason in zip(result.removed.column("source_ref").to_pylist(), result.removed.column("reason").to_pylist()):
        line = lines[int(ref.rsplit(":", 1)[1]) - 1]
        if reason == "invalid_json":
            assert b'"input": """"' in line
        else:
            assert reason == "empty_turn" and json.loads(line)["output"].strip() == ""


def test_llamafactory_v1_parts_become_text_a_think_block_and_tool_calls(real):
    result = ingest(real / "llamafactory_v1/reason_tool_use_demo_50.jsonl")
    rows = result.kept.to_pylist()
    raw = [json.loads(line) for line in (real / "llamafactory_v1/reason_tool_use_demo_50.jsonl").read_text().splitlines()]
    parts = Counter(p["type"] for r in raw for m in r["messages"] for p in m["content"])
    calls = [c for r in rows for m in r["messages"] for c in m["tool_calls"] or []]
    thinks = [m["content"] for r in rows for m in r["messages"] if m["content"].startswith("<think>\n")]
    assert len(calls) == parts["tool_call"] and len(thinks) == parts["reasoning"]
    assert all(json.loads(c["arguments"]) is not None and c["name"] for c in calls)
    assert sum(json.loads(r["meta"])["reasoning_parts"] for r in rows) == parts["reasoning"]
    assert all("tools" in json.loads(r["meta"]) for r in rows)
    # A turn that answers in text after reasoning keeps both, reasoning first.
    first = next(m for r in rows for m in r["messages"] if "</think>" in m["content"] and not m["tool_calls"])
    assert first["content"].index("</think>") < len(first["content"]) - len("</think>")


def test_llamafactory_v1_plain_text_parts_keep_their_text(real):
    result = ingest(real / "llamafactory_v1/v1_sft_demo.jsonl")
    first = result.kept.to_pylist()[0]
    assert [(m["role"], m["content"]) for m in first["messages"]] == [
        ("user", "hi"), ("assistant", "Hello! I am {{name}}, an AI assistant developed by {{author}}. How can I assist you today?")]
    assert json.loads(first["meta"]) == {}  # loss weights 0/1 are the usual ones: nothing to keep


def test_medicalgpt_string_preferences_keep_the_chosen_reply_and_the_rejected_in_meta(real):
    path = real / "medicalgpt_dpo/dpo_zh_500.jsonl"
    result = ingest(path)
    raw = json.loads(path.read_text().splitlines()[0])
    row = result.kept.to_pylist()[0]
    assert row["messages"][-1]["role"] == "assistant" and row["messages"][-1]["content"] == raw["chosen"].strip()
    assert json.loads(row["meta"])["rejected"]["content"] == raw["rejected"]


def test_ranked_alpaca_outputs_keep_the_best_and_the_rest_in_rank_order(real):
    path = real / "oaast_rm_zh/oaast_rm_zh.json"
    result = ingest(path)
    raw = json.loads(path.read_text())
    for row, source in zip(result.kept.to_pylist()[:50], raw[:50]):
        assert row["messages"][-1]["content"] == source["output"][0].strip()
        assert json.loads(row["meta"])["ranked_below"] == source["output"][1:]
        assert len(row["messages"]) == 2 + 2 * len(source["history"])


def test_pairwise_annotations_keep_the_preferred_output(real):
    path = real / "alpaca_eval_pairwise/alpaca-7b__weighted_alpaca_eval_gpt4_turbo.json"
    result = ingest(path)
    raw = json.loads(path.read_text())
    for row, source in zip(result.kept.to_pylist(), raw):
        meta = json.loads(row["meta"])
        preferred, other = ("output_2", "output_1") if float(source["preference"]) > 1.5 else ("output_1", "output_2")
        assert row["messages"][-1]["content"] == source[preferred].strip()
        assert meta["rejected"]["content"] == source[other] and meta["generator_2"] == source["generator_2"]
