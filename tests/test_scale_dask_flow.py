"""Past one machine: the same flow on threads and on a Dask LocalCluster (row-local
steps split into shards that run as separate tasks on the workers) gives the same
artifact versions and the same rows."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
import yaml

from curate.artifacts import ArtifactStore
from curate.artifacts.sharded import Sharded, merge_metrics
from curate.dedup.exact import DedupExact
from curate.quality.stage import ScoreQuality
from curate.stage import StageContext
from tests.conftest import conversation, conversations_table

STEPS = [
    {"stage": "ingest"},
    {"stage": "redact_pii"},
    {"stage": "dedup_exact", "config": {"view": "conversation"}},
    {"stage": "score_quality"},
    {"stage": "filter_quality"},
]


def _chat(user: str, answer: str) -> str:
    return json.dumps({"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]})


@pytest.fixture
def project(tmp_path):
    """Two files; the same conversation appears in both (ids must still match the
    one-process run), one record has an e-mail, one a placeholder answer, one is broken."""
    lines_a = [_chat(f"Question {i} about gardening and soil?", f"Answer {i}: water the plants weekly.") for i in range(9)]
    lines_a += [_chat("Write to jane.doe@example.com about the invoice.", "Sure, here is a draft."), "{not json"]
    lines_b = [_chat("Question 3 about gardening and soil?", "Answer 3: water the plants weekly.")]
    lines_b += [_chat(f"How do I sort a list in Python, case {i}?", "Use sorted(xs).") for i in range(8)]
    lines_b += [_chat("Say nothing.", "N/A")]
    (tmp_path / "a.jsonl").write_text("\n".join(lines_a) + "\n")
    (tmp_path / "b.jsonl").write_text("\n".join(lines_b) + "\n")
    config = {"artifacts_dir": "artifacts", "flows": {"curation": {"steps": [
        {"stage": "ingest", "config": {"sources": [{"path": "*.jsonl", "format": "openai"}]}}, *STEPS[1:]]}}}
    (tmp_path / "flows.yaml").write_text(yaml.safe_dump(config))
    from pipelines.config import load_project

    return load_project(tmp_path / "flows.yaml")


def _rows(outcome, store) -> dict[str, tuple[str, list, list]]:
    return {name: (a.version, store.read(a).to_pylist(), store.read_removed(a).to_pylist()) for name, a in outcome}


def _run(project, store, runner):
    from pipelines.flows import run_flow

    configured = project.model_copy(update={"runner": runner, "artifacts_dir": store.root})
    return _rows(run_flow(configured, "curation"), store)


@pytest.fixture(scope="module", autouse=True)
def _patient_prefect():
    """The ephemeral Prefect server can take over a minute to start on a busy 2-core box."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
        yield


@pytest.fixture
def local_result(project, tmp_path, prefect_home):
    from pipelines.runners import RunnerConfig

    return _run(project, ArtifactStore(tmp_path / "local"), RunnerConfig())


def test_sharded_threads_give_the_same_artifacts_as_one_task(project, tmp_path, local_result):
    from pipelines.runners import RunnerConfig

    sharded = _run(project, ArtifactStore(tmp_path / "sharded"), RunnerConfig(kind="local", shards=4))
    assert sharded == local_result
    assert len(local_result["ingest"][1]) == 20 and len(local_result["ingest"][2]) == 1  # the broken line
    assert len(local_result["dedup_exact"][2]) == 1  # the cross-file copy


@pytest.mark.slow
def test_the_dask_path_passes_the_same_flow_as_the_local_path(project, tmp_path, local_result, monkeypatch):
    from pipelines.runners import DaskConfig, RunnerConfig

    pytest.importorskip("prefect_dask")
    import tempfile

    scratch_root = tmp_path / "tmp"
    scratch_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_root))
    runner = RunnerConfig(kind="dask", shards=4, dask=DaskConfig(n_workers=2))
    on_dask = _run(project, ArtifactStore(tmp_path / "dask"), runner)
    assert on_dask == local_result
    assert not (project.path.parent / "dask-scratch-space").exists()
    assert list(scratch_root.iterdir()) == []  # Dask's spill folder lived in a temp dir, now removed


def test_metrics_of_shards_are_summed_or_kept_per_shard():
    merged = merge_metrics([{"n": 2, "model": "m", "by": {"EMAIL": 1}, "files": [1], "mean": 0.5},
                            {"n": 3, "model": "m", "by": {"EMAIL": 2, "PHONE": 1}, "files": [2], "mean": 0.7}])
    assert merged == {"n": 5, "model": "m", "by": {"EMAIL": 3, "PHONE": 1}, "files": [1, 2],
                      "per_shard": {"mean": [0.5, 0.7]}}


def test_only_stages_that_declare_themselves_row_local_can_be_sharded():
    from pipelines.registry import STAGES, stage_class

    row_local = {name for name in STAGES if stage_class(name).row_local}
    assert row_local == {"ingest", "redact_pii", "score_quality", "filter_quality"}  # embed: its boilerplate pass reads all rows
    with pytest.raises(ValueError, match="not row-local"):
        Sharded(DedupExact(), 4)


def test_a_sharded_stage_keeps_the_order_and_rows_of_one_run():
    table = conversations_table([conversation(str(i), f"Question {i}?", "Answer " * (i % 5 + 1)) for i in range(10)])
    config = ScoreQuality.Config()
    whole = ScoreQuality().run({"records": table}, config, StageContext())
    parts = Sharded(ScoreQuality(), 4).run({"records": table}, config, StageContext())
    assert parts.kept.equals(whole.kept.cast(parts.kept.schema))
    assert parts.metrics["shards"] == 4 and isinstance(parts.kept, pa.Table)


