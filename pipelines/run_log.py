"""Record each finished flow run (``curate.runs``) with Prefect's own run id and times.

Called at the end of ``pipelines.flows._run_steps`` (inside the flow run), so
runs started by ``curate run``, by a schedule or by a trigger are all recorded
the same way. Calling it twice for one flow run writes one record.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import Any

from curate.artifacts import Artifact, ArtifactStore
from curate.runs import RUNS_DIR, RunRecord, record_run


def record_flow_run(flow_name: str, outcome: Sequence[tuple[str, Artifact]], store: ArtifactStore,
                    parameters: dict[str, Any] | None = None) -> RunRecord | None:
    now = dt.datetime.now(dt.timezone.utc)
    run_id, started = None, now
    try:
        from prefect.context import FlowRunContext

        ctx = FlowRunContext.get()
        if ctx is not None and ctx.flow_run is not None:
            run_id = str(ctx.flow_run.id)
            started = ctx.flow_run.start_time or ctx.flow_run.expected_start_time or now
    except ImportError:  # recording must never fail a run that has already done its work
        pass
    try:
        record = record_run(store, flow_name, outcome, started_at=started.isoformat(timespec="seconds"),
                            finished_at=now.isoformat(timespec="seconds"), run_id=run_id, parameters=parameters)
    except OSError as exc:
        # Every artifact is in place (made or cached); a store we may read but not write must not fail the run.
        print(f"warning: could not record this run under {store.root_path}/{RUNS_DIR} ({exc.strerror or exc}); its artifacts "
              "are in place, but `curate report` will not know this run", file=sys.stderr)
        return None
    _mirror_to_prefect(record)
    return record


def _mirror_to_prefect(record: RunRecord) -> None:
    """The run's one-line summary as a Prefect markdown artifact, beside the summary table."""
    try:
        from prefect.artifacts import create_markdown_artifact
        from prefect.context import FlowRunContext

        if FlowRunContext.get() is None:
            return
        lines = [f"Run `{record.name}` of flow **{record.flow}**: {len(record.steps)} steps, "
                 f"{sum(not s.cached for s in record.steps)} computed, {sum(s.cached for s in record.steps)} cache hits.", "",
                 f"Report: `curate report {record.name}`"]
        create_markdown_artifact(markdown="\n".join(lines), key=f"{record.flow}-run".lower().replace("_", "-"),
                                 description=f"Run record of flow {record.flow}")
    except Exception:  # noqa: BLE001 - an artifact mirror is a convenience, never a failure
        return
