"""Start Prefect's temporary API server one run at a time, and wait long enough.

With no ``PREFECT_API_URL``, each ``curate run`` starts its own temporary
("ephemeral") Prefect server on the database in ``PREFECT_HOME``. Starting one
runs the database migrations; two runs starting together on a busy machine
wait on each other's SQLite lock and both pass Prefect's 20 s start timeout,
each ending in a traceback. So the start is serialised by a file lock beside the
database (held only while a server starts, not while the flow runs), waits
longer than Prefect's default, and is tried again once if it still times out.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

START_TIMEOUT_S = 120
"""Seconds one start may take (Prefect's own default, 20 s, is too short on a loaded 2-core machine)."""

ATTEMPTS = 2


class PrefectUnavailable(RuntimeError):
    """Prefect's temporary server did not start: an environment problem, told in one line."""


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path``: released when the block ends or the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_prefect_api() -> None:
    """Start the temporary server now, under the lock, unless a server is configured.

    Prefect's clients later find it running (it is a per-process singleton) and
    stop it at exit."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_HOME,
        PREFECT_SERVER_EPHEMERAL_ENABLED,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    )

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value() or SubprocessASGIServer().running:
        return
    # The server's own log follows the client's: a run that fails fast stops the server while it is still
    # flushing events, and its cancelled-flush tracebacks would bury the one-line error.
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING"))
    timeout = max(START_TIMEOUT_S, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    home = Path(PREFECT_HOME.value())
    with file_lock(home / "curate-server-start.lock"):
        for attempt in range(1, ATTEMPTS + 1):
            server = SubprocessASGIServer()
            try:
                server.start(timeout=timeout)
                return
            except RuntimeError as exc:
                server.stop()
                if attempt == ATTEMPTS:
                    first = str(exc).split(". ")[0]
                    raise PrefectUnavailable(
                        f"Prefect's temporary server did not start in {ATTEMPTS} tries of {timeout} s ({first}); "
                        f"its database is under {home}: check free space there, or set PREFECT_API_URL to a running "
                        "server (`prefect server start`)") from None
