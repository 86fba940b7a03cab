"""flows.yaml, validated into typed objects.

Every error names the key path and the value seen, e.g.
``flows.yaml: flows.curation.steps[1].config.view: Input should be 'first_user',
'user_turns' or 'conversation' (got 'whole')``. Paths in the file are relative
to the file's directory.
"""

from __future__ import annotations

import os
import reprlib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from curate.artifacts.names import is_safe_name
from curate.stage import StageConfig
from pipelines.redaction import RedactionGap, enforce_redaction
from pipelines.registry import UnknownStage, stage_class
from pipelines.runners import RunnerConfig
from pipelines.safe_yaml import YamlRefused, load_yaml


class ConfigError(ValueError):
    pass


PINNED = "artifact:"
"""Prefix of an input that names an existing artifact version instead of a step,
e.g. ``inputs: {records: "artifact:b44fff48351d"}`` to train on a version you reviewed."""


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Step(Model):
    stage: str = Field(description="A stage name; `curate stages` lists them.")
    name: str | None = Field(default=None, description="Step name, unique in the flow; defaults to the stage name.")
    config: dict[str, Any] = Field(default_factory=dict)
    inputs: dict[str, str] = Field(
        default_factory=dict,
        description="Input name -> an earlier step's name, or `artifact:VERSION` for an existing artifact; "
        "`records` defaults to the previous step.",
    )

    @property
    def step_name(self) -> str:
        return self.name or self.stage


class Schedule(Model):
    cron: str
    timezone: str = "UTC"


class Flow(Model):
    description: str = ""
    extends: str | None = Field(
        default=None,
        description="Run this flow's steps first (cache hits when unchanged), so later steps can use them as inputs.",
    )
    steps: list[Step] = Field(min_length=1)
    schedule: Schedule | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    after: str | list[str] | None = Field(
        default=None, description="Start this flow when the named flow(s) complete successfully (under `curate serve`)."
    )


class Project(Model):
    artifacts_dir: Path = Path("data/artifacts")
    artifacts_url: str | None = Field(
        default=None, description="An fsspec URL (s3://bucket/prefix) for artifacts; wins over artifacts_dir."
    )
    runner: RunnerConfig = Field(default_factory=RunnerConfig, description="Where tasks run: threads (default) or Dask.")
    flows: dict[str, Flow] = Field(min_length=1)

    @property
    def artifacts_root(self) -> str:
        return self.artifacts_url or str(self.artifacts_dir)
    _path: Path = PrivateAttr(default=Path("flows.yaml"))

    @property
    def path(self) -> Path:
        """The flows.yaml this was loaded from; relative paths in it start at its directory."""
        return self._path


class ResolvedStep(Model):
    """A step with its stage's typed config and its inputs wired to step names."""

    name: str
    stage: str
    config: StageConfig
    inputs: dict[str, str]


def load_project(path: Path | str) -> Project:
    path = Path(path)
    try:
        raw = load_yaml(path)  # size, alias and duplicate-key limits: the file may not be ours
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file; pass --config or run from the project root") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc}); pass --config a readable flows file") from None
    except YamlRefused as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if raw is not None and not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level is a {type(raw).__name__}, not a mapping of artifacts_dir, runner and flows")
    try:
        project = Project.model_validate(raw or {})
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc)) from None
    base = path.resolve().parent
    artifacts = project.artifacts_dir if project.artifacts_dir.is_absolute() else _relative(base / project.artifacts_dir)
    project = project.model_copy(update={"artifacts_dir": artifacts})
    project._path = path
    for name in project.flows:
        if not is_safe_name(name):  # a flow name is a folder of run records and reports
            raise ConfigError(f"{path}: flows.{_shown(name)}: a flow name is a folder name; use letters, digits, "
                              "'_', '.' and '-', starting with a letter or digit")
        resolve_flow(project, name)  # fail early on any bad step
    return project


