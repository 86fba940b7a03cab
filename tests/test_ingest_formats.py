"""Each source format becomes the same canonical conversation."""

from __future__ import annotations

import json
import unicodedata

import pytest

from curate.ingest.formats import ADAPTERS, detect
from curate.ingest.normalise import conversation_id, normalise_messages, trim_trailing_user
from schemas import RecordError


def canonical(fmt: str, row: dict) -> tuple[list[dict], dict]:
    """What the ingest stage does with one record: adapter, trailing-user trim, normalisation."""
    messages, meta = ADAPTERS[fmt].convert(row)
    return normalise_messages(trim_trailing_user(messages)[0]), meta


def roles(messages: list[dict]) -> list[str]:
    return [m["role"] for m in messages]


def test_alpaca_joins_instruction_and_input_and_keeps_history_and_system():
    row = {
        "instruction": "Translate to French.",
        "input": "  Good morning  ",
        "output": "Bonjour",
        "system": "You translate.",
        "history": [["Hi", "Hello!"]],
        "category": "translation",
    }
    messages, meta = canonical("alpaca", row)
    assert roles(messages) == ["system", "user", "assistant", "user", "assistant"]
    assert messages[3]["content"] == "Translate to French.\n\nGood morning"
    assert meta == {"category": "translation"}


def test_sharegpt_maps_roles_tool_calls_and_keeps_tools():
    row = {
        "conversations": [
            {"from": "human", "value": "Weather in Paris?"},
            {"from": "function_call", "value": json.dumps({"name": "weather", "arguments": {"city": "Paris"}})},
            {"from": "observation", "value": '{"temp": 21}'},
            {"from": "gpt", "value": "It is 21 degrees."},
        ],
        "tools": '[{"name": "weather"}]',
    }
    messages, meta = canonical("sharegpt", row)
    assert roles(messages) == ["user", "assistant", "tool", "assistant"]
    call = messages[1]["tool_calls"][0]
    assert call["name"] == "weather" and json.loads(call["arguments"]) == {"city": "Paris"}
    assert meta["tools"] == '[{"name": "weather"}]'


def test_sharegpt_preference_row_keeps_chosen_as_reply_and_rejected_in_meta():
    row = {"conversations": [{"from": "human", "value": "Pick one"}], "chosen": {"from": "gpt", "value": "A"},
           "rejected": {"from": "gpt", "value": "B"}}
    messages, meta = canonical("sharegpt", row)
    assert messages[-1]["content"] == "A" and meta["rejected"]["content"] == "B"


def test_openai_content_parts_are_joined_and_tool_calls_read():
    row = {"messages": [
        {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "content": "ok"},
        {"role": "assistant", "content": "done"},
    ], "label": True}
    messages, meta = canonical("openai", row)
    assert messages[0]["content"] == "a\nb"
    assert messages[1]["tool_calls"] == [{"id": "c1", "name": "f", "arguments": "{}"}]
    assert meta == {"label": True}


def test_chatml_blocks_become_messages():
    text = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>"
    messages, _ = canonical("chatml", {"text": text})
    assert [(m["role"], m["content"]) for m in messages] == [("system", "Be brief."), ("user", "Hi"), ("assistant", "Hello")]


def test_chatml_unbalanced_markers_are_rejected():
    with pytest.raises(RecordError) as err:
        ADAPTERS["chatml"].convert({"text": "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello"})
    assert err.value.field == "text"


def test_oasst_follows_the_best_ranked_reply_and_skips_deleted():
    tree = {"message_tree_id": "t1", "prompt": {"text": "Q?", "role": "prompter", "lang": "en", "replies": [
        {"text": "second best", "role": "assistant", "rank": 1, "replies": []},
        {"text": "deleted", "role": "assistant", "rank": 0, "deleted": True, "replies": []},
        {"text": "best", "role": "assistant", "rank": 0, "replies": [
            {"text": "follow-up", "role": "prompter", "replies": []}]},
    ]}}
    messages, meta = canonical("oasst", tree)
    # The trailing prompter turn has no reply, so it is trimmed (ingest counts it; see test_ingest_real).
    assert [m["content"] for m in messages] == ["Q?", "best"]
    assert meta == {"message_tree_id": "t1", "lang": "en", "alternatives_skipped": 1}


