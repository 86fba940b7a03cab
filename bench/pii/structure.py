"""Check: what ``redact_pii`` promises about structure, on every conversation file of ``../shared/datasets``.

Not a test (the tests check a few dozen rows of some sets). Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python bench/pii/structure.py [--workers 2] [SET ...]

Each set is read by the ``ingest`` stage and redacted whole, conversation by conversation, as the
stage redacts it (``redact_in_shards``, default policy, placeholders). Per set it prints the rows
changed and four counts:

* ``identical``: groups of distinct raw rows that redaction made identical (must be 0, as the next two);
* ``calls``: tool calls whose name or JSON keys changed, or whose arguments no longer parse;
* ``in links``: links (``http...``, ``www...``) and fenced code blocks of the redacted text holding a
  name or an address placeholder (a structured identifier such as an e-mail, a key or a labelled user
  name may be replaced there, and the links it changed are listed for reading);
* ``no-model rows``: rows in a language with no name model (not English) that a name or an address
  changed, which the issue bounds at 1% of a Chinese set's rows.

The exit status is 1 if one of the first three counts is not 0, or the last passes 1% of a set's rows.
Measured at version 41 (2026-12-05), 18 sets: the first three counts 0 everywhere; one no-model row each in
lima, sharegpt_kto (an English question in a Hindi row) and the three Chinese sets (a Latin name under
"姓名：", a German greeting, a list of two English names). From version 42 on, the same but for the German
greeting (oaast_rm_zh) and the Hindi row, which lose no name now: English rules no longer read them. One
link changes, by design: Arena-Hard's example API path holds the user name its prompt labels. Version 36
wrote names into two HH-RLHF links.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root: curate, bench

from bench.pii.real_sets import CHINESE_SETS, ENGLISH_SETS, OTHER_SETS, UNSEEN_SETS, ingested  # noqa: E402
from curate import meta as metajson  # noqa: E402
from curate.language import UNDETERMINED  # noqa: E402
from curate.pii.batch import redact_in_shards  # noqa: E402
from curate.pii.policy import PiiPolicy  # noqa: E402
from curate.pii.recognizers import STRUCTURED_ENTITIES  # noqa: E402
from curate.pii.stage import NAME_MODEL_LANGUAGES  # noqa: E402

MORE_SETS = {
    "oaast_rm_zh": "real/oaast_rm_zh/oaast_rm_zh.json",
    "medicalgpt_dpo": "real/medicalgpt_dpo/dpo_zh_500.jsonl",
    "oasst_message": "oasst/en_100_message.jsonl",
}
"""Conversation files the precision benchmark does not read: two Chinese preference sets, OpenAssistant messages."""
SETS = {**ENGLISH_SETS, **UNSEEN_SETS, **OTHER_SETS, **CHINESE_SETS, **MORE_SETS}
LINK = re.compile(r"(?:https?://|www\.)(?:[^\s<>\"'`)\]]|<[A-Z_]+_\d+>)+")
"""A link, with any placeholder redaction wrote into it."""
FENCED = re.compile(r"```.*?```", re.DOTALL)
LOOSE_PLACEHOLDER = re.compile(r"<(?:PERSON|STREET_ADDRESS)_\d+>")
"""The placeholders of entities that have no shape of their own: never inside a link or code."""


def check(name: str, rel: str, policy: PiiPolicy) -> dict:
    rows = ingested(name, rel, None)
    redacted = list(redact_in_shards([r["messages"] for r in rows], policy, [metajson.parse(r["meta"]) for r in rows]))
    raw_by_redacted: dict[str, set[str]] = defaultdict(set)
    out = {"rows": len(rows), "changed": 0, "identical": 0, "calls": 0, "in links": 0, "no-model rows": 0, "links": []}
    for row, red in zip(rows, redacted, strict=True):
        raw_by_redacted[json.dumps(red.messages, sort_keys=True, default=str)].add(
            json.dumps(row["messages"], sort_keys=True, default=str))
        out["changed"] += bool(red.counts)
        out["no-model rows"] += red.language not in NAME_MODEL_LANGUAGES | {UNDETERMINED} and any(
            e not in STRUCTURED_ENTITIES for e in red.counts)
        for before, after in zip(row["messages"], red.messages, strict=True):
            out["calls"] += sum(not _same_call(a, b) for a, b in zip(before.get("tool_calls") or [],
                                                                     after.get("tool_calls") or [], strict=True))
            text = after.get("content") or ""
            out["in links"] += sum(bool(LOOSE_PLACEHOLDER.search(m.group()))
                                   for pattern in (LINK, FENCED) for m in pattern.finditer(text))
            new = set(LINK.findall(text))
            out["links"] += [(url, sorted(new - set(LINK.findall(before.get("content") or "")))) for url
                             in LINK.findall(before.get("content") or "") if url not in text and "@" not in url]
    out["identical"] = sum(len(raws) > 1 for raws in raw_by_redacted.values())
    return out


def _same_call(before: dict, after: dict) -> bool:
    try:
        args_before, args_after = json.loads(before["arguments"]), json.loads(after["arguments"])
    except (TypeError, ValueError):
        return False
    return before["name"] == after["name"] and _keys(args_before) == _keys(args_after)


def _keys(value) -> list[str] | None:
    return sorted(value) if isinstance(value, dict) else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", metavar="SET", help=f"sets to check (default all: {', '.join(SETS)})")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    unknown = [s for s in args.sets if s not in SETS]
    if unknown:
        ap.error(f"unknown sets {unknown}; choose from {', '.join(SETS)}")
    policy = PiiPolicy(workers=args.workers)
    counts = ("identical", "calls", "in links", "no-model rows")
    print(f"{'set':<20}{'rows':>7}{'changed':>9}" + "".join(f"{c:>15}" for c in counts))
    failed = False
    for name in args.sets or SETS:
        result = check(name, SETS[name], policy)
        print(f"{name:<20}{result['rows']:>7}{result['changed']:>9}" + "".join(f"{result[c]:>15}" for c in counts))
        for url, now in result["links"]:
            print(f"{'':<20}link changed: {url[:100]}  ->  {', '.join(u[:100] for u in now) or '?'}")
        failed |= any(result[c] for c in counts[:3]) or result["no-model rows"] > 0.01 * result["rows"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
