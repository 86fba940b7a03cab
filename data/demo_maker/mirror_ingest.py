"""A small mirror of ``curate/ingest`` (read -> adapter -> normalise) for the checker.

The generator is standard library only and ingest is not (it needs pyarrow and
the project's schemas), so the checker reads the written files with this mirror:
every malformed record must get the reason PLANTED.md promises, and every other
record must come out as the messages it was built from.
"""

from __future__ import annotations

import json
import re
import unicodedata

ROLE_ALIASES = {"system": "system", "user": "user", "human": "user", "prompter": "user", "assistant": "assistant",
                "gpt": "assistant", "bot": "assistant", "model": "assistant", "chatgpt": "assistant", "tool": "tool",
                "observation": "tool", "function": "tool", "ipython": "tool"}
CHATML_BLOCK = re.compile(r"<\|im_start\|>([^\n]*)\n(.*?)(?:<\|im_end\|>|$)", re.DOTALL)


class Reject(Exception):
    """Ingest would quarantine the row; the message is the reason code."""


def _need(row, key, kind, default=...):
    if not isinstance(row, dict):
        raise Reject("wrong_type")
    if key not in row or row[key] is None:
        if default is not ...:
            return default
        raise Reject("missing_field")
    if not isinstance(row[key], kind):
        raise Reject("wrong_type")
    return row[key]


def _role(name) -> str:
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in ROLE_ALIASES:
        raise Reject("unknown_role")
    return ROLE_ALIASES[key]


def simulate_ingest(fmt: str, row) -> list[tuple]:
    """Canonical messages as ingest would produce them, or Reject(reason)."""
    out: list[tuple] = []  # (role, content, tool_call or None)
    if fmt == "alpaca":
        instruction = _need(row, "instruction", str)
        extra = _need(row, "input", str, "")
        output = _need(row, "output", str)
        system = _need(row, "system", str, "")
        history = _need(row, "history", list, [])
        if system.strip():
            out.append(("system", system, None))
        for pair in history:
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) for t in pair)):
                raise Reject("wrong_type")
            out += [("user", pair[0], None), ("assistant", pair[1], None)]
        if not instruction.strip():
            raise Reject("empty_turn")
        prompt = instruction.strip() + ("\n\n" + extra.strip() if extra.strip() else "")
        out += [("user", prompt, None), ("assistant", output, None)]
    elif fmt == "sharegpt":
        turns = _need(row, "conversations", list)
        system = _need(row, "system", str, "")
        if system.strip():
            out.append(("system", system, None))
        for turn in turns:
            source = _need(turn, "from", str)
            value = _need(turn, "value", str)
            if source.strip().lower() == "function_call":
                try:
                    call = json.loads(value)
                except ValueError:
                    raise Reject("wrong_type") from None
                if not isinstance(call, dict) or not isinstance(call.get("name"), str):
                    raise Reject("missing_field")
                args = call.get("arguments", {})
                out.append(("assistant", "", (call["name"], args if isinstance(args, str) else json.dumps(args, ensure_ascii=False))))
            else:
                out.append((_role(source), value, None))
    elif fmt == "openai":
        for turn in _need(row, "messages", list):
            role = _role(_need(turn, "role", str))
            content = turn.get("content")
            if content is None:
                content = ""
            if not isinstance(content, str):
                raise Reject("wrong_type")
            out.append((role, content, None))
    elif fmt == "chatml":
        text = _need(row, "text", str)
        blocks = CHATML_BLOCK.findall(text)
        if not blocks:
            raise Reject("missing_field")
        if text.count("<|im_start|>") != text.count("<|im_end|>"):
            raise Reject("wrong_type")
        for header, content in blocks:
            out.append((_role(header.strip().partition(" ")[0]), content, None))
    norm = [(r, unicodedata.normalize("NFC", c).strip(), call) for r, c, call in out]
    if not norm:
        raise Reject("missing_field")
    for r, c, call in norm:
        if not c and not call:
            raise Reject("empty_turn")
    roles = [r for r, _, _ in norm]
    start = 1 if roles[0] == "system" else 0
    allowed = {"system": {"user"}, "user": {"assistant"}, "assistant": {"user", "tool"}, "tool": {"assistant", "tool"}}
    if start == len(roles) or roles[start] != "user" or roles[-1] != "assistant":
        raise Reject("role_order")
    for i in range(start + 1, len(roles)):
        if roles[i] not in allowed[roles[i - 1]] or (roles[i] == "tool" and roles[i - 1] == "assistant" and not norm[i - 1][2]):
            raise Reject("role_order")
    return norm
