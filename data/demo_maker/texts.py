"""Reads the demo's prose from ``texts/*.json``, kept as data so that editing a text never means editing code."""

from __future__ import annotations

import json
from pathlib import Path

TEXTS = Path(__file__).resolve().parent / "texts"


def load(name: str):
    """``texts/<name>.json`` parsed afresh, so a caller may change what it gets."""
    return json.loads((TEXTS / f"{name}.json").read_text(encoding="utf-8"))
