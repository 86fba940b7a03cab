"""The CLI teaches through --help and fails with one clear message, never a traceback."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from pipelines.cli import app

runner = CliRunner()


def commands(typer_app, prefix=()):
    import typer.main

    group = typer.main.get_command(typer_app)
    stack = [(prefix, group)]
    while stack:
        path, cmd = stack.pop()
        subs = getattr(cmd, "commands", None)
        if subs:
            stack.extend((path + (name,), sub) for name, sub in subs.items())
        else:
            yield path


ALL = sorted(commands(app))


def test_there_are_commands():
    assert ("run",) in ALL and ("artifacts", "lineage") in ALL and ("ingest",) in ALL


@pytest.mark.parametrize("path", ALL, ids=[" ".join(p) for p in ALL])
def test_every_command_has_help_with_an_example(path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output and "curate " in result.output


def test_ingest_prints_counts_and_reasons(tmp_path):
    raw = tmp_path / "a.jsonl"
    raw.write_text(json.dumps({"instruction": "a", "output": "b"}) + "\n{oops\n")
    result = runner.invoke(app, ["ingest", str(raw), "--artifacts", str(tmp_path / "arts")])
    assert result.exit_code == 0, result.output
    assert "2 records, 1 kept, 1 quarantined" in result.output and "invalid_json: 1" in result.output
    version = re.search(r"ingest ([0-9a-f]{12})", result.output).group(1)
    shown = runner.invoke(app, ["artifacts", "show", version[:5], "--artifacts", str(tmp_path / "arts")])
    assert shown.exit_code == 0 and '"invalid_json": 1' in shown.output
    lineage = runner.invoke(app, ["artifacts", "lineage", version, "--artifacts", str(tmp_path / "arts")])
    assert str(raw) in lineage.output


def test_a_missing_file_is_one_line_and_exit_2(tmp_path):
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope.jsonl"), "--artifacts", str(tmp_path / "arts")])
    assert result.exit_code == 2
    assert "nope.jsonl: no such file" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "arts").exists()


def test_a_bad_config_is_one_message_and_exit_2(tmp_path):
    bad = tmp_path / "flows.yaml"
    bad.write_text("flows:\n  curation:\n    steps:\n      - stage: ingest\n        config: {sources: []}\n")
    result = runner.invoke(app, ["run", "--config", str(bad)])
    assert result.exit_code == 2
    assert "flows.curation.steps[0].config.sources" in result.output and "Traceback" not in result.output


def test_unknown_artifact_says_how_to_find_one(tmp_path):
    result = runner.invoke(app, ["artifacts", "show", "abc", "--artifacts", str(tmp_path)])
    assert result.exit_code == 2 and "curate artifacts list" in result.output


@pytest.mark.parametrize("path", ALL, ids=[" ".join(p) for p in ALL])
def test_every_option_help_is_shown_whole(path):
    """Help is rendered as Markdown, which swallows <placeholders>: every word of an option's help must reach the screen."""
    import typer.main

    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    shown = " ".join(re.findall(r"\w+", runner.invoke(app, [*path, "--help"], env={"COLUMNS": "240"}).output))
    for param in command.params:
        words = " ".join(re.findall(r"\w+", getattr(param, "help", None) or ""))
        assert words in shown, f"{param.name}: help {param.help!r} is not shown whole"


def test_stages_lists_the_keys_of_nested_configs():
    result = runner.invoke(app, ["stages"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = lines.index(next(line for line in lines if line.startswith("    sources: ") and "Source" in line))
    assert lines[at + 1].startswith("        path: str (required)") and "flows.yaml" in lines[at + 1]
    pairs = lines[lines.index(next(line for line in lines if line.startswith("build_pairs"))):]
    assert any(line.startswith("        path: str") for line in pairs)
    assert any(line.startswith("    contamination: ContaminationConfig (defaults below)") for line in lines)


def test_lineage_prints_a_shared_input_once_and_refers_back(tmp_path):
    from curate.artifacts import ArtifactStore, run_stage
    from curate.ingest import Ingest, IngestConfig, Source
    from curate.split.stage import MixConfig, MixGeneral, Split, SplitConfig

    raw = tmp_path / "a.jsonl"
    raw.write_text("".join(json.dumps({"instruction": f"question {i}?", "output": f"answer {i}"}) + "\n" for i in range(6)))
    store = ArtifactStore(tmp_path / "arts")
    ingest = run_stage(Ingest(), IngestConfig(sources=(Source(path=str(raw)),)), {}, store)
    split = run_stage(Split(), SplitConfig(), {"records": ingest}, store)
    mixed = run_stage(MixGeneral(), MixConfig(), {"records": split, "general": ingest}, store)
    result = runner.invoke(app, ["artifacts", "lineage", mixed.version, "--artifacts", str(tmp_path / "arts")])
    assert result.exit_code == 0, result.output
    assert result.output.count(f"ingest/{ingest.version}") == 2 and result.output.count(str(raw)) == 1
    assert f"ingest/{ingest.version}  (inputs shown above)" in result.output
