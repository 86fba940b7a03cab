"""Names that writers give as their own, in the languages the English name rules do not read.

The NER and the name rules run on English text only (``analyzer.find_pii``). In another language, a
name is found where its text introduces it as the writer's: "me llamo María García", "меня зовут
Иван Петров", "我叫李明", "田中太郎と申します". Such a phrase is the surest sign of a private person
in any language, and reading it needs no model: a Spanish or Russian support chat then loses its
customer's name as an English one does. The card still counts these rows as having no name model,
since a name nobody introduces stays.

A letter's closing ("Atentamente,", "Mit freundlichen Grüßen") and the name on its line are the same
kind of sign, where that name opens with a first name.

Cased scripts take the capitalised words after the phrase, so "ich heiße Sie willkommen" ("I bid you
welcome") names no one: "Sie" is one of spaCy's German stop words. Chinese, Japanese and Korean write
names without capitals or spaces, so the name must open with a surname of Faker's lists for those
locales and end where the sentence says it does ("我叫车了" is "I called a car", not a person).
"""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import NamedTuple

from curate.pii.finding import Finding
from curate.pii.names import first_names_of_every_script, surnames_of, surnames_of_every_script
from curate.pii.private import PERSON
from curate.script import UNSPACED_CLASS

SCORE = 0.85
"""The confidence given to an introduced name: presidio's score for a spaCy PERSON, as sure as the English path."""

CASED_PHRASES = {
    "es": ("me llamo", "mi nombre es"),
    "pt": ("me chamo", "chamo-me", "meu nome é"),
    "fr": ("je m'appelle", "je m’appelle", "mon nom est", "mon prénom est"),
    "it": ("mi chiamo", "il mio nome è"),
    "de": ("ich heiße", "ich heisse", "mein Name ist", "mein Name lautet"),
    "nl": ("ik heet", "mijn naam is"),
    "sv": ("jag heter", "mitt namn är"),
    "da": ("jeg hedder", "mit navn er"),
    "nb": ("jeg heter", "mitt navn er"),
    "pl": ("nazywam się", "mam na imię"),
    "cs": ("jmenuji se", "jmenuju se"),
    "ro": ("mă numesc", "numele meu este"),
    "tr": ("benim adım",),
    "id": ("nama saya",),
    "vi": ("tên tôi là", "tôi tên là"),
    "ru": ("меня зовут", "моё имя", "мое имя"),
    "uk": ("мене звати", "моє ім'я", "моє ім’я"),
    "bg": ("казвам се", "името ми е"),
    "sr": ("зовем се",),
    "el": ("με λένε", "ονομάζομαι", "το όνομά μου είναι"),
}
"""Per language (spaCy's code, whose stop words are read), the phrases that say "my name is", cased as the
language writes them inside a sentence (German capitalises "Name")."""
SIGN_OFFS = {
    "es": ("Saludos", "Saludos cordiales", "Un saludo", "Atentamente", "Cordialmente", "Un abrazo"),
    "pt": ("Atenciosamente", "Cumprimentos", "Um abraço", "Abraços"),
    "fr": ("Cordialement", "Bien cordialement", "Bien à vous", "Amicalement"),
    "it": ("Cordiali saluti", "Distinti saluti", "Un saluto", "Saluti"),
    "de": ("Mit freundlichen Grüßen", "Freundliche Grüße", "Viele Grüße", "Liebe Grüße", "Beste Grüße",
           "Herzliche Grüße"),
    "nl": ("Met vriendelijke groet", "Met vriendelijke groeten", "Hartelijke groet", "Groeten"),
    "sv": ("Med vänliga hälsningar", "Vänliga hälsningar", "Hälsningar"),
    "da": ("Med venlig hilsen", "Venlig hilsen"),
    "nb": ("Med vennlig hilsen", "Vennlig hilsen"),
    "pl": ("Z poważaniem", "Pozdrawiam", "Serdecznie pozdrawiam"),
    "cs": ("S pozdravem", "S úctou"),
    "ro": ("Cu stimă", "Cu drag"),
    "tr": ("Saygılarımla", "Sevgilerle"),
    "ru": ("С уважением", "С наилучшими пожеланиями"),
    "uk": ("З повагою",),
}
"""Per language, the closings of a letter that its writer's name follows, opening a line or a sentence. The name
there must open with a first name of some Faker locale: a team or a department signs as often ("Atentamente,
Departamento de Ventas"), and a letter's recipient in a salutation ("Liebe Kolleginnen") is left out altogether,
since German capitalises every noun there."""
GREETINGS = {
    "es": ("Hola", "Querido", "Querida", "Estimado", "Estimada", "Buenos días", "Buenas tardes"),
    "pt": ("Olá", "Oi", "Prezado", "Prezada", "Querido", "Querida", "Bom dia"),
    "fr": ("Bonjour", "Salut", "Cher", "Chère", "Bonsoir"),
    "it": ("Ciao", "Caro", "Cara", "Gentile", "Buongiorno", "Salve"),
    "de": ("Hallo", "Lieber", "Liebe", "Guten Tag", "Guten Morgen", "Sehr geehrte", "Sehr geehrter"),
    "nl": ("Hallo", "Hoi", "Beste", "Goedemorgen"),
    "sv": ("Hej", "Hejsan", "Kära"),
    "da": ("Hej", "Kære"),
    "nb": ("Hei", "Kjære"),
    "pl": ("Cześć", "Witaj", "Drogi", "Droga", "Dzień dobry"),
    "cs": ("Ahoj", "Milý", "Milá", "Dobrý den"),
    "ro": ("Bună", "Dragă"),
    "tr": ("Merhaba", "Sevgili", "Selam"),
    "ru": ("Привет", "Здравствуйте", "Здравствуй", "Дорогой", "Дорогая", "Уважаемый", "Уважаемая", "Добрый день"),
    "uk": ("Привіт", "Вітаю", "Дорогий", "Дорога", "Шановний", "Шановна", "Добрий день"),
}
"""Per language, the greetings that open a letter or a reply and address its reader by name ("Hola María,",
"Дорогой Иван!"). As after a closing, the name must open with a first name of some Faker locale and end at
a comma, a stop or the line's end: "Liebe Kolleginnen", "Hola, ¿cómo estás?" and "Guten Tag, Frau Müller"
name no one here."""
TITLES = ("Frau", "Herr", "Señor", "Señora", "Señorita", "Sr.", "Sra.", "Srta.", "Monsieur", "Madame", "Mademoiselle",
          "M.", "Mme", "Mlle", "Signor", "Signora", "Signorina", "Sig.", "Sig.ra", "Senhor", "Senhora", "Pan", "Pani",
          "Meneer", "Mevrouw", "Dhr.", "Mevr.", "Господин", "Госпожа", "господин", "госпожа", "Пане", "Пані", "Dr.", "Prof.")
