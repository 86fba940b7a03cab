"""Deployments of every flows.yaml flow, served by a long-running process against a Prefect server.

One Prefect flow function (``flows_yaml_flow``) runs any flows.yaml flow by name;
each flows.yaml flow becomes a deployment ``<flow>/flows-yaml`` of it, with the
flow's ``schedule`` (cron + timezone) and ``parameters``. The entrypoint is the
module path ``pipelines.serve.flows_yaml_flow``, so the served process finds it
from any working directory where llm-curate is installed.

Chaining uses Prefect's own means: when a flow run completes, every flow that
declares ``after: <this flow>`` is started with ``run_deployment`` (fire and
forget, ``as_subflow=False``), so training follows a successful curation and
evaluation follows training, each its own flow run in the Prefect UI. A failed
run raises before the chaining step, so nothing downstream starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from pipelines.config import Project, load_project

DEPLOYMENT = "flows-yaml"
"""Deployment name under each flow: ``curation/flows-yaml``."""


def followers(project: Project, flow_name: str) -> list[str]:
    """Flows that declare ``after: <flow_name>`` (a name or a list of names)."""
    found = []
    for name, cfg in project.flows.items():
        after = getattr(cfg, "after", None)
        after = [after] if isinstance(after, str) else list(after or [])
        if flow_name in after:
            found.append(name)
    return found


@flow(name="flows-yaml", validate_parameters=False, log_prints=False, persist_result=False)
def flows_yaml_flow(flow_name: str, config_path: str, parameters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run one flows.yaml flow, record the run, then start the flows that follow it."""
    from prefect.deployments import run_deployment
    from prefect.states import State

    from pipelines.console import summary_rows
    from pipelines.flows import _run_steps
    project = load_project(Path(config_path))
    outcome = _run_steps(flow_name, project, parameters)
    if isinstance(outcome, State):  # a failed regression gate: the run fails and starts nothing
        return outcome
    for follower in followers(project, flow_name):
        run_deployment(f"{follower}/{DEPLOYMENT}", timeout=0, as_subflow=False,
                       parameters={"flow_name": follower, "config_path": config_path,
                                   "parameters": dict(project.flows[follower].parameters)})
    return summary_rows(outcome)


def deployments(project: Project) -> list[RunnerDeployment]:
    """One deployment per flows.yaml flow, scheduled where the flow declares a schedule."""
    config_path = str(project.path.resolve())
    built = []
    for name, cfg in project.flows.items():
        schedule = {"schedule": Cron(cfg.schedule.cron, timezone=cfg.schedule.timezone)} if cfg.schedule else {}
        built.append(flows_yaml_flow.with_options(name=name, description=cfg.description or None).to_deployment(
            name=DEPLOYMENT,
            parameters={"flow_name": name, "config_path": config_path, "parameters": dict(cfg.parameters)},
            entrypoint_type=EntrypointType.MODULE_PATH,
            tags=["llm-curate"],
            **schedule,
        ))
    return built


def serve(project: Project, limit: int | None = None) -> None:
    """Register every flow's deployment with the server at PREFECT_API_URL and run them as they come due (blocks)."""
    from prefect import serve as prefect_serve

    prefect_serve(*deployments(project), limit=limit, print_starting_message=True)
