"""decontaminate: rows holding a benchmark item are dropped or flagged, named, with their coverage.

Benchmark texts are read from ../shared/benchmarks at test time (the project
ships only the hashed index), so those tests skip when the folder is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from curate.decontam.benchmarks import benchmark_items
from curate.decontam import paraphrase
from curate.decontam.index import SHIPPED, build_from_folder, index_version, indexed_fields, save
from curate.decontam.normalise import tokens
from curate.decontam.stage import REASON, Decontaminate, DecontaminateConfig, EvalSet
from curate.embed.stage import Embed, EmbedConfig
from curate.ingest.read import UnreadableInput
from curate.stage import StageContext
from pipelines.cli import app
from tests.conftest import ROOT, conversation, conversations_table

BENCHMARKS = ROOT.parent / "shared" / "benchmarks"


@pytest.fixture(scope="module")
def items() -> dict[str, list]:
    if not BENCHMARKS.is_dir():
        pytest.skip(f"{BENCHMARKS} is absent: the benchmark files are only beside the checkout in CI and dev sessions")
    by: dict[str, list] = {}
    for item in benchmark_items(BENCHMARKS):
        by.setdefault(item.benchmark, []).append(item)
    return by


def run(rows, **config):
    return Decontaminate().run({"records": conversations_table(rows)}, DecontaminateConfig(**config), StageContext())


def test_normalisation_ignores_case_width_punctuation_and_digit_groups():
    assert tokens("She sold 1,000 ＥＧＧＳ — at “$2.50”!") == tokens("she sold 1000 eggs at 2 50") == \
        ["she", "sold", "1000", "eggs", "at", "2", "50"]


def test_drop_removes_a_gsm8k_question_with_reason_detail_and_coverage(items):
    question = items["gsm8k"][0].fields["question"]
    rows = [conversation("plain", "Question: " + question.upper(), "The answer is 18."),
            conversation("answer", "Name a colour.", question),  # a model's copy of the question, in the assistant turn
            conversation("clean", "Name three primary colours.", "Red, yellow and blue.")]
    result = run(rows)
    removed = {r["id"]: r for r in result.removed.to_pylist()}
    assert set(removed) == {"plain", "answer"}
    assert result.kept.column("id").to_pylist() == ["clean"]
    assert all(r["reason"] == REASON and r["score"] == 1.0 for r in removed.values())
    assert removed["plain"]["detail"].startswith("gsm8k item test/0 (question, whole item): \"janet s ducks lay 16 eggs")
    assert result.metrics["benchmark_hits"] == {"gsm8k": 2}


def test_user_view_only_misses_the_assistant_copy(items):
    question = items["gsm8k"][0].fields["question"]
    result = run([conversation("answer", "Name a colour.", question)], views=("user",))
    assert result.removed.num_rows == 0


def test_flag_keeps_the_row_and_marks_meta(items):
    prompt = items["ifeval"][0].fields["prompt"]
    result = run([conversation("a", prompt, "Done."), conversation("b", "Say hi.", "Hi.")], policy="flag")
    assert result.removed.num_rows == 0 and result.kept.num_rows == 2
    metas = [json.loads(m) for m in result.kept.column("meta").to_pylist()]
    assert metas[0]["benchmark_contamination"]["benchmark"] == "ifeval"
    assert metas[0]["benchmark_contamination"]["item_id"] == items["ifeval"][0].item_id
    assert metas[0]["benchmark_contamination"]["coverage"] == 1.0
    assert "benchmark_contamination" not in metas[1]


def test_a_partial_copy_scores_its_coverage(items):
    words = items["gsm8k"][1].fields["question"].split()
    half = " ".join(words[: len(words) * 2 // 3])
    result = run([conversation("a", half, "ok")])
    [row] = result.removed.to_pylist()
    assert 0.3 <= row["score"] < 1.0
    assert f"{row['score']:.0%} of its n-grams" in row["detail"]


def test_a_light_edit_is_found_by_the_fine_check(items):
    """Two words of a 25-word GSM8K question, twelve apart, swapped or replaced: the 8-grams over
    them are most of the item's, but the tokens left in 4-gram runs still make up most of it
    (the near check finds it too, and a fine hit ranks first)."""
    words = items["gsm8k"][3].fields["question"].split()
    for i in range(5, len(words) - 1, 12):
        words[i], words[i + 1] = (words[i + 1], words[i]) if i % 2 else ("maybe", words[i + 1])
    row = conversation("edited", " ".join(words), "ok")
    assert run([row], fine_threshold=None, near_threshold=None).removed.num_rows == 0
    [removed] = run([row]).removed.to_pylist()
    assert "test/3" in removed["detail"] and "of its tokens in 4-gram runs" in removed["detail"]
    assert DecontaminateConfig().fine_threshold <= removed["score"] < 1.0


def _mmlu(items, short: bool, least: int = 3):
    """An MMLU item whose stem is shorter than 8 tokens (at least ``least``: needs its options),
    or one of 16+ tokens."""
    for item in items["mmlu"]:
        size = len(tokens(item.fields["question"]))
        if (least <= size < 8 if short else size >= 16) and all(len(tokens(o)) >= 2 for o in item.options):
            return item
    raise AssertionError("no such MMLU item")


def _brief(items, benchmark: str, field: str):
    """An item of 10-15 tokens (under 2n: a brief field), without options."""
    for item in items[benchmark]:
        if not item.options and 10 <= len(tokens(item.fields[field])) < 16:
            return item
    raise AssertionError(f"no brief {benchmark} item")


def test_a_light_edit_of_a_short_item_is_found_by_the_near_check(items):
    """Two words of a 10-15 token MBPP prompt replaced leave few of its 8-grams and 4-grams whole,
    but most of its tokens in order: the near check aligns the item with the row's line."""
    item = _brief(items, "mbpp", "text")
    words = item.fields["text"].split()
    words[2], words[-3] = "very", "thing"
    row = conversation("edited", " ".join(words), "def f(): pass")
    assert run([row], near_threshold=None).removed.num_rows == 0
    [removed] = run([row]).removed.to_pylist()
    assert f"mbpp item {item.item_id}" in removed["detail"] and "aligned with the row" in removed["detail"]
    assert DecontaminateConfig().near_threshold <= removed["score"] < 1.0


