"""Planted PII (``texts/pii.json``): records that hold fake personal data or secrets, each listing what it holds.

A record's ``pii`` is (kind, token or literal value). The checker makes sure
each value appears in the ingested text, and PLANTED.md lists every value, which
tests/test_pii_no_leak.py then looks for after redaction.
"""

from __future__ import annotations

from .fake_pii import fill, is_token
from .records import Rec, spec_messages
from .texts import load


def plant_pii(secrets: dict[str, str]) -> list[Rec]:
    out = []
    for spec in load("pii"):
        split = (fill(spec["instruction"], secrets), fill(spec["input"], secrets)) if "instruction" in spec else None
        msgs = spec["msgs"]
        if split:
            msgs = [["user", f"{split[0]}\n\n{split[1]}"]] + msgs
        r = Rec(spec["id"], spec["file"], spec_messages(msgs, secrets, spec.get("system")), kind="pii",
                category=spec.get("category"), split=split, tools=spec.get("tools"))
        r.pii = [(kind, fill(f"<<{token}>>", secrets) if is_token(token) else token) for kind, token in spec["pii"]]
        out.append(r)
    return out