def resolve_flow(project: Project, flow_name: str, _seen: tuple[str, ...] = ()) -> list[ResolvedStep]:
    """The flow's steps in run order, each with its typed config and wired inputs.

    A flow that ``extends`` another starts with that flow's steps: training
    extends curation, so ``curate run training`` trains on exactly the split
    version the curation steps produce (all cache hits when nothing changed).
    """
    shown = str(project.path)
    base = project.path.resolve().parent
    if flow_name not in project.flows:
        raise ConfigError(f"{shown}: no flow named {flow_name!r}; flows are {', '.join(project.flows)}")
    if flow_name in _seen:
        raise ConfigError(f"{shown}: flows.{flow_name}.extends: flows extend each other in a loop ({' -> '.join(_seen + (flow_name,))})")
    parent = project.flows[flow_name].extends
    resolved: list[ResolvedStep] = resolve_flow(project, parent, _seen + (flow_name,)) if parent else []
    for i, step in enumerate(project.flows[flow_name].steps):
        where = f"flows.{flow_name}.steps[{i}]"
        try:
            cls = stage_class(step.stage)
        except UnknownStage as exc:
            raise ConfigError(f"{shown}: {where}.stage: {exc.args[0]}") from None
        raw = _with_paths(cls, step.config, base)
        try:
            config = cls.Config.model_validate(raw)
        except ValidationError as exc:
            raise ConfigError(_describe(shown, exc, f"{where}.config")) from None
        inputs = dict(step.inputs)
        if "records" in cls.inputs and "records" not in inputs:
            if not resolved:
                raise ConfigError(f"{shown}: {where}: stage {step.stage!r} needs records from an earlier step")
            inputs["records"] = resolved[-1].name
        known = {s.name for s in resolved}
        for input_name, source in inputs.items():
            if input_name not in cls.inputs + cls.optional_inputs:
                optional = f" (optional: {list(cls.optional_inputs)})" if cls.optional_inputs else ""
                raise ConfigError(f"{shown}: {where}.inputs.{input_name}: stage {step.stage!r} takes inputs {list(cls.inputs)}{optional}")
            if source not in known and not source.startswith(PINNED):
                raise ConfigError(f"{shown}: {where}.inputs.{input_name}: no earlier step named {source!r} "
                                  f"(an existing artifact is written `{PINNED}VERSION`)")
        for input_name, (key, source) in cls().config_inputs(config).items():
            if source not in known and not source.startswith(PINNED):
                raise ConfigError(f"{shown}: {where}.config.{key}: no earlier step named {source!r}; "
                                  f"earlier steps: {', '.join(known) or 'none'}")
            inputs[input_name] = source
        missing = [name for name in cls.inputs if name not in inputs]
        if missing:
            raise ConfigError(f"{shown}: {where}.inputs: stage {step.stage!r} also needs {missing}; name earlier steps for them")
        if step.step_name in known:
            raise ConfigError(f"{shown}: {where}.name: step name {step.step_name!r} is used twice; give one a `name`")
        resolved.append(ResolvedStep(name=step.step_name, stage=step.stage, config=config, inputs=inputs))
    try:
        return enforce_redaction(resolved)  # no path around redaction (pipelines/redaction.py)
    except RedactionGap as exc:
        raise ConfigError(f"{shown}: flows.{flow_name}: {exc}") from None


def _with_paths(cls: type, config: dict[str, Any], base: Path) -> dict[str, Any]:
    """Source paths (any stage's ``sources: [{path: ...}]``, ``eval_sets``) are relative to
    flows.yaml and stay as written, so the version (which holds them) is the same
    from any working directory; the stage reads them under ``root``, the
    directory of flows.yaml, an execution-only field left out of the version."""
    root = config.get("root", "")
    if ("root" not in cls.Config.model_fields or not isinstance(root, str)
            or not any(isinstance(config.get(key), list) for key in ("sources", "eval_sets"))):
        return config
    return {**config, "root": str(base / root)}


def _relative(path: Path) -> Path:
    try:
        return Path(os.path.relpath(path))
    except ValueError:
        return path


MAX_ERRORS = 10
"""Validation errors listed before "... and N more": a list of 100,000 bad items is one mistake."""


def _describe(shown: Any, exc: ValidationError, prefix: str = "") -> str:
    lines = []
    errors = exc.errors()
    for error in errors[:MAX_ERRORS]:
        loc = prefix
        for part in error["loc"]:
            part = part if isinstance(part, int) else str(part)[:60]
            loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else part)
        seen = "" if error["type"] == "missing" else f" (got {_shown(error.get('input'))})"
        lines.append(f"{shown}: {loc or '(top level)'}: {error['msg']}{seen}")
    if len(errors) > MAX_ERRORS:
        lines.append(f"{shown}: ... and {len(errors) - MAX_ERRORS} more errors")
    return "\n".join(lines)


_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlong = 60, 60, 40
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 4
_SHORT.maxlevel = 2


def _shown(value: Any) -> str:
    """A value as a short repr, cut while it is rendered: an aliased or huge value is
    never rendered whole just to be cut to 80 characters."""
    return _SHORT.repr(value)
