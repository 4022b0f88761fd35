"""Thai typed with the keyboard left in English layout: detect it and read the Thai that was meant.

Someone in a hurry on a shared computer types "ช่วยด้วย" and sends "=j;yfh;y": every Thai key arrives as the Latin
key in its place (the Kedmanee layout). PyThaiNLP's `eng_to_thai` maps the keys back; the work here is deciding
when to do it, because English, romanised Thai ("chuay duay"), URLs, e-mail addresses and phone numbers must
reach the classifier as written.

A run of Latin-only words is read as mis-layouted Thai when its conversion is well-formed Thai (no tone mark or
vowel sign where Thai spelling cannot put one: nearly every English word converts to such a string, because
English vowels sit on Thai vowel and tone keys) and is made mostly of words in PyThaiNLP's bundled dictionary.
Words with digits only, URLs and addresses are never converted. Everything is offline: the dictionary and the
key map ship inside PyThaiNLP.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

__all__ = ["read_layout"]

# A word typed on Latin keys: printable ASCII, no space. Digits-only words (phones, amounts, house numbers) are
# left out below, because a number typed in English layout is a number.
_LATIN_WORD = re.compile(r"[!-~]+")
_NUMBERISH = re.compile(r"[0-9+()\-./,:]+")
_ADDRESS = re.compile(
    r"://|^www\.|@.*\.|\.(?:com|net|org|th|co|io|me|ly|gov|go|ac|info)(?:/|$)", re.IGNORECASE
)
_HAS_KEY_LETTER = re.compile(r"[A-Za-z;',.\[\]\\=/<>:\"{}|?]")

_CONSONANT = "\u0e01-\u0e2e"
_LEADING_VOWEL = "\u0e40-\u0e44"  # เ แ โ ใ ไ: written before the consonant they follow in speech
_ABOVE_BELOW = "\u0e31\u0e34-\u0e3a\u0e47"  # ั ิ ี ึ ื ุ ู ฺ ็
_TONE = "\u0e48-\u0e4b"  # ่ ้ ๊ ๋
_KARAN = "\u0e4c\u0e4d\u0e4e"  # ์ ํ ๎
_FOLLOWING = "\u0e30\u0e32\u0e33\u0e45"  # ะ า ำ ๅ
# Thai spelling, loosely: where a mark or vowel sign may stand. Loose on purpose (real typing has slips), strict
# enough that converted English fails: "hello" -> "้ำสสน" starts with a tone mark.
_WELL_FORMED = re.compile(
    f"\\(?(?:[{_LEADING_VOWEL}]?[{_CONSONANT}][{_ABOVE_BELOW}]?[{_TONE}{_KARAN}]?[{_FOLLOWING}]?\\.?|[ๆฯ])+\\)?"
)
# Stretched letters (ช่วยยยย) are not in the dictionary; the coverage is read with them folded.
_STRETCHED = re.compile(r"(\D)\1{2,}")
# At least this share of a word's letters must fall in dictionary words of two letters or more.
MIN_COVERAGE = 0.75
MIN_LETTERS = 3
# The longest word looked up when measuring coverage (longer dictionary entries are compounds of shorter ones).
_LONGEST = 20
# A word shaped like English (letters, perhaps an apostrophe and a closing mark: "ago,", "don't") is converted
# only beside a word that is surely on the wrong layout: "leave" -> "สำฟอำ" and "ok" -> "นา" are well-formed, and
# นา (rice field) is even a word. Thai on Latin keys nearly always holds a digit or a mark inside a word
# (ว ; ง ' ม , ใ . บ [ ล ] ค 8 ต 9 จ 0), or starts with one, which English never does.
_ENGLISH_SHAPED = re.compile(r"(?:[A-Z]?[a-z]+|[A-Z]+)(?:['-](?:[a-z]+|[A-Z]+))*[.,!?:;]*")
# Closing marks typed on purpose ("=j;yfh;y!!") stay as they are.
_CLOSING = re.compile(r"[!?]+$")
_DIGITS = re.compile("[0-9]+")
_DIGIT_RUN = re.compile("[0-9]{2,}")


@cache
def _words() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


def _coverage(thai: str) -> float:
    """The share of letters that dictionary words of two letters or more can cover, at best.

    A small dynamic programme over a word list rather than PyThaiNLP's tokenizer: its load costs over a second,
    which `raksa triage` would pay on its first mis-layouted report, and a word list is all this needs.
    """
    thai = _STRETCHED.sub(r"\1", thai.replace(".", " ").replace("(", "").replace(")", ""))
    letters = len(thai.replace(" ", ""))
    if not letters:
        return 0.0
    words = _words()
    known = 0
    for chunk in thai.split():
        # best[i]: the most letters of chunk[i:] that words can cover.
        best = [0] * (len(chunk) + 1)
        for i in range(len(chunk) - 1, -1, -1):
            best[i] = best[i + 1]
            for length in range(2, min(_LONGEST, len(chunk) - i) + 1):
                if chunk[i : i + length] in words:
                    best[i] = max(best[i], length + best[i + length])
        known += best[0]
    return known / letters


def _candidate(word: str) -> bool:
    return bool(
        _LATIN_WORD.fullmatch(word)
        and not _NUMBERISH.fullmatch(word)
        and not _ADDRESS.search(word)
        and _HAS_KEY_LETTER.search(word)
    )


def _convert(word: str, min_coverage: float = MIN_COVERAGE) -> str | None:
    """The Thai a Latin-key word stands for, when that is well-formed Thai made mostly of dictionary words."""
    from pythainlp.util import eng_to_thai

    closing = _CLOSING.search(word)
    keys = word[: closing.start()] if closing else word
    if not keys:
        return None
    for thai in _readings(keys, eng_to_thai):
        pieces = [p for p in _DIGITS.split(thai) if p]
        if (
            pieces
            and all(_WELL_FORMED.fullmatch(p) for p in pieces)
            and _coverage(" ".join(pieces)) >= min_coverage
        ):
            return thai + (closing.group(0) if closing else "")
    return None


def _readings(keys: str, eng_to_thai: Callable[[str], str]) -> list[str]:
    """The Thai a run of keys may stand for, most likely first. The digit keys are Thai letters too (6 is ุ, 8 is
    ค), and a word of Thai letters is read as such ("บุคคล" is "[688]"). A plain reading that keeps a digit (the 1
    key has no letter) was typed with a number inside a word ("อายุ10ขวบ" sent as "vkp610-;["): then a run of two
    digits or more is read as a number, its first key perhaps the last letter before it (the ุ of อายุ)."""
    plain = eng_to_thai(keys)
    if not _DIGIT_RUN.search(keys):
        return [plain]

    def reading(first_is_letter: bool) -> str:
        out: list[str] = []
        position = 0
        for m in _DIGIT_RUN.finditer(keys):
            run = m.group(0)
            letters, number = (run[0], run[1:]) if first_is_letter else ("", run)
            out.append(eng_to_thai(keys[position : m.start()] + letters))
            out.append(number)
            position = m.end()
        out.append(eng_to_thai(keys[position:]))
        return "".join(out)

    numbers = [reading(True), reading(False)]
    # Every digit key but 1 is a Thai letter: a plain reading that still holds a digit was typed as a number.
    return [*numbers, plain] if _DIGITS.search(plain) else [plain, *numbers]


def read_layout(text: str) -> str:
    """`text` with every word that is Thai typed in English layout replaced by that Thai.

    Nothing else changes, so a message with no such word comes back exactly as it was.
    """
    if not text or not _HAS_KEY_LETTER.search(text):
        return text
    parts = re.split(r"(\s+)", text)
    words = parts[0::2]
    candidates = [_candidate(w) for w in words]
    english = sum(1 for w in words if _ENGLISH_SHAPED.fullmatch(w))
    possible = sum(
        1 for w, c in zip(words, candidates, strict=True) if c and not _ENGLISH_SHAPED.fullmatch(w)
    )
    # In an English message a typo with a comma in it ("a lo,t") or a brand ("TikTok") can read as Thai ("สนมะ",
    # split into rare short words): where English words outnumber the sure ones, nothing is converted. Counted
    # first on what could be sure, so that English is passed through without converting a word.
    if not possible or english > possible:
        return text
    converted: list[str | None] = [_convert(w) if c else None for w, c in zip(words, candidates, strict=True)]
    sure = [c is not None and not _ENGLISH_SHAPED.fullmatch(w) for w, c in zip(words, converted, strict=True)]
    if english > sum(sure):
        return text
    keep = list(sure)
    # An English-shaped word is read as Thai only next to one that surely is ("wxwso =j;yfh;y": ไปไหน ช่วยด้วย).
    changed = True
    while changed:
        changed = False
        for i, c in enumerate(converted):
            if (
                c is not None
                and not keep[i]
                and ((i > 0 and keep[i - 1]) or (i + 1 < len(keep) and keep[i + 1]))
            ):
                keep[i] = changed = True
    letters = sum(len(c) for c, k in zip(converted, keep, strict=True) if c is not None and k)
    if letters < MIN_LETTERS:
        return text
    parts[0::2] = [c if k and c is not None else w for w, c, k in zip(words, converted, keep, strict=True)]
    return "".join(parts)
