"""The contamination check between splits, on text like the real thing: a
preamble shared by many rows is not contamination (a copied question still
is), Chinese is compared by character, and when contamination handling would
empty a held-out split the step stops and says which split, how far it fell
and which n-grams drove it. Requested vs achieved sizes are always reported."""

from __future__ import annotations

import json
import random
import re

import numpy as np
import pyarrow as pa
import pytest

from curate.split.contamination import contaminated, gram_length, ngrams
from curate.split.held_out import HeldOutCheck, HeldOutTooSmall
from curate.split.stage import ContaminationConfig, Split, SplitConfig
from curate.artifacts import run_stage
from curate.stage import StageContext, StageFailed, removed_table
from tests.conftest import CountedRows, conversation, conversations_table
from tests.test_split_grouped import sentence, split_of

PREAMBLE = ("You are a careful assistant with access to a calculator, a search engine and a calendar. "
            "Use a tool only when the question needs it, answer in one short paragraph and say which tool you used.")


def preamble_rows(seed: int = 0, rows: int = 200, copies: int = 10) -> tuple[pa.Table, list[tuple[str, str]]]:
    """Every prompt opens with the same 36-word preamble and asks its own 16-word
    question; ``copies`` pairs ask the same question under different wording."""
    rng = random.Random(seed)
    out, pairs = [], []
    for i in range(rows - 2 * copies):
        out.append(conversation(f"r{i:03d}", f"{PREAMBLE}\n{sentence(rng)}", "ok"))
    for p in range(copies):
        question = sentence(rng)
        out.append(conversation(f"c{p:02d}-a", f"{PREAMBLE}\nAnswer this: {question}", "ok"))
        out.append(conversation(f"c{p:02d}-b", f"{PREAMBLE}\nPlease explain {question} in detail", "ok"))
        pairs.append((f"c{p:02d}-a", f"c{p:02d}-b"))
    return conversations_table(out), pairs


def run(table: pa.Table, **contamination) -> dict:
    config = SplitConfig(seed=0, contamination=ContaminationConfig(**contamination))
    return Split().run({"records": table}, config, StageContext())


def test_a_shared_preamble_is_cut_out_and_only_copied_questions_count():
    table, pairs = preamble_rows()
    result = run(table)
    where = split_of(result.kept)
    straddling = {x for a, b in pairs for x in (a, b) if where[a] != where[b] and where[x] != "train" and "train" in (where[a], where[b])}
    found = {e["id"] for e in result.metrics["contamination"]["examples"]}
    report = result.metrics["contamination"]
    assert straddling and sum(report["contaminated_by_split"].values()) == len(straddling) and found <= straddling
    assert report["boilerplate"]["rows_with_boilerplate"] == 200
    assert report["boilerplate"]["passages"][0]["text"].startswith("you are a careful assistant")
    assert "Boilerplate cut out before comparing" in result.card

    blind = run(table, boilerplate_share=1.0)  # the check as it was: the preamble makes every held-out row "contaminated"
    assert sum(blind.metrics["contamination"]["contaminated_by_split"].values()) == 40


def test_boilerplate_tokens_are_cut_before_n_grams_are_formed():
    boilerplate = ngrams(PREAMBLE + " x", 13) - ngrams("x", 13)
    question = "which planet in our solar system has the longest day measured against its own year"
    kept = ngrams(f"{PREAMBLE} {question}", 13, boilerplate=frozenset(boilerplate))
    assert kept == ngrams(question, 13) and len(kept) == 15 - 13 + 1  # a 15-word question: 3 n-grams, none reaching into the preamble


def test_move_to_train_that_would_empty_test_stops_the_step_naming_split_target_and_n_grams():
    table, _ = preamble_rows()
    with pytest.raises(HeldOutTooSmall) as err:
        run(table, policy="move_to_train", boilerplate_share=1.0)
    message = str(err.value)
    assert re.search(r"would leave (validation|test) with 0 of its 20 target rows \(floor 80%; 20 taken\)", message)
    assert "'a calculator a search engine and a calendar use…' (20 rows)" in message and "\n" not in message
    assert isinstance(err.value, StageFailed)  # a known failure with its own message, not a crash

    allowed = run(table, policy="move_to_train", boilerplate_share=1.0, floor=0.0)
    assert allowed.metrics["held_out_sizes"]["test"]["achieved"] == 0  # floor 0: allowed, and reported

    kept = run(table, policy="move_to_train")
    sizes = kept.metrics["held_out_sizes"]
    assert all(sizes[x]["achieved"] >= 0.8 * sizes[x]["requested"] for x in ("validation", "test"))
    assert sum(sizes[x]["taken_by_contamination"] for x in ("validation", "test")) == kept.metrics["contamination"]["moved_to_train"] > 0


