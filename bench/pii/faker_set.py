"""A labelled PII benchmark set generated with Faker, deterministic under a seed.

Each row has the same shape as ``synth_dataset_v2.json`` rows (``full_text`` and
``spans`` with ``entity_type``/``start_position``/``end_position``), so the bench
scores both sets with one function. Templates are short support-ticket and chat
sentences; every entity type has several templates and the value generators
include the layouts presidio's defaults are known to miss: phones with ``001-``,
``+1-...x123`` and bare 10 digits (Faker's en_US formats), 19-digit Visa,
12-digit Maestro, JCB 15/16 and 2-series Mastercard. A share of texts hold no
PII at all (capitalised nouns, dates, amounts), so precision is tested too.

Caveat: PERSON values come from Faker's name lists, which the tuned analyzer's
gazetteer also reads (``curate.pii.names``); PERSON recall on this set is
therefore optimistic, and the bench prints it with the gazetteer off as well.

    .venv/bin/python bench/pii/faker_set.py --n 1200 --seed 7 > /tmp/faker_pii.json
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys

from faker import Faker

NAME_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "sv_SE", "fi_FI", "pt_BR",
                "hu_HU", "cs_CZ", "da_DK")
CARD_TYPES = ("visa16", "visa19", "maestro", "jcb15", "jcb16", "mastercard", "amex", "discover", "diners")
IBAN_LOCALES = ("de_DE", "fr_FR", "en_GB", "nl_NL", "es_ES", "it_IT", "pl_PL", "fi_FI")

TEMPLATES = (
    "Hi, my name is {PERSON} and I can't log in.",
    "Please forward this to {PERSON}, she handles refunds.",
    "{PERSON} called yesterday about the late delivery.",
    "Ticket opened by {PERSON} ({EMAIL_ADDRESS}).",
    "Thanks {PERSON}, I'll pass it on to {PERSON}.",
    "Dear Mr. {PERSON}, your order has shipped.",
    "Regards,\n{PERSON}",
    "You can reach me at {PHONE_NUMBER} after 5pm.",
    "My phone number is {PHONE_NUMBER}, extension included.",
    "Call {PERSON} on {PHONE_NUMBER} to confirm the booking.",
    "Contact: {PHONE_NUMBER} / {EMAIL_ADDRESS}",
    "Send the invoice to {EMAIL_ADDRESS} please.",
    "I changed my email to {EMAIL_ADDRESS} last week.",
    "Please charge my card {CREDIT_CARD} for the upgrade.",
    "The payment with card number {CREDIT_CARD} was declined twice.",
    "Card: {CREDIT_CARD}, exp 04/29, name {PERSON}.",
    "{PERSON} paid with {CREDIT_CARD} on Tuesday.",
    "My SSN is {US_SSN} for the tax form.",
    "For verification: social security number {US_SSN}.",
    "Wire the refund to IBAN {IBAN_CODE}.",
    "Our account {IBAN_CODE} is held by {PERSON}.",
    "The login came from {IP_ADDRESS} at 03:12.",
    "Server {IP_ADDRESS} keeps timing out for {EMAIL_ADDRESS}.",
    "Ship it to {STREET_ADDRESS}, the door code is 1234.",
    "I moved to {STREET_ADDRESS} in March.",
    "{PERSON} lives at {STREET_ADDRESS}.",
    "New billing address: {STREET_ADDRESS}",
)
NO_PII = (
    "What is the difference between Python and Java?",
    "The Quarterly Report is due on 12 March 2024.",
    "Version 2.14.3 fixed the crash on startup.",
    "Order 4412 shipped in 3 boxes weighing 12 kg.",
    "Capitalised Words Like Wisdom And Discipline are not names.",
    "Please summarise the article about the Amazon rainforest.",
    "The meeting moved to Conference Room B on the third floor.",
    "Our Premium Plan costs 49.99 USD per month.",
    "Translate 'good morning' into French and German.",
    "The Golden Gate Bridge opened in 1937.",
)


def _value(fake: Faker, rng: random.Random, entity: str) -> str:
    if entity == "PERSON":
        person = _localised(rng)
        return person.name() if rng.random() < 0.6 else f"{person.first_name()} {person.last_name()}"
    if entity == "EMAIL_ADDRESS":
        return fake.email()
    if entity == "PHONE_NUMBER":
        return fake.phone_number()
    if entity == "CREDIT_CARD":
        number = fake.credit_card_number(card_type=rng.choice(CARD_TYPES))
        if rng.random() < 0.3:  # some written in groups of four
            number = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
        return number
    if entity == "US_SSN":
        return fake.ssn()
    if entity == "IBAN_CODE":
        return _localised(rng, IBAN_LOCALES).iban()
    if entity == "IP_ADDRESS":
        return fake.ipv4_public()
    if entity == "STREET_ADDRESS":
        return fake.street_address() if rng.random() < 0.6 else fake.address().replace("\n", ", ")
    raise ValueError(f"no generator for entity {entity!r}")


_FAKERS: dict[str, Faker] = {}
_SEED = 0


def _localised(rng: random.Random, locales: tuple[str, ...] = NAME_LOCALES) -> Faker:
    loc = rng.choice(locales)
    if loc not in _FAKERS:
        _FAKERS[loc] = Faker(loc)
        _FAKERS[loc].seed_instance(_SEED + len(_FAKERS))
    return _FAKERS[loc]


def generate(n: int = 1200, seed: int = 7, no_pii_share: float = 0.1) -> list[dict]:
    """``n`` labelled texts; the same ``n`` and ``seed`` give the same rows."""
    global _SEED
    _SEED = seed
    _FAKERS.clear()
    Faker.seed(seed)
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rows = []
    for _ in range(n):
        if rng.random() < no_pii_share:
            rows.append({"full_text": rng.choice(NO_PII), "spans": []})
            continue
        template = rng.choice(TEMPLATES)
        text, spans, last = [], [], 0
        pos = 0
        for m in re.finditer(r"\{([A-Z_]+)\}", template):
            literal = template[last:m.start()]
            text.append(literal)
            pos += len(literal)
            value = _value(fake, rng, m.group(1))
            spans.append({"entity_type": m.group(1), "entity_value": value,
                          "start_position": pos, "end_position": pos + len(value)})
            text.append(value)
            pos += len(value)
            last = m.end()
        text.append(template[last:])
        rows.append({"full_text": "".join(text), "spans": spans})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    json.dump(generate(args.n, args.seed), sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
