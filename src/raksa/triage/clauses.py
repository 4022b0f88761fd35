"""Clauses, and the live-clause rule: one clause saying danger is happening now counts, however long the report.

A formal list of welfare requests, or a long story of the past, can hold one clause in the middle saying that
something is happening now ("ตอนนี้เขากำลังถือมีดอยู่หน้าบ้าน"). Read as a whole, the character n-grams of the
rest outweigh it and the model answers "none". So a long report is also read clause by clause: a clause that
holds a live emergency cue and says it is happening now is scored on its own, and if the model reads that
clause as an emergency, the report is one.

Thai has no full stops: a clause ends at a space, a newline or sentence punctuation, and before the words that
open a new one ("แต่", "ตอนนี้", "และ", "ล่าสุด"); English ones end at punctuation and before "but" or "now".
PyThaiNLP's sentence segmenter (crfcut) needs python-crfsuite, which is not installed, and its other engines
are whitespace splits or download a model, so the split is done here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from raksa.triage import lexicon
from raksa.triage.types import EMERGENCY_TYPES

__all__ = ["Clause", "LiveClause", "live_clause", "split_clauses"]

# Where a clause ends: sentence punctuation, a space (Thai writes one between clauses), and before the Thai
# words that open a clause even without a space before them.
_THAI_OPENERS = ("แต่", "ตอนนี้", "และ", "ล่าสุด", "ขณะนี้", "แล้วตอนนี้", "ซึ่งตอนนี้")
_BOUNDARY = re.compile(
    r"[.!?;\n]+\s*|\s+(?=(?:but|and now|now|right now|currently)\b)|(?<=[\u0e00-\u0e7f])\s+|\s+(?=[\u0e00-\u0e7f])"
    + "|(?<=[\u0e01-\u0e4e])(?=(?:"
    + "|".join(_THAI_OPENERS)
    + "))"
)
_CONNECTIVES = frozenset(("แต่", "และ", "แล้ว", "but", "and"))
# An English clause also ends at a comma; a Thai chunk is already a clause.
_COMMA = re.compile(r",\s*")

# A report needs at least this many clauses before it is read clause by clause: a short one is read whole.
MIN_CLAUSES = 4
# Words that say a clause is happening now ("กำลัง", "อยู่ตอนนี้", "right now"), beyond the lexicon's own.
_NOW = ("กำลัง", "ตอนนี้", "ขณะนี้", "อยู่หน้า", "อยู่ในห้อง", "ยังอยู่", "right now", " now", "currently", "is here")


@dataclass(frozen=True)
class Clause:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class LiveClause:
    """The clause that makes a report an emergency, its type and the model's scores for it alone."""

    clause: Clause
    emergency_type: str
    scores: dict[str, float]
    cues: tuple[str, ...]


def split_clauses(text: str) -> list[Clause]:
    """The clauses of a normalised report, in order, each with its place in the text."""
    clauses: list[Clause] = []
    position = 0
    for match in _BOUNDARY.finditer(text):
        _add(clauses, text, position, match.start())
        position = match.end()
    _add(clauses, text, position, len(text))
    # A connective left alone ("แต่" before "ตอนนี้", "but" before "now") opens the clause after it.
    merged: list[Clause] = []
    for clause in clauses:
        if merged and merged[-1].text in _CONNECTIVES:
            merged[-1] = Clause(text[merged[-1].start : clause.end], merged[-1].start, clause.end)
        else:
            merged.append(clause)
    return merged


def _add(clauses: list[Clause], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    if not re.search(r"[\u0e00-\u0e7f]", piece):
        # English: a comma ends a clause too ("he has a knife, he is at the door").
        offset = start
        for part in _COMMA.split(piece):
            stripped = part.strip()
            if stripped:
                at = text.find(stripped, offset)
                clauses.append(Clause(stripped, at, at + len(stripped)))
                offset = at + len(stripped)
        return
    stripped = piece.strip()
    if stripped:
        at = text.find(stripped, start)
        clauses.append(Clause(stripped, at, at + len(stripped)))


def _may_say_now(clause: str) -> bool:
    """A cheap look for a now-word before the clause is read in full."""
    padded = f" {clause}"
    return any(word in padded for word in (*_NOW, *lexicon.PRESENT_MARKERS, *lexicon.IMMINENT_MARKERS))


def _says_now(clause: str, reading: lexicon.Reading) -> bool:
    return reading.present or reading.imminent or any(word in f" {clause}" for word in _NOW)


Scorer = Callable[[str], tuple[dict[str, float], lexicon.Reading]]


def live_clause(
    normalized: str,
    score: Scorer,
    threshold: float,
    *,
    reading: lexicon.Reading | None = None,
    skip: Callable[[str], bool] | None = None,
) -> LiveClause | None:
    """The first clause of a long report that reads, on its own, as an emergency happening now; else None.

    `score` gives the model's emergency probabilities and the lexicon reading for a text; `reading` is the
    lexicon's reading of the whole report, when the caller has it; `threshold` is the model's own ("none" only when P(none) reaches it). A clause counts when it holds a live emergency cue, says
    it is happening now, the report does not say it is over, and the model, reading it with the clause before it (where Thai puts the subject or
    the time), does not answer "none". `skip` leaves out clauses that frame the danger as not real (a question
    about procedure, a hypothetical, a joke).
    """
    clauses = split_clauses(normalized)
    if len(clauses) < MIN_CLAUSES:
        return None
    whole = reading if reading is not None else lexicon.read(normalized)
    if whole.resolved or not whole.emergency:
        # "เรื่องจบไปแล้ว", "ตอนนี้ไม่เป็นไรแล้ว": the story says it is over, and its "กำลัง" is a story told.
        return None
    # Only clauses holding a cue of the whole reading (live or not) can hold one alone: the others are not read.
    cue_starts = [c.start for c in whole.emergency]
    for i, clause in enumerate(clauses):
        if not any(clause.start <= at < clause.end for at in cue_starts):
            continue
        if not _may_say_now(clause.text):
            continue
        alone = lexicon.read(clause.text)
        cues = [c for c in alone.emergency if c.live]
        if not cues or not _says_now(clause.text, alone) or alone.resolved:
            continue
        if skip is not None and skip(clause.text):
            continue
        context = normalized[clauses[i - 1].start : clause.end] if i else clause.text
        p, reading = score(context)
        live = [c for c in reading.emergency if c.live]
        if not live or reading.past or reading.resolved or reading.negation_phrases:
            continue
        strong = reading.strong_live()
        if strong:
            best = max(strong, key=lambda t: p[t])
        elif p["none"] < threshold:
            best = max(EMERGENCY_TYPES, key=lambda t: p[t])
        else:
            continue
        phrases = tuple(dict.fromkeys(c.phrase for c in live))
        return LiveClause(clause, best, p, phrases)
    return None
