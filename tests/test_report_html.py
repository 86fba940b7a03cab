"""The curation report: run records name runs, the report is one offline HTML file
with a section per kind of data the run holds, and it renders in headless Chromium
without console errors."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curate.artifacts import run_stage
from curate.dedup.exact import DedupExact, ExactConfig
from curate.ingest import Ingest, IngestConfig, Source
from curate.report import build_report, collect
from curate.runs import RunNotFound, find_run, list_runs, previous_run, record_run

ROWS = [
    ("What is the boiling point of water at sea level?", "100 degrees Celsius."),
    ("Name three primary colours.", "Red, yellow and blue."),
    ("Translate 'good morning' into French.", "Bonjour."),
    ("What is the boiling point of water at sea level?", "100 degrees Celsius."),  # exact copy of row 0
    ("What is the boiling point of water at sea level?", "100 degrees Celsius."),  # and another
    ("Write a haiku about autumn leaves falling slowly to the ground below the old oak tree.", "Amber leaves drift down / ..."),
    ("Name three primary colours.", "Red, yellow and blue."),  # copy of row 1
]


def write_source(path: Path, rows) -> Path:
    lines = [json.dumps({"messages": [{"role": "user", "content": u}, {"role": "assistant", "content": a}]}) for u, a in rows]
    lines.append("{not json")  # quarantined by ingest with a reason
    path.write_text("\n".join(lines) + "\n")
    return path


def curation_run(store, source: Path, run_id: str, started: str, view: str = "conversation"):
    ingest = run_stage(Ingest(), IngestConfig(sources=(Source(path=str(source), name="tiny"),)), {}, store)
    dedup = run_stage(DedupExact(), ExactConfig(view=view), {"records": ingest}, store)
    return record_run(store, "curation", [("ingest", ingest), ("dedup_exact", dedup)],
                      started_at=started, finished_at=started, run_id=run_id)


@pytest.fixture
def two_runs(store, tmp_path):
    source = write_source(tmp_path / "tiny.jsonl", ROWS)
    first = curation_run(store, source, "run1", "2026-11-01T10:00:00+00:00")
    write_source(source, ROWS + [("A brand new question about tides?", "The moon.")])
    second = curation_run(store, source, "run2", "2026-11-02T10:00:00+00:00")
    return first, second


def test_runs_are_listed_in_start_order_and_the_previous_one_is_found(store, two_runs):
    first, second = two_runs
    assert [r.run_id for r in list_runs(store, "curation")] == ["run1", "run2"]
    assert find_run(store).run_id == "run2"  # default: latest curation run
    assert find_run(store, "curation/20261101").run_id == "run1"
    assert previous_run(store, second).run_id == "run1"
    assert previous_run(store, first) is None
    assert [s.step for s in second.steps] == ["ingest", "dedup_exact"] and not second.steps[0].cached


def test_recording_the_same_run_twice_keeps_one_record(store, two_runs):
    first, _ = two_runs
    again = record_run(store, "curation", [], started_at="2026-11-05T00:00:00+00:00",
                       finished_at="2026-11-05T00:00:00+00:00", run_id="run1")
    assert again.path == first.path and len(list_runs(store, "curation")) == 2


def test_an_unknown_run_is_one_clear_error(store, two_runs):
    with pytest.raises(RunNotFound, match="recent runs: curation/"):
        find_run(store, "nope")
    with pytest.raises(RunNotFound, match="no recorded runs of flow 'training'"):
        find_run(store, flow="training")


def test_report_counts_every_row_and_shows_duplicates_and_changes(store, two_runs):
    _, second = two_runs
    data = collect(store, second)
    ingest, dedup = data.funnel
    assert ingest["in"] == 9 and ingest["kept"] == 8 and ingest["reasons"] == {"invalid_json": 1}
    assert dedup["in"] == 8 and dedup["kept"] == 5 and dedup["reasons"] == {"exact_duplicate": 3}
    biggest = data.duplicates[0]
    assert biggest["size"] == 3 and biggest["keeper_text"].startswith("What is the boiling point")
    assert len(data.lengths) == 2 and [len(v) for v in data.lengths.values()] == [8, 5]
    rows = {r["step"]: r for r in data.changes["rows"]}
    assert rows["ingest"]["before"] == 7 and rows["ingest"]["after"] == 8 and not rows["ingest"]["same_version"]
    # sections whose stages did not run are absent, not empty
    assert not data.pii and data.cluster_map is None and data.splits is None and not data.quality


def test_report_is_one_offline_file(store, two_runs):
    html = build_report(store, two_runs[1])
    for title in ("Rows through the steps", "Conversation length", "Duplicate clusters", "What changed since the previous run"):
        assert title in html
    for absent in ("PII found", "Cluster map", "Split balance", "Quality signals"):
        assert absent not in html
    assert "<script" not in html and "<link" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "the report must not fetch anything"


def test_cli_writes_the_latest_run_report(store, two_runs, tmp_path):
    from pipelines.cli_report import report
    import typer

    app = typer.Typer()
    app.command()(report)
    app.command("noop")(lambda: None)  # two commands so typer keeps the `report` name
    target = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", "--artifacts", str(store.root), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "curation/20261102T100000Z-run2" in result.output and target.read_text().startswith("<!DOCTYPE html>")
    missing = CliRunner().invoke(app, ["report", "zzz", "--artifacts", str(store.root)])
    assert missing.exit_code == 2 and "no run 'zzz'" in missing.output


# --- headless Chromium -------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is absent: `apt-get install chromium chromium-driver` (Debian) to run this test")


def chromium(page: Path, profile: Path, screenshot: Path | None = None) -> tuple[str, list[str]]:
    """Render ``page`` headless: its DOM after load, and the console messages Chromium logged."""
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-quic", f"--user-data-dir={profile}",
             "--enable-logging=stderr", "--v=0", "--window-size=1400,3200"]
    action = [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
    done = subprocess.run([CHROMIUM, *flags, *action, page.resolve().as_uri()], capture_output=True, text=True, timeout=90)
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.stdout, console


@needs_chromium
def test_the_console_check_catches_a_page_error(tmp_path):
    """The check below could fail: a page with a script error is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><p>x</p><script>missing_function()</script></body></html>")
    _, console = chromium(page, tmp_path / "profile")
    assert any("missing_function is not defined" in line for line in console)


