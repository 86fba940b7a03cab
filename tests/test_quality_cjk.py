"""Quality signals on Chinese: a character is a token, so a looping answer is
caught, ordinary answers are not, and "as an AI" boilerplate is a refusal."""

from __future__ import annotations

import json

import pytest

from curate.quality.signals import repetition_ratio, score_conversation
from curate.quality.stage import FilterConfig, FilterQuality, ScoreConfig, ScoreQuality
from curate.stage import StageContext
from tests.conftest import conversation, conversations_table


@pytest.fixture
def alpaca_zh(shared_datasets) -> list[dict]:
    return json.loads((shared_datasets / "real/alpaca_zh/alpaca_zh_demo.json").read_text())


def test_a_looping_chinese_answer_repeats_and_an_ordinary_one_does_not(alpaca_zh):
    answer = alpaca_zh[0]["output"]
    assert repetition_ratio(answer) < 0.1
    looping = answer[:60] + answer[10:22] * 12  # a generation stuck on one clause, no punctuation between
    assert repetition_ratio(looping) > 0.3
    assert repetition_ratio("非常" * 40) > 0.9


def test_no_ordinary_chinese_answer_crosses_the_default_threshold(alpaca_zh):
    """Character 3-grams would flag 4 of these 1,000 answers; n scaled to 5 characters flags none,
    as word 3-grams flag 1 of 2,280 English alpaca answers (see CJK_CHARS_PER_WORD)."""
    assert max(repetition_ratio(r["output"]) for r in alpaca_zh) <= FilterConfig().max_repetition


def test_chinese_words_and_tokens_count_characters(alpaca_zh):
    row = alpaca_zh[1]  # "输出： \"雷霆，公牛和网队：各显神通，角逐群雄!\""
    signals = score_conversation(conversation("zh", row["instruction"] + row["input"], row["output"])["messages"])
    answer_chars = sum(1 for ch in row["output"] if "\u4e00" <= ch <= "\u9fff")
    assert signals["words"] >= answer_chars and signals["tokens"] > signals["words"] > 20


def test_filter_quality_drops_the_loop_and_the_ai_boilerplate_and_keeps_the_rest(alpaca_zh):
    ordinary = [conversation(f"zh-{i}", r["instruction"] + r["input"], r["output"]) for i, r in enumerate(alpaca_zh[:8])]
    boilerplate = next(r for r in alpaca_zh if r["output"].startswith("作为一个人工智能助手，我无法"))
    planted = [conversation("loop", "描述秋天。", "秋天的树叶" + "非常非常美丽" * 15),
               conversation("as-an-ai", boilerplate["instruction"], boilerplate["output"])]
    scored = ScoreQuality().run({"records": conversations_table(ordinary + planted)}, ScoreConfig(), StageContext()).kept
    result = FilterQuality().run({"records": scored}, FilterConfig(), StageContext())
    assert sorted((r["id"], r["reason"]) for r in result.removed.to_pylist()) == [
        ("as-an-ai", "quality:refusal"), ("loop", "quality:repetition")]
    assert result.kept.num_rows == len(ordinary)
