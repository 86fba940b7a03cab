"""The curation flow on the demo data, end to end: real Prefect, real CLI, real artifacts."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def curate(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project's flows.yaml and data, so runs never touch the checkout."""
    root = tmp_path_factory.mktemp("demo")
    shutil.copy(ROOT / "flows.yaml", root / "flows.yaml")
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("artifacts", "models"))
    return root


@pytest.fixture(scope="module")
def first_run(project, tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect")
    result = curate("run", "--no-progress", cwd=project, home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    return result, home


def manifests(project: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((project / "data/artifacts").glob("*/*/manifest.json"))]


def versions(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if len(cells) >= 3 and len(cells[1]) == 12 and cells[2] in {"hit", "new"}:
            found[cells[0]] = (cells[1], cells[2])
    return found


def test_run_prints_a_summary_and_writes_carded_artifacts(project, first_run):
    result, _ = first_run
    steps = versions(result.stdout)
    assert set(steps) >= {"ingest", "dedup_exact"}
    assert all(state == "new" for _, state in steps.values())
    assert "Traceback" not in result.stderr and "Error flushing" not in result.stderr
    for step, (version, _) in steps.items():
        folder = next((project / "data/artifacts").glob(f"*/{version}"))
        assert (folder / "CARD.md").read_text().startswith("---\n")


def test_every_manifest_accounts_for_every_row(project, first_run):
    found = manifests(project)
    assert found
    for manifest in found:
        rows = manifest["rows"]
        assert rows["in"] == rows["kept"] + rows["removed"], manifest["stage"]
        assert sum(rows["removed_by_reason"].values()) == rows["removed"]
        folder = project / "data/artifacts" / manifest["stage"] / manifest["version"]
        removed = pq.read_table(folder / "removed.parquet")
        assert removed.num_rows == rows["removed"]
        assert all(r for r in removed.column("reason").to_pylist()), manifest["stage"]
        kept = sum(pq.read_metadata(p).num_rows for p in (folder / "data").glob("*.parquet"))
        assert kept == rows["kept"]


def test_planted_problems_are_quarantined_with_reasons(project, first_run):
    ingest = next(m for m in manifests(project) if m["stage"] == "ingest" and "demo" in m["external"][0]["path"])
    reasons = ingest["rows"]["removed_by_reason"]
    for reason in ("invalid_json", "invalid_utf8", "unknown_role", "role_order", "empty_turn", "missing_field", "empty_file"):
        assert reasons.get(reason, 0) >= 1, (reason, reasons)
    dedup = next(m for m in manifests(project) if m["stage"] == "dedup_exact")
    assert dedup["rows"]["removed_by_reason"].get("exact_duplicate", 0) >= 5


def test_cards_are_mirrored_as_prefect_artifacts(first_run):
    _, home = first_run
    with sqlite3.connect(home / "prefect.db") as db:
        keys = {row[0] for row in db.execute("select key from artifact")}
    assert {"curation-ingest-card", "curation-dedup-exact-card", "curation-summary"} <= keys


def test_second_run_is_all_cache_hits_with_the_same_versions(project, first_run):
    result, home = first_run
    again = curate("run", "--no-progress", cwd=project, home=home)
    assert again.returncode == 0, again.stderr
    before, after = versions(result.stdout), versions(again.stdout)
    assert {k: v for k, (v, _) in before.items()} == {k: v for k, (v, _) in after.items()}
    assert all(state == "hit" for _, state in after.values())


def test_running_from_another_folder_reuses_every_artifact(project, first_run):
    """Versions come from content: `-c elsewhere/flows.yaml` finds the same versions, all cache hits."""
    result, home = first_run
    elsewhere = curate("run", "--no-progress", "-c", f"{project.name}/flows.yaml", cwd=project.parent, home=home)
    assert elsewhere.returncode == 0, elsewhere.stderr
    before, after = versions(result.stdout), versions(elsewhere.stdout)
    assert {k: v for k, (v, _) in before.items()} == {k: v for k, (v, _) in after.items()}
    assert all(state == "hit" for _, state in after.values())
    assert not (project.parent / "data").exists(), "artifacts land beside flows.yaml, not in the working directory"


def test_without_a_terminal_the_run_prints_a_line_per_step(first_run):
    result, _ = first_run
    assert "ingest: running" in result.stderr and "dedup_exact: new dedup_exact/" in result.stderr


def test_changing_one_stage_config_reversions_it_and_downstream_only(project, first_run):
    from pipelines.config import load_project, resolve_flow

    result, home = first_run
    steps = resolve_flow(load_project(project / "flows.yaml"), "curation")
    downstream = {"dedup_exact"}
    for step in steps:  # steps come in dependency order
        if downstream & set(step.inputs.values()):
            downstream.add(step.name)
    flows = project / "flows.yaml"
    original = flows.read_text()
    assert original.count("- stage: dedup_exact\n        config: {view: conversation}") == 1
    flows.write_text(original.replace("- stage: dedup_exact\n        config: {view: conversation}",
                                      "- stage: dedup_exact\n        config: {view: user_turns}"))
    try:
        changed = curate("run", "--no-progress", cwd=project, home=home)
    finally:
        flows.write_text(original)
    assert changed.returncode == 0, changed.stderr
    before, after = versions(result.stdout), versions(changed.stdout)
    assert set(before) == {s.name for s in steps} and "ingest_general" not in downstream
    for step in before:
        if step in downstream:
            assert after[step][0] != before[step][0], step
        else:
            assert after[step] == (before[step][0], "hit"), step


def test_a_missing_source_stops_before_anything_is_written(tmp_path, first_run):
    _, home = first_run
    (tmp_path / "flows.yaml").write_text(
        "flows:\n  curation:\n    steps:\n      - stage: ingest\n        config: {sources: [{path: gone.jsonl}]}\n")
    result = curate("run", "--no-progress", cwd=tmp_path, home=home)
    assert result.returncode == 2
    assert "gone.jsonl: no such file" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()


def test_a_step_can_pin_a_reviewed_artifact_version(project, first_run):
    _, home = first_run
    ingest = next(m for m in manifests(project) if m["stage"] == "ingest" and "demo" in m["external"][0]["path"])
    flows = project / "pinned.yaml"
    flows.write_text(
        "flows:\n  pinned:\n    steps:\n      - stage: dedup_exact\n"
        f"        inputs: {{records: 'artifact:{ingest['version']}'}}\n        config: {{view: first_user}}\n")
    result = curate("run", "pinned", "--config", str(flows), "--no-progress", cwd=project, home=home)
    assert result.returncode == 0, result.stderr
    version, _ = versions(result.stdout)["dedup_exact"]
    manifest = json.loads(next((project / "data/artifacts/dedup_exact").glob(f"{version}/manifest.json")).read_text())
    assert manifest["inputs"] == [{"name": "records", "stage": "ingest", "version": ingest["version"]}]
    flows.write_text(flows.read_text().replace(ingest["version"], "ffffffffffff"))
    missing = curate("run", "pinned", "--config", str(flows), "--no-progress", cwd=project, home=home)
    assert missing.returncode == 2 and "no artifact with version 'ffffffffffff'" in missing.stderr
