"""PLANTED.md: every planted problem with its ``file:line``, the expected ingest outcome, and the same as JSON.

It is what the pipeline's output is scored against, so it is written only from
a build the checker has passed, and byte-identical on every run.
"""

from __future__ import annotations

import json

from .records import Demo, Rec
from .sources import FILES, FMT

KIND_LABELS = [
    ("base", "ordinary single-turn"), ("multi_turn", "ordinary multi-turn"), ("exact_copy", "exact duplicate (copy)"),
    ("near_dup", "near-duplicate (variant)"), ("same_prompt", "same prompt, different answer"),
    ("quality", "quality problem"), ("pii", "contains PII"), ("tool", "tool call, no PII"), ("malformed", "malformed"),
]


def per_file_kinds(ordered: dict[str, list[Rec]]) -> dict[str, dict[str, int]]:
    """File -> record kind -> count, every kind present (zero where none)."""
    table = {f: {k: 0 for k, _ in KIND_LABELS} for f in FILES}
    for f, rows in ordered.items():
        for r in rows:
            table[f][r.kind] += 1
    return table


def _manifest(demo: Demo) -> dict:
    """Everything PLANTED.md states, as the JSON block at its end; the tables above it are written from this."""
    ordered = demo.ordered
    kinds = per_file_kinds(ordered)
    files = {}
    for f in FILES:
        rows = ordered[f]
        reasons = demo.reasons[f]
        files[f] = {"format": FMT[f], "records": len(rows), "kept": len(rows) - sum(reasons.values()),
                    "quarantined": dict(sorted(reasons.items())), "by_kind": kinds[f]}
    files["empty.jsonl"] = {"format": "unknown", "records": 0, "kept": 0, "quarantined": {"empty_file": 1}, "by_kind": {}}

    exact = [{"group": g["group"], "original": g["original"].ref,
              "copies": [{"ref": c.ref, "variant": c.note} for c in g["copies"]],
              "cross_file": any(c.file != g["original"].file for c in g["copies"])} for g in demo.exact_groups]
    near = [{"id": v.rid, "variant": v.ref, "original": o.ref, "edit": v.note, "jaccard_5gram": round(score, 3),
             "cross_file": v.file != o.file} for (v, o), score in demo.near_pairs]
    same = [{"group": g["group"], "prompt": g["prompt"], "records": [{"ref": m.ref, "answer": m.note} for m in g["members"]]}
            for g in demo.same_groups]
    quality = [{"ref": r.ref, "id": r.rid, "kind": r.note} for r in demo.quality]
    pii = []
    for r in demo.pii:
        kinds_here = sorted({k for k, _ in r.pii})
        pii.append({"ref": r.ref, "id": r.rid, "kinds": kinds_here, "tool_call": bool(r.tools),
                    "values": [{"kind": k, "value": v} for k, v in r.pii]})
    bad = [{"ref": r.ref, "id": r.rid, "reason": r.reason} for f in FILES for r in ordered[f] if r.kind == "malformed"]
    bad.append({"ref": "empty.jsonl", "id": "empty_file", "reason": "empty_file"})
    tools = sorted((r.ref for r in demo.tools), key=lambda x: int(x.rsplit(":", 1)[1]))
    multi = [r.ref for f in FILES for r in ordered[f] if r.kind != "malformed" and
             sum(1 for m in demo.canon[id(r)] if m[0] == "user") > 1]
    pii_kind_counts: dict[str, int] = {}
    pii_value_counts: dict[str, int] = {}
    for r in demo.pii:
        for k in {k for k, _ in r.pii}:
            pii_kind_counts[k] = pii_kind_counts.get(k, 0) + 1
        for k, _ in r.pii:
            pii_value_counts[k] = pii_value_counts.get(k, 0) + 1
    manifest = {
        "seed": demo.seed,
        "refs": "file:line inside data/demo/ (Alpaca: the line where the array element starts; JSONL: the line number). "
                "Ingest reports the same numbers after the path it was given, e.g. data/demo/openai.jsonl:7.",
        "files": files,
        "totals": {
            "records": sum(len(v) for v in ordered.values()),
            "kept_after_ingest": sum(files[f]["kept"] for f in FILES),
            "quarantined_after_ingest": sum(sum(files[f]["quarantined"].values()) for f in files),
            "exact_duplicate_groups": len(exact),
            "exact_duplicate_copies": sum(len(g["copies"]) for g in exact),
            "near_duplicates": len(near),
            "same_prompt_groups": len(same),
            "pii_records": len(pii),
            "pii_records_by_kind": dict(sorted(pii_kind_counts.items())),
            "pii_values_by_kind": dict(sorted(pii_value_counts.items())),
            "quality_problems": len(quality),
            "malformed": len(bad),
            "tool_call_conversations": len(tools),
            "multi_turn_conversations": len(multi),
        },
        "exact_duplicates": exact,
        "near_duplicates": near,
        "same_prompt_groups": same,
        "pii": pii,
        "quality": quality,
        "malformed": bad,
        "tool_calls": tools,
        "multi_turn": multi,
        "checksums": demo.ledger,
        "general": {"file": "data/general/general.jsonl", "records": demo.general_count, "format": "openai",
                    "category": "general", "max_jaccard_vs_demo": round(demo.general_vs_demo, 3)},
        "max_unplanted_pair_jaccard": round(demo.worst[0], 3),
    }
    return manifest