"""Titles a salutation may put before a surname ("Sehr geehrte Frau Müller,", "Estimado Sr. García:"). After one,
the name may open with a surname of some Faker locale instead of a first name; "Sehr geehrte Frau
Bundeskanzlerin" names no one."""
PARTICLES = frozenset({"de", "del", "della", "da", "das", "do", "dos", "di", "du", "la", "le", "van", "von", "der",
                       "den", "ter", "y", "e"})
"""Lower-case words that may join the parts of one name ("María de la Cruz", "Jan van der Berg")."""
MAX_WORDS = 4

def _alternation(phrases) -> str:
    """A regex alternation of ``phrases`` as written, longest first ("Saludos cordiales" before "Saludos")."""
    return "|".join(sorted({re.escape(p) for p in phrases}, key=len, reverse=True))


def _key(phrase: str) -> str:
    return phrase.lower().replace("’", "'")


_CASED = re.compile(r"(?<!\w)(?:" + _alternation(form for ps in CASED_PHRASES.values() for p in ps
                                                  for form in (p, p[0].upper() + p[1:])) + r")(?=[ \t])")
"""The phrases as written in a sentence or at its start (case-sensitive: several times faster than ignoring case)."""
_SENTENCE_OPENS = r"(?:^|\n|[.!?][ \t]+)[ \t]*"
_SIGN_OFF = re.compile(_SENTENCE_OPENS + "(?P<phrase>" + _alternation(p for ps in SIGN_OFFS.values() for p in ps)
                       + r")[ \t]*[,!.:]?[ \t]*(?:\r?\n[ \t]*){0,2}(?=[^\W\d_])")
_GREETING = re.compile(_SENTENCE_OPENS + "(?P<phrase>" + _alternation(p for ps in GREETINGS.values() for p in ps)
                       + r")(?=[ \t,!.:]|$)")
