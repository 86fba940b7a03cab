"""Applying findings: numbered placeholders, seeded pseudonyms, and JSON-aware redaction.

A conversation is redacted as a batch of *slots*: every text a later artifact
can hold. They are each message's ``content`` and ``name``, the arguments of
its tool calls, the same for a rejected reply kept in ``meta.rejected``, and
every other value of the source's ``meta`` (extra source keys such as
``customer_email``, a tool schema). One ``find`` call covers a whole shard of
conversations; a name found in one slot is then redacted in every slot of its
conversation, by the same rule as where it was found: in prose, not inside a URL,
a path, code or a call (``regions.allowed_in_structure``).

JSON stays JSON: in tool arguments, tool results and meta, object keys and
string values are redacted (a key can be an e-mail address as well as a value
can), long numbers too (card and phone numbers), and a string that itself holds
JSON is opened; brackets, call names and ids never change.

Placeholders are numbered per conversation and entity: the first distinct
person is ``<PERSON_1>``, the next ``<PERSON_2>``, and the same value keeps its
number throughout the conversation ("Ada" after "Ada Lovelace" too), so a
conversation between two people stays readable and two different values in one
row never collapse into one. Across rows, redaction can still make two texts
equal ("trained by OpenAI" / "trained by Meta" when both are redacted); the
digest of the raw messages (``raw_digest``) lets deduplication tell them apart.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from curate.language import UNDETERMINED, language_of
from curate.pii.finding import Finding
from curate.pii.introductions import unspaced_forms, unspaced_mentions
from curate.pii.persons import PERSON, about_a_work, full_names, name_mentions, name_tokens
from curate.pii.policy import PiiPolicy
from curate.pii.private import name_words
from curate.pii.recognizers import CREDENTIAL_ENTITIES, credential_field
from curate.pii.regions import allowed_in_structure, structural_regions

_FIRST = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Robin", "Jamie", "Avery", "Riley",
          "Quinn", "Drew", "Harper", "Rowan", "Sage", "Blake", "Emery", "Finley", "Hayden", "Parker")
_LAST = ("Rivera", "Nguyen", "Okafor", "Larsen", "Moreau", "Tanaka", "Kowalski", "Haddad", "Silva", "Novak",
         "Fischer", "Patel", "Lindqvist", "Brennan", "Costa", "Ivanova", "Mensah", "Duarte", "Keller", "Sato")
_MIN_NUMBER_DIGITS = 7  # JSON numbers shorter than this cannot be a phone or card number
_WORD = re.compile(r"[^\W\d_]+")

OWN_META_KEYS = frozenset({"pii", "pii_language", "raw_digest"})
"""Meta keys ``redact_pii`` writes itself; every other meta value came from the source and is redacted."""
REJECTED = "rejected"
"""Meta key of a preference row's rejected reply (ShareGPT ``chosen``/``rejected``), redacted as a message."""


def placeholder(entity: str, number: int) -> str:
    return f"<{entity}_{number}>"


