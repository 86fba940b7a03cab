"""Held-out sizes on public data nobody here wrote: ingest -> split, with boilerplate ignored or not.

    .venv/bin/python bench/split_cluster/real_sets.py [--policy move_to_train] [--seed 0] [--sweep]

Ingests the English and Chinese sets of ``../shared/datasets/real/`` (lima,
toolformer, fastchat, alpaca_libre, alpaca_zh), each alone and all together
(stratified by source), and splits 80/10/10 with the contamination policy.
Each split runs twice in the same process: ``boilerplate off``
(``boilerplate_share: 1.0``, what the check did before boilerplate was cut out)
and ``defaults``. The floor is off for the first so its sizes can be printed;
prints rows taken by contamination, requested vs achieved validation/test rows,
the largest stratum-share deviation and the top boilerplate passage.
``--sweep`` then splits toolformer at several ``boilerplate_share`` values, to
show how wide the range of shares that works is.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyarrow as pa

from curate.ingest import Ingest, IngestConfig, Source
from curate.split.held_out import HeldOutTooSmall
from curate.split.stage import ContaminationConfig, Split, SplitConfig
from curate.stage import StageContext

REAL = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "real"
SETS = {"lima": "lima/lima.json", "toolformer": "toolformer/toolformer-dedupe-only-dataset.json",
        "fastchat": "fastchat/data_dummy_conversation.json", "alpaca_libre": "alpaca_libre/alpaca_libre_tasks_v2.jsonl",
        "alpaca_zh": "alpaca_zh/alpaca_zh_demo.json"}


def ingest(name: str) -> pa.Table:
    return Ingest().run({}, IngestConfig(sources=(Source(path=str(REAL / SETS[name]), name=name),)), StageContext()).kept


def run(table: pa.Table, label: str, policy: str, seed: int, stratify_by: str | None) -> None:
    for arm, extra in (("boilerplate off", {"boilerplate_share": 1.0, "floor": 0.0}), ("defaults", {})):
        config = SplitConfig(seed=seed, stratify_by=stratify_by, contamination=ContaminationConfig(policy=policy, **extra))
        started = time.perf_counter()
        try:
            result = Split().run({"records": table}, config, StageContext())
        except HeldOutTooSmall as exc:
            print(f"{label:13} {arm:16} FAILED: {exc}")
            continue
        m = result.metrics
        c, sizes = m["contamination"], m["held_out_sizes"]
        held = "  ".join(f"{x} {sizes[x]['achieved']}/{sizes[x]['requested']} ({sizes[x]['percent_of_target']}%)" for x in ("validation", "test"))
        bp = c["boilerplate"]
        top = f"; top boilerplate ({bp['passages'][0]['rows']} rows): {bp['passages'][0]['text'][:60]!r}" if bp["passages"] else ""
        print(f"{label:13} {arm:16} rows {table.num_rows:6}  contaminated {sum(c['contaminated_by_split'].values()):5}  "
              f"moved {c['moved_to_train']:5}  dropped {c['dropped']:5}  {held}  "
              f"max stratum dev {max(m['max_stratum_share_deviation_pp'].values(), default=0):.2f} pp  "
              f"boilerplate n-grams {bp['ngrams']:5}  cjk rows checked {c['cjk_rows_checked']:4}  {time.perf_counter() - started:.1f} s{top}")


def sweep(table: pa.Table, policy: str, seed: int) -> None:
    for share in (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2):
        config = SplitConfig(seed=seed, contamination=ContaminationConfig(policy=policy, boilerplate_share=share, floor=0.0))
        m = Split().run({"records": table}, config, StageContext()).metrics
        c, test = m["contamination"], m["held_out_sizes"]["test"]
        print(f"toolformer boilerplate_share {share:<5}: n-grams in more than {c['boilerplate']['more_than_rows']:4} rows cut "
              f"({c['boilerplate']['ngrams']:3} n-grams), moved {c['moved_to_train']:4}, dropped {c['dropped']:4}, "
              f"test {test['achieved']}/{test['requested']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--policy", default="move_to_train", choices=("move_to_train", "drop"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sweep", action="store_true", help="also split toolformer at several boilerplate_share values")
    args = parser.parse_args()
    if not REAL.is_dir():
        sys.exit(f"{REAL} is absent: this benchmark reads the public sets beside the checkout")
    tables = {name: ingest(name) for name in SETS}
    for name, table in tables.items():
        run(table, name, args.policy, args.seed, None)
    run(pa.concat_tables(tables.values()), "all (mixed)", args.policy, args.seed, "source")
    if args.sweep:
        sweep(tables["toolformer"], args.policy, args.seed)


if __name__ == "__main__":
    main()
