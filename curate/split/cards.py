"""Per-split data cards, and the held-out integrity summary.

The runner writes one card per artifact; a split artifact holds three splits,
so the stage's card carries one section per split (``per_split_sections``),
and ``split_cards`` renders a stand-alone Markdown card per split (with the
Hugging Face header naming that split) for whoever exports the splits as
separate datasets, e.g. the ``export-splits`` command.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pyarrow as pa
import yaml

from curate import meta as metajson
from schemas import SPLIT_NAMES


def _split_stats(table: pa.Table, split: str, stratify_by: str | None) -> dict:
    rows = table.filter(pa.compute.equal(table.column("split"), split))
    metas = [metajson.parse(m) for m in rows.column("meta").to_pylist()]
    turns = [sum(1 for m in msgs if m["role"] in ("user", "assistant")) for msgs in rows.column("messages").to_pylist()]
    stats = {
        "rows": rows.num_rows,
        "sources": dict(Counter(rows.column("source").to_pylist()).most_common()),
        "mean_turns": round(sum(turns) / len(turns), 2) if turns else 0,
        "mixed_general_rows": sum(1 for m in metas if m.get("mixed_general")),
    }
    if stratify_by:
        stats[f"by_{stratify_by}"] = dict(Counter(str(v) for v in metajson.column_or_meta(rows, stratify_by)).most_common())
    languages = Counter(metajson.lookup(m, "quality.language") for m in metas if metajson.lookup(m, "quality.language"))
    if languages:
        stats["languages"] = dict(languages.most_common(5))
    return stats


def headline(sizes: Mapping[str, Mapping], deviation: Mapping[str, float], contamination: Mapping) -> str:
    """One line for the run table: achieved/requested held-out rows, stratum deviation, rows contamination took."""
    held = ", ".join(f"{x} {s['achieved']}/{s['requested']}" for x, s in sizes.items() if x != "train")
    taken = contamination.get("moved_to_train", 0) + contamination.get("dropped", 0)
    parts = [held, f"strata ±{max(deviation.values(), default=0.0):.1f} pp"]
    if taken:
        parts.append(f"{'moved' if contamination.get('moved_to_train') else 'dropped'} {taken} for contamination")
    return "; ".join(parts)


def integrity_section(sizes: Mapping[str, Mapping], deviation: Mapping[str, float], contamination: Mapping, stratify_by: str | None) -> str:
    """Markdown: requested vs achieved sizes, stratum deviation, what the contamination check did and the boilerplate it ignored."""
    rows = "\n".join(f"| {x} | {s['requested']} | {s['achieved']} | {s['percent_of_target'] if s['percent_of_target'] is not None else '–'} | "
                     f"{s['taken_by_contamination']} |" for x, s in sizes.items())
    c = contamination
    found = ", ".join(f"{k} {v}" for k, v in c["contaminated_by_split"].items())
    lines = [
        "### Held-out integrity\n",
        "| split | requested | achieved | % of target | taken by contamination |\n|---|---|---|---|---|",
        rows, "",
        f"Largest stratum-share deviation from the whole ({f'by `{stratify_by}`' if stratify_by else 'one stratum'}): "
        + ", ".join(f"{x} {v} pp" for x, v in deviation.items()) + ".", "",
        f"Contamination check (policy `{c['policy']}`): {c['n']}-word n-grams, {c['n_cjk']}-character n-grams for CJK rows "
        f"({c['cjk_rows_checked']} held-out); {c['held_out_checked']} held-out rows checked, {c['too_short_to_check']} too short; "
        f"contaminated: {found}; moved to train {c['moved_to_train']}, dropped {c.get('dropped', 0)}.", "",
    ]
    bp = c["boilerplate"]
    if bp["ngrams"]:
        lines.append(f"Boilerplate cut out before comparing (n-grams in more than {bp['more_than_rows']} rows): {bp['ngrams']} n-grams "
                     f"in {bp['rows_with_boilerplate']} rows. Most frequent passages:\n")
        lines += [f"- {p['rows']} rows: `{p['text']}`" for p in bp["passages"]]
    else:
        lines.append(f"No boilerplate found (no n-gram in more than {bp['more_than_rows']} rows).")
    return "\n".join(lines) + "\n"


def per_split_sections(table: pa.Table, stratify_by: str | None = None) -> str:
    """One Markdown section per split, for the artifact's card."""
    parts = []
    for split in SPLIT_NAMES:
        stats = _split_stats(table, split, stratify_by)
        parts.append(f"### Split `{split}`: {stats['rows']} rows\n\n```yaml\n{yaml.safe_dump(stats, sort_keys=False)}```\n")
    return "\n".join(parts)


def split_cards(table: pa.Table, lineage: str = "", stratify_by: str | None = None) -> dict[str, str]:
    """A stand-alone dataset card per split (HF layout), keyed by split name."""
    cards = {}
    for split in SPLIT_NAMES:
        stats = _split_stats(table, split, stratify_by)
        header = {"pretty_name": f"llm-curate {split} split", "tags": ["llm-curate", "split", split],
                  "task_categories": ["text-generation"],
                  "configs": [{"config_name": "default", "data_files": [{"split": split, "path": f"{split}/*.parquet"}]}]}
        cards[split] = (f"---\n{yaml.safe_dump(header, sort_keys=False)}---\n\n# `{split}` split\n\n"
                        f"{lineage}\n\nRows in trl's conversational `messages` format.\n\n"
                        f"```yaml\n{yaml.safe_dump(stats, sort_keys=False)}```\n")
    return cards
