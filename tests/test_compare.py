"""``compare``: arms of training rows, S seeds, one budget, one decontaminated held-out set.

The config is checked where flows.yaml is read (an unknown arm step names its
key); the paired-difference arithmetic is checked on numbers worked by hand;
and a 2-arm x 2-seed run of two optimizer steps on a tiny real Llama goes
through the artifact runner, so its manifest, table, card and plot are the
ones a flow writes.
"""

from __future__ import annotations

import json
import math
import re
import textwrap

import pyarrow as pa
import pytest

from pipelines.config import ConfigError, load_project, resolve_flow
from schemas import SPLIT_CONVERSATION
from tests.conftest import conversation, conversations_table

FLOW = """
flows:
  base:
    steps:
      - stage: ingest
        config: {sources: [{path: raw.jsonl}]}
      - stage: split
        config: {ratios: {train: 0.8, test: 0.2}}
  arms:
    extends: base
    steps:
      - stage: compare
        inputs: {test: split}
        config:
          arms:
            - {name: random, step: %s}
            - {name: reviewed, artifact: b44fff48351d}
          seeds: 2
          max_steps: 10
"""


def _project(tmp_path, text: str):
    (tmp_path / "raw.jsonl").write_text("")
    path = tmp_path / "flows.yaml"
    path.write_text(textwrap.dedent(text))
    return load_project(path)


def test_arms_become_inputs_of_the_step_named_after_the_arm(tmp_path):
    step = resolve_flow(_project(tmp_path, FLOW % "ingest"), "arms")[-1]
    assert step.inputs == {"test": "split", "arm.random": "ingest", "arm.reviewed": "artifact:b44fff48351d"}
    assert step.config.seeds == 2 and step.config.baseline == "random"


def test_an_arm_naming_no_earlier_step_is_an_error_naming_its_key(tmp_path):
    with pytest.raises(ConfigError, match=r"flows\.arms\.steps\[0\]\.config\.arms\[0\]\.step: no earlier step named 'selct'"):
        _project(tmp_path, FLOW % "selct")


@pytest.mark.parametrize("change, message", [
    ("baseline: all", "baseline 'all' is not an arm; arms: random, reviewed"),
    ("arms: [{name: random, step: ingest, artifact: abc}, {name: b, step: ingest}]", "arm 'random' needs exactly one of `step`"),
    ("arms: [{name: random, step: ingest}, {name: random, step: split}]", "'random' used twice"),
    ("arms: [{name: random, step: ingest}]", "at least 2 items"),
    ("seeds: 0", "seeds: Input should be greater than or equal to 1"),
])
def test_a_bad_compare_config_says_which_key(tmp_path, change, message):
    text = FLOW % "ingest"
    key = change.split(":")[0]
    if key == "arms":
        text = text.replace("""          arms:
            - {name: random, step: ingest}
            - {name: reviewed, artifact: b44fff48351d}
""", f"          {change}\n")
    else:
        text = text.replace("          seeds: 2\n", f"          {change}\n" if key == "seeds" else f"          seeds: 2\n          {change}\n")
    with pytest.raises(ConfigError, match=r"flows\.arms\.steps\[0\]\.config") as err:
        _project(tmp_path, text)
    assert message in str(err.value)


def test_paired_difference_on_numbers_worked_by_hand():
    from train.evaluate.paired import paired_difference, spread

    # Two seeds: d = [2-1, 3-1] = [1, 2]; mean 1.5; sd = sqrt(((-.5)^2 + .5^2) / 1) = 0.70711;
    # se = sd / sqrt(2) = 0.5; t(0.975, df=1) = 12.7062 (any t table): 1.5 -+ 6.3531.
    two = paired_difference([2.0, 3.0], [1.0, 1.0])
    assert (two.n, two.mean, two.sd) == (2, 1.5, pytest.approx(math.sqrt(0.5)))
    assert (two.low, two.high) == (pytest.approx(1.5 - 6.35310, abs=1e-4), pytest.approx(1.5 + 6.35310, abs=1e-4))
    # Three seeds: d = [0.1, 0.2, 0.05]; mean 0.116667; sd = sqrt(0.0116667 / 2) = 0.0763763;
    # se = 0.0440959; t(0.975, df=2) = 4.302653: half-width 0.189729, so [-0.073062, 0.306396].
    three = paired_difference([1.0, 1.2, 1.1], [0.9, 1.0, 1.05])
    assert three.mean == pytest.approx(0.116667, abs=1e-6) and three.sd == pytest.approx(0.0763763, abs=1e-6)
    assert (three.low, three.high) == (pytest.approx(-0.073062, abs=1e-5), pytest.approx(0.306396, abs=1e-5))
    # One seed: a mean, but no sd and no interval; arms with different seed counts cannot pair.
    one = paired_difference([1.0], [0.5])
    assert (one.mean, one.sd, one.low, one.high) == (0.5, None, None, None)
    with pytest.raises(ValueError, match="one per seed"):
        paired_difference([1.0, 2.0], [1.0])
    s = spread([1.0, 2.0, 4.0])
    assert (s.mean, s.sd) == (pytest.approx(7 / 3), pytest.approx(math.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 2)))


