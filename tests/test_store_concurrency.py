"""Many runs share one artifact store and one machine: none deletes another's
scratch, the loser of a race takes the winner's artifact, crashed runs' leftovers
go away on the next start, and nothing built from data leaves the store."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curate.artifacts import ArtifactNotFound, ArtifactStore, run_stage
from curate.artifacts.names import UnsafeName
from curate.artifacts.owners import run_scratch
from curate.dedup.exact import DedupExact, ExactConfig
from curate.ingest import Ingest, IngestConfig, Source
from pipelines.cli import app
from schemas import CONVERSATION, REMOVED

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture
def raw(tmp_path):
    path = tmp_path / "chat.jsonl"
    rows = [{"messages": [{"role": "user", "content": f"Question {i}?"}, {"role": "assistant", "content": f"Answer {i % 7}."}]}
            for i in range(40)]
    path.write_text("\n".join(json.dumps(r) for r in rows + rows[:3]) + "\n{broken\n")
    return path


def python(code: str, **env) -> subprocess.Popen:
    """Another process, as another run would be."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, **env})


def test_a_live_runs_scratch_is_kept_and_a_dead_runs_is_swept(store):
    other = python(f"""
        import sys, time
        from curate.artifacts import ArtifactStore
        print(ArtifactStore({str(store.root)!r}).scratch("train_sft", "v1"), flush=True)
        time.sleep(120)
    """)
    scratch = Path(other.stdout.readline().strip())
    try:
        assert store.sweep() == [] and scratch.is_dir()
        store.write("train_sft", "v1", CONVERSATION.empty_table(), REMOVED.empty_table(), {"rows": {}}, "")
        assert scratch.is_dir(), "a write must not remove a running process's scratch"
    finally:
        other.send_signal(signal.SIGKILL)
        other.wait()
    assert store.sweep() == [scratch] and not scratch.exists()


def test_the_loser_of_a_publication_race_takes_the_winners_artifact(store, raw):
    ingested = run_stage(Ingest(), IngestConfig(sources=(Source(path=str(raw)),)), {}, store)
    kept = store.read(ingested)
    winner = store.write("dedup_exact", "v1", kept, REMOVED.empty_table(), {"rows": {}, "run": "first"}, "card 1")
    loser = store.write("dedup_exact", "v1", kept, REMOVED.empty_table(), {"rows": {}, "run": "second"}, "card 2")
    assert loser.manifest["run"] == "first" and loser.path == winner.path
    assert store.read_card(loser) == "card 1"
    assert [p.name for p in (store.root / "dedup_exact").iterdir()] == ["v1"]


def test_a_crashed_scratch_holding_a_manifest_is_not_an_artifact(store, raw):
    ingested = run_stage(Ingest(), IngestConfig(sources=(Source(path=str(raw)),)), {}, store)
    crashed = store.root / "ingest" / f".tmp-{'f' * 12}-0a1b2c-1.1-deadbeef"
    crashed.mkdir()
    (crashed / "manifest.json").write_text(ingested.path.joinpath("manifest.json").read_text())
    assert [a.version for a in store.list()] == [ingested.version]
    with pytest.raises(ArtifactNotFound):
        store.find(".tmp")
    assert store.get("ingest", crashed.name) is None
    listed = runner.invoke(app, ["artifacts", "list", "--artifacts", str(store.root)])
    assert ".tmp" not in listed.output and ingested.version in listed.output


def test_a_stage_name_cannot_reach_another_store(tmp_path, raw):
    other = ArtifactStore(tmp_path / "other")
    run_stage(Ingest(), IngestConfig(sources=(Source(path=str(raw)),)), {}, other)
    mine = ArtifactStore(tmp_path / "mine")
    with pytest.raises(UnsafeName):
        mine.list("../other/ingest")
    result = runner.invoke(app, ["artifacts", "list", "--stage", "../other/ingest", "--artifacts", str(mine.root)])
    assert result.exit_code == 2 and "not a plain name" in result.output and "Traceback" not in result.output


