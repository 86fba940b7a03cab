"""Finding person names with a small NER model: cues, name evidence, and whole-text consistency.

Three parts, all pure:

* ``NameRecognizer`` finds names the NER misses: cue patterns that announce a
  name whatever it is (titles, "my name is", "Name:", "Dear"), and runs of
  capitalised words anchored on gazetteer names or name-shaped words
  (``curate.pii.names``);
* ``SupportedSpacyRecognizer`` is presidio's ``SpacyRecognizer`` keeping only
  the PERSON guesses that something besides the model supports: one-word and
  lower-case guesses need a gazetteer name or a name shape, and no guess may be
  a field label ("Date:"), end in an organisation designator ("Shepherd Ltd")
  or a street type ("Mathias Pass"). Filtering here, at the source, keeps the
  result independent of how presidio de-duplicates equal spans of two
  recognizers (it iterates a set);
* ``refine_persons`` works on one text's resolved findings: a name found once is
  redacted at every other mention ("Bonifacy Kaczmarek ... Kaczmarek"), a list
  whose members are mostly names gets its other members ("Gaetane, Hannah,
  Anthony and Derek"), possessives are trimmed, and three bare surnames on a
  line of their own or after "at" are a firm ("Marshall, Hernandez and Simpson").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.lang.en.stop_words import STOP_WORDS

from curate.pii.encyclopaedia import is_title
from curate.pii.finding import Finding, TextFindings
from curate.pii.names import (
    GREETED_ROLES,
    GREETINGS,
    WORD,
    FIELD_LABELS,
    ORG_DESIGNATORS,
    TITLES,
    is_common,
    is_first_name,
    is_known_name,
    is_place,
    is_strong_name,
    occurrences,
    everyday_no_first_name,
    everyday_word,
    name_shaped,
    preload_lexicons,
    usually_lower_case,
)
from curate.pii.notability import prefetch, prefetch_creators, prefetch_in_context
from curate.pii.private import AI_PRODUCTS, ai_self_name, context_questions, model_questions, private_persons
from curate.pii.recognizers import STREET_PREFIXES, STREET_TYPES
from curate.pii.works import names_a_work

PERSON = "PERSON"
_TITLE = r"(?i:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Mlle|Herr|Frau|Sr|Sra|Srta)\.?"
_CAP = r"[^\W\d_a-zß-ÿ][^\W\d_]*(?:['’-][^\W\d_]+)*"  # a capitalised word, any script with case
_INITIAL = r"[A-Z]\.?(?!\w)"
_PARTICLE = r"(?:van|von|der|den|de|la|le|du|di|da|del|dos|das|ten|ter|bin|al|ben)"
_NAME = rf"{_CAP}(?:[ ](?:{_INITIAL}|{_PARTICLE})){{0,2}}(?:[ ]{_CAP}){{0,2}}"
_KIN = (r"(?:(?:great[ -])*grand(?:mother|father|son|daughter|ma|pa)|"
        r"kid|kids|son|daughter|wife|husband|mother|father|mom|mum|dad|brother|sister|friend|boss|partner|baby)")
_NAME_FIELD = r"(?:maiden|last|first|family|sur|given)[ ]?name(?:[ ]is|\?|:)"  # "her maiden name is Key"
_LOWER_WORD = r"[^\W\d_A-Z][^\W\d_]+"
# Words a greeting or sign-off is followed by that are not names: "Hello My name is John", "Hi All", "Thanks Team".
_NOT_A_GREETED_NAME = (r"(?:My|I|I'm|Im|We|Our|The|This|That|It|You|Your|There|Here|Everyone|Everybody|All|Team|Guys|"
                       r"Folks|Again|So|And|For|To|In|" + "|".join(sorted(w.title() for w in GREETED_ROLES)) + ")")
# Phrases that announce a name, whatever the name is.
CUE_PATTERNS = (
    re.compile(rf"\b{_TITLE}[ ]+(?P<name>{_NAME})"),
    re.compile(rf"(?i:\b(?:my name is|my name's|i am called|call me|this is|signed|regards|sincerely|"
               rf"cheers|thanks|best(?=,|[ \t]*\n)|yours|{GREETINGS}|{_NAME_FIELD})[,:]?\s+)(?!{_NOT_A_GREETED_NAME}\b)"
               rf"(?P<name>{_NAME})"),
    re.compile(rf"(?im:^[ \t>*-]*(?:full[ ]name|name|contact|attn|attention|patient|customer)[ \t]*:[ \t]*)"
               rf"(?P<name>{_NAME})"),
    # my kid Tadzio, my partner's name Nicole Mahler, my grandfather was called ..., my grandfather, Walter Price
    re.compile(rf"(?i:\bmy[ ]{_KIN}(?:['’]s[ ]name(?:[ ]is)?|[ ](?:is|was)[ ](?:called|named)|[ ]called|[ ]named|,)?[ ])"
               rf"(?P<name>{_NAME})"),
    re.compile(rf"(?P<name>{_CAP})['’]s[ ](?i:{_KIN})\b"),                            # Asya's kid
    re.compile(rf"(?<!\bthat )(?<!\bwhich )(?<!\bit )(?i:\b(?:says|said|asked|replied|shouted|whispered)[ ])"
               rf"(?P<name>{_NAME})"),  # says Iwase; not "a button that says Download"
    re.compile(rf"(?:^|(?<=[.!?\n][ ]))(?P<name>{_CAP})[ ](?:says|said|asked|replied|shouted|whispered)\b"),
    # lower-case text: "my name is vitoria", "call me višeslav", "her maiden name is nyberg"
    re.compile(rf"\b(?:my name is|call me|i am called|{_NAME_FIELD})[ ]+"
               rf"(?P<name>{_LOWER_WORD}(?:[ ]{_LOWER_WORD})?)"),
    # "I am Mark, a highly creative professional", "Hi, I'm Sarah." (a first name must open it: "I am Italian.")
    re.compile(rf"(?i:\b(?:i am|i'm|i’m)[ ]+)(?P<name>{_CAP}(?:[ ]{_CAP})?)(?=[,.!;]|[ ]+(?:and|from|here)\b)"),
    # the people a meeting's or a message's list field names, one match each: "Attendees: Sarah Kim, Tom Baker
    # and Raj Patel" (``\G``: each further name starts where the one before it ended, after a separator)
    regex.compile(rf"(?:(?:(?m:^)|(?<=[.!?][ \t]))[ \t>*-]*(?i:attendees|participants|present|absent|invitees|guests|cc)"
                  rf"[ \t]*:|(?<=.)\G[ \t]*(?:,|;|&|and)(?:[ \t]+and)?)[ \t]*(?P<name>{_NAME})"
                  rf"(?=[ \t]*(?:[,;&(.\n]|and\b|$))"),
)
_SELF_INTRODUCTION = CUE_PATTERNS[8]
# The cues that say the name is a private person's (``cued_spans``): introductions, greetings and
# sign-offs, form fields, the writer's kin ("my son X"). Titles, speech verbs and someone else's kin
# announce public figures as often ("Sir Isaac Newton", "said Blatter", "Malala's father ran a school"),
# so they find names but do not make them private.
PRIVATE_CUES = (CUE_PATTERNS[1], CUE_PATTERNS[2], CUE_PATTERNS[3], CUE_PATTERNS[7], CUE_PATTERNS[8], CUE_PATTERNS[9])
PERSON_CUES = (CUE_PATTERNS[0], CUE_PATTERNS[4], CUE_PATTERNS[5], CUE_PATTERNS[6])
# "Ubul: What a wife." A line opened by one capitalised word and a colon is a speaker in a transcript.
_SPEAKER = re.compile(rf"(?m)^[ \t>]*(?P<name>{_CAP}):")
_RUN = re.compile(rf"{_CAP}(?:[ ](?:(?:{_INITIAL}|{_PARTICLE})[ ])*{_CAP}){{0,4}}")
_NEXT_WORD = re.compile(r"[ \t]*,?[ \t]*([^\W\d_][\w.]*)")
_POSSESSIVE = re.compile(r"['’]s?$")
_POSSESSIVE_OR_JUNK = re.compile(r"(?:['’]s|['’]|[\s>:;,\"(*_]+)$")
_LIST_ITEM = rf"(?:{_CAP}|[^\W\d_A-Z]{{2,}})"
_LIST = re.compile(rf"(?<![\w,] )\b{_LIST_ITEM}(?:, {_LIST_ITEM})+,? and {_LIST_ITEM}\b")
_ALWAYS_STREET = frozenset("street st road rd avenue ave boulevard blvd strasse straße gasse utca ulica".split())
_UNITS = frozenset("apt apartment suite ste unit floor".split())
_OWNED_SHOP = re.compile(r"['’]s[ ]+([A-Z][a-zé]+)\b")
_SHOPS = ORG_DESIGNATORS | frozenset("""bakery cafe café coffee restaurant diner pizzeria pizza kitchen grill bar pub tavern
inn shop store market deli salon garage pharmacy bistro boutique bookstore brewery burgers bagels donuts tacos""".split())
_AND_SONS = re.compile(r"[ \t]+(?:and|&)[ \t]+(?:Sons|Daughters|Co|Company|Partners|Associates)\b")
# Street words written lower-case after the name ("Kálmán Imre u. 12.", "Hegedûs Gyula utca 76.").
_STREET_AFTER = frozenset("u. u utca út útja tér kapu ulica ul. str. strasse straße gasse sokak caddesi katu gatan vej".split())
_STREET_PREFIX_WORDS = frozenset(p.lower().rstrip(".") for p in STREET_PREFIXES)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]|^[ \t]*[-*\d.)]+)[ \t\"“‘'(]*$")
_IMPERATIVE = re.compile(r"[ \t]+(?:the|a|an|your|my|our|their|this|that|these|those|it|them|some|any|all|each|every|"
                         r"one|two|up|out|off|in|on|with|to|into|over|more|less)\b")
_PLACE_PREPOSITION = re.compile(r"\b(?:to|from|in|at|near)[ \t]+$")
_FIRM = re.compile(rf"\b(?P<a>{_CAP}), (?P<b>{_CAP}) and (?P<c>{_CAP})\b")


def cued_spans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(private, person) spans: those a private-person cue announces ("my name is X", "Dear X",
    "Regards,\\nX", "Name: X", "my son X", the speakers of a transcript: two or more speaker lines,
    half the text's lines), and those a title, a speech verb or a few quoted speaker lines mark as
    some person ("Mr. X", "says X", "Neville: ..." in a long answer)."""
    private = [(m.start("name"), m.end("name")) for pattern in PRIVATE_CUES for m in pattern.finditer(text)
               if _introduces_someone(text, m)]
    person = [(m.start("name"), m.end("name")) for pattern in PERSON_CUES for m in pattern.finditer(text)
              if pattern is CUE_PATTERNS[0] or not _an_everyday_word(m.group("name"))]  # "Mr. Spears", not "Shoving said"
    speakers = [m for m in _SPEAKER.finditer(text) if m.group("name").lower() not in FIELD_LABELS]
    if len(speakers) >= 2:
        # A text made of speaker lines is a transcript of private people; a few lines quoted in an answer
        # ("Neville: We were all in the D.A. together") quote a story's characters, which are someone.
        lines = sum(1 for line in text.splitlines() if line.strip())
        (private if 2 * len(speakers) >= lines else person).extend((m.start("name"), m.end("name")) for m in speakers)
    return private, person


