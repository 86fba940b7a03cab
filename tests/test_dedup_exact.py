"""dedup_exact: only whole-conversation copies are removed; same-prompt groups are flagged."""

from __future__ import annotations

import json

from curate.artifacts import run_stage
from curate.dedup.exact import DedupExact, ExactConfig
from curate.ingest.stage import Ingest, IngestConfig, Source
from curate.stage import StageContext, removed_table
from tests.conftest import CountedRows, conversation, conversations_table


def test_finds_the_13_groups_of_exact_duplicates_in_alpaca_demo(store, shared_datasets):
    raw = shared_datasets / "alpaca" / "alpaca_en_demo.json"
    ingested = run_stage(Ingest(), IngestConfig(sources=(Source(path=str(raw)),)), {}, store)
    deduped = run_stage(DedupExact(), ExactConfig(), {"records": ingested}, store)
    assert deduped.manifest["metrics"]["duplicate_groups"] == 13
    kept_ids = set(store.read(deduped).column("id").to_pylist())
    removed = store.read_removed(deduped).to_pylist()
    assert len(removed) == deduped.rows["in"] - deduped.rows["kept"]
    assert all(r["duplicate_of"] in kept_ids and r["score"] == 1.0 for r in removed)


def test_first_user_view_never_removes_records_whose_answers_differ():
    rows = [
        conversation("a", "Name a colour.", "Blue."),
        conversation("b", "name a   COLOUR.", "Red."),
        conversation("c", "Name a colour.", "blue."),
        conversation("d", "Name a fruit.", "Apple."),
    ]
    result = DedupExact().run({"records": conversations_table(rows)}, ExactConfig(view="first_user"), StageContext())
    assert result.removed.column("id").to_pylist() == ["c"]
    assert result.removed.column("duplicate_of").to_pylist() == ["a"]
    metas = {r["id"]: json.loads(r["meta"]) for r in result.kept.to_pylist()}
    assert metas["a"]["same_prompt_group"] == metas["b"]["same_prompt_group"] == "a"
    assert "same_prompt_group" not in metas["d"]
    assert result.metrics["same_prompt_groups"] == 1


def test_conversation_view_flags_records_sharing_a_first_user_turn():
    rows = [conversation("a", "Name a colour.", "Blue."), conversation("b", "Name a colour.", "Red."),
            conversation("c", "Name a fruit.", "Apple.")]
    result = DedupExact().run({"records": conversations_table(rows)}, ExactConfig(), StageContext())
    assert result.kept.num_rows == 3
    metas = [json.loads(m) for m in result.kept.column("meta").to_pylist()]
    assert [m.get("same_prompt_group") for m in metas] == ["a", "a", None]


def test_records_that_became_equal_only_through_redaction_are_all_kept():
    """redact_pii leaves meta.raw_digest: the same placeholder text from different originals is not a copy."""
    redacted = "Email <EMAIL_ADDRESS> about the invoice."
    rows = [
        conversation("ann", redacted, "Done.", meta={"raw_digest": "a" * 64}),
        conversation("bob", redacted, "Done.", meta={"raw_digest": "b" * 64}),
        conversation("ann-again", redacted, "Done.", meta={"raw_digest": "a" * 64}),
        conversation("plain", "Say hi.", "Hi."),
        conversation("plain-again", "say hi.", "Hi."),
    ]
    result = DedupExact().run({"records": conversations_table(rows)}, ExactConfig(), StageContext())
    assert result.kept.column("id").to_pylist() == ["ann", "bob", "plain"]
    assert dict(zip(result.removed.column("id").to_pylist(), result.removed.column("duplicate_of").to_pylist())) == {
        "ann-again": "ann", "plain-again": "plain"}
    assert result.metrics["equal_only_after_redaction"] == 1


def test_reading_the_input_in_batches_gives_what_one_read_gives_and_never_holds_more(store):
    """The step reads stored rows a batch at a time, groups their keys on disk a hash part at a time
    and writes the kept rows in parts: the artifact (version, kept rows with their flags, removed rows)
    is the one a single read and a single group-by give, and no read returns more than a batch."""
    rows = [conversation(f"r{i}", f"Question {i % 7}?", f"Answer {i % 5}.",
                         meta={"raw_digest": "ab"[i % 2] * 64} if i % 3 == 0 else None) for i in range(60)]
    given = store.write("given", "v1", conversations_table(rows), removed_table([]),
                        {"stage": "given", "rows": {"in": 60, "kept": 60, "removed": 0}}, "")
    whole = run_stage(DedupExact(), ExactConfig(batch_rows=1000), {"records": given}, store)
    batched = DedupExact().run({"records": CountedRows.of(store.rows_of(given))}, ExactConfig(batch_rows=8, group_rows=7),
                               StageContext())
    assert CountedRows.largest == 8
    assert run_stage(DedupExact(), ExactConfig(batch_rows=8), {"records": given}, store).version == whole.version
    assert batched.kept.to_pylist() == store.read(whole).to_pylist()
    assert batched.removed.to_pylist() == store.read_removed(whole).to_pylist()
    assert batched.metrics == whole.manifest["metrics"]
    assert whole.manifest["metrics"]["duplicates_removed"] > 0 and whole.manifest["metrics"]["same_prompt_records"] > 0
    assert whole.manifest["metrics"]["equal_only_after_redaction"] > 0
