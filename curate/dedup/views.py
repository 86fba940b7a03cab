"""Text views of a conversation that dedup methods compare.

Which part of a conversation makes two records "the same" is a choice:
``first_user`` catches one prompt answered twice, ``user_turns`` the same
questions in the same order, ``conversation`` the whole exchange.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

View = Literal["first_user", "user_turns", "conversation"]

_SPACE = re.compile(r"\s+")


def view_text(messages: list[dict], view: View) -> str:
    if view == "first_user":
        return next((m["content"] for m in messages if m["role"] == "user"), "")
    if view == "user_turns":
        return "\n".join(m["content"] for m in messages if m["role"] == "user")
    return "\n".join(f"{m['role']}: {m['content']}" + "".join(f" {c['name']}({c['arguments']})" for c in m.get("tool_calls") or []) for m in messages)


def normalise_for_match(text: str) -> str:
    """Case, width and whitespace differences never make two texts different."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


PROMPT_VIEWS: tuple[View, ...] = ("first_user", "user_turns")
"""Views that leave the answers out: a match on them says "same prompt", not
"same record", so dedup on them must not collapse different answers."""


def answer_text(messages: list[dict]) -> str:
    """All assistant turns, the part a prompt view leaves out."""
    return "\n".join(m["content"] for m in messages if m["role"] == "assistant")
