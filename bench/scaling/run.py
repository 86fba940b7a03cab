"""Scaling benchmark: curation time and peak memory for N synthetic records.

    .venv/bin/python bench/scaling/run.py 10000 --profile full
    .venv/bin/python bench/scaling/run.py 1000000 --profile scalable

Generates N records deterministically into ``--data`` (default /tmp/scale-data,
reused between runs), writes a flows.yaml for them into a fresh work folder
under ``--work`` and runs its steps in this process through the artifact runner
(the same ``run_stage`` calls a Prefect flow makes, without Prefect's ~1 s per
flow), so the figures are the stages' own. Prints one JSON line per run, with
wall seconds, CPU seconds and peak RSS per step, and appends it to ``--results``.

Profiles: ``full`` is the curation flow of flows.yaml without the demo-only
steps (general mix, preference pairs); ``scalable`` drops the model-bound steps
(redact_pii with spaCy, embed, dedup_semantic, cluster) whose cost is a fixed
number of texts per second on this box and so is linear by construction;
``core`` keeps only ingest, exact and MinHash dedup and split (the steps whose
cost could grow faster than linearly: hashing, grouping, connected components);
``rowlocal`` keeps ingest, score_quality and filter_quality, the steps ``--shards``
splits.

``--shards N`` runs the row-local steps as N shards on a pool of ``--workers``
spawned processes (``Sharded``, as the flow's Dask runner does): the shard tasks read
their own input rows and write their own parts, so this process (``peak_rss_mb``)
holds neither a row-local step's input nor its output; ``worker_peak_rss_mb`` is the
largest peak any worker reported (its own VmHWM).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import synth  # noqa: E402

FULL = [
    {"stage": "ingest"},
    {"stage": "redact_pii", "config": {"default_operator": "placeholder"}},
    {"stage": "dedup_exact", "config": {"view": "conversation"}},
    {"stage": "dedup_minhash", "config": {"view": "conversation", "shingle": "word", "ngram": 3, "threshold": 0.7,
                                          "keeper": "longest_answer"}},
    {"stage": "embed", "config": {"view": "first_user"}},
    {"stage": "dedup_semantic", "inputs": {"records": "dedup_minhash", "embeddings": "embed"},
     "config": {"view": "first_user", "threshold": 0.95}},
    {"stage": "score_quality"},
    {"stage": "filter_quality", "config": {"max_repetition": 0.3}},
    {"stage": "cluster", "inputs": {"records": "filter_quality", "embeddings": "embed"},
     "config": {"k_candidates": [8, 16], "seed": 0}},
    {"stage": "split", "config": {"ratios": {"train": 0.8, "validation": 0.1, "test": 0.1}, "stratify_by": "cluster", "seed": 0}},
]
MODEL_BOUND = {"redact_pii", "embed", "dedup_semantic", "cluster"}
CORE = {"ingest", "dedup_exact", "dedup_minhash", "split"}
ROW_LOCAL_PROFILE = {"ingest", "score_quality", "filter_quality"}


def steps_for(profile: str) -> list[dict]:
    if profile == "full":
        return FULL
    keep = {"core": CORE, "rowlocal": ROW_LOCAL_PROFILE}.get(profile, set(s["stage"] for s in FULL) - MODEL_BOUND)
    steps = [dict(s) for s in FULL if s["stage"] in keep]
    for s in steps:
        s.pop("inputs", None)
        if s["stage"] == "split":
            s["config"] = {**s["config"], "stratify_by": "source"}
    return steps


class PeakRss:
    """Samples this process's resident memory every 50 ms; ``take()`` gives the
    peak since the last call (ru_maxrss only knows the peak since the start)."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        threading.Thread(target=self._loop, daemon=True).start()

    @staticmethod
    def now() -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _loop(self):
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.now())

    def take(self) -> int:
        peak, self.peak = max(self.peak, self.now()), self.now()
        return peak


