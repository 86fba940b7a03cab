"""The regression gate: did tuning make the model worse at what it already knew?

Loss on a general held-out set (questions unrelated to the fine-tuning data)
is measured with the base model and the tuned one; a relative rise above the
threshold (default 3%) fails the gate. Relative, because absolute losses
differ from one model and tokenizer to another.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

DEFAULT_THRESHOLD = 0.03


@dataclass(frozen=True)
class GateResult:
    passed: bool
    base_loss: float
    tuned_loss: float
    rel_change: float
    threshold: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sentence(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (f"Regression gate {verdict}: general held-out loss {self.base_loss:.4f} (base) -> "
                f"{self.tuned_loss:.4f} (tuned), {self.rel_change:+.2%} against a limit of +{self.threshold:.0%}.")


def regression_gate(base_loss: float, tuned_loss: float, threshold: float = DEFAULT_THRESHOLD) -> GateResult:
    """Pass when ``(tuned - base) / base <= threshold``; a loss that is not finite fails."""
    if threshold < 0:
        raise ValueError(f"threshold must be >= 0 (got {threshold})")
    if not (math.isfinite(base_loss) and base_loss > 0):
        raise ValueError(f"base_loss must be a positive finite number (got {base_loss})")
    if not math.isfinite(tuned_loss):
        return GateResult(False, base_loss, tuned_loss, math.inf, threshold)
    rel = (tuned_loss - base_loss) / base_loss
    return GateResult(rel <= threshold, base_loss, tuned_loss, rel, threshold)


def gate_failures(manifests: Iterable[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """Sentences for every step whose metrics hold a failed gate: what a flow uses to end as failed."""
    failed = []
    for step, manifest in manifests:
        gate = (manifest.get("metrics") or {}).get("gate")
        if isinstance(gate, Mapping) and gate.get("passed") is False:
            failed.append(f"{step}: " + GateResult(**{k: gate[k] for k in GateResult.__dataclass_fields__}).sentence())
    return failed
