"""build_pairs: source adapters, guards (ties, identical answers, margin, duplicates),
the split guard, length bias, and the three shared real sources."""

from __future__ import annotations

import json
from collections import Counter

import pyarrow as pa
import pytest

from curate.artifacts.runner import run_stage
from curate.pairs import guards
from curate.pairs.sources import FORMATS, alpaca, hh, oasst, pairwise, ranked_pairs, trl
from curate.pairs.stage import BuildPairs, BuildPairsConfig, NoPairsKept
from curate.stage import StageContext, removed_table
from schemas import SPLIT_CONVERSATION
from tests.conftest import conversation


def split_table(rows: list[tuple[str, str, str, str]], metas: dict | None = None) -> pa.Table:
    """(id, user, assistant, split) rows as a SPLIT_CONVERSATION table, as the split stage writes it."""
    return pa.Table.from_pylist(
        [{**conversation(cid, u, a, meta=(metas or {}).get(cid)), "split": s} for cid, u, a, s in rows], schema=SPLIT_CONVERSATION)


EMPTY_SPLIT = SPLIT_CONVERSATION.empty_table()


def write_jsonl(path, rows) -> str:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return str(path)


def build(tmp_path, rows, split=EMPTY_SPLIT, **config):
    cfg = BuildPairsConfig(sources=[{"path": write_jsonl(tmp_path / "pairs.jsonl", rows), "name": "t"}], **config)
    return BuildPairs().run({"split": split}, cfg, StageContext())


def reasons(result) -> list[str]:
    return result.removed.column("reason").to_pylist()


# --- HH-RLHF prefix splitting -------------------------------------------------

def test_hh_shared_prefix_becomes_the_prompt_and_the_last_turns_the_answers():
    row = {"chosen": "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Name a fruit.\n\nAssistant: An apple.",
           "rejected": "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Name a fruit.\n\nAssistant: No."}
    [pair] = hh(row)
    assert [(m["role"], m["content"]) for m in pair.prompt] == [("user", "Hi"), ("assistant", "Hello!"), ("user", "Name a fruit.")]
    assert [m["content"] for m in pair.chosen] == ["An apple."]
    assert [m["content"] for m in pair.rejected] == ["No."]


def test_hh_transcripts_diverging_in_an_earlier_assistant_turn_keep_the_whole_continuation():
    row = {"chosen": "\n\nHuman: Q1\n\nAssistant: A1\n\nHuman: Q2\n\nAssistant: A2",
           "rejected": "\n\nHuman: Q1\n\nAssistant: B1\n\nHuman: Q2\n\nAssistant: B2"}
    [pair] = hh(row)
    assert [m["content"] for m in pair.prompt] == ["Q1"]
    assert [m["role"] for m in pair.chosen] == ["assistant", "user", "assistant"]
    # Continuations that hold user turns no longer answer one shared prompt.
    assert guards.check_pair(pair.prompt, pair.chosen, pair.rejected, None, 0)[0] == "different_prompts"


# --- guards through the stage -------------------------------------------------

def test_ties_identical_answers_margin_duplicates_and_bad_records_are_removed_with_reasons(tmp_path):
    rows = [
        {"prompt": "What is 2+2?", "chosen": "4", "rejected": "5", "score_chosen": 9, "score_rejected": 2},   # kept, margin 7
        {"prompt": "Capital of France?", "chosen": "Paris", "rejected": "Lyon", "score_chosen": 5, "score_rejected": 5},  # tie
        {"prompt": "Say hi", "chosen": "Hi  there", "rejected": "hi there"},                                # identical after normalisation
        {"prompt": "Pick a colour", "chosen": "Blue", "rejected": "Green", "margin": 0.5},                  # below min margin 1
        {"prompt": "Say bye", "chosen": "", "rejected": "Bye"},                                            # empty answer
        {"prompt": "what is 2+2?", "chosen": "4", "rejected": "5"},                                        # duplicate of the first
        "{not json",                                                                                        # unreadable line
        {"prompt": "No answers here"},                                                                      # unparseable (trl needs chosen)
    ]
    result = build(tmp_path, rows, min_margin=1.0)
    assert result.kept.column("source_ref").to_pylist() == [f"{tmp_path / 'pairs.jsonl'}:1"]
    assert result.kept.column("margin").to_pylist() == [7.0]
    assert sorted(reasons(result)) == sorted(["tie", "identical_answers", "margin_below_min", "empty_answer",
                                              "duplicate_pair", "invalid_json", "unparseable"])
    dup = result.removed.filter(pa.compute.equal(result.removed.column("reason"), "duplicate_pair")).to_pylist()[0]
    assert dup["duplicate_of"] == result.kept.column("id")[0].as_py()
    assert result.rows_in == result.kept.num_rows + result.removed.num_rows == 8
    assert result.metrics["by_source"]["t"]["removed"]["tie"] == 1


