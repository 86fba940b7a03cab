"""The ``curate`` command line: thin over the library, one function per command.

Known failures (bad config, unreadable input, unknown artifact) print one
message that says what to do and exit with status 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import json
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from curate.artifacts import ArtifactNotFound, open_store, run_stage
from curate.artifacts.names import UnsafeName
from curate.ingest import Ingest, IngestConfig, Source, UnreadableInput
from curate.stage import StageFailed
from pipelines.cli_common import ArtifactsOption, ConfigOption, err, fail, out, store_for, store_root
from pipelines.config import ConfigError, load_project, resolve_flow
from pipelines.console import Reporter, summary_table

app = typer.Typer(
    help="Curate LLM fine-tuning data: ingest, redact, deduplicate, filter, split; every step a versioned artifact.\n\n"
    "Start with `curate run` (runs the `curation` flow of ./flows.yaml), then `curate artifacts list`.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)
artifacts_app = typer.Typer(help="Inspect versioned artifacts: list them, show one, trace its lineage.", no_args_is_help=True)
app.add_typer(artifacts_app, name="artifacts")


def _environment_error(exc: OSError, root: object) -> str:
    """One line for a failure of the machine, not of the data: where, what, what to do."""
    where = exc.filename or root
    reason = exc.strerror or str(exc).splitlines()[0]
    if exc.errno == errno.ENOSPC or "No space left" in str(exc):
        return (f"no space left on the device writing {where}; free space there or point artifacts_dir at another disk, "
                "then run again (finished steps are cache hits)")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"cannot write {where} ({reason}); point artifacts_dir (or --artifacts) at a folder you can write"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        return f"{where}: {reason}; artifacts_dir and the folders in it must be folders, not files"
    return f"{where}: {reason}; check the artifacts folder {root}"


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """SIGTERM as SystemExit while a run lasts, so a stopped run removes its scratch like any other exit."""
    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@app.command()
def run(
    flow: Annotated[str, typer.Argument(help="Flow name from flows.yaml.")] = "curation",
    config: ConfigOption = Path("flows.yaml"),
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's own log lines.")] = False,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bars (logs, CI).")] = False,
) -> None:
    """Run a flow from flows.yaml under Prefect and print a per-step summary.

    Each step writes `data/artifacts/<stage>/<version>/` (Parquet, removed rows,
    manifest.json, CARD.md). A step whose stage, config and inputs are unchanged
    is a cache hit: the existing artifact is reused without recomputing.

    Example: `curate run curation --config flows.yaml`
    """
    from curate.artifacts.owners import run_scratch
    from pipelines.flows import GateFailed, quiet_prefect, run_flow
    from pipelines.prefect_server import PrefectUnavailable, ensure_prefect_api

    quiet_prefect(verbose)
    failures: list[str] = []
    root: object = config
    try:
        project = load_project(config)
        resolve_flow(project, flow)
        root = project.artifacts_root
        open_store(project.artifacts_url or store_root(project.artifacts_dir, f"{config}: artifacts_dir")).sweep()  # crashed runs' scratch
        ensure_prefect_api()  # before run_scratch: the server outlives this run's temp folder
        with _sigterm_as_exit(), run_scratch(), Reporter(err, enabled=not no_progress) as reporter:
            outcome = run_flow(project, flow, reporter)
    except (ConfigError, UnreadableInput, ArtifactNotFound, UnsafeName, StageFailed) as exc:
        fail(str(exc))
    except (OSError, PrefectUnavailable) as exc:
        if verbose:
            raise
        fail(_environment_error(exc, root) if isinstance(exc, OSError) else str(exc))
    except GateFailed as exc:
        outcome, failures = exc.outcome, exc.failures
    out.print(summary_table(flow, outcome))
    out.print(f"artifacts under {project.artifacts_root}; `curate artifacts show VERSION` shows one")
    if failures:
        err.print(f"[bold red]regression gate failed[/]: {escape('; '.join(failures))}", soft_wrap=True)
        raise typer.Exit(1)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files: .json, .jsonl, .jsonl.gz or .parquet.")],
    format: Annotated[str, typer.Option("--format", "-f", help="auto, alpaca, sharegpt, openai, chatml or oasst.")] = "auto",
    name: Annotated[Optional[str], typer.Option("--name", help="Dataset name for every path (default: file name).")] = None,
    config: ConfigOption = Path("flows.yaml"),
    artifacts: ArtifactsOption = None,
) -> None:
    """Ingest files into canonical conversations, quarantining bad records with reasons.

    Prints rows read, kept and quarantined by reason, and the artifact version.

    Example: `curate ingest data/demo/alpaca.json data/demo/sharegpt.jsonl`
    """
    try:
        cfg = IngestConfig(sources=tuple(Source(path=str(p), name=name, format=format) for p in paths))
    except Exception as exc:  # pydantic names the bad value
        fail(f"--format: {exc}")
    store = store_for(config, artifacts)
    try:
        artifact = run_stage(Ingest(), cfg, {}, store)
    except UnreadableInput as exc:
        fail(str(exc))
    except OSError as exc:
        fail(_environment_error(exc, store.root))
    rows = artifact.rows
    out.print(f"ingest {artifact.version} ({'cache hit' if artifact.cached else 'new'}): "
              f"{rows['in']} records, {rows['kept']} kept, {rows['removed']} quarantined")
    for reason, count in sorted(rows["removed_by_reason"].items(), key=lambda kv: -kv[1]):
        out.print(f"  {reason}: {count}")
    out.print(f"card: {artifact.card_path}")


@app.command()
def stages() -> None:
    """List the stages a flow step can use, with their config keys and defaults.

    Example: `curate stages`
    """
    from pipelines.registry import STAGES, stage_class

    for stage_name in STAGES:
        cls = stage_class(stage_name)
        doc = (cls.__doc__ or sys.modules[cls.__module__].__doc__ or "").strip().splitlines()
        inputs = ", ".join(list(cls.inputs) + [f"{name} (optional)" for name in cls.optional_inputs]) or "raw files"
        out.print(f"[bold]{stage_name}[/] v{cls.version} (inputs: {inputs}) {escape(doc[0]) if doc else ''}")
        _print_fields(cls.Config, "    ")


def _print_fields(model: type, pad: str) -> None:
    """A config's keys with type, default and description; a key holding a config
    (``sources: [{path, name, format}]``) lists that config's keys below it."""
    from pydantic import BaseModel

    for key, field in model.model_fields.items():
        if field.is_required():
            default = "required"
        else:
            value = field.get_default(call_default_factory=True)
            default = "defaults below" if isinstance(value, BaseModel) else f"default {json.dumps(value, default=str)}"
        out.print(f"{pad}{key}: {_type_name(field.annotation)} ({default}) {escape(field.description or '')}", highlight=False)
        nested = _nested_model(field.annotation)
        if nested is not None:
            _print_fields(nested, pad + "    ")


