"""No leak: PII planted in the demo data never reaches anything written after redaction.

A real flow (ingest -> redact_pii -> dedup_exact) runs through the CLI under
Prefect in a temporary project. Every planted value listed in
``data/demo/PLANTED.md`` must be absent from the redacted and deduplicated
artifacts (Parquet decoded, removed rows, manifest, card), from the run's
stdout/stderr, and from Prefect's own artifact table. The ingest artifact is
upstream of redaction and legitimately holds raw values; it is not checked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

DEMO = ROOT / "data" / "demo"
FLOW = """
artifacts_dir: data/artifacts
flows:
  curation:
    steps:
      - stage: ingest
        config:
          sources:
            - {path: data/demo/alpaca.json, name: demo-alpaca}
            - {path: data/demo/sharegpt.jsonl, name: demo-sharegpt}
            - {path: data/demo/chatml.jsonl.gz, name: demo-chatml}
            - {path: data/demo/openai.jsonl, name: demo-openai}
      - stage: redact_pii
      - stage: dedup_exact
        config:
          view: conversation
"""


def planted_values() -> dict[str, str]:
    """value -> kind, from the machine-readable block at the end of PLANTED.md."""
    text = (DEMO / "PLANTED.md").read_text()
    manifest = json.loads(re.search(r"```json\n(.*?)\n```", text, re.DOTALL).group(1))
    return {v["value"]: v["kind"] for record in manifest["pii"] for v in record["values"]}


@pytest.fixture(scope="module")
def flow_run(tmp_path_factory):
    if not (DEMO / "PLANTED.md").is_file():
        pytest.skip("data/demo/PLANTED.md is absent")
    project = tmp_path_factory.mktemp("noleak")
    shutil.copytree(DEMO, project / "data" / "demo")
    (project / "flows.yaml").write_text(FLOW)
    home = tmp_path_factory.mktemp("prefect-home")
    env = {**os.environ, "PREFECT_HOME": str(home), "NO_COLOR": "1", "HF_HUB_OFFLINE": "1",
           "PYTHONPATH": str(ROOT),
           # a loaded 2-core box can take longer than the default 20 s to start the server
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--no-progress", "--config",
                             str(project / "flows.yaml")], cwd=project, env=env, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return project, home, result


def artifact_text(folder: Path) -> str:
    """Every byte an artifact folder holds, with Parquet decoded (it is compressed)."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".parquet":
            parts.append(json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False, default=str))
        elif path.is_file():
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def leaks(text: str) -> list[str]:
    return [f"{kind}: {value}" for value, kind in planted_values().items() if value in text]


def test_the_planted_values_are_real_and_reach_ingest(flow_run):
    project, _, _ = flow_run
    values = planted_values()
    assert len(values) >= 40 and {"email", "credit_card", "person_name", "api_key"} <= set(values.values())
    [ingest] = (project / "data/artifacts/ingest").iterdir()
    assert leaks(artifact_text(ingest)), "the check must see raw values upstream of redaction"


@pytest.mark.parametrize("stage", ["redact_pii", "dedup_exact"])
def test_no_planted_value_in_artifacts_downstream_of_redaction(flow_run, stage):
    project, _, _ = flow_run
    [folder] = (project / "data/artifacts" / stage).iterdir()
    text = artifact_text(folder)
    assert "<EMAIL_ADDRESS>" in text and (folder / "CARD.md").is_file()
    assert leaks(text) == []


def test_no_planted_value_in_output_or_prefect_artifacts(flow_run):
    _, home, result = flow_run
    assert leaks(result.stdout + result.stderr) == []
    with sqlite3.connect(home / "prefect.db") as db:
        rows = [str(r[0]) for r in db.execute("SELECT data FROM artifact")]
    assert leaks("\n".join(rows)) == []
