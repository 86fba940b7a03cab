"""Planted quality problems (``texts/quality.json``): records that parse fine but are poor training data.

Placeholders, refusals, too-short, repetitive, truncated and non-English answers,
one or more per file; ``note`` holds the kind PLANTED.md lists.
"""

from __future__ import annotations

from .records import Rec, conversation
from .sources import FMT
from .texts import load


def plant_quality() -> list[Rec]:
    out = []
    for spec in load("quality"):
        # ChatML records usually open with a system turn (ordinary.SYSTEM_CHANCE), so these do too.
        system = "You are a helpful assistant." if FMT[spec["file"]] == "chatml" else None
        out.append(Rec(spec["id"], spec["file"], conversation([(spec["prompt"], spec["answer"])], system), kind="quality",
                       category=spec["category"], note=spec["kind"]))
    return out
