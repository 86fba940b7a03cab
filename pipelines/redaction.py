"""No path around redaction: a rule on the shape of a flow, checked when flows.yaml loads.

Once a flow redacts (it has a ``redact_pii`` step), every text a step after it
can hold must have been redacted with the same code and the same policy. Text
enters a flow in two ways, and each is closed here rather than by convention:

* a step that reads source files (``ingest``) makes *raw* rows; a step that takes
  raw rows and also rows downstream of ``redact_pii`` (``mix_general`` fed by a
  second ``ingest``, ``evaluate`` on the general set) is a config error naming
  the step, the input and what to add: a ``redact_pii`` step after that ingest;
* a step that reads its own files *after* redaction (``build_pairs``: its split
  input is redacted) redacts on read: its config's ``redact`` field receives the
  flow's policy here, so it is part of the step's version; a stage that reads
  files after redaction and cannot redact them is a config error.

All ``redact_pii`` steps of a flow must share one policy (execution fields such
as ``workers`` aside), so a second one for the general set cannot quietly be
weaker; YAML anchors (``&pii`` / ``*pii``) write it once. A pinned input
(``artifact:VERSION``) is taken as its author pinned it: its lineage is not
known when the file loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from curate.stage import StageConfig

if TYPE_CHECKING:  # imported for types only: a flow without redaction never loads presidio
    from curate.pii.policy import PiiPolicy
    from pipelines.config import ResolvedStep

REDACT_STAGE = "redact_pii"
REDACT_FIELD = "redact"
"""Config field of a stage that reads files after redaction and redacts them on read."""


class RedactionGap(ValueError):
    """A flow in which some text reaches a step after redaction without being redacted."""


def _reads_sources(config: StageConfig) -> bool:
    return bool(getattr(config, "sources", None))


def _without_execution(policy: PiiPolicy) -> PiiPolicy:
    """The policy as it decides what comes out: execution fields (workers, batch sizes) at their defaults."""
    cls = type(policy)
    return cls.model_validate(policy.model_dump(exclude=set(cls.execution_fields())))


def enforce_redaction(steps: Sequence[ResolvedStep]) -> list[ResolvedStep]:
    """``steps`` with the flow's policy given to every step that redacts on read.

    Raises ``RedactionGap`` naming the step when raw text can reach a step after
    redaction, or when two ``redact_pii`` steps disagree on the policy."""
    redactors = [s for s in steps if s.stage == REDACT_STAGE]
    if not redactors:
        return list(steps)
    policy = _without_execution(redactors[0].config)  # type: ignore[arg-type]
    for other in redactors[1:]:
        theirs = _without_execution(other.config)  # type: ignore[arg-type]
        if theirs != policy:
            differ = sorted(k for k in type(policy).model_fields if getattr(theirs, k) != getattr(policy, k))
            raise RedactionGap(f"step {other.name!r} redacts with another policy than step {redactors[0].name!r} "
                               f"({', '.join(differ)} differ); every text must be redacted with one policy: give both "
                               f"the same config (a YAML anchor, &pii ... *pii, writes it once)")
    raw_from: dict[str, str] = {}  # step -> the source-reading step its raw text comes from
    after: set[str] = set()  # steps downstream of a redact_pii step
    out: list[ResolvedStep] = []
    for step in steps:
        inputs = {name: src for name, src in step.inputs.items() if src in {s.name for s in out}}
        downstream = step.stage == REDACT_STAGE or any(src in after for src in inputs.values())
        raw_inputs = {name: src for name, src in inputs.items() if src in raw_from}
        if step.stage == REDACT_STAGE:
            after.add(step.name)
            out.append(step)
            continue
        if downstream:
            after.add(step.name)
            for name, src in raw_inputs.items():
                origin = raw_from[src]
                raise RedactionGap(
                    f"step {step.name!r} ({step.stage}) takes redacted rows, but its input {name!r} comes from "
                    f"{src!r}" + (f" (rows read by {origin!r})" if origin != src else "") + " and never went through "
                    f"{REDACT_STAGE}: add a {REDACT_STAGE} step after {origin!r} with the flow's policy and take "
                    f"{name!r} from it")
            if _reads_sources(step.config):
                step = _redacting_on_read(step, policy)
        elif raw_inputs:
            raw_from[step.name] = raw_from[next(iter(raw_inputs.values()))]
        elif _reads_sources(step.config) and getattr(step.config, REDACT_FIELD, None) is None:
            raw_from[step.name] = step.name
        out.append(step)
    return out


def _redacting_on_read(step: ResolvedStep, policy: PiiPolicy) -> ResolvedStep:
    fields = type(step.config).model_fields
    if REDACT_FIELD not in fields:
        raise RedactionGap(f"step {step.name!r} ({step.stage}) reads its own sources after {REDACT_STAGE}, and its "
                           f"stage cannot redact them; read them with an ingest step followed by {REDACT_STAGE}")
    given = getattr(step.config, REDACT_FIELD)
    if given is not None and _without_execution(given) != policy:
        raise RedactionGap(f"step {step.name!r} ({step.stage}).config.{REDACT_FIELD}: differs from the flow's "
                           f"{REDACT_STAGE} policy; leave it out, the flow gives it the same policy")
    return step.model_copy(update={"config": step.config.model_copy(update={REDACT_FIELD: policy})})
