"""One build of the demo in memory: plant everything, order and write the files, check them, describe them.

All randomness comes from one generator seeded with ``SEED`` and is drawn in a
fixed order (secrets, math problems, placement of ordinary items, their rolls,
then the order within each file), so two builds give byte-identical files.
Planting the duplicates, same-prompt groups, quality problems, PII, tool calls
and malformed records draws nothing.
"""

from __future__ import annotations

import random

from . import duplicates
from .checker import verify
from .fake_pii import make_secrets
from .general import GENERAL_QA, general_rows
from .malformed import malformed_records
from .ordering import order_files
from .ordinary import ordinary_records
from .pii import plant_pii
from .planted_md import planted_md
from .quality import plant_quality
from .records import Demo, Rec
from .render import file_bytes
from .same_prompt import plant_same_prompt
from .sources import FILES
from .summary import summary
from .tool_calls import plant_tool_calls

SEED = 20240611


def build() -> tuple[dict[str, bytes], str]:
    """(path under ``data/`` -> bytes, the printed summary) for every file the generator writes."""
    rng = random.Random(SEED)
    secrets, ledger = make_secrets(rng)
    base = ordinary_records(rng, duplicates.pinned(), duplicates.no_system())
    exact_groups, copies = duplicates.plant_exact(base)
    near_pairs = duplicates.plant_near(base)
    same_groups = plant_same_prompt()
    quality = plant_quality()
    pii = plant_pii(secrets)
    tools = plant_tool_calls(secrets)
    recs: list[Rec] = [*base.values(), *copies, *(v for v, _ in near_pairs), *(m for g in same_groups for m in g["members"]),
                       *quality, *pii, *tools]
    bad = malformed_records()
    ordered = order_files(rng, recs, bad)

    sources = {f: file_bytes(f, ordered[f]) for f in FILES}
    general = general_rows()
    checked = verify(sources, ordered, exact_groups, near_pairs, same_groups, pii, ledger, general)
    demo = Demo(seed=SEED, ordered=ordered, exact_groups=exact_groups, near_pairs=list(zip(near_pairs, checked.near_scores)),
                same_groups=same_groups, quality=quality, pii=pii, tools=tools + [r for r in pii if r.tools], bad=bad,
                reasons=checked.reasons, ledger=ledger, worst=checked.worst, general_vs_demo=checked.general_vs_demo,
                general_count=len(GENERAL_QA), canon=checked.canon)
    out = {f"demo/{f}": data for f, data in sources.items()}
    out["demo/empty.jsonl"] = b""
    out["general/general.jsonl"] = ("\n".join(general) + "\n").encode("utf-8")
    out["demo/PLANTED.md"] = planted_md(demo).encode("utf-8")
    return out, summary(demo)
