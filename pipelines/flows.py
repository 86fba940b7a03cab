"""Flows from flows.yaml run under Prefect: one Prefect task per step.

Prefect wraps stages; it never reaches into them. Caching is the artifact
runner's (a content fingerprint), so Prefect's own task caching is off. Each
step's data card is mirrored as a Prefect markdown artifact and the run's
summary as a table artifact, so the Prefect UI shows what the console shows.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import time
import warnings
from functools import partial

from curate.artifacts import Artifact, ArtifactStore, open_store, run_stage
from curate.artifacts.sharded import Sharded
from curate.stage import StageContext
from pipelines.config import PINNED, Project, ResolvedStep, resolve_flow
from pipelines.console import Reporter, summary_rows
from pipelines.prepare import prepare
from pipelines.registry import stage_class
from pipelines.run_log import record_flow_run
from pipelines.runners import make_task_runner, prefect_map_shards

_reporter: Reporter | None = None  # set by the caller for the duration of a run; read by task threads


def quiet_prefect(verbose: bool = False) -> None:
    """Silence Prefect (and model-loading noise) on an offline machine before import.

    Its telemetry and per-task INFO lines are noise on a console that shows a
    progress bar per stage; errors still reach the user through our own messages.
    Values already set in the environment win.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "CRITICAL")
    os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")
    os.environ.setdefault("PREFECT_CLI_COLORS", "false")
    if not verbose:
        # Model loading bars and bitsandbytes' CPU-kernel notice would scroll
        # the stage progress bars away; they say nothing the summary does not.
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
        # Deprecation notices of library internals (transformers renaming its own
        # arguments) are for us to act on, not for the person running a flow.
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)


def artifact_key(flow: str, step: str) -> str:
    """Prefect artifact keys allow lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", f"{flow}-{step}-card".lower())


def preflight(steps: list[ResolvedStep], store: ArtifactStore) -> None:
    """Read every external input's fingerprint, and find every pinned artifact,
    before anything runs: a missing one stops the run with one clear error and
    nothing written."""
    for step in steps:
        stage_class(step.stage)().external_inputs(step.config)
        for source in step.inputs.values():
            if source.startswith(PINNED):
                store.find(source.removeprefix(PINNED))


class GateFailed(Exception):
    """A step's regression gate failed: the flow ran, its artifacts exist, and it ends failed."""

    def __init__(self, failures: list[str], outcome: list[tuple[str, Artifact]]):
        super().__init__("; ".join(failures))
        self.failures = failures
        self.outcome = outcome


def run_flow(project: Project, flow_name: str, reporter: Reporter | None = None) -> list[tuple[str, Artifact]]:
    """Run one flow from flows.yaml under Prefect (ephemeral local mode unless
    PREFECT_API_URL points at a server) and return each step's artifact.

    Raises ``GateFailed`` (after every step has written its artifact) when a
    step's metrics hold a failed gate; the Prefect flow run is then Failed too.
    """
    global _reporter
    steps = resolve_flow(project, flow_name)
    preflight(steps, open_store(project.artifacts_root))
    prepare(steps, reporter.say if reporter else partial(print, file=sys.stderr))
    from prefect import flow  # imported late: quiet_prefect must run first

    from pipelines.prefect_server import ensure_prefect_api

    ensure_prefect_api()  # one run at a time starts its temporary server, so concurrent runs all start
    _reporter = reporter
    try:
        with tempfile.TemporaryDirectory(prefix="curate-dask-") as scratch:  # Dask's spill space, if Dask runs
            prefect_flow = flow(name=flow_name, description=project.flows[flow_name].description or None,
                                task_runner=make_task_runner(project.runner, scratch),
                                validate_parameters=False, log_prints=False)(_run_steps)
            state = prefect_flow(flow_name, project, return_state=True)
    finally:
        _reporter = None
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, BaseException):
        raise outcome
    failures = failed_gates(outcome)
    if failures:
        raise GateFailed(failures, outcome)
    return outcome


def failed_gates(outcome: list[tuple[str, Artifact]]) -> list[str]:
    """Steps whose metrics carry ``gate: {passed: false, ...}`` (the evaluation gate)."""
    failures = []
    for step, artifact in outcome:
        gate = artifact.manifest.get("metrics", {}).get("gate")
        if isinstance(gate, dict) and gate.get("passed") is False:
            failures.append(f"{step}: general held-out loss {gate.get('base_loss')} -> {gate.get('tuned_loss')} "
                            f"({gate.get('rel_change', 0):+.1%}, allowed +{gate.get('threshold', 0):.0%})")
    return failures


def _run_steps(flow_name: str, project: Project, parameters: dict | None = None) -> list[tuple[str, Artifact]]:
    from prefect import task
    from prefect.artifacts import create_table_artifact
    from prefect.cache_policies import NO_CACHE

    store = open_store(project.artifacts_root)
    runner = project.runner
    done: dict[str, Artifact] = {}
    outcome = []
    for step in resolve_flow(project, flow_name):
        inputs = {name: done[source] if source in done else store.find(source.removeprefix(PINNED))
                  for name, source in step.inputs.items()}
        if _reporter:
            _reporter.step_started(step.name)
        started = time.perf_counter()
        if runner.shards > 1 and stage_class(step.stage).row_local:
            # The step is planned here (writes the artifact); its row shards go to the task runner and read their own input rows.
            stage = Sharded(stage_class(step.stage)(), runner.shards, prefect_map_shards)
            artifact = run_stage(stage, step.config, inputs, store, _context(step.name))
            _mirror_card(flow_name, step, artifact, store)
        else:
            step_task = task(name=step.name, cache_policy=NO_CACHE, persist_result=False)(_run_step)
            artifact = step_task(flow_name, step, inputs, store)
        done[step.name] = artifact
        outcome.append((step.name, artifact))
        if _reporter:
            _reporter.step_finished(step.name, artifact, time.perf_counter() - started)
    record_flow_run(flow_name, outcome, store, parameters)
    create_table_artifact(table=summary_rows(outcome), key=artifact_key(flow_name, "summary").removesuffix("-card"),
                          description=f"Rows through each step of flow {flow_name}")
    failures = failed_gates(outcome)
    if failures:
        from prefect.states import Failed

        return Failed(message="regression gate failed: " + "; ".join(failures), data=outcome)
    return outcome


def _context(step_name: str) -> StageContext:
    """The step's progress bar in the console, when there is a console."""
    progress = _reporter.progress_for(step_name) if _reporter else None
    return StageContext(progress=progress) if progress else StageContext()


def _run_step(flow_name: str, step: ResolvedStep, inputs: dict[str, Artifact], store: ArtifactStore) -> Artifact:
    artifact = run_stage(stage_class(step.stage)(), step.config, inputs, store, _context(step.name))
    _mirror_card(flow_name, step, artifact, store)
    return artifact


def _mirror_card(flow_name: str, step: ResolvedStep, artifact: Artifact, store: ArtifactStore) -> None:
    from prefect.artifacts import create_markdown_artifact

    create_markdown_artifact(markdown=store.read_card(artifact), key=artifact_key(flow_name, step.name),
                             description=f"Data card of {step.stage} {artifact.version}")