def test_kept_pairs_are_trl_conversational_message_lists(tmp_path):
    result = build(tmp_path, [{"prompt": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
                               "chosen": [{"role": "assistant", "content": "Hello"}], "rejected": "Go away"}])
    row = result.kept.to_pylist()[0]
    assert [m["role"] for m in row["prompt"]] == ["system", "user"]
    assert row["chosen"][0]["content"] == "Hello" and row["rejected"][0] == {"role": "assistant", "content": "Go away", "name": None, "tool_calls": None}
    assert row["split"] in ("train", "validation", "test")


def test_runner_accepts_the_stage_and_counts_every_candidate(tmp_path, store):
    path = write_jsonl(tmp_path / "p.jsonl", [{"prompt": "a", "chosen": "b", "rejected": "c"}, {"prompt": "a", "chosen": "b", "rejected": "b"}])
    split = store.write("split", "v0", split_table([("x", "a", "b", "test")]), removed_table([]), {"stage": "split", "rows": {"in": 1}}, "card")
    artifact = run_stage(BuildPairs(), BuildPairsConfig(sources=[{"path": path}]), {"split": split}, store)
    kept = store.read(artifact)
    assert kept.column("split").to_pylist() == ["test"]  # inherited from the split artifact
    manifest = json.loads((artifact.path / "manifest.json").read_text())
    assert manifest["rows"] == {"in": 2, "kept": 1, "removed": 1, "removed_by_reason": {"identical_answers": 1}}
    assert manifest["external"][0]["path"] == path


# --- ranked sources -----------------------------------------------------------

def test_ranked_pairs_strategies_and_ties_stay_visible():
    assert ranked_pairs([1.0, 3.0, 2.0], "best_vs_worst") == [(1, 0, 2.0)]
    assert ranked_pairs([1.0, 3.0, 2.0], "best_vs_rest") == [(1, 2, 1.0), (1, 0, 2.0)]
    assert len(ranked_pairs([1.0, 3.0, 2.0, 0.0], "all")) == 6
    assert ranked_pairs([2.0, 2.0], "best_vs_worst") == [(0, 1, 0.0)]  # a tie is a candidate, the guard drops it
    assert ranked_pairs([2.0], "all") == []


def oasst_tree(ranks=(0, 1, 2)):
    replies = [{"message_id": f"a{i}", "role": "assistant", "text": f"answer {i}", "rank": r,
                "replies": [{"message_id": f"u{i}", "role": "prompter", "text": "and then?", "replies": [
                    {"message_id": f"a{i}x", "role": "assistant", "text": "more", "rank": 0, "replies": []},
                    {"message_id": f"a{i}y", "role": "assistant", "text": "less", "rank": 1, "replies": []}]}]}
               for i, r in enumerate(ranks)]
    return {"message_tree_id": "t1", "prompt": {"message_id": "t1", "role": "prompter", "text": "Tell me a story", "replies": replies}}


def test_oasst_siblings_become_ranked_pairs_at_every_depth():
    pairs = oasst(oasst_tree(), "best_vs_worst")
    assert len(pairs) == 4  # the root's siblings, then one deeper sibling set under each answer
    top = pairs[0]
    assert [m["content"] for m in top.prompt] == ["Tell me a story"]
    assert (top.chosen[0]["content"], top.rejected[0]["content"], top.margin) == ("answer 0", "answer 2", 2.0)
    assert [m["role"] for m in pairs[1].prompt] == ["user", "assistant", "user"]


def test_oasst_tied_ranks_and_a_tree_without_pairs_are_accounted_for(tmp_path):
    lone = {"message_tree_id": "t2", "prompt": {"message_id": "t2", "role": "prompter", "text": "Alone", "replies": [
        {"message_id": "b", "role": "assistant", "text": "only answer", "rank": 0, "replies": []}]}}
    result = build(tmp_path, [oasst_tree(ranks=(0, 0)), lone], pairs_per_prompt="best_vs_rest")
    assert sorted(reasons(result)) == ["no_pairs", "tie"]
    assert result.kept.num_rows == 2  # the two deeper sibling sets, under different answers
    assert result.rows_in == 4 == result.kept.num_rows + result.removed.num_rows  # 3 candidates + 1 tree without one
    # every pair of one tree, at any depth, lands in one split
    assert len(set(result.kept.column("split").to_pylist())) == 1


