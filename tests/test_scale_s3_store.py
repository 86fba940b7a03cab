"""The artifact store on an S3-compatible server (moto's server mode on loopback):
same round trip as the local store, and a crash mid-write leaves nothing a
reader takes for an artifact."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import textwrap

import pyarrow as pa
import pytest

from curate.artifacts import ArtifactStore, run_stage
from curate.dedup.exact import DedupExact
from schemas import CONVERSATION, REMOVED
from tests.conftest import conversation, conversations_table

pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")

BUCKET = "curate-test"


@pytest.fixture(scope="module")
def s3():
    """A moto S3 server on 127.0.0.1 and the storage options that reach it."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    options = {"key": "testing", "secret": "testing", "client_kwargs": {"endpoint_url": f"http://127.0.0.1:{port}",
                                                                          "region_name": "us-east-1"}}
    import boto3

    boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(Bucket=BUCKET)
    yield options
    server.stop()


@pytest.fixture
def s3_store(s3, request):
    return ArtifactStore(f"s3://{BUCKET}/{request.node.name}", s3)


def _records() -> pa.Table:
    return conversations_table([
        conversation("a", "What is 2+2?", "4"),
        conversation("b", "What is 2+2?", "4"),
        conversation("c", "Name a colour.", "Blue."),
    ])


def test_a_stage_run_round_trips_through_s3_and_is_reused(s3_store, store):
    source = store.write("ingest", "v0", _records(), REMOVED.empty_table(), {"stage": "ingest", "rows": {"in": 3, "kept": 3, "removed": 0}}, "")
    source_s3 = s3_store.write("ingest", "v0", _records(), REMOVED.empty_table(), {"stage": "ingest", "rows": {"in": 3, "kept": 3, "removed": 0}}, "card")
    local = run_stage(DedupExact(), DedupExact.Config(), {"records": source}, store)
    remote = run_stage(DedupExact(), DedupExact.Config(), {"records": source_s3}, s3_store)

    assert remote.version == local.version and not remote.cached
    assert s3_store.read(remote).equals(store.read(local))
    assert s3_store.read_removed(remote).column("duplicate_of").to_pylist() == ["a"]
    assert "dedup_exact" in s3_store.read_card(remote)
    assert [a.version for a in s3_store.list("dedup_exact")] == [remote.version]
    assert [d for d, _ in s3_store.lineage(remote)] == [0, 1]
    again = run_stage(DedupExact(), DedupExact.Config(), {"records": source_s3}, s3_store)
    assert again.cached and again.path == remote.path


def test_files_outputs_are_stored_and_listed(s3_store):
    workdir = s3_store.scratch("train_sft", "v1")
    (workdir / "adapter").mkdir()
    (workdir / "adapter" / "weights.bin").write_bytes(b"\x00" * 10)
    (workdir / "note.txt").write_bytes(b"hi")
    art = s3_store.write("train_sft", "v1", _records(), REMOVED.empty_table(), {"rows": {}}, "", files=workdir)
    assert not workdir.exists()  # the local scratch folder is gone once uploaded
    assert s3_store.has_files(art) and isinstance(art.files_dir, str)
    assert sorted(f["path"] for f in art.manifest["files"]) == ["adapter/weights.bin", "note.txt"]
    assert s3_store.fs.cat_file(f"{art.files_dir}/note.txt") == b"hi"


