"""Benchmark: what ``redact_pii`` finds in sentences of other languages that nobody here wrote.

Not a test. Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python bench/pii/other_languages.py [--judged bench/pii/other_languages_judged.jsonl]

spaCy ships example sentences for each language it supports (``spacy.lang.<code>.examples``), written
by its contributors: short news-like sentences full of places, companies and public figures ("Kdaj je
bil rojen Milan Kučan?"), none about a private person. The English rules must not fire on them. This
script analyses every non-English one with the stage's default policy, prints per language how many
sentences were judged English (so got the English NER and name rules) and how many had a finding,
then lists each finding. With ``--judged`` it scores the findings against the verdicts in that file
(set, text, entity, span, verdict, why) and lists the findings no verdict covers.

``other_languages_judged.jsonl`` holds the 24 findings of version 41 (24 of the 484 sentences changed),
each judged by hand: all 24 wrong (countries, public figures, common words). The language decision of
version 42 was written while reading them, so figures here are in-sample for it. Version 48 read 115 of
the 484 as English or unsure (8 with a finding); version 53, which also asks how likely English is where
the identifier is torn between other languages (``analyzer.ENGLISH_FLOOR``, chosen while reading these
sentences' scores), 78 (7 with a finding, all wrong: short Czech, Slovak, Slovene, Turkish and Kurmanji
sentences whose lower-case words are too few to judge).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: curate, bench

import spacy.lang  # noqa: E402

from curate.pii import PiiPolicy, find_pii  # noqa: E402
from curate.pii.analyzer import _english_or_unsure, analyzer_for  # noqa: E402


def sentences() -> list[tuple[str, str]]:
    """``(language code, sentence)`` for every language spaCy ships examples for, English and the multi-language set left out."""
    out = []
    for path in sorted(Path(spacy.lang.__file__).parent.glob("*/examples.py")):
        lang = path.parent.name
        if lang in ("en", "xx"):
            continue
        out += [(lang, s) for s in importlib.import_module(f"spacy.lang.{lang}.examples").sentences]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--judged", type=Path, help="JSONL of judged findings to score against")
    args = ap.parse_args()
    policy = PiiPolicy()
    analyzer = analyzer_for(policy.model)
    pairs = sentences()
    found = find_pii(analyzer, [s for _, s in pairs], policy)
    english, changed = Counter(), Counter()
    spans = []
    for (lang, text), doc in zip(pairs, found):
        english[lang] += _english_or_unsure(text)
        changed[lang] += bool(doc)
        spans += [{"set": lang, "text": text, "entity": f.entity, "span": text[f.start:f.end]} for f in doc]
    languages = sorted({lang for lang, _ in pairs})
    print(f"{len(pairs)} sentences in {len(languages)} languages; judged English or unsure: {sum(english.values())}; "
          f"with a finding: {sum(changed.values())}")
    print(" ".join(f"{lang}:{english[lang]}/{changed[lang]}" for lang in languages if english[lang] or changed[lang]),
          "(language: English or unsure / with a finding; the others neither)")
    verdicts = {}
    if args.judged:
        verdicts = {(j["set"], j["text"], j["entity"], j["span"]): j for j in map(json.loads, args.judged.open())}
    right = judged = 0
    for s in spans:
        j = verdicts.get((s["set"], s["text"], s["entity"], s["span"]))
        mark = "unjudged" if j is None else ("right" if j["verdict"] else "wrong") + f" ({j['why']})"
        print(f"  {s['set']:<4} {s['entity']:<15} {s['span']!r:<32} {mark} | {s['text'][:80]}")
        if j is not None:
            judged += 1
            right += bool(j["verdict"])
    if args.judged:
        print(f"judged findings right: {right}/{judged}; unjudged: {len(spans) - judged}")


if __name__ == "__main__":
    main()
