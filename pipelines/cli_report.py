"""``curate report [RUN]``: one self-contained HTML report per recorded flow run.

Hooked into ``pipelines/cli.py`` with ``app.command()(report)``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer


def report(
    run: Annotated[Optional[str], typer.Argument(help="Run: `<flow>/<name>`, a name or run-id prefix; default the latest run of --flow.")] = None,
    flow: Annotated[str, typer.Option("--flow", help="Flow whose runs RUN is looked up in.")] = "curation",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="HTML file to write; default ARTIFACTS/_reports/FLOW/RUN.html in the artifact root.")] = None,
    config: Annotated[Path, typer.Option("--config", "-c", help="The flows file.")] = Path("flows.yaml"),
    artifacts: Annotated[Optional[str], typer.Option("--artifacts", help="Artifact root, a folder or an fsspec URL; defaults to the flows file's.")] = None,
) -> None:
    """Write an HTML report of a curation run: row funnel with removal reasons, lengths,
    PII, duplicate clusters, cluster map, split balance, quality signals and what
    changed since the previous run of the same flow. Opens offline, from one file.

    Example: `curate report` (latest `curation` run), `curate report curation/20261123T1730 -o report.html`
    """
    from curate.artifacts.names import UnsafeName, safe_name
    from curate.report import build_report
    from curate.runs import RunNotFound, find_run
    from pipelines.cli_common import fail, out, store_for

    store = store_for(config, artifacts)
    try:
        record = find_run(store, run, flow)
        # Built from a run record (data): each name a plain segment, so it lands in the store, whatever the record says.
        stored = f"{store.root_path}/_reports/{safe_name(record.flow, 'flow')}/{safe_name(record.stem, 'run')}.html"
    except (RunNotFound, UnsafeName) as exc:
        fail(str(exc))
    started = time.perf_counter()
    html = build_report(store, record)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(html, encoding="utf-8")
    else:
        store.fs.makedirs(stored.rsplit("/", 1)[0], exist_ok=True)
        store.fs.pipe_file(stored, html.encode("utf-8"))
    target = output or (stored if store.local else store.fs.unstrip_protocol(stored))
    out.print(f"report of run {record.name}: {target} ({len(html.encode()) / 1024:.0f} KiB, {time.perf_counter() - started:.1f} s)",
              highlight=False)
