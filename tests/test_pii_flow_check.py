"""No path around redaction is a property of the flow's shape, checked when flows.yaml loads.

Once a flow has a ``redact_pii`` step, raw rows reaching a step after it are a
config error that names the step, the input and the fix; ``build_pairs``, which
reads its own files after redaction, is given the flow's policy; and every
``redact_pii`` step of a flow must use one policy.
"""

from __future__ import annotations

import pytest

from pipelines.config import ConfigError, load_project, resolve_flow
from tests.conftest import ROOT

HEAD = """
artifacts_dir: artifacts
flows:
  curation:
    steps:
      - {stage: ingest, config: {sources: [{path: demo.jsonl}]}}
      - stage: redact_pii
        config: &pii {operators: {API_KEY: drop}, workers: 2}
      - {stage: split, config: {seed: 0}}
      - {stage: ingest, name: ingest_general, config: {sources: [{path: general.jsonl}]}}
"""


def load(tmp_path, steps: str, head: str = HEAD):
    path = tmp_path / "flows.yaml"
    path.write_text(head + steps)
    return {s.name: s for s in resolve_flow(load_project(path), "curation")}


def test_the_demo_flows_redact_the_general_set_and_give_build_pairs_the_flow_policy():
    project = load_project(ROOT / "flows.yaml")
    steps = {s.name: s for s in resolve_flow(project, "evaluation")}
    assert steps["mix_general"].inputs["general"] == "redact_general"
    assert steps["evaluate"].inputs["general"] == "redact_general"
    assert steps["redact_general"].config == steps["redact_pii"].config
    assert steps["build_pairs"].config.redact == steps["redact_pii"].config


def test_raw_rows_joining_redacted_ones_are_an_error_naming_the_step_and_the_fix(tmp_path):
    mix = "      - {stage: mix_general, inputs: {records: split, general: ingest_general}, config: {fraction: 0.1}}\n"
    with pytest.raises(ConfigError) as err:
        load(tmp_path, mix)
    message = str(err.value)
    assert "flows.curation" in message and "'mix_general'" in message and "'general'" in message
    assert "add a redact_pii step after 'ingest_general'" in message


def test_raw_rows_are_traced_through_intermediate_steps_to_the_ingest_that_read_them(tmp_path):
    steps = ("      - {stage: score_quality, name: general_scored, inputs: {records: ingest_general}}\n"
             "      - {stage: mix_general, inputs: {records: split, general: general_scored}, config: {fraction: 0.1}}\n")
    with pytest.raises(ConfigError, match="'general_scored' \\(rows read by 'ingest_general'\\)"):
        load(tmp_path, steps)


def test_a_second_redact_pii_with_its_own_policy_is_refused_but_workers_may_differ(tmp_path):
    weaker = ("      - {stage: redact_pii, name: redact_general, inputs: {records: ingest_general},"
              " config: {operators: {API_KEY: drop}, score_threshold: 0.9}}\n")
    with pytest.raises(ConfigError, match="'redact_general' redacts with another policy .*score_threshold"):
        load(tmp_path, weaker)
    same = ("      - {stage: redact_pii, name: redact_general, inputs: {records: ingest_general},"
            " config: {operators: {API_KEY: drop}, workers: 1}}\n"
            "      - {stage: mix_general, inputs: {records: split, general: redact_general}, config: {fraction: 0.1}}\n")
    assert set(load(tmp_path, same)) >= {"redact_general", "mix_general"}


def test_build_pairs_after_redaction_redacts_on_read_with_the_flow_policy(tmp_path):
    pairs = "      - {stage: build_pairs, inputs: {split: split}, config: {sources: [{path: pairs.jsonl}]}}\n"
    policy = load(tmp_path, pairs)["build_pairs"].config.redact
    assert policy is not None and policy.operators == {"API_KEY": "drop"}
    assert policy.workers == 1  # execution fields do not travel: the pairs' version does not depend on them
    other = pairs.replace("sources:", "redact: {score_threshold: 0.9}, sources:")
    with pytest.raises(ConfigError, match="'build_pairs' \\(build_pairs\\).config.redact: differs"):
        load(tmp_path, other)


def test_a_flow_without_redaction_is_left_as_written(tmp_path):
    head = HEAD.replace("      - stage: redact_pii\n        config: &pii {operators: {API_KEY: drop}, workers: 2}\n", "")
    steps = load(tmp_path, "      - {stage: mix_general, inputs: {records: split, general: ingest_general}}\n"
                           "      - {stage: build_pairs, inputs: {split: split}, config: {sources: [{path: p.jsonl}]}}\n",
                 head)
    assert "redact_pii" not in steps and steps["build_pairs"].config.redact is None