def test_ratings_in_the_split_inputs_meta_make_pairs_with_a_minimum_margin(tmp_path):
    split = split_table([("c1", "Explain tides", "The moon pulls the sea.", "validation"),
                         ("c2", "Explain tides", "Dunno.", "validation"),
                         ("c3", "Explain tides", "Gravity of the moon and sun.", "validation"),
                         ("c4", "Other", "x", "train")],
                        metas={"c1": {"rating": 4}, "c2": {"rating": 1}, "c3": {"rating": 3.5}})
    result = BuildPairs().run({"split": split}, BuildPairsConfig(ratings_key="rating", pairs_per_prompt="all", min_margin=1), StageContext())
    kept = result.kept.to_pylist()
    assert [(r["chosen"][0]["content"], r["rejected"][0]["content"], r["margin"]) for r in kept] == [
        ("The moon pulls the sea.", "Dunno.", 3.0), ("Gravity of the moon and sun.", "Dunno.", 2.5)]
    assert {r["split"] for r in kept} == {"validation"}
    assert reasons(result) == ["margin_below_min"]  # 4 vs 3.5


# --- the split guard ----------------------------------------------------------

def test_pairs_inherit_the_split_of_their_prompt_and_never_cross_train_and_test(tmp_path):
    split = split_table([("a", "What is DNA?", "A molecule.", "test"), ("b", "what   is dna?", "Genes.", "train"),
                         ("c", "Boil an egg", "Ten minutes.", "train")])
    rows = [{"prompt": "What is DNA?", "chosen": "A molecule that carries genes.", "rejected": "A band."},
            {"prompt": [{"role": "user", "content": "What is DNA?"}, {"role": "assistant", "content": "A molecule."},
                        {"role": "user", "content": "Say more"}], "chosen": "It has two strands.", "rejected": "No."},
            {"prompt": "Boil an egg", "chosen": "Ten minutes in boiling water.", "rejected": "Microwave it."}]
    rows += [{"prompt": f"Unseen prompt {i}", "chosen": f"good {i}", "rejected": f"bad {i}"} for i in range(40)]
    rows += [{"prompt": f"unseen PROMPT {i}", "chosen": f"better {i}", "rejected": f"worse {i}"} for i in range(40)]
    result = build(tmp_path, rows, split=split)
    kept = result.kept.to_pylist()
    assert [r["split"] for r in kept[:3]] == ["test", "test", "train"]  # DNA is in test upstream (and in train): held-out wins
    by_prompt: dict[str, set] = {}
    for r in kept:
        by_prompt.setdefault(guards.prompt_key(r["prompt"]), set()).add(r["split"])
    assert all(len(s) == 1 for s in by_prompt.values())
    assert {"train", "test"} <= {r["split"] for r in kept[3:]}  # hashed prompts spread over splits
    assert result.metrics["split_inherited"] == 3 and result.metrics["split_hashed"] == 80


def test_hashed_split_is_deterministic_and_follows_the_ratios():
    keys = [f"prompt {i}" for i in range(4000)]
    splits = [guards.hashed_split(k, {"train": 0.8, "validation": 0.1, "test": 0.1}, seed=3) for k in keys]
    assert splits == [guards.hashed_split(k, {"train": 0.8, "validation": 0.1, "test": 0.1}, seed=3) for k in keys]
    assert 0.77 < splits.count("train") / 4000 < 0.83
    assert splits != [guards.hashed_split(k, {"train": 0.8, "validation": 0.1, "test": 0.1}, seed=4) for k in keys]


# --- length bias --------------------------------------------------------------

