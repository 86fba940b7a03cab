"""Planted exact duplicates and near-duplicates (plan: ``texts/duplicates.json``).

An exact copy in the same file is the same record placed later in that file; a
copy in another file is the same conversation in that file's format. Variant
``same`` is byte-identical content, ``ws`` adds surrounding whitespace and
``nfd`` decomposes accents, both identical after ingest's NFC + strip. A
near-duplicate is an original with a few edits (``answer_edits``, and a new
``prompt`` where given), in the same file or another.
"""

from __future__ import annotations

import copy
import re
import unicodedata

from .records import Rec, conversation
from .texts import load

PLAN = load("duplicates")
SENT_SPLIT = re.compile(r"(?<=[.!?])\s+")


def pinned() -> list[tuple[str, str]]:
    """(key, file) of every original: the plan names the file each one must be in."""
    return [(g["original"], g["file"]) for g in PLAN["exact"]] + [(n["original"], n["file"]) for n in PLAN["near"]]


def _cross_file(group: dict) -> bool:
    return any(c["file"] != group["file"] for c in group["copies"])


def no_system() -> set[str]:
    """Originals whose copy or variant is written as a bare conversation, so the original carries no system prompt either."""
    return {g["original"] for g in PLAN["exact"] if _cross_file(g)} | {n["original"] for n in PLAN["near"]}


def apply_edits(text: str, edits: list[list]) -> str:
    """``text`` after each edit in turn.

    ``sub`` replaces the first match, ``append`` adds text, ``swap``/``drop`` act on
    sentences by index, ``lower`` lowercases, ``nocomma`` drops commas, ``ws`` doubles
    the space after full stops and ``nl`` turns the first n of those into blank lines.
    """
    for edit in edits:
        op = edit[0]
        if op == "sub":
            assert edit[1] in text, (edit, text)
            text = text.replace(edit[1], edit[2], 1)
        elif op == "append":
            text = text + edit[1]
        elif op in ("swap", "drop"):
            parts = SENT_SPLIT.split(text)
            if op == "swap":
                parts[edit[1]], parts[edit[2]] = parts[edit[2]], parts[edit[1]]
            else:
                del parts[edit[1]]
            text = " ".join(parts)
        elif op == "lower":
            text = text.lower()
        elif op == "nocomma":
            text = text.replace(",", "")
        elif op == "ws":
            text = text.replace(". ", ".  ")
        elif op == "nl":
            text = text.replace(". ", ".\n\n", edit[1])
        else:
            raise ValueError(op)
    return text


def plant_exact(base: dict[str, Rec]) -> tuple[list[dict], list[Rec]]:
    """The exact-duplicate groups ({"group", "original", "copies"}) and the copies, in plan order."""
    groups, copies = [], []
    for n, plan in enumerate(PLAN["exact"], start=1):
        key, f = plan["original"], plan["file"]
        orig = base[key]
        assert orig.file == f
        group = {"group": f"dup_{n:02d}", "original": orig, "copies": []}
        for j, spec in enumerate(plan["copies"], start=1):
            if spec["file"] == f:
                c = copy.copy(orig)
                c.msgs = copy.deepcopy(orig.msgs)
                c.rid, c.kind, c.after = f"{key}~copy{j}", "exact_copy", orig
            else:
                assert len(orig.msgs) == 2 and orig.msgs[0]["role"] != "system" and not orig.split
                c = Rec(f"{key}~copy{j}", spec["file"], copy.deepcopy(orig.msgs), kind="exact_copy", category=orig.category)
            if spec["variant"] == "ws":
                c.msgs[-2]["content"] = " " + c.msgs[-2]["content"] + "  "
                c.msgs[-1]["content"] = c.msgs[-1]["content"] + "\n"
            elif spec["variant"] == "nfd":
                for m in c.msgs:
                    m["content"] = unicodedata.normalize("NFD", m["content"])
                assert any(m["content"] != unicodedata.normalize("NFC", m["content"]) for m in c.msgs)
            c.note = spec["variant"]
            group["copies"].append(c)
            copies.append(c)
        groups.append(group)
    return groups, copies


def plant_near(base: dict[str, Rec]) -> list[tuple[Rec, Rec]]:
    """(variant, original) for every near-duplicate, in plan order."""
    pairs = []
    for plan in PLAN["near"]:
        orig = base[plan["original"]]
        assert len(orig.msgs) == 2 and orig.msgs[0]["role"] == "user" and not orig.split, plan["id"]
        q = plan.get("prompt", orig.msgs[0]["content"])
        a = apply_edits(orig.msgs[1]["content"], plan["answer_edits"])
        v = Rec(plan["id"], plan["variant_file"], conversation([(q, a)]), kind="near_dup", category=orig.category,
                note=plan["edit"])
        pairs.append((v, orig))
    return pairs