_GREETING = re.compile(rf"(?i:{GREETINGS})\b")
_POSSESSIVE_AFTER = re.compile(r"['’]s?\b")
_GREETING_START = re.compile(r"(?:^|[.!?:;,\n>*-])[ \t]*[\"“‘'(]*[ \t]*$")  # "Hi Sam", 'said, "Hi Sam', "- Dear Sam"


_TITLE_CASED_CUE = re.compile(r"My Name Is\b")  # a work's title ("the series My Name Is Earl"), not a person's words


def about_a_work(text: str) -> bool:
    """Whether a text names a published work as such and marks nobody in it private: the turn after it
    (the answer to 'Summarize the novel "1984"', to "What is the Torah?") is about the same work, so its
    unmarked names are the work's figures ("Julia", "Atticus"), not private people."""
    return names_a_work(text) and not cued_spans(text)[0]


def _introduces_someone(text: str, cue: re.Match) -> bool:
    """Whether a private cue's match names someone. Not a greeting inside a sentence ("The song is Hey
    Jude"), not an owner after "this is" ("This is T-Mobile's customer service"), not a firm that signs
    ("Best regards, ABC Company"), not a product's name ("Hi ChatGPT"), not a single word English writes
    lower-case ("This is Heaven"), not an AI assistant naming itself."""
    start, end = cue.start("name"), cue.end("name")
    name = cue.group("name")
    if _introduces_no_first_name(cue) or _TITLE_CASED_CUE.match(cue.group()):
        return False
    if _GREETING.match(text, cue.start()) and not _GREETING_START.search(text, max(0, cue.start() - 12), cue.start()):
        return False
    if _POSSESSIVE_AFTER.match(text, end) or name.endswith(("'s", "’s")):
        return False
    words = WORD.findall(name)
    following = _NEXT_WORD.match(text, end)
    if any(w.lower() in ORG_DESIGNATORS for w in [*words[1:], *(following.groups() if following else ())]):
        return False
    if len(words) == 1 and words[0].lower() in AI_PRODUCTS:
        return False  # "Hi ChatGPT,", "Thanks OpenAI": a product's or a firm's name
    if _an_everyday_word(name):
        return False
    return not ai_self_name(text, start)


