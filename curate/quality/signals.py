"""Pure quality scorers: one conversation in, a flat dict of signals out.

Each signal is a few lines and knows nothing of tables, so it can be tested on
a string and reused by any stage. ``score_conversation`` bundles them; the
``score`` it returns is a cheap heuristic in [0, 1] used only to rank records
within a cluster (best first) when selecting to a budget.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from curate.language import detect_language
from curate.script import CJK_CLASS, is_cjk, tokens

# A cheap token count that tracks subword tokenizers better than words do:
# runs of letters/digits, each CJK character, and every other non-space character on its own.
_TOKEN = re.compile(f"[{CJK_CLASS}]|[^\\W{CJK_CLASS}]+|[^\\w\\s]")

CJK_CHARS_PER_WORD = 5 / 3
"""In CJK text a token is one character and a word is one to a few: repetition
there counts n-grams of ``round(n * CJK_CHARS_PER_WORD)`` characters (5 for the
default n=3), so that ordinary text repeats about as little as English does in
word n-grams (measured on alpaca_zh: char 3-grams p95 0.17, 5-grams 0.08)."""

REFUSAL_PHRASES: tuple[str, ...] = (
    "as an ai language model",
    "as an ai model",
    "as a language model",
    "i am an ai language model",
    "i'm an ai language model",
    "i cannot help with",
    "i can't help with",
    "i cannot assist with",
    "i can't assist with",
    "i'm sorry, but i cannot",
    "i'm sorry, but i can't",
    "i am sorry, but i cannot",
    "i'm not able to provide",
    "i am unable to provide",
    "i do not have personal opinions",
    "i don't have personal opinions",
    "my knowledge cutoff",
    "openai's use case policy",
    # Chinese: "as an AI (assistant)", "as a language model", with or without 一个/一名 ("a").
    "作为人工智能", "作为一个人工智能", "作为一名人工智能", "作为语言模型", "作为一个语言模型",
    "作为ai", "作为 ai", "作为一个ai", "作为一个 ai", "作为一名ai", "作为一名 ai",
)
"""Refusal and boilerplate phrases (lower case), matched after folding case and
curly quotes. Extend per dataset in the stage config."""

PLACEHOLDERS: frozenset[str] = frozenset(
    {"", "n/a", "na", "none", "null", "nan", "todo", "tbd", "...", "-", "?", "<noinput>", "<nooutput>",
     "[placeholder]", "placeholder", "lorem ipsum", "no answer", "answer"}
)
"""Whole answers that carry nothing (compared after folding case, stripping spaces and a final period)."""


def words(text: str) -> list[str]:
    """Words of spaced scripts and single CJK characters (``curate.script.tokens``)."""
    return tokens(text.casefold(), lower=False)


def regex_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


TokenCounter = Callable[[str], int]


@lru_cache(maxsize=4)
def hf_token_counter(path: str) -> TokenCounter:
    """Token count with a Hugging Face tokenizer loaded offline from a local folder or cached name."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    return lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"])


LOOP_REPEATS = 3
"""A phrase said this many times is a loop; said twice it is an echo or a refrain."""


def repetition_ratio(text: str, n: int = 3) -> float:
    """Share of token n-grams that belong to a phrase said three or more times.

    Close to 1 for a looping generation ("the the the ...", "非常非常非常..."), 0 for
    text that says a phrase once or twice: an answer that echoes its question
    once ("The integral of sin(x) from 0 to pi is wolfram('integral of sin(x)
    from 0 to pi')", as tool-call data does) or a refrain is normal writing, not
    a loop. Texts shorter than ``n`` tokens score 0. Mostly-CJK text counts
    character n-grams, ``n`` scaled by ``CJK_CHARS_PER_WORD``.
    """
    found = words(text)
    if is_cjk(text):
        n = round(n * CJK_CHARS_PER_WORD)
    grams = [tuple(found[i : i + n]) for i in range(len(found) - n + 1)]
    if not grams:
        return 0.0
    return sum(c for c in Counter(grams).values() if c >= LOOP_REPEATS) / len(grams)


def refusal_phrases(text: str, phrases: Sequence[str] = REFUSAL_PHRASES) -> list[str]:
    folded = text.casefold().replace("\u2019", "'").replace("\u2018", "'")
    folded = re.sub(r"\s+", " ", folded)
    return [p for p in phrases if p in folded]


def is_placeholder(text: str) -> bool:
    return text.strip().casefold().rstrip(".").strip() in PLACEHOLDERS or text.strip().casefold() in PLACEHOLDERS


def non_printable_share(text: str) -> float:
    """Share of characters that are control, unassigned or private-use (tab and newline are fine)."""
    if not text:
        return 0.0
    bad = sum(1 for ch in text if ch not in "\t\n\r" and unicodedata.category(ch) in {"Cc", "Cf", "Cn", "Co", "Cs"}
              and ch not in "\u200d\u200c")  # joiners are part of emoji and Indic scripts
    return bad / len(text)


def score_conversation(
    messages: Sequence[dict[str, Any]],
    *,
    count_tokens: TokenCounter = regex_tokens,
    ngram: int = 3,
    phrases: Sequence[str] = REFUSAL_PHRASES,
) -> dict[str, Any]:
    """All signals for one conversation (a list of canonical messages)."""
    prompt = "\n".join(m["content"] for m in messages if m["role"] == "user")
    # An assistant turn that only calls a tool has no text by design; it is not an empty answer.
    answers = [m["content"] for m in messages if m["role"] == "assistant" and not m.get("tool_calls")]
    answer = "\n".join(answers)
    text = "\n".join(m["content"] for m in messages)
    prompt_chars, answer_chars = len(prompt), len(answer)
    repetition = repetition_ratio(answer, ngram)
    refusals = refusal_phrases(answer, phrases)
    placeholder = not answers or any(is_placeholder(a) for a in answers)
    non_printable = non_printable_share(text)
    language, language_prob = detect_language(prompt + "\n" + answer)
    score = (1.0 - repetition) * (1.0 - min(1.0, 10 * non_printable))
    score *= 0.0 if placeholder else (0.5 if refusals else 1.0)
    return {
        "chars": len(text),
        "words": len(words(text)),
        "tokens": count_tokens(text),
        "prompt_chars": prompt_chars,
        "answer_chars": answer_chars,
        "turns": sum(1 for m in messages if m["role"] in ("user", "assistant")),
        "answer_prompt_ratio": round(answer_chars / max(prompt_chars, 1), 4),
        "repetition": round(repetition, 4),
        "refusal": refusals,
        "placeholder_answer": placeholder,
        "language": language,
        "language_prob": language_prob,
        "non_printable": round(non_printable, 6),
        "score": round(score, 4),
    }
