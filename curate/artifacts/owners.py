"""Temporary folders that name the process that owns them.

Several runs may share one artifact store and one machine. A run may remove
its own scratch at any time, but another run's only once that run is gone:
deleting a live run's scratch is what killed the slower of two concurrent
runs. So every scratch name carries an owner tag, ``<host>-<pid>.<start>``
(the host hashed, the pid, and the process start time in clock ticks so a
recycled pid is not taken for the dead owner), and a sweep removes a folder
only when its owner is on this host and no longer running.

``run_scratch()`` gives one run one folder in the system temp folder and
points :mod:`tempfile` (and ``TMPDIR`` for child processes) at it, so every
library temp folder of the run (``curate-dask-*``, ``dedup-minhash-*``, staged
files) lives inside it: removed on exit, and by the next run's sweep after a
``kill -9``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

RUN_PREFIX = "curate-run-"

_TAG = re.compile(r"(?:^|-)(?P<host>[0-9a-f]{6})-(?P<pid>\d+)\.(?P<start>\d+)-[0-9a-f]{8}(?:-[a-z]+)?$")


def _start_ticks(pid: int) -> int | None:
    """A process's start time since boot, in clock ticks (Linux ``/proc``); None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses; fields after it are plain.
    return int(stat.rsplit(")", 1)[1].split()[19])


@cache
def _host() -> str:
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]


def owner_tag() -> str:
    """``<host>-<pid>.<start>``: who owns a folder named with it (fresh per call only in its random part)."""
    return f"{_host()}-{os.getpid()}.{_start_ticks(os.getpid()) or 0}"


def owned_name(prefix: str, suffix: str = "") -> str:
    """A folder name unique to this process and call, that a sweep can attribute to it."""
    return f"{prefix}{owner_tag()}-{uuid.uuid4().hex[:8]}{suffix}"


def owner_gone(name: str) -> bool:
    """Whether the process that named ``name`` has ended. False for names without a
    tag, for other hosts (their processes cannot be asked) and for live owners."""
    match = _TAG.search(name)
    if match is None or match["host"] != _host():
        return False
    pid, start = int(match["pid"]), int(match["start"])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    ticks = _start_ticks(pid)
    return ticks is not None and start != 0 and ticks != start  # the pid was recycled


def sweep(folder: Path, pattern: str) -> list[Path]:
    """Remove the ``pattern`` folders in ``folder`` whose owners are gone; returns them."""
    removed = []
    try:
        candidates = list(folder.glob(pattern))
    except OSError:
        return removed
    for path in candidates:
        if owner_gone(path.name):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


@contextlib.contextmanager
def run_scratch() -> Iterator[Path]:
    """One temp folder for this run, made the process's temp folder while it runs.

    Sweeps the folders of dead runs first; removes its own on exit (an exception
    or SystemExit included). Child processes started meanwhile inherit it through
    ``TMPDIR``."""
    system = Path(tempfile.gettempdir())
    sweep(system, "curate-*")  # dead runs' folders, and staged files of dead processes
    folder = system / owned_name(RUN_PREFIX)
    folder.mkdir()
    saved_tempdir, saved_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir, os.environ["TMPDIR"] = str(folder), str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved_tempdir
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
        shutil.rmtree(folder, ignore_errors=True)
