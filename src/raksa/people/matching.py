"""Pure name matching for the master person index: titles, search keys, Thai soundex, similarity.

No Django and no database here: the services store the keys these functions compute, and rank the few hundred
candidates an indexed query returns.
"""

from __future__ import annotations

import re
import unicodedata

from pythainlp.soundex import soundex as thai_soundex
from pythainlp.util import normalize as thai_normalize
from rapidfuzz import fuzz

from raksa.core.identifiers import thai_digits_to_arabic
from raksa.core.text import strip_invisible

# Longest first, so that "นางสาว" wins over "นาง" and "พล.ต.อ." over "พ.ต.อ.".
THAI_TITLES: tuple[str, ...] = tuple(
    sorted(
        {
            "นาย",
            "นาง",
            "นางสาว",
            "น.ส.",
            "นส.",
            "ด.ช.",
            "ด.ญ.",
            "ดช.",
            "ดญ.",
            "เด็กชาย",
            "เด็กหญิง",
            "คุณ",
            "ดร.",
            "นพ.",
            "พญ.",
            "ผศ.",
            "รศ.",
            "ศ.",
            "พระ",
            "พระภิกษุ",
            "สามเณร",
            "แม่ชี",
            "ว่าที่ร้อยตรี",
            "ว่าที่ ร.ต.",
            "พล.ต.อ.",
            "พล.ต.ท.",
            "พล.ต.ต.",
            "พ.ต.อ.",
            "พ.ต.ท.",
            "พ.ต.ต.",
            "ร.ต.อ.",
            "ร.ต.ท.",
            "ร.ต.ต.",
            "ด.ต.",
            "จ.ส.ต.",
            "ส.ต.อ.",
            "ส.ต.ท.",
            "ส.ต.ต.",
            "พล.อ.",
            "พ.อ.",
            "พ.ท.",
            "พ.ต.",
            "ร.อ.",
            "ร.ท.",
            "ร.ต.",
            "จ.ส.อ.",
            "ส.อ.",
            "ส.ท.",
            "ส.ต.",
            "พลฯ",
        },
        key=len,
        reverse=True,
    )
)
ENGLISH_TITLES: tuple[str, ...] = ("mrs", "miss", "mr", "ms", "dr", "master", "mx")