def test_requested_and_achieved_sizes_are_in_metrics_card_and_headline():
    table, _ = preamble_rows()
    result = run(table, policy="drop")
    sizes, m = result.metrics["held_out_sizes"], result.metrics
    dropped = result.removed.num_rows
    assert dropped > 0 and {r["reason"] for r in result.removed.to_pylist()} == {"contamination"}
    assert sizes["validation"]["requested"] == sizes["test"]["requested"] == 20
    assert sizes["validation"]["achieved"] + sizes["test"]["achieved"] == 40 - dropped
    assert m["rows_by_split"] == {x: s["achieved"] for x, s in sizes.items()}
    assert f"validation {sizes['validation']['achieved']}/20, test {sizes['test']['achieved']}/20" in m["headline"]
    assert f"dropped {dropped} for contamination" in m["headline"]
    assert "| test | 20 | " + str(sizes["test"]["achieved"]) in result.card
    assert "Largest stratum-share deviation" in result.card


def alpaca_rows(path, limit: int, source: str) -> pa.Table:
    data = json.loads(path.read_text())[:limit]
    return conversations_table([conversation(f"{source}{i:04d}", (r["instruction"] + ("\n\n" + r["input"] if r.get("input") else "")).strip(),
                                             str(r["output"]), source=source) for i, r in enumerate(data)])


def test_toolformer_preamble_is_boilerplate_and_held_out_keeps_its_size(real):
    table = alpaca_rows(real / "toolformer" / "toolformer-dedupe-only-dataset.json", 300, "toolformer")
    result = run(table, policy="move_to_train")
    sizes = result.metrics["held_out_sizes"]
    assert all(sizes[x]["achieved"] >= 0.9 * sizes[x]["requested"] == 27 for x in ("validation", "test"))
    assert "- 52 rows: `toolformer enabled toolformer access python a python shell" in result.card
    with pytest.raises(HeldOutTooSmall, match=r"of its 30 target rows.*'a python shell use this"):
        run(table, policy="move_to_train", boilerplate_share=1.0)


def test_chinese_rows_are_compared_by_character(real):
    rows = json.loads((real / "alpaca_zh" / "alpaca_zh_demo.json").read_text())[:6]
    prompts = [r["instruction"] for r in rows]
    source = next(p for p in prompts if len(p) >= 24)
    train = [(f"zh{i}", p) for i, p in enumerate(prompts)]
    quoting = "请把下面这段话改写得更正式一些：" + source[:20]
    assert gram_length(quoting) == 16 and len(re.findall(r"\w+", quoting)) < 13  # whitespace words could never check it
    found = contaminated([("held", quoting), ("other", "请用三句话介绍一下长城的历史和它在今天的意义。")], train, n=13)
    assert set(found) == {"held"} and found["held"]["train_id"] == f"zh{prompts.index(source)}"
    assert len(found["held"]["example"]) == 16 and " " not in found["held"]["example"]
    assert contaminated(train[1:], train[:1], n=13) == {}  # different alpaca_zh tasks share no 16 characters

    table = alpaca_rows(real / "alpaca_zh" / "alpaca_zh_demo.json", 200, "alpaca_zh")
    report = run(table).metrics["contamination"]
    assert report["cjk_rows_checked"] == report["held_out_checked"] == 40 and report["too_short_to_check"] < 30


def test_run_table_and_report_show_requested_and_achieved_held_out_rows(store):
    from rich.console import Console

    from curate.artifacts import run_stage
    from curate.report import build_report
    from curate.runs import record_run
    from curate.stage import removed_table
    from pipelines.console import summary_table

    table, _ = preamble_rows()
    rows = {"in": table.num_rows, "kept": table.num_rows, "removed": 0, "removed_by_reason": {}}
    records = store.write("ingest", "v0", table, removed_table([]), {"stage": "ingest", "rows": rows, "timings": {"seconds": 0.0}}, "card")
    split = run_stage(Split(), SplitConfig(seed=0, contamination=ContaminationConfig(policy="move_to_train")), {"records": records}, store)
    sizes = split.manifest["metrics"]["held_out_sizes"]
    console = Console(width=250, record=True)
    console.print(summary_table("curation", [("ingest", records), ("split", split)]))
    line = next(row for row in console.export_text().splitlines() if "│ split" in row)
    assert f"validation {sizes['validation']['achieved']}/20, test {sizes['test']['achieved']}/20; strata" in line

    run = record_run(store, "curation", [("ingest", records), ("split", split)],
                     started_at="2026-12-02T10:00:00+00:00", finished_at="2026-12-02T10:00:00+00:00", run_id="r1")
    html = build_report(store, run)
    assert "<th class=n>requested</th><th class=n>achieved</th>" in html
    assert f"<tr><td>test</td><td class=n>20</td><td class=n>{sizes['test']['achieved']}</td>" in html
    assert "boilerplate cut out before comparing" in html


