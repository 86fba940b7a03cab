"""Run by tests/test_shard_resume.py in a child process that the test kills with SIGKILL mid-step.

    python tests/shard_crash_run.py STORE RAW SHARDS SLEEP_SECONDS

Ingests RAW into the store at STORE, then runs ``score_quality`` over it in SHARDS shards, each
shard sleeping SLEEP_SECONDS first so the parent can kill the run after some shards finished. The
stage is the real one; the sleep only stretches time."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curate.artifacts import ArtifactStore, run_stage  # noqa: E402
from curate.artifacts.sharded import Sharded  # noqa: E402
from curate.ingest import Ingest, IngestConfig, Source  # noqa: E402
from curate.quality.stage import ScoreQuality  # noqa: E402


class SlowScoreQuality(ScoreQuality):
    """``score_quality`` (same name, version and config, so the same artifact) that first waits."""

    sleep = 0.0

    def run(self, inputs, config, ctx):
        time.sleep(self.sleep)
        return super().run(inputs, config, ctx)


def run(store_root: str, raw: str, shards: int, sleep: float):
    store = ArtifactStore(store_root)
    records = run_stage(Ingest(), IngestConfig(sources=(Source(path=raw),)), {}, store)
    stage = SlowScoreQuality()
    stage.sleep = sleep
    return run_stage(Sharded(stage, shards), ScoreQuality.Config(), {"records": records}, store)


if __name__ == "__main__":
    artifact = run(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    print(artifact.version, artifact.manifest["metrics"].get("shards_reused"))