_COMMA = re.compile(r"[ \t]*,?")
_TITLE = re.compile(r"[ \t]*(?:" + _alternation(TITLES) + r")[ \t]+")
_NAME_ENDS = re.compile(r"[ \t]*(?:[,.!:]|\r?\n|$)")
"""What may follow a signed name: its line's end, or a comma before the writer's role ("Marco Rossi, responsabile vendite")."""
_NEXT_WORD = re.compile(r"[ \t]*([^\W\d_][\w'’-]*)")

_HAN = "\u4e00-\u9fff"
_NOT_GIVEN = "了的他她你我们是在有个这那吗呢吧啊来去说叫"
"""Characters that follow "我叫" as grammar, not as a name ("我叫了", "我叫他")."""
_KANA_HAN = "\u4e00-\u9fff\u30a0-\u30ff"
_LANGUAGES: dict[str, set[str]] = {}
"""Each phrase of the three tables (``_key``), and the languages that write it ("hallo": German and Dutch)."""
for _table in (CASED_PHRASES, SIGN_OFFS, GREETINGS):
    for _lang, _phrases in _table.items():
        for _phrase in _phrases:
            _LANGUAGES.setdefault(_key(_phrase), set()).add(_lang)


def _stop_words_after(phrase: str) -> frozenset[str]:
    """The stop words of the languages that write ``phrase``: a pronoun may follow it capitalised ("Sie")."""
    return frozenset().union(*(_stop_words(lang) for lang in sorted(_LANGUAGES[_key(phrase)])))


@lru_cache(maxsize=None)
def _stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words of ``lang``."""
    try:
        return frozenset(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)
    except ModuleNotFoundError:  # a language spaCy ships no stop words for
        return frozenset()


@lru_cache(maxsize=1)
def _unspaced_patterns() -> tuple[re.Pattern, ...]:
    chinese = _alternation(surnames_of("zh_CN", "zh_TW"))
    japanese = _alternation(surnames_of("ja_JP"))
    korean = _alternation(surnames_of("ko_KR"))
    return (
        re.compile(f"(?:我叫|我名叫|我的名字是|我的名字叫)(?P<name>(?:{chinese})(?:(?![{_NOT_GIVEN}])[{_HAN}]){{1,2}})"
                   f"(?![{_HAN}])"),
        re.compile(f"(?:私|わたし|僕|ぼく)(?:の名前)?は(?P<name>(?:{japanese})[ 　]?[{_KANA_HAN}]{{0,4}}?)"
                   "(?:です|と申します|といいます)"),
        re.compile(f"(?P<name>(?:{japanese})[ 　]?[{_KANA_HAN}]{{0,4}}?)(?:と申します|といいます)"),
        re.compile(f"(?:제|내)[ ]이름은[ ]?(?P<name>(?:{korean})[\uac00-\ud7af]{{1,3}}?)(?:입니다|이에요|예요|이고|[.,!?]|$)"),
        re.compile(f"(?:저는|나는)[ ](?P<name>(?:{korean})[\uac00-\ud7af]{{1,3}}?)(?:입니다|이에요|예요|이라고|라고)"),
        re.compile("मेरा[ ]नाम[ ](?P<name>[\u0900-\u097f]+(?:[ ][\u0900-\u097f]+){0,2}?)[ ]है"),
    )


class Introductions(NamedTuple):
    names: list[Finding]
    """PERSON findings for every name the text gives as its writer's own, and for the name's other mentions,
    whole or by one of its words ("Me llamo Ana Ruiz ... Gracias, Ana"), in text order."""
    phrases: list[tuple[int, int]]
    """Where the phrases of cased scripts stand ("me llamo", "Atentamente"), a name or not after them: words
    of no one's name, though the English NER, reading a short Spanish letter as English, may call them one."""


def introductions(text: str) -> Introductions:
    """The names ``text`` introduces as its writer's, and the phrases that introduce them."""
    found: list[tuple[int, int]] = []
    phrases: list[tuple[int, int]] = []
    for m in _CASED.finditer(text):
        phrases.append(m.span())
        if span := _cased_name(text, m.end(), _stop_words_after(m.group())):
            found.append(span)
    for m in _SIGN_OFF.finditer(text):
        phrases.append(m.span("phrase"))
        if span := _addressed_name(text, m.end(), _stop_words_after(m.group("phrase"))):
            found.append(span)
    for m in _GREETING.finditer(text):
        phrases.append(m.span("phrase"))
        if span := _addressed_name(text, _COMMA.match(text, m.end()).end(), _stop_words_after(m.group("phrase")),
                                   titled=True):
            found.append(span)
    for pattern in _unspaced_patterns():
        found += [m.span("name") for m in pattern.finditer(text) if m.group("name").strip()]
    return Introductions(_with_mentions(text, found), phrases)


