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


def _check_char(body: str) -> str:
    # Weighted sum mod 31 catches every single substitution and adjacent transposition.
    total = sum((i + 1) * _VALUE[c] for i, c in enumerate(body))
    return ALPHABET[total % 31]


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