def test_length_bias_report_and_balancing(tmp_path):
    rows = [{"prompt": f"q{i}", "chosen": "long answer " * (i + 2), "rejected": "short"} for i in range(6)]
    rows += [{"prompt": f"r{i}", "chosen": "ok", "rejected": "much longer rejected answer"} for i in range(2)]
    report = build(tmp_path, rows)
    assert report.metrics["length_bias"]["all"]["chosen_longer_share"] == 0.75
    assert report.metrics["length_bias_after_balancing"] is None and report.removed.num_rows == 0
    balanced = build(tmp_path, rows, max_chosen_longer_share=0.5)
    assert balanced.metrics["length_bias_after_balancing"]["all"]["chosen_longer_share"] == 0.5
    dropped = balanced.removed.filter(pa.compute.equal(balanced.removed.column("reason"), "length_balance"))
    assert dropped.num_rows == 4  # the four with the largest chosen/rejected ratio
    assert {r.rsplit(":", 1)[1] for r in dropped.column("source_ref").to_pylist()} == {"3", "4", "5", "6"}


def test_trl_implicit_prompt_layout_uses_the_shared_prefix():
    conv = [{"role": "user", "content": "Hi"}]
    [pair] = trl({"chosen": conv + [{"role": "assistant", "content": "Hello"}], "rejected": conv + [{"role": "assistant", "content": "Bye"}]})
    assert [m["content"] for m in pair.prompt] == ["Hi"] and pair.chosen[0]["content"] == "Hello"


# --- real shared datasets -----------------------------------------------------

@pytest.mark.parametrize("relative, name, fmt", [
    ("hh_rlhf/harmless-base_test.jsonl.gz", "hh", "hh"),
    ("sharegpt/dpo_en_demo.json", "sharegpt", "sharegpt"),
    ("oasst/en_100_tree.jsonl", "oasst", "oasst"),
])
def test_each_shared_source_produces_pairs(shared_datasets, relative, name, fmt):
    cfg = BuildPairsConfig(sources=[{"path": str(shared_datasets / relative), "name": name}])
    result = BuildPairs().run({"split": EMPTY_SPLIT}, cfg, StageContext())
    assert result.metrics["files"][0]["format"] == fmt
    assert result.kept.num_rows > 0.9 * result.rows_in
    assert result.rows_in == result.kept.num_rows + result.removed.num_rows
    bias = result.metrics["length_bias"][name]
    assert bias["pairs"] == result.kept.num_rows and 0 < bias["chosen_longer_share"] < 1
    for row in result.kept.slice(0, 20).to_pylist():
        assert row["prompt"][-1]["role"] == "user" and row["chosen"][0]["role"] == row["rejected"][0]["role"] == "assistant"


@pytest.mark.parametrize("relative, fmt, kept, removed", [
    ("medicalgpt_dpo/dpo_zh_500.jsonl", "sharegpt", 500, {}),
    # 3 rows rank two identical answers.
    ("oaast_rm_zh/oaast_rm_zh.json", "alpaca", 772, {"identical_answers": 3}),
    # The judge gave 1.5 (a tie) to the 4 pairs of identical outputs; the identical-answer guard names them first.
    ("alpaca_eval_pairwise/alpaca-7b__weighted_alpaca_eval_gpt4_turbo.json", "pairwise", 801, {"identical_answers": 4}),
], ids=["medicalgpt_dpo", "oaast_rm_zh", "alpaca_eval_pairwise"])
def test_published_preference_layouts_make_pairs(shared_datasets, relative, fmt, kept, removed):
    path = shared_datasets / "real" / relative
    if not path.is_file():
        pytest.skip(f"{path} is absent: the real public datasets are only beside the checkout in dev sessions")
    result = BuildPairs().run({"split": EMPTY_SPLIT}, BuildPairsConfig(sources=[{"path": str(path)}]), StageContext())
    assert result.metrics["files"][0]["format"] == fmt
    assert (result.kept.num_rows, dict(Counter(reasons(result)))) == (kept, removed)
    assert result.rows_in == result.kept.num_rows + result.removed.num_rows


def test_alpaca_ranked_outputs_become_pairs_with_the_rank_gap_as_margin():
    row = {"instruction": "Best fruit?", "input": "", "output": ["Apple", "Pear", "Rock"], "history": [["Hi", "Hello"]]}
    [pair] = alpaca(row)
    assert [m["content"] for m in pair.prompt] == ["Hi", "Hello", "Best fruit?"]
    assert (pair.chosen[0]["content"], pair.rejected[0]["content"], pair.margin) == ("Apple", "Rock", 2.0)
    assert [(p.chosen[0]["content"], p.rejected[0]["content"]) for p in alpaca(row, "all")] == [
        ("Apple", "Pear"), ("Apple", "Rock"), ("Pear", "Rock")]


