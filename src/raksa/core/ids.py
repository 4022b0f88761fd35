"""Case numbers and tracking codes (formats fixed in DESIGN.md)."""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata

# Crockford-style alphabet: no I, L, O, U, so codes read aloud over the phone are not misheard.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
TRACKING_BODY_LENGTH = 8  # 8 x 5 bits = 40 random bits

# A code typed with the Thai (Kedmanee) keyboard layout still on gives the Thai characters on the same keys: each
# maps back to the Latin key under it, unshifted ("r" gives พ) and shifted ("R" gives ฑ). Thai digits are read as
# digits, not as the keys that type them (๐ is shifted Q): a person who writes a code in Thai numerals means the
# numbers.
_KEDMANEE_ROWS = (
    ("14567890", "ๅภถุึคตจ"),  # the 2 and 3 keys give "/" and "-": see _THAI_TYPED
    ("QWERTYUIOP", "ๆไำพะัีรนย"),
    ("ASDFGHJKL", "ฟหกดเ้่าส"),
    ("ZXCVBNM", "ผปแอิืท"),
    ("ERTYUIOP", "ฎฑธํ๊ณฯญ"),  # shifted; Q gives ๐ (a digit) and W a quote mark
    ("ASDFGHJKL", "ฤฆฏโฌ็๋ษศ"),
    ("CVBN", "ฉฮฺ์"),
)
_THAI_KEYS = {
    thai: latin for latins, thais in _KEDMANEE_ROWS for latin, thai in zip(latins, thais, strict=True)
}
_THAI_KEYS.update({chr(0x0E50 + digit): str(digit) for digit in range(10)})
_THAI_KEYS["ข"] = "-"  # the dash key
# In a code typed in Thai, "/" and "-" are what the 2 and 3 keys gave.
_THAI_TYPED = {"/": "2", "-": "3"}


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
    """Canonical form `XXXX-XXXX-C` of a typed code, or None when it is malformed or the check fails.

    Forgiving about how it was typed: lower case, spaces, dashes or none, full-width letters, Crockford's
    look-alikes (O is 0, I and L are 1, U is V), and the Thai keyboard layout left on by mistake.
    """
    raw = raw[:64]
    readings = [raw]
    if any("\u0e00" <= ch <= "\u0e7f" for ch in raw):
        # Typed in Thai: "-" and "/" are most likely the 3 and 2 keys, but may still be a dash and a slash.
        readings.insert(0, "".join(_THAI_TYPED.get(ch, ch) for ch in raw))
    for reading in readings:
        code = _canonical(reading)
        if code is not None:
            return code
    return None


def _canonical(raw: str) -> str | None:
    # The Thai keys first: NFKC would split ำ (the E key) into two characters.
    latin = unicodedata.normalize("NFKC", "".join(_THAI_KEYS.get(ch, ch) for ch in raw)).upper()
    text = "".join(ch for ch in latin if ch.isascii() and ch.isalnum()).translate(_CONFUSABLE)
    if len(text) != TRACKING_BODY_LENGTH + 1 or any(c not in _VALUE for c in text):
        return None
    body, check = text[:-1], text[-1]
    if _check_char(body) != check:
        return None
    return f"{body[:4]}-{body[4:]}-{check}"