def _nested_model(annotation) -> type | None:
    """The config class inside ``Source``, ``tuple[Source, ...]``, ``Source | None``, if any."""
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((found for arg in typing.get_args(annotation) if (found := _nested_model(arg)) is not None), None)


def _type_name(annotation) -> str:
    """`Literal['a', 'b']` as a|b and `int | None` as int?, for people, not type checkers."""
    import typing

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "|".join(str(a) for a in args)
    if args and type(None) in args:
        return "|".join(_type_name(a) for a in args if a is not type(None)) + "?"
    if origin is not None:
        return f"{getattr(origin, '__name__', str(origin))}[{', '.join(_type_name(a) for a in args if a is not Ellipsis)}]"
    return getattr(annotation, "__name__", str(annotation))


@artifacts_app.command("list")
def artifacts_list(
    stage: Annotated[Optional[str], typer.Option("--stage", help="Only this stage's artifacts.")] = None,
    config: ConfigOption = Path("flows.yaml"),
    artifacts: ArtifactsOption = None,
) -> None:
    """List artifacts, oldest first: stage, version, rows and when made.

    Example: `curate artifacts list --stage ingest`
    """
    from rich.table import Table

    table = Table()
    for column in ("stage", "version", "created", "in", "kept", "removed", "inputs"):
        table.add_column(column)
    try:
        found = store_for(config, artifacts).list(stage)
    except UnsafeName as exc:
        fail(f"--stage: {exc}; `curate stages` lists the stage names")
    for a in found:
        r = a.rows
        inputs = ", ".join(f"{i['stage']}/{i['version']}" for i in a.manifest["inputs"]) or "raw files"
        table.add_row(a.stage, a.version, a.manifest["created_at"], str(r["in"]), str(r["kept"]), str(r["removed"]), inputs)
    out.print(table)


@artifacts_app.command("show")
def artifacts_show(
    version: Annotated[str, typer.Argument(help="Artifact version (a unique prefix is enough).")],
    card: Annotated[bool, typer.Option("--card", help="Print the data card instead of the manifest.")] = False,
    config: ConfigOption = Path("flows.yaml"),
    artifacts: ArtifactsOption = None,
) -> None:
    """Show an artifact's manifest (or its data card with --card).

    Example: `curate artifacts show 3f2a --card`
    """
    store = store_for(config, artifacts)
    try:
        artifact = store.find(version)
    except ArtifactNotFound as exc:
        fail(str(exc))
    if card:
        out.print(store.read_card(artifact), markup=False, highlight=False)
    else:
        out.print_json(json.dumps(artifact.manifest))
    out.print(f"path: {artifact.path}", highlight=False)


@artifacts_app.command("lineage")
def artifacts_lineage(
    version: Annotated[str, typer.Argument(help="Artifact version (a unique prefix is enough).")],
    config: ConfigOption = Path("flows.yaml"),
    artifacts: ArtifactsOption = None,
) -> None:
    """Trace an artifact back through every input to the raw files it came from.

    Example: `curate artifacts lineage 3f2a`
    """
    store = store_for(config, artifacts)
    try:
        artifact = store.find(version)
    except ArtifactNotFound as exc:
        fail(str(exc))
    for line in lineage_lines(store.lineage(artifact)):
        out.print(line, highlight=False)


def lineage_lines(walk) -> Iterator[str]:
    """An artifact's lineage as an indented tree, each artifact's subtree once:
    a flow's steps share inputs (every step descends from ingest), so a later
    mention refers back instead of printing the same subtree again."""
    shown: set[str] = set()
    skip_below: int | None = None
    for depth, a in walk:
        if skip_below is not None and depth > skip_below:
            continue
        skip_below = None
        pad, name = "  " * depth, f"{a.stage}/{a.version}"
        if name in shown:
            yield f"{pad}{name}  (inputs shown above)" if a.manifest.get("inputs") or a.manifest.get("external") else f"{pad}{name}"
            skip_below = depth
            continue
        shown.add(name)
        yield f"{pad}{name}  kept {a.rows['kept']} of {a.rows['in']}"
        for e in a.manifest.get("external", []):
            yield f"{pad}  <- {e['path']} (sha256 {e['sha256'][:16]})"


from pipelines.cli_compare import compare  # noqa: E402  (commands kept in their own modules)
from pipelines.cli_decontaminate import decontaminate  # noqa: E402
from pipelines.cli_report import report  # noqa: E402
from pipelines.cli_serve import serve  # noqa: E402

app.command()(report)
app.command()(serve)
app.command()(compare)
app.command()(decontaminate)


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
