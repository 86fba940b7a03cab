"""Leakage of a random split vs the grouped split, on alpaca with planted near-duplicates.

    .venv/bin/python bench/split_cluster/alpaca_leakage.py [--planted 150] [--seeds 5]

Plants 1-3 lightly edited copies (prefix, suffix, case) of ``--planted`` alpaca
instructions, each copy with a different answer. Groups are found for real by
the ``dedup_minhash`` stage (first-user view, flags near-duplicates whose
answers differ) plus the split stage's exact-prompt groups. Leakage is counted
two ways: planted groups whose members straddle train and a held-out split, and
held-out records sharing a 13-gram with a train prompt.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import pyarrow as pa

from curate.split.contamination import contaminated
from curate.split.stage import Split, SplitConfig
from curate.stage import StageContext
from schemas import CONVERSATION

ALPACA = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "alpaca" / "alpaca_en_demo.json"
EDITS = (lambda s: "Please " + s[0].lower() + s[1:], lambda s: s + " Answer briefly.", lambda s: s.lower(), lambda s: "Task: " + s)


def msg(role: str, text: str) -> dict:
    return {"role": role, "content": text, "name": None, "tool_calls": None}


def build(planted: int, seed: int) -> tuple[pa.Table, dict[str, set[str]]]:
    rng = random.Random(seed)
    data = json.loads(ALPACA.read_text())
    rows, groups = [], {}
    for i, r in enumerate(data):
        prompt = (r["instruction"] + ("\n\n" + r["input"] if r.get("input") else "")).strip()
        rows.append({"id": f"a{i:04d}", "messages": [msg("user", prompt), msg("assistant", r["output"])], "source": "alpaca",
                     "source_format": "alpaca", "source_ref": f"alpaca_en_demo.json#row={i}", "meta": "{}"})
    for i in rng.sample(range(len(data)), planted):
        base = rows[i]
        members = {base["id"]}
        for j in range(rng.randint(1, 3)):
            cid = f"{base['id']}-dup{j}"
            text = EDITS[(i + j) % len(EDITS)](base["messages"][0]["content"])
            rows.append({**base, "id": cid, "messages": [msg("user", text), msg("assistant", f"A different answer, take {j}: {rng.random()}")]})
            members.add(cid)
        groups[base["id"]] = members
    rng.shuffle(rows)
    return pa.Table.from_pylist(rows, schema=CONVERSATION), groups


def leakage(ids: list[str], splits: list[str], prompts: list[str], groups: dict[str, set[str]]) -> tuple[int, int]:
    where = dict(zip(ids, splits))
    straddling = sum(1 for members in groups.values() if len({where[m] == "train" for m in members if m in where}) > 1)
    train = [(i, p) for i, x, p in zip(ids, splits, prompts) if x == "train"]
    held = [(i, p) for i, x, p in zip(ids, splits, prompts) if x != "train"]
    return straddling, len(contaminated(held, train, n=13))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--planted", type=int, default=150)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    from curate.dedup.minhash_stage import DedupMinhash

    for seed in range(args.seeds):
        table, groups = build(args.planted, seed)
        flagged = DedupMinhash().run({"records": table}, DedupMinhash.Config(view="first_user", threshold=0.6), StageContext())
        ids = table.column("id").to_pylist()
        prompts = [m[0]["content"] for m in table.column("messages").to_pylist()]
        rng = random.Random(seed)
        random_splits = [rng.choices(["train", "validation", "test"], [0.8, 0.1, 0.1])[0] for _ in ids]
        r_straddle, r_contam = leakage(ids, random_splits, prompts, groups)
        result = Split().run({"records": flagged.kept}, SplitConfig(seed=seed), StageContext())
        out = result.kept
        g_ids = out.column("id").to_pylist()
        g_prompts = [m[0]["content"] for m in out.column("messages").to_pylist()]
        g_straddle, g_contam = leakage(g_ids, out.column("split").to_pylist(), g_prompts, groups)
        print(f"seed {seed}: {table.num_rows} rows, {len(groups)} planted groups; dedup_minhash removed {flagged.removed.num_rows}, "
              f"split saw {result.metrics['multi_record_groups']} multi-record groups | random split: {r_straddle} groups straddle, "
              f"{r_contam} held-out rows share a 13-gram with train | grouped split: {g_straddle} straddle, {g_contam} share a 13-gram "
              f"(contamination report {result.metrics['contamination']['contaminated_by_split']})")


if __name__ == "__main__":
    main()