def test_arm_rows_that_touch_the_test_set_are_removed_with_why():
    from train.evaluate.leakage import decontaminate

    long_q = "please explain in simple words how the water cycle moves water between oceans clouds and rivers every day"
    test = pa.Table.from_pylist([{**conversation("t1", "question t1", "a", meta={"near_dup_group": "g1"}), "split": "test"},
                                 {**conversation("t2", long_q, "x"), "split": "test"}], schema=SPLIT_CONVERSATION)
    rows = conversations_table([
        conversation("t1", "question t1", "answer t1"),                       # same id
        conversation("r0", "other words", "b", meta={"near_dup_group": "g1"}),  # a near copy by its dedup group
        conversation("r1", "  QUESTION   t1 ", "another answer"),              # same normalised prompt
        conversation("r2", "fine prompt", "fine answer"),
        conversation("r3", "so " + long_q + " please", "y"),                  # shares 13-grams
    ])
    kept, removed = decontaminate(rows, test)
    assert kept.column("id").to_pylist() == ["r2"]
    assert [(r["id"], r["kind"], r["reason"]) for r in removed] == [
        ("t1", "same_id", "test_overlap"), ("r0", "same_group", "test_overlap"),
        ("r1", "same_prompt", "test_overlap"), ("r3", "shared_ngram", "test_overlap")]
    assert "near_dup_group" in removed[1]["detail"]


# ---- a real run on a tiny Llama ----

FACTS = [(f"what is {a} plus {b}?", f"{a} plus {b} is {a + b}.") for a in range(1, 6) for b in range(1, 4)]


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    pytest.importorskip("torch")
    from curate.artifacts import ArtifactStore, run_stage
    from curate.stage import removed_table
    from train.evaluate.compare import Compare
    from train.evaluate.config import CompareConfig
    from train.tiny import save_tiny_model

    texts = [q + " " + a for q, a in FACTS]
    model = save_tiny_model(tmp_path_factory.mktemp("tiny") / "model", texts, hidden=32, layers=1)
    store = ArtifactStore(tmp_path_factory.mktemp("store") / "artifacts")
    rows = [conversation(f"f{i:02d}", q, a) for i, (q, a) in enumerate(FACTS)]
    split_rows = [{**r, "split": "test" if i < 3 else "train"} for i, r in enumerate(rows)]
    split = store.write("split", "5b1175b1175b", pa.Table.from_pylist(split_rows, schema=SPLIT_CONVERSATION),
                        removed_table([]), {"stage": "split", "rows": {}}, "")
    # A drawn arm from before the split: it holds a test row (f00), which must not be trained on.
    drawn = store.write("select", "d4a3d4a3d4a3", conversations_table(rows[:1] + rows[8:14]), removed_table([]),
                        {"stage": "select", "rows": {}}, "")
    config = CompareConfig(arms=({"name": "random", "artifact": "d4a3d4a3d4a3"}, {"name": "curated", "step": "split"}),
                           seeds=2, base_model=str(model), max_steps=2, batch_size=2, max_length=48, learning_rate=1e-2)
    artifact = run_stage(Compare(), config, {"test": split, "arm.random": drawn, "arm.curated": split}, store)
    return store, artifact, config


def test_the_compare_artifact_names_every_arm_and_the_test_set_as_inputs(compared):
    _, artifact, _ = compared
    inputs = {i["name"]: f"{i['stage']}/{i['version']}" for i in artifact.manifest["inputs"]}
    assert inputs == {"test": "split/5b1175b1175b", "arm.random": "select/d4a3d4a3d4a3", "arm.curated": "split/5b1175b1175b"}
    assert artifact.manifest["stage"] == "compare" and artifact.manifest["config"]["seeds"] == 2


