"""When the machine, not the data, is the problem (a read-only store, a full
disk), `curate` says so in one line and exits 2; a run whose every step is
cached still succeeds on a store it cannot write, and says it was not recorded."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import re
import string
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import curate.artifacts.store as store_module
from pipelines.cli import app

runner = CliRunner()

FLOW = """artifacts_dir: {artifacts}
flows:
  tiny:
    steps:
      - stage: ingest
        config: {{sources: [{{path: chat.jsonl}}]}}
      - stage: dedup_exact
        config: {{view: {view}}}
"""


def random_chats(path: Path, rows: int) -> Path:
    """Chats of random letters: Parquet cannot compress them below a small disk."""
    rng = random.Random(0)
    lines = [json.dumps({"instruction": "".join(rng.choices(string.ascii_letters, k=300)),
                         "output": "".join(rng.choices(string.ascii_letters, k=300))}) for _ in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def writable(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.write_text("x")
    except OSError:
        return False
    probe.unlink()
    return True


@contextlib.contextmanager
def read_only(folder: Path):
    """``folder`` read-only for this process: a read-only bind mount for root (who ignores
    file modes), file modes for anyone else. Skips where neither is possible."""
    mounted = False
    if os.geteuid() == 0:
        try:
            subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True, capture_output=True)
            mounted = True
            subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError):
            if mounted:
                subprocess.run(["umount", str(folder)], check=False)
            pytest.skip("running as root without permission to mount: cannot make a read-only folder")
    else:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
    try:
        if writable(folder):
            pytest.skip(f"{folder} is still writable")
        yield folder
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=True)
        else:
            for path in [folder, *folder.rglob("*")]:
                path.chmod(path.stat().st_mode | 0o200)


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "48k"):
    folder.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("cannot mount a small tmpfs here (needs root); the /dev/full test covers the error path")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output
    return errors[0]


def test_a_full_disk_is_one_line(tmp_path, monkeypatch):
    """ENOSPC from a real write to /dev/full, where the artifact's files are flushed."""
    raw = random_chats(tmp_path / "chat.jsonl", 5)

    def full(path: Path) -> None:
        with open("/dev/full", "w") as fh:
            fh.write("x" * 10)

    monkeypatch.setattr(store_module, "_fsync_tree", full)
    result = runner.invoke(app, ["ingest", str(raw), "--artifacts", str(tmp_path / "artifacts")])
    assert "no space left on the device" in one_line_error(result)
    assert not list((tmp_path / "artifacts" / "ingest").iterdir()), "the half-written artifact is removed"


@pytest.mark.slow
def test_a_full_disk_under_curate_run_is_one_line(tmp_path, monkeypatch, prefect_home):
    random_chats(tmp_path / "chat.jsonl", 300)
    with small_disk(tmp_path / "disk") as disk:
        (tmp_path / "flows.yaml").write_text(FLOW.format(artifacts=disk / "artifacts", view="conversation"))
        monkeypatch.chdir(tmp_path)
        result = runner.invoke(app, ["run", "tiny", "--no-progress"])
        line = one_line_error(result)
        assert "no space left on the device" in line and str(disk) in line
        assert not list((disk / "artifacts").glob("*/*")), "no artifact and no scratch is left on the full disk"


@pytest.mark.slow
def test_a_read_only_store_runs_when_every_step_is_cached_and_says_it_was_not_recorded(tmp_path, monkeypatch, prefect_home):
    random_chats(tmp_path / "chat.jsonl", 20)
    artifacts = tmp_path / "artifacts"
    (tmp_path / "flows.yaml").write_text(FLOW.format(artifacts=artifacts, view="conversation"))
    monkeypatch.chdir(tmp_path)
    first = runner.invoke(app, ["run", "tiny", "--no-progress"])
    assert first.exit_code == 0, first.output
    with read_only(artifacts):
        cached = runner.invoke(app, ["run", "tiny", "--no-progress"])
        assert cached.exit_code == 0, cached.output
        assert "could not record this run" in cached.output and "Traceback" not in cached.output
        assert len(re.findall(r"│ hit\s+│", cached.output)) == 2, cached.output
        (tmp_path / "flows.yaml").write_text(FLOW.format(artifacts=artifacts, view="first_user"))
        changed = runner.invoke(app, ["run", "tiny", "--no-progress"])
        line = one_line_error(changed)
        assert "cannot write" in line and ("Read-only file system" in line or "Permission denied" in line)
    assert len(list((artifacts / "_runs" / "tiny").glob("*.json"))) == 1


def test_the_environment_messages_say_what_to_do():
    from pipelines.cli import _environment_error

    full = _environment_error(OSError(errno.ENOSPC, "No space left on device", "/data/a"), "/data")
    assert full.startswith("no space left on the device writing /data/a") and "free space" in full
    ro = _environment_error(OSError(errno.EROFS, "Read-only file system", "/data/a"), "/data")
    assert "cannot write /data/a" in ro and "folder you can write" in ro
