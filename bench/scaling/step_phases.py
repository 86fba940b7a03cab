"""Resident memory of one step at each of its phases, from an artifact already in a store.

    .venv/bin/python bench/scaling/run.py 1000000 --profile core --keep   # prints the store it kept
    .venv/bin/python bench/scaling/step_phases.py /tmp/scale-work/1000000-core-1/artifacts dedup_minhash split

Not a test. Runs STEP with its default config on the newest artifact of INPUT (read by location, as a
flow reads it) and prints this process's RSS and peak (VmHWM) when each phase the step reports to
its progress starts and ends: what a phase holds is its rise. The step's kept rows are held at the
end (no store stages them here), so the last phase's figure is not the flow's.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def status_mb() -> tuple[int, int]:
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


def progress(items, total=None, description=""):
    print(f"{time.strftime('%X')} start {description:34s} rss {status_mb()[0]:6d} MB  peak {status_mb()[1]:6d} MB", flush=True)
    yield from items
    print(f"{time.strftime('%X')} end   {description:34s} rss {status_mb()[0]:6d} MB  peak {status_mb()[1]:6d} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("artifacts", type=Path)
    parser.add_argument("input", help="the stage whose newest artifact is the step's records")
    parser.add_argument("step", help="a stage name, e.g. split, dedup_minhash, dedup_exact")
    args = parser.parse_args()

    from curate.artifacts.store import open_store
    from curate.stage import StageContext
    from pipelines.registry import stage_class

    store = open_store(str(args.artifacts))
    given = store.list(args.input)[-1]
    stage = stage_class(args.step)()
    print(f"start: {given.rows['kept']:,} rows of {args.input}/{given.version}; rss {status_mb()[0]} MB", flush=True)
    stage.run({"records": store.rows_of(given)}, stage.Config(), StageContext(progress=progress))
    print(f"done: rss {status_mb()[0]} MB, peak {status_mb()[1]} MB", flush=True)


if __name__ == "__main__":
    main()
