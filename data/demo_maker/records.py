"""A demo record before it is written, and what one build hands to PLANTED.md.

Messages are kept in one neutral shape (role, content, tool call) until
``render`` writes them in the format of the record's file, so a planted problem
is described once and can land in any of the four formats.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .fake_pii import fill, fill_obj


class Rec:
    """One record of a source file.

    ``kind`` is what was planted (``base``, ``multi_turn``, ``exact_copy``,
    ``near_dup``, ``same_prompt``, ``quality``, ``pii``, ``tool``, ``malformed``);
    ``note`` says more about it. ``split`` is an Alpaca (instruction, input) pair,
    ``system_key`` puts a ShareGPT system prompt in the ``system`` key instead of
    a turn, and ``alpaca_category`` whether an Alpaca row gets its category. A
    malformed record is written from ``raw`` bytes (JSON Lines) or ``obj`` (the
    Alpaca array) and carries the ``reason`` ingest must give. ``line`` is set
    once the file's order is known.
    """

    def __init__(self, rid: str, file: str, msgs: list[dict] | None = None, *, kind: str = "base",
                 category: str | None = None, split: tuple[str, str] | None = None, tools: list[str] | None = None,
                 system_key: bool = False, alpaca_category: bool = True, raw: bytes | None = None,
                 obj: dict | None = None, reason: str | None = None, note: str = ""):
        self.rid, self.file, self.msgs, self.kind = rid, file, msgs or [], kind
        self.category, self.split, self.tools = category, split, tools
        self.system_key, self.alpaca_category = system_key, alpaca_category
        self.raw, self.obj, self.reason, self.note = raw, obj, reason, note
        self.after: Rec | None = None  # a within-file copy goes after this record
        self.pii: list[tuple[str, str]] = []  # (kind, value) planted in this record
        self.line = 0

    @property
    def ref(self) -> str:
        return f"{self.file}:{self.line}"


def msg(role: str, content: str = "", call: dict | None = None) -> dict:
    return {"role": role, "content": content, "call": call}


def conversation(turns: list[tuple[str, str]], system: str | None = None) -> list[dict]:
    out = [msg("system", system)] if system else []
    for q, a in turns:
        out += [msg("user", q), msg("assistant", a)]
    return out


def spec_messages(spec: list[list], secrets: dict[str, str], system: str | None) -> list[dict]:
    """Messages from the ``[role, payload]`` pairs of ``texts/pii.json`` and ``texts/tool_calls.json``, tokens filled.

    A ``call`` payload is ``{"name", "arguments"}`` (an assistant turn that calls a
    tool); a ``tool`` payload is the tool's result, written as JSON text.
    """
    out = [msg("system", system)] if system else []
    for role, payload in spec:
        if role == "call":
            out.append(msg("assistant", "", fill_obj(payload, secrets)))
        elif role == "tool":
            out.append(msg("tool", fill(json.dumps(payload, ensure_ascii=False), secrets)))
        else:
            out.append(msg(role, fill(payload, secrets)))
    return out


@dataclass
class Demo:
    """Everything one build planted and the checker measured; PLANTED.md and the printed summary are written from it."""

    seed: int
    ordered: dict[str, list[Rec]]  # file -> records in file order
    exact_groups: list[dict]  # {"group", "original", "copies"}
    near_pairs: list[tuple[tuple[Rec, Rec], float]]  # ((variant, original), 5-gram Jaccard)
    same_groups: list[dict]  # {"group", "prompt", "members"}
    quality: list[Rec]
    pii: list[Rec]
    tools: list[Rec]  # every tool-call conversation, PII or not
    bad: list[Rec]
    reasons: dict[str, dict[str, int]]  # file -> quarantine reason -> count
    ledger: list[dict]
    worst: tuple[float, str, str]  # the most similar pair of unrelated records
    general_vs_demo: float
    general_count: int
    canon: dict[int, list[tuple]]  # id(rec) -> messages as ingest gives them
