"""What a person sees while a flow runs: plain lines when nothing can draw bars
(a log file, CI), and a cache hit that spent no time says so."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from curate.artifacts import run_stage
from curate.ingest import Ingest, IngestConfig, Source
from pipelines.console import Reporter, summary_rows, summary_table


def made_and_hit(store, tmp_path):
    raw = tmp_path / "a.jsonl"
    raw.write_text(json.dumps({"instruction": "a question?", "output": "an answer"}) + "\n{oops\n")
    config = IngestConfig(sources=(Source(path=str(raw)),))
    return run_stage(Ingest(), config, {}, store), run_stage(Ingest(), config, {}, store)


def test_without_a_terminal_each_step_prints_plain_lines(store, tmp_path):
    made, hit = made_and_hit(store, tmp_path)
    log = io.StringIO()
    with Reporter(Console(file=log, force_terminal=False)) as reporter:
        reporter.interval = 0.0  # a line per item, so this short stage shows its progress lines
        reporter.step_started("ingest")
        assert list(reporter.progress_for("ingest")([1, 2], description="ingest a.jsonl")) == [1, 2]
        reporter.step_finished("ingest", made, 1.25)
        reporter.step_finished("ingest_again", hit, 0.01)
    lines = [line[9:] for line in log.getvalue().splitlines()]  # after the HH:MM:SS stamp
    assert lines == [
        "ingest: running",
        "ingest: ingest a.jsonl 1 of 2 (50%)",
        "ingest: ingest a.jsonl 2 of 2 (100%)",
        f"ingest: new ingest/{made.version} in 1.2 s, 1 of 2 rows kept, 1 removed",
        f"ingest_again: cache hit ingest/{made.version}, 1 of 2 rows kept",
    ]


def test_on_a_terminal_bars_replace_the_lines(store, tmp_path):
    made, _ = made_and_hit(store, tmp_path)
    screen = io.StringIO()
    with Reporter(Console(file=screen, force_terminal=True)) as reporter:
        reporter.step_started("ingest")
        reporter.step_finished("ingest", made, 1.0)
    assert "running" not in screen.getvalue() and "new ingest/" not in screen.getvalue()


def test_a_cache_hit_spends_no_seconds_and_its_manifest_keeps_the_original(store, tmp_path):
    made, hit = made_and_hit(store, tmp_path)
    first, again = summary_rows([("ingest", made), ("ingest", hit)])
    assert made.manifest["timings"]["seconds"] > 0
    assert hit.cached and again["cache"] == "hit" and again["seconds"] == 0.0
    assert first["seconds"] == made.manifest["timings"]["seconds"] == hit.manifest["timings"]["seconds"]


def test_the_run_table_gives_each_computed_step_its_input_rows_a_second(store, tmp_path):
    made, hit = made_and_hit(store, tmp_path)
    first, again = summary_rows([("ingest", made), ("ingest", hit)])
    assert first["rows_per_s"] == pytest.approx(made.rows["in"] / made.manifest["timings"]["seconds"])
    assert again["rows_per_s"] is None
    screen = io.StringIO()
    Console(file=screen, width=200).print(summary_table("curation", [("ingest", made), ("ingest_again", hit)]))
    assert "rows/s" in screen.getvalue()
