"""Data cards: one renderer for every stage, in the Hugging Face dataset-card layout.

A stage contributes statistics (its ``metrics`` and optional ``card`` Markdown);
the header, lineage, row accounting, removal examples and the config come from
the manifest, so every card reads the same way and no stage writes its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import yaml

EXAMPLES_PER_REASON = 3


def size_category(n: int) -> str:
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")]
    return next((label for bound, label in bounds if n < bound), "n>10M")


def _header(manifest: dict) -> str:
    meta = {
        "pretty_name": f"llm-curate {manifest['stage']} {manifest['version']}",
        "tags": ["llm-curate", manifest["stage"]],
        "task_categories": ["text-generation"],
        "size_categories": [size_category(manifest["rows"]["kept"])],
        "configs": [{"config_name": "default", "data_files": [{"split": "train", "path": "data/*.parquet"}]}],
        "llm_curate": {
            "stage": manifest["stage"],
            "stage_version": manifest["stage_version"],
            "version": manifest["version"],
            "inputs": [f"{i['stage']}/{i['version']}" for i in manifest["inputs"]],
        },
    }
    return "---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n"


def _rows_table(rows: dict) -> str:
    lines = ["| rows | count |", "|---|---:|", f"| in | {rows['in']} |", f"| kept | {rows['kept']} |", f"| removed | {rows['removed']} |"]
    lines += [f"| removed: `{reason}` | {count} |" for reason, count in sorted(rows["removed_by_reason"].items(), key=lambda kv: -kv[1])]
    return "\n".join(lines)


def _metrics_block(metrics: dict) -> str:
    """Scalar metrics as a table; nested ones as YAML, which reads well for people."""
    scalars = {k: v for k, v in metrics.items() if isinstance(v, int | float | str | bool)}
    nested = {k: v for k, v in metrics.items() if k not in scalars}
    parts = []
    if scalars:
        parts.append("| metric | value |\n|---|---|\n" + "\n".join(f"| {k} | {_fmt(v)} |" for k, v in scalars.items()))
    if nested:
        parts.append("```yaml\n" + yaml.safe_dump(json.loads(json.dumps(nested, default=str)), sort_keys=False) + "```")
    return "\n\n".join(parts)


def _fmt(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _examples(removed: Iterable[pa.Table]) -> str:
    """The first few removed rows of each reason, from the removed rows' ``reason``, ``detail``,
    ``duplicate_of`` and ``source_ref`` a batch at a time."""
    shown: dict[str, int] = {}
    lines = ["| reason | detail | duplicate of | source |", "|---|---|---|---|"]
    for batch in removed:
        for row in batch.select(["reason", "detail", "duplicate_of", "source_ref"]).to_pylist():
            if shown.get(row["reason"], 0) >= EXAMPLES_PER_REASON:
                continue
            shown[row["reason"]] = shown.get(row["reason"], 0) + 1
            detail = row["detail"].replace("|", "\\|").replace("\n", " ")[:200]
            lines.append(f"| `{row['reason']}` | {detail} | {row['duplicate_of'] or ''} | `{row['source_ref']}` |")
    return "\n".join(lines) if shown else "Nothing was removed."


def render_card(manifest: dict, schema: pa.Schema, removed: Iterable[pa.Table], stage_section: str) -> str:
    inputs = manifest["inputs"]
    external = manifest.get("external", [])
    lineage = [f"- `{i['stage']}/{i['version']}` ({i['name']})" for i in inputs]
    lineage += [f"- raw file `{e['path']}` (sha256 `{e['sha256'][:16]}`, {e['bytes']} bytes)" for e in external]
    columns = "\n".join(f"- `{f.name}`: `{f.type}`" for f in schema)
    config = yaml.safe_dump(manifest["config"], sort_keys=True) if manifest["config"] else "{}\n"
    return f"""{_header(manifest)}
# Dataset card: `{manifest['stage']}` version `{manifest['version']}`

Written by llm-curate {manifest['code']['llm_curate']} on {manifest['created_at']} in {manifest['timings']['seconds']:.2f} s.

## Rows

{_rows_table(manifest['rows'])}

## Lineage

{chr(10).join(lineage) or '- (no inputs)'}

## Dataset structure

{columns}

## Stage statistics

{stage_section}
{_metrics_block(manifest['metrics'])}

## Removed rows (examples, at most {EXAMPLES_PER_REASON} per reason)

{_examples(removed)}

## Configuration

```yaml
{config}```
"""
