"""Where a flow's tasks run: threads on this machine by default, a Dask cluster
through prefect-dask when configured. Stages never know which.

``RunnerConfig`` is the ``runner:`` block of flows.yaml::

    runner:
      kind: dask                      # local (default) | dask
      shards: 8                       # row shards per row-local step; 1 = no sharding
      dask:
        address: tcp://scheduler:8786 # an existing cluster; omit for a LocalCluster
        n_workers: 2
        threads_per_worker: 1

Row-local steps (stages that declare ``row_local``) are mapped over
``shards`` parts as separate Prefect tasks, so they spread over the workers;
every other step is one task. Sharding never changes an artifact's version.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from curate.artifacts import Artifact, run_stage
from curate.artifacts.sharded import ShardCall, run_shard
from curate.stage import Progress, StageContext, StageResult, no_progress

DASK_LOGGERS = ("distributed", "distributed.scheduler", "distributed.nanny", "distributed.worker",
                "distributed.core", "distributed.http", "distributed.comm", "distributed.utils_perf")


class DaskConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    address: str | None = Field(None, description="Scheduler address of a running cluster; None starts a LocalCluster.")
    n_workers: int = Field(2, ge=1, le=1024, description="LocalCluster worker processes.")
    threads_per_worker: int = Field(1, ge=1, le=256, description="Threads per LocalCluster worker (stages are CPU-bound: 1).")
    memory_limit: str = Field("auto", description="Per-worker memory limit of the LocalCluster, e.g. '4GiB'.")
    cluster_kwargs: dict[str, Any] = Field(default_factory=dict, description="Extra LocalCluster keyword arguments.")


class RunnerConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["local", "dask"] = Field("local", description="local: a thread pool here; dask: prefect-dask's DaskTaskRunner.")
    max_workers: int | None = Field(None, ge=1, le=1024, description="Threads of the local runner; None lets Prefect choose.")
    shards: int = Field(1, ge=1, le=4096, description="Row shards per row-local step (1: no sharding).")
    dask: DaskConfig = Field(default_factory=DaskConfig)


def quiet_dask(scratch: str | Path | None = None) -> Path:
    """Dask logs ~135 INFO lines per LocalCluster and leaves ``dask-scratch-space``
    in the working directory or /tmp; keep only errors and put its spill files
    in a temporary folder of ours. Returns that folder."""
    import dask

    scratch = Path(scratch or tempfile.mkdtemp(prefix="curate-dask-"))
    dask.config.set({"temporary-directory": str(scratch), "distributed.admin.system-monitor.gil.enabled": False,
                     "logging": {"distributed": "error"}})
    for name in DASK_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    return scratch


def make_task_runner(config: RunnerConfig, scratch: str | Path | None = None):
    """The Prefect task runner for ``config``: ``ThreadPoolTaskRunner`` or ``DaskTaskRunner``."""
    if config.kind == "local":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=config.max_workers)
    from prefect_dask import DaskTaskRunner

    if config.dask.address:
        return DaskTaskRunner(address=config.dask.address)
    scratch = quiet_dask(scratch)
    kwargs = {
        "n_workers": config.dask.n_workers, "threads_per_worker": config.dask.threads_per_worker,
        "processes": True, "memory_limit": config.dask.memory_limit, "dashboard_address": None,
        "silence_logs": logging.ERROR, "local_directory": str(scratch), **config.dask.cluster_kwargs,
    }
    return DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs=kwargs)


def prefect_map_shards(calls: list[ShardCall], progress: Progress = no_progress) -> list[StageResult]:
    """Each shard as a Prefect task run on the current flow's task runner (threads or Dask),
    counted through ``progress`` as its result comes back."""
    from prefect import task
    from prefect.cache_policies import NO_CACHE

    shard_task = task(name="shard", cache_policy=NO_CACHE, persist_result=False)(run_shard)
    futures = [shard_task.with_options(name=f"{stage.name}-shard-{i}").submit(stage, config, inputs, out)
               for i, (stage, config, inputs, out) in enumerate(calls)]
    return list(progress((f.result() for f in futures), total=len(futures), description=f"{calls[0][0].name} shards"))
