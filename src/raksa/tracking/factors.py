"""The tracking page's second factor: the last 4 digits of the phone the reporter gave, or the 6-digit PIN she was
shown once when the report was made.

The PIN is kept as an HMAC-SHA256 of a random salt and the PIN, keyed from the secret key (and checked against
the fallback keys too, so rotating RAKSA_SECRET_KEY with Django's SECRET_KEY_FALLBACKS keeps PINs working): fast
enough to check on every look-up, unlike a password hash, and worthless to whoever reads the database without the
key. Six digits are a million guesses; the rate limits per code (raksa.tracking.services) keep them out of reach.

Every check does the same work whether there is a case behind the code or not: one HMAC (of a made-up salt when
there is no PIN), and a constant-time comparison with each phone ending, so the time of an answer does not tell
an unknown code from a wrong second factor.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.conf import settings

from raksa.core.identifiers import thai_digits_to_arabic

PIN_LENGTH = 6
PHONE_DIGITS = 4
_SCHEME = "hmac-sha256"
_PURPOSE = b"raksa.tracking.pin"
# Checked against when a case has no PIN: the same HMAC, over a salt that matches nothing.
_NO_PIN = f"{_SCHEME}${'0' * 32}${'0' * 64}"


def _keys() -> list[bytes]:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [hmac.new(str(key).encode("utf-8"), _PURPOSE, hashlib.sha256).digest() for key in keys]


def _digest(key: bytes, salt: str, pin: str) -> str:
    return hmac.new(key, f"{salt}${pin}".encode(), hashlib.sha256).hexdigest()


def pin_new() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))


def pin_hash(pin: str) -> str:
    salt = secrets.token_hex(16)
    return f"{_SCHEME}${salt}${_digest(_keys()[0], salt, pin)}"


def pin_matches(stored: str, pin: str) -> bool:
    """Whether `pin` is the PIN behind `stored` ("" for a case without one: never, after the same work)."""
    scheme, _, rest = (stored or _NO_PIN).partition("$")
    salt, _, expected = rest.partition("$")
    if scheme != _SCHEME or not salt or not expected:
        scheme, salt, expected = _NO_PIN.split("$")
    matched = False
    for key in _keys():
        matched |= hmac.compare_digest(_digest(key, salt, pin), expected)
    return matched and bool(stored)


def secret_read(raw: str | None) -> str | None:
    """The digits of a typed second factor (spaces, dashes and Thai digits allowed), when it is 4 or 6 of them."""
    text = thai_digits_to_arabic(raw or "")[:32]
    if any(not (ch.isdigit() or ch in " -") for ch in text):
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits.isascii() or len(digits) not in (PHONE_DIGITS, PIN_LENGTH):
        return None
    return digits


def phone_matches(phones: Iterable[str], digits: str) -> bool:
    """Whether `digits` (4 of them) end one of the phones; every phone is compared, in constant time."""
    matched = False
    for phone in phones:
        matched |= hmac.compare_digest(phone[-PHONE_DIGITS:].encode(), digits.encode())
    return matched


def secret_matches(*, phones: Iterable[str], stored_pin: str, secret: str) -> bool:
    """The second factor's whole check, the same work for any input of its shape: a PIN hash is always computed,
    and every phone compared, whichever kind of secret was given and whether or not a case stands behind it."""
    phone_ok = phone_matches(phones, secret) and len(secret) == PHONE_DIGITS
    pin_ok = pin_matches(stored_pin, secret) and len(secret) == PIN_LENGTH
    return phone_ok or pin_ok
