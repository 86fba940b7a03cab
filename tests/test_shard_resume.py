"""Shards are the unit of resume: a sharded step killed with SIGKILL after some shards finished
reruns only the others, and publishes the same rows as a run that was never interrupted."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from curate.artifacts import ArtifactStore
from pipelines.console import summary_table

SCRIPT = Path(__file__).resolve().parent / "shard_crash_run.py"
SHARDS = 6


@pytest.fixture
def raw(tmp_path):
    path = tmp_path / "chat.jsonl"
    rows = [{"messages": [{"role": "user", "content": f"Question number {i}: what is {i} plus {i}?"},
                          {"role": "assistant", "content": f"{i} plus {i} is {2 * i}." if i % 7 else "As an AI, I cannot."}]}
            for i in range(60)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def _rows(store: ArtifactStore, stage: str) -> tuple[list, list, str]:
    (artifact,) = store.list(stage)
    return store.read(artifact).to_pylist(), store.read_removed(artifact).to_pylist(), artifact.version


def test_a_killed_sharded_step_reruns_only_the_unfinished_shards_and_publishes_the_same_rows(tmp_path, raw):
    crashed = tmp_path / "crashed"
    child = subprocess.Popen([sys.executable, str(SCRIPT), str(crashed), str(raw), str(SHARDS), "1.0"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    parts = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until at least two shards have published their parts
        found = list(crashed.glob("score_quality/.shards-*/of-*/*/result.json"))
        if len(found) >= 2:
            parts = found
            break
        assert child.poll() is None, child.stderr.read().decode()
        time.sleep(0.05)
    assert parts, "no shard finished in time"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert not list(crashed.glob("score_quality/*/manifest.json"))  # killed mid-step: nothing published

    rerun = subprocess.run([sys.executable, str(SCRIPT), str(crashed), str(raw), str(SHARDS), "0"],
                           capture_output=True, text=True, check=True)
    reused = int(rerun.stdout.split()[-1])
    assert len(parts) <= reused < SHARDS  # the finished shards were read back, the rest ran
    assert not list(crashed.glob("score_quality/.shards-*"))  # published: the parts are gone

    (artifact,) = ArtifactStore(crashed).list("score_quality")
    screen = io.StringIO()
    Console(file=screen, width=200).print(summary_table("curation", [("score_quality", artifact)]))
    assert f"{SHARDS} ({reused} reused)" in screen.getvalue()  # the step table says what the rerun reused

    clean = tmp_path / "clean"
    subprocess.run([sys.executable, str(SCRIPT), str(clean), str(raw), str(SHARDS), "0"], check=True, capture_output=True)
    assert _rows(ArtifactStore(crashed), "score_quality") == _rows(ArtifactStore(clean), "score_quality")
