"""Person names without a bigger NER model: a gazetteer, name cues, and a check on spaCy.

``en_core_web_sm`` misses many non-English names ("Szabina J Gelencsér",
"Siiri", "Eklund") and tags capitalised non-names ("Metallica", "Salesperson",
"Gordon Terrace") as PERSON. Three cheap signals fix most of both:

* a gazetteer of first and last names taken from Faker's person providers for
  every Latin-script locale (about 21k first and 21k last names, read from the
  installed package, no download);
* cue patterns that announce a name whatever it is: titles ("Mrs. Labrie"),
  "my name is X", "signed, X";
* ``spacy_person_supported``: a single-token spaCy PERSON with no gazetteer or
  cue support is dropped, which removes most of its capitalised-noun guesses.

Caveat, reported with the benchmark: the Faker benchmark set draws its names
from the same Faker lists, so its PERSON recall overstates the gazetteer;
``synth_dataset_v2`` (names from another generator) is the independent check,
and the bench also prints PERSON with the gazetteer switched off.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

PERSON = "PERSON"
_LATIN_NAME = re.compile(r"^[A-Za-zÀ-ɏ'’-]{2,}$")
# Name-list entries that are also everyday capitalised words (sentence starts,
# months, headings): alone they are too weak to redact; with a neighbouring
# name ("Will Young") or a cue they still count.
COMMON_WORDS = frozenset("""
a an and are as at be by can do for from go he her his how i if in is it me my no not of on or our she so the
their then there they this to up us was we what when who why will with you your yes all any new one two may
june july august april march monday friday sunday christmas easter summer autumn winter spring hope faith joy
grace love glory honor honour mercy patience charity chance page long young white black brown green gray grey
rose lily ivy holly heather daisy iris violet ruby pearl crystal amber jade dawn eve sky star sunny storm
rain river lake hill wood woods forest field fields stone king queen prince princess duke bishop major
doctor judge price cash bill will mark art frank grant rich sterling guy job jack jet bob pat sue ray
ward street lane park rock cliff dale glen guide case card cole wolf fox bird crane swift hunt hunter
banks bank cook baker miller fisher taylor smith turner carter porter parker mason walker hall house
church chapel castle tower bridge ford port bay north south east west dear best more most miss mister
hi hello hey dear thanks thank regards cheers sincerely ok okay please
mrs ms mr sir lord lady madam man men boy girl son daughter mother father sister brother baby
via van von der den de la le du di da del des dos das ten ter st saint san santa
english french german spanish italian dutch polish chinese japanese russian swedish danish finnish greek irish
scottish welsh british american canadian indian african asian european server client admin user team support
golden gate room conference office hotel bridge station center centre service services group company
""".split())
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Mlle|Herr|Frau|Sr|Sra|Srta)\.?"
_CAP = r"[^\W\d_a-zß-ÿ][^\W\d_]*(?:['’-][^\W\d_]+)*"  # a capitalised word, any script with case
_INITIAL = r"[A-Z]\.?(?!\w)"
_PARTICLE = r"(?:van|von|der|den|de|la|le|du|di|da|del|dos|das|ten|ter|bin|al|ben)"
_NAME = rf"{_CAP}(?:[ ](?:{_INITIAL}|{_PARTICLE})){{0,2}}(?:[ ]{_CAP}){{0,2}}"
CUE_PATTERNS = (
    re.compile(rf"\b{_TITLE}[ ]+(?P<name>{_NAME})"),
    re.compile(rf"(?i:\b(?:my name is|my name's|i am called|call me|this is|signed|regards|sincerely|"
               rf"cheers|thanks|best|yours)[,:]?\s+)(?P<name>{_NAME})"),
)
_TOKEN = re.compile(rf"{_CAP}|{_INITIAL}(?![\w])|\b{_PARTICLE}\b|[^\W\d_]+")


@lru_cache(maxsize=1)
def gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, last names) from every Faker person provider, Latin script only."""
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr, into in (("first_names", first), ("first_names_male", first), ("first_names_female", first),
                           ("last_names", last), ("last_names_male", last), ("last_names_female", last)):
            names = getattr(provider, attr, None)
            if isinstance(names, dict | list | tuple | set | frozenset):
                into.update(n for n in names if isinstance(n, str) and _LATIN_NAME.match(n))
    return frozenset(first), frozenset(last)


def is_known_name(token: str) -> bool:
    first, last = gazetteer()
    return token in first or token in last