def _introduces_no_first_name(cue: re.Match) -> bool:
    """A self-introduction ("I am ...") names its writer only when a first name opens it: "I am Italian."."""
    return cue.re is _SELF_INTRODUCTION and not is_first_name(cue.group("name").split()[0])


def _an_everyday_word(name: str) -> bool:
    """A single word English writes lower-case ("Heaven", "Shoving") and no list has as a first name."""
    words = WORD.findall(name)
    return len(words) == 1 and everyday_no_first_name(words[0])


def _result(recognizer: EntityRecognizer, start: int, end: int, score: float) -> RecognizerResult:
    return RecognizerResult(PERSON, start, end, score, recognition_metadata={
        RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id})


def _has_capitals(text: str) -> bool:
    """False for all-lower-case text ("patricia desrosiers"), where case says nothing about names."""
    return any(c.isupper() for c in text)


def _street_word(word: str) -> bool:
    # "Pass", "Road", "Strasse" end streets; "Hill" or "Parks" are surnames as often, so they do not count,
    # except the few street words nobody is named ("Street", "Avenue").
    lower = word.lower()
    return lower in _ALWAYS_STREET or (lower in STREET_TYPES and not is_known_name(word.capitalize()))


def not_a_name_here(text: str, start: int, end: int, *, cued: bool = False) -> bool:
    """Whether the span or its context says it names a company, a street, a place
    or a field, not a person. A ``cued`` span ("Name: Leigha Mackay") is not
    second-guessed for looking like a place."""
    span = text[start:end]
    words = WORD.findall(span)
    if not words or any(c.isdigit() for c in span):
        return True
    last = words[-1]
    if words[0].lower() in _STREET_PREFIX_WORDS and len(words) > 1:
        return True  # "Plaza de España", "Via Roma"
    if (last.lower() in ORG_DESIGNATORS or any(_street_word(w) or w.lower() in _UNITS for w in words[1:])
            or _street_word(last) or all(w.lower() in TITLES for w in words)):
        return True
    before = text[max(0, start - 1):start]
    after = text[end:end + 40].split("\n", 1)[0]
    quoted = bool(before) and before in "\"“'‘" and after[:1] in "\"”'’"
    strong = sum(map(is_strong_name, words))
    if (len(words) > 1 and after[:1] == ":" and not strong) or (quoted and len(words) > 2 and strong < 2):
        return True  # a heading ("Guilty Pleasures:") or a quoted title ("Tube Snake Boogie"), not "Odette Farrowgate:"
    if cued:
        return False
    if len(words) == 1 and _IMPERATIVE.match(text, end) and _SENTENCE_START.search(text, 0, start):
        return True  # "Skip the eggs", "Add a pinch": an imperative verb opening a sentence
    if len(words) == 1 and is_place(last) and not is_first_name(last) and _PLACE_PREPOSITION.search(text, 0, start):
        return True  # "flew to Phoenix", "moved here from Kenosha"
    shop = _OWNED_SHOP.match(text, end - 2 if span.endswith(("'s", "’s")) else end)
    if _AND_SONS.match(after) or (shop and shop.group(1).lower() in _SHOPS):
        return True  # "Smith and Sons", "Gayle's Bakery"; not "Gayle's bakery", hers
    if len(words) > 2 and (is_place(" ".join(words[-2:])) or is_place(" ".join(words[-3:]))):
        return True  # "Milford New Zealand": a place closes an address line
    if len(words) > 1 and len(last) > 2 and is_place(last) and not is_known_name(last.title()) \
            and not is_first_name(words[0]):
        return True  # "Rzeszów Poland", but "Marta Palermo" is a person
    nxt = _NEXT_WORD.match(after)
    if nxt:
        word = nxt.group(1)
        if (word[0].isupper() and (word.lower().rstrip(".") in ORG_DESIGNATORS or _street_word(word.rstrip("."))))\
                or word.lower() in _STREET_AFTER:
            return True
    if re.search(r"\d[ \t]+$", text[max(0, start - 12):start]):
        return True  # "9816 214 Pavlou Drandaki": a house number opens a street name
    return len(words) == 1 and last.lower() in FIELD_LABELS and after.lstrip(" \t").startswith(":")


