"""Writing systems: how to cut text into tokens whatever script it is in.

Chinese, Japanese and Korean text has no spaces between words, so a "word" found
by whitespace or ``\\w+`` is a whole clause: word shingles, 13-gram
contamination checks, repetition ratios and cluster labels all go blind on it.
Every stage that counts tokens uses ``tokens`` here, which keeps runs of
letters/digits in spaced scripts as words and makes each CJK character a token
of its own (the usual unit for CJK n-gram matching), so one mixed sentence such
as "用 Python 写一个函数" is handled without choosing one rule per row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Regex character class (no brackets) of Han (with extensions), kana, bopomofo and Hangul.
CJK_CLASS = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3100-\u312f"  # bopomofo
    "\u3400-\u4dbf"  # Han extension A
    "\u4e00-\u9fff"  # Han
    "\uac00-\ud7af"  # Hangul syllables
    "\u1100-\u11ff"  # Hangul jamo
    "\uf900-\ufaff"  # Han compatibility
    "\U00020000-\U0002ebef"  # Han extensions B-F
)
UNSPACED_CLASS = CJK_CLASS + "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff"
"""CJK and the other scripts that write no spaces between words: Thai, Lao, Burmese, Khmer (character class,
no brackets). ``tokens`` cuts only CJK per character; PII redaction reads all of them as unspaced."""
CJK_CHAR = re.compile(f"[{CJK_CLASS}]")
"""One CJK character (``CJK_CHAR.fullmatch(token)``: is this token a CJK character?)."""
_CJK_GAP = re.compile(f"(?<=[{CJK_CLASS}]) (?=[{CJK_CLASS}])")
_TOKEN = re.compile(f"[{CJK_CLASS}]|[^\\W{CJK_CLASS}]+")
_LETTER = re.compile(r"[^\W\d_]")
LATIN_CLASS = (
    "A-Za-z\u00aa\u00ba"
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"  # Latin-1 letters, Latin Extended-A and -B
    "\u0250-\u02af"  # IPA
    "\u1e00-\u1eff"  # Latin Extended Additional (Vietnamese)
    "\u2c60-\u2c7f\ua720-\ua7ff"  # Latin Extended-C and -D
    "\uff21-\uff3a\uff41-\uff5a"  # fullwidth
)
"""Letters of the Latin script (character class, no brackets)."""
_LATIN_LETTER = re.compile(f"[{LATIN_CLASS}]")

CJK_SHARE = 0.3
"""A text is CJK when at least this share of its letters are CJK characters: a
Chinese answer with a few English product names or code identifiers is still
Chinese, an English text quoting one Chinese word is not."""


def tokens(text: str, *, lower: bool = True) -> list[str]:
    """Words of spaced scripts and single CJK characters, in order."""
    if lower:
        text = text.lower()
    return _TOKEN.findall(text)


def cjk_share(text: str) -> float:
    """Share of the letters in ``text`` that are CJK characters (0.0 with no letters)."""
    if not CJK_CHAR.search(text):
        return 0.0  # most text: one search instead of counting every letter
    letters = len(_LETTER.findall(text))
    return len(CJK_CHAR.findall(text)) / letters if letters else 0.0


def non_latin_share(text: str) -> float:
    """Share of the letters in ``text`` outside the Latin script: Cyrillic, Greek, Arabic, Devanagari, CJK and
    every other (0.0 with no letters)."""
    letters = len(_LETTER.findall(text))
    return 1 - len(_LATIN_LETTER.findall(text)) / letters if letters else 0.0


def is_cjk(text: str) -> bool:
    """True when ``text`` is mostly Chinese, Japanese or Korean (see ``CJK_SHARE``)."""
    return cjk_share(text) >= CJK_SHARE


def ngrams(text: str, n: int, *, lower: bool = True) -> list[tuple[str, ...]]:
    """Token n-grams of ``text`` (``tokens``); a text shorter than ``n`` tokens gives one shorter gram."""
    toks = tokens(text, lower=lower)
    if len(toks) < n:
        return [tuple(toks)] if toks else []
    return [tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)]


def join_tokens(toks: Sequence[str]) -> str:
    """Tokens back as readable text: words spaced, CJK characters not (they never were)."""
    return _CJK_GAP.sub("", " ".join(toks))