def test_a_sharded_stage_reports_each_shard_as_it_finishes():
    seen = []

    def progress(items, total=None, description=""):
        for item in items:
            seen.append((description, total))
            yield item

    table = conversations_table([conversation(str(i), f"Question {i}?", "Answer.") for i in range(10)])
    result = Sharded(ScoreQuality(), 4).run({"records": table}, ScoreQuality.Config(), StageContext(progress=progress))
    assert seen == [("shards", 4)] * 4 and result.metrics["shards"] == 4


@pytest.mark.parametrize("root", ["local", "memory://rows"])
def test_stored_rows_read_only_their_slice_across_parts_and_row_groups(tmp_path, monkeypatch, root):
    from curate.artifacts import store as store_module

    monkeypatch.setattr(store_module, "ROWS_PER_PART", 7)  # 30 rows in 5 part files
    monkeypatch.setattr(store_module.pq, "write_table", _small_row_groups(store_module.pq.write_table))
    store = ArtifactStore(tmp_path / root if root == "local" else f"{root}-{tmp_path.name}")
    table = conversations_table([conversation(str(i), f"Question {i}?", "Answer.") for i in range(30)])
    artifact = _stored(store, table)
    files = store.data_files(artifact)
    with store.fs.open(files[0], "rb") as fh:
        assert len(files) == 5 and store_module.pq.ParquetFile(fh).metadata.num_row_groups == 3
    whole = store.read(artifact)
    rows = store.rows_of(artifact)
    assert rows.num_rows == 30
    for start, length in [(0, 30), (0, 1), (5, 9), (13, 17), (29, 5), (30, 4)]:
        assert rows.slice(start, length).read().equals(whole.slice(start, length))
    assert rows.slice(10, 10).slice(3, 4).read().equals(whole.slice(13, 4))


def _small_row_groups(write_table):
    def write(table, where, **kwargs):
        return write_table(table, where, **{**kwargs, "row_group_size": 3})
    return write


def _stored(store, table):
    from curate.artifacts.runner import run_stage

    return run_stage(_Given(table), _Given.Config(), {}, store)


class _Given(ScoreQuality):
    """A stage with no inputs that emits a fixed table: an artifact to read back."""

    name, version, inputs, row_local = "given", "1", (), False

    def __init__(self, table=None):
        self.table = table

    def run(self, inputs, config, ctx):
        from curate.stage import StageResult, removed_table

        return StageResult(kept=self.table, removed=removed_table([]), rows_in=self.table.num_rows)


def test_a_sharded_step_never_reads_its_input_in_the_planning_process(tmp_path, monkeypatch):
    """Only the shard tasks read rows; the runner and ``Sharded`` see where the rows lie."""
    from curate.artifacts.runner import run_stage

    store = ArtifactStore(tmp_path / "store")
    table = conversations_table([conversation(str(i), f"Question {i}?", "Answer " * (i % 5 + 1)) for i in range(25)])
    source = _stored(store, table)
    whole = run_stage(ScoreQuality(), ScoreQuality.Config(), {"records": source}, ArtifactStore(tmp_path / "other"))

    def no_whole_reads(artifact):
        raise AssertionError(f"the planning process read {artifact.stage} whole")

    monkeypatch.setattr(store, "read", no_whole_reads)
    sharded = run_stage(Sharded(ScoreQuality(), 4), ScoreQuality.Config(), {"records": source}, store)
    monkeypatch.undo()
    assert sharded.version == whole.version and sharded.manifest["metrics"]["shards"] == 4
    assert store.read(sharded).equals(ArtifactStore(tmp_path / "other").read(whole))
    assert len(store.data_files(sharded)) == 4  # the shards' parts published as they are, never joined in one table
    assert not store.shard_parts(ScoreQuality.name, sharded.version).exists()


def test_a_local_store_moves_the_joined_parts_in_instead_of_writing_them_again(tmp_path, monkeypatch):
    from curate.artifacts import store as store_module
    from curate.artifacts.runner import run_stage

    store = ArtifactStore(tmp_path / "store")
    table = conversations_table([conversation(str(i), f"Question {i}?", "Answer " * (i % 5 + 1)) for i in range(25)])
    source = _stored(store, table)
    written, write_table = [], store_module.pq.write_table

    def recording(table, where, *args, **kwargs):
        written.append(str(where))
        return write_table(table, where, *args, **kwargs)

    monkeypatch.setattr(store_module.pq, "write_table", recording)
    sharded = run_stage(Sharded(ScoreQuality(), 4), ScoreQuality.Config(), {"records": source}, store)
    monkeypatch.undo()
    assert sum("-rows/kept/" in path for path in written) == 4             # each joined part written once ...
    assert not any("/data/part-" in path for path in written)               # ... and moved into the artifact
    assert store.read(sharded).num_rows == 25


def test_duplicate_ids_across_shard_parts_break_the_contract(tmp_path):
    """Each shard's ids are unique, the parts together are not: the runner checks the ids of all parts."""
    from curate.artifacts.runner import StageContractError, run_stage
    from curate.stage import removed_table

    store = ArtifactStore(tmp_path / "store")
    table = conversations_table([conversation(str(i), f"Question {i}?", "Answer.") for i in range(3)])
    twice = pa.concat_tables([table, table])
    clash = store.write("given", "twice", twice, removed_table([]), {"rows": {"in": 6, "kept": 6, "removed": 0}}, "")
    with pytest.raises(StageContractError, match="duplicate ids"):
        run_stage(Sharded(ScoreQuality(), 2), ScoreQuality.Config(), {"records": clash}, store)
    assert not any(a.stage == ScoreQuality.name for a in store.list())