def _supported(text: str, start: int, end: int) -> bool:
    """Whether a PERSON guess of the NER has evidence beyond the model."""
    if not_a_name_here(text, start, end):
        return False
    words = WORD.findall(text[start:end])
    capitalised = [w for w in words if w[0].isupper()]
    if not capitalised:
        # "silvana" in lower-case text needs a listed name and no place; in text that
        # capitalises, a lower-case guess ("domain", "minor") is a word.
        if _has_capitals(text) or is_place(" ".join(words)):
            return False
        if len(words) == 1:
            return is_first_name(words[0].capitalize()) and not is_common(words[0])
        return any(is_known_name(w.capitalize()) and not is_common(w) and w not in STOP_WORDS for w in words)
    if is_place(" ".join(capitalised)) and not is_first_name(capitalised[0].title()):
        return False  # "Toronto", "Los Angeles", "KAJAANI"
    if len(capitalised) == 1:
        word = capitalised[0]
        if word.isupper():  # "IRA", "KAJAANI": an acronym or a heading, unless a listed first name
            return len(word) > 3 and is_first_name(word.title()) and not is_common(word)
        if _SENTENCE_START.search(text, 0, start) and usually_lower_case(word):
            return False  # "Cherry tomatoes": the NER trusted a capital that only the sentence start gave
        return is_strong_name(word)
    if any(is_strong_name(w) or is_known_name(w) for w in capitalised):
        return True
    # Two or three unlisted capitalised words ("Bonifacy Kaczmarek") stay a name, unless one is an everyday word.
    return len(words) <= 3 and not any(is_common(w) or w.lower() in STOP_WORDS for w in words)


class SupportedSpacyRecognizer(SpacyRecognizer):
    """spaCy's entities, with PERSON guesses kept only where evidence supports them."""

    def analyze(self, text, entities, nlp_artifacts=None):
        results = super().analyze(text, entities, nlp_artifacts)
        return [r for r in results if r.entity_type != PERSON or _supported(text, r.start, r.end)]