def _strong(token: str) -> bool:
    return is_known_name(token) and token.lower() not in COMMON_WORDS


def spacy_person_supported(span: str) -> bool:
    """Whether a spaCy PERSON span has support beyond the model's guess: two or
    more capitalised tokens, or a gazetteer name among them."""
    tokens = [t for t in re.findall(_CAP, span)]
    return len(tokens) >= 2 or any(is_known_name(t) for t in tokens)


class NameRecognizer(EntityRecognizer):
    """PERSON from name cues and from runs of capitalised words anchored on gazetteer names.

    A run of capitalised words (with initials and particles like "ten", "van")
    becomes a name when it holds a known first or last name that is not also a
    common word, or two known names; the run is cut at five words."""

    CUE_SCORE = 0.85
    PAIR_SCORE = 0.8
    SINGLE_SCORE = 0.6

    def __init__(self) -> None:
        super().__init__(supported_entities=[PERSON], name="NameRecognizer", supported_language="en")

    def load(self) -> None:
        gazetteer()

    def analyze(self, text, entities, nlp_artifacts=None):
        if PERSON not in entities:
            return []
        results = [self._result(m.start("name"), m.end("name"), self.CUE_SCORE)
                   for pattern in CUE_PATTERNS for m in pattern.finditer(text)
                   if m.group("name").lower() not in COMMON_WORDS]
        for start, end, words in _capitalised_runs(text):
            known = [w for w in words if is_known_name(w)]
            strong = [w for w in known if w.lower() not in COMMON_WORDS]
            if len(known) >= 2 or (strong and len(words) >= 2):
                results.append(self._result(start, end, self.PAIR_SCORE))
            elif strong and len(words) == 1 and not _other_entity(nlp_artifacts, start, end):
                results.append(self._result(start, end, self.SINGLE_SCORE))
        return results

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(PERSON, start, end, score, recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})


# presidio relabels spaCy entities (GPE, LOC -> LOCATION; ORG -> ORGANIZATION; NORP -> NRP)
# Only places: sm calls many lone first names ORGANIZATION ("no doubt Callum will"), so
# ORGANIZATION is not trusted to veto a gazetteer name; a leaked name costs more than a redacted word.
_NOT_PERSON_LABELS = frozenset({"LOCATION", "GPE", "LOC"})


def _other_entity(nlp_artifacts, start: int, end: int) -> bool:
    """Whether spaCy calls this span a place, organisation, language...: one-word
    gazetteer hits like "Paris" or "France" are first names too, but here they are not."""
    ents = getattr(nlp_artifacts, "entities", None) or ()
    return any(e.label_ in _NOT_PERSON_LABELS and e.start_char < end and start < e.end_char for e in ents)


_RUN = re.compile(rf"{_CAP}(?:[ ](?:(?:{_INITIAL}|{_PARTICLE})[ ])*{_CAP}){{0,4}}")


def _capitalised_runs(text: str):
    """(start, end, capitalised words) for each run of capitalised words on one line."""
    for m in _RUN.finditer(text):
        words = re.findall(_CAP, m.group())
        start = m.start()
        while words and words[0].lower() in COMMON_WORDS:  # "The", "Dear", "Thanks" open runs, not names
            start = text.index(words[0], start) + len(words[0])
            words = words[1:]
        if words:
            start = text.index(words[0], start)
        words = [w for w in words if not re.fullmatch(_INITIAL, w)]
        if words:
            yield start, m.end(), words
    if not any(c.isupper() for c in text):
        # All-lower-case text ("patricia desrosiers"): two adjacent gazetteer
        # names, or a first name the word lists do not also hold as a word.
        tokens = [m for m in re.finditer(r"[^\W\d_]{2,}", text)
                  if m.group() not in COMMON_WORDS and m.group() not in STOP_WORDS
                  and is_known_name(m.group().capitalize())]
        i = 0
        while i < len(tokens):
            j = i
            # "eva kleist", "codey m ross": join names one word or an initial apart
            while j + 1 < len(tokens) and re.fullmatch(r" (?:[a-z]\.? )?", text[tokens[j].end():tokens[j + 1].start()]):
                j += 1
            words = [t.group().capitalize() for t in tokens[i:j + 1]]
            if len(words) > 1 or (len(words[0]) >= 4 and words[0] in gazetteer()[0]):  # "sha" alone: no
                yield tokens[i].start(), tokens[j].end(), words
            i = j + 1
