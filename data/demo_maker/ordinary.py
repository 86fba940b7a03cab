"""The ordinary (unplanted) items and the file each one lands in.

The pool is ``texts/ordinary.json`` (hand-written Q&A, some with follow-up
turns), the generated math problems and ``texts/grammar.json``. An item's
``file`` pins it: multi-turn conversations are spread over all four formats and
Alpaca gets items that use its ``input`` field. Originals of planted duplicates
are pinned by the duplicate plan. The rest are dealt out at random so each file
reaches its quota, and the alpaca file takes what is left.

System prompts are rolled per format (OpenAI and ChatML data usually has one,
Alpaca rarely); ``with_system`` forces one, and originals whose copies are
written without one get none.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from .math_problems import math_items
from .records import Rec, conversation
from .sources import FILES, FMT
from .texts import load

# How many ordinary items each file gets; the rest of the pool goes to alpaca.
BASE_QUOTA = {"sharegpt.jsonl": 63, "chatml.jsonl.gz": 46, "openai.jsonl": 63}
SYSTEM_CHANCE = {"openai": 0.5, "chatml": 0.8, "sharegpt": 0.15, "alpaca": 0.08}


class Item(NamedTuple):
    topic: str
    turns: list[tuple[str, str]]  # (user, assistant), the first is the item's own prompt and answer
    split: tuple[str, str] | None  # Alpaca (instruction, input); other formats join them with a blank line


def _pool(rng: random.Random) -> tuple[dict[str, Item], dict[str, str], set[str]]:
    """Every ordinary item by key, the files items pin themselves to, and the keys that always get a system prompt."""
    pool: dict[str, Item] = {}
    pins: dict[str, str] = {}
    with_system: set[str] = set()
    items = load("ordinary") + [{"key": k, "topic": t, "prompt": q, "answer": a} for k, t, q, a in math_items(rng)]
    items += [dict(g, key=f"grammar_{i}", topic="language") for i, g in enumerate(load("grammar"))]
    for item in items:
        key = item["key"]
        split = (item["instruction"], item["input"]) if "instruction" in item else None
        q = f"{split[0]}\n\n{split[1]}" if split else item["prompt"]
        followups = [(f["prompt"], f["answer"]) for f in item.get("followups", [])]
        assert key not in pool, key
        pool[key] = Item(item["topic"], [(q, item["answer"])] + followups, split)
        if "file" in item:
            pins[key] = item["file"]
        if item.get("with_system"):
            with_system.add(key)
    return pool, pins, with_system


def ordinary_records(rng: random.Random, pinned: list[tuple[str, str]], no_system: set[str]) -> dict[str, Rec]:
    """The ordinary records by key, in pool order.

    ``pinned`` is (key, file) for items another plan needs in a given file;
    ``no_system`` are keys that must not get a system prompt.
    """
    pool, forced, force_system = _pool(rng)

    def force(key: str, f: str) -> None:
        assert forced.get(key, f) == f, (key, forced[key], f)
        forced[key] = f

    for key, f in pinned:
        force(key, f)

    free = [k for k in pool if k not in forced]
    rng.shuffle(free)
    placed = {f: sum(1 for x in forced.values() if x == f) for f in FILES}
    slots = [f for f, quota in BASE_QUOTA.items() for _ in range(quota - placed[f])]
    assert len(slots) <= len(free), (len(slots), len(free))
    slots += ["alpaca.json"] * (len(free) - len(slots))
    rng.shuffle(slots)
    assignment = {**forced, **dict(zip(free, slots))}

    systems = load("systems")
    base: dict[str, Rec] = {}
    for key, (topic, turns, split) in pool.items():
        f = assignment[key]
        fmt = FMT[f]
        roll = rng.random()
        system = None
        if key in force_system or (key not in no_system and roll < SYSTEM_CHANCE[fmt]):
            system = systems["by_topic"].get(topic) or systems["generic"][int(roll * 1000) % len(systems["generic"])]
        if topic == "math" and fmt == "alpaca" and split is None and rng.random() < 0.5:
            split = ("Solve this word problem and show your working.", turns[0][0])
            turns = [(f"{split[0]}\n\n{split[1]}", turns[0][1])] + turns[1:]
        base[key] = Rec(key, f, conversation(turns, system), category=topic, split=split,
                        system_key=rng.random() < 0.5, alpaca_category=rng.random() < 0.5,
                        kind="multi_turn" if len(turns) > 1 else "base")
    return base
