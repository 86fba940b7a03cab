"""The first run on a fresh machine says in one line what it prepares (the ONNX
embedding model, the safetensors base model) instead of printing the tools'
warnings and progress bars; their output is kept for when preparing fails."""

from __future__ import annotations

import logging
import textwrap
import warnings

import pytest
from tqdm import tqdm

from pipelines.config import load_project, resolve_flow
from pipelines.prepare import captured_output, needed, prepare

FLOW = """
flows:
  curation:
    steps:
      - {stage: ingest, config: {sources: [{path: a.jsonl}]}}
      - {stage: embed}
  training:
    extends: curation
    steps:
      - {stage: train_sft, inputs: {records: ingest}}
"""


@pytest.fixture
def fresh_machine(tmp_path, monkeypatch):
    """Model caches in empty folders, as on a machine that never ran a flow."""
    import curate.base_model

    monkeypatch.setenv("LLM_CURATE_MODEL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(curate.base_model, "default_models_dir", lambda: tmp_path / "models")
    (tmp_path / "flows.yaml").write_text(textwrap.dedent(FLOW))
    (tmp_path / "a.jsonl").write_text('{"instruction": "q", "output": "a"}\n')
    return load_project(tmp_path / "flows.yaml")


def test_what_a_fresh_machine_must_prepare_is_named_once_per_model(fresh_machine):
    curation = [p.what for p in needed(resolve_flow(fresh_machine, "curation"))]
    training = [p.what for p in needed(resolve_flow(fresh_machine, "training"))]
    assert curation == ["the embedding model all-MiniLM-L6-v2 for ONNX Runtime (export, int8 quantization)"]
    assert training == curation + ["the base model smollm2-135m-instruct (GGUF weights to a safetensors folder)"]


def test_noise_goes_to_the_buffer_and_the_root_logger_is_left_as_it_was(capfd):
    handlers = list(logging.root.handlers)
    with captured_output() as output:
        warnings.warn("Converting a tensor to a Python boolean might cause the trace to be incorrect", UserWarning)
        logging.warning("Please consider to run pre-processing before quantization")
        for _ in tqdm(range(3), desc="Converting and de-quantizing GGUF tensors..."):
            pass
    seen = capfd.readouterr()
    assert seen.out == "" and seen.err == ""
    assert "trace to be incorrect" in output.getvalue() and "GGUF tensors" in output.getvalue()
    assert logging.root.handlers == handlers


@pytest.mark.slow
def test_the_onnx_export_prints_one_line_and_is_not_needed_again(fresh_machine, capfd):
    steps = resolve_flow(fresh_machine, "curation")
    said: list[str] = []
    prepare(steps, said.append)
    seen = capfd.readouterr()
    assert said == ["preparing the embedding model all-MiniLM-L6-v2 for ONNX Runtime (export, int8 quantization); "
                    "once per machine, this takes a while"]
    assert seen.out == "" and seen.err == "", "the exporter's warnings reached the console"
    assert needed(steps) == []
