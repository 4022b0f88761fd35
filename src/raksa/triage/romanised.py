"""Romanised Thai ("chuay duay", "phua mao tee mae"): read the Latin spellings as the Thai words the lexicon knows.

People without a Thai keyboard, or in a hurry, write Thai in Latin letters, each in their own spelling. None
of the lexicon's cues fire on that and the n-grams have never seen it, so the words a call-taker listens for
are looked up in a small hand-made table (data/romanised.txt: the Thai, then several spellings of it) and
replaced by their Thai, which the cues and the model then read as usual.

Spellings that are also English words or too short to trust ("mid", "tee", "ban", "kha") are read only in a
message that also holds an unambiguous romanised word, so English reports ("a tee shirt", "the ban") pass
through as written. Neighbouring words that are read join into one Thai run, written without spaces as Thai
is ("ผัวเมาตีแม่"), so a cue of two words matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from raksa.triage.wordlists import WordListError, data_file

__all__ = ["Spelling", "parse_spellings", "read_romanised", "spellings"]

_LATIN = re.compile("[a-z]")
KEEP = "-"


@dataclass(frozen=True)
class Spelling:
    latin: str
    thai: str
    ambiguous: bool  # also English, or too short: read only beside an unambiguous spelling

    @property
    def kept(self) -> bool:
        """A place name holding a spelling of a word ("khon kaen"): matched so that it stays as written."""
        return self.thai == KEEP


@cache
def spellings() -> dict[str, Spelling]:
    """Every spelling in data/romanised.txt."""
    source = data_file("romanised.txt")
    return parse_spellings(source.read_text(encoding="utf-8"), str(source))


def parse_spellings(content: str, source: str) -> dict[str, Spelling]:
    """The spellings of one file's text; a malformed line or a spelling given twice is an error naming it."""
    found: dict[str, Spelling] = {}
    for number, raw in enumerate(content.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        thai, sep, latin = line.partition("=")
        if not sep or not thai.strip() or not latin.strip():
            raise WordListError(f"{source}: line {number}: expected 'ไทย = spelling, spelling'")
        for item in latin.split(","):
            spelling = " ".join(item.strip().split())
            ambiguous = spelling.endswith("*")
            spelling = spelling.rstrip("*").strip()
            if not spelling or spelling != spelling.lower() or _LATIN.search(spelling) is None:
                raise WordListError(f"{source}: line {number}: bad spelling {item.strip()!r}")
            if spelling in found:
                raise WordListError(f"{source}: line {number}: spelling {spelling!r} is listed twice")
            found[spelling] = Spelling(spelling, thai.strip(), ambiguous)
    return found


@cache
def _matcher() -> re.Pattern[str]:
    ordered = sorted(spellings(), key=lambda s: (-len(s), s))
    alternation = "|".join(re.escape(s).replace("\\ ", " +") for s in ordered)
    return re.compile(f"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])")


def read_romanised(text: str) -> str:
    """`text` (normalised: lower case) with its romanised Thai words replaced by their Thai.

    Text with no unambiguous romanised word comes back exactly as it was.
    """
    if not text or not _LATIN.search(text):
        return text
    table = spellings()
    hits = [(m, table[" ".join(m.group(0).split())]) for m in _matcher().finditer(text)]
    if not any(not (spelling.ambiguous or spelling.kept) for _, spelling in hits):
        return text
    out: list[str] = []
    position = 0
    for match, spelling in hits:
        if spelling.kept:
            continue
        between = text[position : match.start()]
        # Two read words with only spaces between them are one Thai run: "tee mae" -> ตีแม่.
        if out and position and not between.strip() and _ends_in_thai(out[-1]):
            between = ""
        out.append(between)
        out.append(spelling.thai)
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def _ends_in_thai(chunk: str) -> bool:
    return bool(chunk) and "\u0e00" <= chunk[-1] <= "\u0e7f"
