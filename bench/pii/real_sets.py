"""Benchmark: what ``redact_pii`` (default policy) changes on public instruction data nobody here wrote.

Not a test. Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python bench/pii/real_sets.py [--workers 2] [--limit N] [--sample 320] [--seed 13]

It ingests the English real sets (``../shared/datasets/real/{lima,toolformer,fastchat,alpaca_libre}``,
``alpaca/alpaca_en_demo.json``, ``sharegpt/glaive_toolcall_en_demo.json``) with the ``ingest`` stage
and analyses every text ``redact_pii`` analyses (message contents, tool-call arguments and JSON
string leaves) with the stage's default policy through its worker pool (``workers``). It prints,
per set, rows changed (count and %: a row changes exactly when one of its texts has a finding),
spans per entity per 1,000 rows and rows/s (analysis time; the pool's start-up is timed apart).
The stage also redacts a found name where it recurs in another turn of the same row; those
repeats change no extra row and are not counted as spans here. Addresses and phones that are values of a
business's listing in JSON (``redact.LISTING_KEYS``) are left by the stage and not counted either.
With ``--zh`` it also runs ``real/alpaca_zh`` and prints the rows changed by non-structured entities.

It then writes a seeded sample of the spans (lowest keyed hash, so a code change that removes spans keeps the other verdicts) to ``bench/pii/judged_spans.jsonl`` (set, row
id, entity, span text, about 120 characters of context on each side, ``verdict: null``) for
judging by hand; ``bench/pii/precision.py`` computes precision per entity from the judged file.
Every verdict given is also kept in ``bench/pii/judged_archive.jsonl``, so a span that leaves the
sample and comes back with a later change keeps its verdict.

After the per-set table it prints each judged file's precision over the spans the code still finds.
Last, per set, the precision of every span found that any verdict covers, with the count no verdict
covers: the issue's six sets are judged nearly whole, so that is their precision over all their spans.
Rules written while reading the judged sample's errors are in-sample there. ``--heldout NAME``
draws another sample into ``bench/pii/NAME_spans.jsonl`` from the spans that no verdict covers yet
(not in the archive, not in another held-out file), and keeps its verdicts in that file: judged once,
it measures the rules on spans nobody read while writing them, until someone writes rules reading its
errors too. ``heldout`` (seed 14) was drawn at d6d9c87 and read for the rules after it; ``validation``
(seed 15) was drawn after them and not read for rules.

With ``--unseen`` it also runs the English sets outside the issue's list (``UNSEEN_SETS``: alpaca_eval's
pairwise file, LLaMA-Factory v1's sft and tool-use demos), first run at version 23: 400 of their 613 spans
(seed 17) were judged before any rule read them, then split by row (``unseen_read_spans.jsonl``, the rows
whose id hashes even, read for version 24's rules; ``unseen_unread_spans.jsonl``, read for none).

With ``--others`` it also runs public English data outside ``real/`` (``OTHER_SETS``: HH-RLHF, OpenAssistant,
Arena-Hard, LLaMA-Factory's DPO and KTO demos), first run at version 25: 300 of its spans (seed 18,
``--others --heldout others --sample 300``, drawn from those sets only) were judged before any rule read them
(``others_spans.jsonl``). ``others2_spans.jsonl`` (seed 19, ``--others --heldout others2 --sample 240``) was
drawn from the same sets at version 27 from the spans no verdict covered, and judged before any rule read it;
``others3_spans.jsonl`` (seed 20, ``--others --heldout others3 --sample 240``) likewise at version 28, and
``others4_spans.jsonl`` (seed 21, ``--others --heldout others4 --sample 240``) at version 35.

``credentials_spans.jsonl`` is no sample: it holds every ``PASSWORD`` and ``USERNAME`` span the text
recognizer finds on all these sets at version 26, each judged (values under a JSON key that names them are
redacted by the stage, not by the analyzer this script runs, and are not counted here).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: curate, bench

from curate.ingest.stage import Ingest, IngestConfig, Source  # noqa: E402
from curate.pii.policy import PiiPolicy  # noqa: E402
from curate.pii.pool import AnalyzerPool  # noqa: E402
from curate.pii.recognizers import STRUCTURED_ENTITIES  # noqa: E402
from curate.pii.redact import PUBLISHED_ENTITIES, json_texts, parse_json_container, public_across_turns  # noqa: E402
from curate.stage import StageContext  # noqa: E402

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"
ENGLISH_SETS = {
    "lima": "real/lima/lima.json",
    "toolformer": "real/toolformer/toolformer-dedupe-only-dataset.json",
    "fastchat": "real/fastchat/data_dummy_conversation.json",
    "alpaca_libre": "real/alpaca_libre/alpaca_libre_tasks_v2.jsonl",
    "alpaca_en_demo": "alpaca/alpaca_en_demo.json",
    "glaive_toolcall": "sharegpt/glaive_toolcall_en_demo.json",
}
CHINESE_SETS = {"alpaca_zh": "real/alpaca_zh/alpaca_zh_demo.json"}
UNSEEN_SETS = {
    "alpaca_eval": "real/alpaca_eval_pairwise/alpaca-7b__weighted_alpaca_eval_gpt4_turbo.json",
    "llamafactory_sft": "real/llamafactory_v1/v1_sft_demo.jsonl",
    "llamafactory_tools": "real/llamafactory_v1/reason_tool_use_demo_50.jsonl",
}
"""English sets of ``../shared/datasets/real`` outside the issue's list, first run at 55208ad (version 23)."""
OTHER_SETS = {
    "hh_rlhf": "hh_rlhf/harmless-base_test.jsonl.gz",
    "oasst_tree": "oasst/en_100_tree.jsonl",
    "arena_hard": "arena_hard/question.jsonl",
    "sharegpt_dpo": "sharegpt/dpo_en_demo.json",
    "sharegpt_kto": "sharegpt/kto_en_demo.json",
}
"""Public English data outside ``real/`` that no PII rule had read, first run at 9463d0f (version 25):
HH-RLHF's harmless test transcripts (the chosen conversation, the rejected reply beside), OpenAssistant trees, Arena-Hard's user prompts and LLaMA-Factory's DPO and KTO demos."""
HELDOUT_POOLS = {"unseen": UNSEEN_SETS, "others": OTHER_SETS, "others2": OTHER_SETS, "others3": OTHER_SETS,
                 "others4": OTHER_SETS}
