"""A flows.yaml that is hostile or wrong is refused fast, in one line that names the key, the line or the bound."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.config import ConfigError, load_project

GOOD = """flows:
  tiny:
    steps:
      - stage: ingest
        config: {sources: [{path: chat.jsonl}]}
"""

BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]" for prev, name in zip("abcdefgh", "bcdefghi")]
)
"""Nine levels of nine aliases: 9**9 (387 million) strings from 342 bytes."""


@pytest.fixture
def flows(tmp_path):
    (tmp_path / "chat.jsonl").write_text('{"instruction": "a", "output": "b"}\n')

    def write(text: str | bytes):
        path = tmp_path / "flows.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return path

    return write


def refused(path) -> tuple[str, float, int]:
    """The error, the seconds and the peak bytes Python allocated to refuse the file."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ConfigError) as exc:
            load_project(path)
        return str(exc.value), time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_alias_bomb_is_refused_in_under_a_second_and_100_mb(flows):
    assert len(BOMB) < 1500
    message, seconds, peak = refused(flows(BOMB + "\n" + GOOD))
    assert "alias bomb" in message and "line 6" in message  # where the expansion first passes the budget
    assert seconds < 1 and peak < 100 * 2**20


def test_an_alias_bomb_inside_a_step_config_is_refused_before_validation(flows):
    text = BOMB + "\n" + GOOD.replace("{sources: [{path: chat.jsonl}]}", "{sources: [{path: chat.jsonl}], extra: *i}")
    message, seconds, peak = refused(flows(text))
    assert "alias" in message and seconds < 1 and peak < 100 * 2**20


def test_a_self_referencing_alias_is_refused(flows):
    message, _, _ = refused(flows(GOOD + "x: &x [*x]\n"))
    assert "line 6" in message and "contains it" in message


def test_a_few_aliases_for_shared_config_still_work(flows):
    text = GOOD.replace("config: {sources: [{path: chat.jsonl}]}", "config: &ingest {sources: [{path: chat.jsonl}]}")
    text += "  again:\n    steps:\n      - stage: ingest\n        config: *ingest\n"
    project = load_project(flows(text))
    assert set(project.flows) == {"tiny", "again"}


def test_a_duplicate_key_names_the_key_and_both_lines(flows):
    message, _, _ = refused(flows(GOOD + "  tiny:\n    steps: []\n"))
    assert "key 'tiny' appears twice" in message and "line 6" in message and "line 2" in message


def test_a_merge_key_may_be_overridden(flows):
    merged = "config: {<<: {sources: [{path: nope.jsonl}]}, sources: [{path: chat.jsonl}]}"
    text = GOOD.replace("config: {sources: [{path: chat.jsonl}]}", merged)
    assert load_project(flows(text)).flows["tiny"].steps[0].config["sources"] == [{"path": "chat.jsonl"}]


@pytest.mark.parametrize("value", ["100000", "1.0e+9", "1000000000"])
def test_num_perm_past_its_bound_is_refused_with_the_bound(flows, value):
    from pipelines.registry import stage_class

    stage_class("dedup_minhash")  # imported first: the import is not the refusal
    text = GOOD + f"      - stage: dedup_minhash\n        config: {{num_perm: {value}}}\n"
    message, seconds, _ = refused(flows(text))
    assert "flows.tiny.steps[1].config.num_perm" in message and "less than or equal to 1024" in message
    assert seconds < 1


def test_runner_shards_are_bounded_too(flows):
    message, _, _ = refused(flows("runner: {shards: 1000000}\n" + GOOD))
    assert "runner.shards" in message and "4096" in message


def test_a_huge_value_is_cut_before_it_is_rendered(flows):
    """The value is shown as a short repr made while rendering: never the whole of it."""
    huge = "x" * 500_000
    message, seconds, _ = refused(flows(GOOD.replace("path: chat.jsonl", f"path: chat.jsonl, format: {huge}")))
    assert "format" in message and len(message) < 600 and seconds < 1


def test_many_bad_items_are_summarised(flows):
    text = GOOD.replace("{sources: [{path: chat.jsonl}]}", "{sources: [" + ", ".join(["{path: 1, bogus: 2}"] * 500) + "]}")
    message, _, _ = refused(flows(text))
    assert len(message.splitlines()) == 11 and message.splitlines()[-1].endswith("more errors")


@pytest.mark.parametrize("name", ["a/b", "../x", ".hidden"])
def test_a_flow_name_must_be_a_plain_folder_name(flows, name):
    message, _, _ = refused(flows(GOOD.replace("tiny:", f"'{name}':")))
    assert "a flow name is a folder name" in message


def test_a_binary_file_is_one_line_and_exit_2(flows):
    path = flows(bytes(range(256)) * 8)
    result = CliRunner().invoke(app, ["run", "tiny", "--config", str(path)])
    assert result.exit_code == 2
    assert "not UTF-8 text" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_file_that_is_not_a_mapping_is_refused(flows):
    message, _, _ = refused(flows("- just\n- a list\n"))
    assert "top level is a list" in message


def test_artifacts_dir_that_is_a_file_is_one_line_and_exit_2(flows, tmp_path):
    path = flows("artifacts_dir: chat.jsonl\n" + GOOD)
    result = CliRunner().invoke(app, ["run", "tiny", "--config", str(path)])
    assert result.exit_code == 2 and "is a file, not a folder" in result.output and "Traceback" not in result.output
    listed = CliRunner().invoke(app, ["artifacts", "list", "--artifacts", str(tmp_path / "chat.jsonl")])
    assert listed.exit_code == 2 and "is a file, not a folder" in listed.output


def test_split_ratios_are_weights_as_documented(flows):
    """Decided: ratios are relative weights (the field says "normalised to sum 1"),
    so 0.9/0.9/0.9 is three equal splits, not an error; negative or all-zero are errors."""
    from curate.split.stage import SplitConfig

    assert "normalised to sum 1" in SplitConfig.model_fields["ratios"].description
    text = GOOD + "      - stage: split\n        config: {ratios: {train: 0.9, validation: 0.9, test: 0.9}}\n"
    assert load_project(flows(text)).flows["tiny"].steps[1].config["ratios"]["test"] == 0.9
    message, _, _ = refused(flows(text.replace("test: 0.9", "test: -0.9")))
    assert "ratios must be non-negative" in message
