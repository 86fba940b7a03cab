"""Similarity and PII detectors for the checker, independent of the project's own dedup and PII stages.

Similarity is the Jaccard of word 5-gram shingles, the measure PLANTED.md quotes.
The PII patterns look for the shapes of everything planted (e-mail, phone, SSN,
IBAN, IP, key prefixes, Luhn-valid digit runs, the invented names), so that a
record PLANTED.md does not list is known to hold none of them.
"""

from __future__ import annotations

import re

from .checksums import luhn_ok
from .fake_pii import PEOPLE


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def conv_text(canon: list[tuple], with_system: bool = False) -> str:
    """The text the checks read: message contents, plus each tool call's name and arguments."""
    parts = []
    for role, content, call in canon:
        if role == "system" and not with_system:
            continue
        parts.append(content)
        if call:
            parts.append(call[0] + " " + call[1])
    return "\n".join(parts)


DETECTORS = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phone": re.compile(r"(?:\+?\d{1,3}[-. ])?\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b|\+44 \d{2} \d{4} \d{4}"),
    "ssn": re.compile(r"\b\d{3}-\d{2}-\d{4}\b"),
    "iban": re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){4}(?: ?[A-Z0-9]{1,4})?\b"),
    "ipv4": re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"),
    "ipv6": re.compile(r"\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b", re.I),
    "api_key": re.compile(r"sk-[A-Za-z0-9]{20,}|AKIA[A-Z0-9]{16}|ghp_[A-Za-z0-9]{36}"),
}
DIGIT_RUN = re.compile(r"(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d])")


def pii_hits(text: str) -> list[tuple[str, str]]:
    """(detector, matched text) for everything in ``text`` that looks like planted PII."""
    hits = [(k, m.group(0)) for k, rx in DETECTORS.items() for m in rx.finditer(text)]
    hits = [(k, h) for k, h in hits if not (k == "ipv6" and h.count(":") < 3)]
    for m in DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if 12 <= len(digits) <= 19 and luhn_ok(digits):
            hits.append(("luhn_number", m.group(0)))
    names = [p["name"] for p in PEOPLE.values()] + [p["name"].split()[-1] for p in PEOPLE.values()]
    hits += [("invented_name", n) for n in names if n in text]
    return hits
