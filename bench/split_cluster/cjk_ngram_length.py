"""How long a contamination n-gram should be in Chinese: characters against English words.

    .venv/bin/python bench/split_cluster/cjk_ngram_length.py

Reads 1,000 Chinese Alpaca rows (``../shared/datasets/real/alpaca_zh/``) and
999 English ones (``../shared/datasets/alpaca/``). For each n-gram length it
prints, per set: prompts long enough to be checked at all, and pairs of rows
that share an n-gram, with how many of those pairs are unrelated texts (char
3-gram Jaccard of the two whole texts below 0.3: a stock phrase, not a copy).
The length for CJK rows should check about as many prompts as 13 English words
do while matching unrelated texts about as rarely. It also prints how many
Chinese prompts the old ``\\w+`` word 13-grams could check (a whitespace
"word" is a whole clause in Chinese).
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from curate.split.contamination import ngrams

DATA = Path(__file__).resolve().parents[3] / "shared" / "datasets"
ZH = DATA / "real" / "alpaca_zh" / "alpaca_zh_demo.json"
EN = DATA / "alpaca" / "alpaca_en_demo.json"


def prompt(row: dict) -> str:
    return (row["instruction"] + ("\n" + row["input"] if row.get("input") else "")).strip()


def char_shingles(text: str, k: int = 3) -> set[str]:
    text = "".join(text.split()).lower()
    return {text[i:i + k] for i in range(len(text) - k + 1)}


def sharing(texts: list[str], n: int) -> tuple[int, int, int]:
    """(texts with at least one n-gram, pairs sharing an n-gram, of which unrelated)."""
    holders = defaultdict(set)
    checkable = 0
    for i, text in enumerate(texts):
        grams = ngrams(text, n=n, n_cjk=n)
        checkable += bool(grams)
        for gram in grams:
            holders[gram].add(i)
    pairs = {(a, b) for rows in holders.values() if 1 < len(rows) <= 10 for a in rows for b in rows if a < b}
    unrelated = 0
    for a, b in pairs:
        x, y = char_shingles(texts[a]), char_shingles(texts[b])
        unrelated += len(x & y) / max(1, len(x | y)) < 0.3
    return checkable, len(pairs), unrelated


def main() -> None:
    if not ZH.is_file() or not EN.is_file():
        sys.exit(f"{ZH} or {EN} is absent: this benchmark reads the public sets beside the checkout")
    zh, en = json.loads(ZH.read_text()), json.loads(EN.read_text())
    old = sum(1 for r in zh if len(re.findall(r"\w+", prompt(r))) >= 13)
    print(f"old \\w+ word 13-grams: {old} of {len(zh)} Chinese prompts long enough to check")
    for field, get in (("prompt", prompt), ("answer", lambda r: r["output"])):
        c, p, u = sharing([get(r) for r in en], 13)
        print(f"en {field:6} 13 words:      checkable {c:4} of {len(en)}, pairs sharing one {p:3}, unrelated {u:3}")
        for n in (10, 13, 16, 20, 25, 30):
            c, p, u = sharing([get(r) for r in zh], n)
            print(f"zh {field:6} {n:2} characters: checkable {c:4} of {len(zh)}, pairs sharing one {p:3}, unrelated {u:3}")


if __name__ == "__main__":
    main()
