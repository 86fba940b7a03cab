"""The order of records inside each file, and so the ``file:line`` PLANTED.md gives for each.

Records are shuffled, a within-file copy goes somewhere after its original (so
the original is the first of its group), and malformed records are spread evenly.
"""

from __future__ import annotations

import random

from .records import Rec
from .sources import FILES, FMT


def order_files(rng: random.Random, recs: list[Rec], bad: list[Rec]) -> dict[str, list[Rec]]:
    """File -> its records in order, each with ``line`` set (Alpaca: the line its array element starts on)."""
    ordered: dict[str, list[Rec]] = {}
    for f in FILES:
        main = [r for r in recs if r.file == f and r.after is None]
        rng.shuffle(main)
        for c in [r for r in recs if r.file == f and r.after is not None]:
            at = main.index(c.after)
            main.insert(rng.randint(at + 1, len(main)), c)
        mine = [r for r in bad if r.file == f]
        for k, r in enumerate(mine):
            main.insert(round((k + 1) * len(main) / (len(mine) + 1)), r)
        for i, r in enumerate(main):
            r.line = i + (2 if FMT[f] == "alpaca" else 1)
        ordered[f] = main
    return ordered
