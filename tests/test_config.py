"""flows.yaml is validated into typed config; errors name the key and the value seen."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from curate.dedup.exact import ExactConfig
from pipelines.config import ConfigError, load_project, resolve_flow

ROOT_FLOWS = """
flows:
  curation:
    steps:
      - stage: ingest
        config:
          sources: [{path: raw/*.jsonl}]
      - stage: dedup_exact
        config: {view: %s}
"""


def write(tmp_path, text: str):
    path = tmp_path / "flows.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_the_project_flows_file_is_valid():
    from tests.conftest import ROOT

    project = load_project(ROOT / "flows.yaml")
    steps = resolve_flow(project, "curation")
    assert steps[0].stage == "ingest" and steps[1].inputs == {"records": steps[0].name}


def test_steps_get_typed_configs_and_wired_inputs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "raw").mkdir()
    project = load_project(write(tmp_path, ROOT_FLOWS % "first_user"))
    ingest, dedup = resolve_flow(project, "curation")
    assert isinstance(dedup.config, ExactConfig) and dedup.config.view == "first_user"
    assert dedup.inputs == {"records": "ingest"}
    assert ingest.config.sources[0].path == "raw/*.jsonl"


def test_source_paths_are_relative_to_the_flows_file(tmp_path, monkeypatch):
    sub = tmp_path / "project"
    sub.mkdir()
    monkeypatch.chdir(tmp_path)
    project = load_project(write(sub, ROOT_FLOWS % "conversation"))
    ingest = resolve_flow(project, "curation")[0].config
    assert ingest.sources[0].path == "raw/*.jsonl" and ingest.root == str(sub)
    assert str(project.artifacts_dir) == "project/data/artifacts"


TINY_FLOW = """
flows:
  curation:
    steps:
      - stage: ingest
        config: {sources: [{path: raw/chat.jsonl, name: chat}]}
      - stage: dedup_exact
        config: {view: conversation}
"""


def run_tiny_flow(flows, store) -> dict[str, tuple[str, list[str]]]:
    """Each step's version and kept source refs, run through the runner (what a Prefect task does, without Prefect)."""
    from curate.artifacts import run_stage
    from pipelines.registry import stage_class

    done = {}
    for step in resolve_flow(load_project(flows), "curation"):
        inputs = {name: done[source] for name, source in step.inputs.items()}
        done[step.name] = run_stage(stage_class(step.stage)(), step.config, inputs, store)
    return {name: (a.version, sorted(store.read(a).column("source_ref").to_pylist())) for name, a in done.items()}


def test_the_same_flow_has_the_same_versions_and_rows_from_any_working_directory(tmp_path, monkeypatch):
    from curate.artifacts import ArtifactStore

    project = tmp_path / "project"
    (project / "raw").mkdir(parents=True)
    (project / "raw/chat.jsonl").write_text('{"instruction": "hi", "output": "hello"}\n' * 2)
    flows = write(project, TINY_FLOW)
    monkeypatch.chdir(project)
    here = run_tiny_flow(Path("flows.yaml"), ArtifactStore(tmp_path / "a"))
    monkeypatch.chdir(tmp_path)
    elsewhere = run_tiny_flow(Path("project/flows.yaml"), ArtifactStore(tmp_path / "b"))
    assert here == elsewhere and here["ingest"][1] == ["raw/chat.jsonl:1", "raw/chat.jsonl:2"]
    (project / "raw/chat.jsonl").write_text('{"instruction": "hi", "output": "hello!"}\n')
    assert run_tiny_flow(flows, ArtifactStore(tmp_path / "c"))["ingest"][0] != here["ingest"][0], "content still counts"


def test_a_bad_value_names_the_key_and_the_value(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_project(write(tmp_path, ROOT_FLOWS % "whole"))
    message = str(err.value)
    assert "flows.curation.steps[1].config.view" in message and "'whole'" in message


def test_an_unknown_key_is_an_error_not_ignored(tmp_path):
    text = ROOT_FLOWS.replace("config: {view: %s}", "config: {veiw: conversation}")
    with pytest.raises(ConfigError, match=r"steps\[1\]\.config\.veiw"):
        load_project(write(tmp_path, text))


def test_an_unknown_stage_lists_the_known_ones(tmp_path):
    with pytest.raises(ConfigError, match="unknown stage 'dedupe'.*dedup_exact"):
        load_project(write(tmp_path, (ROOT_FLOWS % "conversation").replace("stage: dedup_exact", "stage: dedupe")))


def test_inputs_must_name_an_earlier_step(tmp_path):
    text = (ROOT_FLOWS % "conversation").replace("config: {view: conversation}", "inputs: {records: later}")
    with pytest.raises(ConfigError, match="no earlier step named 'later'"):
        load_project(write(tmp_path, text))


def test_broken_yaml_and_missing_file_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_project(write(tmp_path, "flows: [\n"))
    with pytest.raises(ConfigError, match="no such file"):
        load_project(tmp_path / "nope.yaml")


def test_an_input_may_pin_an_existing_artifact_version(tmp_path):
    text = (ROOT_FLOWS % "conversation").replace("config: {view: conversation}", "inputs: {records: 'artifact:0123456789ab'}")
    project = load_project(write(tmp_path, text))
    assert resolve_flow(project, "curation")[1].inputs == {"records": "artifact:0123456789ab"}