def test_the_near_check_reads_only_a_line_the_item_makes_up(items):
    """The same edited prompt as one clause of a long line is a phrase in other text, not the item asked."""
    words = _brief(items, "mbpp", "text").fields["text"].split()
    words[2], words[-3] = "very", "thing"
    line = ("Last spring our team kept a list of exercises for new hires, and one of them, which we liked, went: "
            + " ".join(words) + " but we dropped it when the course moved online and the notes were lost.")
    assert run([conversation("prose", "Tell me about your course.", line)]).removed.num_rows == 0


def test_a_long_multiple_choice_stem_matches_with_options_reordered_or_dropped(items):
    item = _mmlu(items, short=False)
    stem, options = item.fields["question"], item.options
    rows = [conversation("reordered", stem + "\n" + "\n".join(f"({k}) {o}" for k, o in zip("ABCD", reversed(options))), "B"),
            conversation("dropped", stem, "I think it is the second.")]
    assert run(rows).removed.num_rows == 2


def test_a_short_multiple_choice_stem_needs_its_options_or_a_message_of_its_own(items):
    """A 6-7 token stem names its item with its options, or asked alone as a whole message; as a
    line of an answer it is a phrase; under 6 tokens it needs its options."""
    item = _mmlu(items, short=True, least=6)
    stem, options = item.fields["question"], item.options
    rows = [conversation("with", stem + "\n" + "\n".join(f"{k}. {o}" for k, o in zip("ABCD", options)), "A"),
            conversation("alone", stem, "I could not say."),
            conversation("in an answer", "Any notes?", f"Some notes.\n{stem}\nThat is all.")]
    assert sorted(run(rows).removed.column("id").to_pylist()) == ["alone", "with"]
    tiny = next(i for i in items["mmlu"] if 3 <= len(tokens(i.fields["question"])) < 6 and i.options)
    assert run([conversation("tiny", tiny.fields["question"], "?")]).removed.num_rows == 0