"""The sets a held-out file of that name is drawn from (every set for the others)."""
CONTEXT = 120
OUT = Path(__file__).resolve().parent / "judged_spans.jsonl"
HELDOUT_SEEDS = {"heldout": 14, "validation": 15, "fresh": 16, "unseen": 17, "others": 18, "others2": 19, "others3": 20,
                 "others4": 21}
ARCHIVE = Path(__file__).resolve().parent / "judged_archive.jsonl"
"""Every verdict ever given, also for spans a later code change took out of the sample, so a span
that comes back keeps its verdict."""


def ingested(name: str, rel: str, limit: int | None) -> list[dict]:
    """The set's rows as the ``ingest`` stage makes them (quarantined upstream errors left out); Arena-Hard's
    prompts, which have no answer for ingest to keep, as one user turn each."""
    path = DATASETS / rel
    if name in _READERS:
        with path.open() as lines:
            rows = [_READERS[name](json.loads(line)) for line in lines if line.strip()]
        return [{"id": hashlib.blake2b(json.dumps(r).encode(), digest_size=8).hexdigest(), **r} for r in rows][:limit]
    result = Ingest().run({}, IngestConfig(sources=(Source(path=str(path), name=name),)), StageContext())
    return result.kept.to_pylist()[:limit]


def _prompt_row(record: dict) -> dict:
    return {"messages": [{"role": "user", "content": t["content"]} for t in record["turns"]], "meta": "{}"}


_READERS = {"arena_hard": _prompt_row}


def _raw_texts(row: dict) -> list[str]:
    """Message contents and tool-call arguments as the row holds them, a preference row's rejected reply too."""
    messages = list(row["messages"])
    rejected = json.loads(row.get("meta") or "{}").get("rejected")
    if isinstance(rejected, dict):  # a preference row's rejected reply, redacted as a message
        messages.append(rejected)
    return [text for m in messages  # in conversation order, as the stage reads them: the turn before a text counts
            for text in [m.get("content") or "", *(c.get("arguments") or "" for c in m.get("tool_calls") or [])]]


