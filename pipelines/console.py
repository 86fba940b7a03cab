"""What a person sees while a flow runs: a progress bar (or plain lines) per stage and one summary table."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from curate.artifacts import Artifact

T = TypeVar("T")


class Reporter:
    """Progress bars for stages on a terminal; plain lines elsewhere (a log, CI,
    ``--no-progress``), so a long run is never silent for minutes. Safe to call
    from Prefect's worker threads."""

    interval = 30.0
    """Seconds between two plain progress lines of one stage."""

    def __init__(self, console: Console | None = None, enabled: bool = True):
        self.console = console or Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self._progress = Progress(
            SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=self.console, transient=False,
        )
        self._lock = threading.Lock()
        self._started = False

    def __enter__(self) -> Reporter:
        if self.enabled:
            self._progress.start()
            self._started = True
        return self

    def __exit__(self, *exc) -> None:
        if self._started:
            self._progress.stop()

    def say(self, message: str) -> None:
        """One plain line (time-stamped when there are no bars to show the time)."""
        stamp = "" if self.enabled else time.strftime("%H:%M:%S ")
        with self._lock:
            self.console.print(f"{stamp}{message}", markup=False, highlight=False, soft_wrap=True)

    def step_started(self, step: str) -> None:
        if not self.enabled:
            self.say(f"{step}: running")

    def step_finished(self, step: str, artifact: Artifact, seconds: float) -> None:
        if self.enabled:
            return
        r = artifact.rows
        if artifact.cached:
            self.say(f"{step}: cache hit {artifact.stage}/{artifact.version}, {r['kept']} of {r['in']} rows kept")
        else:
            self.say(f"{step}: new {artifact.stage}/{artifact.version} in {seconds:.1f} s, {r['kept']} of {r['in']} rows kept, "
                     f"{r['removed']} removed")

    def progress_for(self, step: str):
        if not self.enabled:
            return self._plain_progress(step)

        def progress(items: Iterable[T], total: int | None = None, description: str = "") -> Iterator[T]:
            if total is None and hasattr(items, "__len__"):
                total = len(items)  # type: ignore[arg-type]
            with self._lock:
                task = self._progress.add_task(description or step, total=total)
            for item in items:
                yield item
                self._progress.advance(task)
            with self._lock:
                self._progress.update(task, completed=self._progress.tasks[task].completed, total=self._progress.tasks[task].completed)

        return progress

    def _plain_progress(self, step: str):
        def progress(items: Iterable[T], total: int | None = None, description: str = "") -> Iterator[T]:
            if total is None and hasattr(items, "__len__"):
                total = len(items)  # type: ignore[arg-type]
            last, done = time.monotonic(), 0
            for item in items:
                yield item
                done += 1
                if time.monotonic() - last >= self.interval:
                    last = time.monotonic()
                    share = f" ({100 * done / total:.0f}%)" if total else ""
                    self.say(f"{step}: {description or step} {done:,}{f' of {total:,}' if total else ''}{share}")

        return progress


def summary_rows(outcome: list[tuple[str, Artifact]]) -> list[dict]:
    rows = []
    for step, artifact in outcome:
        r = artifact.rows
        reasons = sorted(r["removed_by_reason"].items(), key=lambda kv: -kv[1])
        seconds = 0.0 if artifact.cached else artifact.manifest["timings"]["seconds"]
        rows.append({
            "step": step,
            "stage": artifact.stage,
            "version": artifact.version,
            "cache": "hit" if artifact.cached else "new",
            "in": r["in"],
            "kept": r["kept"],
            "removed": r["removed"],
            "reasons": ", ".join(f"{k} {v}" for k, v in reasons[:4]) + (" ..." if len(reasons) > 4 else ""),
            # Seconds spent in this run: a cache hit spent none (its manifest keeps what computing it took).
            "seconds": seconds,
            # Input rows a second of this run: what to compare across data sets and machines (none for a hit).
            "rows_per_s": r["in"] / seconds if seconds > 0 else None,
            "shards": artifact.manifest.get("metrics", {}).get("shards", 1),
            "reused": artifact.manifest.get("metrics", {}).get("shards_reused", 0),  # read back after a crash
            "note": artifact.manifest.get("metrics", {}).get("headline", ""),  # one line a stage wants seen (split: held-out sizes)
        })
    return rows


def _shards(row: dict) -> str:
    return f"{row['shards']} ({row['reused']} reused)" if row["reused"] else str(row["shards"])


def _rate(rows_per_s: float | None) -> str:
    return "" if rows_per_s is None else f"{rows_per_s:,.0f}" if rows_per_s >= 10 else f"{rows_per_s:.2f}"


def summary_table(flow: str, outcome: list[tuple[str, Artifact]]) -> Table:
    table = Table(title=f"flow {flow}", title_justify="left")
    rows = summary_rows(outcome)
    notes = any(row["note"] for row in rows)
    shards = any(row["shards"] > 1 for row in rows)  # a sharded run says which steps ran as how many tasks
    for column, justify in ([("step", "left"), ("version", "left"), ("cache", "left"), ("in", "right"), ("kept", "right"),
                             ("removed", "right"), ("removal reasons", "left"), ("s", "right"), ("rows/s", "right")] + ([("shards", "right")] if shards else [])
                            + ([("notes", "left")] if notes else [])):
        table.add_column(column, justify=justify, no_wrap=column not in ("removal reasons", "notes"))  # type: ignore[arg-type]
    for row in rows:
        table.add_row(row["step"], row["version"], row["cache"], str(row["in"]), str(row["kept"]), str(row["removed"]),
                      row["reasons"], f"{row['seconds']:.1f}", _rate(row["rows_per_s"]), *([_shards(row)] if shards else []), *([row["note"]] if notes else []))
    return table
