"""Recognizers tuned past presidio's defaults, with checksums to stay precise.

Why each exists (measured on Faker text with the sm model, see bench/pii):

* phones: presidio's ``PhoneRecognizer`` (libphonenumber, a few regions) misses
  ``001-...`` and ``+1-...x123`` forms and many national layouts; a format
  regex over 7-15 digits, validated to reject dates, IPs and SSN shapes, adds them;
* cards: presidio's card regex misses 19-digit Visa, 12-digit Maestro, 15-digit
  JCB (2131/1800) and 2-series Mastercard; we take any 12-19 digit run and keep
  it only if it passes Luhn *and* starts with a known issuer prefix;
* secrets: API keys and tokens are not PII in presidio at all, yet a model that
  memorises one leaks a credential.

IBAN (mod-97), SSN, IP and email validation come from presidio itself.
"""

from __future__ import annotations

import datetime
import ipaddress
import re

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import IpRecognizer

from curate.pii.names import everyday_word

SECRET_ENTITY = "API_KEY"
PHONE_ENTITY = "PHONE_NUMBER"
PASSWORD_ENTITY = "PASSWORD"
USERNAME_ENTITY = "USERNAME"
CN_ID_ENTITY = "CN_RESIDENT_ID"
CREDENTIAL_ENTITIES = frozenset({PASSWORD_ENTITY, USERNAME_ENTITY})
STRUCTURED_ENTITIES = frozenset({"EMAIL_ADDRESS", PHONE_ENTITY, "CREDIT_CARD", "US_SSN", CN_ID_ENTITY, "IBAN_CODE",
                                 "IP_ADDRESS", SECRET_ENTITY, "CRYPTO", PASSWORD_ENTITY, USERNAME_ENTITY})
"""Identifiers with a fixed shape (and most with a checksum): secrets wherever they stand,
so they are replaced inside code, URLs and tool calls too (``curate.pii.regions``)."""


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number carries."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# Issuer prefixes (IIN ranges) of the card brands that use 12-19 digit numbers:
# Visa 4; Mastercard 51-55 and 2221-2720; Maestro 50, 56-69, 0604, 6390; Amex 34/37;
# Diners 30/36/38/39; JCB 35, 2131, 1800; Discover/UnionPay 6.
_CARD_PREFIX = re.compile(r"^(?:4|5[0-8]|6|3[0456789]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|2131|1800|0604)")
_CARD_LENGTHS = range(12, 20)


def card_number_valid(text: str) -> bool:
    digits = re.sub(r"[ -]", "", text)
    return len(digits) in _CARD_LENGTHS and bool(_CARD_PREFIX.match(digits)) and luhn_valid(digits)


