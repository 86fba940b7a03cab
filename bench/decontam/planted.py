"""Recall of ``decontaminate`` on benchmark items planted in clean training rows.

    .venv/bin/python bench/decontam/planted.py [--per-benchmark 24] [--seed 0] [--threshold 0.4] [--fine-threshold 0.7] [--near-threshold 0.75]

Draws ``--per-benchmark`` seeded items from each of the 13 benchmarks in
``../shared/benchmarks`` (312 items by default) and plants each in a clean row
of ``../shared/datasets/alpaca/alpaca_en_demo.json`` (that row's answer stays
the assistant turn) in six ways:

- ``verbatim``: the item as the benchmark shows it (multiple choice: stem, then lettered options);
- ``prefixed``: after "Question:", inside a ChatML template, or inside a clean row's instruction;
- ``surface``: case changed, whitespace doubled or broken into lines, punctuation changed or dropped;
- ``answer``: the benchmark's reference answer appended to the item in the same turn;
- ``options`` (multiple-choice items only): options shuffled and relabelled, or all dropped;
- ``light_edit``: 2-3 words swapped with a neighbour or replaced by another word.

Rows go through the stage with policy ``drop`` (default config), and a
planted row counts as found when it is removed naming the planted benchmark.
Prints recall per kind (all items, and apart for half A, the even draws of
each benchmark, on which ``fine_threshold`` was chosen, and held-out half B,
the odd draws) and per benchmark, and what the 312 clean rows alone lose (a
false-positive check on the carrier rows).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from curate.decontam.benchmarks import BENCHMARKS, Item, benchmark_items  # noqa: E402
from curate.decontam.stage import Decontaminate, DecontaminateConfig  # noqa: E402
from curate.stage import StageContext  # noqa: E402
from schemas import CONVERSATION  # noqa: E402

SHARED = ROOT.parent / "shared"
KINDS = ("verbatim", "prefixed", "surface", "answer", "options", "light_edit")
FILLER = ("thing", "very", "maybe", "green", "often", "simple", "house", "quickly", "number", "river")


def item_text(item: Item, options: tuple[str, ...] | None = None) -> str:
    """The item as a prompt: its fields joined, a multiple-choice item's options lettered below the stem."""
    text = "\n\n".join(item.fields.values())
    opts = item.options if options is None else options
    return text + "".join(f"\n{chr(65 + i) if i < 26 else i + 1}. {o}" for i, o in enumerate(opts))


def prefixed(text: str, rng: random.Random, clean: str) -> str:
    return rng.choice([
        f"Question: {text}",
        f"<|im_start|>user\n{text}<|im_end|>\n<|im_start|>assistant\n",
        f"{clean}\n\nAlso, please solve this one:\n{text}",
    ])


