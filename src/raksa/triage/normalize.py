"""Thai text normalisation and tokenising for triage.

Two levels, on purpose:

- `clean(text)` is the entity-safe level: Unicode NFC, Thai digits to Arabic, zero-width characters removed,
  whitespace folded. Nothing else changes, so phone numbers, national IDs, names, postal codes and address
  abbreviations (จ. อ. ต. เขต แขวง) reach entity extraction exactly as written. `extract_entities` and
  `find_places` run on this.
- `normalize(text)` is the classifier level: `clean` plus collapsed character runs (ช่วยยยย -> ช่วย,
  helppp -> help), common colloquial and misspelt forms mapped to standard ones, broken vowel spellings repaired
  and English lower-cased. Digits are never collapsed and จ./อ./ต. are kept, so the output is still readable by
  entity extraction, but entities do not depend on that.

`tokenize` uses PyThaiNLP's newmm engine with the dictionary shipped in the package: nothing is downloaded.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from raksa.core.identifiers import thai_digits_to_arabic

if TYPE_CHECKING:
    from pythainlp.tokenize import Tokenizer

__all__ = ["clean", "normalize", "tokenize"]

# U+200B..U+200D zero-width space / non-joiner / joiner, U+2060 word joiner, U+FEFF BOM (pasted from LINE).
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
# Three or more of the same non-digit character is elongation (ช่วยยยย, helppp, !!!!, นะคะะะ, ่่่): keep one.
# Digits are left alone: 0800000000 is a phone number, 1000 an amount.
_RUNS = re.compile(r"(\D)\1{2,}")
# Repeated tone marks or vowel signs, even two in a row, are never correct Thai spelling.
_REPEATED_MARKS = re.compile("([\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])\\1+")
# Spelling repairs that are always safe: two sara e typed for sara ae; nikhahit + sara aa typed for sara am.
_SPELLING = (("เเ", "แ"), ("\u0e4d\u0e32", "ำ"), ("\u0e4d\u0e48\u0e32", "่ำ"))
# Northern forms read as central Thai, before runs are collapsed ("หื้อออก" holds three อ) and before the
# negation บ่ is read: หื้อ is ให้, ต๋าย is ตาย, ป้อ is พ่อ (not ป้อม, ป้อน, ป้อง).
_DIALECT = tuple((re.compile(p), r) for p, r in (("หื้อ", "ให้"), ("ต๋าย", "ตาย"), ("ป้อ(?![งนมย])", "พ่อ")))

# Boundary for short Thai forms: not followed by a Thai letter or sign that would continue the word.
_THAI_CONTINUES = "(?![\u0e01-\u0e4e])"

# (pattern, replacement). Ordered: longer, more specific forms first. Patterns are plain regex fragments.
_COLLOQUIAL: tuple[tuple[str, str], ...] = (
    # Calls for help, misspelt or elongated (elongation of ย is already collapsed to a single ย by then).
    ("ช่วยด้วยย+", "ช่วยด้วย"),
    ("ช[่]?วยด[้]?วย", "ช่วยด้วย"),
    ("ชวย(?=ที|หน่อย|ด้วย|เค้า|เขา|หนู|ผม|ฉัน|กู|ลูก|แม่)", "ช่วย"),
    # Question particles (มั้ย, มั๊ย, ไม๊, ป่าว) and the Isan negation บ่ before common verbs.
    ("ม[ั]?[้๊]ย|ไม๊", "ไหม"),
    ("(?<=[\u0e01-\u0e4e])มะ(?=\\s*[?？]|\\s*$)", "ไหม"),
    ("ป่ะ(?=\\s|$)|ป่าว(?=\\s|$)", "หรือเปล่า"),
    ("บ่(?=\\s|$|ได้|มี|เป็น|ไป|มา|รู้|ฮู้|ไหว|ให้|กล้า|อยาก|เคย|ต้อง|เห็น)", "ไม่"),
    # Particles and fillers carrying no meaning for triage.
    ("เด้อ", "นะ"),
    ("จ้า" + _THAI_CONTINUES, "ค่ะ"),
    ("คร้าบ|ครัช|คับ(?=\\s|$)|ฮะ(?=\\s|$)", "ครับ"),
    ("แบบว่า\\s*", ""),
    # Common spellings of people and places.
    ("ผู้ชรา", "ผู้สูงอายุ"),
    ("โรงบาล|โรง'บาล|รพ\\.สต\\.", "โรงพยาบาล"),
    ("รพ\\.", "โรงพยาบาล"),
    # ตร. is the police, but ตร.ม./ตร.ว./ตร.กม. are square measures.
    ("ตร\\.(?!\\s*(?:ม|ว|กม|ซม)\\.)", "ตำรวจ"),
    ("โปลิส", "ตำรวจ"),
    ("\\b(?:pls+|plz+|plx)\\b", "please"),
    ("\\bhlp\\b", "help"),
)
_COLLOQUIAL_RE = tuple((re.compile(pattern), repl) for pattern, repl in _COLLOQUIAL)


def clean(text: str) -> str:
    """Entity-safe normalisation: NFC, Thai digits to Arabic, zero-width removed, whitespace folded."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", thai_digits_to_arabic(text))
    return _SPACES.sub(" ", text).strip()


def normalize(text: str) -> str:
    """Classifier-level normalisation (see the module docstring). Idempotent."""
    text = clean(text)
    if not text:
        return ""
    for wrong, right in _SPELLING:
        text = text.replace(wrong, right)
    text = _REPEATED_MARKS.sub(r"\1", text)
    for pattern, repl in _DIALECT:
        text = pattern.sub(repl, text)
    text = _RUNS.sub(r"\1", text).lower()
    for pattern, repl in _COLLOQUIAL_RE:
        text = pattern.sub(repl, text)
    return _SPACES.sub(" ", text).strip()


@cache
def _tokenizer() -> Tokenizer:
    # Imported lazily: PyThaiNLP's import and dictionary load take ~0.5 s, and many callers never tokenise.
    from pythainlp.tokenize import Tokenizer  # noqa: F811

    return Tokenizer(engine="newmm", keep_whitespace=False)


def tokenize(text: str) -> list[str]:
    """Words of `normalize(text)` by PyThaiNLP newmm with its bundled dictionary (offline), spaces dropped."""
    text = normalize(text)
    if not text:
        return []
    return [token for token in _tokenizer().word_tokenize(text) if token.strip()]