def test_a_paraphrase_is_kept_and_marked_for_review_given_embeddings():
    """"How many days are left until Christmas?" shares no n-gram run with AlpacaEval's "How many
    days is it until Christmas?"; its MiniLM vector is close, so the row stays, marked."""
    rows = conversations_table([conversation("reworded", "How many days are left until Christmas?", "It depends on today's date."),
                                conversation("clean", "Name three primary colours.", "Red, yellow and blue.")])
    embeddings = Embed().run({"records": rows}, EmbedConfig(), StageContext()).kept
    result = Decontaminate().run({"records": rows, "embeddings": embeddings}, DecontaminateConfig(), StageContext())
    assert result.removed.num_rows == 0
    metas = {r["id"]: json.loads(r["meta"]) for r in result.kept.to_pylist()}
    marked = metas["reworded"]["benchmark_paraphrase"]
    assert (marked["benchmark"], marked["item_id"]) == ("alpaca_eval", "oasst/461") and marked["cosine"] >= 0.9
    assert "benchmark_paraphrase" not in metas["clean"]
    assert result.metrics["paraphrase_flags"] == 1 and "1 kept rows have cosine >= 0.9" in result.card
    unembedded = Decontaminate().run({"records": rows}, DecontaminateConfig(), StageContext())
    assert unembedded.metrics["paraphrase_flags"] == 0 and "Paraphrase check: off" in unembedded.card


