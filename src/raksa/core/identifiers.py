"""Pure helpers for Thai identifiers: phones, national IDs, Thai digits. No Django imports (triage uses them)."""

from __future__ import annotations

import re

from raksa.core.text import strip_invisible

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NON_DIGIT = re.compile(r"\D")


def thai_digits_to_arabic(text: str) -> str:
    return text.translate(THAI_DIGITS)


def normalize_phone(raw: str) -> str | None:
    """Return a Thai phone number in national form, digits only (0812345678, 021234567), or None.

    Accepts +66 / 66 / 0066 prefixes, Thai digits, spaces, dashes, dots and brackets. Mobiles are 10 digits
    starting 06/08/09; fixed lines 9 digits starting 02-05/07; short hotlines (1300, 191) are not phones.
    """
    if not raw:
        return None
    # A number copied from a phone's contacts often comes wrapped in invisible bidi marks.
    text = strip_invisible(thai_digits_to_arabic(raw)).strip()
    if re.search(r"[^\d\s\-+().]", text):
        return None
    digits = _NON_DIGIT.sub("", text)
    if text.lstrip().startswith("+") or digits.startswith(("0066", "66")):
        digits = digits[4:] if digits.startswith("0066") else digits[2:]
        if digits.startswith("0"):
            digits = digits[1:]
        digits = "0" + digits
    if len(digits) == 10 and digits[:2] in {"06", "08", "09"}:
        return digits
    if len(digits) == 9 and digits[:2] in {"02", "03", "04", "05", "07"}:
        return digits
    return None


def national_id_check_digit(first12: str) -> int:
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return (11 - total % 11) % 10


def normalize_national_id(raw: str) -> str | None:
    """Return the 13-digit national ID if it has 13 digits (Thai digits, dashes, spaces allowed), else None.

    This does not check the check digit: see is_valid_national_id.
    """
    if not raw:
        return None
    text = strip_invisible(thai_digits_to_arabic(raw))
    if re.search(r"[^\d\s\-]", text.strip()):
        return None
    digits = _NON_DIGIT.sub("", text)
    return digits if len(digits) == 13 else None


def is_valid_national_id(raw: str) -> bool:
    # Type-0 numbers (people without Thai registration status: stateless, migrants) are real IDs too.
    digits = normalize_national_id(raw)
    if digits is None:
        return False
    return national_id_check_digit(digits[:12]) == int(digits[12])


def make_national_id(first12: str) -> str:
    """Complete 12 digits with the right check digit (used by demo data and tests)."""
    return first12 + str(national_id_check_digit(first12))