def _shard_with_peak(call):
    """One shard on a worker, and the worker's peak resident memory so far (VmHWM: its own pages,
    which a forked or exec'd child's ru_maxrss would mix with its parent's)."""
    from curate.artifacts.sharded import run_shard

    result = run_shard(*call)
    with open("/proc/self/status") as fh:
        peak = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:"))
    return result, peak


def _cpu() -> float:
    """CPU seconds of this process (all threads): on a shared box wall time
    mostly measures the neighbours, CPU time measures the work."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description="Curation time and peak memory for N synthetic records.")
    parser.add_argument("records", type=int)
    parser.add_argument("--profile", choices=["full", "scalable", "core", "rowlocal"], default="full")
    parser.add_argument("--shards", type=int, default=1, help="row-local steps as this many shards (1: one task)")
    parser.add_argument("--workers", type=int, default=2, help="processes the shards run on")
    synth.add_run_arguments(parser)
    args = parser.parse_args()

    files, work, pattern = synth.fresh_work(args, f"{args.profile}-{args.shards}")
    steps = steps_for(args.profile)
    steps[0] = {"stage": "ingest", "config": {"sources": [{"path": pattern,
                                                           "name": "synthetic", "format": "openai"}]}}
    (work / "flows.yaml").write_text(yaml.safe_dump({"artifacts_dir": "artifacts",
                                                     "flows": {"curation": {"steps": steps}}}, sort_keys=False))

    from concurrent.futures import ProcessPoolExecutor

    from curate.artifacts import ArtifactStore, run_stage
    from curate.artifacts.sharded import Sharded
    from pipelines.config import load_project, resolve_flow
    from pipelines.registry import stage_class

    project = load_project(work / "flows.yaml")
    store = ArtifactStore(project.artifacts_dir if project.artifacts_dir.is_absolute() else work / "artifacts")
    rss = PeakRss()
    rss.take()
    done, per_step = {}, []
    started, cpu_started = time.perf_counter(), _cpu()
    # spawned, not forked: a forked worker would start with (and report) this process's resident pages
    pool = ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn"))

    worker_peaks: list[int] = []

    def map_shards(calls, progress):
        done = list(pool.map(_shard_with_peak, calls))
        worker_peaks.extend(peak for _, peak in done)
        return [result for result, _ in done]

    for step in resolve_flow(project, "curation"):
        t0, c0 = time.perf_counter(), _cpu()
        stage = stage_class(step.stage)()
        if args.shards > 1 and stage.row_local:
            stage = Sharded(stage, args.shards, map_shards)
        artifact = run_stage(stage, step.config, {k: done[v] for k, v in step.inputs.items()}, store)
        done[step.name] = artifact
        per_step.append({"step": step.name, "seconds": round(time.perf_counter() - t0, 2), "cpu_s": round(_cpu() - c0, 2),
                         "peak_rss_mb": round(rss.take() / 2**20), "rows_in": artifact.rows["in"],
                         "kept": artifact.rows["kept"]})
        print(json.dumps(per_step[-1]), file=sys.stderr, flush=True)
    total = time.perf_counter() - started
    pool.shutdown()  # workers' CPU counts once they have been waited for
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = _cpu() - cpu_started + children.ru_utime + children.ru_stime
    result = {
        "records": args.records, "profile": args.profile, "seconds": round(total, 1), "cpu_s": round(cpu, 1),
        "us_per_record": round(total / args.records * 1e6, 1), "cpu_us_per_record": round(cpu / args.records * 1e6, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "shards": args.shards, "workers": args.workers if args.shards > 1 else 0,
        "worker_peak_rss_mb": round(max(worker_peaks) / 2**20) if worker_peaks else None,
        "steps": per_step, "files": len(files), "cpus": os.cpu_count(),
    }
    line = json.dumps(result)
    print(line)
    with args.results.open("a") as fh:
        fh.write(line + "\n")
    if args.keep:
        print(f"kept: {store.root}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
