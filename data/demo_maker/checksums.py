"""Luhn and IBAN mod-97: planted card numbers and IBANs pass them, as real ones do, so detectors that check them find them."""

from __future__ import annotations

import random


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_complete(rng: random.Random, prefix: str, length: int) -> str:
    """``prefix`` plus random digits and the one check digit that makes it pass Luhn."""
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        if luhn_ok(body + check):
            return body + check
    raise AssertionError("unreachable")


def _iban_number(text: str) -> int:
    return int("".join(str(int(c, 36)) for c in text))


def make_iban(country: str, bban: str) -> str:
    check = 98 - _iban_number(bban + country + "00") % 97
    return f"{country}{check:02d}{bban}"


def iban_ok(iban: str) -> bool:
    compact = iban.replace(" ", "")
    return _iban_number(compact[4:] + compact[:4]) % 97 == 1
