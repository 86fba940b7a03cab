"""A labelled PII set from our own demo data: every message text of ``data/demo``,
with gold spans at each occurrence of a planted value (``data/demo/PLANTED.md``).

The demo's texts are ordinary instruction and chat data (recipes, history,
code, letters) with 40 records carrying invented PII, so this set measures what
the other two cannot: how often everyday text is mislabelled. Gold PERSON spans
are the planted full names and each of their words where it stands alone
("Callum" after "Callum Brevard"). Caveats: the demo also names public figures
("Newton", "Franz Ferdinand"), which count as false positives here; and some of
the PERSON rules were checked against this data while writing them.

    .venv/bin/python bench/pii/demo_set.py > /tmp/demo_pii.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
ENTITY_OF_KIND = {
    "person_name": "PERSON", "email": "EMAIL_ADDRESS", "phone": "PHONE_NUMBER", "credit_card": "CREDIT_CARD",
    "ssn": "US_SSN", "iban": "IBAN_CODE", "ip_address": "IP_ADDRESS", "street_address": "STREET_ADDRESS",
    "api_key": "API_KEY",
}


def planted_values() -> list[tuple[str, str]]:
    """(entity type, value) for every planted PII value, from the JSON block of PLANTED.md."""
    block = re.findall(r"```json\n(.*?)```", (DEMO / "PLANTED.md").read_text(), re.S)[-1]
    return sorted({(ENTITY_OF_KIND[v["kind"]], v["value"]) for r in json.loads(block)["pii"] for v in r["values"]})


def demo_texts() -> list[str]:
    """Every distinct message text the ingest stage keeps from the demo files."""
    sys.path.insert(0, str(ROOT))
    from curate.ingest import Ingest, IngestConfig, Source
    from curate.stage import StageContext

    config = IngestConfig(sources=[Source(path=str(DEMO / name)) for name in
                                   ("alpaca.json", "sharegpt.jsonl", "chatml.jsonl.gz", "openai.jsonl")])
    kept = Ingest().run({}, config, StageContext()).kept.to_pylist()
    texts = [m["content"] for row in kept for m in row["messages"] if m["content"]]
    texts += [c["arguments"] for row in kept for m in row["messages"] for c in m["tool_calls"] or []]
    return list(dict.fromkeys(texts))


def generate() -> list[dict]:
    values = planted_values()
    name_words = sorted({(w, full) for e, full in values if e == "PERSON" for w in full.split() if len(w) >= 3})
    rows = []
    for text in demo_texts():
        spans: list[tuple[str, int, int]] = []
        for entity, value in values:
            spans += [(entity, m.start(), m.end()) for m in re.finditer(re.escape(value), text)]
        for word, _ in name_words:
            for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
                if all(m.end() <= s or m.start() >= e for _, s, e in spans):
                    spans.append(("PERSON", m.start(), m.end()))
        rows.append({"full_text": text, "spans": [
            {"entity_type": e, "entity_value": text[s:t], "start_position": s, "end_position": t}
            for e, s, t in sorted(spans, key=lambda x: x[1])]})
    return rows


if __name__ == "__main__":
    json.dump(generate(), sys.stdout, ensure_ascii=False, indent=1)
