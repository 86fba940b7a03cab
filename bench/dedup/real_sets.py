"""Dedup on the real public sets: what each method removes, and whether every removal keeps its promise.

    .venv/bin/python bench/dedup/real_sets.py [--sets lima,fastchat,...] [--sample 20 --seed 0 --out FILE]

Each English and Chinese set of ``../shared/datasets/real/`` is ingested and run
through dedup_exact -> dedup_minhash -> embed -> dedup_semantic with the configs
of the curation flow in ``flows.yaml`` (stages called directly, as the tests do;
PII redaction, which runs first in the flow, is left out). Per set it prints
rows in, rows removed per method, and the removals whose similarity to their
``duplicate_of`` is below the method's threshold, recomputed here independently
of the stage: normalised text equality for exact, the exact Jaccard of the
boilerplate-free shingle sets (``corpus_shingle_sets``) for MinHash, the cosine
of the stored vectors for semantic. That last column must be 0. It also counts
distinct first user turns that no kept row asks any more, in any user turn (a
prompt lost whole).

With ``--sample N``, N seeded random removals per method from all sets together
are written to ``--out`` as Markdown (both texts shortened, similarity) for
judging by hand: bench/dedup/judged_removals.md was made from it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from curate.dedup.clusters import shorten  # noqa: E402
from curate.embed.aligned import aligned_vectors  # noqa: E402
from curate.embed.stage import Embed  # noqa: E402
from curate.dedup.exact import DedupExact  # noqa: E402
from curate.dedup.minhash_stage import DedupMinhash  # noqa: E402
from curate.dedup.minhash import corpus_shingle_sets  # noqa: E402
from curate.dedup.semantic import DedupSemantic  # noqa: E402
from curate.views import boilerplate_lines, normalise_for_match, stripped_view, view_text  # noqa: E402
from curate.ingest.stage import Ingest, IngestConfig, Source  # noqa: E402
from curate.stage import StageContext  # noqa: E402

REAL = ROOT.parent / "shared" / "datasets" / "real"
SETS = {
    "lima": ["lima/lima.json"],
    "toolformer": ["toolformer/toolformer-dedupe-only-dataset.json"],
    "fastchat": ["fastchat/data_dummy_conversation.json"],
    "alpaca_libre": ["alpaca_libre/alpaca_libre_tasks_v2.jsonl"],
    "alpaca_zh": ["alpaca_zh/alpaca_zh_demo.json"],
    "llamafactory_v1": ["llamafactory_v1/v1_sft_demo.jsonl", "llamafactory_v1/reason_tool_use_demo_50.jsonl"],
}
STAGES = {"dedup_exact": DedupExact(), "dedup_minhash": DedupMinhash(), "embed": Embed(), "dedup_semantic": DedupSemantic()}


def flow_configs() -> dict:
    """The configs of the dedup steps of the curation flow, as flows.yaml writes them."""
    steps = yaml.safe_load((ROOT / "flows.yaml").read_text())["flows"]["curation"]["steps"]
    given = {s["stage"]: s.get("config", {}) for s in steps if s["stage"] in STAGES}
    return {name: stage.Config(**given.get(name, {})) for name, stage in STAGES.items()}


def run_set(name: str, files: list[str], configs: dict) -> dict:
    ctx = StageContext()
    ingested = Ingest().run({}, IngestConfig(sources=tuple(Source(path=str(REAL / f), name=name) for f in files)), ctx)
    records = ingested.kept
    out = {"name": name, "raw": ingested.rows_in, "quarantined": ingested.removed.num_rows, "in": records.num_rows}
    exact = DedupExact().run({"records": records}, configs["dedup_exact"], ctx)
    minhash = DedupMinhash().run({"records": exact.kept}, configs["dedup_minhash"], ctx)
    embedded = Embed().run({"records": minhash.kept}, configs["embed"], ctx)
    semantic = DedupSemantic().run({"records": minhash.kept, "embeddings": embedded.kept}, configs["dedup_semantic"], ctx)
    out.update(exact=exact, minhash=minhash, embed=embedded, semantic=semantic, records=records)
    out["below"] = {
        "exact": below_exact(records, exact.removed),
        "minhash": below_minhash(exact.kept, minhash.removed, configs["dedup_minhash"]),
        "semantic": below_semantic(minhash.kept, embedded.kept, semantic.removed, configs["dedup_semantic"].threshold),
    }
    firsts = {normalise_for_match(view_text(m, "first_user")) for m in records.column("messages").to_pylist()}
    asked = {normalise_for_match(t["content"]) for m in semantic.kept.column("messages").to_pylist() for t in m if t["role"] == "user"}
    out["prompts"] = (len(firsts), len(firsts - asked))
    return out


def texts_by_id(table, view: str) -> dict[str, str]:
    return dict(zip(table.column("id").to_pylist(), (view_text(m, view) for m in table.column("messages").to_pylist())))


def below_exact(records, removed) -> int:
    text = texts_by_id(records, "conversation")
    return sum(normalise_for_match(text[r["id"]]) != normalise_for_match(text[r["duplicate_of"]]) for r in removed.to_pylist())


def below_minhash(records, removed, config) -> int:
    ids = records.column("id").to_pylist()
    texts = [view_text(m, config.view) for m in records.column("messages").to_pylist()]
    sets = dict(zip(ids, corpus_shingle_sets(texts, records.column("source").to_pylist(), config.shingle, config.ngram,
                                             config.boilerplate_share, config.boilerplate_min_rows)))
    bad = 0
    for r in removed.to_pylist():
        a, b = sets[r["id"]], sets[r["duplicate_of"]]
        bad += len(a & b) / len(a | b) < config.threshold
    return bad


def below_semantic(records, embeddings, removed, threshold: float) -> int:
    vectors = aligned_vectors(records, embeddings).astype(np.float64)
    where = {cid: i for i, cid in enumerate(records.column("id").to_pylist())}
    return sum(float(vectors[where[r["id"]]] @ vectors[where[r["duplicate_of"]]]) < threshold for r in removed.to_pylist())


def display_texts(table, view: str, share: float) -> dict[str, str]:
    """Each record's view without the lines its source repeats (``stripped_view``), so a
    judge reads what differs, not the tool preamble every row of the set starts with."""
    messages = table.column("messages").to_pylist()
    sources = table.column("source").to_pylist()
    found = boilerplate_lines(((view_text(m, view), s) for m, s in zip(messages, sources)), share)
    return {cid: stripped_view(m, view, found.get(s, frozenset()))
            for cid, m, s in zip(table.column("id").to_pylist(), messages, sources)}


def sample_md(results: list[dict], n: int, seed: int, configs: dict) -> str:
    """N seeded random removals per method, both texts in the view the method compared,
    less the lines repeated by many rows of their source (the similarity shown is the stage's)."""
    rng = random.Random(seed)
    views = {"exact": "conversation", "minhash": configs["dedup_minhash"].view, "semantic": configs["dedup_semantic"].view}
    lines = [f"Drawn by `bench/dedup/real_sets.py --sample {n} --seed {seed}`; texts in the method's view, without the "
             "lines that more than 5% of their set's rows repeat (tool preambles, greetings), shortened to 300 characters.", ""]
    for method, view in views.items():
        pool = []
        for res in results:
            text = display_texts(res["records"], view, configs["dedup_minhash"].boilerplate_share)
            whole = texts_by_id(res["records"], view)
            pool += [(res["name"], r, text, whole) for r in res[method].removed.to_pylist()]
        picked = sorted(rng.sample(range(len(pool)), min(n, len(pool))))
        lines += [f"## {method} ({len(pool)} removals, {len(picked)} drawn; view {view})", ""]
        for k, i in enumerate(picked, 1):
            name, r, text, whole = pool[i]
            lines += [f"### {method} {k}: {name}, similarity {r['score']:.3f}", ""]
            for role, cid in (("removed", r["id"]), ("kept", r["duplicate_of"])):
                lines.append(f"- {role} `{cid}`: {shorten(text[cid], 300)}")
                if text[cid] != whole[cid]:
                    lines.append(f"  - whole, last 300 characters: …{' '.join(whole[cid].split())[-299:]}")
            lines += ["- verdict: ", ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("/tmp/dedup_removals_sample.md"))
    args = ap.parse_args()
    if not REAL.is_dir():
        sys.exit(f"skipped: {REAL} is absent (the shared datasets sit beside the checkout)")
    configs = flow_configs()
    m, s = configs["dedup_minhash"], configs["dedup_semantic"]
    print(f"flows.yaml: exact view={configs['dedup_exact'].view}; minhash view={m.view}, {m.shingle} {m.ngram}-grams, "
          f"threshold={m.threshold}, boilerplate_share={m.boilerplate_share}; embed view={configs['embed'].view}; "
          f"semantic view={s.view}, threshold={s.threshold}\n")
    print("| set | raw | ingested | exact | minhash | semantic | kept | below threshold (exact/minhash/semantic) "
          "| chains broken (minhash/semantic) | boilerplate shingles / lines | prompts lost / distinct first turns | s |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---:|")
    results = []
    for name in args.sets.split(","):
        started = time.perf_counter()
        res = run_set(name, SETS[name], configs)
        results.append(res)
        mm, sm = res["minhash"].metrics, res["semantic"].metrics
        bp = sum(mm["boilerplate_shingles"].values()), sum(res["embed"].metrics["boilerplate_lines"].values())
        print(f"| {name} | {res['raw']} | {res['in']} | {res['exact'].removed.num_rows} | {res['minhash'].removed.num_rows} "
              f"| {res['semantic'].removed.num_rows} | {res['semantic'].kept.num_rows} | {'/'.join(map(str, res['below'].values()))} "
              f"| {mm['chains_broken']}/{sm['chains_broken']} | {bp[0]} / {bp[1]} | {res['prompts'][1]} / {res['prompts'][0]} "
              f"| {time.perf_counter() - started:.0f} |", flush=True)
    if args.sample:
        args.out.write_text(sample_md(results, args.sample, args.seed, configs))
        print(f"\n{args.sample} removals per method written to {args.out}")


if __name__ == "__main__":
    main()
