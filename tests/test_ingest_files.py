"""Files in every supported container; bad records quarantined with file, line and reason."""

from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curate.artifacts import ArtifactStore, run_stage
from curate.ingest import Ingest, IngestConfig, Source, UnreadableInput
from curate.stage import StageContext

GOOD = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}


def ingest(*sources: Source):
    result = Ingest().run({}, IngestConfig(sources=sources), StageContext())
    assert result.rows_in == result.kept.num_rows + result.removed.num_rows
    return result


def by_ref(result) -> dict[str, str]:
    return dict(zip(result.removed.column("source_ref").to_pylist(), result.removed.column("reason").to_pylist()))


def test_every_bad_line_is_quarantined_with_its_line_and_reason(tmp_path):
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps(GOOD).encode(),
        b'{"messages": [{"role": "user", "content": "trunc',
        b'{"messages": [{"role": "user", "content": "caf\xff"}]}',
        json.dumps({"messages": [{"role": "user", "content": "a"}, {"role": "bot2", "content": "b"}]}).encode(),
        json.dumps({"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]}).encode(),
        json.dumps({"messages": [{"role": "user", "content": "a"}, {"role": "assistant"}]}).encode(),
        json.dumps({"messages": "not a list"}).encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = ingest(Source(path=str(path), format="openai"))
    assert result.kept.num_rows == 1
    assert by_ref(result) == {
        f"{path}:2": "invalid_json",
        f"{path}:3": "invalid_utf8",
        f"{path}:4": "unknown_role",
        f"{path}:5": "role_order",
        f"{path}:6": "empty_turn",
        f"{path}:7": "wrong_type",
    }
    details = result.removed.column("detail").to_pylist()
    # The field is named, the value only described: details reach cards and the Prefect UI before redaction.
    assert any("messages[1].role" in d and "text of 4 characters" in d for d in details)
    assert not any("bot2" in d or "trunc" in d for d in details)


def test_json_array_records_know_their_line(tmp_path):
    path = tmp_path / "alpaca.json"
    path.write_text('[\n  {"instruction": "a", "output": "b"},\n  {"instruction": "c"}\n]\n')
    result = ingest(Source(path=str(path)))
    assert result.kept.column("source_ref").to_pylist() == [f"{path}:2"]
    assert by_ref(result) == {f"{path}:3": "missing_field"}
    assert "output" in result.removed.column("detail")[0].as_py()


def test_empty_file_and_unknown_format_are_quarantined_not_fatal(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    odd = tmp_path / "odd.jsonl"
    odd.write_text('{"foo": 1}\n{"foo": 2}\n')
    result = ingest(Source(path=str(empty)), Source(path=str(odd)))
    assert sorted(result.removed.column("reason").to_pylist()) == ["empty_file", "unknown_format", "unknown_format"]
    assert "set format" in result.removed.column("detail").to_pylist()[-1]


def test_gzip_and_parquet_containers(tmp_path):
    gz = tmp_path / "chat.jsonl.gz"
    gz.write_bytes(gzip.compress(json.dumps({"text": "<|im_start|>user\nHi<|im_end|><|im_start|>assistant\nYo<|im_end|>"}).encode()))
    parquet = tmp_path / "rows.parquet"
    pq.write_table(pa.Table.from_pylist([{"instruction": "a", "input": "", "output": "b"}] * 2), parquet)
    result = ingest(Source(path=str(gz)), Source(path=str(parquet), name="pq"))
    assert result.kept.column("source_format").to_pylist() == ["chatml", "alpaca", "alpaca"]
    assert result.kept.column("source_ref").to_pylist()[1:] == [f"{parquet}#row=0", f"{parquet}#row=1"]
    # The second copy is an exact repeat: it keeps its own id (dedup links it later).
    ids = result.kept.column("id").to_pylist()
    assert len(set(ids)) == 3


def test_format_override_applies_to_every_row(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(GOOD) + "\n")
    result = ingest(Source(path=str(path), format="alpaca"))
    assert by_ref(result) == {f"{path}:1": "missing_field"}


@pytest.mark.parametrize("name", ["missing.jsonl", "notes.txt"])
def test_unreadable_input_raises_one_clear_error(tmp_path, name):
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("hello")
    with pytest.raises(UnreadableInput) as err:
        ingest(Source(path=str(path)))
    assert str(path) in str(err.value)


def test_corrupt_parquet_is_unreadable(tmp_path):
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(UnreadableInput, match="bad.parquet"):
        ingest(Source(path=str(path)))


def test_shared_datasets_row_counts_match_the_files(shared_datasets):
    """Every record of the shared samples is kept or quarantined with a reason."""
    files = {
        "alpaca/alpaca_en_demo.json": 999,
        "sharegpt/glaive_toolcall_en_demo.json": 300,
        "sharegpt/dpo_en_demo.json": 300,
        "sharegpt/kto_en_demo.json": 300,
        "oasst/en_100_tree.jsonl": 100,
        "oasst/en_100_message.jsonl": 100,
    }
    for name, count in files.items():
        result = ingest(Source(path=str(shared_datasets / name)))
        assert result.rows_in == count, name
        assert result.kept.num_rows + result.removed.num_rows == count, name
        assert all(result.removed.column("reason").to_pylist()), name


def test_hh_rlhf_transcripts_are_read_as_conversations(shared_datasets):
    # anthropics/hh-rlhf (real): every row kept but the few whose transcripts break the turn order or hold an empty turn
    result = ingest(Source(path=str(shared_datasets / "hh_rlhf/harmless-base_test.jsonl.gz")))
    reasons = result.removed.column("reason").to_pylist()
    assert result.rows_in == 2312 and result.kept.num_rows + len(reasons) == 2312
    assert set(reasons) <= {"role_order", "empty_turn"} and len(reasons) < 20
    assert all(":" in d and "harmless-base_test.jsonl.gz" in d for d in result.removed.column("detail").to_pylist())


def test_details_describe_long_values_by_shape_so_cards_never_echo_text(tmp_path):
    path = tmp_path / "x.jsonl"
    secret = "Call Jane Roe at jane.roe@example.com about the refund"
    path.write_text(json.dumps({"messages": secret}) + "\n")
    result = ingest(Source(path=str(path), format="openai"))
    detail = result.removed.column("detail")[0].as_py()
    assert "messages" in detail and "text of 54 characters" in detail and "jane" not in detail.lower()


ENDS_ON_USER = {  # one record per format whose last turn is a user turn with no reply
    "sharegpt": {"conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}, {"from": "human", "value": "And?"}]},
    "openai": {"messages": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}, {"role": "user", "content": "And?"}]},
    "llamafactory": {"messages": [{"role": "user", "content": [{"type": "text", "value": "Q"}]},
                                  {"role": "assistant", "content": [{"type": "text", "value": "A"}]},
                                  {"role": "user", "content": [{"type": "text", "value": "And?"}]}]},
    "oasst": {"message_tree_id": "t", "prompt": {"role": "prompter", "text": "Q", "replies": [
        {"role": "assistant", "text": "A", "replies": [{"role": "prompter", "text": "And?", "replies": []}]}]}},
    "chatml": {"text": "<|im_start|>user\nQ<|im_end|><|im_start|>assistant\nA<|im_end|><|im_start|>user\nAnd?<|im_end|>"},
}


@pytest.mark.parametrize("fmt", sorted(ENDS_ON_USER))
def test_a_trailing_user_turn_is_trimmed_and_counted_in_every_format(tmp_path, fmt):
    path = tmp_path / f"{fmt}.jsonl"
    path.write_text(json.dumps(ENDS_ON_USER[fmt]) + "\n")
    result = ingest(Source(path=str(path)))
    [row] = result.kept.to_pylist()
    assert row["source_format"] == fmt
    assert [(m["role"], m["content"]) for m in row["messages"]] == [("user", "Q"), ("assistant", "A")]
    assert json.loads(row["meta"])["trailing_user_turn_trimmed"] is True
    assert result.metrics["trailing_user_turns_trimmed"] == 1 and result.removed.num_rows == 0


def test_a_lone_question_has_nothing_left_to_keep_and_is_quarantined(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"messages": [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Q"}]}) + "\n")
    result = ingest(Source(path=str(path)))
    assert by_ref(result) == {f"{path}:1": "role_order"} and result.metrics["trailing_user_turns_trimmed"] == 0


def test_self_instruct_instances_are_rows_of_their_own(tmp_path):
    path = tmp_path / "seed_tasks.jsonl"
    task = {"id": "seed_task_0", "name": "n", "instruction": "Add the numbers.", "is_classification": False,
            "instances": [{"input": "1 2", "output": "3"}, {"input": "2 2"}, {"input": "", "output": "no input, still fine"}]}
    path.write_text(json.dumps(task) + "\n" + json.dumps({**task, "instances": []}) + "\n")
    result = ingest(Source(path=str(path)))
    assert result.rows_in == 4 and result.metrics["files"][0]["records"] == 2
    assert result.kept.column("source_ref").to_pylist() == [f"{path}:1#instances[0]", f"{path}:1#instances[2]"]
    assert by_ref(result) == {f"{path}:1#instances[1]": "missing_field", f"{path}:2": "missing_field"}


def test_conversations_are_written_a_batch_at_a_time_into_the_same_artifact(store, tmp_path):
    """The step makes its kept rows a Parquet part per ``batch_rows`` conversations, never holding its
    output: the artifact (version, rows, repeat ids counted across files) is the one a single batch gives."""
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    rows = [{"messages": [{"role": "user", "content": f"q{i % 4}"}, {"role": "assistant", "content": "a"}]} for i in range(7)]
    first.write_text("".join(json.dumps(r) + "\n" for r in rows))
    second.write_text("".join(json.dumps(r) + "\n" for r in rows[:3]) + "not json\n")
    config = IngestConfig(sources=(Source(path=str(tmp_path / "*.jsonl")),))
    whole = run_stage(Ingest(), config, {}, store)
    other = ArtifactStore(tmp_path / "other")
    batched = run_stage(Ingest(), config.model_copy(update={"batch_rows": 3}), {}, other)
    assert batched.version == whole.version
    assert len(other.data_files(batched)) == 4 and len(store.data_files(whole)) == 1
    assert other.read(batched).to_pylist() == store.read(whole).to_pylist()
    assert len(set(other.read(batched).column("id").to_pylist())) == 10
    assert batched.manifest["metrics"] == whole.manifest["metrics"]
    assert batched.manifest["rows"] == {"in": 11, "kept": 10, "removed": 1, "removed_by_reason": {"invalid_json": 1}}