def _with_mentions(text: str, found: list[tuple[int, int]]) -> list[Finding]:
    """The found names and their other mentions: a cased name whole or by a word of it where no letter or
    digit touches it, a name of a script without spaces wherever it stands (``unspaced_mentions``)."""
    names = {text[a:b] for a, b in found}
    cased = {name for name in names if name[:1].isupper()}
    cased |= {w for name in cased for w in name.split() if len(w) >= 3 and w not in PARTICLES}
    spans = set(found) | {m.span() for name in cased for m in re.finditer(re.escape(name), text)
                          if not _touches_a_word(text, m.start(), m.end())}
    kept: list[Finding] = []
    for a, b in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not kept or a >= kept[-1].end:
            kept.append(Finding(PERSON, a, b, SCORE))
    unspaced = {form for name in names for form in unspaced_forms(name)}
    return sorted(kept + unspaced_mentions(text, unspaced, kept), key=lambda f: f.start)


def unspaced_forms(name: str) -> set[str]:
    """The forms in which a name of a script without spaces recurs, where another turn cannot find it by
    its words: whole ("李明" in "李明您好", "김민수" in "김민수님"), and a Japanese name's surname alone
    ("田中" of "田中太郎", addressed as "田中様"). Empty for other names, and for one character: too many
    words hold it."""
    whole = name.replace(" ", "").replace("\u3000", "")
    if len(whole) < 2 or not _UNSPACED_NAME.fullmatch(whole):
        return set()
    surname = _japanese_surname().match(whole)
    forms = {whole, name.strip()}
    return forms | ({surname.group()} if surname and len(surname.group()) >= 2 and surname.end() < len(whole) else set())


def unspaced_mentions(text: str, forms: set[str], taken: list[Finding], score: float = SCORE) -> list[Finding]:
    """PERSON findings for each occurrence of ``forms`` (``unspaced_forms``) in ``text`` that no finding of
    ``taken`` or an earlier form holds, longest form first."""
    added: list[Finding] = []
    for form in sorted(forms, key=lambda f: (-len(f), f)):
        for m in re.finditer(re.escape(form), text):
            if all(m.end() <= f.start or m.start() >= f.end for f in (*taken, *added)):
                added.append(Finding(PERSON, m.start(), m.end(), score))
    return sorted(added, key=lambda f: f.start)


_UNSPACED_NAME = re.compile(f"[{UNSPACED_CLASS}]+")


@lru_cache(maxsize=1)
def _japanese_surname() -> re.Pattern:
    return re.compile(f"(?:{_alternation(surnames_of('ja_JP'))})")


def _addressed_name(text: str, at: int, stop_words: frozenset[str], titled: bool = False) -> tuple[int, int] | None:
    """The name a closing or a greeting puts at ``at``: capitalised words (``_cased_name``) that open with a
    first name of some locale and end at a comma, a stop or the line's end. Where ``titled`` and a title
    (``TITLES``) stands first, the name after it may open with a surname too."""
    title = _TITLE.match(text, at) if titled else None
    span = _cased_name(text, title.end() if title else at, stop_words)
    if not (span and _NAME_ENDS.match(text, span[1])):
        return None
    first = text[span[0]:span[1]].split()[0]
    return span if first in first_names_of_every_script() or (title and first in surnames_of_every_script()) else None


def _cased_name(text: str, at: int, stop_words: frozenset[str]) -> tuple[int, int] | None:
    """The span of the capitalised words from ``at`` (lower-case particles between them), or ``None``."""
    start = end = None
    pending = at
    for _ in range(MAX_WORDS + 2):
        m = _NEXT_WORD.match(text, pending)
        if not m:
            break
        word = m.group(1)
        if word[0].isupper() and word.lower() not in stop_words:
            start = m.start(1) if start is None else start
            end = m.end(1)
        elif not (start is not None and word in PARTICLES):
            break
        pending = m.end()
    return (start, end) if start is not None else None


def _touches_a_word(text: str, start: int, end: int) -> bool:
    """Whether a letter or digit stands right before or after the span ("Ana" in "Anabel")."""
    return (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())
