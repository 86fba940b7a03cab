"""Which language a text is written in: one identifier for every stage.

Quality signals record a row's language, PII redaction runs English-only
recognizers (spaCy NER, English name cues) only where the text is English and
records the language it judged by. Both ask here, so they cannot disagree.

CJK text is recognised by its script before any model runs (``curate.script``):
it is cheap, it is exact for the question "could English NER help here?", and
it tells Japanese (kana) and Korean (Hangul) from Chinese without a classifier.
"""

from __future__ import annotations

import re
from functools import lru_cache

from curate.script import is_cjk

UNDETERMINED = "und"
"""ISO 639 code for "no language can be judged" (no letters)."""

_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff]")
_MAX_CHARS = 4000  # the identifier's cost grows with length; the first pages decide


@lru_cache(maxsize=1)
def _identifier():
    # py3langid ships its model inside the wheel (no download), is deterministic
    # and fast (~20k short texts/s); langdetect is random unless seeded, lingua
    # is more accurate but loads hundreds of MB for all languages.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _cjk_language(text: str) -> str:
    if _HANGUL.search(text):
        return "ko"
    return "ja" if _KANA.search(text) else "zh"


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code and its probability; ``("und", 0.0)`` when there are no letters to judge.

    Mostly-CJK text is answered from its script with probability 1.0."""
    if not any(ch.isalpha() for ch in text):
        return UNDETERMINED, 0.0
    head = text[:_MAX_CHARS]
    if is_cjk(head):
        return _cjk_language(head), 1.0
    lang, prob = _identifier().classify(head)
    return lang, round(float(prob), 4)


def language_of(text: str) -> str:
    """ISO 639-1 code of ``text`` (``"und"`` when it has no letters)."""
    return detect_language(text)[0]


def english_probability(text: str) -> float:
    """The identifier's probability that ``text`` is English (0.0 when it has no letters): low where it is
    unsure which other language a text is in, but sure it is not English."""
    if not any(ch.isalpha() for ch in text):
        return 0.0
    return round(float(dict(_identifier().rank(text[:_MAX_CHARS])).get("en", 0.0)), 6)