def row_texts(row: dict) -> list[str]:
    """The texts ``redact_pii`` analyses in one row: message contents and tool-call arguments,
    JSON ones as their string leaves."""
    out: list[str] = []
    for t in _raw_texts(row):
        out.extend(_json_strings(t))
    return list(dict.fromkeys(t for t in out if t.strip()))


def listed_texts(row: dict) -> set[str]:
    """The texts of ``row_texts`` that the stage reads as a business listing's values (``redact.json_texts``),
    whose addresses and phones it leaves."""
    return {t for text in _raw_texts(row) if (value := parse_json_container(text)) is not None
            for t, _, listed in json_texts(value) if listed}


def _json_strings(text: str) -> list[str]:
    if text.lstrip()[:1] not in ("{", "["):
        return [text]
    try:
        value = json.loads(text)
    except ValueError:
        return [text]
    out: list[str] = []

    def walk(v) -> None:
        if isinstance(v, dict):
            for item in v.values():
                walk(item)
        elif isinstance(v, list):
            for item in v:
                walk(item)
        elif isinstance(v, str):
            out.append(v)

    walk(value)
    return out


def spans_of(name: str, rows: list[dict], find) -> list[dict]:
    """Every span ``find`` reports in the set's texts, with about ``CONTEXT`` characters each side,
    less the names another text of the same row shows public (``public_across_turns``, as the stage
    does). The stage also redacts a found name where it recurs in another turn; those repeats are left out."""
    per_row = [(row["id"], row_texts(row)) for row in rows]
    listed = {row["id"]: listed_texts(row) for row in rows}
    texts, owner = [], {}
    for row_id, row_text in per_row:
        for t in row_text:
            if t not in owner:
                owner[t] = row_id
                texts.append(t)
    found = dict(zip(texts, find(texts)))
    spans = []
    for row_id, row_text in per_row:
        row_found = public_across_turns(row_text, found)
        for text in (t for t in row_found if owner[t] == row_id):
            for f in row_found[text]:
                if f.entity in PUBLISHED_ENTITIES and text in listed[row_id]:
                    continue  # a business's published address or phone, left by the stage
                spans.append({"set": name, "id": owner[text], "entity": f.entity, "span": text[f.start:f.end],
                              "before": text[max(0, f.start - CONTEXT):f.start], "after": text[f.end:f.end + CONTEXT],
                              "presumed": f.presumed})
    return spans


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None, help="first N rows of each set")
    ap.add_argument("--sample", type=int, default=320, help="spans written for judging (0: none)")
    ap.add_argument("--seed", type=int, default=None, help=f"sample seed (13; held-out: {HELDOUT_SEEDS}, else 16)")
    ap.add_argument("--heldout", metavar="NAME", default=None,
                    help="draw a held-out sample into bench/pii/NAME_spans.jsonl: spans no verdict covers yet")
    ap.add_argument("--zh", action="store_true", help="also run the Chinese set")
    ap.add_argument("--unseen", action="store_true", help="also run the English sets of real/ outside the issue's list")
    ap.add_argument("--others", action="store_true", help="also run the public English sets outside real/")
    ap.add_argument("--dump", type=Path, default=None, help="write every span here (for development)")
    args = ap.parse_args()
    sets = dict(ENGLISH_SETS, **(UNSEEN_SETS if args.unseen else {}), **(OTHER_SETS if args.others else {}),
                **(CHINESE_SETS if args.zh else {}))
    missing = [rel for rel in sets.values() if not (DATASETS / rel).exists()]
    if missing:
        sys.exit(f"skipped: {DATASETS} lacks {missing} (the shared datasets are not on this machine)")
    rows = {name: ingested(name, rel, args.limit) for name, rel in sets.items()}
    policy = PiiPolicy(workers=args.workers)
    t0 = time.perf_counter()
    with AnalyzerPool(policy) if args.workers > 1 else nullcontext() as pool:
        find = pool.find if pool is not None else _in_process(policy)
        find(["Warm up, John Smith, john@example.com."] * max(1, args.workers))
        print(f"analyzer ({args.workers} worker processes) started in {time.perf_counter() - t0:.1f} s")
        print(f"{'set':<16}{'rows':>6}{'changed':>9}{'%':>7}{'rows/s':>8}  spans per 1,000 rows")
        spans: list[dict] = []
        english_rows = english_s = 0.0
        for name in sets:
            t1 = time.perf_counter()
            found = spans_of(name, rows[name], find)
            secs = time.perf_counter() - t1
            n = max(1, len(rows[name]))
            changed = len({s["id"] for s in found})
            per_entity = Counter(s["entity"] for s in found)
            per_k = ", ".join(f"{e} {1000 * k / n:.1f}" for e, k in per_entity.most_common())
            print(f"{name:<16}{len(rows[name]):>6}{changed:>9}{100 * changed / n:>6.1f}%{n / secs:>8.0f}  {per_k or '-'}")
            if name in CHINESE_SETS:
                loose = len({s["id"] for s in found if s["entity"] not in STRUCTURED_ENTITIES})
                print(f"{'':<16}rows changed by non-structured entities: {loose} ({100 * loose / n:.2f}%)")
                continue
            english_rows += len(rows[name])
            english_s += secs
            spans += found
        print(f"{'English sets':<16}{int(english_rows):>6}{'':>16}{english_rows / english_s:>8.0f}")
    if args.dump:
        args.dump.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in spans))
    _score_judged(spans)
    _score_population(spans)
    if args.sample:
        if args.heldout:
            seed = HELDOUT_SEEDS.get(args.heldout, 16) if args.seed is None else args.seed
            _write_heldout(spans, args.sample, seed, OUT.with_name(f"{args.heldout}_spans.jsonl"))
        else:
            _write_sample(spans, args.sample, 13 if args.seed is None else args.seed)