class NameRecognizer(EntityRecognizer):
    """PERSON from name cues and from runs of capitalised words anchored on name evidence.

    A run of capitalised words (with initials and particles like "ten", "van")
    becomes a name when it holds a strong name (a gazetteer name that is not
    also a common word, or a name-shaped word) and another word, or two known
    names; a lone strong name counts unless the NER calls it a known place.
    The run is cut at five words."""

    CUE_SCORE = 0.85
    PAIR_SCORE = 0.8
    SINGLE_SCORE = 0.6

    def __init__(self) -> None:
        super().__init__(supported_entities=[PERSON], name="NameRecognizer", supported_language="en")

    def load(self) -> None:
        # presidio calls this when the analyzer is built: read every list now, not inside the first batch.
        preload_lexicons()

    def analyze(self, text, entities, nlp_artifacts=None):
        if PERSON not in entities:
            return []
        results = []
        for m in (m for pattern in CUE_PATTERNS for m in pattern.finditer(text)):
            if _introduces_no_first_name(m):
                continue
            start, end = m.start("name"), _cut_before_non_name(text, m.start("name"), m.end("name"))
            if _plausible_cued_name(text[start:end]) and not not_a_name_here(text, start, end, cued=True):
                results.append(_result(self, start, end, self.CUE_SCORE))
        for start, end, words in _capitalised_runs(text, getattr(nlp_artifacts, "entities", None) or ()):
            cut = _cut_before_non_name(text, start, end)
            if cut < end:
                end, words = cut, WORD.findall(text[start:cut])
            if not words or not_a_name_here(text, start, end) or (len(words) > 1 and is_place(" ".join(words))):
                continue  # ... or a place of several words ("Los Angeles", "San Luis Obispo")
            known = [w for w in words if is_known_name(w)]
            # An ALL-CAPS word alone ("KAJAANI" on an address line) is a heading or a city more often than a name.
            strong = [w for w in words if is_strong_name(w) and not (w.isupper() and len(words) == 1)]
            if len(known) >= 2 or (strong and len(words) >= 2):
                results.append(_result(self, start, end, self.PAIR_SCORE))
            elif strong and len(words) == 1 and _lone_name(text, words[0], start, end, nlp_artifacts):
                results.append(_result(self, start, end, self.SINGLE_SCORE))
        return results


def _plausible_cued_name(name: str) -> bool:
    """A cue's name must not open with an everyday word ("Dr. Frank Miller" yes, "call me When"
    no); in lower-case text ("call me when you") no word may be one."""
    words = name.split()
    if not words:
        return False
    weak = [is_common(w) or w.lower() in STOP_WORDS for w in words]
    return not (any(weak) if name.islower() else weak[0] and not is_known_name(words[0]))


def _cut_before_non_name(text: str, start: int, end: int) -> int:
    """End of the span before its first unit, organisation or street word ("Barbara Yudina| Apt. 675")."""
    for m in WORD.finditer(text, start, end):
        word = m.group()
        if m.start() > start and (word.lower() in _UNITS or word.lower() in ORG_DESIGNATORS or _street_word(word)):
            return len(text[:m.start()].rstrip(" \t"))
    return end


def _lone_name(text: str, word: str, start: int, end: int, nlp_artifacts) -> bool:
    """Whether one strong word on its own is a name here: not when it is a place or
    the NER calls it a nationality ("Roman philosophy"), and a word with only a name
    shape ("Amazon") yields to the NER calling it an organisation.

    Known weakness, measured on the demo data: an everyday word that some locale's
    name list holds, opening a sentence ("Fresh water", "Olive oil"), is redacted.
    Requiring the NER's agreement there cost 4 points of PERSON recall on
    synth_dataset_v2 ("Sandra lives at ..."), and sm's tagger calls those names NN."""
    if _known_place(nlp_artifacts, word, start, end) or (is_place(word) and not is_first_name(word)):
        return False
    if _ner_label(nlp_artifacts, start, end, {"NRP", "NORP"}):
        return False
    if _SENTENCE_START.search(text, 0, start) and usually_lower_case(word) \
            and not _ner_label(nlp_artifacts, start, end, {PERSON, "PER"}):
        return False  # "Fresh water", "Olive oil": a word a sentence start capitalised
    return is_known_name(word) or not _ner_label(nlp_artifacts, start, end, {"ORGANIZATION", "ORG"})


def _known_place(nlp_artifacts, word: str, start: int, end: int) -> bool:
    """Whether the NER calls this one word a place and it is a listed place ("Paris", "Victoria").

    presidio relabels spaCy's GPE/LOC as LOCATION. Both signals are needed: sm
    calls many lone first names LOCATION ("said Maslin to Antonio"), and many
    places are first names too; a leaked name costs more than a redacted word."""
    return is_place(word) and _ner_label(nlp_artifacts, start, end, {"LOCATION", "GPE", "LOC"})


def _ner_label(nlp_artifacts, start: int, end: int, labels: set[str]) -> bool:
    ents = getattr(nlp_artifacts, "entities", None) or ()
    return any(e.label_ in labels and e.start_char < end and start < e.end_char for e in ents)


def _capitalised_runs(text: str, entities: Sequence = ()):
    """(start, end, capitalised words) for each run of capitalised words on one line. A possessive ends
    a run ("Jakub Nowak's | Honda Civic", "Kristi Noem’s | SSN") unless the NER reads one thing of a
    kind other than a person across it, the encyclopaedia lists the possessive and what follows as a
    title ("Martha's Vineyard", "Valentine's Day"), or what follows reads as a title: it opens with
    "The" or goes on past the run ("Saint-Exupéry's The Little Prince", "Alice's Adventures in Wonderland")."""
    for start, end in _split_at_possessives(text, entities):
        yield from _run_words(text, start, end)
    if not _has_capitals(text):
        yield from _lower_case_names(text)