def planted_md(demo: Demo) -> str:
    """The text of PLANTED.md."""
    manifest = _manifest(demo)
    kinds = per_file_kinds(demo.ordered)
    files, exact, near = manifest["files"], manifest["exact_duplicates"], manifest["near_duplicates"]
    same, pii, quality, bad = manifest["same_prompt_groups"], manifest["pii"], manifest["quality"], manifest["malformed"]
    tools, multi = manifest["tool_calls"], manifest["multi_turn"]
    t = manifest["totals"]
    md: list[str] = []
    add = md.append
    add("# Planted problems in the demo data")
    add("")
    add("Generated by `python3 data/make_demo.py` (standard library only, `random.Random(%d)`, byte-identical on every run). "
        "All texts were written for this project; names, e-mail addresses, phone numbers, addresses, card numbers, "
        "IBANs, SSNs and keys are fake. A machine-readable copy of everything below is the JSON block at the end." % demo.seed)
    add("")
    add("References are `file:line` inside `data/demo/`. For `alpaca.json` (one array element per line) the line is where "
        "the element starts, which is what ingest reports; for the JSON Lines files it is the line number.")
    add("")
    add("## Files and expected ingest outcome")
    add("")
    add("| file | format | records | kept | quarantined (reason: count) |")
    add("|---|---|---:|---:|---|")
    for f, info in files.items():
        q = ", ".join(f"{k}: {v}" for k, v in info["quarantined"].items()) or "none"
        add(f"| `{f}` | {info['format']} | {info['records']} | {info['kept']} | {q} |")
    add(f"| **total** | | {t['records']} | {t['kept_after_ingest']} | {t['quarantined_after_ingest']} |")
    add("")
    add("`empty.jsonl` is a 0-byte file; ingest counts it as one row quarantined with `empty_file`, so ingesting all five "
        f"files gives rows_in {t['records'] + 1}, kept {t['kept_after_ingest']}, quarantined {t['quarantined_after_ingest']} "
        "(verified against `curate.ingest`). Only the files named here come from `make_demo.py`; any other file in "
        "`data/demo/` is not covered by these counts.")
    add("")
    add("## Counts per kind and file")
    add("")
    add("Every record has exactly one kind (a PII record that is also a tool call counts as PII).")
    add("")
    add("| kind | " + " | ".join(f"`{f}`" for f in FILES) + " | total |")
    add("|---|" + "---:|" * (len(FILES) + 1))
    for k, label in KIND_LABELS:
        row = [kinds[f][k] for f in FILES]
        add(f"| {label} (`{k}`) | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    add("")
    add(f"Also: {t['tool_call_conversations']} tool-call conversations (all in `sharegpt.jsonl`, "
        f"{sum(1 for p in pii if p['tool_call'])} of them carry PII in arguments/observations) and "
        f"{t['multi_turn_conversations']} multi-turn conversations (more than one user turn).")
    add("")
    add("## Exact duplicates")
    add("")
    add(f"{t['exact_duplicate_groups']} groups, {t['exact_duplicate_copies']} copies: after ingest, exact dedup should remove "
        f"{t['exact_duplicate_copies']} rows (keep one per group). Cross-file copies are the same conversation in another format. "
        "Variant `same` is the same record; `ws` adds spaces/newline around the text and `nfd` writes accents decomposed (NFD); "
        "both are identical after ingest's NFC + strip, so they are exact duplicates of the canonical conversation. "
        "These are the only records with identical canonical messages (checked).")
    add("")
    add("| group | original | copies |")
    add("|---|---|---|")
    for g in exact:
        add(f"| {g['group']} | `{g['original']}` | " + ", ".join(f"`{c['ref']}` ({c['variant']})" for c in g["copies"]) + " |")
    add("")
    add("## Near-duplicates")
    add("")
    add(f"{t['near_duplicates']} variants, each a light edit of one original. `jaccard_5gram` is the Jaccard similarity of "
        "word 5-gram shingles (lowercased `\\w+` tokens) over the non-system message text (plus tool-call name and "
        "arguments) after ingest normalisation; all are in [0.6, 0.95]. "
        f"No other pair of kept records (excluding exact-duplicate and same-prompt pairs) exceeds "
        f"{manifest['max_unplanted_pair_jaccard']} on the same measure.")
    add("")
    add("| id | variant | original | jaccard | edit |")
    add("|---|---|---|---:|---|")
    for n in near:
        add(f"| {n['id']} | `{n['variant']}` | `{n['original']}` | {n['jaccard_5gram']:.3f} | {n['edit']} |")
    add("")
    add("## Same prompt, different answer")
    add("")
    add(f"{t['same_prompt_groups']} prompts each appear twice with different answers (one group has a factually wrong answer).")
    add("")
    add("| group | prompt | records |")
    add("|---|---|---|")
    for g in same:
        add(f"| {g['group']} | {g['prompt']} | " + ", ".join(f"`{m['ref']}` ({m['answer']})" for m in g["records"]) + " |")
    add("")
    add("## PII")
    add("")
    add(f"{t['pii_records']} records contain PII. Records by kind: "
        + ", ".join(f"{k} {v}" for k, v in t["pii_records_by_kind"].items())
        + ". Values by kind: " + ", ".join(f"{k} {v}" for k, v in t["pii_values_by_kind"].items()) + ".")
    add("")
    add("Phone formats used: `(555) 201-7789`, `(217) 555-0134`, `+1-415-555-0193 x204`, `+1-555-123-4567 x123`, "
        "`001-646-555-0127`, `555.842.1937`, `503.555.0171`, `617-555-0112`, `+44 20 7946 0321`. Every card number "
        "passes Luhn (visa16 x2, mastercard 51-55, mastercard 2-series, amex, visa19, maestro12); every IBAN passes "
        "mod-97 (GB x2, DE x2; one of each written in groups of four); SSNs are `AAA-GG-SSSS` with area not 000/666/9xx, "
        "group not 00, serial not 0000. API keys: `sk-` + 48 chars, `AKIA` + 16 (with a 40-char AWS secret), `ghp_` + 36. "
        "IPs are from documentation/private ranges (203.0.113.0/24, 198.51.100.0/24, 192.0.2.0/24, 10/8, 2001:db8::/32). "
        "Some records also repeat only the last four digits of a card (not listed as PII). "
        "Records not listed here contain none of these patterns and none of the invented names (checked); they do "
        "mention public historical figures and places (e.g. in history answers), which are not planted PII.")
    add("")
    add("| ref | id | kinds | tool call |")
    add("|---|---|---|---|")
    for p in pii:
        add(f"| `{p['ref']}` | {p['id']} | {', '.join(p['kinds'])} | {'yes' if p['tool_call'] else ''} |")
    add("")
    add("## Quality problems")
    add("")
    add(f"{t['quality_problems']} records that parse fine but are poor training data.")
    add("")
    add("| ref | id | kind |")
    add("|---|---|---|")
    for q in quality:
        add(f"| `{q['ref']}` | {q['id']} | {q['kind']} |")
    add("")
    add("## Malformed (quarantined by ingest)")
    add("")
    add("| ref | id | expected reason |")
    add("|---|---|---|")
    for b in bad:
        add(f"| `{b['ref']}` | {b['id']} | `{b['reason']}` |")
    add("")
    # `make_demo.py` stands for the whole generator here (the mirror is mirror_ingest.py); kept so PLANTED.md stays as it is.
    add("The reasons were checked against a mirror of the ingest adapters in `make_demo.py`. The invalid-UTF-8 line "
        "holds the raw bytes `FF FE`; the truncated lines end mid-string.")
    add("")
    add("## Tool calls and multi-turn conversations")
    add("")
    add("Tool calls (ShareGPT `function_call` value is JSON `{\"name\", \"arguments\"}`, `observation` value is JSON text, "
        "`tools` is a JSON string): " + ", ".join(f"`{x}`" for x in tools) + ".")
    add("")
    add("Multi-turn: " + ", ".join(f"`{x}`" for x in multi) + ".")
    add("")
    add("## General held-out set")
    add("")
    add(f"`data/general/general.jsonl`: {demo.general_count} general-knowledge Q&A pairs in OpenAI messages format "
        "(`category: general`, a system prompt on every third record), for the regression gate and general-data mixing. "
        "No PII patterns, no invented names, no prompt shared with the demo, and max 5-gram Jaccard against any demo "
        f"record {manifest['general']['max_jaccard_vs_demo']}.")
    add("")
    add("## Machine-readable manifest")
    add("")
    add("```json")
    add(json.dumps(manifest, ensure_ascii=False, indent=1))
    add("```")
    add("")
    return "\n".join(md)
