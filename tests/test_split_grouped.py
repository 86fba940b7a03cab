"""Splits: duplicate groups never straddle splits (over many seeds), strata keep
their share within 1 point, the contamination check finds planted overlap and
each policy does what it says, mixing touches train only, and the artifact
loads with `datasets` in trl's conversational format."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict

import pyarrow as pa
import pytest

from curate.artifacts import run_stage
from curate.split.assign import cell_targets, split_sizes
from curate.split.contamination import contaminated
from curate.split.groups import GroupLinks, row_links
from curate.split.stage import ContaminationConfig, ContaminationError, MixConfig, MixGeneral, Split, SplitConfig
from curate.stage import StageContext, removed_table
from tests.conftest import conversation, conversations_table

WORDS = ("apple river stone cloud maple quiet orbit lantern copper meadow violet harbor tiger canvas pepper "
         "falcon marble summit ember willow glacier thunder velvet anchor prism saddle").split()


def sentence(rng: random.Random, n: int = 16) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def planted(seed: int = 1, singles: int = 240, groups: int = 30) -> tuple[pa.Table, dict[str, set[str]]]:
    """Singletons over three sources plus planted groups: flagged near-dups, flagged
    same-prompt groups, and unflagged exact prompt copies (case/space changed)."""
    rng = random.Random(seed)
    rows, truth = [], defaultdict(set)
    for i in range(singles):
        rows.append(conversation(f"s{i:03d}", sentence(rng), "ok", source=("alpaca", "sharegpt", "oasst")[i % 3]))
    for g in range(groups):
        base = sentence(rng)
        kind = ("near_dup_group", "same_prompt_group", "exact")[g % 3]
        for j in range(2 + g % 4):
            cid = f"g{g:02d}-{j}"
            prompt = base.upper() if kind == "exact" and j % 2 else base + (f" variant {j}" if kind == "near_dup_group" else "")
            meta = {} if kind == "exact" else {kind: f"grp-{g}"}
            rows.append(conversation(cid, prompt, f"answer {j}", source=("alpaca", "sharegpt", "oasst")[g % 3], meta=meta))
            truth[f"grp-{g}"].add(cid)
    rng.shuffle(rows)
    return conversations_table(rows), truth


def split_of(table: pa.Table) -> dict[str, str]:
    return dict(zip(table.column("id").to_pylist(), table.column("split").to_pylist(), strict=True))


@pytest.mark.parametrize("seed", range(8))
def test_no_planted_group_straddles_two_splits(seed):
    table, truth = planted(seed=seed)
    result = Split().run({"records": table}, SplitConfig(seed=seed, stratify_by="source"), StageContext())
    where = split_of(result.kept)
    for members in truth.values():
        assert len({where[m] for m in members}) == 1, members
    assert result.metrics["multi_record_groups"] == len(truth)


def test_a_random_split_would_leak_the_same_groups():
    """The check above can fail: a plain shuffle puts group members apart."""
    table, truth = planted(seed=0)
    rng = random.Random(0)
    where = {cid: rng.choices(["train", "validation", "test"], [0.8, 0.1, 0.1])[0] for cid in table.column("id").to_pylist()}
    assert sum(len({where[m] for m in members}) > 1 for members in truth.values()) > 0


def test_groups_chain_through_different_keys():
    msgs = [[{"role": "user", "content": t, "name": None, "tool_calls": None}] for t in ("p", "q", "r", "s")]
    metas = [json.dumps({"near_dup_group": "A"}), json.dumps({"near_dup_group": "A", "same_prompt_group": "B"}),
             json.dumps({"same_prompt_group": "B"}), "{}"]
    links = GroupLinks()
    links.add([row_links(m, meta) for m, meta in zip(msgs[:2], metas[:2])])  # added a batch at a time
    links.add([row_links(m, meta) for m, meta in zip(msgs[2:], metas[2:])])
    groups = links.groups(lambda: pa.array(["d", "c", "b", "a"]))
    assert groups.names_of(0, ["d", "c", "b", "a"]) == ["b", "b", "b", "a"]
    assert groups.names_of(2, ["b", "a"]) == ["b", "a"] and groups.sizes().tolist() == [1, 3]  # codes rank the names


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stratum_shares_stay_within_one_point(seed):
    rng = random.Random(seed)
    rows = [conversation(f"r{i:04d}", sentence(rng), "ok", meta={"category": rng.choice("aabbbbcdddddddeeef")}) for i in range(2000)]
    result = Split().run({"records": conversations_table(rows)}, SplitConfig(seed=seed, stratify_by="category"), StageContext())
    deviation = result.metrics["max_stratum_share_deviation_pp"]
    assert set(deviation) == {"train", "validation", "test"} and max(deviation.values()) <= 1.0
    assert result.metrics["rows_by_split"] == {"train": 1600, "validation": 200, "test": 200}


def test_absolute_counts_and_controlled_rounding():
    assert split_sizes(103, counts={"validation": 10, "test": 5}) == {"train": 88, "validation": 10, "test": 5}
    assert sum(split_sizes(7, ratios={"train": 0.8, "validation": 0.1, "test": 0.1}).values()) == 7
    cells = cell_targets({"a": 5, "b": 3, "c": 2}, {"train": 6, "validation": 2, "test": 2})
    assert {s: sum(v.values()) for s, v in cells.items()} == {"a": 5, "b": 3, "c": 2}
    assert [sum(cells[s][x] for s in cells) for x in ("train", "validation", "test")] == [6, 2, 2]
    with pytest.raises(ValueError, match="only 3 rows"):
        split_sizes(3, counts={"test": 4})


def test_same_seed_same_split_other_seed_other_split():
    table, _ = planted(seed=3)
    a, b, c = (Split().run({"records": table}, SplitConfig(seed=s), StageContext()).kept for s in (5, 5, 6))
    assert a.equals(b) and split_of(a) != split_of(c)


def overlap_data() -> pa.Table:
    """Twenty pairs that share a 15-word passage but are different prompts (no group links them)."""
    rng = random.Random(9)
    rows = []
    for p in range(20):
        passage = sentence(rng, 15)
        rows.append(conversation(f"p{p:02d}-a", f"Summarise: {passage}", "ok"))
        rows.append(conversation(f"p{p:02d}-b", f"Translate into French: {passage} please", "ok"))
    rows += [conversation(f"x{i:03d}", sentence(rng), "ok") for i in range(60)]
    return conversations_table(rows)


def test_contamination_check_finds_planted_overlap():
    found = contaminated([("t1", "alpha beta gamma delta"), ("t2", "nothing here at all")], [("r1", "x alpha beta gamma y")], n=3)
    assert set(found) == {"t1"} and found["t1"]["train_id"] == "r1" and found["t1"]["example"] == "alpha beta gamma"
    result = Split().run({"records": overlap_data()}, SplitConfig(seed=0, ratios={"train": 0.6, "validation": 0.2, "test": 0.2}), StageContext())
    report = result.metrics["contamination"]
    where = split_of(result.kept)
    straddling = sum(where[f"p{p:02d}-a"] != where[f"p{p:02d}-b"] and "train" in (where[f"p{p:02d}-a"], where[f"p{p:02d}-b"]) for p in range(20))
    assert straddling > 0 and sum(report["contaminated_by_split"].values()) == straddling  # report policy: found, nothing changed
    assert result.removed.num_rows == 0


def test_policy_fail_stops_the_run():
    with pytest.raises(ContaminationError, match="share n-grams with train.*the 13-gram"):
        Split().run({"records": overlap_data()}, SplitConfig(ratios={"train": 0.6, "validation": 0.2, "test": 0.2},
                                                             contamination=ContaminationConfig(policy="fail")), StageContext())


def test_policy_drop_removes_with_reason_and_move_leaves_held_out_clean():
    config = dict(seed=0, ratios={"train": 0.6, "validation": 0.2, "test": 0.2})
    dropped = Split().run({"records": overlap_data()}, SplitConfig(**config, contamination=ContaminationConfig(policy="drop")), StageContext())
    removed = dropped.removed.to_pylist()
    assert removed and {r["reason"] for r in removed} == {"contamination"}
    assert all(split_of(dropped.kept)[r["duplicate_of"]] == "train" and "13-grams" in r["detail"] for r in removed)

    moved = Split().run({"records": overlap_data()}, SplitConfig(**config, contamination=ContaminationConfig(policy="move_to_train")), StageContext())
    assert moved.removed.num_rows == 0 and moved.metrics["contamination"]["moved_to_train"] >= len(removed)
    rows = moved.kept.to_pylist()
    train = [(r["id"], r["messages"][0]["content"]) for r in rows if r["split"] == "train"]
    held = [(r["id"], r["messages"][0]["content"]) for r in rows if r["split"] != "train"]
    assert contaminated(held, train, n=13) == {}


def test_mixing_adds_general_rows_to_train_only_and_never_contaminates(store):
    table, _ = planted(seed=4, singles=90, groups=0)
    split = Split().run({"records": table}, SplitConfig(seed=0), StageContext()).kept
    test_prompt = next(r["messages"][0]["content"] for r in split.to_pylist() if r["split"] == "test")
    rng = random.Random(2)
    general = [conversation(f"gen{i:03d}", sentence(rng), "general answer", source="general") for i in range(50)]
    general.append(conversation("gen-leak", f"Please discuss {test_prompt}", "x", source="general"))
    result = MixGeneral().run({"records": split, "general": conversations_table(general)}, MixConfig(fraction=0.2, seed=1), StageContext())
    m = result.metrics
    assert m["general_rows_added"] == m["general_rows_wanted"] == round(72 * 0.2 / 0.8) == 18
    assert m["general_rows_overlapping_held_out"] == 1 and m["general_fraction_of_train"] == round(18 / 90, 4)
    out = result.kept.to_pylist()
    mixed = [r for r in out if json.loads(r["meta"]).get("mixed_general")]
    assert len(mixed) == 18 and {r["split"] for r in mixed} == {"train"} and "gen-leak" not in {r["id"] for r in mixed}
    assert Counter(r["split"] for r in out)["test"] == Counter(split.column("split").to_pylist())["test"]
    assert result.rows_in == split.num_rows + 18  # rows in = split rows + general rows brought in


def test_split_artifact_loads_with_datasets_in_trl_conversational_format(store):
    from datasets import load_dataset
    from trl.data_utils import is_conversational

    from curate.artifacts.store import Artifact

    table, _ = planted(seed=5, singles=40, groups=3)
    records = store.write("ingest", "v0", table, removed_table([]),
                          {"stage": "ingest", "rows": {"in": table.num_rows, "kept": table.num_rows, "removed": 0}}, "card")
    assert isinstance(records, Artifact)
    artifact = run_stage(Split(), SplitConfig(seed=0), {"records": records}, store)
    ds = load_dataset("parquet", data_files=store.data_files(artifact), split="train")
    assert ds.num_rows == table.num_rows and set(ds["split"]) == {"train", "validation", "test"}
    test = ds.filter(lambda r: r["split"] == "test")
    assert test.num_rows == artifact.manifest["metrics"]["rows_by_split"]["test"]
    example = ds[0]
    assert is_conversational(example) and example["messages"][0]["role"] == "user"
    card = artifact.card_path.read_text()
    assert all(f"### Split `{x}`" in card for x in ("train", "validation", "test"))



def test_an_empty_input_splits_into_empty_splits():
    result = Split().run({"records": conversations_table([])}, SplitConfig(), StageContext())
    assert result.metrics["rows_by_split"] == {"train": 0, "validation": 0, "test": 0} and result.kept.num_rows == 0