# Titles that are also the start of ordinary names (คุณากร, พระพาย): strip them only when a space follows.
_NEEDS_SEPARATOR = {"คุณ", "พระ", "นาง", "นาย"}
# A Thai name starts with a consonant or a leading vowel; anything else means the "title" was part of the name.
_THAI_NAME_START = re.compile(r"[ก-ฮเแโใไ]")
_ENGLISH_TITLE = re.compile(r"^(" + "|".join(ENGLISH_TITLES) + r")\b\.?\s*", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_THAI_CHAR = re.compile(r"[\u0e00-\u0e7f]")
_NOT_LETTER = re.compile(r"[^a-z]")

# Short reasons a candidate was proposed, for the person confirming the match.
REASON_LABELS: dict[str, tuple[str, str]] = {
    "name": ("ชื่อคล้ายกัน", "similar name"),
    "soundex": ("ชื่อออกเสียงคล้ายกัน", "sounds alike"),
    "last_name": ("นามสกุลเดียวกัน", "same last name"),
    "birth_year": ("ปีเกิดใกล้เคียง", "birth year close"),
    "province": ("จังหวัดเดียวกัน", "same province"),
}


def _clean(text: str) -> str:
    # Invisible characters go too: a query with a stray U+200B must still find the name stored without it.
    text = strip_invisible(unicodedata.normalize("NFC", thai_digits_to_arabic(text or "")))
    return _SPACES.sub(" ", text).strip()


def _strip_thai_title(text: str) -> tuple[str, str] | None:
    for title in THAI_TITLES:
        if not text.startswith(title):
            continue
        rest = text[len(title) :]
        separated = rest[:1].isspace()
        rest = rest.lstrip()
        if not rest:
            return None
        if title in _NEEDS_SEPARATOR and not separated:
            # "นางสาว" is in the list on its own, so "นาง" + "สาว" never reaches here.
            if title in {"นาง", "นาย"} and _THAI_NAME_START.match(rest) and len(rest) >= 2:
                return title, rest
            continue
        if not separated and not title.endswith(".") and not _THAI_NAME_START.match(rest):
            continue
        return title, rest
    return None


def strip_title(text: str) -> tuple[str, str]:
    """Split a leading courtesy, rank or age title from a name: "นางสาวสมศรี ใจดี" -> ("นางสาว", "สมศรี ใจดี").

    Returns ("", cleaned text) when there is no title. Two stacked titles ("ดร. นาย ...") are both removed.
    """
    text = _clean(text)
    titles: list[str] = []
    for _ in range(2):
        thai = _strip_thai_title(text)
        if thai:
            titles.append(thai[0])
            text = thai[1]
            continue
        english = _ENGLISH_TITLE.match(text)
        if english and text[english.end() :].strip():
            titles.append(english.group(0).strip())
            text = text[english.end() :].strip()
            continue
        break
    return " ".join(titles), text


def name_key(text: str) -> str:
    """The search key of a name: no title, NFC, Thai tone marks in order, lower-case, single spaces, 0-9."""
    _, rest = strip_title(text)
    if _THAI_CHAR.search(rest):
        rest = " ".join(thai_normalize(part) for part in rest.split(" "))
    return rest.lower()


def english_soundex(word: str) -> str:
    """Classic American Soundex ("Robert" -> "R163"); enough to catch Jon/John, Smyth/Smith."""
    word = _NOT_LETTER.sub("", word.lower())
    if not word:
        return ""
    codes = {
        **dict.fromkeys("bfpv", "1"),
        **dict.fromkeys("cgjkqsxz", "2"),
        **dict.fromkeys("dt", "3"),
        "l": "4",
        **dict.fromkeys("mn", "5"),
        "r": "6",
    }
    out = word[0].upper()
    last = codes.get(word[0], "")
    for ch in word[1:]:
        code = codes.get(ch, "")
        if code and code != last:
            out += code
        if ch not in "hw":
            last = code
    return (out + "000")[:4]


def word_soundex(word: str) -> str:
    word = name_key(word).replace(" ", "")
    if not word:
        return ""
    if _THAI_CHAR.search(word):
        # lk82 is rule-based (no corpus download) and maps common misspellings (สมศรี / สมสี) together.
        return str(thai_soundex(word, engine="lk82"))
    return english_soundex(word)


def name_soundex(first: str, last: str) -> str:
    """Soundex of first and last name, space separated ("ซ6300 จ7300"); a prefix query finds first-name-only."""
    _, first = strip_title(first)
    parts = [word_soundex(first), word_soundex(last)]
    return " ".join(p for p in parts if p)[:40]


def full_name_key(first: str, last: str) -> str:
    _, first = strip_title(first)
    return name_key(f"{first} {last}")


def name_similarity(a: str, b: str) -> float:
    """How alike two names are, 0.0 to 1.0, on their keys; word order and titles do not matter."""
    return key_similarity(name_key(a), name_key(b))


def key_similarity(ka: str, kb: str) -> float:
    """name_similarity for keys already computed (the stored Person.name_key): cheap enough for hundreds of rows."""
    if not ka or not kb:
        return 0.0
    return max(fuzz.token_sort_ratio(ka, kb), fuzz.ratio(ka, kb)) / 100.0


_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_PASSPORT_NOISE = re.compile(r"[\s\-]")
_LINE_USER_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
STRICT_LINE_USER_ID = re.compile(r"^U[0-9a-f]{32}$")


def normalize_passport(raw: str) -> str | None:
    """Passport or travel-document number: upper-case letters and digits, 5 to 20 of them ("aa 123-4567")."""
    text = _PASSPORT_NOISE.sub("", strip_invisible(thai_digits_to_arabic(raw or ""))).upper()
    return text if _PASSPORT.match(text) else None


def normalize_line_user_id(raw: str) -> str | None:
    """LINE user ids are opaque ("U" + 32 hex on the real platform); accept any short token without spaces."""
    text = strip_invisible(raw or "").strip()
    return text if _LINE_USER_ID.match(text) else None
