"""Applying findings: placeholders, seeded pseudonyms, and JSON-aware redaction.

A conversation is redacted as a batch of *slots* (message contents, and the
string leaves of JSON tool arguments and tool results), so one ``find_pii``
call covers a whole shard; a name found in one turn is then redacted in every
turn of its conversation. JSON stays JSON: keys and structure are kept, only
string values (and long numbers, which can be card or phone numbers) change.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from curate.pii.finding import Finding
from curate.pii.persons import PERSON, name_tokens, other_mentions
from curate.pii.policy import PiiPolicy

_FIRST = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Robin", "Jamie", "Avery", "Riley",
          "Quinn", "Drew", "Harper", "Rowan", "Sage", "Blake", "Emery", "Finley", "Hayden", "Parker")
_LAST = ("Rivera", "Nguyen", "Okafor", "Larsen", "Moreau", "Tanaka", "Kowalski", "Haddad", "Silva", "Novak",
         "Fischer", "Patel", "Lindqvist", "Brennan", "Costa", "Ivanova", "Mensah", "Duarte", "Keller", "Sato")
_MIN_NUMBER_DIGITS = 7  # JSON numbers shorter than this cannot be a phone or card number


def placeholder(entity: str) -> str:
    return f"<{entity}>"


class Pseudonymizer:
    """Same value + same seed -> same fake, in every record and every run.

    The fake is derived from a keyed hash, so no mapping table holding raw
    values is ever kept; fakes use reserved ranges (example.com, 555-01xx)."""

    def __init__(self, seed: int) -> None:
        self._key = hashlib.blake2b(str(seed).encode(), digest_size=16).digest()

    def _digest(self, entity: str, value: str) -> bytes:
        norm = " ".join(value.split()).casefold()
        return hashlib.blake2b(f"{entity}\0{norm}".encode(), key=self._key, digest_size=16).digest()

    def __call__(self, entity: str, value: str) -> str:
        h = self._digest(entity, value)
        n = int.from_bytes(h[:8], "big")
        if entity == "PERSON":
            return f"{_FIRST[n % len(_FIRST)]} {_LAST[(n // len(_FIRST)) % len(_LAST)]}"
        if entity == "EMAIL_ADDRESS":
            return f"user{h.hex()[:8]}@example.com"
        if entity == "PHONE_NUMBER":
            return f"+1-555-01{n % 100:02d}-{(n // 100) % 10000:04d}"
        return f"<{entity}_{h.hex()[:8]}>"


def redact_text(text: str, findings: Sequence[Finding], policy: PiiPolicy, pseudonym: Pseudonymizer) -> str:
    """``text`` with each finding replaced per the policy (``drop`` entities get a placeholder)."""
    out, last = [], 0
    for f in sorted(findings, key=lambda f: f.start):
        out.append(text[last:f.start])
        if policy.operator_for(f.entity) == "pseudonym":
            out.append(pseudonym(f.entity, text[f.start:f.end]))
        else:
            out.append(placeholder(f.entity))
        last = f.end
    out.append(text[last:])
    return "".join(out)


def parse_json_container(text: str) -> Any | None:
    """The parsed object or array, or None when ``text`` is not a JSON container."""
    stripped = text.lstrip()
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict | list) else None


def json_leaves(value: Any) -> list[str]:
    """String leaves (and long numbers, as text) in document order; keys are kept as they are."""
    leaves: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for item in v.values():
                walk(item)
        elif isinstance(v, list):
            for item in v:
                walk(item)
        elif isinstance(v, str):
            leaves.append(v)
        elif isinstance(v, int) and not isinstance(v, bool) and len(str(abs(v))) >= _MIN_NUMBER_DIGITS:
            leaves.append(str(v))

    walk(value)
    return leaves


def replace_json_leaves(value: Any, replacements: list[str]) -> Any:
    """A copy of ``value`` with leaves (as ``json_leaves`` orders them) replaced; a changed number becomes a string."""
    it = iter(replacements)

    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: walk(item) for k, item in v.items()}
        if isinstance(v, list):
            return [walk(item) for item in v]
        if isinstance(v, str):
            return next(it)
        if isinstance(v, int) and not isinstance(v, bool) and len(str(abs(v))) >= _MIN_NUMBER_DIGITS:
            new = next(it)
            return v if new == str(v) else new
        return v

    return walk(value)


@dataclass
class _Slot:
    """Where one piece of text lives: a message field or a JSON container of leaves."""

    msg: int
    field: str  # "content" or "tool_calls.<i>.arguments"
    container: Any = None  # parsed JSON, or None for plain text
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RedactedConversation:
    messages: list[dict]
    counts: dict[str, int]
    """Findings per entity type (never values)."""
    drop_entities: tuple[str, ...]
    """Entity types found whose operator is ``drop``; non-empty means remove the record."""
    changed_texts: tuple[str, ...]
    """Redacted texts that changed, for card examples."""


def _slots(messages: Sequence[dict]) -> list[_Slot]:
    slots = []
    for m, msg in enumerate(messages):
        content = msg.get("content") or ""
        parsed = parse_json_container(content) if msg.get("role") == "tool" or content.lstrip()[:1] in ("{", "[") else None
        slots.append(_Slot(m, "content", parsed, json_leaves(parsed) if parsed is not None else [content]))
        for c, call in enumerate(msg.get("tool_calls") or []):
            args = call.get("arguments") or ""
            parsed = parse_json_container(args)
            slots.append(_Slot(m, f"tool_calls.{c}.arguments", parsed,
                               json_leaves(parsed) if parsed is not None else [args]))
    return slots


def _names_across_turns(slots: Sequence[_Slot], found: dict[str, list[Finding]],
                        policy: PiiPolicy) -> dict[str, list[Finding]]:
    """Findings per text of one conversation, with each PERSON found in one turn also
    redacted where its words recur in another ("I'm Ada Lovelace" ... "Thanks, Ada")."""
    texts = list(dict.fromkeys(t for s in slots for t in s.texts))
    if not (policy.name_gazetteer and PERSON in policy.entities):
        return {t: found[t] for t in texts}
    tokens = set().union(*(name_tokens(t, found[t]) for t in texts)) - set(policy.allow_list)
    if not tokens:
        return {t: found[t] for t in texts}
    score = min(f.score for t in texts for f in found[t] if f.entity == PERSON)
    return {t: sorted(found[t] + other_mentions(t, tokens, found[t], score), key=lambda f: f.start) for t in texts}


def redact_conversations(
    conversations: Sequence[Sequence[dict]],
    find: Callable[[Sequence[str]], list[list[Finding]]],
    policy: PiiPolicy,
) -> list[RedactedConversation]:
    """Redact every message of every conversation with one batched ``find`` over unique texts."""
    pseudonym = Pseudonymizer(policy.seed)
    per_conv = [_slots(msgs) for msgs in conversations]
    unique = list(dict.fromkeys(t for slots in per_conv for s in slots for t in s.texts))
    found_once = dict(zip(unique, find(unique)))
    out = []
    for msgs, slots in zip(conversations, per_conv):
        found = _names_across_turns(slots, found_once, policy)
        new = [dict(m, tool_calls=[dict(c) for c in m["tool_calls"]] if m.get("tool_calls") else m.get("tool_calls"))
               for m in msgs]
        counts: Counter[str] = Counter()
        changed: list[str] = []
        for slot in slots:
            replaced = []
            for t in slot.texts:
                findings = found[t]
                counts.update(f.entity for f in findings)
                r = redact_text(t, findings, policy, pseudonym) if findings else t
                if findings:
                    changed.append(r)
                replaced.append(r)
            if slot.container is not None:
                value = json.dumps(replace_json_leaves(slot.container, replaced), ensure_ascii=False)
                if not any(found[t] for t in slot.texts):
                    continue  # keep the original JSON text byte for byte
            else:
                value = replaced[0]
            if slot.field == "content":
                new[slot.msg]["content"] = value
            else:
                _, c, _ = slot.field.split(".")
                new[slot.msg]["tool_calls"][int(c)]["arguments"] = value
        drops = tuple(sorted(e for e in counts if policy.operator_for(e) == "drop"))
        out.append(RedactedConversation(new, dict(sorted(counts.items())), drops, tuple(changed)))
    return out