_POSSESSIVE_INSIDE = re.compile(r"(?<=[^\W\d_])['’]s[ ]")
_TITLE_GOES_ON = re.compile(r"[ ](?:in|of|and|on|at)[ ](?:the[ ])?[A-Z]")  # "Alice's Adventures| in Wonderland"


def _split_at_possessives(text: str, entities: Sequence) -> Iterable[tuple[int, int]]:
    """The ``(start, end)`` of each run, cut after a possessive where ``_capitalised_runs`` says."""
    things = [(e.start_char, e.end_char) for e in entities if e.label_ != "PERSON"]
    for m in _RUN.finditer(text):
        start = m.start()
        for p in _POSSESSIVE_INSIDE.finditer(text, m.start(), m.end()):
            owner = text[m.start():p.end() - 1].split()[-1]
            owned = text[p.end():m.end()].split()
            if not (any(s < p.start() and p.end() < e for s, e in things) or owned[0] == "The"
                    or _TITLE_GOES_ON.match(text, m.end())
                    or any(is_title([owner, *owned[:k]]) for k in (1, 2) if len(owned) >= k)):
                yield start, p.end() - 1
                start = p.end()
        yield start, m.end()


def _run_words(text: str, start: int, end: int):
    """The run's (start, end, words), less the common words that open it and its initials."""
    words = re.findall(_CAP, text[start:end])
    while words and is_common(words[0]):  # "The", "Dear", "Thanks" open runs, not names
        start = text.index(words[0], start) + len(words[0])
        words = words[1:]
    if words:
        start = text.index(words[0], start)
    words = [_POSSESSIVE.sub("", w) for w in words if not re.fullmatch(_INITIAL, w)]
    if words:
        yield start, end, words


def _lower_case_names(text: str):
    """Names in all-lower-case text ("patricia desrosiers"): two adjacent gazetteer
    names, a first name the word lists do not also hold as a word, or a first
    name followed by an initial and a name-shaped word ("eric g. samoylova")."""
    tokens = [m for m in re.finditer(r"[^\W\d_]{2,}", text)
              if not is_common(m.group()) and m.group() not in STOP_WORDS
              and (is_known_name(m.group().capitalize()) or name_shaped(m.group().capitalize()))]
    i = 0
    while i < len(tokens):
        j = i
        # "eva kleist", "codey m ross": join names one word or an initial apart
        while j + 1 < len(tokens) and re.fullmatch(r" (?:[a-z]\.? )?", text[tokens[j].end():tokens[j + 1].start()]):
            j += 1
        words = [t.group().capitalize() for t in tokens[i:j + 1]]
        if len(words) > 1 or (len(words[0]) >= 4 and is_first_name(words[0]) and not everyday_word(words[0])):
            # "sha" alone: no; "miles", "will", "mark" alone: an everyday word first
            yield tokens[i].start(), tokens[j].end(), words
        i = j + 1


def prefetch_fame(known_names: str, texts: Sequence[str], findings: Sequence[Sequence[Finding]],
                  ner_spans: Sequence[Sequence[tuple[int, int, str]]]) -> None:
    """Ask the model at once about every full name, every maker after "by" and every first mention
    that ``refine_persons`` will ask about in a batch of texts (``notability.prefetch``,
    ``prefetch_creators``, ``prefetch_in_context``): one batched pass instead of one per name."""
    asked = []
    for text, found, ents in zip(texts, findings, ner_spans):
        kept = _trimmed(text, found)
        if any(f.entity == PERSON for f in kept):
            asked.append((text, kept, cued_spans(text), ents))
    questions = [model_questions(text, kept, *cues, ents) for text, kept, cues, ents in asked]
    prefetch(known_names, [pair for fame, _ in questions for pair in fame])
    prefetch_creators(known_names, [q for _, made in questions for q in made])
    # the in-context test asks only where the fame and creator answers leave a text's names unmarked
    prefetch_in_context(known_names, [q for text, kept, cues, ents in asked
                                      for q in context_questions(text, kept, *cues, ents, known_names)])


