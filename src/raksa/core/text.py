"""The one rule for every text a person types, whichever channel it came through (web, API, admin, LINE, console).

`clean_text` is what the services call on each text field before anything is stored:

- NFC: the same name typed on two keyboards is the same string, so exact and prefix search find it.
- Control characters (C0 and C1, DEL) are refused with the code `control_character`, except newline and tab in
  multi-line fields. NUL in particular: PostgreSQL cannot store it, and no keyboard types it. Line endings are
  made "\n" first (a browser's textarea sends "\r\n").
- Lone surrogates (JSON can carry "\\ud800") are refused with `invalid_character`: no database stores them.
- Invisible format characters (Unicode category Cf: bidi embeddings, overrides and isolates U+202A-202E and
  U+2066-2069, zero-width U+200B-200D, U+2060, U+FEFF, marks like U+200E, tag characters) are removed, not
  refused. Removed, because they arrive innocently: Android wraps pasted phone numbers in U+202A/U+202C, Thai web
  text carries U+200B as a line-break hint, and the person typing cannot see them to take them out. Removed
  everywhere, because kept they hide things from the reader (U+202E shows "gpj.exe" as "exe.jpg") and stop a
  name from being found by the search key built from it.
- Then the ends are trimmed; a text empty after all that counts as not given ("required" where it is needed),
  and the length is checked on what is stored, in characters.

No Django here: triage and the matching code use `strip_invisible` too.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from raksa.core.errors import CONTROL_CHARACTER, INVALID_CHARACTER, REQUIRED, TOO_LONG, ErrorCode

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029]")
_ALLOWED_IN_MULTILINE = frozenset("\n\t")
# How much of a refused value an error may show: enough to recognise it, never a whole megabyte back.
SHOWN_MAX = 40


def strip_invisible(text: str) -> str:
    """`text` without its invisible format characters (Unicode category Cf), NFC-normalised."""
    normalized = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in normalized if unicodedata.category(ch) != "Cf")


def shown(value: Any) -> str:
    """A value as an error message may quote it: printable, and at most SHOWN_MAX characters."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(ch if ch.isprintable() else "\ufffd" for ch in text)
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _code_point(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def text_problem(text: str, *, multiline: bool) -> tuple[ErrorCode, str] | None:
    """The first character `clean_text` refuses in `text` (line endings already made "\\n"), as its error code
    and its code point ("U+0000"); None when there is none."""
    for ch in text:
        point = ord(ch)
        if 0xD800 <= point <= 0xDFFF:
            return INVALID_CHARACTER, _code_point(ch)
        if unicodedata.category(ch) == "Cc" and not (multiline and ch in _ALLOWED_IN_MULTILINE):
            return CONTROL_CHARACTER, _code_point(ch)
    return None


def clean_text(
    value: Any,
    *,
    field: str,
    max_length: int,
    multiline: bool = False,
    required: bool = False,
    what_th: str = "ข้อความ",
    what_en: str = "text",
) -> str:
    """The text as it may be stored, or InvalidInput naming `field` (see the module's rule).

    `what_th` / `what_en` name the field in the messages ("กรุณาระบุสรุปเรื่อง", "Summary is required").
    The refused value is never quoted back: only the offending character's code point.
    """
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    else:
        text = str(value)
    text = _NEWLINES.sub("\n", text)
    problem = text_problem(text, multiline=multiline)
    if problem is not None:
        code, point = problem
        raise code.error(field=field, what_th=what_th, what_en=_sentence(what_en), point=point)
    text = strip_invisible(text).strip()
    if not text:
        if required:
            raise REQUIRED.error(field=field, what_th=what_th, what_en=_sentence(what_en))
        return ""
    if len(text) > max_length:
        raise TOO_LONG.error(field=field, what_th=what_th, what_en=_sentence(what_en), limit=max_length)
    return text


__all__ = ["SHOWN_MAX", "clean_text", "shown", "strip_invisible", "text_problem"]
