"""``curate serve``: register every flows.yaml flow as a deployment with a Prefect server and serve them.

Hooked into ``pipelines/cli.py`` with ``app.command()(serve)``. Also runnable as
``python -m pipelines.cli_serve`` (what the tests and a process manager use).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer


def serve(
    config: Annotated[Path, typer.Option("--config", "-c", help="The flows file.")] = Path("flows.yaml"),
    limit: Annotated[Optional[int], typer.Option("--limit", help="Most flow runs at once (default: no limit).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's own log lines.")] = False,
) -> None:
    """Register a deployment `<flow>/flows-yaml` for every flow in flows.yaml with the Prefect
    server at PREFECT_API_URL, with its `schedule` and `parameters`, and run flow runs as they
    come due until stopped (SIGTERM). Flows declaring `after: <flow>` start when that flow completes.

    Example: `prefect server start` in one shell, then
    `PREFECT_API_URL=http://127.0.0.1:4200/api curate serve`; trigger one with
    `prefect deployment run curation/flows-yaml`.
    """
    from pipelines.config import ConfigError, load_project
    from pipelines.flows import quiet_prefect

    quiet_prefect(verbose)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    try:
        project = load_project(config)
    except ConfigError as exc:
        from pipelines.cli_common import fail

        fail(str(exc))
    if not os.environ.get("PREFECT_API_URL"):
        from pipelines.cli_common import fail

        fail("PREFECT_API_URL is not set: start `prefect server start` (or use your production server) and set "
             "PREFECT_API_URL=http://HOST:PORT/api; an ephemeral server cannot run schedules")
    from pipelines.serve import serve as serve_all

    serve_all(project, limit=limit)


if __name__ == "__main__":
    typer.run(serve)