def surface(text: str, rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        return text.upper() if rng.random() < 0.5 else text.lower()
    if choice == 1:
        return re.sub(r" ", lambda _: rng.choice(["  ", "\n", " \t "]) if rng.random() < 0.3 else " ", text)
    return re.sub(r"[.,;:?!'\"]", lambda _: rng.choice(["", " ,", " - "]), text)


def light_edit(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(rng.choice([2, 3])):
        if len(words) < 3:
            break
        i = rng.randrange(len(words) - 1)
        if rng.random() < 0.5:
            words[i], words[i + 1] = words[i + 1], words[i]
        else:
            words[i] = rng.choice(FILLER)
    return " ".join(words)


def options_kind(item: Item, rng: random.Random) -> str:
    if rng.random() < 0.5:
        shuffled = list(item.options)
        while len(shuffled) > 1 and shuffled == list(item.options):
            rng.shuffle(shuffled)
        return item_text(item, tuple(shuffled))
    return item_text(item, ())


def plant(item: Item, kind: str, rng: random.Random, clean: dict) -> str:
    text = item_text(item)
    if kind == "verbatim":
        return text
    if kind == "prefixed":
        return prefixed(text, rng, clean["instruction"])
    if kind == "surface":
        return surface(text, rng)
    if kind == "answer":
        return f"{text}\nAnswer: {item.answer or clean['output']}"
    if kind == "options":
        return options_kind(item, rng)
    return light_edit(text, rng)


def message(role: str, content: str) -> dict:
    return {"role": role, "content": content, "name": None, "tool_calls": None}


def planted_rows(per_benchmark: int, seed: int) -> tuple[list[dict], dict[str, tuple[str, str, str]], list[dict]]:
    """(planted rows, row id -> (benchmark, kind, half), clean carrier rows)."""
    rng = random.Random(seed)
    by_bench: dict[str, list[Item]] = defaultdict(list)
    for item in benchmark_items(SHARED / "benchmarks"):
        by_bench[item.benchmark].append(item)
    clean = json.loads((SHARED / "datasets" / "alpaca" / "alpaca_en_demo.json").read_text(encoding="utf-8"))
    rng.shuffle(clean)
    rows, truth = [], {}
    for bench in BENCHMARKS:
        for draw, item in enumerate(rng.sample(by_bench[bench], per_benchmark)):
            for kind in KINDS:
                if kind == "options" and not item.options:
                    continue
                carrier = clean[len(rows) % len(clean)]
                rid = f"{bench}|{item.item_id}|{kind}"
                rows.append({"id": rid, "messages": [message("user", plant(item, kind, rng, carrier)),
                                                     message("assistant", carrier["output"])],
                             "source": "planted", "source_format": "openai", "source_ref": rid, "meta": "{}"})
                truth[rid] = (bench, kind, "AB"[draw % 2])
    carriers = [{"id": f"clean{i}", "messages": [message("user", c["instruction"] + ("\n" + c["input"] if c["input"] else "")),
                                                 message("assistant", c["output"])],
                 "source": "clean", "source_format": "openai", "source_ref": f"clean{i}", "meta": "{}"}
                for i, c in enumerate(clean[:len(by_bench) * per_benchmark])]
    return rows, truth, carriers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-benchmark", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threshold", type=float, default=DecontaminateConfig().threshold)
    parser.add_argument("--fine-threshold", type=float, default=DecontaminateConfig().fine_threshold,
                        help="0 turns the fine check off")
    parser.add_argument("--near-threshold", type=float, default=DecontaminateConfig().near_threshold,
                        help="0 turns the near check off")
    args = parser.parse_args()
    rows, truth, carriers = planted_rows(args.per_benchmark, args.seed)
    table = pa.Table.from_pylist(rows + carriers, schema=CONVERSATION)
    config = DecontaminateConfig(threshold=args.threshold, fine_threshold=args.fine_threshold or None,
                                 near_threshold=args.near_threshold or None)
    started = time.perf_counter()
    result = Decontaminate().run({"records": table}, config, StageContext())
    seconds = time.perf_counter() - started
    named = {r["id"]: r["detail"].split(" item ")[0] for r in result.removed.to_pylist()}
    per_kind, per_bench, misses = Counter(), Counter(), defaultdict(list)
    totals_kind, totals_bench = Counter(), Counter()
    for rid, (bench, kind, half) in truth.items():
        found = named.get(rid) == bench
        for key in (kind, (kind, half)):
            totals_kind[key] += 1
            per_kind[key] += found
        totals_bench[bench] += 1
        per_bench[bench] += found
        if not found:
            misses[kind].append(rid)
    items = len(truth and {(b, r.split("|")[1]) for r, (b, *_) in truth.items()})
    print(f"{items} items over {len(BENCHMARKS)} benchmarks, {len(truth)} planted rows + {len(carriers)} clean rows; "
          f"threshold {config.threshold}, fine_threshold {config.fine_threshold}, near_threshold {config.near_threshold}, n {config.n}; stage ran {seconds:.1f} s")
    print(f"\nrecall per kind{'':<14}half A (tuned on)  half B (held out)")
    for kind in KINDS:
        cells = [f"{per_kind[k]:>4}/{totals_kind[k]:<4} {per_kind[k] / totals_kind[k]:.3f}" for k in (kind, (kind, "A"), (kind, "B"))]
        print(f"  {kind:<11} {'   '.join(cells)}")
    print("\nrecall per benchmark (all kinds)")
    for bench in BENCHMARKS:
        print(f"  {bench:<16} {per_bench[bench]:>4}/{totals_bench[bench]:<4} {per_bench[bench] / totals_bench[bench]:.3f}")
    lost = sum(1 for rid in named if rid.startswith("clean"))
    print(f"\nclean carrier rows removed: {lost} of {len(carriers)}")
    print("\nmisses (first 6 per kind):")
    for kind in KINDS:
        if misses[kind]:
            print(f"  {kind}: {', '.join(misses[kind][:6])}")


if __name__ == "__main__":
    main()
