"""The full curation flow at N synthetic records on a Dask LocalCluster, as ``curate run`` runs it.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/scaling/dask_flow.py 100000 --workers 2 --shards 4

Unlike ``run.py`` (steps called in this process, shards on a process pool), this runs the flow under
Prefect with ``runner: {kind: dask, shards: S}`` against a LocalCluster it starts itself, so the
row-local steps (ingest per file, redact_pii, score_quality, filter_quality) run as shard tasks on
the Dask workers and the rest as tasks too. It reports wall seconds per step (the manifests'
timings), the peak resident memory of this process (the flow process, sampled every 50 ms) and of
each worker (its own VmHWM, asked of the worker when the flow has finished), and appends one JSON
line to ``--results``. Records are generated as ``run.py`` does (``synth.py``, seed 0, reused).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import PeakRss, steps_for  # noqa: E402  (importing run.py puts the project on sys.path)

import synth  # noqa: E402


def vmhwm() -> int:
    """This process's peak resident memory in bytes (run on each worker)."""
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=int, nargs="?", default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes (one thread each)")
    parser.add_argument("--shards", type=int, default=4, help="shards per row-local step")
    synth.add_run_arguments(parser)
    args = parser.parse_args()

    files, work, pattern = synth.fresh_work(args, f"dask-{args.workers}x{args.shards}")

    from distributed import Client, LocalCluster

    from pipelines.runners import quiet_dask

    quiet_dask(work / "dask")
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           memory_limit=0, local_directory=str(work / "dask"))
    client = Client(cluster)
    steps = steps_for("full")
    steps[0] = {"stage": "ingest", "config": {"sources": [{"path": pattern,
                                                           "name": "synthetic", "format": "openai"}]}}
    (work / "flows.yaml").write_text(yaml.safe_dump({
        "artifacts_dir": "artifacts",
        "runner": {"kind": "dask", "shards": args.shards, "dask": {"address": cluster.scheduler_address}},
        "flows": {"curation": {"steps": steps}}}, sort_keys=False))

    from pipelines.config import load_project
    from pipelines.flows import run_flow

    rss = PeakRss()
    started = time.perf_counter()
    outcome = run_flow(load_project(work / "flows.yaml"), "curation")
    total = time.perf_counter() - started
    workers = client.run(vmhwm)
    per_step = [{"step": name, "seconds": round(a.manifest["timings"]["seconds"], 1), "rows_in": a.rows["in"],
                 "kept": a.rows["kept"], "shards": a.manifest["metrics"].get("shards", 1)} for name, a in outcome]
    result = {
        "records": args.records, "profile": "full-dask", "workers": args.workers, "shards": args.shards,
        "seconds": round(total, 1), "us_per_record": round(total / args.records * 1e6, 1),
        "flow_peak_rss_mb": round(max(rss.peak, rss.now()) / 2**20),
        "worker_peak_rss_mb": sorted(round(v / 2**20) for v in workers.values()),
        "steps": per_step, "files": len(files), "cpus": os.cpu_count(),
    }
    client.close()
    cluster.close()
    line = json.dumps(result)
    print(line)
    with args.results.open("a") as fh:
        fh.write(line + "\n")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
