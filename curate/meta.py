"""Read and update the ``meta`` JSON column without mutating input rows.

``meta`` holds heterogeneous per-record extras (schemas.records); stages that
add signals (quality, cluster) write them under their own key and return a new
column, so a table given to a stage is never changed in place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa


def parse(meta: str | None) -> dict[str, Any]:
    value = json.loads(meta) if meta else {}
    return value if isinstance(value, dict) else {"_meta": value}


def dump(meta: Mapping[str, Any]) -> str:
    return json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str)


def lookup(meta: Mapping[str, Any], key: str) -> Any:
    """A dotted key (``quality.score``) in a parsed meta dict; None when absent."""
    value: Any = meta
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def with_updates(table: pa.Table, updates: Sequence[Mapping[str, Any]]) -> pa.Table:
    """A new table whose ``meta`` has each row's ``updates`` merged in (top-level keys)."""
    metas = table.column("meta").to_pylist()
    merged = [dump({**parse(m), **u}) for m, u in zip(metas, updates, strict=True)]
    index = table.schema.get_field_index("meta")
    return table.set_column(index, table.schema.field("meta"), pa.array(merged, pa.string()))


def column_or_meta(table: pa.Table, key: str) -> list[Any]:
    """Values of a column if ``key`` names one, else of a dotted meta key (``cluster``, ``quality.language``)."""
    if key in table.column_names:
        return table.column(key).to_pylist()
    return [lookup(parse(m), key) for m in table.column("meta").to_pylist()]
