"""Quality: pure scorers answer for one record; filter_quality drops planted bad
records with their reason, and a dry run drops nothing but reports."""

from __future__ import annotations

import json

import pytest

from curate.quality.signals import detect_language, is_placeholder, non_printable_share, refusal_phrases, repetition_ratio, score_conversation
from curate.quality.stage import FilterConfig, FilterQuality, ScoreConfig, ScoreQuality
from curate.stage import StageContext
from tests.conftest import conversation, conversations_table

GOOD = "Preheat the oven, whisk flour with eggs and milk, then bake the batter for twenty minutes until golden."

PLANTED = {
    "placeholder": conversation("bad-placeholder", "Summarise this article about rivers.", "N/A"),
    "refusal": conversation("bad-refusal", "Write a poem about the sea.", "As an AI language model, I cannot help with writing poems."),
    "repetition": conversation("bad-repetition", "Tell me about cats.", "cats are great " * 30),
    "language": conversation("bad-language", "Wie backe ich einen Kuchen mit Äpfeln?", "Man nimmt Mehl, Eier, Zucker und Äpfel und backt alles eine Stunde lang im Ofen."),
    "non_printable": conversation("bad-nonprintable", "Explain photosynthesis.", "Plants\x00\x01\x02 use\x03\x04 light\x05\x06\x07 to make sugar\x08\x0b\x0c from water."),
}


def good_rows(n: int = 4) -> list[dict]:
    return [conversation(f"good-{i}", f"How do I bake cake number {i}?", GOOD) for i in range(n)]


def test_scorers_answer_for_one_text():
    assert repetition_ratio("a b c d e f g") == 0.0
    assert repetition_ratio("la la la la la la la la") > 0.7
    assert refusal_phrases("I\u2019m sorry, but I can\u2019t do that") == ["i'm sorry, but i can't"]
    assert is_placeholder("  n/a. ") and is_placeholder("") and not is_placeholder("No, it is not.")
    assert non_printable_share("ab\x00\x01") == 0.5 and non_printable_share("tab\tand\nnewline") == 0.0
    assert detect_language("The quick brown fox jumps over the lazy dog.")[0] == "en"
    assert detect_language("1234 5678") == ("und", 0.0)


def test_signals_count_turns_ratio_and_tokens():
    s = score_conversation(conversation("x", "Hi there?", "Hello, friend!")["messages"])
    assert s["turns"] == 2 and s["tokens"] == 3 + 4  # words and punctuation marks each count once
    assert s["answer_prompt_ratio"] == round(len("Hello, friend!") / len("Hi there?"), 4)
    assert s["placeholder_answer"] is False and s["refusal"] == []


def test_score_quality_puts_signals_in_meta_and_keeps_every_row():
    table = conversations_table(good_rows(3))
    result = ScoreQuality().run({"records": table}, ScoreConfig(), StageContext())
    assert result.kept.num_rows == 3 and result.removed.num_rows == 0
    quality = json.loads(result.kept.column("meta")[0].as_py())["quality"]
    assert quality["language"] == "en" and quality["turns"] == 2 and 0 < quality["score"] <= 1
    assert result.metrics["signals"]["turns"]["p50"] == 2
    assert table.column("meta")[0].as_py() == "{}"  # the input table is not mutated


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_each_filter_drops_its_planted_record_with_reason(name):
    table = conversations_table(good_rows() + [PLANTED[name]])
    scored = ScoreQuality().run({"records": table}, ScoreConfig(), StageContext()).kept
    result = FilterQuality().run({"records": scored}, FilterConfig(languages=("en",)), StageContext())
    removed = result.removed.to_pylist()
    assert [(r["id"], r["reason"]) for r in removed] == [(PLANTED[name]["id"], f"quality:{name}")]
    assert "threshold" in removed[0]["detail"] and removed[0]["record"]  # the row as it entered is kept for audit
    assert result.kept.num_rows == 4


def test_repetition_detail_names_value_and_threshold():
    table = conversations_table([PLANTED["repetition"]])
    result = FilterQuality().run({"records": table}, FilterConfig(max_repetition=0.5), StageContext())
    detail = result.removed.column("detail")[0].as_py()
    value = float(detail.removeprefix("repeated n-gram share: value ").split(",")[0])
    assert value > 0.9 and "threshold 0.5" in detail


def test_dry_run_drops_nothing_but_reports_every_filter():
    table = conversations_table(good_rows() + list(PLANTED.values()))
    result = FilterQuality().run({"records": table}, FilterConfig(languages=("en",), dry_run=True), StageContext())
    assert result.kept.num_rows == table.num_rows and result.removed.num_rows == 0
    counts = result.metrics["would_drop_by_filter"]
    assert all(counts[f"quality:{name}"] >= 1 for name in PLANTED)
    assert result.metrics["would_drop_any"] == len(PLANTED)
    assert "dry run" in result.card


def test_filters_switched_off_drop_nothing():
    table = conversations_table(list(PLANTED.values()))
    off = FilterConfig(drop_placeholder_answers=False, drop_refusals=False, max_repetition=None, max_non_printable=None, min_answer_chars=None)
    assert FilterQuality().run({"records": table}, off, StageContext()).removed.num_rows == 0


def test_a_tool_calling_turn_is_not_an_empty_answer():
    from curate.quality.signals import score_conversation

    messages = [
        {"role": "user", "content": "Weather in Oslo?", "name": None, "tool_calls": None},
        {"role": "assistant", "content": "", "name": None,
         "tool_calls": [{"id": None, "name": "weather", "arguments": '{"city": "Oslo"}'}]},
        {"role": "tool", "content": '{"temp": -2}', "name": None, "tool_calls": None},
        {"role": "assistant", "content": "It is -2 °C in Oslo.", "name": None, "tool_calls": None},
    ]
    assert score_conversation(messages)["placeholder_answer"] is False
    messages[-1] = {**messages[-1], "content": "N/A"}
    assert score_conversation(messages)["placeholder_answer"] is True


def test_an_answer_that_echoes_its_question_in_a_tool_call_is_not_a_loop():
    # toolformer (real data) answers quote their query inside the call once
    echo = "The integral of sin(x) from 0 to pi is wolfram('integral of sin(x) from 0 to pi')."
    assert repetition_ratio(echo) == 0.0
    assert repetition_ratio(echo + " " + " ".join(["integral of sin(x) from 0 to pi"] * 3)) > 0.3