def test_normalisation_is_nfc_and_trimmed():
    decomposed = unicodedata.normalize("NFD", "café")
    messages, _ = canonical("openai", {"messages": [{"role": "user", "content": f"  {decomposed}\n"},
                                                     {"role": "assistant", "content": "oui "}]})
    assert messages[0]["content"] == "café" and unicodedata.is_normalized("NFC", messages[0]["content"])


@pytest.mark.parametrize(
    ("turns", "reason", "field"),
    [
        ([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}], "role_order", "messages[1].role"),
        ([{"role": "assistant", "content": "a"}], "role_order", "messages[0].role"),
        ([{"role": "user", "content": "a"}, {"role": "assistant", "content": "  "}], "empty_turn", "messages[1].content"),
        ([{"role": "user", "content": "a"}, {"role": "narrator", "content": "b"}], "unknown_role", "messages[1].role"),
        ([{"role": "user", "content": "a"}], "role_order", "messages[0].role"),
        ([{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "tool", "content": "c"}],
         "role_order", "messages[2].role"),
    ],
)
def test_bad_conversations_name_the_field(turns, reason, field):
    with pytest.raises(RecordError) as err:
        canonical("openai", {"messages": turns})
    assert (err.value.reason, err.value.field) == (reason, field)
    assert field in str(err.value)


def test_detect_votes_on_the_shape_of_rows():
    assert detect([{"instruction": "a", "output": "b"}] * 3) == "alpaca"
    assert detect([{"conversations": []}]) == "sharegpt"
    assert detect([{"messages": [{"from": "human", "value": "x"}]}]) == "sharegpt"
    assert detect([{"messages": [{"role": "user", "content": "x"}]}]) == "openai"
    assert detect([{"text": "<|im_start|>user\nx<|im_end|>"}]) == "chatml"
    assert detect([{"foo": 1}]) is None


def test_ids_are_stable_and_repeats_get_their_own():
    messages = normalise_messages([{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}])
    assert conversation_id(messages) == conversation_id([dict(m) for m in messages])
    assert conversation_id(messages, 1) != conversation_id(messages)


def test_llamafactory_v1_parts_map_to_text_think_block_and_tool_calls():
    row = {"messages": [
        {"role": "user", "content": [{"type": "text", "value": "Weather"}, {"type": "text", "value": "in Paris?"}]},
        {"role": "assistant", "content": [{"type": "reasoning", "value": "Use the tool."},
                                          {"type": "tool_call", "value": json.dumps({"name": "weather", "arguments": {"city": "Paris"}})}]},
        {"role": "tool", "content": [{"type": "text", "value": '{"temp": 21}'}]},
        {"role": "assistant", "content": [{"type": "text", "value": "21 degrees."}], "loss_weight": 0.5},
    ], "tools": "[]"}
    assert detect([row]) == "llamafactory"
    messages, meta = canonical("llamafactory", row)
    assert [m["content"] for m in messages] == ["Weather\nin Paris?", "<think>\nUse the tool.\n</think>", '{"temp": 21}', "21 degrees."]
    assert messages[1]["tool_calls"] == [{"id": None, "name": "weather", "arguments": '{"city": "Paris"}'}]
    assert meta == {"tools": "[]", "reasoning_parts": 1, "loss_weights": [None, None, None, 0.5]}


def test_llamafactory_v1_unknown_part_type_names_the_part():
    row = {"messages": [{"role": "user", "content": [{"type": "image", "value": "x.png"}]}]}
    with pytest.raises(RecordError) as err:
        canonical("llamafactory", row)
    assert (err.value.reason, err.value.field) == ("wrong_type", "messages[0].content[0].type")


def test_sharegpt_preference_sides_may_be_plain_strings():
    row = {"conversations": [{"from": "human", "value": "Pick one"}], "chosen": "A", "rejected": "B"}
    messages, meta = canonical("sharegpt", row)
    assert (messages[-1]["role"], messages[-1]["content"]) == ("assistant", "A")
    assert meta["rejected"] == {"role": "assistant", "content": "B", "name": None, "tool_calls": None}


def test_sharegpt_preference_row_without_chosen_is_missing_a_field_not_silently_a_prompt():
    with pytest.raises(RecordError) as err:
        canonical("sharegpt", {"conversations": [{"from": "human", "value": "Pick"}], "rejected": "B"})
    assert (err.value.reason, err.value.field) == ("missing_field", "chosen")