def _score_judged(spans: list[dict]) -> None:
    """Precision on each judged file over the spans this code still finds: a rule that removes a
    span takes its verdict out, and spans no file judged are not counted (the files, as drawn, are
    what ``precision.py`` scores). A judged span now redacted as part of a longer one ("Simon" inside
    "IBM Simon") is still redacted: it keeps its verdict, counted as reshaped."""
    found = {_span_key(s) for s in spans}
    for path in [OUT, *_heldout_files()]:
        judged = [d for d in (json.loads(line) for line in path.read_text().splitlines() if line.strip())
                  if d.get("verdict") is not None] if path.exists() else []
        reshaped = [d for d in judged if _span_key(d) not in found and _inside_a_span(d, spans)]
        alive = [d for d in judged if _span_key(d) in found] + reshaped
        if alive:
            true = sum(bool(d["verdict"]) for d in alive)
            persons = [d for d in alive if d["entity"] == "PERSON"]
            print(f"{path.name}: {len(alive)} of {len(judged)} judged spans still redacted ({len(reshaped)} reshaped), "
                  f"precision {true}/{len(alive)} = {true / len(alive):.3f} "
                  f"(PERSON {sum(bool(d['verdict']) for d in persons)}/{len(persons)}); "
                  f"true spans no longer redacted: {sum(bool(d['verdict']) for d in judged) - true}")


def _score_population(spans: list[dict]) -> None:
    """Precision per set over every span found now that any verdict (archive or file) covers, and how
    many no verdict covers: the issue's six sets are judged nearly whole, so theirs is the precision
    of all their spans, not of a sample (in-sample: most of those verdicts were read for rules)."""
    verdicts = _judged(ARCHIVE)
    for path in [OUT, *_heldout_files()]:
        verdicts.update(_judged(path))
    print("every span found that a verdict covers (precision of the judged part, PERSON; unjudged spans):")
    totals: dict[str, Counter] = {"the issue's six sets": Counter(), "all English sets": Counter()}
    for name in dict.fromkeys(s["set"] for s in spans):
        counts = Counter()
        for span in (s for s in spans if s["set"] == name):
            verdict = verdicts.get(_span_key(span), {}).get("verdict")
            counts["unjudged" if verdict is None else "true" if verdict else "false"] += 1
            if verdict is not None and span["entity"] == "PERSON":
                counts["person true" if verdict else "person false"] += 1
        _print_population(name, counts)
        for group, total in totals.items():
            if name in ENGLISH_SETS or group == "all English sets":
                total.update(counts)
    for group, total in totals.items():
        _print_population(group, total)