def test_reading_the_input_in_batches_gives_what_one_read_gives_and_never_holds_more(store):
    """The step reads stored rows a batch at a time (groups, held-out prompts, train prompts, then each
    batch written with its split): the artifact (version, kept rows, dropped rows with their records,
    metrics, card) is the one a single read of a table gives, and no read returns more than a batch."""
    table, _ = preamble_rows()
    given = store.write("given", "v1", table, removed_table([]), {"stage": "given", "rows": {"in": 200, "kept": 200, "removed": 0}}, "")
    config = SplitConfig(seed=0, stratify_by="source", contamination=ContaminationConfig(policy="drop", floor=0.0))
    whole = Split().run({"records": table}, config, StageContext())
    batched = Split().run({"records": CountedRows.of(store.rows_of(given))}, config.model_copy(update={"batch_rows": 16}), StageContext())
    assert CountedRows.largest == 16
    assert batched.kept.to_pylist() == whole.kept.to_pylist()
    assert batched.removed.to_pylist() == whole.removed.to_pylist() and whole.removed.num_rows > 0
    assert batched.metrics == whole.metrics and batched.card == whole.card
    assert run_stage(Split(), config.model_copy(update={"batch_rows": 16}), {"records": given}, store).version == \
        run_stage(Split(), config, {"records": given}, store).version


def test_a_finding_names_the_first_train_row_holding_its_least_shared_n_gram():
    """Held-out n-grams are held as hashes; the example a finding shows is read back from its text:
    the least shared n-gram (as words) and the first train row, in row order, holding it."""
    rng = random.Random(5)
    question = "how many moons does the planet jupiter have according to the most recent count by astronomers"
    rows = [conversation(f"r{i:03d}", sentence(rng), "ok") for i in range(40)]
    copies = [f"copy-{k}" for k in range(12)]
    rows += [conversation(c, f"{sentence(rng)} {question}", "ok") for c in copies]
    result = run(conversations_table(rows))
    where = split_of(result.kept)
    train = [c for c in copies if where[c] == "train"]
    held = [c for c in copies if where[c] != "train"]
    assert train and held, "seed 0 puts the copies on both sides"
    examples = {e["id"]: e for e in result.metrics["contamination"]["examples"]}
    least = " ".join(min(ngrams(question, 13)))
    assert {examples[c]["train_id"] for c in held if c in examples} == {train[0]}
    assert {examples[c]["example"] for c in held if c in examples} == {least}
    assert sum(result.metrics["contamination"]["contaminated_by_split"].values()) == len(held)


def test_each_held_out_record_counts_only_the_n_grams_it_shares_with_train():
    """Held-out n-grams are held once each, whatever the records sharing them: a held-out record with no
    n-gram at all, and one sharing n-grams only with another held-out record, sit between contaminated
    ones, and each finding counts its own shared n-grams and names the first train row holding its least."""
    texts = {0: "a b c d e", 1: "x y", 2: "a b c z z", 3: "c d e f g", 4: "a b c d e f", 5: "b c z z y"}
    splits = np.array([0, 1, 2, 1, 0, 2])  # 0 and 4 train
    check = HeldOutCheck(ContaminationConfig(n=3), {}, 20)
    for i in (1, 2, 3, 5):
        check.add_held(i, texts[i])
    for i in sorted(texts):
        check.add_row(i, texts[i])
    outcome = check.outcome(splits, np.arange(6), lambda positions: ((i, f"r{i}", texts[i]) for i in sorted(positions)))
    assert {rid: (f.shared, f.ngrams, f.train_id, f.example) for rid, f in outcome.findings.items()} == {
        "r2": (1, 3, "r0", "a b c"), "r3": (2, 3, "r0", "c d e")}
    assert outcome.report["too_short_to_check"] == 1 and outcome.report["held_out_checked"] == 4
