"""Phones, national IDs, ages, names and places in a report, in order of appearance and without duplicates.

Runs on `normalize.clean(text)` (Thai digits, zero-width characters, NFC), never on the classifier's
`normalize`, so what people wrote (names, addresses, จ./อ./ต.) is read as written.

Numbers are read as runs of digit groups joined by at most a few separators (space, dash, dot, brackets): at
each group the shortest run that is a Thai phone (raksa.core.identifiers.normalize_phone) or has 13 digits (a
national ID) is taken, so "081 234 5678 089 765 4321" gives two phones and "1-2345-67890-12-1" one ID.
Hotlines (1300, 191), postal codes, dates and amounts are never phones: they fail the phone rules on length or
prefix. Phones and IDs are blanked out before places are looked for, so no part of them reads as a postal code.
"""

from __future__ import annotations

import re
from typing import TypeVar

from raksa.core.identifiers import is_valid_national_id, normalize_phone
from raksa.triage.normalize import clean
from raksa.triage.places import find_places
from raksa.triage.types import Entities

__all__ = ["extract_entities"]

_T = TypeVar("_T")

_GROUP = re.compile(r"\d+")
# What may sit between two digit groups of one number: "081-234-5678", "(02) 123 4567", "+66 (0) 81 ...".
_JOINER = re.compile(r"[ \t\-.–()]{1,3}")
_MAX_GROUPS = 13  # a number read out digit by digit: "0 8 1 2 3 4 5 6 7 8"

# Ages. The number must be followed by its unit or introduced by the word for age; "45 ปี" alone is a duration
# ("married 10 years") unless a person word comes just before it.
_AGE_PATTERNS = (
    re.compile(
        r"(?:อายุ|วัย|age[ds]?\b:?)\s*(?:ประมาณ|ราว\s*ๆ?|ราวๆ|กว่า|เกือบ|น่าจะ|ก็|ได้|about|around|of)?\s*"
        r"(\d{1,3})(?!\d)(?!\s*(?:เดือน|วัน|สัปดาห์|months?|weeks?|days?))",
        re.I,
    ),
    re.compile(r"(?<!\d)(\d{1,3})\s*ขวบ"),
    re.compile(
        r"(?:เด็ก|ลูก|แม่|พ่อ|ยาย|ย่า|ตา|ปู่|ชาย|หญิง|ผู้หญิง|ผู้ชาย|คนแก่|ผู้สูงอายุ|ผู้ป่วย|น้อง|หลาน|ป้า|ลุง|น้า|พี่|"
        r"สาว|หนุ่ม|ผม|หนู|ฉัน|ดิฉัน|เขา|เธอ|เพื่อน|สามี|ภรรยา|ผัว|เมีย|แฟน|วัยรุ่น|คนพิการ|ชื่อ\S*)"
        r"\s*(?:ประมาณ|ราว|อายุ)?\s*(\d{1,3})\s*ปี(?!\s*(?:ที่แล้ว|ก่อน|แล้ว|กว่าแล้ว|มาแล้ว))"
    ),
    re.compile(r"(?<!\d)(\d{1,3})\s*(?:-|\s)?\s*(?:years?|yrs?)(?:\s*|-)old\b", re.I),
    re.compile(r"(?<!\d)(\d{1,3})\s*(?:yo|y/o|y\.o\.)(?![a-z])", re.I),
)
_MAX_AGE = 120

# Names where the text states them.
_THAI_TITLE = r"(?:นางสาว|น\.ส\.|นาง|นาย|เด็กชาย|เด็กหญิง|ด\.ช\.|ด\.ญ\.|คุณ)"
_THAI_NAME = r"[\u0e01-\u0e4e]{2,}"
_THAI_NAMES = (
    re.compile(
        r"ชื่อ(?:จริง|เล่น)?\s*(?:คือ|ว่า)?\s*:?\s*"
        + _THAI_TITLE
        + r"?\s*("
        + _THAI_NAME
        + r")(?:\s+("
        + _THAI_NAME
        + "))?"
    ),
    # Formal abbreviated titles are names on their own: "น.ส.สมศรี ใจดี", "ด.ญ.มาลี".
    re.compile(r"(?:นางสาว|น\.ส\.|ด\.ช\.|ด\.ญ\.)\s*(" + _THAI_NAME + r")(?:\s+(" + _THAI_NAME + "))?"),
)
# Case-sensitive even inside re.I patterns: capitals are the only sign of where an English name ends.
_ENGLISH_NAME = r"(?-i:([A-Z][a-z]+(?:[ \-][A-Z][a-z]+){0,2}))"
_ENGLISH_NAMES = (
    re.compile(
        r"(?:my|his|her|their|the)\s+name\s+is\s+(?:Mr\.?|Mrs\.?|Ms\.?|Miss)?\s*" + _ENGLISH_NAME, re.I
    ),
    re.compile(r"\bname\s*:\s*(?:Mr\.?|Mrs\.?|Ms\.?|Miss)?\s*" + _ENGLISH_NAME, re.I),
    re.compile(r"\b(?:Mr|Mrs|Ms)\.?\s+" + _ENGLISH_NAME),
)
# Where a Thai name stops when it is written without a space before the next word.
_NAME_STOP = re.compile(
    r"อายุ|โทร|เบอร์|อยู่|บ้าน|ค่ะ|คะ|ครับ|นะ|จ้า|เป็น|ได้|ถูก|โดน|ตอนนี้|แจ้ง|ขอ|ช่วย|หาย|ที่|และ|กับ|ซึ่ง|"
    r"เลข|บัตร|จ\.|อ\.|ต\.|แขวง|เขต|จังหวัด|อำเภอ|ตำบล"
)
# Words that follow ชื่อ but are not a name: "ไม่ทราบชื่อ", "ชื่ออะไร", "ชื่อเสียง".
_NOT_NAMES = ("อะไร", "ไม่", "เสียง", "บัญชี", "ผู้ใช้", "ว่า", "คือ", "เล่น", "จริง", "นี้", "เดียวกัน", "ชื่อ")
_NOT_ENGLISH_NAMES = frozenset({"I", "Is", "The", "Not", "Unknown", "Please", "Help", "My", "Her", "His"})