def test_a_run_record_cannot_send_the_report_outside_the_store(tmp_path, store, raw):
    ingested = run_stage(Ingest(), IngestConfig(sources=(Source(path=str(raw)),)), {}, store)
    folder = store.root / "_runs" / "curation"
    folder.mkdir(parents=True)
    record = {"flow": "../../x", "run_id": "abc", "started_at": "2026-12-01T00:00:00+00:00",
              "finished_at": "2026-12-01T00:00:01+00:00", "status": "completed", "parameters": {},
              "steps": [{"step": "ingest", "stage": "ingest", "version": ingested.version, "cached": False, "rows": {}}]}
    (folder / "20261201T000000Z-abc.json").write_text(json.dumps(record))
    for ref in ([], ["../../x/20261201"]):
        result = runner.invoke(app, ["report", *ref, "--artifacts", str(store.root)])
        assert result.exit_code == 2 and "not a plain name" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x").exists() and not (store.root.parent / "x").exists()


def test_a_killed_runs_temp_folder_is_removed_by_the_next_start(tmp_path, monkeypatch):
    system = tmp_path / "system-tmp"
    system.mkdir()
    killed = python("""
        import os, tempfile
        from curate.artifacts.owners import run_scratch
        with run_scratch() as folder:
            os.mkdir(tempfile.mkdtemp(prefix="dedup-minhash-") + "/shard")
            print(folder, flush=True)
            os.kill(os.getpid(), 9)
    """, TMPDIR=str(system))
    dead = Path(killed.stdout.readline().strip())
    killed.wait()
    assert killed.returncode == -9 and any(dead.glob("dedup-minhash-*"))
    live = python("""
        import time
        from curate.artifacts.owners import run_scratch
        with run_scratch() as folder:
            print(folder, flush=True)
            time.sleep(120)
    """, TMPDIR=str(system))
    alive = Path(live.stdout.readline().strip())
    try:
        monkeypatch.setattr(tempfile, "tempdir", str(system))
        with run_scratch() as mine:
            assert not dead.exists() and alive.is_dir() and mine.parent == system
            assert tempfile.mkdtemp(prefix="curate-dask-").startswith(str(mine))
        assert not mine.exists() and tempfile.tempdir == str(system)
    finally:
        live.send_signal(signal.SIGKILL)
        live.wait()


TINY_FLOW = """artifacts_dir: {artifacts}
flows:
  tiny:
    steps:
      - stage: ingest
        config: {{sources: [{{path: chat.jsonl}}]}}
      - stage: dedup_exact
        config: {{view: conversation}}
      - stage: dedup_minhash
        config: {{view: conversation, threshold: 0.8}}
"""


@pytest.mark.slow
@pytest.mark.parametrize("runs", [2, 4])
def test_concurrent_runs_on_one_store_all_succeed_with_identical_artifacts(tmp_path, raw, runs):
    """``runs`` x ``curate run`` started at once on one artifacts folder and one
    Prefect home: each starts Prefect, computes or reuses every step, and records itself."""
    artifacts = tmp_path / "artifacts"
    (tmp_path / "flows.yaml").write_text(TINY_FLOW.format(artifacts=artifacts))
    system = tmp_path / "system-tmp"
    system.mkdir()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "TMPDIR": str(system), "COLUMNS": "200"}
    procs = [subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "tiny", "--no-progress"], cwd=tmp_path,
                              env={**env, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(runs)]
    outputs = [p.communicate(timeout=900) for p in procs]
    for p, (stdout, stderr) in zip(procs, outputs):
        assert p.returncode == 0, stderr[-3000:]
        assert "Traceback" not in stderr
    row = re.compile(r"│ (\w+)\s+│ ([0-9a-f]{12}) │ \w+\s+│\s+(\d+) │\s+(\d+) │\s+(\d+) │")  # step, version, in, kept, removed
    tables = [row.findall(out) for out, _ in outputs]
    assert len(tables[0]) == 3 and all(t == tables[0] for t in tables)
    store = ArtifactStore(artifacts)
    assert sorted((a.stage, a.version) for a in store.list()) == sorted((s, v) for s, v, *_ in tables[0])
    assert not list(artifacts.glob("*/.tmp-*")), "no scratch may outlive its run"
    assert len(list((artifacts / "_runs" / "tiny").glob("*.json"))) == runs
    assert list(system.iterdir()) == [], "every temp folder of every run is removed on exit"
    ingest = store.get("ingest", tables[0][0][1])
    assert ingest.rows == {"in": 44, "kept": 43, "removed": 1, "removed_by_reason": {"invalid_json": 1}}
    reference = run_stage(DedupExact(), ExactConfig(view="conversation"), {"records": ingest}, ArtifactStore(tmp_path / "ref"))
    assert reference.version == tables[0][1][1]
    assert store.read(store.get("dedup_exact", reference.version)).equals(ArtifactStore(tmp_path / "ref").read(reference))
