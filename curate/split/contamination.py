"""n-gram contamination between splits: do validation/test prompts reuse train text?

The GPT-3 / Llama-style check: n-grams of each held-out prompt against the
n-grams of every train prompt, with two changes that make a match mean
something on real data:

* Tokens by script (``curate.script``): words in spaced scripts, single
  characters in Chinese, Japanese and Korean, where a whitespace "word" is a
  whole clause. A row's n-gram length follows its script: ``n`` words (13), or
  ``n_cjk`` characters (16) for a CJK row. On 1,000 alpaca_zh rows against
  999 English alpaca rows (``bench/split_cluster/cjk_ngram_length.py``), 16
  characters leaves as many prompts long enough to check (458 vs 451 at 13
  words) and matches unrelated answers as rarely (1 pair vs 2); 13 characters
  matched 12 unrelated pairs (shared stock phrases).
* Boilerplate is cut out first. Text shared by many rows (a tool preamble, a
  system prompt, a template) says nothing about whether a held-out question
  was seen in training, yet one such preamble made every toolformer row
  "contaminated". Every n-gram found in more than ``max_rows`` rows marks its
  tokens as boilerplate, and only n-grams lying wholly in the text between
  boilerplate spans are compared, so a question is compared with questions,
  not with the preamble in front of it.

Prompts with fewer than ``n`` tokens left cannot be checked this way
(exact-prompt groups cover them) and are counted apart. Pure functions; the
split stage applies the policy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import xxhash

from curate.script import is_cjk, join_tokens, tokens

Gram = tuple[str, ...]

N_WORDS = 13
N_CJK = 16
BOILERPLATE_SAMPLE = 20_000
"""Rows read to find boilerplate: a text in more than 1% of rows is in about 200
of 20,000 sampled rows, so the estimate is steady, and memory does not grow with
the input (every row up to this size is read, so small sets are exact)."""



def gram_length(text: str, n: int = N_WORDS, n_cjk: int = N_CJK) -> int:
    """Tokens per n-gram for this text: ``n_cjk`` characters when it is mostly CJK, else ``n`` words."""
    return n_cjk if is_cjk(text) else n


def _windows(toks: Sequence[str], k: int) -> list[Gram]:
    return [tuple(toks[i:i + k]) for i in range(len(toks) - k + 1)]


def cut(text: str, k: int, boilerplate: frozenset[Gram] | set[Gram] | Mapping[Gram, int] = frozenset()) -> tuple[set[Gram], list[str]]:
    """(the ``k``-token n-grams of ``text`` lying wholly outside boilerplate, the boilerplate passages as text).

    A window that is boilerplate marks its ``k`` tokens; marked runs are the
    passages, and only windows between them are compared."""
    toks = tokens(text)
    windows = _windows(toks, k)
    hits = [i for i, gram in enumerate(windows) if gram in boilerplate] if boilerplate else []
    if not hits:
        return set(windows), []
    spans = [[hits[0], hits[0] + k]]
    for i in hits[1:]:
        if i <= spans[-1][1]:
            spans[-1][1] = i + k
        else:
            spans.append([i, i + k])
    kept: set[Gram] = set()
    start = 0
    for a, b in [*spans, [len(toks), len(toks)]]:
        kept.update(windows[start:max(start, a - k + 1)])
        start = b
    return kept, [gram_text(toks[a:b]) for a, b in spans]


def ngrams(text: str, n: int = N_WORDS, n_cjk: int = N_CJK, boilerplate: frozenset[Gram] | set[Gram] = frozenset()) -> set[Gram]:
    """The n-grams of ``text`` that are compared: full-length, outside every boilerplate span."""
    return cut(text, gram_length(text, n, n_cjk), boilerplate)[0]


def boilerplate_spans(text: str, boilerplate: frozenset[Gram] | set[Gram], n: int = N_WORDS, n_cjk: int = N_CJK) -> list[str]:
    """The boilerplate passages of ``text``, as text (for the card)."""
    return cut(text, gram_length(text, n, n_cjk), boilerplate)[1]


def gram_hash(gram: Gram) -> int:
    """A 64-bit hash of an n-gram (its tokens joined by a unit separator): eight bytes where its
    tuple of token strings takes about a kilobyte."""
    return xxhash.xxh64_intdigest("\x1f".join(gram).encode())


def gram_hashes(grams: Iterable[Gram]) -> np.ndarray:
    """Sorted, unique :func:`gram_hash` of n-grams."""
    return np.unique(np.fromiter((gram_hash(g) for g in grams), dtype=np.uint64))


def gram_text(gram: Sequence[str]) -> str:
    """An n-gram as readable text: words spaced, CJK characters not."""
    return join_tokens(gram)


def boilerplate_limit(rows: int, share: float, min_rows: int) -> int:
    """An n-gram in more rows than this is boilerplate."""
    return max(min_rows, int(share * rows))


def sample_rows(rows: int, seed: int = 0, sample: int = BOILERPLATE_SAMPLE) -> list[int]:
    """Every row index, or a seeded sorted sample of ``sample`` of them when there are more."""
    if rows <= sample:
        return list(range(rows))
    return sorted(np.random.default_rng(seed).choice(rows, size=sample, replace=False).tolist())


def sampled_boilerplate(texts: Sequence[str], rows: int, max_rows: int, n: int = N_WORDS, n_cjk: int = N_CJK) -> dict[Gram, int]:
    """n-grams in more than ``max_rows`` of ``rows`` rows -> rows holding them, estimated from
    ``texts``, the texts of the rows ``sample_rows`` picks (every row's, up to its sample size)."""
    scale = rows / len(texts) if texts else 1.0
    df: Counter[Gram] = Counter()
    for text in texts:
        df.update(set(_windows(tokens(text), gram_length(text, n, n_cjk))))
    return {g: round(c * scale) for g, c in df.items() if c * scale > max_rows}


def ngram_index(texts: Iterable[tuple[str, str]], n: int = N_WORDS, n_cjk: int = N_CJK,
                boilerplate: frozenset[Gram] | set[Gram] = frozenset()) -> dict[Gram, str]:
    """n-gram -> the first id whose text holds it."""
    index: dict[Gram, str] = {}
    for rid, text in texts:
        for gram in ngrams(text, n, n_cjk, boilerplate):
            index.setdefault(gram, rid)
    return index


def shared_with(grams: set[Gram], index: dict[Gram, str]) -> tuple[int, int, str | None, str]:
    """(shared n-grams, n-grams of the text, an id it shares with, one shared n-gram as text)."""
    shared = [g for g in grams if g in index]
    if not shared:
        return 0, len(grams), None, ""
    example = min(shared)
    return len(shared), len(grams), index[example], gram_text(example)


def overlaps(text: str, index: dict[Gram, str], n: int = N_WORDS, n_cjk: int = N_CJK,
             boilerplate: frozenset[Gram] | set[Gram] = frozenset()) -> tuple[int, int, str | None, str]:
    """``shared_with`` for one text."""
    return shared_with(ngrams(text, n, n_cjk, boilerplate), index)


def contaminated(held_out: Sequence[tuple[str, str]], train: Sequence[tuple[str, str]], n: int = N_WORDS, min_shared: int = 1,
                 n_cjk: int = N_CJK, boilerplate: frozenset[Gram] | set[Gram] = frozenset()) -> dict[str, dict]:
    """Held-out ids sharing at least ``min_shared`` n-grams with train: id -> finding."""
    index = ngram_index(train, n, n_cjk, boilerplate)
    found = {}
    for rid, text in held_out:
        shared, total, other, example = overlaps(text, index, n, n_cjk, boilerplate)
        if shared >= min_shared:
            found[rid] = {"shared": shared, "ngrams": total, "train_id": other, "example": example}
    return found
