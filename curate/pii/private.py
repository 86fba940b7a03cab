"""Whether a found name belongs to a private person: the ``person: private`` policy.

On instruction and chat data most capitalised names are not private people:
encyclopaedic answers name public figures ("Albert Einstein", "Christopher Nolan"),
tasks name places, products, subjects and tools ("New York City", "OpenMeteo API",
"Math"). Redacting them damages the data and protects nobody. A name found by the
recognizers is kept as PERSON when the text marks it private, and dropped when the
text or English itself marks it public or not a person:

* private: a cue announces it ("my name is", "Dear", "Regards,", "Name:", a title,
  "my son", a transcript speaker), or contact details (e-mail, phone, street address,
  SSN, card, IBAN) sit in the name's paragraph, close by: a form, a signature block or a
  table row that carries a phone number is about its named person. Private evidence wins
  over everything below.
* not a person: a lone place ("London"), an ALL-CAPS word ("FIFA"), a word English
  writes lower-case ("Math", "Module"), a word English writes often that only other
  languages' name lists give people ("Stanford", "Tor") unless the NER tags it a person,
  a storybook animal ("an owl named Oliver", "Mr Beaver"), or a capitalised run that is a place or holds
  such a word ("New York City", "Command Module", "Bell Pepper Stir Fry"); a name the text also
  uses for a thing ("Amadeus software"), writes in lower case ("your tor client") or lists as an
  example of a kind ("virtual assistants like Siri"): one text, one referent.
* public: a surname English text knows well that is not a common one
  (``names.is_notable``: "Einstein", "Orwell", "Snape"), a full name a language model completes
  from its first word (``notability``: "Michael Jordan", "Harper Lee"), a one-word name the passage
  before its first mention leads the model to expect ("Iago" after "...Desdemona and the lies of"), a role before it ("physicist",
  "President", "Senator"), life years after it ("(1879-1955)") or "was a ... physicist"; a name
  that signs a quotation; a full name credited with a title its sentence calls a work ("the
  article '...' by Markham Heid"); and the unmarked names of a text that names a published work as such
  (``curate.pii.works``: its characters).

A name with neither kind of evidence is kept: an unknown name in a sentence is most
likely someone private, which is what synthetic PII sets (synth_dataset_v2) are made of.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from curate.pii.finding import Finding, TextFindings
from curate.pii.encyclopaedia import CHANCE, chance_entries, is_title, names_its_subject
from curate.pii.notability import CONTEXT_CHARS, CREATOR_CONTEXT, full_name, known_creator, known_in_context, known_pair
from curate.pii.names import (
    GREETED_ROLES,
    GREETINGS,
    WORD,
    everyday_no_first_name,
    everyday_not_a_name,
    everyday_word,
    is_first_name,
    is_known_name,
    is_notable,
    is_place,
    name_shaped,
    named_thing_in_english,
    occurrences,
    well_known,
)
from curate.pii.works import names_a_work, signed_quotes

PERSON = "PERSON"
CONTACT_ENTITIES = frozenset({"EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS", "US_SSN", "CN_RESIDENT_ID", "CREDIT_CARD",
                              "IBAN_CODE"})

# Roles that make whoever holds them public ("President Lincoln", "physicist Richard Feynman", "journalist
# Gianna Toboni", "singer Halsey"). Jobs that private people hold as often ("producer", "player", "author",
# "coach", "professor", "director", "founder") are left out: invented people in generated tasks hold them.
_ROLES = (
    "president|vice[- ]president|senator|congressman|congresswoman|governor|chancellor|prime minister|"
    "king|queen|prince|princess|emperor|empress|pharaoh|pope|saint|st|sir|lord|general|admiral|chief justice|"
    "archduke|archduchess|duke|duchess|tsar|czar|tsarina|sultan|shah|caliph|baron|baroness|marquis|viscount|earl|"
    "physicist|chemist|mathematician|astronomer|philosopher|novelist|poet|playwright|composer|painter|sculptor|"
    "explorer|inventor|astronaut|dictator|prophet|apostle|god|goddess|ambassador|bishop|archbishop|cardinal|"
    "journalist|correspondent|reporter|columnist|broadcaster|actor|actress|singer|rapper|guitarist|drummer|"
    "bassist|filmmaker|screenwriter|photographer|cartoonist|comedian|billionaire|quarterback|footballer|golfer|"
    "boxer|historian|economist|biologist|psychologist|sociologist|linguist|astrophysicist|neuroscientist|mayor|"
    "politician|statesman|stateswoman|diplomat|lawmaker|legislator|incumbent"
)
_ROLE_BEFORE = re.compile(rf"(?i:\b(?:{_ROLES}))\.?[ ]+$")
# An elected office written as a title: "Rep. Doyle", "for Representative Marjorie Green", "Congress person Michael
# Doyle"; not a job ("Sales Representative Karen Murphy", "a legal representative"), so no capitalised word before it.
_OFFICES = r"Rep\.|Representative|Congressman|Congresswoman|Congressperson|Congress[ ]person"
_OFFICE_BEFORE = re.compile(rf"(?:^|[^\w\s]|\b[a-z]+)[ ]*\b(?:{_OFFICES})[ ]+$")
_OFFICE_FIRST = re.compile(rf"(?:{_OFFICES})[ ]")  # the span opens with the office: "Representative Marjorie Green"
_ROLE_FIRST = re.compile(rf"(?i:{_ROLES}|justices?)\.?[ ]")
_MONTH = ("(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\\.?")
_DATE = rf"(?:\d{{1,2}}[ ]+{_MONTH}[ ]+\d{{3,4}}|{_MONTH}[ ]+\d{{1,2}},?[ ]+\d{{3,4}}|\d{{3,4}})"
# An encyclopaedia's life dates: "(1879-1955)", "(born 1961)", "(born 12 March 1961)", "(March 3, 1847 – August 2, 1922)".
_LIFE_YEARS = re.compile(rf"[ ]*\((?:born |b\. |c\. |ca\. )?{_DATE}(?:[ ]*[-–—][ ]*(?:{_DATE}|\d{{2}}|present))?\)")
_WAS_A_ROLE = re.compile(rf"[ ]+(?:was|is)[ ]+(?:an?|the)[ ]+(?:[\w-]+[ ]+){{0,4}}?(?i:{_ROLES})\b")
# An encyclopaedia's opening line, the nationality right after "is a" (the NER's NORP): "Thomas Whitfield is an
# American politician who served ... from 2004 to 2012", "Laura Brennan (born 4 June 1975) is an Irish novelist",
# "..., known professionally as Gil McKinney, (born February 5, 1979) is an American film and television actor". A
# story introduces its people by what they do or how old they are ("is a 19 year old man", "is a software engineer").
_IS_A_NATIONAL = re.compile(r"(?:,[ ]+(?:(?:also|better|professionally)[ ]+)?known[ ]+(?:[a-z]+[ ]+)?as[ ]+[^,()\n]{1,60},)?"
                            r"(?:[ ]*\([^()\n]{1,80}\))?,?[ ]+(?:is|was)[ ]+(?:an?|the)[ ]+(?:(?:former|retired|late)[ ]+)?")
_YEAR = re.compile(r"\b(?:1[0-9]|20)\d\d\b")
_FIRST_OR_SECOND_PERSON = re.compile(r"\b(?i:i|me|my|mine|we|us|our|you|your)\b")
_SENTENCE_END = re.compile(r"[.!?\n]")


def _encyclopaedia_lead(text: str, end: int, ner_spans: Sequence[tuple[int, int, str]]) -> bool:
    """Whether the name ending at ``end`` opens an encyclopaedia's sentence: a nationality right after
    "is a" (``_IS_A_NATIONAL``), and from the start of its line to the end of the sentence a year and no
    one speaking ("... is a Czech student in my class" is the writer's acquaintance, "... is an Italian
    engineer with ten years of experience" a made-up bio)."""
    national = _IS_A_NATIONAL.match(text, end)
    if not (national and any(s == national.end() and label == "NORP" for s, _, label in ner_spans)):
        return False
    stop = _SENTENCE_END.search(text, national.end())
    read = text[text.rfind("\n", 0, end) + 1:stop.start() if stop else len(text)]
    return bool(_YEAR.search(read)) and not _FIRST_OR_SECOND_PERSON.search(read)


# A name that heads a named organisation: "..., Jr., the CEO and Cofounder of Granite", "and X is their CEO".
_HEADS = r"(?:CEO|chief[ ]executive|founder|co-?founder|chairman|chairwoman)"
_HEADS_AN_ORG = re.compile(rf"(?:,[ ]*(?:Jr|Sr)\.?)?,?[ ]+(?:is[ ]+)?(?:the|its|their)[ ]+"
                           rf"(?i:{_HEADS}(?:[ ]+and[ ]+{_HEADS})?)(?:[ ]+of[ ]+[A-Z]|[ ]*[.;,)])")
# A cited author: "(Hakkinen et al, 1985)", "(Tammann, 1970)", or an author of a reference list's entry:
# "Heim, J. (2009). Virtual worlds: ...", "Harrison, Y., & Horne, J. (2016)", with the year on the entry's line.
_CITED = re.compile(r"[ ]+et[ ]+al\b|,[ ]*\d{4}[a-z]?[;)]|,[ ](?:[A-Z]\.[ ]?){1,3}(?=[^\n]{0,300}\(\d{4}[a-z]?\))")
# A kind of thing named after the name: an eponym ("Heron's formula", "the Petrus method"), a brand or a
# place before its head noun ("the Pure Flix app", "a Dixie cup", "Asakusa Station"), a book of scripture
# before chapter and verse ("John 3:16"). A person's own things are written with "'s" ("Sarah's app"),
# which only eponyms take here.
_EPONYM_NOUNS = (r"formula|law|theorem|lemma|method|principle|equation|constant|effect|paradox|razor|conjecture|"
                 r"hypothesis|disease|syndrome|algorithm|distribution|inequality|transform|cipher|scale|degree|unit")
_THING_AFTER = re.compile(
    rf"['’]s?[ ]+(?i:{_EPONYM_NOUNS})s?\b"
    rf"|[ ]+(?:{_EPONYM_NOUNS}|variant|history|culture|cuisine|mythology|folklore|architecture|app|application|website|browser|[Pp]rotocol|network|console|cup|yarn|wool|"
    r"fries|burger|dresser|[Ss]tation|[Ll]ine|[Cc]hurch|[Tt]emple|[Ss]hrine|[Cc]athedral|brand|store|restaurant|hotel|"
    r"River|County|Valley|Canyon|Desert|Peninsula|Airport|Museum|Stadium|"
    r"OS|software|program|programme|database|server|client|platform|plugin|library|framework|API|SDK|device|"
    r"computer|laptop|smartphone|login|virus|malware|reaction)s?\b"
    r"|[ ]+\d{1,3}:\d{1,3}\b")
# A brand joined to a letter: "T-Mobile", "X-Men".
_LETTER_JOINED = re.compile(r"[^\W\d_][-–][^\W\d_]{2,}|[^\W\d_]{2,}[-–][^\W\d_]")
# Words that open the name of a place: "Mount McKinley", "Lake Tahoe", "Cape Cod", "Fort Knox".
_PLACE_FIRST = frozenset("mount mt lake cape fort isle gulf bay port river glen".split())
_A_NAME_AS_A_WORD = re.compile(r"\b(?i:names?)[ ]+(?:of[ ]+)?['\"“‘]$")
_PLACE_BEFORE = re.compile(r"\b(?i:mount|mt|lake|cape|fort|isle)\.?[ ]$"
                           r"|\b(?:Hotel|Restaurant|Caf[eé]|Bistro|Pizzeria|Trattoria|Chez)(?:[ ](?:Le|La|Les|El|Il|Da|Del|De))?[ ]$")
# One book of scripture and chapter and verse: "James 2:19", "James 2: 19", "Jude 1:3".
_VERSE_AFTER = re.compile(r"[ ]\d{1,3}:[ ]?\d{1,3}\b")
_BOOKS = frozenset("""
genesis exodus leviticus numbers deuteronomy joshua judges ruth samuel kings chronicles ezra nehemiah esther job psalms
psalm proverbs ecclesiastes isaiah jeremiah lamentations ezekiel daniel hosea joel amos obadiah jonah micah nahum
habakkuk zephaniah haggai zechariah malachi matthew mark luke john acts romans corinthians galatians ephesians
philippians colossians thessalonians timothy titus philemon hebrews james peter jude revelation tobit judith wisdom
sirach baruch maccabees
""".split())
# "Redford & Jones", "Marks & Spencer": names joined by an ampersand name a firm, unless both are first names ("Tom & Mary").
_FIRM_PARTNER_BEFORE = re.compile(r"([^\W\d_a-z][\w'’-]*)[ ]&[ ]$")
_FIRM_PARTNER_AFTER = re.compile(r"[ ]&[ ]([^\W\d_a-z][\w'’-]*)")
_INITIAL_OR_SUFFIX = re.compile(r"[A-Za-z]|[IVX]{2,4}|Jr|Sr|MD|PhD|DDS|Esq")
# A field that holds a public person: "Celebrity: Beyonce", "Name of artist: Billie Eilish", "Author: F. Scott Fitzgerald".
_PUBLIC_FIELD = re.compile(
    r"(?i:\b(?:author|artist|celebrity|director|actor|actress|singer|band|composer|writer|poet|painter|"
    r"character|protagonist|antagonist|villain)s?[ \t]*:[ \t]*)$")
# A byline: a full name credited with a title that the sentence calls a published work ('the novel "The
# Great Gatsby" by', "The article 'Behind the ...' by"). Passive sentences ("The cake was baked by Emily")
# credit people with no title, and synthetic PII sets credit invented people with songs ("This song by").
_BYLINE = re.compile(r"\b(?i:novel|book|article|essay|poem|song|album|film|movie|painting|paper|play|novella|textbook|"
                     r"memoir|biography|documentary|column|op-ed|series|show)[ ]+[\"“'‘][^\"”\n]{1,120}[\"”’'][ ]*by[ ]+$")
# A founder credited in the passive, with any co-founders listed before: "Acme was founded in 2011 by Daniel Frey
# and Oksana Melnyk", "This company, co-founded by ...": a firm's public record.
_FOUNDED_BY = re.compile(r"\b(?i:co-?)?founded(?:[ ]+in[ ]+\d{4})?[ ]+by[ ]+"
                         r"(?:[A-Z][\w'’-]*(?:[ ][A-Z][\w'’-]*){0,3}(?:,[ ]*|[ ]+and[ ]+))*$")
# An oeuvre credited: "the best songs by Adele", "novels written by Toni Morrison". One work by someone ("This
# song by", "The cake was baked by") may be anyone's; works in the plural are a public maker's.
_WORKS_BY = re.compile(r"\b(?i:songs|albums|books|novels|works|paintings|films|movies|poems|plays|records|symphonies|"
                       r"operas|sculptures|essays|stories|hits)[ ]+(?:[a-z]+[ ]+)?by[ ]+$")
# An article before a capitalised run makes it a thing or a brand, not someone's name: "a classic Margherita",
# "on a Mac", "the latest Marvel", "an El Niño", "who won the Oscar".
_ARTICLE_BEFORE = re.compile(r"\b(?i:a|an|the)[ ]+(?:(?!(?:of|to|in|on|at|by|for|from|with|and|or|as)[ ])[a-z][a-z-]*[ ]+)?$")
_FAMILY_AFTER = re.compile(r"['’]?s\b")
# Joined to another capitalised word by a hyphen, a dash or "v.": an eponym, a compound or a case, not a
# person: "Levi-Civita", "Knuth–Morris", "El Niño-Southern Oscillation", "Texas v. Johnson".
_JOINED_AFTER = re.compile(r"[-–—][A-Z]|[ ]v(?:s)?\.[ ][A-Z]")
_JOINED_BEFORE = re.compile(r"[A-Za-z][-–—]$|[A-Z]\w*[ ]v(?:s)?\.[ ]$")


NOT_PERSON_LABELS = frozenset({"ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "FAC", "GPE", "LOC", "NORP", "LAW", "LANGUAGE"})
"""spaCy labels that say a span is not a person; the name recognizers find names the NER calls these
("Harry Potter" the book, "Microsoft"), which the ``private`` policy leaves unless a cue marks them."""
# Single names of gods and scripture figures: public whoever writes them.
PUBLIC_SINGLE_NAMES = frozenset("""
zeus hera apollo athena artemis ares hermes hades poseidon aphrodite dionysus hephaestus demeter gaia gaea
cronus kronos uranus odin thor loki freya freyja frigg baldur tyr janus jupiter juno minerva vulcan osiris
isis ra horus anubis set brahma vishnu shiva krishna ganesh ganesha lakshmi buddha jesus christ allah
muhammad mohammed moses abraham isaac jacob ezekiel isaiah jeremiah elijah noah adam eve satan lucifer
""".split())
# Voice assistants: products, whether a task asks one something or compares them ("Hey Siri", "SIRI vs Alexa").
ASSISTANT_NAMES = frozenset({"siri", "alexa", "cortana", "bixby"})
AI_PRODUCTS = frozenset({"chatgpt", "gpt", "bard", "copilot", "openai"})
"""Chat assistants and their maker, greeted or thanked by users ("Hi ChatGPT,"): no one is named so."""
PLACEHOLDER_NAMES = frozenset({("John", "Doe"), ("Jane", "Doe"), ("John", "Smith"), ("Jane", "Smith"),
                               ("Joe", "Bloggs"), ("Richard", "Roe"), ("Max", "Mustermann"), ("Erika", "Mustermann")})
"""Stock names for an anonymous private person: famous as phrases, so the fame test would call them public,
but a resume or a letter that uses one stands for a private person's name and is redacted like one."""


def private_persons(text: str, findings: Sequence[Finding], cued: Sequence[tuple[int, int]],
                    titled: Sequence[tuple[int, int]] = (),
                    ner_spans: Sequence[tuple[int, int, str]] = (), known_names: str | None = None) -> TextFindings:
    """``findings`` without the PERSON spans that are not a private person's name, those kept only
    for want of evidence marked ``presumed``, and the names judged public as ``public``.

    ``cued`` holds the ``(start, end)`` spans that a private-person cue announces, ``titled``
    those a title or a speech verb marks as a person (see ``persons.cued_spans``),
    ``ner_spans`` the NER's ``(start, end, label)`` entities, ``known_names`` the language model that
    recognises public figures' full names (``curate.pii.notability``; ``None``: not asked). A text that names someone public and
    nobody private ("Albert Einstein ... Neville ... Tor") is about the public world: its other
    unmarked names (characters, first names of public people) are left too."""
    verdicts, public_text = _asked_verdicts(text, findings, cued, titled, ner_spans, known_names)
    if known_names and not public_text:
        for f, passage, sentence, name in _context_candidates(text, verdicts, titled):
            if known_in_context(known_names, passage, sentence, name):
                verdicts[f] = PUBLIC  # "Atticus" after "...Scout Finch and her father,": a known story's figure
        public_text = not cued and PUBLIC in verdicts.values()
    kept, public = [], set()
    for f in findings:
        if f.entity != PERSON or f not in verdicts or verdicts[f] == CONTACTED:
            kept.append(f)
        elif verdicts[f] == UNMARKED and not public_text:
            kept.append(replace(f, presumed=True))
        elif verdicts[f] != THING:
            public.add(text[f.start:f.end])
    return TextFindings(kept, public)


def _asked_verdicts(text: str, findings: Sequence[Finding], cued: Sequence[tuple[int, int]],
                    titled: Sequence[tuple[int, int]], ner_spans: Sequence[tuple[int, int, str]],
                    known_names: str | None) -> tuple[dict[Finding, str], bool]:
    """The verdicts from the text and the model's fame and creator tests, and whether the text is
    about the public world."""
    verdicts, questions = judge_names(text, findings, cued, titled, ner_spans)
    public_text = _public_text(text, cued, verdicts)
    if known_names and not public_text:  # a public text keeps its unmarked names whatever the model says
        for f, asked in questions.items():
            if any(known_pair(known_names, pair) for pair in asked):
                verdicts[f] = PUBLIC  # "Michael Jordan"; "Malala" where the text also names "Malala Yousafzai"
        for f, before, name in _creator_candidates(text, verdicts):
            if known_creator(known_names, before, name):
                verdicts[f] = PUBLIC  # '"To Kill a Mockingbird" by Harper Lee': the work names its maker
        public_text = not cued and PUBLIC in verdicts.values()
    _refer_back_to_public(text, verdicts)
    return verdicts, public_text


def _refer_back_to_public(text: str, verdicts: dict[Finding, str]) -> None:
    """An unmarked lone name that is a word of a full name judged public is that public person ("Jason
    Michael Lee (born April 25, 1970) is an American actor ... Lee is the co-founder"), whatever judged it."""
    public_words = {w for f, v in verdicts.items() if v == PUBLIC
                    for words in [name_words(text[f.start:f.end])] if len(words) > 1 for w in words}
    for f, v in verdicts.items():
        if v == UNMARKED and len(words := name_words(text[f.start:f.end])) == 1 and words[0] in public_words:
            verdicts[f] = PUBLIC


def context_questions(text: str, findings: Sequence[Finding], cued: Sequence[tuple[int, int]],
                      titled: Sequence[tuple[int, int]], ner_spans: Sequence[tuple[int, int, str]],
                      known_names: str) -> list[tuple[str, str, str]]:
    """What ``private_persons`` will ask the in-context test in this text, once the fame and creator
    tests are answered (``notability.prefetch``, ``prefetch_creators`` first: these are then cache reads)."""
    verdicts, public_text = _asked_verdicts(text, findings, cued, titled, ner_spans, known_names)
    return [] if public_text else [(p, s, n) for _, p, s, n in _context_candidates(text, verdicts, titled)]


_SENTENCE_BOUNDARY = re.compile(r"[.!?\n][^.!?\n]*$")
SENTENCE_CHARS = 60
PASSAGE_MORE = 40
"""Characters the passage must hold beyond the name's own sentence for the in-context test to ask:
with less, the passage can tell the model nothing its sentence does not."""


def _met_before(text: str, start: int, words: Sequence[str]) -> bool:
    """Whether the text before ``start`` wrote one of the name's words, or a word one of them
    extends or shortens ("Tom" before "Tommy", "William" before "Will")."""
    earlier = {m.group() for m in re.finditer(_CAP_WORD, text[:start])}
    return any(w in text[:start] or any(len(e) >= 3 and (w.startswith(e) or e.startswith(w)) for e in earlier)
               for w in words)




def _context_candidates(text: str, verdicts: dict[Finding, str], titled: Sequence[tuple[int, int]],
                        ) -> list[tuple[Finding, str, str, str]]:
    """Unmarked, untitled one-word names at their first mention, with the passage before them (up to
    ``notability.CONTEXT_CHARS``) and their own sentence before them (up to ``SENTENCE_CHARS``): where the
    in-context test (``notability.known_in_context``) may find a known work's figure. A full name is left
    to the fame test (a forward pass over a passage costs as much as dozens of bare names), and a name whose
    words the text wrote before is not asked: the model would only copy it."""
    found = []
    for f, verdict in verdicts.items():
        words = name_words(text[f.start:f.end])
        if verdict != UNMARKED or len(words) != 1 or _overlaps(f, titled) or _met_before(text, f.start, words):
            continue
        passage = text[max(0, f.start - CONTEXT_CHARS):f.start].rstrip()
        boundary = _SENTENCE_BOUNDARY.search(text, 0, f.start)
        sentence = ("\n" + text[boundary.start() + 1 if boundary else 0:f.start][-SENTENCE_CHARS:].strip()).rstrip()
        if len(passage) - len(sentence) >= PASSAGE_MORE and _names_something(passage):
            found.append((f, passage, sentence, text[f.start:f.end]))
    return found


_MID_SENTENCE_CAP = re.compile(r"(?<=[\w,;)][ ])[^\W\d_a-z][\w'’-]+")


def _names_something(passage: str) -> bool:
    """Whether a passage names something a reader may know: a capitalised word inside a sentence that
    is no first name and no everyday word ("Dumbledore", "Mockingbird", "Othello", "IAU"). A passage of
    a grammar task or an invented story names nothing the model could know a name from: on the real
    sets two thirds of the questions go unasked, and 13 of the 15 names the test finds known stay asked."""
    return any(not is_first_name(w) and not everyday_word(w)
               for w in (m.group().rstrip("'’") for m in _MID_SENTENCE_CAP.finditer(passage)))


def _public_text(text: str, cued: Sequence[tuple[int, int]], verdicts: dict[Finding, str]) -> bool:
    """Whether the text is about the public world, so that its unmarked names are too: it names someone
    public or a published work, and no cue marks anyone in it private."""
    return not cued and (PUBLIC in verdicts.values() or names_a_work(text))


def judge_names(text: str, findings: Sequence[Finding], cued: Sequence[tuple[int, int]],
                titled: Sequence[tuple[int, int]] = (), ner_spans: Sequence[tuple[int, int, str]] = (),
                ) -> tuple[dict[Finding, str], dict[Finding, list[tuple[str, str]]]]:
    """The verdict on each PERSON finding that no cue or contact detail marks private, from the text
    alone, and for the ``UNMARKED`` ones the full names a fame model may still find public."""
    contacts = [f for f in findings if f.entity in CONTACT_ENTITIES]
    verdicts, questions = {}, {}
    for f in findings:
        if f.entity == PERSON and _greeted_role(text, f):
            verdicts[f] = THING  # "Dear Boss" beside boss@company.com: a role, not a name
        elif f.entity == PERSON and not _overlaps(f, cued) and any(_near(text, f, c) for c in contacts):
            if _not_a_name(text, f.start, f.end):
                verdicts[f] = THING  # "| 25 | Male" beside an e-mail, "Statue of Liberty" beside an address
            elif (asked := _famous_beside_contacts(text[f.start:f.end])) is not None:
                verdicts[f], questions[f] = CONTACTED, [asked]
        elif f.entity == PERSON and not _overlaps(f, cued):
            verdicts[f], asked = _verdict(text, f.start, f.end, ner_spans, _overlaps(f, titled))
            if asked:
                questions[f] = asked
    things = {w for f, v in verdicts.items() if v == THING for w in name_words(text[f.start:f.end])}
    for f, v in verdicts.items():  # "Pretend Barbie" where "Barbie" alone is a thing: a verb before a thing
        words = name_words(text[f.start:f.end])
        if v == UNMARKED and things.intersection(words) and all(w in things or everyday_word(w) for w in words) \
                and not things.issuperset(words):
            verdicts[f] = THING
            questions.pop(f, None)
    for f in entries_together(text, verdicts):
        verdicts[f] = PUBLIC
        questions.pop(f, None)
    return verdicts, questions


ENTRY_TOGETHER = 0.1
"""The chance figure below which an entry counts towards ``entries_together``: ordinary names ("Karen
Murphy" 0.17, "Jane Smith" 0.74) never do, however many a text holds."""


def entries_together(text: str, verdicts: dict[Finding, str]) -> list[Finding]:
    """Unmarked full names that are encyclopaedia entries which, one by one, chance might explain but
    together it does not: "Tim Gunn" (0.09) and "Nigel Barker" (0.05), two judges a text names, are
    both entries with odds 0.005 of that by chance (``encyclopaedia.CHANCE`` bounds the
    product of the names under ``ENTRY_TOGETHER``)."""
    entries: dict[tuple[str, ...], tuple[float, list[Finding]]] = {}
    for f, verdict in verdicts.items():
        words = name_words(text[f.start:f.end])
        if verdict == UNMARKED and len(words) > 1 and (chance := chance_entries(words)) is not None \
                and chance < ENTRY_TOGETHER:
            entries.setdefault(tuple(words), (chance, []))[1].append(f)
    if len(entries) < 2 or math.prod(chance for chance, _ in entries.values()) >= CHANCE:
        return []
    return [f for _, found in entries.values() for f in found]


def model_questions(text: str, findings: Sequence[Finding], cued: Sequence[tuple[int, int]],
                    titled: Sequence[tuple[int, int]] = (), ner_spans: Sequence[tuple[int, int, str]] = (),
                    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """What ``private_persons`` may ask the model in this text: the full names for the fame test, and
    the ``(text before, name)`` of names after "by" for the creator test."""
    verdicts, questions = judge_names(text, findings, cued, titled, ner_spans)
    if _public_text(text, cued, verdicts):
        return [], []
    return ([pair for asked in questions.values() for pair in asked],
            [(before, name) for _, before, name in _creator_candidates(text, verdicts)])


_BY_BEFORE = re.compile(r"\bby[ ]+$")


def _creator_candidates(text: str, verdicts: dict[Finding, str]) -> list[tuple[Finding, str, str]]:
    """Unmarked names right after "by", with the paragraph before them: where the creator test
    (``notability.known_creator``) may find a work's public maker. Not a lone first name ("The cake was
    eaten by Emily": likely after any "by"), nor a name the text wrote before ("Sarah swam twice the
    distance covered by Julien": the model would only copy it)."""
    found = []
    for f, verdict in verdicts.items():
        words = name_words(text[f.start:f.end])
        if verdict == UNMARKED and words and _BY_BEFORE.search(text, max(0, f.start - 8), f.start) \
                and (len(words) > 1 or not is_first_name(words[0])) and not any(w in text[:f.start] for w in words):
            found.append((f, _paragraph_before(text, f.start), text[f.start:f.end]))
    return found


def _paragraph_before(text: str, start: int) -> str:
    """Up to ``CREATOR_CONTEXT`` characters before ``start``, not past a blank line: what leads to the name."""
    return _PARAGRAPH_BREAK.split(text[max(0, start - CREATOR_CONTEXT):start])[-1]


PUBLIC, THING, UNMARKED = "public", "thing", "unmarked"
CONTACTED = "contacted"
"""A full name beside contact details: private unless the fame model knows it (see ``_famous_beside_contacts``)."""


def _famous_beside_contacts(span: str) -> tuple[str, str] | None:
    """The full name to put to the fame model for a name beside contact details. A celebrity's address
    or e-mail asked for or invented ("David Spade's email address is ...") leaves a public figure
    public; only the model's fame counts there, not the encyclopaedia's: synth_dataset_v2 pairs real
    first and last names, some of them someone's entry, over private addresses, and the model knows
    none of its 396 full names."""
    words = name_words(span)
    return full_name(words) if len(words) > 1 and tuple(words) not in PLACEHOLDER_NAMES else None


_SELF_INTRODUCTION = re.compile(r"(?i:\b(?:my name is|my name's|call me|i am called|i am|i'm)[ ]+)$")
_AI_SELF = re.compile(r"(?i:\b(?:language model|ai assistant|ai model|an ai\b|chatbot|virtual assistant))")


def ai_self_name(text: str, start: int) -> bool:
    """Whether the name at ``start`` is an AI assistant naming itself ("My name is Vicuna, and I'm a language
    model developed by LMSYS", FastChat's identity data): a product's name, not a private person's."""
    line_before = text[max(0, start - 40):start].rsplit("\n", 1)[-1]
    return bool(_SELF_INTRODUCTION.search(line_before)) and bool(_AI_SELF.search(text))


CONTACT_REACH = 300
"""Characters between a name and a contact detail that make the detail the name's: a form, a
signature block, a table row. Farther, or past a blank line, the detail belongs to someone or
something else (an encyclopaedic answer that also lists a museum's address), unless the name heads
the block alone on its line: an address label or a resume ("Angelo Rizzo\n\n50345 Wingertweg 126")."""
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LINE_MARKUP = " \t>*#_-"


def _near(text: str, name: Finding, contact: Finding) -> bool:
    """Whether ``contact`` sits in the name's paragraph, or in the block the name heads, within
    ``CONTACT_REACH`` characters."""
    start, end = min(name.start, contact.start), max(name.end, contact.end)
    if min(abs(contact.start - name.end), abs(name.start - contact.end)) > CONTACT_REACH:
        return False
    return not _PARAGRAPH_BREAK.search(text, start, end) or (contact.start >= name.end and _heads_a_block(text, name))


def _heads_a_block(text: str, name: Finding) -> bool:
    """Whether the name is all its line holds, but for markup ("> ", "**", "# ") and a closing colon."""
    line_start = text.rfind("\n", 0, name.start) + 1
    line_end = text.find("\n", name.end)
    line_end = len(text) if line_end < 0 else line_end
    return (not text[line_start:name.start].strip(_LINE_MARKUP)
            and not text[name.end:line_end].strip(_LINE_MARKUP + ":,"))


def _overlaps(f: Finding, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < f.end and f.start < e for s, e in spans)


_GREETING_BEFORE = re.compile(rf"(?i:\b(?:{GREETINGS})[ ]+)$")


def _greeted_role(text: str, f: Finding) -> bool:
    """A greeting's addressee that is a role or a body, not a name: "Dear Boss", and the words
    no list gives as a first name together ("Dear HR Manager", "Dear Admissions Committee")."""
    words = WORD.findall(text[f.start:f.end])
    role = bool(words) and all(w.lower() in GREETED_ROLES or (len(words) > 1 and everyday_no_first_name(w))
                               for w in words)
    return role and bool(_GREETING_BEFORE.search(text, max(0, f.start - 8), f.start))


_ANIMALS = ("cat|kitten|dog|puppy|mouse|rat|elephant|owl|rabbit|bunny|hare|hedgehog|fox|bear|wolf|lion|tiger|horse|pony|"
            "cow|pig|piglet|duck|goose|bird|parrot|penguin|frog|toad|turtle|tortoise|fish|goldfish|dragon|unicorn|monkey|"
            "giraffe|squirrel|hamster|deer|goat|sheep|lamb|chicken|hen|snake|dolphin|whale|shark|beaver|badger|otter|"
            "butterfly|bee|ant|spider|caterpillar|robot|alien|toy|doll|teddy")
_ANIMAL_NAMED = re.compile(rf"(?i:\b(?:{_ANIMALS})s?[ ]+(?:named|called|and (?:his|her|its) name was)[ ]+)"
                           rf"(?:(?:Mr|Mrs|Ms|Miss|Sir|Lady|Captain|Professor|Dr)\.?[ ]+)?(?P<name>[^\W\d_][\w'’-]*)")


_ANIMAL_OWNED = re.compile(rf"\b(?i:my|our|his|her|their|your)[ ]+(?i:{_ANIMALS}),?[ ]+(?P<name>[A-Z][\w'’-]*)")
_TITLED_ANIMAL = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mister)\.?[ ]+(?P<name>(?i:{_ANIMALS}))\b")


def _animal_names(text: str) -> frozenset[str]:
    """The names the text gives its animals, toys and robots ("a talking owl named Oliver", "my cat Luna"; "Mr Beaver",
    "Mrs Rabbit": a title before an animal nobody has as a surname, where "Mr Fox" may be someone): a
    story's creatures, not people."""
    titled = {m.group("name") for m in _TITLED_ANIMAL.finditer(text) if not is_known_name(m.group("name"))}
    owned = {m.group("name") for m in _ANIMAL_OWNED.finditer(text)}  # "my cat Luna", "our dog, Max"
    if " named " not in text and " called " not in text and " name was " not in text:
        return frozenset(titled | owned)
    return frozenset(titled | owned | {m.group("name") for m in _ANIMAL_NAMED.finditer(text)})


_TITLE_CONNECTORS = frozenset("and of de the".split())
_PHRASE_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _in_a_title(text: str, start: int, end: int) -> bool:
    """Whether the name is part of a longer proper noun an encyclopaedia lists, one that holds an
    everyday word or a connecting "and"/"of": a song, a play, a landmark, a product ("Hey Jude",
    "Romeo and Juliet", "Statue of Liberty", "Microsoft Word"). Two names side by side ("Sarah
    Johnson") are someone's entry too, and are left to ``names_its_subject``."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    words = [(m.start() + line_start, m.group().rstrip(".")) for m in _PHRASE_WORD.finditer(text[line_start:line_end])]
    inside = [i for i, (at, _) in enumerate(words) if start <= at < end]
    if not inside:
        return False
    first, last = inside[0], inside[-1]
    for lo in range(max(0, first - 2), last + 1):
        for hi in range(max(lo + 2, first + 1), min(len(words), lo + 3) + 1):
            phrase = [w for _, w in words[lo:hi]]  # every window from lo to hi holds a word of the name
            if all(w[0].isupper() or w.lower() in _TITLE_CONNECTORS for w in phrase) \
                    and any(w.lower() in _TITLE_CONNECTORS or everyday_no_first_name(w) for w in phrase) \
                    and is_title(phrase):
                return True
    return False


def _verdict(text: str, start: int, end: int, ner_spans: Sequence[tuple[int, int, str]],
             titled: bool) -> tuple[str, list[tuple[str, str]]]:
    """Without a cue or contact details: ``PUBLIC``, ``THING`` (a place or a thing), or ``UNMARKED`` with
    the full names (``(first, rest)``) whose fame would make it ``PUBLIC``: its own, or for a lone name
    those the text writes it in. A ``titled`` name ("Mr. Matthews", "says Iwase") is a person, though
    maybe a public one."""
    span = text[start:end]
    if ai_self_name(text, start):
        return THING, []
    if not any(c.isupper() for c in span):
        # All lower-case ("codey m ross", "tammy baldwin"): case, which the evidence below reads, says nothing,
        # but a public figure's name is one however it is typed.
        written = name_words(span.title())
        if len(written) > 1 and names_its_subject(written):
            return PUBLIC, []
        return UNMARKED, [pair] if len(written) > 1 and (pair := full_name(written)) is not None else []
    words = name_words(span)
    if not words:
        return THING, []
    if tuple(words) in PLACEHOLDER_NAMES:
        return UNMARKED, []
    if _animal_names(text).issuperset(words):
        return THING, []  # "a talking owl named Oliver", "a cat named Mr. Whiskers": a story's creatures
    labels = {label for s, e, label in ner_spans if s <= start and end <= e}  # the NER's entities around the span
    if not titled and (not_a_person(text, start, end, words) or (
            labels & NOT_PERSON_LABELS and not any(is_known_name(w) or name_shaped(w) for w in words))):
        return THING, []  # the NER alone mislabels many foreign names as ORG or GPE, so a listed name overrules it
    if not titled and len(words) == 1 and words[0].lower() in ASSISTANT_NAMES:
        return THING, []  # "Ask Siri", "SIRI vs Cortana": a product; "my daughter Alexa" was cued before here
    if not titled and len(words) == 1 and named_thing_in_english(words[0]) and PERSON not in labels:
        return THING, []  # "Marvel", "Stanford", "Tor", "Siri": a word English uses often, not for people
    if is_notable(words[-1]) or (len(words) == 1 and words[0].lower() in PUBLIC_SINGLE_NAMES):
        return PUBLIC, []
    if _ENCYCLOPAEDIC.search(text) or _in_call_argument(text, span):
        return PUBLIC, []  # "wikipedia('Isaac Newton')", "wolfram(query)\nCalories in a McDonald's cheeseburger?": a subject
    line_before = text[max(0, start - 60):start].rsplit("\n", 1)[-1]
    if _ROLE_BEFORE.search(line_before) or _OFFICE_BEFORE.search(line_before) or _ROLE_FIRST.match(span) \
            or _OFFICE_FIRST.match(span) or _PUBLIC_FIELD.search(line_before) \
            or (len(words) > 1 and _BYLINE.search(text, max(0, start - 200), start)) \
            or _FOUNDED_BY.search(text, max(0, start - 200), start) or _WORKS_BY.search(line_before):
        return PUBLIC, []
    after = text[end:end + 120]
    if _encyclopaedia_lead(text, end, ner_spans):
        return PUBLIC, []
    if _LIFE_YEARS.match(after) or _WAS_A_ROLE.match(after) or _CITED.match(after) or _HEADS_AN_ORG.match(after) \
            or any(s <= start and end <= e for s, e in signed_quotes(text)):
        return PUBLIC, []  # "Albert Einstein (1879-1955)", '"The only way ..." - Charles Kingsleigh'
    names = [words] if len(words) > 1 else _full_names_with(text, words[0])
    if any(names_its_subject(name) for name in [*names, _as_written(span)]):
        return PUBLIC, []  # "Frank Darabont", "Good Charlotte": an encyclopaedia entry no chance pairing explains
    return UNMARKED, [pair for name in names if (pair := full_name(name)) is not None]


_CAP_WORD = r"[^\W\d_a-z][\w'’-]*"
_pattern = lru_cache(maxsize=8192)(re.compile)
"""Patterns built around one name, compiled once each: a batch holds more distinct names than ``re``'s
own cache (512 patterns), which then compiles them again and again."""


def _full_names_with(text: str, word: str) -> list[list[str]]:
    """The full names the text writes with this word as their first or last ("Malala" in "Malala
    Yousafzai", "Curie" in "Marie Curie"): a lone name usually refers back to one of them."""
    found = _pattern(rf"(?<![\w'’-])(?:{re.escape(word)}(?:[ ]{_CAP_WORD}){{1,2}}|(?:{_CAP_WORD}[ ]){{1,2}}{re.escape(word)})"
                     rf"(?![\w'’-])").finditer(text)
    return [words for m in found if len(words := name_words(m.group())) >= 2
            and not any(everyday_word(w) for w in words)]  # "When Sarah", "Dear Mary" are no full names


def name_words(span: str) -> list[str]:
    """The words a name is judged by: possessives cut, initials and suffixes ("J.", "Jr", "III") left out."""
    words = [re.sub(r"['’]s$", "", w) for w in WORD.findall(span)]
    return [w for w in words if not _INITIAL_OR_SUFFIX.fullmatch(w)]


def _as_written(span: str) -> list[str]:
    """The name's words with its initials kept ("J. Robert Oppenheimer", "T. S. Eliot"): encyclopaedia
    titles keep them, and without them the rest is an ordinary name ("Robert Oppenheimer")."""
    return [re.sub(r"['’]s$", "", w) for w in span.split()]


_SEX_VALUES = frozenset({"male", "female"})  # a table's sex column: some locale lists "Male" as a first name


def _not_a_name(text: str, start: int, end: int) -> bool:
    """Whether the span is no name at all, whoever's details stand beside it: everyday words that do
    not open with a first name ("Transparent Screens"; "Mark Price" or "Hope" beside an e-mail address
    is someone), a word holding an acronym ("SARS-CoV"), part of a listed title ("Trinity Church",
    "Statue of Liberty"), a town and its state ("Washington DC", "Capitola, CA"), a sex ("| 25 | Male |").
    A contact detail nearby makes a name private; it does not make a word a name."""
    words = name_words(text[start:end])
    greeted = _GREETING_BEFORE.search(text, max(0, start - 8), start)  # "Dear Martin" is a novel, and a letter
    return (not words or any(map(_a_thing_word, words)) or (not greeted and _in_a_title(text, start, end))
            or _town_and_state(words) or _before_a_state(text, start, end)
            or (all(everyday_word(w) for w in words) and not is_first_name(words[0]))
            or (len(words) == 1 and words[0].lower() in _SEX_VALUES))


# Two capitalised words written as one, the first of four letters or more: "CryptoPunks", "DriveImage",
# "PlayStation" name products; names that join so ("McDonald", "LeBron", "MacArthur", "DeShawn") open shorter.
_JOINED_WORDS = re.compile(r"(?!Fitz)[A-Z][a-z]{3,}[A-Z][a-z]")
_ACRONYM_INSIDE = re.compile(r"[a-z][A-Z]{2,}|^[A-Z]{2,}s$|^[A-Z]{3,}-|-[A-Z]{3,}$")


def _a_thing_word(word: str) -> bool:
    """"OpenAI", "APIs", "SARS-CoV": an acronym inside a word makes it a product's, a firm's or a
    virus's (names in capitals, "JEAN-LUC", are shouted, not acronyms), and so do two words joined
    ("CryptoPunks"); "Call-A-Ride", "Carmel-by-the-Sea":
    three or more parts joined, one a letter or an everyday word, name a service or a place."""
    if word.isupper():
        return False
    if _ACRONYM_INSIDE.search(word) or _JOINED_WORDS.match(word):
        return True
    parts = re.split(r"[-–]", word)
    return len(parts) > 2 and any(len(p) == 1 or everyday_no_first_name(p) for p in parts)


_INSTALLED = re.compile(r"\b(?i:(?:un|re)?install(?:ed|ing|s)?|deploy(?:ed|ing|s)?[ ]+(?:it[ ]+|them[ ]+)?(?:to|on)|"
                        r"upgrade[ ]+to|pip[ ]+install|brew[ ]+install)[ ]+(?:the[ ]+latest[ ]+)?$")


def not_a_person(text: str, start: int, end: int, words: list[str]) -> bool:
    """Whether the span, read with the capitalised words around it, names a place or a thing."""
    if not text[:start].strip() and not text[end:].strip(" .\n"):
        return True  # a bare value ("Christopher Nolan" as a JSON leaf, a title on its own): no sign of anyone private
    if (start and (text[start - 1].isalnum() or text[start - 1] == "\\")) or (end < len(text) and text[end].isalnum()):
        return True  # part of a longer word: "Ah" in "5000mAh"; a LaTeX command: "$\\Theta$"
    if _PLACE_BEFORE.search(text, max(0, start - 16), start):
        return True  # "the north ridge of mount Stuart", "Hotel Le Bristol"
    if len(words) == 1 and words[0].lower() in _BOOKS and _VERSE_AFTER.match(text, end):
        return True  # "James 2:19": a book of scripture
    if len(words) == 1 and _firm_partner(text, start, end, words[0]):
        return True  # "the floor of Redford & Jones"
    if _A_NAME_AS_A_WORD.search(text, max(0, start - 16), start):
        return True  # "a shortened version of the name 'Ethan'": the name, not anyone
    if _INSTALLED.search(text, max(0, start - 30), start):
        return True  # "install Julia", "deploy to Heroku": software, not anyone
    if any(map(_a_thing_word, words)):
        return True
    if len(words) == 1:
        word = words[0]
        if word.isupper() or _LETTER_JOINED.fullmatch(word):
            return True  # "FIFA", "NASA": an acronym; "T-Mobile", "X-Men": a brand joined to a letter
        if is_place(word) and (not is_first_name(word) or well_known(word) or _in_a_region(text, end)):
            return True  # "London", "China"; a rarer place that is also a first name needs more: "Olympia, WA"
        if _placed(text, start, end) and not is_notable(word):
            return True  # "a home in Capitola", "Sedona, Arizona", "Plymouth, Devon", "Bali is an island"
                         # ("invested in Hyatt": a surname English knows well stays a public one)
        if everyday_word(word):
            return True  # "Math", "Unforgivable", "Module", "Boss" (even where some locale has it as a name)
        if word in _PARTIES and _PARTIES_CONVENTION.search(text) and _TECHNICAL.search(text):
            return True  # "a state shared between Alice and Bob": cryptography's stock parties, no one
        if _listed_with_things(text, start, end):
            return True  # "R, Python, or Julia": one of a list whose other members are no names
        if any(not is_first_name(m.group()) for m in _pattern(rf"(?<!\bthe )(?<!\bThe )\b{re.escape(word)}e?s\b").finditer(text)):
            return True  # "playing with Barbies", "on all Macs": a name the text counts is a kind of thing
                         # ("the Tomlinsons" is a family, "Andreas" another name: both leave it a name)
    elif is_place(text[start:end]) or all(everyday_word(w) for w in words) or (
            _a_thing_word_after(words[0], words[-1])) or _town_and_state(words):
        return True  # "Tierra del Fuego", "Stack Trace", "Washington Post": a title or a thing ends in a noun
    if _thing_somewhere(text, text[start:end]) or words[0].lower() in _PLACE_FIRST or _in_a_title(text, start, end):
        return True
    if len(words) == 1 and _written_lower_case(text, words[0]):
        return True  # "Tor" beside "your tor client": a name nobody writes lower-case is a thing's
    if _an_example_of_things(text, start):
        return True  # "virtual assistants like Siri and Alexa", "NoSQL databases (e.g., Cassandra)"
    if any(w.lower() in _call_names(text) for w in words):
        return True  # "Wolfram Alpha: wolfram('...')": the name of a tool the text calls
    if _JOINED_AFTER.match(text, end) or _JOINED_BEFORE.search(text[max(0, start - 40):start]):
        return True
    left, right, left_start = _capitalised_around(text, start, end)
    run = [*left, *words]
    if _ARTICLE_BEFORE.search(text[max(0, left_start - 40):left_start]) and (
            len(run) == 1 or not is_first_name(run[0])) and not _FAMILY_AFTER.match(text, end):
        return True  # "a Big Mac", "an El Niño"; "a Homero Portillo concert", "the Tomlinson's" are still names
    around = [*left, *words, *right]
    if len(around) > len(words) and any(is_place(" ".join(around[i:j]))
                                        for i in range(len(left) + 1) for j in range(len(left) + len(words), len(around) + 1)
                                        if j - i > len(words)):
        return True  # "New York City", "San Francisco"
    # A capitalised everyday word or acronym after the name makes it a title or a thing: "OpenMeteo API",
    # "Unforgivable Curses", "Wolfram Alpha"
    return any((_a_thing_word_after(words[0], w) or (w.isupper() and len(w) > 1 and not is_first_name(w)))
               and not _INITIAL_OR_SUFFIX.fullmatch(w) for w in right)


def _a_thing_word_after(first: str, word: str) -> bool:
    """Whether ``word``, closing a capitalised run that ``first`` opens, is an everyday word that names no
    one there, so the run is a title or a thing ("Stack Trace", "OpenMeteo API"). After a first name any
    list's first name may be a surname ("Sarah River", "Heather Minor"); after another word only an
    English first name or a surname counts: Faker's catch-all list gives "Council" as a first name, and
    "Stretford Borough Council" is no one."""
    if is_first_name(first):
        return everyday_no_first_name(word)
    return everyday_not_a_name(word)


def _firm_partner(text: str, start: int, end: int, word: str) -> bool:
    """Whether the name stands beside another across an ampersand, not both first names ("Tom & Mary")."""
    partner = _FIRM_PARTNER_BEFORE.search(text, max(0, start - 40), start) or _FIRM_PARTNER_AFTER.match(text, end)
    return partner is not None and (partner.group(1) == word  # "Johnson & Johnson": one name twice is a firm's
                                    or not (is_first_name(word) and is_first_name(partner.group(1))))


_REGION_AFTER = re.compile(r",[ ]+(?:(?P<code>[A-Z]{2})\b|(?P<region>[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?))")


def _town_and_state(words: list[str]) -> bool:
    """"Orlando Florida", "Raleigh NC", "Washington DC": a listed town before its state, the comma left out."""
    return len(words) > 1 and (words[-1] in _STATE_CODES or words[-1] in _STATES) and is_place(" ".join(words[:-1]))


def _before_a_state(text: str, start: int, end: int) -> bool:
    """Whether the text writes a lone word before a US state's code somewhere ("Capitola, CA"): a town,
    beside an address too, and at its other mentions ("a unique offering in Capitola")."""
    word = text[start:end]
    return len(name_words(word)) == 1 and any(
        (m := _REGION_AFTER.match(text, at + len(word))) is not None and m.group("code") in _STATE_CODES
        for at in occurrences(text, word))


def _in_a_region(text: str, end: int) -> bool:
    """Whether a state or country follows the place after a comma ("Olympia, WA", "Bali, Indonesia")."""
    m = _REGION_AFTER.match(text, end)
    return m is not None and (m.group("code") is not None or (is_place(m.group("region")) and not is_first_name(m.group("region"))))


# Where a lone word stands as a place, whatever lists hold it: after "in", "near" or "the town of" and at
# most one describing word ("in medieval Verona"), never with "'s" after it ("in Sarah's room").
_PLACED_AFTER = re.compile(
    r"\b(?i:in|near|around|across|throughout|visit|visiting|visited|"
    r"(?:town|city|village|island|islands|state|province|region|county|capital|port|suburbs|outskirts|streets)[ ]of)"
    r"[ ]+(?:(?P<word>[a-z]+)[ ]+)?$")
_A_PLACE_NOUN = re.compile(
    r"[ ]+(?:is|was)[ ]+(?:an?|the)[ ]+(?:[a-z-]+,?[ ]+(?:and[ ]+)?){0,4}?"
    r"(?:island|city|town|village|country|nation|state|province|region|county|capital|destination|resort|"
    r"neighbou?rhood|district|suburb|municipality|archipelago|peninsula)\b")
_CAPITAL_OF = re.compile(r"\b(?i:capital)[ ]+of[ ]+[A-Z][\w ]{1,40}?[ ]+is[ ]+$")
_PLACE_BEFORE_COMMA = re.compile(r"(?P<place>[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?),[ ]+$")
_CLAUSE_END = re.compile(r"[ ]*(?:[.;:!?)\]*\n]|[ ][-–—][ ]|$)")
_STATE_CODES = frozenset("""AL AK AZ AR CA CT FL GA IL IA KS KY LA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH RI SC SD
TN TX UT VT VA WA WV WI WY DC""".split())  # credentials that are also codes ("MD", "PA", "DO") left out
# One word each (a town before "New York" is a longer place the lists hold); not "Washington", a surname too
# ("Jordan Washington", "Austin Washington": a first name that is also a town).
_STATES = frozenset("""Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia
Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota
Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia
Wisconsin Wyoming""".split())


def _placed(text: str, start: int, end: int) -> bool:
    """Whether the text uses a lone capitalised word as a place: after a place preposition, with a
    state or country after it ("Capitola, CA", "Sedona, Arizona"), as the region after a listed place
    at the end of a clause ("Plymouth, Devon."), or with a place noun said of it ("Bali is an island")."""
    if _FAMILY_AFTER.match(text, end):
        return False
    before = text[max(0, start - 60):start]
    prep = _PLACED_AFTER.search(before)
    if prep and not (prep.group("word") and (prep.group("word") in STOP_WORDS or prep.group("word").endswith("ing"))):
        return True
    region = _REGION_AFTER.match(text, end)
    if region and (region.group("code") in _STATE_CODES
                   or (region.group("region") and _a_region(region.group("region"))
                       and _CLAUSE_END.match(text, region.end()))):
        return True  # a list of surnames ("Morrison, Rogers and Torres") goes on where a region ends a clause
    listed = _PLACE_BEFORE_COMMA.search(before)
    if listed and _a_region(listed.group("place")) and _CLAUSE_END.match(text, end):
        return True
    return bool(_A_PLACE_NOUN.match(text, end) or _CAPITAL_OF.search(before))


_PARTIES = frozenset("Alice Bob Carol Charlie Dave Eve Mallory Trent Peggy Victor Oscar".split())
_PARTIES_CONVENTION = re.compile(r"\bAlice\b[^\n]{0,400}?\bBob\b|\bBob\b[^\n]{0,400}?\bAlice\b")
_TECHNICAL = re.compile(r"(?i:\b(?:encrypt\w*|decrypt\w*|ciphers?|ciphertext|cryptograph\w*|qubits?|entangle\w*|"
                        r"public[ ]key|private[ ]key|shared[ ](?:secret|key)|key[ ]exchange|diffie|bell[ ](?:state|pair)|"
                        r"quantum|protocol|handshake|eavesdrop\w*|digital[ ]signature|self-play|teleport\w*|"
                        r"zero-knowledge|prover|verifier)\b)")
_LIST_ITEM = r"[A-Z0-9][\w+#.'’-]*(?:[ ][A-Z0-9][\w+#.'’-]*)?"
_THING_LIST = re.compile(rf"(?:{_LIST_ITEM},[ ]+)+{_LIST_ITEM},?[ ]+(?:and|or)[ ]+{_LIST_ITEM}")
_LIST_SEPARATOR = re.compile(r",[ ]*(?:(?:and|or)[ ]+)?|[ ]+(?:and|or)[ ]+")


def _listed_with_things(text: str, start: int, end: int) -> bool:
    """Whether the name is one member of a list of three or more ("A, B, and C") in which members that
    hold no listed first name or surname are at least two and no fewer than those that do: a list of
    languages, products, places or planets ("R, Python, or Julia"; "Ceres, Eris, Haumea, and Makemake",
    where some locale gives people Eris and Haumea). A list of people ("Kónya, Becker and Vasquez")
    names people."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    for m in _THING_LIST.finditer(line):
        if not (m.start() <= start - line_start and end - line_start <= m.end()):
            continue
        items = [i.strip().rstrip(".") for i in _LIST_SEPARATOR.split(m.group()) if i.strip()]
        if text[start:end] not in items:
            continue
        names = sum(any(is_known_name(w) or is_first_name(w) for w in WORD.findall(i)) for i in items)
        if len(items) - names >= max(2, names):
            return True
    return False


def _a_region(words: str) -> bool:
    """A listed place that names a place wherever it stands: not a first name, or written so often that
    it names the place first ("Arizona", "Georgia")."""
    return is_place(words) and (not is_first_name(words) or well_known(words))


def _thing_somewhere(text: str, span: str) -> bool:
    """Whether some mention of the name in the text is a thing's: the kind of thing after it ("Amadeus
    software", "the Tor network"). One text, one referent: its other mentions ("Amadeus is an online
    reservation system") name the same thing."""
    return any(_THING_AFTER.match(text, at + len(span)) for at in occurrences(text, span, joins_before="'’"))


def _written_lower_case(text: str, word: str) -> bool:
    """Whether the text also writes the name as a lower-case word in prose ("your tor client", "## On
    mac"), and English does not write it so on its own: a product's or a tool's name, which people
    type as they like; a person's name is capitalised. E-mail addresses, URLs and paths ("john@",
    "/in/john") do not count."""
    lower = word.lower()
    if lower == word or everyday_word(word) or lower not in text:
        return False
    return re.search(rf"(?<![\w@./'’-]){re.escape(lower)}(?![\w@'’]|\.\w)", text) is not None


# A list of examples of a kind of thing: "virtual assistants like Siri and Alexa", "NoSQL databases
# (e.g., Cassandra)", "names such as Nate". Kinds of people ("friends like Sarah") are not things.
_EXAMPLES_OF = re.compile(r"\b(?P<kind>[a-z]{3,}s)[ ]+(?:\((?:e\.g\.|i\.e\.|like|such as|including),?[ ]*|"
                          r"(?:like|such as|including)[ ]+)")
_LIST_END = re.compile(r"[.;:!?\n)]")
_PEOPLE = frozenset("""
people persons friends families members colleagues coworkers employees staffers students pupils kids children sons
daughters brothers sisters cousins parents relatives customers clients users patients neighbors neighbours guests
participants teammates classmates individuals volunteers workers managers teachers doctors nurses partners residents
citizens tenants applicants candidates contacts
""".split())


def _an_example_of_things(text: str, start: int) -> bool:
    """Whether the name stands in a list of examples of a kind that is not people."""
    lists = [m for m in _EXAMPLES_OF.finditer(text, max(0, start - 120), start)
             if not _LIST_END.search(text, m.end(), start)]
    return bool(lists) and lists[-1].group("kind") not in _PEOPLE


# An encyclopaedia, or a public lookup tool the text offers or calls ("wolfram(query)", "search('...')"):
# the names it holds are what the reference or the tool is asked about, not anyone's data.
_ENCYCLOPAEDIC = re.compile(r"(?i:\bwikipedia\b|\bencyclop(?:a)?edia\b)"
                            r"|\b(?:wolfram|search|web_search|news|weather|request|browse|lookup)\((?:\w*|'[^'\n]*'|\"[^\"\n]*\")\)")
_CALL_ARGUMENT = re.compile(r"\b[A-Za-z_]\w*\(([^()\n]*)\)")


def _in_call_argument(text: str, span: str) -> bool:
    """Whether the name is (part of) an argument of a call in the same text: a tool's search subject."""
    return "(" in text and any(span in m.group(1) for m in _CALL_ARGUMENT.finditer(text))


_CALL_NAME = re.compile(r"\b([A-Za-z_]\w*)\(")


def _call_names(text: str) -> frozenset[str]:
    return frozenset(m.group(1).lower() for m in _CALL_NAME.finditer(text)) if "(" in text else frozenset()


_CAP_BEFORE = re.compile(r"([^\W\d_a-z][\w'’-]*)[ ]$")
_CAP_AFTER = re.compile(r"[ ]([^\W\d_a-z][\w'’-]*)")


def _capitalised_around(text: str, start: int, end: int) -> tuple[list[str], list[str], int]:
    """The capitalised words that touch the span on its left and right (same line, single spaces),
    and where the left ones start."""
    left: list[str] = []
    pos = start
    while len(left) < 4 and (m := _CAP_BEFORE.search(text, max(0, pos - 40), pos)):
        left.insert(0, m.group(1))
        pos = m.start()
    left_start = pos
    right: list[str] = []
    pos = end
    while len(right) < 4 and (m := _CAP_AFTER.match(text, pos)):
        right.append(m.group(1))
        pos = m.end()
    return left, right, left_start
