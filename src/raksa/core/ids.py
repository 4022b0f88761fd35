"""Case numbers and tracking codes (formats fixed in DESIGN.md)."""

from __future__ import annotations

import datetime as dt
import secrets

# Crockford-style alphabet: no I, L, O, U, so codes read aloud over the phone are not misheard.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
TRACKING_BODY_LENGTH = 8  # 8 x 5 bits = 40 random bits


def buddhist_year(today: dt.date) -> int:
    return today.year + 543


def format_case_number(be_year: int, sequence: int) -> str:
    return f"{be_year}-{sequence:06d}"


def _gf32_mul(a: int, b: int) -> int:
    """Multiply in GF(2^5) with the primitive polynomial x^5 + x^2 + 1."""
    result = 0
    while b:
        if b & 1:
            result ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= 0b100101
    return result


def _gf32_pow(a: int, n: int) -> int:
    result = 1
    for _ in range(n):
        result = _gf32_mul(result, a)
    return result


_ALPHA = 2  # a primitive element: its powers 1..31 are all distinct
_WEIGHTS = [_gf32_pow(_ALPHA, i) for i in range(TRACKING_BODY_LENGTH + 1)]
_LAST_INVERSE = _gf32_pow(_ALPHA, 31 - TRACKING_BODY_LENGTH)


def _check_char(body: str) -> str:
    # The code with its check character sums to zero over GF(32) with distinct weights, so every single
    # mistyped character and every swap of two neighbours (the check character included) is caught.
    total = 0
    for weight, ch in zip(_WEIGHTS, body, strict=False):
        total ^= _gf32_mul(weight, _VALUE[ch])
    return ALPHABET[_gf32_mul(total, _LAST_INVERSE)]


def new_tracking_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(TRACKING_BODY_LENGTH))
    return f"{body[:4]}-{body[4:]}-{_check_char(body)}"


def normalize_tracking_code(raw: str) -> str | None:
    """Canonical form `XXXX-XXXX-C` of a typed code, or None when it is malformed or the check fails."""
    text = "".join(ch for ch in raw.upper() if ch.isalnum()).translate(_CONFUSABLE)
    if len(text) != TRACKING_BODY_LENGTH + 1 or any(c not in _VALUE for c in text):
        return None
    body, check = text[:-1], text[-1]
    if _check_char(body) != check:
        return None
    return f"{body[:4]}-{body[4:]}-{check}"
