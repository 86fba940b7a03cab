"""The flows.yaml steps proposed for the curation flow validate into typed configs."""

from __future__ import annotations

import textwrap

import pytest

from pipelines.config import ConfigError, load_project, resolve_flow

STEPS = """
artifacts_dir: artifacts
flows:
  curation:
    steps:
      - stage: ingest
        config: {sources: [{path: demo.jsonl}]}
      - stage: ingest
        name: ingest_general
        config: {sources: [{path: general.jsonl}]}
      - stage: score_quality
        inputs: {records: ingest}
      - stage: filter_quality
        config: {languages: [en], max_repetition: 0.3, dry_run: false}
      - stage: embed
      - stage: cluster
        inputs: {records: filter_quality, embeddings: embed}
        config: {k_candidates: [8, 16, 32], seed: 0}
      - stage: split
        inputs: {records: cluster}
        config: {stratify_by: cluster, seed: 0, contamination: {n: 13, policy: move_to_train}}
      - stage: mix_general
        inputs: {records: split, general: ingest_general}
        config: {fraction: 0.1, seed: 0}
"""


def test_proposed_curation_steps_validate(tmp_path):
    path = tmp_path / "flows.yaml"
    path.write_text(STEPS)
    steps = {s.name: s for s in resolve_flow(load_project(path), "curation")}
    assert steps["cluster"].inputs == {"records": "filter_quality", "embeddings": "embed"}
    assert steps["split"].config.contamination.policy == "move_to_train"
    assert steps["mix_general"].inputs == {"records": "split", "general": "ingest_general"}


def test_a_bad_policy_is_named_with_the_value_seen(tmp_path):
    path = tmp_path / "flows.yaml"
    path.write_text(STEPS.replace("policy: move_to_train", "policy: ignore"))
    with pytest.raises(ConfigError, match=r"contamination\.policy.*'ignore'"):
        load_project(path)
