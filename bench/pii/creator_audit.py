"""Audit of the creator test (``curate.pii.notability.known_creator``): every name after "by" in the
English real sets that the model was asked about, and what it answered.

Not a test. Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python bench/pii/creator_audit.py > /tmp/creator_audit.txt

Prints one line per question: ``True`` (the name is left as a public work's maker) or ``False``,
the 70 characters before the name, and the name. Each ``True`` line was judged by hand in
``bench/pii/creator_audit.md``: a wrong ``True`` is a private person left unredacted.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import curate.pii.private as private  # noqa: E402
from curate.pii import PiiPolicy, find_pii  # noqa: E402
from curate.pii.analyzer import analyzer_for  # noqa: E402
from real_sets import ENGLISH_SETS, ingested, row_texts  # noqa: E402


def main() -> None:
    asked: list[tuple[bool, str, str]] = []
    known_creator = private.known_creator

    def recorded(model: str, before: str, name: str) -> bool:
        answer = known_creator(model, before, name)
        asked.append((answer, before[-70:], name))
        return answer

    private.known_creator = recorded
    analyzer = analyzer_for(PiiPolicy().model)
    texts = [t for name, rel in ENGLISH_SETS.items() for row in ingested(name, rel, None)
             for t in row_texts(row) if re.search(r"\bby [A-Z]", t)]
    for at in range(0, len(texts), 64):
        find_pii(analyzer, texts[at:at + 64], PiiPolicy())
    for answer, before, name in asked:
        print(answer, repr(before), "->", name)
    print(f"{len(texts)} texts with 'by' before a capital; {len(asked)} questions, "
          f"{sum(a for a, _, _ in asked)} answered public", file=sys.stderr)


if __name__ == "__main__":
    main()