def raw_digest(messages: Sequence[Mapping[str, Any]]) -> str:
    """Hex sha256 of the messages' canonical JSON (sorted keys, no spaces), taken before redaction:
    equal digests mean equal raw conversations, whatever redaction made of them."""
    canonical = json.dumps(list(messages), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def conversation_language(messages: Sequence[Mapping[str, Any]]) -> str:
    """The language of a conversation's prose (``curate.language``): system, user and
    assistant contents, not tool results, whose JSON says nothing about it."""
    prose = "\n".join(m.get("content") or "" for m in messages if m.get("role") != "tool")
    return language_of(prose) if prose.strip() else UNDETERMINED


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


class Replacer:
    """What one conversation's findings become: a pseudonym, or ``<ENTITY_n>`` numbered
    by first appearance in the conversation (a person's words alone, "Ada", reuse the
    number of the fuller name, "Ada Lovelace", and the other way round; "田中" that of "田中太郎")."""

    def __init__(self, policy: PiiPolicy, pseudonym: Pseudonymizer) -> None:
        self._policy = policy
        self._pseudonym = pseudonym
        self._seen: dict[str, list[tuple[str, frozenset[str]]]] = {}

    def number(self, entity: str, value: str) -> int:
        key = " ".join(value.split()).casefold()
        words = frozenset(_WORD.findall(key)) if entity == PERSON else frozenset()
        known = self._seen.setdefault(entity, [])
        for i, (seen_key, seen_words) in enumerate(known):
            if seen_key == key or (words and seen_words and (words <= seen_words or seen_words <= words)) \
                    or (entity == PERSON and _one_unspaced_name(key, seen_key)):
                return i + 1
        known.append((key, words))
        return len(known)

    def __call__(self, entity: str, value: str) -> str:
        if self._policy.operator_for(entity) == "pseudonym":
            return self._pseudonym(entity, value)
        return placeholder(entity, self.number(entity, value))


def _one_unspaced_name(a: str, b: str) -> bool:
    """Whether two names of a script without spaces are one person's, one holding the other ("田中" of "田中太郎")."""
    return bool(unspaced_forms(a) and unspaced_forms(b)) and (a in b or b in a)


def redact_text(text: str, findings: Sequence[Finding], replace: Callable[[str, str], str]) -> str:
    """``text`` with each finding replaced by ``replace(entity, value)``."""
    out, last = [], 0
    for f in sorted(findings, key=lambda f: f.start):
        out.append(text[last:f.start])
        out.append(replace(f.entity, text[f.start:f.end]))
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


def _is_long_number(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and len(str(abs(v))) >= _MIN_NUMBER_DIGITS


LISTING_KEYS = frozenset({"rating", "ratings", "price_range", "price_level", "cuisine", "stars", "reviews",
                          "review_count", "opening_hours", "hours", "menu", "amenities"})
"""Keys that make a JSON object a business's listing (a tool's search result: ``{"name": "Carbone",
"rating": 4.5, "address": "181 Thompson St, ..."}``): the address and phone it holds are ones the
business publishes, no one's personal data (``PUBLISHED_ENTITIES``)."""
PUBLISHED_ENTITIES = frozenset({"STREET_ADDRESS", "PHONE_NUMBER"})


def json_texts(value: Any) -> list[tuple[str, str | None, bool]]:
    """Every text a JSON value holds, in document order, each with the object key whose value
    holds it (``None`` for the keys themselves and for texts outside any object) and whether it is
    a value of a business's listing (``LISTING_KEYS``): object keys (each before its value), string
    leaves, long numbers as text, and the texts of strings that are JSON."""
    texts: list[tuple[str, str | None, bool]] = []

    def walk(v: Any, key: str | None, listed: bool) -> None:
        if isinstance(v, dict):
            listing = not LISTING_KEYS.isdisjoint(k.lower() for k in v)
            for k, item in v.items():
                texts.append((k, None, False))
                walk(item, k, listing)
        elif isinstance(v, list):
            for item in v:
                walk(item, key, listed)
        elif isinstance(v, str):
            nested = parse_json_container(v)
            if nested is None:
                texts.append((v, key, listed))
            else:
                walk(nested, key, listed)
        elif _is_long_number(v):
            texts.append((str(v), key, listed))

    walk(value, None, False)
    return texts


def replace_json_texts(value: Any, replacements: Sequence[str]) -> Any:
    """A copy of ``value`` with its texts (as ``json_texts`` orders them) replaced.

    A changed number becomes a string; a string holding JSON is written back as
    JSON, unchanged byte for byte when nothing in it changed; a key that would
    collide with a sibling after redaction gets a ``#n`` suffix, so no value is lost."""
    it: Iterator[str] = iter(replacements)

    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            out: dict[str, Any] = {}
            for k, item in v.items():
                key = unique = next(it)
                n = 2
                while unique in out:
                    unique, n = f"{key}#{n}", n + 1
                out[unique] = walk(item)
            return out
        if isinstance(v, list):
            return [walk(item) for item in v]
        if isinstance(v, str):
            nested = parse_json_container(v)
            if nested is None:
                return next(it)
            new = walk(nested)
            return v if new == nested else json.dumps(new, ensure_ascii=False)
        if _is_long_number(v):
            new = next(it)
            return v if new == str(v) else new
        return v

    return walk(value)


SlotPath = tuple[Any, ...]
"""Where a slot lives in a conversation's document ``{"messages": [...], "meta": {...}}``."""


@dataclass
class _Slot:
    """One place that holds text: a plain text, or a JSON container and its texts, each with the
    object key that holds it (``None`` outside JSON objects)."""

    path: SlotPath
    container: Any = None  # parsed JSON, or None for plain text
    texts: list[str] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)
    listed: list[bool] = field(default_factory=list)  # a value of a business's listing (``json_texts``)


def _json_slot(path: SlotPath, container: Any) -> _Slot:
    found = json_texts(container)
    return _Slot(path, container, [t for t, _, _ in found], [k for _, k, _ in found], [b for _, _, b in found])


def _plain_slot(path: SlotPath, text: str) -> _Slot:
    return _Slot(path, None, [text], [None], [False])


def _text_slot(path: SlotPath, text: str, json_like: bool) -> _Slot:
    parsed = parse_json_container(text) if json_like or text.lstrip()[:1] in ("{", "[") else None
    return _json_slot(path, parsed) if parsed is not None else _plain_slot(path, text)


def _message_slots(prefix: SlotPath, msg: Mapping[str, Any]) -> list[_Slot]:
    slots = [_text_slot((*prefix, "content"), msg.get("content") or "", msg.get("role") == "tool")]
    if isinstance(msg.get("name"), str) and msg["name"]:
        slots.append(_plain_slot((*prefix, "name"), msg["name"]))
    for c, call in enumerate(msg.get("tool_calls") or []):
        slots.append(_text_slot((*prefix, "tool_calls", c, "arguments"), call.get("arguments") or "", True))
    return slots


def _is_message(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("role"), str) and "content" in value


def _document(messages: Sequence[Mapping[str, Any]], meta: Mapping[str, Any]) -> dict[str, Any]:
    """A copy the slots can be written into (the input is never mutated)."""
    def copy_message(m: Mapping[str, Any]) -> dict[str, Any]:
        return dict(m, tool_calls=[dict(c) for c in m["tool_calls"]] if m.get("tool_calls") else m.get("tool_calls"))

    meta = dict(meta)
    if _is_message(meta.get(REJECTED)):
        meta[REJECTED] = copy_message(meta[REJECTED])
    return {"messages": [copy_message(m) for m in messages], "meta": meta}


def _source_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    rejected_is_message = _is_message(meta.get(REJECTED))
    return {k: v for k, v in meta.items() if k not in OWN_META_KEYS and not (k == REJECTED and rejected_is_message)}


def _slots(doc: Mapping[str, Any]) -> list[_Slot]:
    slots = [s for m, msg in enumerate(doc["messages"]) for s in _message_slots(("messages", m), msg)]
    meta = doc["meta"]
    if _is_message(meta.get(REJECTED)):
        slots += _message_slots(("meta", REJECTED), meta[REJECTED])
    source = _source_meta(meta)
    if source:
        slots.append(_json_slot(("meta", None), source))
    return slots


def _write(doc: dict[str, Any], path: SlotPath, value: Any) -> None:
    if path == ("meta", None):  # the source's meta values, written back beside redact_pii's own keys
        own = {k: v for k, v in doc["meta"].items() if k not in _source_meta(doc["meta"])}
        doc["meta"] = {**value, **own}
        return
    target: Any = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def public_across_turns(texts: Sequence[str], found: Mapping[str, Sequence[Finding]]) -> dict[str, list[Finding]]:
    """Each text's findings without the names another text of the same conversation shows public.

    One conversation, one referent: the prompt's '"To Kill a Mockingbird" by Harper Lee' makes the
    answer's "Harper Lee's masterful storytelling" public too, though the answer alone does not say
    who she is; a prompt that names a work as such ('Summarize the novel "1984"') makes the unmarked
    names of the turn right after it the work's figures (``persons.about_a_work``). Only names kept
    for want of evidence (``Finding.presumed``) give way, and only where no text marks a word of them
    private (a cue, contact details): "I'm Harper Lee, call me at ..." keeps the name private in every
    turn. ``texts`` are in conversation order."""
    public = [set(name_words(n)) for t in texts for n in getattr(found[t], "public", ())]
    after_a_work = {answer for asked, answer in pairwise(texts)
                    if any(f.entity == PERSON and f.presumed for f in found[answer]) and about_a_work(asked)}
    if not any(public) and not after_a_work:
        return {t: list(found[t]) for t in texts}
    asserted = {w for t in texts for f in found[t] if f.entity == PERSON and not f.presumed
                for w in name_words(t[f.start:f.end])}

    def shown_public(text: str, words: list[str]) -> bool:
        return bool(words) and not asserted.intersection(words) and \
            (text in after_a_work or any(p and (p.issuperset(words) or p.issubset(words)) for p in public))

    return {t: [f for f in found[t] if not (f.entity == PERSON and f.presumed
                                            and shown_public(t, name_words(t[f.start:f.end])))]
            for t in texts}


def _names_across_slots(slots: Sequence[_Slot], found: Mapping[str, list[Finding]],
                        policy: PiiPolicy) -> dict[str, list[Finding]]:
    """Findings per text of one conversation: names another slot shows public left out
    (``public_across_turns``), and each PERSON found in one slot also redacted where its
    words recur in another ("I'm Ada Lovelace" ... "Thanks, Ada", or a message ``name``
    of "Ada"); a full name judged no private person's stays whole or goes whole (``persons.name_mentions``)."""
    texts = list(dict.fromkeys(t for s in slots for t in s.texts))
    if not (policy.name_gazetteer and PERSON in policy.entities):
        return {t: found[t] for t in texts}
    cleared = {t: getattr(found[t], "cleared", ()) for t in texts}
    found = public_across_turns(texts, found)
    tokens = set().union(*(name_tokens(t, found[t]) for t in texts)) - set(policy.allow_list)
    unspaced = {form for t in texts for f in found[t] if f.entity == PERSON
                for form in unspaced_forms(t[f.start:f.end])} - set(policy.allow_list)
    if not (tokens or unspaced):
        return {t: found[t] for t in texts}
    asserted = set().union(*(name_tokens(t, [f for f in found[t] if not f.presumed]) for t in texts))
    score = min(f.score for t in texts for f in found[t] if f.entity == PERSON)
    names = set().union(*(full_names(t, found[t]) for t in texts)) - set(policy.allow_list)
    added = {t: name_mentions(t, found[t], cleared[t], tokens, asserted, names, score)[1] for t in texts}
    added = {t: _in_place(t, added[t] + unspaced_mentions(t, unspaced, found[t] + added[t], score)) for t in texts}
    return {t: _join_names(t, sorted(found[t] + added[t], key=lambda f: f.start)) for t in texts}


def _in_place(text: str, added: list[Finding]) -> list[Finding]:
    """The findings another slot adds to ``text`` that may be replaced where they stand: a name found
    in one turn is not looked for inside the next turn's URLs and code ("http://www.ted.com/" after
    "I'm Ted"), as ``find_pii`` does not look for it there in its own turn."""
    if not added:
        return added
    regions = structural_regions(text)
    return [f for f in added if allowed_in_structure(text, f, regions)]


def _credentials_across_slots(slots: Sequence[_Slot], found: Mapping[str, list[Finding]],
                              policy: PiiPolicy) -> list[list[list[Finding]]]:
    """Findings per text position of each slot: a JSON value whose key names a password or a user
    name is one whole (``{"username": "SniperElite"}``), and a password or user name found anywhere
    in the conversation is also redacted where it recurs ("Create an account for user SniperElite")."""
    per_slot: list[list[list[Finding]]] = []
    for slot in slots:
        held = [credential_field(key, t) if key is not None else None for t, key in zip(slot.texts, slot.keys, strict=True)]
        per_slot.append([found[t] if found[t] or held_as not in policy.entities else [Finding(held_as, 0, len(t), 0.9)]
                         for t, held_as in zip(slot.texts, held, strict=True)])
    values = {t[f.start:f.end]: f.entity for slot, texts in zip(slots, per_slot) for t, fs in zip(slot.texts, texts)
              for f in fs if f.entity in CREDENTIAL_ENTITIES}
    if not values:
        return per_slot
    recurs = re.compile("|".join(rf"(?<![\w@]){re.escape(v)}(?![\w@])" for v in sorted(values, key=len, reverse=True)))
    return [[_with_recurrences(t, fs, recurs, values) for t, fs in zip(slot.texts, texts)]
            for slot, texts in zip(slots, per_slot)]


def _with_recurrences(text: str, findings: list[Finding], recurs: re.Pattern, values: Mapping[str, str]) -> list[Finding]:
    added = _in_place(text, [Finding(values[m.group()], m.start(), m.end(), 0.9) for m in recurs.finditer(text)
                             if not any(f.start < m.end() and m.start() < f.end for f in findings)])
    return sorted(findings + added, key=lambda f: f.start) if added else findings


def _join_names(text: str, findings: list[Finding]) -> list[Finding]:
    """PERSON findings with only spaces between them are one name: "Michael Jackson" found word by
    word in a tool argument becomes one ``<PERSON_1>``, as it is where it was found whole."""
    out: list[Finding] = []
    for f in findings:
        last = out[-1] if out else None
        if (last is not None and last.entity == f.entity == PERSON and f.start > last.end
                and text[last.end:f.start].isspace()):
            out[-1] = Finding(PERSON, last.start, f.end, min(last.score, f.score))
        else:
            out.append(f)
    return out


@dataclass(frozen=True)
class RedactedConversation:
    messages: list[dict]
    meta: dict
    """The input meta with every source value redacted (``meta.rejected`` as a message)."""
    counts: dict[str, int]
    """Findings per entity type (never values)."""
    drop_entities: tuple[str, ...]
    """Entity types found whose operator is ``drop``; non-empty means remove the record."""
    changed_texts: tuple[str, ...]
    """Redacted texts that changed, for card examples."""
    language: str
    """The conversation's language (``conversation_language``), which decides whether English NER can apply."""


def redact_conversations(
    conversations: Sequence[Sequence[Mapping[str, Any]]],
    find: Callable[[Sequence[str]], list[list[Finding]]],
    policy: PiiPolicy,
    metas: Sequence[Mapping[str, Any]] | None = None,
) -> list[RedactedConversation]:
    """Redact every slot of every conversation (and its source ``meta``, when given)
    with one batched ``find`` over the unique texts."""
    pseudonym = Pseudonymizer(policy.seed)
    docs = [_document(msgs, meta) for msgs, meta in zip(conversations, metas or [{}] * len(conversations), strict=True)]
    per_doc = [_slots(doc) for doc in docs]
    unique = list(dict.fromkeys(t for slots in per_doc for s in slots for t in s.texts))
    found_once = dict(zip(unique, find(unique), strict=True))
    out = []
    for msgs, doc, slots in zip(conversations, docs, per_doc):
        found = _names_across_slots(slots, found_once, policy)
        per_slot = _credentials_across_slots(slots, found, policy)
        replace = Replacer(policy, pseudonym)
        counts: Counter[str] = Counter()
        changed: list[str] = []
        for slot, slot_findings in zip(slots, per_slot, strict=True):
            replaced = []
            for t, listed, findings in zip(slot.texts, slot.listed, slot_findings, strict=True):
                if listed:
                    findings = [f for f in findings if f.entity not in PUBLISHED_ENTITIES]
                counts.update(f.entity for f in findings)
                r = redact_text(t, findings, replace) if findings else t
                if findings:
                    changed.append(r)
                replaced.append(r)
            if replaced == slot.texts:
                continue  # keep the original text (and JSON) byte for byte
            if slot.container is None:
                _write(doc, slot.path, replaced[0])
            elif slot.path == ("meta", None):
                _write(doc, slot.path, replace_json_texts(slot.container, replaced))
            else:
                _write(doc, slot.path, json.dumps(replace_json_texts(slot.container, replaced), ensure_ascii=False))
        drops = tuple(sorted(e for e in counts if policy.operator_for(e) == "drop"))
        out.append(RedactedConversation(doc["messages"], doc["meta"], dict(sorted(counts.items())), drops,
                                        tuple(changed), conversation_language(msgs)))
    return out
