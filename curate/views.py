"""Text views of a conversation that dedup methods compare.

Which part of a conversation makes two records "the same" is a choice:
``first_user`` catches one prompt answered twice, ``user_turns`` the same
questions in the same order, ``conversation`` the whole exchange.

Boilerplate is not duplication: lines that a source repeats in many rows (a
tool preamble, a system prompt, a template) make unrelated rows look alike, so
``boilerplate_lines`` finds them per source and ``strip_lines`` leaves them out
of the text a method compares (MinHash does the same per shingle).
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
import polars as pl

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


BOILERPLATE_SHARE = 0.05
"""A line or shingle found in more than this share of one source's rows is boilerplate.

Measured on ``../shared/datasets/real/`` (bench/dedup/README.md): each tool
preamble of the Toolformer set is in 8-17% of its rows and "toolformer: enabled"
in all of them; each of FastChat's eight template answers ("No, I am a language
model trained by researchers from ...") is in ~7% of its rows, so 0.05 catches
them all. Natural text rarely reaches it: above 5% of LIMA, Alpaca-libre or
Chinese Alpaca rows sit only a few dozen function-word trigrams ("one of the",
"是一个"), whose removal only acts as a stop-word list. Counted per ``source``
because a template belongs to the dataset it was made with: FastChat's answers
are 0.3% of a mix where Toolformer is 60%."""

BOILERPLATE_MIN_ROWS = 20
"""...and in at least this many rows: in a small source a handful of true copies
would otherwise pass the share and stop counting as duplicates of each other."""


def boilerplate_cutoffs(rows_per_source: Mapping[str, int], share: float, min_rows: int) -> dict[str, int]:
    """Per source, the number of rows a line or shingle must be in to be boilerplate
    (more than ``share`` of that source's rows, and at least ``min_rows``)."""
    return {s: max(min_rows, math.floor(share * c) + 1) for s, c in rows_per_source.items()}


def line_key(line: str) -> int:
    """64-bit key of a line after ``normalise_for_match`` (0 for a blank line)."""
    norm = normalise_for_match(line)
    return int.from_bytes(hashlib.blake2b(norm.encode(), digest_size=8).digest(), "little") if norm else 0


def boilerplate_lines(rows: Iterable[tuple[str, str]], share: float = BOILERPLATE_SHARE,
                      min_rows: int = BOILERPLATE_MIN_ROWS) -> dict[str, frozenset[int]]:
    """Per source, the ``line_key`` of lines found in enough of its rows
    (``boilerplate_cutoffs``); ``rows`` are ``(text, source)`` pairs.

    Streams the texts and keeps one 8-byte key and a 4-byte source code per
    distinct line of a row, counted by a Polars group-by: ~12 bytes per line,
    not one Python string per line."""
    per_source: Counter = Counter()
    codes: dict[str, int] = {}
    src, keys = array("i"), array("Q")
    for text, source in rows:
        per_source[source] += 1
        row_keys = {line_key(line) for line in text.split("\n")} - {0}
        keys.extend(row_keys)
        src.extend([codes.setdefault(source, len(codes))] * len(row_keys))
    if not keys:
        return {}
    cutoff = boilerplate_cutoffs(per_source, share, min_rows)
    names = list(codes)
    counts = pl.DataFrame({"src": np.frombuffer(src, dtype=np.int32), "key": np.frombuffer(keys, dtype=np.uint64)}).group_by("src", "key").len()
    found: dict[str, set[int]] = {}
    for code, key, count in counts.iter_rows():
        if count >= cutoff[names[code]]:
            found.setdefault(names[code], set()).add(key)
    return {s: frozenset(k) for s, k in found.items()}


def strip_lines(text: str, keys: frozenset[int]) -> str:
    """``text`` without the lines whose ``line_key`` is in ``keys`` (possibly nothing left)."""
    return "\n".join(line for line in text.split("\n") if line_key(line) not in keys) if keys else text


def stripped_view(messages: list[dict], view: View, keys: frozenset[int]) -> str:
    """The view without boilerplate lines: the part of a record that says something.

    For ``first_user``, a first turn that is all boilerplate (template chats
    open with the same "What is up?" and ask their real question next) gives way
    to the first user turn that is not; only a record with none is kept whole."""
    text = strip_lines(view_text(messages, view), keys)
    if text.strip() or not keys:
        return text or view_text(messages, view)
    if view == "first_user":
        for m in messages:
            if m["role"] == "user" and (turn := strip_lines(m["content"], keys)).strip():
                return turn
    return view_text(messages, view)


def boilerplate_examples(texts: Sequence[str], sources: Sequence[str], found: Mapping[str, frozenset[int]],
                         limit: int = 8) -> list[tuple[str, str]]:
    """Up to ``limit`` ``(source, line)`` of the boilerplate found, in order of first appearance, for the card."""
    out: list[tuple[str, str]] = []
    seen: set[tuple[str, int]] = set()
    for text, source in zip(texts, sources):
        keys = found.get(source)
        if not keys:
            continue
        for line in text.split("\n"):
            key = line_key(line)
            if key in keys and (source, key) not in seen:
                seen.add((source, key))
                out.append((source, line.strip()))
                if len(out) >= limit:
                    return out
    return out
