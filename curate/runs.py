"""Run records: which artifacts one run of a flow produced, so a run can be named,
reported on and compared with the previous run of the same flow.

The artifact store answers "what was made"; it cannot answer "what did the
curation run of Tuesday use", because a cached step reuses an old artifact.
A run record is that answer, one small JSON file per finished flow run:

    <artifact root>/_runs/<flow>/<started, UTC, sortable>-<run id>.json

File names sort by start time, so "latest" and "previous" are a directory
listing. Records are read and written through the store's filesystem (a local
folder or an object store alike), so they sit beside the artifacts they name
and ``curate report`` finds them wherever the store is. Flow names become folder names, so they are checked as one plain path
segment (``curate.artifacts.names``) when written and when read back: a record
whose ``flow`` is ``../../x`` is refused, not followed out of the store.
A run id (Prefect's flow run id when there is one) makes each record unique
and lets a second call for the same run be a no-op. Nothing here knows Prefect
or the clock: callers pass times and ids in.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from curate.artifacts.names import UnsafeName, safe_name
from curate.artifacts.store import Artifact, ArtifactStore


RUNS_DIR = "_runs"


class RunNotFound(LookupError):
    pass


@dataclass(frozen=True)
class StepRecord:
    step: str
    stage: str
    version: str
    cached: bool
    rows: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunRecord:
    flow: str
    run_id: str
    started_at: str
    finished_at: str
    steps: tuple[StepRecord, ...]
    status: str = "completed"
    parameters: dict[str, Any] = field(default_factory=dict)
    path: str | None = None
    """Where the record lies in its store's filesystem."""

    @property
    def stem(self) -> str:
        """The record's file name without ``.json`` (start time and run id), or the run id."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".json") if self.path else self.run_id

    @property
    def name(self) -> str:
        """``<flow>/<file stem>``: what `curate report` accepts and prints."""
        return f"{self.flow}/{self.stem}"

    def artifact(self, store: ArtifactStore, step: StepRecord) -> Artifact | None:
        return store.get(step.stage, step.version)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("path")
        data["steps"] = [asdict(s) for s in self.steps]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], path: str | None = None) -> RunRecord:
        safe_name(data.get("flow"), f"{path or 'run record'}: flow")
        steps = tuple(StepRecord(**s) for s in data["steps"])
        return cls(**{**data, "steps": steps, "path": path})


def _stamp(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _folder(store: ArtifactStore, flow: str) -> str:
    return f"{store.root_path}/{RUNS_DIR}/{safe_name(flow, 'flow')}"


def record_run(
    store: ArtifactStore,
    flow: str,
    outcome: Sequence[tuple[str, Artifact]],
    *,
    started_at: str,
    finished_at: str,
    run_id: str | None = None,
    parameters: dict[str, Any] | None = None,
) -> RunRecord:
    """Write the record of one finished run (``outcome`` is ``run_flow``'s list of
    (step, artifact)). With a ``run_id`` already recorded, returns that record
    unchanged, so a flow and its caller may both record without duplicates."""
    run_id = safe_name(run_id or uuid.uuid4().hex[:12], "run id")
    folder = _folder(store, flow)
    existing = sorted(store.fs.glob(f"{folder}/*-{run_id}.json"))
    if existing:
        return load_run_file(store, existing[0])
    record = RunRecord(
        flow=flow, run_id=run_id, started_at=started_at, finished_at=finished_at,
        steps=tuple(StepRecord(step, a.stage, a.version, a.cached, dict(a.rows)) for step, a in outcome),
        parameters=dict(parameters or {}),
    )
    path = f"{folder}/{_stamp(started_at)}-{run_id}.json"
    data = (json.dumps(record.to_json(), indent=2, sort_keys=True, default=str) + "\n").encode()
    if store.local:  # readers never see half a record: write aside, rename
        store.fs.makedirs(folder, exist_ok=True)
        store.fs.pipe_file(path.removesuffix(".json") + ".tmp", data)
        store.fs.mv(path.removesuffix(".json") + ".tmp", path)
    else:  # an object store's PUT is atomic
        store.fs.pipe_file(path, data)
    return RunRecord.from_json(record.to_json(), path)


def load_run_file(store: ArtifactStore, path: str) -> RunRecord:
    return RunRecord.from_json(json.loads(store.fs.cat_file(path)), path)


def list_runs(store: ArtifactStore, flow: str) -> list[RunRecord]:
    """Runs of one flow, oldest first."""
    folder = _folder(store, flow)
    store.fs.invalidate_cache()
    return [load_run_file(store, p) for p in sorted(store.fs.glob(f"{folder}/*.json"))]


def find_run(store: ArtifactStore, ref: str | None = None, flow: str = "curation") -> RunRecord:
    """A run by reference: None (latest of ``flow``), ``<flow>/<name or prefix>``,
    a file name prefix or a run id prefix within ``flow``."""
    if ref and "/" in ref:
        flow, ref = ref.split("/", 1)
    try:
        runs = list_runs(store, flow)
    except UnsafeName as exc:
        raise RunNotFound(str(exc)) from None
    if not runs:
        raise RunNotFound(f"no recorded runs of flow {flow!r} under {store.root_path}/{RUNS_DIR}; `curate run {flow}` makes one")
    if not ref:
        return runs[-1]
    hits = [r for r in runs if r.path and (r.stem.startswith(ref) or r.run_id.startswith(ref))]
    if not hits:
        shown = ", ".join(r.name for r in runs[-5:])
        raise RunNotFound(f"no run {ref!r} of flow {flow!r}; recent runs: {shown}")
    if len(hits) > 1:
        raise RunNotFound(f"run {ref!r} is ambiguous: {', '.join(r.name for r in hits)}")
    return hits[0]


def previous_run(store: ArtifactStore, run: RunRecord) -> RunRecord | None:
    """The run of the same flow that started just before ``run``, if any."""
    earlier = [r for r in list_runs(store, run.flow) if r.path and run.path and r.stem < run.stem]
    return earlier[-1] if earlier else None
