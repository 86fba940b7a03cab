"""Planted same-prompt groups (``texts/same_prompt.json``): one prompt, two different answers.

They are not duplicates (the answers differ), and in one group one answer is factually wrong.
"""

from __future__ import annotations

from .records import Rec, conversation
from .texts import load


def plant_same_prompt() -> list[dict]:
    """Groups as {"group", "prompt", "members"}, each member a record whose note describes its answer."""
    groups = []
    for spec in load("same_prompt"):
        members = [Rec(f"{spec['group']}_{j}", a["file"], conversation([(spec["prompt"], a["answer"])]), kind="same_prompt",
                       category=spec["category"], note=a["note"])
                   for j, a in enumerate(spec["answers"], start=1)]
        groups.append({"group": spec["group"], "prompt": spec["prompt"], "members": members})
    return groups
