"""The artifact mechanism: versions, cache hits, atomic writes, the row contract, lineage."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curate.artifacts import ArtifactStore, StageContractError, run_stage
from curate.dedup.exact import DedupExact, ExactConfig
from curate.ingest import Ingest, IngestConfig, Source
from curate.stage import RemovedRows, Stage, StageConfig, StageContext, StageResult, removed_table
from schemas import CONVERSATION


@pytest.fixture
def raw(tmp_path):
    path = tmp_path / "chat.jsonl"
    rows = [
        {"messages": [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4"}]},
        {"messages": [{"role": "user", "content": "what is 2+2?"}, {"role": "assistant", "content": "4"}]},
        {"messages": [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "Four."}]},
        {"messages": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris"}]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n")
    return path


def ingest_and_dedup(store, raw, view="conversation"):
    ingested = run_stage(Ingest(), IngestConfig(sources=(Source(path=str(raw)),)), {}, store)
    deduped = run_stage(DedupExact(), ExactConfig(view=view), {"records": ingested}, store)
    return ingested, deduped


def test_artifact_holds_parquet_removed_rows_manifest_and_card(store, raw):
    ingested, deduped = ingest_and_dedup(store, raw)
    assert ingested.rows == {"in": 5, "kept": 4, "removed": 1, "removed_by_reason": {"invalid_json": 1}}
    assert deduped.rows["removed_by_reason"] == {"exact_duplicate": 1}
    removed = store.read_removed(deduped).to_pylist()[0]
    kept_ids = store.read(deduped).column("id").to_pylist()
    assert removed["duplicate_of"] in kept_ids and removed["reason"] == "exact_duplicate"
    assert json.loads(removed["record"])["messages"][0]["content"] == "what is 2+2?"
    manifest = json.loads((deduped.path / "manifest.json").read_text())
    assert manifest["inputs"] == [{"name": "records", "stage": "ingest", "version": ingested.version}]
    assert manifest["config"] == {"view": "conversation", "batch_rows": 20_000, "group_rows": 1_000_000}
    assert {"pyarrow", "polars", "llm_curate"} <= set(manifest["code"])
    card = deduped.card_path.read_text()
    assert card.startswith("---\n") and "exact_duplicate" in card and ingested.version in card
    assert store.read(deduped).schema.names == CONVERSATION.names


def test_second_run_is_a_cache_hit_with_the_same_versions(store, raw):
    first = ingest_and_dedup(store, raw)
    second = ingest_and_dedup(store, raw)
    assert [a.version for a in first] == [a.version for a in second]
    assert [a.cached for a in first] == [False, False] and [a.cached for a in second] == [True, True]


def test_config_change_makes_new_versions_downstream_only(store, raw):
    ingested, deduped = ingest_and_dedup(store, raw, view="conversation")
    ingested2, deduped2 = ingest_and_dedup(store, raw, view="first_user")
    assert ingested2.version == ingested.version and ingested2.cached
    assert deduped2.version != deduped.version and not deduped2.cached
    # Three copies of one prompt: the first-user view removes only the case-only copy
    # (same answer); "Four." is a different answer, kept and flagged (issue 4).
    assert deduped2.rows["removed"] == 1


def test_changed_raw_file_changes_every_version(store, raw):
    ingested, deduped = ingest_and_dedup(store, raw)
    raw.write_text(raw.read_text().replace("Paris", "Paris, France"))
    ingested2, deduped2 = ingest_and_dedup(store, raw)
    assert ingested2.version != ingested.version and deduped2.version != deduped.version


class Exploding(Stage):
    """Fails halfway, as a crash would."""

    name, version, Config = "exploding", "1", StageConfig

    def run(self, inputs: Mapping[str, pa.Table], config, ctx: StageContext) -> StageResult:
        raise RuntimeError("boom")


class Leaky(Stage):
    """Loses a row without saying why: the runner must refuse it."""

    name, version, Config = "leaky", "1", StageConfig

    def run(self, inputs, config, ctx):
        table = inputs["records"]
        return StageResult(kept=table.slice(1), removed=removed_table([]))


def test_a_crash_leaves_no_artifact_behind(store, raw):
    ingested, _ = ingest_and_dedup(store, raw)
    with pytest.raises(RuntimeError, match="boom"):
        run_stage(Exploding(), StageConfig(), {"records": ingested}, store)
    assert not (store.root / "exploding").exists() or not any((store.root / "exploding").iterdir())


def test_rows_in_must_equal_kept_plus_removed(store, raw):
    ingested, _ = ingest_and_dedup(store, raw)
    with pytest.raises(StageContractError, match="account for every row"):
        run_stage(Leaky(), StageConfig(), {"records": ingested}, store)
    assert store.list("leaky") == []


def test_interrupted_write_is_not_taken_for_an_artifact(store, raw, monkeypatch):
    import curate.artifacts.store as store_module

    ingested, _ = ingest_and_dedup(store, raw)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module, "_fsync_tree", crash)
    with pytest.raises(KeyboardInterrupt):
        run_stage(DedupExact(), ExactConfig(view="user_turns"), {"records": ingested}, store)
    monkeypatch.undo()
    assert sorted(a.stage for a in store.list()) == ["dedup_exact", "ingest"]
    assert not list((store.root / "dedup_exact").glob(".tmp-*"))
    again = run_stage(DedupExact(), ExactConfig(view="user_turns"), {"records": ingested}, store)
    assert not again.cached and (again.path / "manifest.json").is_file()


def test_lineage_walks_back_to_the_raw_file(store, raw):
    ingested, deduped = ingest_and_dedup(store, raw)
    chain = [(depth, a.stage) for depth, a in store.lineage(deduped)]
    assert chain == [(0, "dedup_exact"), (1, "ingest")]
    assert ingested.manifest["external"][0]["path"] == str(raw)
    assert store.find(deduped.version[:6]).version == deduped.version


class WithFiles(Stage):
    name, version, Config = "with_files", "1", StageConfig

    def run(self, inputs, config, ctx):
        (ctx.workdir / "plots").mkdir()
        (ctx.workdir / "plots" / "loss.txt").write_bytes(b"0.5\n0.4\n")
        return StageResult(kept=inputs["records"], removed=removed_table([]))


def test_stages_may_emit_files_that_the_manifest_lists(store, raw):
    ingested, _ = ingest_and_dedup(store, raw)
    artifact = run_stage(WithFiles(), StageConfig(), {"records": ingested}, store)
    assert (artifact.files_dir / "plots" / "loss.txt").read_bytes() == b"0.5\n0.4\n"
    assert artifact.manifest["files"][0]["path"] == "plots/loss.txt"
    assert ArtifactStore(store.root).get("with_files", artifact.version).manifest["files"] == artifact.manifest["files"]


class ReadsFiles(Stage):
    name, version, Config = "reads_files", "1", StageConfig

    def run(self, inputs, config, ctx):
        seen = (ctx.input_files["records"] / "plots" / "loss.txt").read_text()
        (ctx.workdir / "seen.txt").write_text(seen + ctx.input_versions["records"])
        return StageResult(kept=inputs["records"], removed=removed_table([]))


def test_a_stage_reads_its_inputs_files_and_names_their_versions(store, raw):
    ingested, _ = ingest_and_dedup(store, raw)
    with_files = run_stage(WithFiles(), StageConfig(), {"records": ingested}, store)
    reader = run_stage(ReadsFiles(), StageConfig(), {"records": with_files}, store)
    assert (reader.files_dir / "seen.txt").read_text() == f"0.5\n0.4\nwith_files/{with_files.version}"
    assert not list(store.root.glob("*/.tmp-*")), "scratch folders must not outlive the run"


def test_stages_without_files_get_no_files_folder(store, raw):
    _, deduped = ingest_and_dedup(store, raw)
    assert not deduped.files_dir.exists() and "files" not in deduped.manifest


class QuotesNothing(Stage):
    """Removes a row whose text holds a planted secret; its detail describes it by shape only."""

    name, version, Config = "quotes_nothing", "1", StageConfig

    def run(self, inputs, config, ctx):
        table = inputs["records"]
        first = table.column("id")[0].as_py()
        removed = removed_table([{"id": first, "stage": self.name, "reason": "too_long", "detail": "answer of 9 characters"}],
                                source=table)
        return StageResult(kept=table.slice(1), removed=removed)


def test_cards_never_quote_a_removed_rows_record(store, tmp_path):
    raw = tmp_path / "secret.jsonl"
    raw.write_text(json.dumps({"instruction": "mail thea.m@x.io", "output": "call 4155550142"}) + "\n"
                   + json.dumps({"instruction": "hello", "output": "hi"}) + "\n")
    ingested = run_stage(Ingest(), IngestConfig(sources=(Source(path=str(raw)),)), {}, store)
    artifact = run_stage(QuotesNothing(), StageConfig(), {"records": ingested}, store)
    assert "thea.m@x.io" in store.read_removed(artifact).column("record")[0].as_py()  # kept for review, in Parquet
    card = store.read_card(artifact)  # also the Prefect markdown artifact's text
    assert "too_long" in card and "answer of 9 characters" in card
    assert "thea.m@x.io" not in card and "4155550142" not in card


class RemovesInBatches(Stage):
    """Removes every other row, one batch of removed rows at a time, through ``RemovedRows``."""

    name, version, Config = "removes_in_batches", "1", StageConfig

    def run(self, inputs, config, ctx):
        table = inputs["records"]
        removed = RemovedRows(ctx.removed_file)
        for i in range(0, table.num_rows, 2):
            removed.add(removed_table([{"id": table.column("id")[i].as_py(), "stage": self.name, "reason": f"odd_{i % 4}",
                                        "detail": f"row {i}"}], source=table))
        return StageResult(kept=table.filter(pa.array([i % 2 == 1 for i in range(table.num_rows)])), **removed.result())


def test_removed_rows_written_a_batch_at_a_time_are_counted_carded_and_published_from_their_file(store, raw):
    """A step on a local store writes its removed rows to a file as it finds them (none held); the
    runner counts, checks and cards them from that file and moves it into the artifact."""
    ingested, _ = ingest_and_dedup(store, raw)
    held = RemovesInBatches().run({"records": store.read(ingested)}, StageConfig(), StageContext())
    assert held.removed_file is None and held.removed.num_rows == 2
    artifact = run_stage(RemovesInBatches(), StageConfig(), {"records": ingested}, store)
    assert artifact.rows == {"in": 4, "kept": 2, "removed": 2, "removed_by_reason": {"odd_0": 1, "odd_2": 1}}
    assert store.read_removed(artifact).to_pylist() == held.removed.to_pylist()
    assert "| `odd_2` | row 2 |" in store.read_card(artifact)
    assert not store.shard_parts("removes_in_batches", artifact.version).exists()  # the file moved in, its folder gone


class WrongRemovedFile(Stage):
    name, version, Config = "wrong_removed_file", "1", StageConfig

    def run(self, inputs, config, ctx):
        path = ctx.workdir / "removed.parquet"
        pq.write_table(pa.table({"id": ["x"], "why": ["no reason column"]}), path)
        return StageResult(kept=inputs["records"].slice(1), removed=removed_table([]), removed_file=str(path))


def test_a_removed_file_in_another_schema_breaks_the_contract(store, raw):
    ingested, _ = ingest_and_dedup(store, raw)
    with pytest.raises(StageContractError, match="schema"):
        run_stage(WrongRemovedFile(), StageConfig(), {"records": ingested}, store)


def test_steps_allocate_from_the_system_pool_unless_the_environment_names_one(store, raw, monkeypatch):
    """Arrow's bundled mimalloc keeps freed pages, so a step's peak would carry into the next; the runner
    switches the process to the system allocator, except where ARROW_DEFAULT_MEMORY_POOL chose."""
    before = pa.default_memory_pool()
    try:
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
        ingest_and_dedup(store, raw)
        assert pa.default_memory_pool().backend_name == "mimalloc"
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        ingest_and_dedup(store, raw)
        assert pa.default_memory_pool().backend_name == "system"
    finally:
        pa.set_memory_pool(before)