def test_the_shipped_item_vectors_match_a_rebuild(items):
    """The onnx-int8 encoder quantises activations per batch, so a vector depends a little on its
    batch-mates: a rebuilt sample (other batches) agrees with the shipped vectors to cosine 0.97."""
    fields = indexed_fields(benchmark_items(BENCHMARKS))
    sample = list(range(0, len(fields), len(fields) // 24))[:24]
    rebuilt = paraphrase.build([fields[i][0].fields[fields[i][1]] for i in sample]).astype(float)
    shipped = np.load(SHIPPED / paraphrase.FILE)[sample].astype(float)
    cosine = (rebuilt * shipped).sum(axis=1) / np.linalg.norm(rebuilt, axis=1) / np.linalg.norm(shipped, axis=1)
    assert cosine.min() >= 0.97


def test_only_the_benchmarks_asked_for(items):
    question = items["gsm8k"][0].fields["question"]
    assert run([conversation("a", question, "18")], benchmarks=("mmlu", "arc")).removed.num_rows == 0


def test_clean_alpaca_rows_are_kept(shared_datasets):
    rows = json.loads((shared_datasets / "alpaca" / "alpaca_en_demo.json").read_text())[:200]
    result = run([conversation(str(i), r["instruction"] + "\n" + r["input"], r["output"]) for i, r in enumerate(rows)])
    assert result.removed.num_rows == 0


def test_a_user_eval_set_is_checked_and_fingerprinted(tmp_path):
    evals = tmp_path / "evals.jsonl"
    evals.write_text(json.dumps({"prompt": "Summarise the quarterly logistics memo for the Lisbon warehouse team in three bullet points."}) + "\n")
    config = DecontaminateConfig(eval_sets=(EvalSet(path="evals.jsonl", name="ours", text_field="prompt"),), root=str(tmp_path))
    rows = [conversation("a", "Please: summarise the quarterly logistics memo for the Lisbon warehouse team in three bullet points!", "ok")]
    result = Decontaminate().run({"records": conversations_table(rows)}, config, StageContext())
    assert result.removed.to_pylist()[0]["detail"].startswith("ours item evals.jsonl/0 (prompt")
    external = Decontaminate().external_inputs(config)
    assert external[0] == {"path": "curate/decontam/index", "sha256": index_version(),
                           "bytes": sum(p.stat().st_size for p in SHIPPED.iterdir())}
    assert external[1]["path"] == "evals.jsonl" and len(external[1]["sha256"]) == 64


@pytest.mark.parametrize("content, message", [
    (None, "evals.jsonl: eval set not found"),
    ("", "evals.jsonl: eval set holds no record with a text field 'text'"),
    ('{"text": "fine"}\n{"text": \n', "evals.jsonl: line 2 is not valid JSON"),
])
def test_a_bad_eval_set_is_one_line_naming_it_and_nothing_is_written(tmp_path, content, message):
    if content is not None:
        (tmp_path / "evals.jsonl").write_text(content)
    config = DecontaminateConfig(eval_sets=(EvalSet(path="evals.jsonl"),), root=str(tmp_path))
    with pytest.raises(UnreadableInput, match=message):
        Decontaminate().external_inputs(config)
    data = tmp_path / "data.jsonl"
    data.write_text(json.dumps({"instruction": "Say hi.", "output": "Hi."}) + "\n")
    eval_path = tmp_path / "evals.jsonl"
    before = sorted(tmp_path.rglob("*"))
    result = CliRunner().invoke(app, ["decontaminate", str(data), "--eval", str(eval_path)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and f"{eval_path}:" in result.output
    assert sorted(tmp_path.rglob("*")) == before


def test_the_cli_prints_hits_and_exits_1(tmp_path, items):
    data = tmp_path / "data.jsonl"
    data.write_text(json.dumps({"instruction": items["humaneval"][0].fields["prompt"], "output": "pass"}) + "\n"
                    + json.dumps({"instruction": "Say hi.", "output": "Hi."}) + "\n")
    result = CliRunner().invoke(app, ["decontaminate", str(data)])
    assert result.exit_code == 1, result.output
    assert "2 rows checked" in result.output and "humaneval: 1" in result.output and "HumanEval/0" in result.output


def test_the_cli_lists_paraphrases_for_review_without_failing(tmp_path):
    data = tmp_path / "data.jsonl"
    data.write_text(json.dumps({"instruction": "How many days are left until Christmas?", "output": "It depends."}) + "\n")
    result = CliRunner().invoke(app, ["decontaminate", str(data), "--paraphrase"])
    assert result.exit_code == 0, result.output
    assert "0 hold a benchmark item" in result.output and "alpaca_eval item oasst/461 (cosine" in result.output


def test_the_shipped_index_is_the_one_the_script_builds(tmp_path, items):
    index, inputs = build_from_folder(BENCHMARKS)
    save(index, tmp_path, inputs)
    for name in ("benchmarks.json", "benchmarks.bin"):
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), (
            f"{name} differs: rebuild with `.venv/bin/python scripts/build_benchmark_index.py`")


def test_the_report_has_a_contamination_section(items):
    from curate.report.collect import ReportData
    from curate.report.render import render

    result = run([conversation("a", items["gsm8k"][0].fields["question"], "18")])
    run_info = {"flow": "curation", "name": "r1", "started_at": "t0", "finished_at": "t1", "computed": 1, "cached": 0}
    html = render(ReportData(run=run_info, contamination=[{"step": "decontaminate", **{
        k: result.metrics[k] for k in ("policy", "benchmark_hits", "examples")}}]))
    assert "<h2>Benchmark contamination</h2>" in html and "<code>test/0</code> 1.00 janet s ducks" in html
    assert "### Benchmark contamination" in result.card and "| gsm8k | 1 | test/0 (1.00)" in result.card
