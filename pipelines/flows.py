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
from pathlib import Path

from curate.artifacts import Artifact, ArtifactStore, run_stage
from curate.stage import StageContext
from pipelines.config import Project, ResolvedStep, resolve_flow
from pipelines.console import Reporter, summary_rows
from pipelines.registry import stage_class
from pipelines.run_log import record_flow_run

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
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        logging.getLogger("bitsandbytes").setLevel(logging.ERROR)


def artifact_key(flow: str, step: str) -> str:
    """Prefect artifact keys allow lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", f"{flow}-{step}-card".lower())


def preflight(steps: list[ResolvedStep]) -> None:
    """Read every external input's fingerprint before anything runs, so a
    missing file stops the run with one clear error and nothing written."""
    for step in steps:
        stage_class(step.stage)().external_inputs(step.config)


def run_flow(project: Project, flow_name: str, reporter: Reporter | None = None) -> list[tuple[str, Artifact]]:
    """Run one flow from flows.yaml under Prefect (ephemeral local mode unless
    PREFECT_API_URL points at a server) and return each step's artifact."""
    global _reporter
    steps = resolve_flow(project, flow_name)
    preflight(steps)
    from prefect import flow  # imported late: quiet_prefect must run first

    prefect_flow = flow(name=flow_name, description=project.flows[flow_name].description or None,
                        validate_parameters=False, log_prints=False)(_run_steps)
    _reporter = reporter
    try:
        return prefect_flow(flow_name, str(project.path), str(project.artifacts_dir))
    finally:
        _reporter = None


def _run_steps(flow_name: str, config_path: str, artifacts_dir: str) -> list[tuple[str, Artifact]]:
    from prefect import task
    from prefect.artifacts import create_table_artifact
    from prefect.cache_policies import NO_CACHE

    from pipelines.config import load_project

    project = load_project(Path(config_path))
    store = ArtifactStore(artifacts_dir)
    done: dict[str, Artifact] = {}
    outcome = []
    for step in resolve_flow(project, flow_name):
        step_task = task(name=step.name, cache_policy=NO_CACHE, persist_result=False)(_run_step)
        inputs = {name: done[source] for name, source in step.inputs.items()}
        artifact = step_task(flow_name, step, inputs, store)
        done[step.name] = artifact
        outcome.append((step.name, artifact))
    record_flow_run(flow_name, outcome, store.root)
    create_table_artifact(table=summary_rows(outcome), key=artifact_key(flow_name, "summary").removesuffix("-card"),
                          description=f"Rows through each step of flow {flow_name}")
    return outcome


def _run_step(flow_name: str, step: ResolvedStep, inputs: dict[str, Artifact], store: ArtifactStore) -> Artifact:
    from prefect.artifacts import create_markdown_artifact

    progress = _reporter.progress_for(step.name) if _reporter else None
    ctx = StageContext(progress=progress) if progress else StageContext()
    artifact = run_stage(stage_class(step.stage)(), step.config, inputs, store, ctx)
    create_markdown_artifact(markdown=artifact.card_path.read_text(), key=artifact_key(flow_name, step.name),
                             description=f"Data card of {step.stage} {artifact.version}")
    return artifact
