"""Self-Instruct seed tasks: ``{id, name, instruction, instances: [{input, output}],
is_classification}`` (yizhongw/self-instruct ``seed_tasks.jsonl``).

One conversation per instance: each instance is an independent example of the
task (an input and its output), not a turn of one dialogue, so joining them
would teach the model to answer questions nobody asked. ``units`` splits a task
into its instances (reference suffix ``#instances[i]``), so a bad instance is
quarantined alone and the others are kept; meta keeps the task's other fields
and the instance index.
"""

from __future__ import annotations

from typing import Any

from curate.ingest.formats._fields import extras, need
from curate.ingest.normalise import message
from schemas import RecordError

NAME = "self_instruct"
USED = {"instruction", "instances"}


def matches(row: Any) -> bool:
    return isinstance(row, dict) and "instruction" in row and isinstance(row.get("instances"), list)


def units(row: Any) -> list[tuple[str, dict]]:
    """(reference suffix, unit) per instance; ``convert`` takes a unit."""
    instances = need(row, "instances", list)
    if not instances:
        raise RecordError("missing_field", "instances", instances, "a task needs at least one instance")
    return [(f"#instances[{i}]", {"task": row, "index": i}) for i in range(len(instances))]


def convert(unit: Any) -> tuple[list[dict], dict]:
    task, index = unit["task"], unit["index"]
    where = f"instances[{index}]"
    instruction = need(task, "instruction", str)
    instance = task["instances"][index]
    if not isinstance(instance, dict):
        raise RecordError("wrong_type", where, instance, "expected an object with input and output")
    extra_input = need(instance, "input", str, f"{where}.input", default="")
    output = need(instance, "output", str, f"{where}.output")
    if not instruction.strip():
        raise RecordError("empty_turn", "instruction", instruction, "empty instruction")
    prompt = instruction.strip() + ("\n\n" + extra_input.strip() if extra_input.strip() else "")
    meta = extras(task, USED) | {"instance": index} | {f"instance_{k}": v for k, v in extras(instance, {"input", "output"}).items()}
    return [message("user", prompt), message("assistant", output)], meta
