"""Fake personal data and secrets, and the ``<<TOKEN>>`` filling that puts them into the PII texts.

The identities in ``texts/fake_identities.json`` are invented: e-mail domains
are example.* reserved names, US phone numbers use the fictional 555 exchange or
area code and the UK number is in Ofcom's drama range. Card numbers, IBANs,
SSNs and keys are drawn here from the seeded generator and pass the checksums a
detector would apply; the ledger records each one with its check so PLANTED.md
can list them. IP addresses are written in the texts themselves, from the
documentation and private ranges.
"""

from __future__ import annotations

import random
import re
import string

from .checksums import iban_ok, luhn_complete, luhn_ok, make_iban
from .texts import load

_IDENTITIES = load("fake_identities")
PEOPLE: dict[str, dict[str, str]] = _IDENTITIES["people"]
PHONES: dict[str, str] = _IDENTITIES["phones"]
ADDRESSES: dict[str, str] = _IDENTITIES["addresses"]
ALNUM = string.ascii_letters + string.digits
_TOKEN_NAME = r"[A-Z0-9_]+(?::[a-z0-9]+)?"
TOKEN = re.compile(f"<<({_TOKEN_NAME})>>")


def _grouped(digits: str, sizes: list[int], sep: str = " ") -> str:
    out, pos = [], 0
    for size in sizes:
        out.append(digits[pos : pos + size])
        pos += size
    assert pos == len(digits), (digits, sizes)
    return sep.join(out)


def _every4(text: str) -> str:
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def make_secrets(rng: random.Random) -> tuple[dict[str, str], list[dict]]:
    """Values for the secret tokens (``<<VISA16A>>``, ``<<SSN1>>``, ``<<SK1>>``...), plus a checksum ledger."""
    v: dict[str, str] = {}
    ledger: list[dict] = []

    def card(token: str, network: str, prefix: str, length: int, sizes: list[int] | None, sep: str = " ") -> None:
        digits = luhn_complete(rng, prefix, length)
        assert luhn_ok(digits) and len(digits) == length
        v[token] = _grouped(digits, sizes, sep) if sizes else digits
        v[token + "_LAST4"] = digits[-4:]
        ledger.append({"kind": "credit_card", "network": network, "digits": digits, "shown": v[token], "luhn": True})

    card("VISA16A", "visa16", "4", 16, [4, 4, 4, 4])
    card("VISA16B", "visa16", "4", 16, None)
    card("MC1", "mastercard_51_55", str(rng.randint(51, 55)), 16, [4, 4, 4, 4], "-")
    card("MC2", "mastercard_2series", str(rng.randint(2221, 2720)), 16, [4, 4, 4, 4])
    card("AMEX", "amex", rng.choice(["34", "37"]), 15, [4, 6, 5])
    card("VISA19", "visa19", "4", 19, [4, 4, 4, 4, 3])
    card("MAESTRO", "maestro12", "6759", 12, [4, 4, 4])
    v["AMEX_PREFIX"] = v["AMEX"][:2]

    for i in range(1, 5):
        area = rng.choice([a for a in range(100, 900) if a != 666])
        v[f"SSN{i}"] = f"{area:03d}-{rng.randint(10, 99):02d}-{rng.randint(1000, 9999):04d}"

    def digits(n: int) -> str:
        return "".join(str(rng.randrange(10)) for _ in range(n))

    for token, country in (("GB1", "GB"), ("GB2", "GB"), ("DE1", "DE"), ("DE2", "DE")):
        if country == "GB":
            bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(4)) + digits(6) + digits(8)
        else:
            bban = str(rng.randint(1, 8)) + digits(7) + digits(10)
        iban = make_iban(country, bban)
        assert iban_ok(iban) and len(iban) == 22
        v[token] = _every4(iban) if token in ("GB1", "DE1") else iban
        v[token + "_LAST4"] = iban[-4:]
        ledger.append({"kind": "iban", "country": country, "compact": iban, "shown": v[token], "mod97": True})

    for i in range(1, 4):
        v[f"SK{i}"] = "sk-" + "".join(rng.choice(ALNUM) for _ in range(48))
    for i in range(1, 3):
        v[f"AKIA{i}"] = "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
        v[f"AWSSEC{i}"] = "".join(rng.choice(ALNUM + "+/") for _ in range(40))
        v[f"GHP{i}"] = "ghp_" + "".join(rng.choice(ALNUM) for _ in range(36))
    return v, ledger


def fill(text: str, secrets: dict[str, str]) -> str:
    """``text`` with every token replaced: a secret, or ``NAME:``/``FIRST:``/``EMAIL:``/``PHONE:``/``ADDR:`` + an identity key."""

    def sub(match: re.Match) -> str:
        key = match.group(1)
        if key in secrets:
            return secrets[key]
        kind, _, who = key.partition(":")
        if kind == "NAME":
            return PEOPLE[who]["name"]
        if kind == "FIRST":
            return PEOPLE[who]["name"].split()[0]
        if kind == "EMAIL":
            return PEOPLE[who]["email"]
        if kind == "PHONE":
            return PHONES[who]
        if kind == "ADDR":
            return ADDRESSES[who]
        raise KeyError(key)

    out = TOKEN.sub(sub, text)
    assert "<<" not in out, out
    return out


def fill_obj(obj, secrets: dict[str, str]):
    """``fill`` applied to every string inside a JSON-like value (tool-call arguments)."""
    if isinstance(obj, str):
        return fill(obj, secrets)
    if isinstance(obj, dict):
        return {k: fill_obj(x, secrets) for k, x in obj.items()}
    if isinstance(obj, list):
        return [fill_obj(x, secrets) for x in obj]
    return obj


def is_token(text: str) -> bool:
    """Whether a PII listing names a token (``SSN1``, ``NAME:hana``) rather than the literal value it expects."""
    return re.fullmatch(_TOKEN_NAME, text) is not None