def test_every_arm_trains_every_seed_for_the_same_steps_on_clean_rows(compared):
    store, artifact, _ = compared
    runs = store.read(artifact).to_pylist()
    assert sorted((r["arm"], r["seed"]) for r in runs) == [("curated", 0), ("curated", 1), ("random", 0), ("random", 1)]
    assert {r["optimizer_steps"] for r in runs} == {2}
    assert {r["arm"]: r["train_rows"] for r in runs} == {"random": 6, "curated": 12}  # f00 left the random arm
    assert all(r["tokens_seen"] > 0 and r["held_out_tokens"] > 0 and math.isfinite(r["held_out_loss"]) for r in runs)
    removed = store.read_removed(artifact).to_pylist()
    assert [(r["id"], r["reason"]) for r in removed] == [("f00", "test_overlap")]
    assert removed[0]["detail"] == "arm 'random': same id as a test row"
    assert artifact.rows == {**artifact.rows, "in": 5, "kept": 4, "removed": 1}


def test_the_table_has_mean_sd_and_a_paired_interval_against_random(compared):
    store, artifact, _ = compared
    m = artifact.manifest["metrics"]
    runs = store.read(artifact).to_pylist()
    loss = {(r["arm"], r["seed"]): r["held_out_loss"] for r in runs}
    random_arm, curated = m["arms"]
    assert random_arm["name"] == "random" and random_arm["vs_baseline"] is None
    assert curated["held_out_loss"] == [loss["curated", 0], loss["curated", 1]]
    assert curated["mean"] == pytest.approx((loss["curated", 0] + loss["curated", 1]) / 2)
    d = [loss["random", s] - loss["curated", s] for s in (0, 1)]
    p = curated["vs_baseline"]
    assert p["mean"] == pytest.approx(sum(d) / 2) and p["low"] < p["mean"] < p["high"]
    assert p["high"] - p["mean"] == pytest.approx(12.7062047 * abs(d[0] - d[1]) / 2, rel=1e-6)  # t(.975, 1) * sd / sqrt(2)
    assert m["test"]["rows"] == 3 and m["budget"]["rows_per_run"] == 4
    card = store.read_card(artifact)
    assert "| curated | 12 |" in card and "± " in card and "loss(random) − loss(arm)" in card


def test_the_plot_and_each_runs_log_are_in_files_but_no_adapter_by_default(compared):
    _, artifact, _ = compared
    listed = {f["path"] for f in artifact.manifest["files"]}
    assert "held_out_loss.png" in listed
    assert (artifact.files_dir / "held_out_loss.png").read_bytes()[:4] == b"\x89PNG"
    assert {"runs/random-seed0/log.csv", "runs/curated-seed1/lineage.json"} <= listed
    assert not any("/adapter/" in p for p in listed)
    assert json.loads((artifact.files_dir / "runs" / "curated-seed0" / "lineage.json").read_text())["metrics"]["tokens_seen"] > 0


def test_a_second_run_is_a_cache_hit(compared):
    from curate.artifacts import run_stage
    from train.evaluate.compare import Compare

    store, artifact, config = compared
    inputs = {i["name"]: store.find(i["version"]) for i in artifact.manifest["inputs"]}
    again = run_stage(Compare(), config, inputs, store)
    assert again.cached and again.version == artifact.version


def test_curate_compare_runs_the_flow_and_prints_the_table(tmp_path, prefect_home):
    pytest.importorskip("torch")
    from typer.testing import CliRunner

    from pipelines.cli import app
    from train.tiny import save_tiny_model

    model = save_tiny_model(tmp_path / "model", [q + " " + a for q, a in FACTS], hidden=32, layers=1)
    (tmp_path / "raw.jsonl").write_text("".join(json.dumps({"instruction": q, "output": a}) + "\n" for q, a in FACTS))
    (tmp_path / "flows.yaml").write_text(textwrap.dedent(f"""
        flows:
          arms:
            steps:
              - stage: ingest
                config: {{sources: [{{path: raw.jsonl}}]}}
              - stage: split
                config: {{ratios: {{train: 0.7, test: 0.3}}, seed: 0}}
              - stage: compare
                inputs: {{test: split}}
                config:
                  arms: [{{name: random, step: ingest}}, {{name: curated, step: split}}]
                  seeds: 2
                  base_model: {model}
                  max_steps: 2
                  batch_size: 2
                  max_length: 48
    """))
    result = CliRunner().invoke(app, ["compare", "arms", "-c", str(tmp_path / "flows.yaml")])
    assert result.exit_code == 0, result.output
    assert "| random |" in result.output and "| curated |" in result.output and "base model (no adapter)" in result.output
    assert re.search(r"\| curated \| \d+ \| \d+ \| \d\.\d{4} ± \d\.\d{4} \| [+-]\d\.\d{4} \[[+-]\d\.\d{4}, [+-]\d\.\d{4}\] \|", result.output)
    # The raw arm held the test rows; they were removed before it trained, so it trains on the train rows' count.
    rows = dict(re.findall(r"\| (random|curated) \| (\d+) \|", result.output))
    assert rows["random"] == rows["curated"]
