"""n-gram contamination between splits: do validation/test prompts reuse train text?

The GPT-3 / Llama-style check: word n-grams (default 13) of each held-out
prompt against the set of n-grams of every train prompt. Prompts shorter than
``n`` words cannot be checked this way (exact-prompt groups cover them) and are
counted apart. Pure functions; the split stage applies the policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_WORD = re.compile(r"\w+", re.UNICODE)


def ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    tokens = _WORD.findall(text.casefold())
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def ngram_index(texts: Iterable[tuple[str, str]], n: int) -> dict[tuple[str, ...], str]:
    """n-gram -> the first id whose text holds it."""
    index: dict[tuple[str, ...], str] = {}
    for rid, text in texts:
        for gram in ngrams(text, n):
            index.setdefault(gram, rid)
    return index


def overlaps(text: str, index: dict[tuple[str, ...], str], n: int) -> tuple[int, int, str | None, str]:
    """(shared n-grams, n-grams of the text, an id it shares with, one shared n-gram as text)."""
    grams = ngrams(text, n)
    shared = [g for g in grams if g in index]
    if not shared:
        return 0, len(grams), None, ""
    example = min(shared)
    return len(shared), len(grams), index[example], " ".join(example)


def contaminated(held_out: Sequence[tuple[str, str]], train: Sequence[tuple[str, str]], n: int, min_shared: int = 1) -> dict[str, dict]:
    """Held-out ids sharing at least ``min_shared`` n-grams with train: id -> finding."""
    index = ngram_index(train, n)
    found = {}
    for rid, text in held_out:
        shared, total, other, example = overlaps(text, index, n)
        if shared >= min_shared:
            found[rid] = {"shared": shared, "ngrams": total, "train_id": other, "example": example}
    return found
