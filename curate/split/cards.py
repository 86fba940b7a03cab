"""Per-split data cards.

The runner writes one card per artifact; a split artifact holds three splits,
so the stage's card carries one section per split (``per_split_sections``),
and ``split_cards`` renders a stand-alone Markdown card per split (with the
Hugging Face header naming that split) for whoever exports the splits as
separate datasets, e.g. the ``export-splits`` command.
"""

from __future__ import annotations

from collections import Counter

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