def test_pairwise_preference_picks_the_side_and_ties_and_near_ties_meet_the_guards(tmp_path):
    base = {"instruction": "Say a number", "output_1": "one", "output_2": "two"}
    [pair] = pairwise({**base, "preference": 1.9})
    assert (pair.chosen[0]["content"], pair.rejected[0]["content"], pair.margin) == ("two", "one", 0.8)
    result = build(tmp_path, [{**base, "preference": p} for p in (1.0, 1.5, 1.55, 2.0)], min_margin=0.2)
    assert dict(Counter(reasons(result))) == {"tie": 1, "margin_below_min": 1}
    assert [r["chosen"][0]["content"] for r in result.kept.to_pylist()] == ["one", "two"]


def test_a_step_that_keeps_no_pair_fails_with_the_reasons_counted(tmp_path):
    rows = [{"prompt": "hi", "chosen": "same", "rejected": "same"}, {"prompt": "hi", "chosen": "a", "rejected": "b", "margin": 0},
            "not json"]
    with pytest.raises(NoPairsKept) as err:
        build(tmp_path, rows)
    message = str(err.value)
    assert "kept 0 pairs from 2 candidates" in message
    assert all(f"{reason} 1" in message for reason in ("identical_answers", "tie", "invalid_json"))


# --- flows.yaml and the demo file ---------------------------------------------

def test_flows_yaml_step_after_split_validates(tmp_path):
    from pipelines.config import load_project, resolve_flow

    (tmp_path / "chats.jsonl").write_text(json.dumps({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}) + "\n")
    pairs = write_jsonl(tmp_path / "pairs.jsonl", [{"prompt": "hi", "chosen": "hello", "rejected": "go"}])
    (tmp_path / "flows.yaml").write_text(f"""
flows:
  curation:
    steps:
      - stage: ingest
        config: {{sources: [{{path: chats.jsonl}}]}}
      - stage: split
      - stage: build_pairs
        inputs: {{split: split}}
        config: {{sources: [{{path: {pairs}, name: demo-pairs}}], min_margin: 1}}
""")
    steps = resolve_flow(load_project(tmp_path / "flows.yaml"), "curation")
    assert steps[-1].inputs == {"split": "split"} and steps[-1].config.min_margin == 1


def test_demo_pairs_file_plants_one_of_each_drop_reason():
    from tests.conftest import ROOT

    path = ROOT / "data" / "demo" / "pairs.jsonl"
    if not path.is_file():
        pytest.skip("data/demo/pairs.jsonl is absent")
    result = BuildPairs().run({"split": EMPTY_SPLIT}, BuildPairsConfig(sources=[{"path": str(path)}], min_margin=1), StageContext())
    assert sorted(reasons(result)) == ["duplicate_pair", "empty_answer", "identical_answers", "margin_below_min", "tie"]
    assert result.kept.num_rows == 25


ODD_RECORDS = [None, 42, "text", [1, 2], {}, {"chosen": [1], "rejected": {"a": 1}}, {"prompt": {"role": ["x"]}, "chosen": "a", "rejected": "b"},
               {"message_tree_id": "t", "prompt": {"role": "prompter", "text": "q", "replies": 5}},
               {"prompt": "p", "responses": [{"content": "a", "rating": "high"}, 7]},
               {"instruction": "i", "output": [1, "b"]}, {"instruction": "i", "output_1": "a", "output_2": "b", "preference": "NaN"},
               {"conversations": [{"from": ["human"], "value": "q"}], "chosen": "a", "rejected": "b"}]


@pytest.mark.parametrize("fmt", ["auto", *FORMATS])
def test_hostile_records_are_removed_with_reasons_in_every_pair_format(tmp_path, fmt):
    good = {"prompt": "hi", "chosen": "hello", "rejected": "go away"}
    path = write_jsonl(tmp_path / "odd.jsonl", [json.dumps(r) for r in ODD_RECORDS] + ["{broken", json.dumps(good)])
    cfg = BuildPairsConfig(sources=[{"path": path, "format": fmt}])
    try:
        result = BuildPairs().run({"split": EMPTY_SPLIT}, cfg, StageContext())
    except NoPairsKept as err:  # formats that cannot read the one good trl row keep nothing, and say so
        assert fmt not in ("auto", "trl") and "kept 0 pairs" in str(err)
        return
    assert result.rows_in == result.kept.num_rows + result.removed.num_rows
    assert result.kept.num_rows == 1 and result.removed.num_rows == len(ODD_RECORDS) + 1