def _numbers(text: str) -> tuple[list[str], list[str], list[str], list[tuple[int, int]]]:
    """Phones, valid IDs, invalid 13-digit IDs, and the spans they occupy."""
    phones: list[str] = []
    valid: list[str] = []
    invalid: list[str] = []
    spans: list[tuple[int, int]] = []
    groups = list(_GROUP.finditer(text))
    i = 0
    while i < len(groups):
        first = groups[i]
        # Take a "+" or "(" written just before the first group as part of the number.
        start = first.start()
        while start > 0 and text[start - 1] in "+(":
            start -= 1
        digits = ""
        taken = 0
        for j in range(i, min(i + _MAX_GROUPS, len(groups))):
            if j > i and not _JOINER.fullmatch(text, groups[j - 1].end(), groups[j].start()):
                break
            digits += groups[j].group()
            if len(digits) > 13:
                break
            span_text = text[start : groups[j].end()]
            phone = None if len(digits) == 13 and digits[0] != "0" else normalize_phone(span_text)
            if phone is not None:
                phones.append(phone)
            elif len(digits) == 13 and not text.startswith("+", start):
                (valid if is_valid_national_id(digits) else invalid).append(digits)
            else:
                continue
            spans.append((start, groups[j].end()))
            taken = j - i + 1
            break
        i += taken or 1
    return phones, valid, invalid, spans


def _ages(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for pattern in _AGE_PATTERNS:
        for m in pattern.finditer(text):
            age = int(m.group(1))
            if 0 < age <= _MAX_AGE:
                found.append((m.start(1), age))
    return found


def _thai_name_part(word: str | None) -> str:
    if not word:
        return ""
    stop = _NAME_STOP.search(word)
    if stop is not None:
        word = word[: stop.start()]
    return word if len(word) >= 2 and not word.startswith(_NOT_NAMES) else ""


def _names(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for pattern in _THAI_NAMES:
        for m in pattern.finditer(text):
            first = _thai_name_part(m.group(1))
            if not first:
                continue
            # A surname only when the first name ran to its space: "ชื่อสมศรีอายุ 45" has none.
            last = _thai_name_part(m.group(2)) if first == m.group(1) else ""
            found.append((m.start(1), f"{first} {last}".strip()))
    for pattern in _ENGLISH_NAMES:
        for m in pattern.finditer(text):
            words = [w for w in re.split(r"\s+", m.group(1)) if w]
            while words and words[-1] in _NOT_ENGLISH_NAMES:
                words.pop()
            if words and words[0] not in _NOT_ENGLISH_NAMES:
                found.append((m.start(1), " ".join(words)))
    return found


def _ordered(found: list[tuple[int, _T]]) -> tuple[_T, ...]:
    seen: dict[_T, None] = {}
    for _, value in sorted(found, key=lambda pair: pair[0]):
        seen.setdefault(value, None)
    return tuple(seen)


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def extract_entities(text: str) -> Entities:
    """Everything triage can read off a report: see the module docstring for the rules."""
    text = clean(text)
    if not text:
        return Entities()
    phones, valid, invalid, spans = _numbers(text)
    # Blank out phones and IDs (same length, so positions still line up) before ages and places.
    masked = text
    for start, end in spans:
        masked = masked[:start] + " " * (end - start) + masked[end:]
    places = find_places(masked)
    return Entities(
        phones=_unique(phones),
        national_ids=_unique(valid),
        invalid_national_ids=_unique(invalid),
        ages=_ordered(_ages(masked)),
        names=_ordered(_names(masked)),
        province_codes=places.province_codes,
        district_codes=places.district_codes,
        subdistrict_codes=places.subdistrict_codes,
        postal_codes=places.postal_codes,
    )
