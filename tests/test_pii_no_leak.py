"""No leak: PII planted in the data never reaches anything written after redaction.

A real flow runs through the CLI under Prefect in a temporary project: ingest ->
redact_pii -> dedup_exact -> split, a general set through its own ingest and
redact_general into mix_general, and build_pairs reading a pair file of its
own; then ``curate report`` renders the run. Every planted value must be absent
from every artifact after ingest (Parquet decoded, removed rows, manifest,
card), from the run record and the report, from the run's stdout/stderr, and
from Prefect's own artifact table.

Planted are the values listed in ``data/demo/PLANTED.md`` and, in small files
written here, values on every path around message text: an extra source key
kept in ``meta``, a message ``name``, a JSON *key* of tool-call arguments and
of a tool result, a ShareGPT rejected reply, the pair source (prompt, chosen,
rejected, and a broken line that only reaches the removed rows) and the
general set. The ingest artifacts are upstream of redaction and legitimately
hold raw values; they are only checked to hold them (so the check can fail).
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
GENERAL = ROOT / "data" / "general" / "general.jsonl"
UPSTREAM = ("ingest", "ingest_general")  # artifacts before redaction
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
            - {path: data/planted/chat.jsonl, name: planted-chat}
            - {path: data/planted/preferences.jsonl, name: planted-preferences}
      - stage: redact_pii
      - stage: dedup_exact
        config:
          view: conversation
      - {stage: split, config: {seed: 0}}
      - stage: ingest
        name: ingest_general
        config: {sources: [{path: data/general/general.jsonl}, {path: data/planted/general.jsonl}]}
      - {stage: redact_pii, name: redact_general, inputs: {records: ingest_general}}
      - {stage: mix_general, inputs: {records: split, general: redact_general}, config: {fraction: 0.5, seed: 0}}
      - stage: build_pairs
        inputs: {split: split}
        config: {sources: [{path: data/demo/pairs.jsonl}, {path: data/planted/pairs.jsonl}], min_margin: 0}
"""

# value -> the path around message text it is planted on
PLANTED_PATHS = {
    "rosalind.f@quillmere-post.com": "meta extra (customer_email) and JSON key of tool arguments",
    "+1-646-555-0143": "meta extra (nested object) and JSON key of a tool result",
    "rfeather88": "user-name field of tool arguments",
    "Qv7mPz2Lk9": "password field of tool arguments",
    "Featherstonehaugh": "message name",
    "Quackenbush": "message name",
    "532-71-4408": "rejected reply",
    "helpdesk.owner@quillmere-post.com": "rejected reply",
    "orla.brennock@fenwick-mail.org": "pair source prompt",
    "4539148803436467": "pair source chosen",
    "DE89370400440532013000": "pair source rejected",
    "ewart.pinnock@fenwick-mail.org": "pair source broken line (removed rows only)",
    "020 7946 0321": "general set",
    "tamsin.ockleton@fenwick-mail.org": "general set (meta extra)",
}


def _msg(role: str, content: str, **extra) -> dict:
    return {"role": role, "content": content, **extra}


def write_planted(folder: Path) -> None:
    """Small files, our own text, with a value on every path around message text."""
    folder.mkdir(parents=True)
    chat = [
        {"messages": [_msg("user", "Hi, my name is Rosalind Featherstonehaugh and I have an account question.",
                           name="Rosalind Featherstonehaugh"),
                      _msg("assistant", "", tool_calls=[{"id": "c1", "type": "function", "function": {
                          "name": "lookup_contacts",
                          "arguments": json.dumps({"contacts": {"rosalind.f@quillmere-post.com": "owner"},
                                                   "login": {"username": "rfeather88", "password": "Qv7mPz2Lk9"}})}}]),
                      _msg("tool", json.dumps({"+1-646-555-0143": {"verified": True}}), tool_call_id="c1"),
                      _msg("assistant", "Your contact details are verified.")],
         "customer_email": "rosalind.f@quillmere-post.com",
         "customer": {"phone": "+1-646-555-0143", "tier": "gold"}},
        {"messages": [_msg("system", "You are a billing assistant."),
                      _msg("user", "This is Thaddeus Quackenbush from billing: please close ticket 88.",
                           name="Thaddeus Quackenbush"),
                      _msg("assistant", "Ticket 88 is closed.")]},
    ]
    preferences = [{"conversations": [{"from": "human", "value": "How do I reset my password?"}],
                    "chosen": {"from": "gpt", "value": "Use the reset link on the login page."},
                    "rejected": {"from": "gpt", "value": "Email your SSN 532-71-4408 to "
                                                         "helpdesk.owner@quillmere-post.com and we reset it."}}]
    pairs = [json.dumps({"prompt": "Draft a reply to orla.brennock@fenwick-mail.org about the refund.",
                         "chosen": "Dear customer, the refund to card 4539148803436467 was sent today.",
                         "rejected": "Send us your IBAN DE89370400440532013000 first.",
                         "score_chosen": 8, "score_rejected": 2}),
             '{"prompt": "Forward this to ewart.pinnock@fenwick-mail.org", "chosen": ']  # a broken line
    general = [{"messages": [_msg("user", "What is the number of the London office?"),
                             _msg("assistant", "You can ring the London office on 020 7946 0321.")],
                "contact": "tamsin.ockleton@fenwick-mail.org"}]
    (folder / "chat.jsonl").write_text("".join(json.dumps(r) + "\n" for r in chat))
    (folder / "preferences.jsonl").write_text("".join(json.dumps(r) + "\n" for r in preferences))
    (folder / "pairs.jsonl").write_text("\n".join(pairs) + "\n")
    (folder / "general.jsonl").write_text("".join(json.dumps(r) + "\n" for r in general))