def test_alpaca_ranked_output_keeps_the_best_answer_and_the_rest_in_order():
    row = {"instruction": "Best fruit?", "input": "", "output": ["Apple", "Pear", "Rock"], "history": [["Hi", "Hello"]]}
    messages, meta = canonical("alpaca", row)
    assert [m["content"] for m in messages] == ["Hi", "Hello", "Best fruit?", "Apple"]
    assert meta == {"ranked_below": ["Pear", "Rock"]}
    with pytest.raises(RecordError) as err:
        canonical("alpaca", {"instruction": "x", "output": []})
    assert (err.value.reason, err.value.field) == ("missing_field", "output")


@pytest.mark.parametrize(("preference", "kept", "tie"), [(1.0, "one", False), (1.9, "two", False), ("1.2", "one", False), (1.5, "one", True)])
def test_pairwise_annotation_keeps_the_preferred_output(preference, kept, tie):
    row = {"instruction": "Say a number", "output_1": "one", "output_2": "two", "preference": preference, "annotator": "judge"}
    assert detect([row]) == "pairwise"
    messages, meta = canonical("pairwise", row)
    assert messages[-1]["content"] == kept and meta["rejected"]["content"] == ({"one", "two"} - {kept}).pop()
    assert meta["annotator"] == "judge" and meta.get("tie", False) is tie


@pytest.mark.parametrize("preference", [0, 2.5, "best", True, None])
def test_pairwise_preference_outside_one_to_two_is_rejected(preference):
    with pytest.raises(RecordError) as err:
        canonical("pairwise", {"instruction": "x", "output_1": "a", "output_2": "b", "preference": preference})
    assert err.value.field == "preference"


SEED_TASK = {  # the public layout of yizhongw/self-instruct data/seed_tasks.jsonl
    "id": "seed_task_7", "name": "antonym_relation",
    "instruction": "What is the relation between the given pairs?",
    "instances": [{"input": "Night : Day :: Right : Left", "output": "The relation between the given pairs is that they are opposites."},
                  {"input": "", "output": ""}],
    "is_classification": False,
}


def test_self_instruct_task_gives_one_conversation_per_instance():
    adapter = ADAPTERS["self_instruct"]
    assert detect([SEED_TASK]) == "self_instruct"
    [(ref0, first), (ref1, second)] = adapter.units(SEED_TASK)
    assert (ref0, ref1) == ("#instances[0]", "#instances[1]")
    messages, meta = adapter.convert(first)
    assert [m["content"] for m in messages] == ["What is the relation between the given pairs?\n\nNight : Day :: Right : Left",
                                                "The relation between the given pairs is that they are opposites."]
    assert meta == {"id": "seed_task_7", "name": "antonym_relation", "is_classification": False, "instance": 0}
    with pytest.raises(RecordError) as err:
        normalise_messages(adapter.convert(second)[0])
    assert err.value.reason == "empty_turn"


def test_hh_transcript_becomes_the_chosen_conversation_with_the_rejected_reply_in_meta():
    row = {"chosen": "\n\nHuman: Any pen pranks?\n\nAssistant: Do you want harmless ones?\n\nHuman: yes\n\nAssistant: Swap the caps.",
           "rejected": "\n\nHuman: Any pen pranks?\n\nAssistant: Do you want harmless ones?\n\nHuman: yes\n\nAssistant: Ink their hands."}
    assert detect([row]) == "hh"
    messages, meta = canonical("hh", row)
    assert roles(messages) == ["user", "assistant", "user", "assistant"]
    assert messages[-1]["content"] == "Swap the caps." and meta["rejected"]["content"] == "Ink their hands."
    # transcripts that part before the last reply keep the rejected one whole
    parted = dict(row, rejected="\n\nHuman: Any pen pranks?\n\nAssistant: No.\n\nHuman: why\n\nAssistant: Rules.")
    assert canonical("hh", parted)[1] == {"rejected_transcript": parted["rejected"]}


def test_hh_text_before_the_first_turn_names_the_field():
    with pytest.raises(RecordError) as err:
        ADAPTERS["hh"].convert({"chosen": "\n\nHuman: hi\n\nAssistant: hello", "rejected": "preamble\n\nHuman: hi"})
    assert err.value.field == "rejected"
