"""Does model-based selection train a better model? Arms at equal k and equal steps, S seeds each.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/select/experiment.py --candidates 3000 --k 1000 --seeds 3 --steps 100

Candidates: alpaca_en_demo and the English sets of ../shared/datasets/real/
(LIMA, alpaca-libre, FastChat, LLaMA-Factory v1), through ingest, dedup_exact,
score_quality, filter_quality (defaults) and a grouped split: ``--test-rows``
of the test split are the one held-out set; ``--candidates`` train rows are
drawn from the rest (seeded). Every arm's rows are decontaminated against the
test set (same id, same prompt, a shared 13-gram). Arms, all through the
``select`` stage on the same embeddings (embed, first user turn):

    all            every candidate (trained for the same steps, so it sees a different mix, not more steps)
    random         k rows, a seeded draw (a new draw per seed)
    heuristic      k rows, highest quality.score (score_quality's heuristic) first
    ifd            k rows, highest IFD first, IFD > 1 removed
    ifd_diversity  as ifd, and a row joins only if its cosine to every selected row is below 0.9

Each arm trains one LoRA adapter per seed (train seed = seed) on SmolLM2-135M
(``--base-model``: any local folder) for ``--steps`` optimizer steps of
``--batch-size`` rows (rows over ``--max-length`` truncated, so every arm
trains on all its rows); held-out loss is the token-weighted loss on the test
rows' assistant tokens. Each run and the summary are the ``compare`` stage's own
(``train.evaluate.arms.train_and_score``, ``summarise_arms``): printed, mean +- sd
per arm and per arm the paired difference loss(random) - loss(arm) over seeds
with a 95% t interval (above zero: the arm beats random). It is a script, not a
``compare`` step, because its random arm is a new draw per seed, and an arm
artifact is one draw; its output is the table and ``--out``/result.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pyarrow as pa  # noqa: E402

SHARED = Path(__file__).resolve().parents[3] / "shared" / "datasets"
SOURCES = {
    "alpaca": SHARED / "alpaca" / "alpaca_en_demo.json",
    "lima": SHARED / "real" / "lima" / "lima.json",
    "alpaca_libre": SHARED / "real" / "alpaca_libre" / "alpaca_libre_tasks_v2.jsonl",
    "fastchat": SHARED / "real" / "fastchat" / "data_dummy_conversation.json",
    "llamafactory_v1": SHARED / "real" / "llamafactory_v1" / "v1_sft_demo.jsonl",
}
ARMS = ("all", "random", "heuristic", "ifd", "ifd_diversity")


def candidates_and_test(store, n_candidates: int, test_rows: int, seed: int) -> tuple[pa.Table, pa.Table]:
    from curate.artifacts import run_stage
    from curate.dedup.exact import DedupExact, ExactConfig
    from curate.ingest.stage import Ingest, IngestConfig, Source
    from curate.quality.stage import FilterConfig, FilterQuality, ScoreConfig, ScoreQuality
    from curate.select.greedy import seeded_key
    from curate.split.stage import Split, SplitConfig

    sources = tuple(Source(path=str(p), name=n) for n, p in SOURCES.items())
    step = run_stage(Ingest(), IngestConfig(sources=sources), {}, store)
    for stage, config in ((DedupExact(), ExactConfig()), (ScoreQuality(), ScoreConfig()), (FilterQuality(), FilterConfig()),
                          (Split(), SplitConfig(ratios={"train": 0.9, "test": 0.1}, seed=0))):
        step = run_stage(stage, config, {"records": step}, store)
    split = store.read(step)
    ids = split.column("id").to_pylist()
    splits = split.column("split").to_pylist()

    def draw(name: str, n: int) -> pa.Table:
        rows = sorted((i for i, s in enumerate(splits) if s == name), key=lambda i: seeded_key(ids[i], seed))[:n]
        return split.take(sorted(rows)).drop_columns(["split"])

    return draw("train", n_candidates), draw("test", test_rows)


def select_arm(arm: str, scored: pa.Table, embeddings: pa.Table, k: int, seed: int) -> pa.Table:
    from curate.select.stage import Select, SelectConfig
    from curate.stage import StageContext

    configs = {
        "random": {"by": "random", "max_cosine": None, "max_ifd": None},
        "heuristic": {"by": "quality.score", "max_cosine": None, "max_ifd": None},
        "ifd": {"by": "quality.ifd", "max_cosine": None},
        "ifd_diversity": {"by": "quality.ifd", "max_cosine": 0.9},
    }
    if arm == "all":
        return scored
    config = SelectConfig(budget=k, seed=seed, **configs[arm])
    return Select().run({"records": scored, "embeddings": embeddings}, config, StageContext()).kept


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--candidates", type=int, default=3000)
    ap.add_argument("--test-rows", type=int, default=200)
    ap.add_argument("--k", type=int, default=1000)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--max-length", type=int, default=512)
    ap.add_argument("--base-model", default="smollm2-135m-instruct")
    ap.add_argument("--ifd-batch-size", type=int, default=16)
    ap.add_argument("--out", type=Path, default=Path("data/bench_select"))
    args = ap.parse_args()
    missing = [str(p) for p in SOURCES.values() if not p.is_file()]
    if missing:
        sys.exit(f"absent: {missing}; the shared datasets are only beside the checkout in dev sessions")

    from collections import Counter

    from curate.artifacts import ArtifactStore
    from curate.base_model import resolve_base_model
    from curate.embed.stage import Embed, EmbedConfig
    from curate.stage import StageContext
    from train.evaluate.arms import budget_config, encode_held_out, score, summarise_arms, train_and_score
    from train.evaluate.compare_card import compare_table
    from train.evaluate.leakage import decontaminate
    from train.evaluate.models import ModelRef
    from train.ifd.stage import ScoreIfd, ScoreIfdConfig
    from train.models import load_tokenizer

    store = ArtifactStore(args.out / "artifacts")
    candidates, test = candidates_and_test(store, args.candidates, args.test_rows, seed=0)
    candidates, removed = decontaminate(candidates, test)
    removed = dict(Counter(r["kind"] for r in removed))
    print(f"{candidates.num_rows} candidates (decontaminated: {removed}), {test.num_rows} test rows, k={args.k}", flush=True)
    started = time.perf_counter()
    ifd_config = ScoreIfdConfig(base_model=args.base_model, max_length=args.max_length, batch_size=args.ifd_batch_size)
    scored = ScoreIfd().run({"records": candidates}, ifd_config, StageContext()).kept
    print(f"score_ifd: {time.perf_counter() - started:.0f} s", flush=True)
    embeddings = Embed().run({"records": scored}, EmbedConfig(), StageContext()).kept

    encoded = encode_held_out(load_tokenizer(resolve_base_model(args.base_model)), test.to_pylist(), args.max_length)
    runs: dict[str, list[dict]] = {arm: [] for arm in ARMS}
    for seed in range(args.seeds):
        for arm in ARMS:
            chosen = select_arm(arm, scored, embeddings, args.k, seed)
            config = budget_config(args.base_model, args.steps, args.batch_size, args.max_length, seed)
            run = train_and_score(chosen, encoded, config, args.out / "runs" / f"{arm}-seed{seed}", keep_adapter=False)
            runs[arm].append({"arm": arm, "seed": seed, **run.as_dict()})
            print(f"seed {seed} {arm}: {run.train_rows} rows, {run.tokens_seen} tokens, held-out loss {run.held_out_loss:.4f}", flush=True)

    seeds = list(range(args.seeds))
    summary = {"baseline": "random", "seeds": seeds,
               "budget": {"optimizer_steps": args.steps, "batch_size": args.batch_size, "max_length": args.max_length},
               "base_model": {"name": args.base_model, "held_out_loss": score(ModelRef(args.base_model), encoded, 4)[0]},
               "arms": summarise_arms([r for arm in ARMS for r in runs[arm]], ARMS, "random", seeds)}
    result = {"args": {k: str(v) for k, v in vars(args).items()}, "candidates": candidates.num_rows,
              "test_rows": test.num_rows, "runs": runs, **summary}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "result.json").write_text(json.dumps(result, indent=2) + "\n")
    print()
    print(compare_table(summary))


if __name__ == "__main__":
    main()
