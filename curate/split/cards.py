"""Per-split data cards, and the held-out integrity summary.

The runner writes one card per artifact; a split artifact holds three splits,
so the stage's card carries one section per split (``per_split_sections``),
counted as the parts are written (``SplitTally``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pyarrow as pa
import yaml

from curate import meta as metajson
from schemas import SPLIT_NAMES


class SplitTally:
    """Each split's card figures, counted a batch of output rows at a time (``add``), so a step that
    writes its splits in parts never holds them to describe them."""

    def __init__(self, stratify_by: str | None = None):
        self.stratify_by = stratify_by
        self.rows: Counter[str] = Counter()
        self.turns: Counter[str] = Counter()
        self.mixed: Counter[str] = Counter()
        self.sources: dict[str, Counter] = {x: Counter() for x in SPLIT_NAMES}
        self.strata: dict[str, Counter] = {x: Counter() for x in SPLIT_NAMES}
        self.languages: dict[str, Counter] = {x: Counter() for x in SPLIT_NAMES}

    def add(self, table: pa.Table) -> "SplitTally":
        splits = table.column("split").to_pylist()
        metas = [metajson.parse(m) for m in table.column("meta").to_pylist()]
        strata = metajson.column_or_meta(table, self.stratify_by) if self.stratify_by else None
        for i, (x, source, messages) in enumerate(zip(splits, table.column("source").to_pylist(),
                                                      table.column("messages").to_pylist(), strict=True)):
            self.rows[x] += 1
            self.sources[x][source] += 1
            self.turns[x] += sum(1 for m in messages if m["role"] in ("user", "assistant"))
            self.mixed[x] += bool(metas[i].get("mixed_general"))
            if strata is not None:
                self.strata[x][str(strata[i])] += 1
            if language := metajson.lookup(metas[i], "quality.language"):
                self.languages[x][language] += 1
        return self

    def stats(self, split: str) -> dict:
        rows = self.rows[split]
        stats = {
            "rows": rows,
            "sources": dict(self.sources[split].most_common()),
            "mean_turns": round(self.turns[split] / rows, 2) if rows else 0,
            "mixed_general_rows": self.mixed[split],
        }
        if self.stratify_by:
            stats[f"by_{self.stratify_by}"] = dict(self.strata[split].most_common())
        if self.languages[split]:
            stats["languages"] = dict(self.languages[split].most_common(5))
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


def per_split_sections(tally: SplitTally) -> str:
    """One Markdown section per split, for the artifact's card."""
    parts = []
    for split in SPLIT_NAMES:
        stats = tally.stats(split)
        parts.append(f"### Split `{split}`: {stats['rows']} rows\n\n```yaml\n{yaml.safe_dump(stats, sort_keys=False)}```\n")
    return "\n".join(parts)
