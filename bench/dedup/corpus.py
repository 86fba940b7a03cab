"""A ground-truth corpus: real Alpaca instructions plus planted near-duplicates.

Each planted copy records its family (the original) and kind; its true
similarity to the original is measured afterwards with the stage's own
shingles, so "known Jaccard level" is a measurement, not a guess.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa

from schemas import CONVERSATION

ALPACA = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "alpaca" / "alpaca_en_demo.json"
BOILERPLATE = "I hope this helps! Let me know if you have any other questions."
FILLERS = ["really", "quite", "also", "very", "then", "just", "indeed", "still", "maybe", "often"]


def originals(min_words: int = 25) -> list[tuple[str, str]]:
    """Distinct Alpaca (prompt, answer) pairs whose answer has at least ``min_words`` words."""
    seen, out = set(), []
    for row in json.loads(ALPACA.read_text()):
        prompt = (row["instruction"] + ("\n" + row["input"] if row["input"] else "")).strip()
        key = (prompt, row["output"])
        if key in seen or len(row["output"].split()) < min_words:
            continue
        seen.add(key)
        out.append(key)
    return out


def word_edits(text: str, k: int, rng: random.Random) -> str:
    words = text.split()
    for p in rng.sample(range(len(words)), min(k, len(words))):
        words[p] = rng.choice(FILLERS)
    return " ".join(words)


def reorder(text: str, rng: random.Random) -> str:
    sentences = [s for s in text.replace("\n", " ").split(". ") if s]
    if len(sentences) < 2:
        words = text.split()
        cut = len(words) // 2
        return " ".join(words[cut:] + words[:cut])
    i, j = rng.sample(range(len(sentences)), 2)
    sentences[i], sentences[j] = sentences[j], sentences[i]
    return ". ".join(sentences)


def punctuation(text: str, rng: random.Random) -> str:
    return "  ".join(text.replace(".", " .").replace(",", " ,").split(" ")).upper() + " !!"


def plant(answer: str, kind: str, rng: random.Random) -> str:
    n = len(answer.split())
    if kind == "edit_light":
        return word_edits(answer, max(1, n // 40), rng)
    if kind == "edit_heavy":
        return word_edits(answer, max(2, n // 8), rng)
    if kind == "reorder":
        return reorder(answer, rng)
    if kind == "punct_space":
        return punctuation(answer, rng)
    return answer + " " + BOILERPLATE


KINDS = ("edit_light", "edit_heavy", "reorder", "punct_space", "boilerplate")


def row(cid: str, prompt: str, answer: str, meta: dict) -> dict:
    messages = [{"role": "user", "content": prompt, "name": None, "tool_calls": None},
                {"role": "assistant", "content": answer, "name": None, "tool_calls": None}]
    return {"id": cid, "messages": messages, "source": "bench", "source_format": "alpaca",
            "source_ref": f"bench#{cid}", "meta": json.dumps(meta)}


def build(planted_share: float = 0.3, copies: tuple[int, int] = (1, 3), seed: int = 0, repeat: int = 1) -> pa.Table:
    """Originals (``repeat`` times, each repeat with a distinct tag word so families
    stay apart) plus planted copies of ``planted_share`` of them."""
    rng = random.Random(seed)
    rows = []
    for rep in range(repeat):
        for n, (prompt, answer) in enumerate(originals()):
            tag = f" (set {rep})" if repeat > 1 else ""
            base_prompt, base_answer = prompt + tag, answer if rep == 0 else word_edits(answer, len(answer.split()) // 2, rng)
            fam = f"{rep}-{n}"
            rows.append(row(f"o{fam}", base_prompt, base_answer, {"family": fam, "kind": "original"}))
            if rng.random() < planted_share:
                for c in range(rng.randint(*copies)):
                    kind = rng.choice(KINDS)
                    rows.append(row(f"p{fam}-{c}", base_prompt, plant(base_answer, kind, rng), {"family": fam, "kind": kind}))
    rng.shuffle(rows)
    return pa.Table.from_pylist(rows, schema=CONVERSATION)
