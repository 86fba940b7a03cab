"""Planted malformed records, each with the reason code ingest must quarantine it with.

Kept in Python rather than ``texts/``: the point of most of them is their exact
bytes (a line cut mid-string, the invalid UTF-8 bytes ``FF FE``), which JSON
cannot hold.
"""

from __future__ import annotations

import json

from .records import Rec


def _line(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def malformed_records() -> list[Rec]:
    """JSON Lines records carry ``raw`` bytes; Alpaca ones an ``obj`` that is written as an array element."""
    specs = [
        {"id": "bad_sharegpt_truncated", "file": "sharegpt.jsonl", "reason": "invalid_json",
         "raw": b'{"conversations": [{"from": "human", "value": "How do I fold a fitted sheet?"}, {"from": "gpt", "value": "Hold it inside out with your hands in two cor'},
        {"id": "bad_sharegpt_utf8", "file": "sharegpt.jsonl", "reason": "invalid_utf8",
         "raw": b'{"conversations": [{"from": "human", "value": "What does the symbol \xff\xfe mean in this file header?"}, {"from": "gpt", "value": "Those two bytes look like a UTF-16 byte order mark."}]}'},
        {"id": "bad_sharegpt_narrator", "file": "sharegpt.jsonl", "reason": "unknown_role",
         "raw": _line({"conversations": [{"from": "human", "value": "Tell me a short bedtime story about a fox."},
                                         {"from": "narrator", "value": "Once upon a time, a small fox lived at the edge of a birch forest."},
                                         {"from": "gpt", "value": "The fox curled up under the stars and fell asleep. The end."}]})},
        {"id": "bad_sharegpt_two_humans", "file": "sharegpt.jsonl", "reason": "role_order",
         "raw": _line({"conversations": [{"from": "human", "value": "What's a good stretch for tight hamstrings?"},
                                         {"from": "human", "value": "Ideally one I can do at my desk."},
                                         {"from": "gpt", "value": "Try a seated hamstring stretch: sit on the edge of the chair, extend one leg with the heel on the floor, and hinge forward from the hips until you feel a gentle stretch."}]})},
        {"id": "bad_sharegpt_blank_reply", "file": "sharegpt.jsonl", "reason": "empty_turn",
         "raw": _line({"conversations": [{"from": "human", "value": "Can you suggest a name for my new bakery?"},
                                         {"from": "gpt", "value": "   "}]})},
        {"id": "bad_sharegpt_string_turns", "file": "sharegpt.jsonl", "reason": "wrong_type",
         "raw": _line({"conversations": "human: What is the boiling point of olive oil?\ngpt: Olive oil does not really boil in a kitchen; it starts to smoke first."})},
        {"id": "bad_openai_truncated", "file": "openai.jsonl", "reason": "invalid_json",
         "raw": b'{"messages": [{"role": "user", "content": "What is a good name for a goldfish?"}, {"role": "assistant", "content": "How about Bubbles'},
        {"id": "bad_openai_no_content", "file": "openai.jsonl", "reason": "empty_turn",
         "raw": _line({"messages": [{"role": "user", "content": "Can you recommend a podcast about ancient history?"}, {"role": "assistant"}], "category": "history"})},
        {"id": "bad_openai_ends_with_user", "file": "openai.jsonl", "reason": "role_order",
         "raw": _line({"messages": [{"role": "user", "content": "How many cups of coffee a day is too many?"},
                                    {"role": "assistant", "content": "For most healthy adults, up to about 400 mg of caffeine a day, roughly four cups of brewed coffee, is considered safe."},
                                    {"role": "user", "content": "And what about tea?"}], "category": "health"})},
        {"id": "bad_alpaca_no_output", "file": "alpaca.json", "reason": "missing_field",
         "obj": {"instruction": "List three uses for baking soda around the house.", "input": ""}},
        {"id": "bad_alpaca_empty_output", "file": "alpaca.json", "reason": "empty_turn",
         "obj": {"instruction": "Name the three primary colours of paint.", "input": "", "output": ""}},
    ]
    return [Rec(s["id"], s["file"], kind="malformed", raw=s.get("raw"), obj=s.get("obj"), reason=s["reason"]) for s in specs]
