"""Artifact versions: a fingerprint of what determines a stage's output.

version = hash(stage name, stage version, canonical config, input versions,
external file hashes). Canonical means sorted keys and defaults filled in by
the typed config, so ``{a: 1, b: 2}`` and ``{b: 2, a: 1}`` (or a default
written out) give the same version. Execution-only fields (``StageConfig.
execution_fields``: worker processes, batch sizes) are left out. Anything not in
the fingerprint (the clock, the machine, the path of the checkout) cannot change
the version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

VERSION_LENGTH = 12


def canonical_config(config: BaseModel) -> dict[str, Any]:
    return json.loads(json.dumps(config.model_dump(mode="json"), sort_keys=True))


def _execution_fields(config: BaseModel) -> frozenset[str]:
    fields = getattr(type(config), "execution_fields", None)
    return fields() if fields else frozenset()


def fingerprint(
    stage: str,
    stage_version: str,
    config: BaseModel,
    inputs: Mapping[str, str],
    external: list[dict[str, Any]] | None = None,
) -> str:
    payload = {
        "stage": stage,
        "stage_version": stage_version,
        "config": {k: v for k, v in canonical_config(config).items() if k not in _execution_fields(config)},
        "inputs": dict(sorted(inputs.items())),
        "external": [{"path": e["path"], "sha256": e["sha256"]} for e in external or []],
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:VERSION_LENGTH]