def _print_population(name: str, counts: Counter) -> None:
    judged, persons = counts["true"] + counts["false"], counts["person true"] + counts["person false"]
    if judged:
        print(f"  {name:<22}{counts['true']:>5}/{judged:<5}= {counts['true'] / judged:.3f}   PERSON "
              f"{counts['person true']}/{persons} = {counts['person true'] / max(1, persons):.3f}   "
              f"unjudged {counts['unjudged']}")


def _inside_a_span(judged: dict, spans: list[dict]) -> bool:
    """Whether a found span of the same row and entity covers the judged span where it stood."""
    window = judged["before"][-30:] + judged["span"] + judged["after"][:30]
    return any(s["set"] == judged["set"] and s["id"] == judged["id"] and s["entity"] == judged["entity"]
               and judged["span"] in s["span"] and window in s["before"] + s["span"] + s["after"] for s in spans)


def _lowest(spans: list[dict], n: int, seed: int) -> list[dict]:
    """The ``n`` spans whose keyed hash is lowest: a change that removes some spans keeps the rest
    of the sample (and their verdicts) and draws the next ones in their place."""
    sample = sorted(spans, key=lambda s: _draw_key(seed, s))[:n]
    return sorted(sample, key=lambda s: (s["set"], s["entity"], s["id"]))


def _heldout_files() -> list[Path]:
    return sorted(p for p in OUT.parent.glob("*_spans.jsonl") if p != OUT)


def _write_sample(spans: list[dict], n: int, seed: int) -> None:
    sample = _lowest(spans, n, seed)
    judged = {**_judged(ARCHIVE), **_judged(OUT)}  # verdicts already given carry over; new spans come unjudged
    ARCHIVE.write_text("".join(json.dumps({"set": k[0], "id": k[1], "entity": k[2], "span": k[3], "before": k[4], **v},
                                          ensure_ascii=False) + "\n" for k, v in sorted(judged.items())))
    for path in _heldout_files():
        judged.update({k: v for k, v in _judged(path).items() if k not in judged})
    _write(OUT, sample, judged)
    print(f"{len(sample)} of {len(spans)} spans (seed {seed}) written to {OUT}")


def _write_heldout(spans: list[dict], n: int, seed: int, path: Path) -> None:
    seen = _judged(ARCHIVE)
    for other in _heldout_files():
        if other != path:
            seen.update(_judged(other))
    pool = HELDOUT_POOLS.get(path.name.removesuffix("_spans.jsonl"))
    unseen = [s for s in spans if _span_key(s) not in seen and (pool is None or s["set"] in pool)]
    sample = _lowest(unseen, n, seed)
    _write(path, sample, _judged(path))
    print(f"{len(sample)} of the {len(unseen)} spans no verdict covers yet (seed {seed}) written to {path}")


def _write(path: Path, sample: list[dict], judged: dict[tuple[str, ...], dict]) -> None:
    path.write_text("".join(json.dumps({**s, **judged.get(_span_key(s), {"verdict": None, "why": ""})},
                                       ensure_ascii=False) + "\n" for s in sample))


def _span_key(span: dict) -> tuple[str, ...]:
    return span["set"], span["id"], span["entity"], span["span"], span["before"]


def _judged(path: Path) -> dict[tuple[str, ...], dict]:
    """``{span key: {"verdict", "why"}}`` of the judged lines already in ``path``."""
    if not path.exists():
        return {}
    lines = (json.loads(line) for line in path.read_text().splitlines() if line.strip())
    return {_span_key(d): {"verdict": d["verdict"], "why": d.get("why", "")} for d in lines if d.get("verdict") is not None}


def _draw_key(seed: int, span: dict) -> bytes:
    key = "\0".join((str(seed), span["set"], span["id"], span["entity"], span["span"], span["before"]))
    return hashlib.blake2b(key.encode(), digest_size=8).digest()


def _in_process(policy: PiiPolicy):
    from curate.pii.analyzer import analyzer_for, find_pii

    analyzer = analyzer_for(policy.model, policy.extra_patterns, policy.name_gazetteer)
    return lambda texts: find_pii(analyzer, texts, policy)


if __name__ == "__main__":
    main()