def refine_persons(text: str, findings: Sequence[Finding], *, private: bool = False,
                   ner_spans: Sequence[tuple[int, int, str]] = (), known_names: str | None = None) -> TextFindings:
    """One text's resolved findings with PERSON spans trimmed, firms removed, other
    mentions and list members of found names added; sorted by start. With ``private``,
    names that are not a private person's (``curate.pii.private``) go before the others
    are looked for, so a public figure's surname is not redacted at its next mention."""
    trimmed = _trimmed(text, findings)
    kept, public = trimmed, frozenset[str]()
    if private:
        kept = private_persons(text, trimmed, *cued_spans(text), ner_spans, known_names)
        public = kept.public
    # full names judged no private person's ("Steve Jobs", "Bill Gates"); a lone name judged a thing
    # may still be a found name's mention
    cleared = [f for f in trimmed if f.entity == PERSON and f not in kept and " " in text[f.start:f.end]]
    persons = [f for f in kept if f.entity == PERSON]
    if not persons:
        return TextFindings(sorted(kept, key=lambda f: f.start), public, cleared)
    tokens = name_tokens(text, persons)
    asserted = name_tokens(text, [f for f in persons if not f.presumed])
    whole, added = name_mentions(text, kept, cleared, tokens, asserted, full_names(text, persons),
                                 min(f.score for f in persons))
    taken = [*kept, *whole]
    added += _list_members(text, persons + added, taken + added)
    added += _speakers(text, persons + added, taken + added)
    if all(f.presumed for f in persons):  # mentions of names kept for want of evidence are no more than that
        added = [replace(f, presumed=True) for f in added]
    return TextFindings(sorted(kept + added, key=lambda f: f.start), public, cleared)


def _whole_names(text: str, cleared: Sequence[Finding], tokens: set[str],
                asserted: set[str]) -> tuple[list[Finding], list[Finding]]:
    """Of the full names judged no private person's (``cleared``), ``(kept whole, redacted whole)`` while
    the private names' ``tokens`` are looked for elsewhere. Kept whole: a name none of whose later words a
    private name bears: the "Steve" of "Well, Steve," is not redacted inside "Steve Jobs". Redacted whole: a
    plain name with a word a cue or contact details marked private (``asserted``): "Marisol Quenby" as
    a tool result's bare value, where "Thanks, Marisol" shows her a customer. The rest are neither, and
    their private words are redacted where they stand ("Faina D. Yefremova's Cautionary Tales" where
    "Yefremova" is found private elsewhere)."""
    whole, redacted = [], []
    for f in cleared:
        span = text[f.start:f.end]
        words = span.split()
        if asserted.intersection(words) and len(words) <= 3 and all(_PLAIN_NAME_WORD.fullmatch(w) for w in words):
            redacted.append(f)
        elif not any(occurrences(span.partition(" ")[2], t) for t in tokens):
            whole.append(f)
    return whole, redacted


_PLAIN_NAME_WORD = re.compile(r"[^\W\d_a-z][^\W\d_]*(?:[-'’][^\W\d_]+)?|[A-Z]\.")


def name_mentions(text: str, found: Sequence[Finding], cleared: Sequence[Finding], tokens: set[str],
                  asserted: set[str], names: Iterable[str], score: float) -> tuple[list[Finding], list[Finding]]:
    """``(kept whole, added)`` for the private names found in this text or another turn: the cleared
    full names that stay whole, and the findings to add, the cleared names that go whole
    (``_whole_names``) and every other free mention (``other_mentions``)."""
    whole, redacted = _whole_names(text, cleared, tokens, asserted)
    added = [Finding(PERSON, f.start, f.end, score) for f in redacted]
    return whole, added + other_mentions(text, tokens, [*found, *whole, *added], score, names)


def _trimmed(text: str, findings: Sequence[Finding]) -> list[Finding]:
    """The findings with PERSON spans trimmed (``_trim``) and those that name a firm left out."""
    kept: list[Finding] = []
    for f in findings:
        if f.entity == PERSON:
            f = _trim(text, f)
            if f is None or _in_firm(text, f):
                continue
        kept.append(f)
    return kept


def _trim(text: str, f: Finding) -> Finding | None:
    if "\n" in text[f.start:f.end]:
        f = _one_line(text, f)
    span = text[f.start:f.end]
    trimmed = _POSSESSIVE_OR_JUNK.sub("", span)
    while trimmed != span:
        span, trimmed = trimmed, _POSSESSIVE_OR_JUNK.sub("", trimmed)
    lead = _LEAD.match(span) or _sentence_word(text, f.start, span)
    start = f.start + (lead.end() if lead else 0)
    end = f.start + len(span)
    return Finding(f.entity, start, end, f.score) if end > start else None


_LEAD = re.compile(rf"(?:(?:{_TITLE}|(?i:{GREETINGS}),?)[ ]+)+")  # "Mr. ", "Dear ", "Dear Mr. ": no part of the name
# The line goes on after the span, and not as a heading's text: "Chicken Fajitas" alone is a dish and
# "Decorative Piper: Usually used for icing" a heading, whatever their first word.
_CONTINUES = re.compile(r"(?![ \t]*:)[^\n]*?[^\W\d_]")
_FIRST_WORD = re.compile(r"([^\W\d_]+)[ ]+(?=[^\W\d_])")


def _sentence_word(text: str, start: int, span: str) -> re.Match | None:
    """The everyday word that opens a sentence and the span ("Tap Edit profile", "Purchase Venus
    flytraps"): the sentence start, not a name, capitalised it."""
    m = _FIRST_WORD.match(span)
    if m and everyday_no_first_name(m.group(1)) and _SENTENCE_START.search(text, 0, start) \
            and _CONTINUES.match(text, start + len(span)):
        return m
    return None