@needs_chromium
def test_report_renders_in_headless_chromium_without_console_errors(store, two_runs, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(build_report(store, two_runs[1]), encoding="utf-8")
    dom, console = chromium(page, tmp_path / "profile")
    assert console == []
    assert "Duplicate clusters" in dom and dom.count("<svg") >= 2
    shot = tmp_path / "report.png"
    chromium(page, tmp_path / "profile2", screenshot=shot)
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_the_cluster_legend_counts_every_row_even_when_the_map_draws_a_sample(store, tmp_path, monkeypatch):
    from collections import Counter

    from curate.cluster.stage import Cluster, ClusterConfig
    from curate.embed.stage import Embed, EmbedConfig
    collect_module = importlib.import_module("curate.report.collect")  # the package exports a function of that name

    prompts = [f"How do I bake bread with recipe number {i}?" for i in range(7)] + [
        f"How do I sort a Python list of {i} items?" for i in range(5)]
    source = write_source(tmp_path / "topics.jsonl", [(p, "An answer.") for p in prompts])
    ingest = run_stage(Ingest(), IngestConfig(sources=(Source(path=str(source), name="topics"),)), {}, store)
    embed = run_stage(Embed(), EmbedConfig(backend="torch"), {"records": ingest}, store)
    cluster = run_stage(Cluster(), ClusterConfig(k=2), {"records": ingest, "embeddings": embed}, store)
    run = record_run(store, "curation", [("ingest", ingest), ("embed", embed), ("cluster", cluster)],
                     started_at="2026-11-03T10:00:00+00:00", finished_at="2026-11-03T10:00:00+00:00", run_id="run3")
    monkeypatch.setattr(collect_module, "MAX_POINTS", 4)  # draw 1 row in 3
    cm = collect(store, run).cluster_map
    truth = Counter(json.loads(m)["cluster"] for m in store.read(cluster).column("meta").to_pylist())
    assert len(cm["points"]) == 4 and cm["sampled_every"] == 3
    assert cm["sizes"] == dict(truth) and sum(cm["sizes"].values()) == 12
    html = build_report(store, run)
    assert all(f"{cm['labels'][c]} ({n})" in html for c, n in truth.items())
