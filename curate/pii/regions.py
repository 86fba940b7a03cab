"""Parts of a text that are structure, not prose: code, URLs, file paths and tool calls.

Instruction data is full of them, and a name recognizer reads them as prose:
``wiki/New_York_City`` became ``wiki/<PERSON>_<PERSON>`` and
``wikipedia('Albert Einstein')`` lost its call syntax. Inside these regions only
*structured* identifiers (an e-mail, a key with a known prefix, a card, an IP
address) are replaced, because they are secrets wherever they stand; words and
numbers there are code, paths or arguments, and a finding may never straddle a
region's edge (the call's name or brackets). ``find_pii`` also hides these
regions from the NER, which is faster and keeps identifiers out of its guesses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from curate.pii.finding import Finding
from curate.pii.recognizers import (
    PHONE_ENTITY,
    SECRET_ENTITY,
    STRUCTURED_ENTITIES,
    has_known_key_prefix,
    phone_formatted,
)

CODE = "code"
URL = "url"
PATH = "path"
CALL = "call"

_FENCED = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'`)\]]+|\bwww\.[^\s<>\"'`)\]]+|"
                  r"\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|edu|gov|dev|ai|co|uk|de)/[^\s<>\"'`)\]]*", re.IGNORECASE)
_PATH = re.compile(r"(?<![\w/])(?:~|\.{1,2})?/(?:[\w.@+-]+/)+[\w.@+-]*|\b[A-Za-z]:\\(?:[\w .-]+\\)*[\w .-]*")
# A call written in prose: ``wikipedia('Albert Einstein')``, ``calculator(2+2)``, ``df.groupby("a")``.
_CALL = re.compile(r"\b[A-Za-z_][\w.]*\((?:[^()\n]|\([^()\n]*\))*\)")
# A line that reads as source code rather than prose: it ends in a brace or semicolon, or opens
# with a keyword of a common language. Unfenced code is common in forum-style answers.
_CODE_LINE = re.compile(r"(?m)^[ \t]*(?:(?:def|class|import|from|return|if|elif|else|for|while|public|private|"
                        r"static|void|int|var|let|const|function|#include|SELECT|INSERT|UPDATE)\b.*|.*[;{}][ \t]*)$")
# Directive and option lines of reStructuredText and config ("  :widths: 10 25 20 20").
_DIRECTIVE = re.compile(r"(?m)^[ \t]*(?:\.\. [\w-]+::.*|:[\w-]+:.*)$")


@dataclass(frozen=True, slots=True)
class Region:
    kind: str
    start: int
    end: int


def structural_regions(text: str) -> list[Region]:
    """Code blocks and spans, URLs, file paths, prose tool calls and code-like lines, sorted, not overlapping
    (an enclosing region wins: a URL inside a code block is part of the block)."""
    if not text:
        return []
    found: list[Region] = []
    for kind, pattern in ((CODE, _FENCED), (CODE, _INLINE_CODE), (URL, _URL), (PATH, _PATH), (CALL, _CALL),
                          (CODE, _CODE_LINE), (CODE, _DIRECTIVE)):
        if kind == CODE and pattern is not _FENCED and pattern is not _INLINE_CODE and not _maybe_code(text):
            continue
        for m in pattern.finditer(text):
            if m.end() > m.start() and all(m.end() <= r.start or m.start() >= r.end for r in found):
                found.append(Region(kind, m.start(), m.end()))
    return sorted(found, key=lambda r: r.start)


def _maybe_code(text: str) -> bool:
    return any(c in text for c in ";{}") or ":" in text


def masked(text: str, regions: list[Region]) -> str:
    """``text`` with every region blanked to spaces (offsets unchanged), for the NER."""
    if not regions:
        return text
    out, last = [], 0
    for r in regions:
        out.append(text[last:r.start])
        out.append(" " * (r.end - r.start))
        last = r.end
    out.append(text[last:])
    return "".join(out)


def region_at(regions: Sequence[Region], start: int, end: int) -> Region | None:
    """The region overlapping ``[start, end)``, if any."""
    for r in regions:
        if r.start < end and start < r.end:
            return r
    return None


def allowed_in_structure(text: str, f: Finding, regions: Sequence[Region]) -> bool:
    """Whether a finding may be replaced where it stands: anywhere in prose; inside code, a URL,
    a path or a call only as a whole structured identifier (a phone there needs a phone's
    format, a key in a URL or path a known prefix), and never across a region's edge."""
    region = region_at(regions, f.start, f.end)
    if region is None:
        return True
    if f.start < region.start or f.end > region.end or f.entity not in STRUCTURED_ENTITIES:
        return False
    span = text[f.start:f.end]
    if f.entity == PHONE_ENTITY:
        return region.kind in (CODE, CALL) and phone_formatted(span)
    if f.entity == SECRET_ENTITY and region.kind in (URL, PATH):
        return has_known_key_prefix(span)
    return True
