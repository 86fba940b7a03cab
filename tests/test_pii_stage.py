"""The ``redact_pii`` stage through the real runner: nothing raw reaches any written byte."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from curate.artifacts import run_stage
from curate.pii.policy import PiiPolicy
from curate.pii.stage import RedactPii
from curate.stage import StageContext, removed_table
from tests.conftest import conversation, conversations_table
from tests.test_pii_redact import PLANTED


def _tool_row(cid: str) -> dict:
    row = conversation(cid, "Look up my account please.", "Done.")
    args = json.dumps({"email": PLANTED["EMAIL_ADDRESS"], "phone": PLANTED["PHONE_NUMBER"]})
    row["messages"] = [
        row["messages"][0],
        {"role": "assistant", "content": "", "name": None, "tool_calls": [{"id": "t1", "name": "crm", "arguments": args}]},
        {"role": "tool", "content": json.dumps({"ssn": PLANTED["US_SSN"], "ip": PLANTED["IP_ADDRESS"]}), "name": "crm",
         "tool_calls": None},
        row["messages"][1],
    ]
    return row


@pytest.fixture
def records(store):
    rows = [
        conversation("c1", f"Hi, I'm {PLANTED['PERSON']}; email {PLANTED['EMAIL_ADDRESS']}.",
                     "Thanks, I have updated your profile.", system=f"Agent key {PLANTED['API_KEY']}"),
        conversation("c2", f"Charge card {PLANTED['CREDIT_CARD']} please.", "Charged.", meta={"rating": 5}),
        conversation("c3", f"My IBAN is {PLANTED['IBAN_CODE']}.", f"Noted, from {PLANTED['IP_ADDRESS']}."),
        conversation("c4", "What is the capital of France?", "Paris."),
        _tool_row("c5"),
    ]
    table = conversations_table(rows)
    return store.write("fixture", "v1", table, removed_table([]),
                       {"stage": "fixture", "version": "v1", "rows": {"in": 5, "kept": 5, "removed": 0}}, "")


def written_text(artifact) -> str:
    """Every byte the artifact holds: decoded Parquet tables (they are compressed) and raw files."""
    parts = []
    for path in sorted(artifact.path.rglob("*")):
        if path.suffix == ".parquet":
            parts.append(json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False))
        elif path.is_file():
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def test_no_planted_value_appears_anywhere_in_the_artifact(store, records):
    out = run_stage(RedactPii(), PiiPolicy(operators={"IBAN_CODE": "drop"}), {"records": records}, store)
    text = written_text(out)
    assert "<EMAIL_ADDRESS_1>" in text  # the check reads real content
    for entity, value in PLANTED.items():
        assert value not in text, f"{entity} leaked"
        assert value not in json.dumps(out.manifest)


def test_rows_record_entity_counts_and_drop_gives_a_redacted_record(store, records):
    out = run_stage(RedactPii(), PiiPolicy(operators={"IBAN_CODE": "drop"}), {"records": records}, store)
    kept = {r["id"]: r for r in store.read(out).to_pylist()}
    assert set(kept) == {"c1", "c2", "c4", "c5"}
    assert json.loads(kept["c1"]["meta"])["pii"] == {"API_KEY": 1, "EMAIL_ADDRESS": 1, "PERSON": 1}
    c2_meta = json.loads(kept["c2"]["meta"])
    assert c2_meta == {"pii": {"CREDIT_CARD": 1}, "pii_language": "en", "raw_digest": c2_meta["raw_digest"], "rating": 5}
    assert json.loads(kept["c4"]["meta"])["pii"] == {}
    assert json.loads(kept["c5"]["meta"])["pii"] == {"EMAIL_ADDRESS": 1, "IP_ADDRESS": 1, "PHONE_NUMBER": 1, "US_SSN": 1}
    tool_args = kept["c5"]["messages"][1]["tool_calls"][0]["arguments"]
    assert json.loads(tool_args) == {"email": "<EMAIL_ADDRESS_1>", "phone": "<PHONE_NUMBER_1>"}
    [dropped] = store.read_removed(out).to_pylist()
    assert (dropped["id"], dropped["reason"]) == ("c3", "pii_drop")
    assert "IBAN_CODE" in dropped["detail"]
    record = json.loads(dropped["record"])
    assert record["messages"][0]["content"] == "My IBAN is <IBAN_CODE_1>."
    assert out.manifest["rows"] == {"in": 5, "kept": 4, "removed": 1, "removed_by_reason": {"pii_drop": 1}}


def test_card_reports_counts_policy_and_redacted_examples(store, records):
    out = run_stage(RedactPii(), PiiPolicy(), {"records": records}, store)
    card = out.card_path.read_text()
    assert "| `CREDIT_CARD` | 1 | 1 | placeholder |" in card
    assert "| `EMAIL_ADDRESS` | 2 | 2 | placeholder |" in card
    assert "score_threshold: 0.4" in card
    assert "Charge card <CREDIT_CARD_1> please." in card
    assert out.manifest["metrics"]["entities_found"]["EMAIL_ADDRESS"] == 2
    dtype = out.manifest["metrics"]["fame_model_dtype"]  # hardware decides it, so the card says which ran
    assert dtype in ("bfloat16", "float32") and f"Fame tests: `smollm2-135m-instruct` in {dtype}" in card
    assert "Person-context model (`person_context`)" in card and "P(private) < 0.2" in card


def test_card_says_which_rows_had_no_name_model_and_how_other_languages_lose_names(store, records):
    card = run_stage(RedactPii(), PiiPolicy(), {"records": records}, store).card_path.read_text()
    assert "Rows with no name model for their language: 0 (English NER runs on en rows only" in card
    assert "greets its reader by it" in card


def test_card_says_nothing_of_the_person_context_model_when_it_is_off(store, records):
    card = run_stage(RedactPii(), PiiPolicy(person_context=False), {"records": records}, store).card_path.read_text()
    assert "Person-context model" not in card and "person_context: false" in card


@pytest.mark.slow
def test_worker_processes_give_the_same_rows_and_the_same_version(store, records):
    """`workers` is an execution choice: the pool's findings equal in-process ones,
    and the artifact version (hence the cache) does not depend on it."""
    one = run_stage(RedactPii(), PiiPolicy(operators={"IBAN_CODE": "drop"}), {"records": records}, store)
    two = RedactPii().run({"records": store.read(records)},
                          PiiPolicy(operators={"IBAN_CODE": "drop"}, workers=2), StageContext())
    assert two.kept.to_pylist() == store.read(one).to_pylist()
    assert two.removed.to_pylist() == store.read_removed(one).to_pylist()
    again = run_stage(RedactPii(), PiiPolicy(operators={"IBAN_CODE": "drop"}, workers=2), {"records": records}, store)
    assert again.version == one.version


def test_worker_shares_keep_order_and_split_the_characters_not_the_count():
    """Analysis time follows length: a long text opens its own share rather than sharing a half by count."""
    from curate.pii.pool import shares

    texts = [f"short text {i} " * 4 for i in range(6)] + ["x" * 400] + ["short again " * 4] * 2
    cut = shares(texts, 2)
    assert [t for share in cut for t in share] == texts
    assert [len(share) for share in cut] == [6, 3]  # by count: 5 and 4, the long text among the second four
    assert shares(texts, 1) == [texts] and shares([], 2) == [] and shares(["one"], 4) == [["one"]]
