#!/usr/bin/env python3
"""Regenerates the llm-curate demo data, byte for byte.

Writes ``data/demo/`` (four source formats plus an empty file and PLANTED.md,
which lists every planted problem with its file:line) and
``data/general/general.jsonl`` (a small general-knowledge held-out set). The
generator itself is the ``demo_maker`` package beside this file; standard
library only.

Run from the repository root:  python3 data/make_demo.py
"""

from __future__ import annotations

from pathlib import Path

from demo_maker.build import build

DATA = Path(__file__).resolve().parent


def main() -> None:
    first, text = build()
    second, _ = build()
    assert first == second, "generation is not deterministic"
    total = 0
    for name, data in first.items():
        path = DATA / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        total += len(data)
    assert total < 1_000_000, total
    print(text)
    print(f"wrote {len(first)} files, {total:,} bytes")


if __name__ == "__main__":
    main()
