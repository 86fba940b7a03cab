"""Chinese near-duplicates: recall of dedup_minhash at the flows.yaml settings, beside English.

    .venv/bin/python bench/dedup/cjk_recall.py [--rows 100] [--rate 0.01] [--seed 0]

Takes ``--rows`` seeded rows of ``../shared/datasets/real/alpaca_zh/alpaca_zh_demo.json``
(Chinese) and of ``../shared/datasets/alpaca/alpaca_en_demo.json`` (English),
edits ``--rate`` of the letters of each row (at least one; each replaced by
another letter of the same row), and runs the stage with the ``dedup_minhash``
config of the curation flow in ``flows.yaml`` over originals plus copies, one
language at a time. Recall = copies linked to their own original (either way
round); the stage also reports whatever else it removed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import pyarrow as pa
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from curate.dedup.minhash_stage import DedupMinhash, MinhashConfig  # noqa: E402
from curate.stage import StageContext  # noqa: E402
from schemas import CONVERSATION  # noqa: E402

SHARED = ROOT.parent / "shared" / "datasets"
SETS = {"Chinese (alpaca_zh)": SHARED / "real" / "alpaca_zh" / "alpaca_zh_demo.json",
        "English (alpaca_en)": SHARED / "alpaca" / "alpaca_en_demo.json"}
_LETTER = re.compile(r"[^\W\d_]")


def flow_config() -> MinhashConfig:
    """The ``dedup_minhash`` step of the curation flow, as flows.yaml writes it."""
    flows = yaml.safe_load((ROOT / "flows.yaml").read_text())["flows"]
    step = next(s for s in flows["curation"]["steps"] if s["stage"] == "dedup_minhash")
    return MinhashConfig(**step.get("config", {}))


def edit_letters(text: str, rate: float, rng: random.Random) -> str:
    """``text`` with ``rate`` of its letters (at least one) replaced by other letters of the same text."""
    where = [m.start() for m in _LETTER.finditer(text)]
    alphabet = sorted({text[i] for i in where})
    chars = list(text)
    for i in rng.sample(where, max(1, round(rate * len(where)))):
        chars[i] = rng.choice([c for c in alphabet if c != chars[i]] or ["x"])
    return "".join(chars)


def row(cid: str, user: str, answer: str) -> dict:
    messages = [{"role": "user", "content": user, "name": None, "tool_calls": None},
                {"role": "assistant", "content": answer, "name": None, "tool_calls": None}]
    return {"id": cid, "messages": messages, "source": "bench", "source_format": "alpaca", "source_ref": cid, "meta": "{}"}


def pairs(path: Path, rows: int, rate: float, seed: int) -> list[tuple[dict, dict]]:
    """``rows`` (original, edited copy) pairs of distinct Alpaca rows; the edit touches prompt and answer alike."""
    rng = random.Random(seed)
    records = {(r["instruction"] + ("\n\n" + r["input"] if r["input"] else ""), r["output"]) for r in json.loads(path.read_text())}
    chosen = rng.sample(sorted(records), rows)
    out = []
    for n, (user, answer) in enumerate(chosen):
        text = user + "\u0000" + answer
        edited_user, edited_answer = edit_letters(text, rate, rng).split("\u0000")
        out.append((row(f"o{n}", user, answer), row(f"c{n}", edited_user, edited_answer)))
    return out


def recall(pairs_: list[tuple[dict, dict]], config: MinhashConfig) -> tuple[float, int, int]:
    """``(recall, found, other removals)`` of one run over originals + copies."""
    rows = [r for pair in pairs_ for r in pair]
    result = DedupMinhash().run({"records": pa.Table.from_pylist(rows, schema=CONVERSATION)}, config, StageContext())
    links = {(r["id"], r["duplicate_of"]) for r in result.removed.to_pylist()}
    found = sum((c["id"], o["id"]) in links or (o["id"], c["id"]) in links for o, c in pairs_)
    return found / len(pairs_), found, len(links) - found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100)
    ap.add_argument("--rate", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    missing = [str(p) for p in SETS.values() if not p.is_file()]
    if missing:
        sys.exit(f"skipped: {', '.join(missing)} absent (the shared datasets sit beside the checkout)")
    config = flow_config()
    print(f"dedup_minhash as in flows.yaml: view={config.view}, {config.shingle} {config.ngram}-grams "
          f"(CJK characters are tokens), threshold={config.threshold}; {args.rows} rows per language, "
          f"{args.rate:.0%} of letters edited, seed {args.seed}\n")
    print("| language | copies found | recall | other removals |\n|---|---:|---:|---:|")
    for name, path in SETS.items():
        value, found, other = recall(pairs(path, args.rows, args.rate, args.seed), config)
        print(f"| {name} | {found} / {args.rows} | {value:.2f} | {other} |")


if __name__ == "__main__":
    main()