class TunedCreditCardRecognizer(PatternRecognizer):
    """Any 12-19 digit run (spaces or dashes allowed) that passes prefix and Luhn checks."""

    # "+4477...": a phone; "275.43397884615385": a fraction's digits
    PATTERNS = [Pattern("card 12-19 digits", r"(?<![\w+-])(?<!\d[.,])\d(?:[ -]?\d){11,18}(?![\w-])", 0.6)]
    CONTEXT = ["credit", "card", "visa", "mastercard", "amex", "discover", "jcb", "diners", "maestro", "cc"]

    def __init__(self) -> None:
        super().__init__(supported_entity="CREDIT_CARD", patterns=self.PATTERNS, context=self.CONTEXT,
                         name="TunedCreditCardRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        return card_number_valid(pattern_text)


_CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def cn_resident_id_valid(text: str) -> bool:
    """Whether 18 characters are a Chinese resident identity number: a birth date that exists and the
    ISO 7064 MOD 11-2 check character (GB 11643) that the last place holds."""
    try:
        datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    return "10X98765432"[sum(int(c) * w for c, w in zip(text[:17], _CN_ID_WEIGHTS)) % 11] == text[17].upper()


class CnResidentIdRecognizer(PatternRecognizer):
    """Chinese resident identity numbers (居民身份证号码): a region code, a birth date from 1800 on, a
    sequence number and a check character, validated: what a Chinese form or profile carries where an
    American one carries an SSN, and presidio has no recognizer for."""

    PATTERNS = [Pattern("cn resident id", r"(?<![\w-])[1-9]\d{5}(?:18|19|20)\d{2}\d{4}\d{3}[\dXx](?![\w-])", 0.9)]

    def __init__(self) -> None:
        super().__init__(supported_entity=CN_ID_ENTITY, patterns=self.PATTERNS, name="CnResidentIdRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        return cn_resident_id_valid(pattern_text)


_PHONE = (
    r"(?<![\w+$€£./-])(?<!\d:)"                                # "TEL:503..." yes, "10:30" no
    r"(?:(?:\+\d{1,3}|\b00\d{1,3})[ .-]?(?:\(0\)[ ]?)?)?"      # +41 (0), 001-
    r"(?:\(\d{1,4}\)[ .-]?)?"                                   # (579)
    r"\d{1,12}(?:[ .-]\d{1,8}){0,5}"                           # 905-674-3793, 0490 75 40 81
    r"(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?"                         # x4587
    r"(?![\w/:]|-\d)"                                          # "082 490 1693-Office" yes
)
_DATE_LIKE = re.compile(r"^(?:(?:19|20)\d\d[-. ]\d{1,2}[-. ]\d{1,2}|\d{1,2}[-. ]\d{1,2}[-. ](?:19|20)\d\d)(?:\D|$)")
_SSN_LIKE = re.compile(r"^\d{3}-\d{2}-\d{4}$")
_IP_LIKE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_POSTCODE_LIKE = re.compile(r"^(?:\d{5}-\d{3,4}|\d{4}-\d{3})$")  # Brazilian CEP, US ZIP+4, Portuguese
_TWO_GROUPS = re.compile(r"^\d+ \d+$")
_WORD_AFTER = re.compile(r"[ \t]+(?!(?i:office|fax|mobile|cell|home|work|tel|phone)\b)[^\W\d_]")
# Numbers introduced as another identifier ("license number 2270-66-1551") are not phones.
_OTHER_ID_BEFORE = re.compile(r"(?i:licen[cs]e|passport|account|acct|order|invoice|policy|member|tracking)"
                              r"(?:[ ](?:number|no\.?|#))?[ :#]*$")
_EXTENSION = re.compile(r"[ ]?(?:x|ext\.?)[ ]?\d{1,5}$", re.IGNORECASE)


# "(1824-1907)", "1939–1945": two years, a life or a period, never a phone.
_YEAR_RANGE = re.compile(r"^(?:1[0-9]|20)\d\d[ ]?[-–—/][ ]?(?:1[0-9]|20)?\d\d$")
# Layouts only a phone number has: an international prefix, an area code in brackets, the
# North American 3-3-4, or a trunk 0 followed by groups ("0490 75 40 81", "01.84.17.61.18").
_PHONE_FORMAT = re.compile(r"^(?:(?:\+|00)\d|\(\d{2,4}\)[ .-]?\d|\d{3}([-.])\d{3}\1\d{4}(?!\d)|"
                           r"0\d{1,4}(?:[ .-]\d{2,4}){2,4}$)")
# Words that say a number is a phone number, read in the 50 characters before it (the line
# before included: "Phone:\n467 3395") or the 15 after it ("416 60 039 office", "...1693-Fax"). English
# words, then the phone words of other languages, as the phone recognizer runs on every language (not
# their words for any number, nor ones English writes for other things: German "Handy", French "portable");
# ``PHONE_WORDS_UNSPACED`` match inside a run of letters: scripts that write no spaces (the analyzer's
# spaced view writes ``PHONE_SIGN`` for them, ``analyzer.spaced``) and Arabic, which joins "my" to "phone"
# (هاتفي). The telephone sign says so too, in the view or in text ("☎ 030 1234567").
_PHONE_WORDS = ("phone|phones|telephone|tel|ph|call|calls|called|calling|mobile|cell|cellphone|fax|desk|office|home|"
                "work|contact|reach|text|texts|sms|whatsapp|signal|dial|hotline|landline|ring|number|nr|messages|"
                "answering|registered")
_PHONE_WORDS_ELSEWHERE = ("telefon|telefonnummer|telefonnr|handynummer|mobil|mobilnummer|rufnummer|festnetz|"
                          "teléfono|telefono|telefone|téléphone|tél|móvil|movil|celular|cellulare|"
                          "telefoon|telefoonnummer|mobiel|telefonu|komórka|telepon|điện thoại|телефон|тел|моб")
PHONE_WORDS_UNSPACED = ("电话|電話|手机|手機|致电|致電|传真|傳真|座机|热线|携帯|전화|휴대폰|핸드폰|연락처|"
                        "โทร|มือถือ|ໂທລະສັບ|ទូរស័ព្ទ|ဖုန်း|هاتف|جوال|موبايل|تلفن|טלפון|फ़ोन|फोन|मोबाइल")
PHONE_SIGN = "☎"
_PHONE_CONTEXT = re.compile(rf"(?i:\b(?:{_PHONE_WORDS}|{_PHONE_WORDS_ELSEWHERE})\b|{PHONE_WORDS_UNSPACED}|{PHONE_SIGN})")


def phone_formatted(text: str) -> bool:
    """Whether a number is laid out as only a phone number is (see ``_PHONE_FORMAT``)."""
    return bool(_PHONE_FORMAT.match(_EXTENSION.sub("", text)))


def phone_context(text: str, start: int, end: int) -> bool:
    """Whether the words around ``text[start:end]`` say it is a phone number."""
    return bool(_PHONE_CONTEXT.search(text, max(0, start - 50), start)
                or _PHONE_CONTEXT.search(text, end, min(len(text), end + 15)))


def phone_number_plausible(text: str) -> bool:
    """Reject digit runs that are something else: dates, year ranges, SSNs, IPs, bare counts."""
    body = _EXTENSION.sub("", text)
    digits = re.sub(r"\D", "", body)
    if not 7 <= len(digits) <= 15:
        return False
    if any(p.match(body) for p in (_DATE_LIKE, _SSN_LIKE, _IP_LIKE, _POSTCODE_LIKE, _YEAR_RANGE)):
        return False
    if re.fullmatch(r"\d+\.\d+", body):
        return False  # "408142.36": a decimal amount
    if len(digits) >= 8 and set(digits) <= {"0", "1"}:
        return False  # "1011101011": a binary number
    formatted = any(c in body for c in " .-()+")
    # A bare digit run is a phone only at national length (10, or 11 with a leading 1 or 0).
    return formatted or len(digits) == 10 or (len(digits) == 11 and digits[0] in "01")


class TunedPhoneRecognizer(PatternRecognizer):
    """Phone layouts by format: international prefixes, trunk ``(0)``, extensions.

    A number is a phone when it has a phone's shape *and* says so: a layout only phones
    have (``phone_formatted``), or a phone word around it (``phone_context``). Instruction
    data is full of digit runs that have the shape alone: constants in code (``2166136261``),
    table widths (``10 25 20 20``), ids, years."""

    CONTEXT = ["phone", "call", "tel", "telephone", "mobile", "cell", "fax", "number", "contact", "reach"]

    def __init__(self) -> None:
        super().__init__(supported_entity="PHONE_NUMBER", patterns=[Pattern("phone by format", _PHONE, 0.5)],
                         context=self.CONTEXT, name="TunedPhoneRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        return phone_number_plausible(pattern_text)

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        # "12345 678 Main St": a postcode and house number, not a phone. Two bare
        # space-separated groups followed by a word are an address far more often.
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in results
                if not (_TWO_GROUPS.match(text[r.start:r.end]) and _WORD_AFTER.match(text, r.end))
                and not _OTHER_ID_BEFORE.search(text, max(0, r.start - 30), r.start)
                and (phone_formatted(text[r.start:r.end]) or phone_context(text, r.start, r.end))]


SECRET_PATTERNS = [
    Pattern("openai-style key", r"\bsk-(?:proj-|live_|test_|ant-)?[A-Za-z0-9_-]{20,}", 0.9),
    Pattern("aws access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", 0.9),
    Pattern("github token", r"\bgh[pousr]_[A-Za-z0-9]{36,}\b", 0.9),
    Pattern("github fine-grained token", r"\bgithub_pat_[A-Za-z0-9_]{40,}\b", 0.9),
    Pattern("slack token", r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b", 0.9),
    Pattern("google api key", r"\bAIza[0-9A-Za-z_-]{35}\b", 0.9),
    # A 40-character base64 secret (AWS secret access key shape) mixing upper, lower and digits;
    # hex digests (lower-case only) do not qualify.
    Pattern("aws secret access key", r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])"
            r"(?=[A-Za-z0-9/+]{0,39}\d)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])", 0.7),
    Pattern("private key block", r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----", 0.95),
]


_KNOWN_KEY_PREFIX = re.compile("|".join(p.regex for p in SECRET_PATTERNS if p.name != "aws secret access key"))


def has_known_key_prefix(text: str) -> bool:
    """Whether a secret is one of the prefixed credential shapes, not only a high-entropy token."""
    return _KNOWN_KEY_PREFIX.match(text) is not None


class SecretTokenRecognizer(PatternRecognizer):
    """Well-known credential shapes; case-sensitive, since their prefixes are."""

    def __init__(self) -> None:
        super().__init__(supported_entity=SECRET_ENTITY, patterns=SECRET_PATTERNS, name="SecretTokenRecognizer",
                         global_regex_flags=re.DOTALL | re.MULTILINE)


# A password or an account's name has no shape of its own; what marks one is its label: "password: aB3#fG7!",
# "User name: @michaelsheridan", "{'username': 'SniperElite'", 'password="hunter2"', "my password is hunter2".
# After "=" only a quoted literal counts (unquoted, it is a variable: "userId=user_id"); after "is" only a value
# of letters and digits ("the password is compromised" says no password).
_CREDENTIAL_LABEL = (r"(?i:\b(?:(?P<password>password|passwd|passphrase|passcode)|"
                     r"(?P<username>username|user[ _]name|gamertag|screen[ _]name|login[ _]id|player[ _]id))\b)")
_CREDENTIAL_CHAR = r"[^\s\"'`,;(){}<>\[\]]"
_CREDENTIAL_VALUE = rf"{_CREDENTIAL_CHAR}{{3,64}}"
CREDENTIAL = re.compile(
    rf"{_CREDENTIAL_LABEL}[\"']?[ \t]*(?::[ \t]*(?P<q1>[\"'`]?)(?P<v1>{_CREDENTIAL_VALUE})(?P=q1)"
    rf"|=[ \t]*(?P<q2>[\"'`])(?P<v2>{_CREDENTIAL_VALUE})(?P=q2)"
    rf"|[ \t]+is[ \t]+(?P<v3>(?={_CREDENTIAL_CHAR}*[^\W\d_])(?={_CREDENTIAL_CHAR}*\d){_CREDENTIAL_VALUE}))")
# Values that stand for a credential without being one: a type, a template, a variable ("$PWD", "${PASS}") or its path.
_NOT_A_CREDENTIAL = re.compile(r"(?i:your|example|placeholder|here\b|xxx|\*\*\*|\.\.\.|^[$%]|\$\{|\{|%\(|^(?:none|null|true|false|"
                               r"str|string|int|text|required|optional|password|username|user|admin|test|secret|"
                               r"hidden|string\.?)$)|^[a-z_]+(?:\.[a-z_]+)+$|.@.")


def credentials(text: str) -> list[tuple[str, int, int]]:
    """``(entity, start, end)`` of each labelled password or user name (``PASSWORD``, ``USERNAME``); a
    sentence's closing full stop is not part of the value."""
    found = []
    for m in CREDENTIAL.finditer(text):
        group = next(g for g in ("v1", "v2", "v3") if m.group(g) is not None)
        start, end = m.start(group), m.end(group)
        if group != "v2" and not m.group("q1") and text[end - 1] == "." and (end == len(text) or text[end].isspace()):
            end -= 1
        value = text[start:end]
        if len(value) >= 3 and not _NOT_A_CREDENTIAL.search(value):
            found.append((PASSWORD_ENTITY if m.group("password") else USERNAME_ENTITY, start, end))
    return found


_PASSWORD_FIELD = re.compile(r"(?i:password|passwd|passphrase|passcode|pwd)")
_USERNAME_FIELD = re.compile(r"(?i:user[ _]?name|gamertag|screen[ _]?name|login[ _]?id|player[ _]?id)")


def credential_field(key: str, value: str) -> str | None:
    """The entity of a JSON field's whole value when its key names a password or a user name
    (``{"username": "SniperElite"}``), or None."""
    entity = PASSWORD_ENTITY if _PASSWORD_FIELD.fullmatch(key) else USERNAME_ENTITY if _USERNAME_FIELD.fullmatch(key) else None
    if entity is None or _NOT_A_CREDENTIAL.search(value) or not 3 <= len(value.strip()) <= 64 \
            or any(c.isspace() for c in value.strip()):
        return None
    return entity


class CredentialRecognizer(EntityRecognizer):
    """Labelled passwords and user names (``credentials``), in any language: the labels are English
    words that code and forms use everywhere."""

    def __init__(self) -> None:
        super().__init__(supported_entities=[PASSWORD_ENTITY, USERNAME_ENTITY], name="CredentialRecognizer")

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        return [RecognizerResult(entity, start, end, 0.9) for entity, start, end in credentials(text)
                if entity in entities]


ADDRESS_ENTITY = "STREET_ADDRESS"
# Street-type words. English suffixes come after the name ("24 Clarke Avenue"),
# many European ones are glued to it ("Friedhofstrasse 33", "Koskikatu 25") or
# lead it ("Via Roma 131"). Why this matters beyond addresses: sm's NER tags
# "Gordon Terrace" or "Elisabeth Parks" as PERSON; an address span wins that
# overlap (ENTITY_PRIORITY), which removed most PERSON false positives.
_EN_STREET = (
    "Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Court|Ct|Boulevard|Blvd|Way|Place|Pl|Square|Squares|Sq|Terrace|"
    "Crescent|Close|Gardens|Grove|Parade|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Row|Walk|Hill|Hills|Mews|Green|"
    "Park|Parks|Pass|Plaza|Alley|Bridge|Brook|Brooks|Bypass|Causeway|Centre|Center|Common|Commons|Corner|Corners|"
    "Crossing|Dale|Estate|Estates|Expressway|Extension|Falls|Ferry|Field|Fields|Flat|Flats|Ford|Forest|Fork|Forks|"
    "Fort|Freeway|Gateway|Glen|Harbor|Haven|Heights|Hollow|Island|Isle|Junction|Key|Knoll|Knolls|Landing|Light|"
    "Loaf|Lock|Lodge|Loop|Mall|Manor|Meadow|Meadows|Mill|Mills|Mission|Motorway|Mount|Mountain|Orchard|Oval|Path|"
    "Pike|Pine|Pines|Point|Points|Port|Prairie|Ranch|Ridge|River|Route|Run|Shoal|Shore|Shores|Spring|Springs|Spur|"
    "Station|Stravenue|Stream|Summit|Throughway|Trace|Track|Trafficway|Tunnel|Turnpike|Union|Unions|Valley|"
    "Viaduct|View|Views|Village|Ville|Vista|Well|Wells|Wharf|Wood|Woods|Yard|Yards|str"
)
try:  # Faker's 225 US street suffixes ("Inlet", "Dam", "Mews"), when the package is there
    from faker.providers.address.en_US import Provider as _UsAddress

    _EN_STREET = "|".join(sorted(set(_EN_STREET.split("|")) | set(_UsAddress.street_suffixes), key=len, reverse=True))
except ImportError:  # pragma: no cover - faker is a dependency; the hand list still works
    pass
# A headline counts ways ("7 Surprising Ways Yoga Can Transform You"); no street is called that.
_EN_STREET = "|".join(w for w in _EN_STREET.split("|") if w != "Ways")
STREET_TYPES = frozenset(w.lower() for w in _EN_STREET.split("|")) | frozenset(
    "strasse straße gasse weg platz allee utca út kapu tér ulica".split())
_EU_SUFFIX = (r"(?:stra(?:ss|ß)e|str\.|gasse|weg|platz|allee|ring|gade|vej|gatan|gata|vägen|väg|veien|vegur|"
              r"katu|tie|kuja|polku|laan|straat|plein|utca|út|kapu|tér|ulica|ul\.|ulice|náměstí|sokak|caddesi)")
STREET_PREFIXES = ("Cité", "Cite", "Via", "Viale", "Piazza", "Rua", "Avenida", "Av.", "Rue", "Avenue", "Boulevard", "Bd",
                   "Chemin", "Calle", "Carrer", "Paseo", "Plaza", "Parque", "Camino", "Travessa", "Largo", "Strada",
                   "Ulica", "ul.", "Odos", "Leoforos")
_EU_PREFIX = "(?i:" + "|".join(re.escape(p) for p in STREET_PREFIXES) + ")"
_W = r"[^\W_][\w'’.-]*"
_CAPW = r"[^\W\d_a-z][\w'’.-]*"
_HOUSE = r"\d{1,6}[A-Za-z]?(?:[ ]\d{1,6})?"
# A street's name is names and ordinals ("24 Clarke Avenue", "228 W 10th St"); a number followed by
# "in", "on any" or nothing before the street word is a year, a count or a title ("1773 in Boston
# Harbor", "8352 on any Silent Hill", "10 Ways to Reduce Stress").
_FUNCTION_WORD = r"(?i:in|on|of|at|to|for|by|with|from|and|or|the|a|an|any|all|some|is|was|are|were|ways|years|days)"
# "7 September 2013" is a date, not "6750 Koskikatu 25".
_MONTH = (r"(?i:january|february|march|april|may|june|july|august|september|october|november|december|"
          r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)")
_STREET_CORE = (
    rf"(?:{_HOUSE}[ ]+(?:(?!{_FUNCTION_WORD}[ ]){_W}[ ]+){{1,4}}?(?:{_EN_STREET})\b\.?"  # 24 Clarke Avenue,
    rf"(?:[ ]+(?:{_EN_STREET})\b\.?)?"  # a street type can name the street: "930 Capitola Knolls Dr"
    rf"|(?:{_HOUSE}[ ]+)?{_EU_PREFIX}(?:[ ]+(?!{_FUNCTION_WORD}[ ]){_W}){{1,4}}?[ ]+\d{{1,5}}[A-Za-z]?\b"  # Rue de Virton 38,
    # not "Avenue Elementary School located at 600"
    rf"|{_HOUSE}[ ]+{_EU_PREFIX}(?:[ ]+{_W}){{1,3}}"                                   # 36 rue de pologne
    rf"|(?:{_HOUSE}[ ]+)?{_CAPW}[ ]+(?:u\.|utca|út|kapu|ul\.|str\.?|sokak)[ ]+\d{{1,5}}\b\.?"  # Piroska u. 97.
    rf"|(?:{_HOUSE}[ ]+)?(?:{_CAPW}[ ]+){{0,2}}{_CAPW}{_EU_SUFFIX}[ ]+\d{{1,5}}[A-Za-z]?\b\.?"  # Friedhofstrasse 33
    rf"|{_HOUSE}[ ]+(?!{_MONTH}\b)(?:{_CAPW}[ ]+){{0,2}}{_CAPW}[ ]+\d{{1,5}}[A-Za-z]?\b(?![.:]\d)\.?"  # 6750 Koskikatu 25, not "2 Maccabees 8:22"
    rf"|\bPSC[ ]\d+,[ ]Box[ ]\d+"                                                      # US military
    rf"|\bUS(?:S|NS|NV|CGC)[ ]{_CAPW}(?:[ \t]*\n?[ \t]*FPO[ ]A[AEP][ ]\d{{5}})?"            # USNS Møller, FPO AA 85844
    rf"|\b(?:P\.?O\.?[ ]?Box|Postbox)[ ]\d+)"
)
_UNIT = r"(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor|Box)[ ]?#?\d+[A-Za-z]?"
_SEGMENT = rf"(?:{_UNIT}|APO[ ][A-Z]{{2}}[ ]\d{{5}}|[A-Z]{{2,3}}(?:[ ]\d{{4,6}})?|\d{{4,6}}(?:-\d{{3,4}})?|{_CAPW}(?:[ ](?:{_CAPW}|\d{{4,6}}|u|de|del|la|le|am|an|upon|on))*)"
_TAIL = rf"(?:[ ]+{_UNIT}|(?:[ \t]*[,\n])+[ \t]*(?:{_SEGMENT})(?![\w'’.-]*:))"  # "\nProperty: condo" is a field, no line of it
# "9/11 World Trade Center": no house number after a slash; "M.2 Internal Solid State Hard Drive": nor glued to a word
_STREET_ADDRESS = rf"(?<![\w/-])(?<![^\W\d_]\.){_STREET_CORE}{_TAIL}{{0,6}}"


class StreetAddressRecognizer(PatternRecognizer):
    """Street addresses: a street (number + name + street type, in English or
    European layouts) and the unit, city, region, postcode and country lines
    that follow it."""

    CONTEXT = ["address", "live", "lives", "street", "ship", "mail", "office", "located", "deliver", "billing"]

    def __init__(self) -> None:
        super().__init__(supported_entity=ADDRESS_ENTITY, name="StreetAddressRecognizer", context=self.CONTEXT,
                         patterns=[Pattern("street address", _STREET_ADDRESS, 0.6),
                                   Pattern("street corner", r"(?<=\bcorner of )[^\n,]+? and [^\n,.]+", 0.5)],
                         global_regex_flags=re.MULTILINE)

    def invalidate_result(self, pattern_text: str) -> bool:
        """Shapes the patterns admit that prose writes more often than addresses: "a corner of
        the sample and let it dry" (no number, no street word), "all 9 Popsicle sticks. Place
        another" (a sentence ends inside), "the 2021 Formula 1 season" (a year, everyday words,
        a number: Finnish "6750 Koskikatu 25" has a street's own name there)."""
        street = re.split(r"[,\n]", pattern_text, maxsplit=1)[0]
        words = re.findall(r"[^\W\d_][\w'’-]*", street)
        street_words = [w for w in words if w.lower().rstrip(".") in STREET_TYPES or w in STREET_PREFIXES
                        or (w[0].isupper() and re.search(_EU_SUFFIX + "$", w.lower()))]  # "Ring", not "during"
        if not re.search(r"\d", pattern_text) and not street_words:
            return True
        if _NUMBERED_BOOK.match(street):
            return True  # "1 Maccabees 5", "2 Kings 3": chapter of a book of scripture
        if any(w.lower() not in STREET_TYPES for w in _SENTENCE_END.findall(street)):
            return True
        return not street_words and bool(words) and all(everyday_word(w) for w in words)


_NUMBERED_BOOK = re.compile(r"\d[ ]+(?:Samuel|Kings|Chronicles|Esdras|Maccabees|Corinthians|Thessalonians|Timothy|Peter|"
                            r"John)[ ]+\d{1,3}\b")
_SENTENCE_END = re.compile(r"\b([a-z][a-z'’-]{3,})\.[ ]+[A-Z]")
_BUSINESS = re.compile(
    r"(?i:\b(?:restaurants?|hotels?|motels?|caf[eé]s?|coffee shops?|museums?|galler(?:y|ies)|stores?|shops?|bars?|pubs?|"
    r"pharmac(?:y|ies)|hospitals?|clinics?|airports?|librar(?:y|ies)|theat(?:er|re)s?|cinemas?|gyms?|bakery|bakeries|"
    r"pizzeria|bistro|diner|supermarkets?|malls?|embassy|consulate|city hall|post office|stadium|zoo|cathedral|"
    r"temple|mosque)\b)")


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def names_a_business(text: str, start: int) -> bool:
    """Whether the address at ``start`` belongs to a business or public place that its paragraph names
    before it ("Z & Y Restaurant, located at 655 Jackson St"; "Italian restaurants in New York: 1. Carbone,
    located at ..."; "Another restaurant ... is Dunhuang. It is located at 320 Lexington Ave"): a place
    anyone may visit, not where a person lives. A form's or a letter's address has no such word before it.
    The paragraph ends at a blank line and reaches back at most 300 characters."""
    return bool(_BUSINESS.search(_PARAGRAPH_BREAK.split(text[max(0, start - 300):start])[-1]))


_ROLE_MAILBOX = frozenset("""info support contact help helpdesk sales admin administrator noreply no-reply donotreply
do-not-reply foia press media webmaster postmaster hostmaster abuse security privacy legal billing accounts careers
jobs recruiting hr marketing team office enquiries inquiries service customerservice customer-service feedback
hello newsletter orders reservations bookings""".split())
_TOLL_FREE = re.compile(r"(?:\+?1[-. ]?)?\(?8(?:00|88|77|66|55|44|33)\)?[-. ]?\d{3}[-. ]?\d{4}")


def public_contact(text: str, entity: str, start: int, end: int) -> bool:
    """Whether a contact detail is one an organisation publishes for anyone to use, not a person's: a
    business's address (``names_a_business``), a role mailbox ("uscis.foia@uscis.dhs.gov", "support@...";
    every part a role or the organisation's own name, so not "anna.sales@..." nor "helpdesk.owner@..."),
    a US toll-free number ("1-800-375-5283")."""
    span = text[start:end]
    if entity == ADDRESS_ENTITY:
        return names_a_business(text, start)
    if entity == "EMAIL_ADDRESS":
        local, _, domain = span.lower().partition("@")
        parts = [p for p in re.split(r"[._+-]", local) if p and not p.isdigit()]
        known = _ROLE_MAILBOX | set(re.split(r"[.-]", domain))
        return bool(_ROLE_MAILBOX.intersection(parts)) and all(p in known for p in parts)
    if entity == PHONE_ENTITY:
        return _TOLL_FREE.fullmatch(span.strip()) is not None
    return False


PUBLIC_SERVICE_IPS = frozenset({"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112",
                                "208.67.222.222", "208.67.220.220", "2001:4860:4860::8888", "2001:4860:4860::8844",
                                "2606:4700:4700::1111", "2606:4700:4700::1001"})
"""Public DNS resolvers (Google, Cloudflare, Quad9, OpenDNS): constants every networking answer pings."""
ROUTER_DEFAULT_IPS = frozenset({"192.168.0.1", "192.168.1.1", "192.168.1.254", "192.168.0.254", "192.168.2.1",
                                "192.168.100.1", "10.0.0.1", "10.0.0.138", "10.1.1.1"})
"""Home routers' factory addresses: every router manual prints them, they point at nobody's machine."""


def _network_block(text: str) -> bool:
    """Whether a CIDR text names a network, not a machine: "34.64.0.0/10" (host bits zero, fewer
    than all prefix bits) is a block an organisation announces; "10.12.4.31/24" is still one machine's
    interface address."""
    if "/" not in text:
        return False
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError:
        return False
    return network.prefixlen < network.max_prefixlen


class MeaningfulIpRecognizer(IpRecognizer):
    """presidio's IP patterns, keeping addresses that can point at someone's machine:
    not loopback, unspecified, multicast, link-local or reserved IPv4 ones, not a public
    resolver ("8.8.8.8"), nor netmasks ("255.255.255.0"), nor network blocks ("157.240.0.0/16"), and an IPv6 address must be
    written with at least three groups (C++ ``add::`` and ``std::`` are not addresses).
    Private-network addresses stay: in a support ticket "10.12.4.31" is someone's machine. Four numbers
    inside a longer dotted one are no address ("enterprises.9.9.392.1.3.21.1.8", an SNMP OID)."""

    PATTERNS = [Pattern(p.name, rf"(?<!\d\.){p.regex}(?!\.\d)", p.score) if p.name == "IPv4" else p
                for p in IpRecognizer.PATTERNS]

    def __init__(self) -> None:
        super().__init__(patterns=self.PATTERNS)

    def validate_result(self, pattern_text: str) -> bool:
        body = pattern_text.split("/", 1)[0].split("%", 1)[0]
        try:
            address = ipaddress.ip_address(body)
        except ValueError:
            return False
        if _network_block(pattern_text):
            return False
        if address.version == 6 and len([g for g in body.split(":") if g]) < 3:
            return False
        if body.startswith("255.") or body.startswith("0."):
            return False
        # (IPv6 "reserved" covers most unassigned space, where synthetic and future addresses live.)
        if str(address) in PUBLIC_SERVICE_IPS or str(address) in ROUTER_DEFAULT_IPS:
            return False
        if re.fullmatch(r"\d(?:\.\d){3}", body):
            return False  # "git 1.7.7.3": a version number; "1.2.3.4" is a placeholder, no one's machine
        return not (address.is_loopback or address.is_unspecified or address.is_multicast or address.is_link_local
                    or (address.version == 4 and address.is_reserved))
