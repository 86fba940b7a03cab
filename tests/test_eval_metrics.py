"""Pure parts of the evaluation: leakage proof, regression gate, ROUGE-L, format checks, DPO rewards."""

from __future__ import annotations

import json
import math

import pyarrow as pa
import pytest

from schemas import SPLIT_CONVERSATION
from tests.conftest import conversation
from train.evaluate.gate import gate_failures, regression_gate
from train.evaluate.leakage import LeakageError, prove_disjoint
from train.evaluate.preference import pair_scores
from train.evaluate.text_metrics import exact_match, format_ok, reference_format, rouge_l


def split_table(rows: list[tuple[str, str, dict]]) -> pa.Table:
    out = []
    for cid, split, meta in rows:
        row = conversation(cid, f"question {cid}", f"answer {cid}", meta=meta)
        out.append({**row, "split": split})
    return pa.Table.from_pylist(out, schema=SPLIT_CONVERSATION)


CLEAN = [
    ("a", "train", {"split_group": "a", "near_dup_group": "n1"}),
    ("b", "train", {"split_group": "a", "near_dup_group": "n1"}),
    ("c", "test", {"split_group": "c", "same_prompt_group": "p2"}),
    ("d", "validation", {"split_group": "d"}),
]


def test_clean_split_is_proved_disjoint():
    proof = prove_disjoint(split_table(CLEAN))
    assert proof.disjoint
    assert proof.train_rows == 2 and proof.held_out_rows == 1
    assert proof.groups_checked["split_group"] == 1 and proof.groups_checked["same_prompt_group"] == 1


def test_planted_near_duplicate_group_crossing_into_test_fails_loudly():
    leaky = CLEAN + [("e", "test", {"split_group": "e", "near_dup_group": "n1"})]  # n1 is in train
    with pytest.raises(LeakageError, match=r"1 near_dup_group group\(s\) cross train and test \(e\.g\. n1\)"):
        prove_disjoint(split_table(leaky))


def test_a_test_id_the_model_trained_on_is_a_leak():
    table = split_table(CLEAN)
    trained_extra = table.filter(pa.array([r == "c" for r in table.column("id").to_pylist()]))
    with pytest.raises(LeakageError, match=r"1 id\(s\) in both train and test \(e\.g\. c\)"):
        prove_disjoint(table, extra_train=trained_extra)
    proof = prove_disjoint(table, extra_train=trained_extra, raise_on_leak=False)
    assert proof.shared_ids == ("c",) and not proof.disjoint


def test_gate_passes_within_threshold_and_fails_beyond_it():
    ok = regression_gate(2.0, 2.05)  # +2.5%
    assert ok.passed and ok.rel_change == pytest.approx(0.025) and ok.threshold == 0.03
    better = regression_gate(2.0, 1.5)
    assert better.passed and better.rel_change == pytest.approx(-0.25)
    bad = regression_gate(2.0, 2.08)  # +4%
    assert not bad.passed and "FAILED" in bad.sentence()
    assert not regression_gate(2.0, math.nan).passed
    assert regression_gate(2.0, 2.08, threshold=0.05).passed
    with pytest.raises(ValueError, match="base_loss"):
        regression_gate(0.0, 1.0)


def test_gate_failures_reads_the_gate_from_manifests():
    manifests = [("split", {"metrics": {}}),
                 ("evaluate", {"metrics": {"gate": regression_gate(2.0, 2.2).as_dict()}})]
    failures = gate_failures(manifests)
    assert len(failures) == 1 and failures[0].startswith("evaluate: Regression gate FAILED")
    assert gate_failures([("evaluate", {"metrics": {"gate": regression_gate(2.0, 2.0).as_dict()}})]) == []


def test_rouge_l_on_known_strings():
    assert rouge_l("the cat sat on the mat", "the cat sat on the mat") == pytest.approx(1.0)
    # LCS "the cat the mat" = 4 of 6 words each side: P = R = F = 4/6.
    assert rouge_l("the cat lay on the mat", "the cat sat in the mat") == pytest.approx(4 / 6)
    assert rouge_l("completely different words", "the cat sat") == 0.0


def test_exact_match_ignores_whitespace_only():
    assert exact_match("  Paris\n", "Paris")
    assert not exact_match("paris", "Paris")


def test_json_reference_requires_json_answer():
    ref = json.dumps({"name": "Ada", "born": 1815})
    assert reference_format(ref) == "json"
    assert format_ok('```json\n{"name": "Ada"}\n```', "json") is True
    assert format_ok("{name: Ada}", "json") is False
    assert reference_format("42") is None and format_ok("anything", None) is None


def test_preference_accuracy_and_margin_on_constructed_log_probs():
    # Pair 1: tuning raised the chosen answer by 10 nats and lowered the rejected by 5 -> ranked right.
    # Pair 2: tuning raised the rejected one more -> ranked wrong.
    scores = pair_scores(policy_chosen=[-10.0, -20.0], policy_rejected=[-25.0, -8.0],
                         ref_chosen=[-20.0, -21.0], ref_rejected=[-20.0, -12.0], beta=0.1)
    assert scores.reward_chosen == pytest.approx((1.0, 0.1))
    assert scores.reward_rejected == pytest.approx((-0.5, 0.4))
    assert scores.correct == [True, False]
    assert scores.accuracy == 0.5
    assert scores.mean_margin == pytest.approx(((1.5) + (-0.3)) / 2)


def test_a_table_of_conversations_becomes_a_train_split_for_sft():
    from schemas import CONVERSATION
    from tests.conftest import conversations_table
    from train.evaluate.arms import as_train_split, training_rows

    raw = conversations_table([conversation("r1", "q", "a"), conversation("r2", "q2", "a2")])
    assert as_train_split(raw).column("split").to_pylist() == ["train", "train"] and raw.schema == CONVERSATION
    split = pa.Table.from_pylist([{**conversation("t", "q", "a"), "split": "test"}, {**conversation("u", "q", "a"), "split": "train"}],
                                 schema=SPLIT_CONVERSATION)
    assert training_rows(split).column("id").to_pylist() == ["u"] and training_rows(split).schema == CONVERSATION