def planted_values() -> dict[str, str]:
    """value -> kind: the demo's (machine-readable block at the end of PLANTED.md) and ours."""
    text = (DEMO / "PLANTED.md").read_text()
    manifest = json.loads(re.search(r"```json\n(.*?)\n```", text, re.DOTALL).group(1))
    return {**{v["value"]: v["kind"] for record in manifest["pii"] for v in record["values"]}, **PLANTED_PATHS}


def curate(*args: str, project: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_HOME": str(home), "NO_COLOR": "1", "HF_HUB_OFFLINE": "1",
           "PYTHONPATH": str(ROOT),
           # a loaded 2-core box can take longer than the default 20 s to start the server
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args, "--config", str(project / "flows.yaml")],
                          cwd=project, env=env, capture_output=True, text=True, timeout=1200)


@pytest.fixture(scope="module")
def flow_run(tmp_path_factory):
    if not (DEMO / "PLANTED.md").is_file():
        pytest.skip("data/demo/PLANTED.md is absent")
    project = tmp_path_factory.mktemp("noleak")
    shutil.copytree(DEMO, project / "data" / "demo")
    (project / "data" / "general").mkdir()
    shutil.copy(GENERAL, project / "data" / "general" / "general.jsonl")
    write_planted(project / "data" / "planted")
    (project / "flows.yaml").write_text(FLOW)
    home = tmp_path_factory.mktemp("prefect-home")
    result = curate("run", "--no-progress", project=project, home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    report = curate("report", project=project, home=home)
    assert report.returncode == 0, report.stdout + report.stderr
    return project, home, result, report


def artifact_text(folder: Path) -> str:
    """Every byte under a folder, with Parquet decoded (it is compressed)."""
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
    project, _, _, _ = flow_run
    values = planted_values()
    assert len(values) >= 50 and {"email", "credit_card", "person_name", "api_key"} <= set(values.values())
    ingested = artifact_text(project / "data/artifacts/ingest")
    assert leaks(ingested), "the check must see raw values upstream of redaction"
    on_paths = [v for v, where in PLANTED_PATHS.items() if not where.startswith("pair source")]
    assert [v for v in on_paths if v not in ingested] == []  # every planted path reaches ingest as written
    pairs = (project / "data/planted/pairs.jsonl").read_text()
    assert all(v in pairs for v, where in PLANTED_PATHS.items() if where.startswith("pair source"))


def test_every_stage_after_ingest_ran_and_saw_redacted_text(flow_run):
    project, _, _, _ = flow_run
    root = project / "data/artifacts"
    stages = {p.name for p in root.iterdir() if not p.name.startswith(("_", "."))}
    assert stages == {"ingest", "redact_pii", "dedup_exact", "split", "mix_general", "build_pairs"}
    assert len(list((root / "redact_pii").iterdir())) == 2  # the main stream and the general set
    assert "<EMAIL_ADDRESS_1>" in artifact_text(root / "mix_general")  # the general set's row made it in, redacted
    pairs = artifact_text(root / "build_pairs")
    assert "<CREDIT_CARD_1>" in pairs and "<IBAN_CODE_1>" in pairs and "<EMAIL_ADDRESS_1>" in pairs


@pytest.mark.parametrize("stage", ["redact_pii", "dedup_exact", "split", "mix_general", "build_pairs"])
def test_no_planted_value_in_artifacts_after_ingest(flow_run, stage):
    project, _, _, _ = flow_run
    for folder in (project / "data/artifacts" / stage).iterdir():
        text = artifact_text(folder)
        assert (folder / "CARD.md").is_file() and "_1>" in text  # the check reads real, redacted content
        assert leaks(text) == [], folder.name


def test_no_planted_value_in_the_run_record_or_the_report(flow_run):
    project, _, _, report = flow_run
    root = project / "data/artifacts"
    [html] = (root / "_reports").rglob("*.html")
    assert leaks(artifact_text(root / "_runs")) == []
    assert "redact_pii" in html.read_text() and leaks(html.read_text()) == []
    assert leaks(report.stdout + report.stderr) == []


def test_no_planted_value_in_output_or_prefect_artifacts(flow_run):
    _, home, result, _ = flow_run
    assert leaks(result.stdout + result.stderr) == []
    with sqlite3.connect(home / "prefect.db") as db:
        rows = [str(r[0]) for r in db.execute("SELECT data FROM artifact")]
    assert len(rows) >= 8 and leaks("\n".join(rows)) == []
