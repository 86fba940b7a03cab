"""Stage names as written in flows.yaml, mapped to their classes.

Imports are lazy so that ``curate --help`` or a flow of cheap stages does not
pay for importing torch, presidio or sentence-transformers.
"""

from __future__ import annotations

import importlib

from curate.stage import Stage

STAGES: dict[str, str] = {
    "ingest": "curate.ingest.stage:Ingest",
    "dedup_exact": "curate.dedup.exact:DedupExact",
}


class UnknownStage(KeyError):
    pass


def stage_class(name: str) -> type[Stage]:
    try:
        module, _, attr = STAGES[name].partition(":")
    except KeyError:
        raise UnknownStage(f"unknown stage {name!r}; known stages: {', '.join(sorted(STAGES))}") from None
    return getattr(importlib.import_module(module), attr)