def test_a_crash_mid_write_leaves_no_artifact_and_the_next_write_cleans_up(s3, s3_store):
    """A writer killed after its data parts, before its manifest, as a real crash
    (os._exit in a child process: no cleanup code runs)."""
    crash = textwrap.dedent(f"""
        import os, pyarrow as pa
        from curate.artifacts import ArtifactStore
        from schemas import CONVERSATION, REMOVED
        store = ArtifactStore({s3_store.root!r}, {s3!r})
        store._write_manifest = lambda key, manifest: os._exit(3)
        store.write("dedup_exact", "v9", CONVERSATION.empty_table(), REMOVED.empty_table(), {{"rows": {{}}}}, "card")
    """)
    done = subprocess.run([sys.executable, "-c", crash], capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr

    fs = s3_store.fs
    fs.invalidate_cache()
    leftovers = fs.glob(f"{s3_store.path_for('dedup_exact', 'v9')}/attempt-*/data/*.parquet")
    assert len(leftovers) == 1  # the parts were written ...
    assert s3_store.get("dedup_exact", "v9") is None  # ... but no reader trusts them
    assert s3_store.list() == []

    art = s3_store.write("dedup_exact", "v9", _records(), REMOVED.empty_table(), {"rows": {}}, "card")
    fs.invalidate_cache()
    attempts = fs.glob(f"{s3_store.path_for('dedup_exact', 'v9')}/attempt-*")
    assert [a.rsplit("/", 1)[-1] for a in attempts] == [art.manifest["location"]]
    assert s3_store.read(s3_store.get("dedup_exact", "v9")).num_rows == 3


def test_a_file_url_is_the_local_store(tmp_path):
    """``file://`` is the local disk: published by rename into the same layout as a folder root."""
    local = ArtifactStore(f"file://{tmp_path}/artifacts")
    art = local.write("ingest", "v0", _records(), REMOVED.empty_table(), {"rows": {}}, "")
    assert art.path == tmp_path / "artifacts" / "ingest" / "v0" and "location" not in art.manifest
    folder = ArtifactStore(tmp_path / "artifacts")
    assert folder.read(folder.get("ingest", "v0")).cast(CONVERSATION).equals(_records())


def test_an_attempt_layout_artifact_reads_on_any_filesystem(tmp_path):
    """An artifact published as an attempt (the object-store layout) reads the same from a folder."""
    remote = ArtifactStore("memory://curate-attempt-layout")
    remote.write("ingest", "v0", _records(), REMOVED.empty_table(), {"rows": {}}, "card")
    remote.fs.get(remote.root_path, str(tmp_path / "artifacts"), recursive=True)
    local = ArtifactStore(tmp_path / "artifacts")
    art = local.get("ingest", "v0")
    assert art.manifest["location"].startswith("attempt-") and art.path.parent == local.path_for("ingest", "v0")
    assert local.read(art).cast(CONVERSATION).equals(_records()) and local.read_card(art) == "card"
    assert [a.version for a in local.list()] == ["v0"]


def test_run_records_and_reports_live_in_the_object_store(s3_store, tmp_path, monkeypatch):
    """A run recorded against s3:// is found there (nothing lands on local disk), and the report reads it."""
    from curate.report import build_report
    from curate.runs import find_run, record_run

    monkeypatch.chdir(tmp_path)
    source = s3_store.write("ingest", "v0", _records(), REMOVED.empty_table(),
                            {"stage": "ingest", "rows": {"in": 3, "kept": 3, "removed": 0, "removed_by_reason": {}}, "inputs": []}, "card")
    dedup = run_stage(DedupExact(), DedupExact.Config(), {"records": source}, s3_store)
    record = record_run(s3_store, "curation", [("ingest", source), ("dedup_exact", dedup)],
                        started_at="2026-12-01T10:00:00+00:00", finished_at="2026-12-01T10:01:00+00:00", run_id="r1")
    assert record.path.startswith(s3_store.root_path + "/_runs/curation/") and list(tmp_path.iterdir()) == []
    found = find_run(s3_store)
    assert (found.run_id, found.name) == ("r1", "curation/20261201T100000Z-r1")
    assert "dedup_exact" in build_report(s3_store, found)


def test_the_artifact_and_report_commands_read_a_url_store(tmp_path, monkeypatch):
    """`--artifacts URL` opens the same store as the flow (fsspec's in-process memory:// here)."""
    from typer.testing import CliRunner

    from curate.artifacts import open_store
    from curate.runs import record_run
    from pipelines.cli import app

    monkeypatch.chdir(tmp_path)
    url = "memory://curate-cli-test"
    store = open_store(url)
    source = store.write("ingest", "v0abc", _records(), REMOVED.empty_table(),
                         {"stage": "ingest", "created_at": "t0", "inputs": [],
                          "rows": {"in": 3, "kept": 3, "removed": 0, "removed_by_reason": {}}}, "# ingest card")
    record_run(store, "curation", [("ingest", source)], started_at="2026-12-01T10:00:00+00:00",
               finished_at="2026-12-01T10:00:00+00:00", run_id="r1")
    listed = CliRunner().invoke(app, ["artifacts", "list", "--artifacts", url])
    assert listed.exit_code == 0 and "v0abc" in listed.output, listed.output
    card = CliRunner().invoke(app, ["artifacts", "show", "v0abc", "--card", "--artifacts", url])
    assert card.exit_code == 0 and "# ingest card" in card.output, card.output
    report = CliRunner().invoke(app, ["report", "--artifacts", url])
    assert report.exit_code == 0, report.output
    assert store.fs.exists("/curate-cli-test/_reports/curation/20261201T100000Z-r1.html") and list(tmp_path.iterdir()) == []


def test_a_sharded_step_killed_on_an_object_store_resumes_from_its_finished_shards(s3, s3_store, store):
    """Shards are the unit of resume on an object store too: a step whose process dies (os._exit: no
    cleanup runs) after two of four shards leaves their results in the bucket, and the rerun reads
    them back, runs the other two and publishes what an uninterrupted local run publishes."""
    from curate.artifacts.sharded import Sharded
    from curate.quality.stage import ScoreQuality

    table = conversations_table([conversation(f"r{i}", f"Question {i}: what is {i} times {i}?", f"It is {i * i}.") for i in range(40)])
    rows = {"stage": "given", "rows": {"in": 40, "kept": 40, "removed": 0}}
    local_source = store.write("given", "v0", table, REMOVED.empty_table(), rows, "")
    s3_store.write("given", "v0", table, REMOVED.empty_table(), rows, "")
    crash = textwrap.dedent(f"""
        import os
        from curate.artifacts import ArtifactStore, run_stage
        from curate.artifacts.sharded import Sharded, run_shard
        from curate.quality.stage import ScoreQuality

        def two_then_die(calls, progress):
            for call in calls[:2]:
                run_shard(*call)
            os._exit(3)

        store = ArtifactStore({s3_store.root!r}, {s3!r})
        run_stage(Sharded(ScoreQuality(), 4, two_then_die), ScoreQuality.Config(), {{"records": store.get("given", "v0")}}, store)
    """)
    done = subprocess.run([sys.executable, "-c", crash], capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr

    s3_store.fs.invalidate_cache()
    assert s3_store.list(ScoreQuality.name) == []
    resumed = run_stage(Sharded(ScoreQuality(), 4), ScoreQuality.Config(), {"records": s3_store.get("given", "v0")}, s3_store)
    whole = run_stage(ScoreQuality(), ScoreQuality.Config(), {"records": local_source}, store)
    assert resumed.manifest["metrics"]["shards"] == 4 and resumed.manifest["metrics"]["shards_reused"] == 2
    assert resumed.version == whole.version
    assert s3_store.read(resumed).equals(store.read(whole))
    assert s3_store.read_removed(resumed).equals(store.read_removed(whole))
    s3_store.fs.invalidate_cache()
    assert not s3_store.shard_parts(ScoreQuality.name, resumed.version).exists()  # published: the shards' parts went