def _one_line(text: str, f: Finding) -> Finding:
    """The line of a span the NER ran across a line break ("Female\\nMike" in a table) that holds most
    listed names: a name never crosses a line."""
    pieces, at = [], f.start
    for line in text[f.start:f.end].split("\n"):
        pieces.append((sum(is_known_name(w) for w in WORD.findall(line)), at, at + len(line)))
        at += len(line) + 1
    _, start, end = max(pieces, key=lambda p: (p[0], p[1]))
    return Finding(f.entity, start, end, f.score)


def _in_firm(text: str, f: Finding) -> bool:
    """Whether a PERSON span is one of three bare surnames that name a firm: the
    line holds nothing else, or they follow "at" ("a year at Jones, Mitchell and Williams")."""
    for m in _FIRM.finditer(text, max(0, f.start - 80), min(len(text), f.end + 80)):
        if not (m.start() <= f.start and f.end <= m.end()):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        before = text[line_start:m.start()].strip(" \t>*-")
        after = text[m.end():len(text) if line_end < 0 else line_end].strip(" \t.,")
        org_after = after.split(" ", 1)[0].lower().rstrip(".") in ORG_DESIGNATORS
        if (not before and not after) or org_after or re.search(r"\b(?:at|for|from)\s*$", before):
            return True
    return False


def name_tokens(text: str, findings: Sequence[Finding]) -> set[str]:
    """The words of a text's PERSON findings that identify someone on their own
    (no titles, initials, stop words or everyday words)."""
    tokens = set()
    cased = _has_capitals(text)
    for f in findings:
        if f.entity != PERSON:
            continue
        for w in WORD.findall(text[f.start:f.end]):
            if (len(w) >= 3 and "'" not in w and "’" not in w and not is_common(w)
                    and w.lower() not in STOP_WORDS and w.lower() not in TITLES
                    and (w[0].isupper() or not cased)                            # "mustard" of "Dijon mustard"
                    and not (w.isupper() and (len(w) <= 3 or not is_first_name(w.title())))):  # "IRA" of "Roth IRA"
                tokens.add(w)
    return tokens


def _free(start: int, end: int, taken: Sequence[Finding]) -> bool:
    return all(end <= t.start or start >= t.end for t in taken)


def full_names(text: str, findings: Sequence[Finding]) -> set[str]:
    """The PERSON findings that are full names of plain name words ("Claire White", "Jane Smith")."""
    return {span for f in findings if f.entity == PERSON and len(words := (span := text[f.start:f.end]).split()) > 1
            and all(_PLAIN_NAME_WORD.fullmatch(w) for w in words)}


def other_mentions(text: str, tokens: set[str], taken: Sequence[Finding], score: float,
                   names: Iterable[str] = ()) -> list[Finding]:
    """PERSON findings for every free occurrence of a found full name (``names``), whole, then
    of a name word, as written, capitalised or in capitals (and lower-case in a text without
    capitals): a surname left behind leaks the person. The full names come first because a
    word that is also an everyday word ("White" of "Claire White") is no token on its own."""
    added: list[Finding] = []
    for name in sorted(names, key=lambda n: (-len(n), n)):
        for at in occurrences(text, name):
            if _free(at, at + len(name), list(taken) + added):
                added.append(Finding(PERSON, at, at + len(name), score))
    cased = _has_capitals(text)
    for token in sorted(tokens, key=lambda t: (-len(t), t)):
        forms = {token, token.capitalize(), token.upper()} | (set() if cased else {token.lower()})
        for at, end in sorted((at, at + len(form)) for form in forms for at in occurrences(text, form)):
            if _free(at, end, list(taken) + added):
                added.append(Finding(PERSON, at, end, score))
    return added


def _list_members(text: str, persons: Sequence[Finding], taken: Sequence[Finding]) -> list[Finding]:
    """Members of a list ("A, B, C and D") whose other members are mostly names."""
    added: list[Finding] = []
    for m in _LIST.finditer(text):
        items = [(i.start() + m.start(), i.end() + m.start()) for i in WORD.finditer(m.group())
                 if i.group() != "and"]
        named = [(s, e) for s, e in items if any(p.start <= s and e <= p.end for p in persons)]
        if len(named) < 2 or 2 * len(named) < len(items):
            continue
        for s, e in items:
            word = text[s:e]
            if (s, e) not in named and not is_common(word) and word.lower() not in STOP_WORDS \
                    and _free(s, e, list(taken) + added):
                added.append(Finding(PERSON, s, e, min(p.score for p in persons)))
    return added


def _speakers(text: str, persons: Sequence[Finding], taken: Sequence[Finding]) -> list[Finding]:
    """Every speaker label of a transcript in which at least one speaker is a found name."""
    labels = [m for m in _SPEAKER.finditer(text)
              if not is_common(m.group("name")) and m.group("name").lower() not in FIELD_LABELS]
    named = [m for m in labels if any(p.start <= m.start("name") and m.end("name") <= p.end for p in persons)]
    if not named or len(labels) < 2:
        return []
    added: list[Finding] = []
    for m in labels:
        if _free(m.start("name"), m.end("name"), list(taken) + added):
            added.append(Finding(PERSON, m.start("name"), m.end("name"), min(p.score for p in persons)))
    return added
