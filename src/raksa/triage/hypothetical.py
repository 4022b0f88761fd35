"""False alarms: danger words that are not a live danger (a question about procedure, a joke, a game or a film).

"ถ้ามีคนขู่ ต้องโทรหาใคร" holds a threat cue, "ในเกมโดนขังในคุก 555" a strong confinement cue, and neither is an
emergency. This reader finds the frame that takes the danger out of the words:

- a supposition with a question: a clause that opens with "ถ้า", "หาก", "สมมติ", "if" in a report that asks what to
  do ("ต้องโทรหาใคร", "who do I call"); "ขู่ว่าถ้าไม่โอนจะฆ่า" has its "if" inside the threat and is no frame;
- a joke: "555", "ล้อเล่น", "jk" (but "ไม่ได้ล้อเล่น", "not joking" say the opposite);
- a story: a game, a film, a series or a shoot ("ในเกม", "ถ่ายทำ", "in the movie");
- explicit negation of every danger named ("ไม่มีใครทำร้ายหรือขู่"), read by the lexicon;
- a dream or the news ("ฝันว่ามีคนถือปืน", "อ่านข่าวมีคนคลั่งยา"), read as stories;
- words that say nothing is happening ("ถามไว้เผื่อ", "ไม่ใช่เรื่องจริง"): the report is reassured;
- an animal: every clause that holds a danger word names one ("นกแก้วหนีออกจากกรง", "หมาถูกขังในกรง").

Recall first: a frame lowers an emergency only when no clause outside it holds a live cue and says the danger is
happening now, no strong cue or imminent marker is live outside it, and, for a joke, the danger words are not
strong ones and there is no call for help. The phrases are data: data/frames.txt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from raksa.triage import lexicon
from raksa.triage.clauses import Clause, split_clauses
from raksa.triage.wordlists import data_file, read_word_lists

__all__ = ["Frame", "clause_is_framed", "read_frame"]

_LISTS = read_word_lists(data_file("frames.txt"))
_LISTS.expect(
    [
        "hypothetical_openers",
        "questions",
        "jokes",
        "not_jokes",
        "fiction",
        "reported",
        "real_world",
        "not_happening",
        "animals",
    ]
)
OPENERS: tuple[str, ...] = _LISTS.phrases("hypothetical_openers")
QUESTIONS: tuple[str, ...] = _LISTS.phrases("questions")
JOKES: tuple[str, ...] = _LISTS.phrases("jokes")
NOT_JOKES: tuple[str, ...] = _LISTS.phrases("not_jokes")
# Games, films and shoots; dreams and the news. Both are stories, and only the first is where children are groomed.
GAMES_AND_FILMS: tuple[str, ...] = _LISTS.phrases("fiction")
REPORTED: tuple[str, ...] = _LISTS.phrases("reported")
FICTION: tuple[str, ...] = (*GAMES_AND_FILMS, *REPORTED)
REAL_WORLD: tuple[str, ...] = _LISTS.phrases("real_world")
NOT_HAPPENING: tuple[str, ...] = _LISTS.phrases("not_happening")
ANIMALS: tuple[str, ...] = _LISTS.phrases("animals")

# Words that say a clause is happening now; a clause with one of them and a live cue is a live danger.
_NOW = ("ตอนนี้", "กำลัง", "ขณะนี้", "อยู่หน้า", "ยังอยู่", "right now", "is here", "at the door", " now")
# Inside a supposition "กำลัง" is supposed too ("ถ้าเห็นคนกำลังจะกระโดด"); only these say it is now.
_NOW_IN_SUPPOSITION = ("ตอนนี้", "ขณะนี้", "right now", " now")
# A person in the clause: the danger is not only the animal's ("ขังลูกไว้ในกรงหมา").
_PERSON = (
    "คน",
    "เด็ก",
    "ลูก",
    "แม่",
    "พ่อ",
    "หนู",
    "ผม",
    "ฉัน",
    "เมีย",
    "ผัว",
    "สามี",
    "ภรรยา",
    "แฟน",
    "ยาย",
    "น้อง",
    "เพื่อน",
    "ผู้ชาย",
    "ผู้หญิง",
    "ไอ้",
    "อี",
    "man",
    "woman",
    "child",
    "kid",
    "wife",
    "husband",
    "me",
)
# Denials that cover everyone: "ไม่มีใครทำร้ายหรือขู่", "nobody threatened me".
_BLANKET = ("ไม่มีใคร", "ไม่มีคน", "ไม่ได้โดนใคร", "ไม่ได้ถูกใคร", "nobody", "no one", "noone")
# Connectives a supposition may follow at the start of a clause ("แต่ถ้า", "and if").
_LEADING = re.compile(
    r"^(?:แต่|และ|แล้ว|คือ|อยากถามว่า|ขอถามว่า|สอบถามว่า|but|and|so|i want to ask|just asking)\s*"
)


# Laughter written as fives, standing alone: not a part of a number ("081-555-1234", "081 555 1234").
# Nor a house, lane or room number ("บ้านเลขที่ 555", "ซอย 555").
_LAUGHTER = (
    r"(?<![0-9])(?<![0-9][ \-.])(?<!เลขที่ )(?<!เลขที่)(?<!ซอย )(?<!ซอย)(?<!หมู่ )(?<!ม\. )(?<!ม\.)(?<!ห้อง )"
    r"(?<!no\. )(?<!# )(?<!#)(?<!โทร )(?<!tel )5{3,}(?![0-9])(?![ \-.]?[0-9])(?!/)"
)


def _pattern(phrase: str) -> str:
    if phrase == "555":
        return _LAUGHTER
    escaped = re.escape(phrase)
    if phrase[:1].isascii() and phrase[:1].isalpha():
        escaped = "(?<![a-z])" + escaped + "(?![a-z])"
    return escaped


@cache
def _matcher(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(_pattern(p) for p in sorted(phrases, key=lambda p: (-len(p), p))))


def _find(text: str, phrases: tuple[str, ...]) -> list[str]:
    return [m.group(0) for m in _matcher(phrases).finditer(text)]


@dataclass(frozen=True)
class Frame:
    kind: str  # "hypothetical", "joke", "fiction", "negated", "reassured" or "animal"
    phrases: tuple[str, ...]


def _opens_with_supposition(clause: str) -> bool:
    rest = _LEADING.sub("", clause)
    return bool(_matcher(OPENERS).match(rest))


def _is_joke(text: str) -> list[str]:
    if _find(text, NOT_JOKES):
        return []
    return _find(text, JOKES)


def clause_is_framed(clause: str, frame: Frame | None) -> bool:
    """Whether a clause belongs to the frame: the supposition itself, or any clause of a joke or a story."""
    if frame is None:
        return False
    if frame.kind == "hypothetical":
        return _opens_with_supposition(clause) or bool(_find(clause, QUESTIONS))
    return frame.kind in ("joke", "fiction")


def read_frame(normalized: str, reading: lexicon.Reading) -> Frame | None:
    """The frame that takes the danger out of a report's words, if there is one (see the module docstring)."""
    fiction = _find(normalized, FICTION)
    if fiction:
        return Frame("fiction", tuple(dict.fromkeys(fiction)))
    jokes = _is_joke(normalized)
    if jokes:
        return Frame("joke", tuple(dict.fromkeys(jokes)))
    clauses = split_clauses(normalized)
    questions = _find(normalized, QUESTIONS)
    suppositions = [c.text for c in clauses if _opens_with_supposition(c.text)]
    if questions and suppositions:
        return Frame("hypothetical", tuple(dict.fromkeys([*suppositions, *questions])))
    if reading.negation_phrases and reading.emergency and all(c.negated for c in reading.emergency):
        return Frame("negated", reading.negation_phrases)
    reassured = _find(normalized, NOT_HAPPENING)
    if reassured:
        return Frame("reassured", tuple(dict.fromkeys(reassured)))
    animals = _find(normalized, ANIMALS)
    live = [c for c in reading.emergency if c.live]
    # Only a cage or a confinement is an animal's: a weapon, a rampage or a bull fight is a person's danger.
    if (
        animals
        and all(c.label == "detention" for c in live)
        and not reading.mind
        and all(_names_animal(c.text) for c in _cue_clauses(normalized, reading))
    ):
        return Frame("animal", tuple(dict.fromkeys(animals)))
    return None


def _names_animal(clause: str) -> bool:
    return bool(_find(clause, ANIMALS)) and not _find(clause, _PERSON)


def _cue_clauses(normalized: str, reading: lexicon.Reading) -> list[Clause]:
    """The clauses holding a live danger cue of the whole reading."""
    clauses = split_clauses(normalized) or [Clause(normalized, 0, len(normalized))]
    starts = [c.start for c in reading.emergency if c.live]
    return [c for c in clauses if any(c.start <= at < c.end for at in starts)]


def lowers_emergency(normalized: str, reading: lexicon.Reading) -> Frame | None:
    """The frame that makes a report's emergency reading a false alarm, or None when the danger may be live.

    None whenever a clause outside the frame holds a live cue and says it is happening now, or holds a strong
    cue, or the report says the danger is coming ("คืนนี้", "กำลังมา"), outside a story.
    """
    frame = read_frame(normalized, reading)
    if frame is None:
        return None
    if frame.kind == "fiction" and (
        _imminent_outside_story(normalized, reading)
        or _find(normalized, REAL_WORLD)
        or (
            _find(normalized, GAMES_AND_FILMS)
            and any(c.live and c.label == "abuse_risk" for c in reading.emergency)
        )
    ):
        # Games and castings are where children are groomed ("คนในเกมขอรูป", "a fake film audition"): the danger
        # of abuse is never only the story's, nor one that comes tonight or meets the child in the world.
        return None
    if frame.kind == "hypothetical" and (reading.help_call or reading.imminent):
        # "ถ้าไม่รีบมาเขาฆ่าหนูแน่ ช่วยด้วย": a supposition that calls for help, or says the danger is coming, is
        # the danger itself.
        return None
    if frame.kind in ("reassured", "animal") and (
        reading.imminent or (frame.kind == "reassured" and reading.help_call)
    ):
        # "ตอนนี้ไม่มีอะไร แต่คืนนี้เขาจะมา": the danger is coming; a reassured report that also cries for help is
        # not reassured.
        return None
    if frame.kind == "negated":
        # The lexicon already lowers a denial told without "now"; here only a blanket one ("ไม่มีใครทำร้าย",
        # "nobody hurt me") outweighs a "now" in the report.
        blanket = any(p.startswith(_BLANKET) for p in frame.phrases)
        return frame if blanket or not reading.present else None
    clauses = split_clauses(normalized) or [Clause(normalized, 0, len(normalized))]
    cue_starts = [c.start for c in reading.emergency if c.live]
    for clause in clauses:
        if not any(clause.start <= at < clause.end for at in cue_starts):
            # A clause without a live cue of the whole reading holds none alone: nothing to read.
            continue
        if frame.kind == "hypothetical" and clause_is_framed(clause.text, frame):
            if any(word in f" {clause.text}" for word in _NOW_IN_SUPPOSITION):
                return None
            continue
        if frame.kind == "animal" and _names_animal(clause.text):
            continue
        if frame.kind == "fiction" and _find(clause.text, FICTION):
            continue
        alone = lexicon.read(clause.text)
        live = [c for c in alone.emergency if c.live]
        if not live:
            continue
        if frame.kind == "fiction":
            # In a story every clause is the story's, unless it says it is happening here and now.
            if any(word in f" {clause.text}" for word in _NOW) and not _find(normalized, ("ถ่ายทำ", "กองถ่าย")):
                return None
            continue
        if alone.strong_live() or alone.imminent:
            return None
        if frame.kind == "hypothetical":
            # Danger words outside the supposition are something that happened: the question is about it.
            return None
        if frame.kind == "joke" and (reading.help_call or any(alone.is_strong(c) for c in live)):
            return None
        if frame.kind == "animal":
            return None
        if any(word in f" {clause.text}" for word in _NOW) or alone.present:
            return None
    return frame


def _imminent_outside_story(normalized: str, reading: lexicon.Reading) -> bool:
    """Whether the report says danger is coming in a clause of its own, not the story's ("อยากดูคืนนี้")."""
    if not reading.imminent:
        return False
    for clause in split_clauses(normalized) or [Clause(normalized, 0, len(normalized))]:
        if _find(clause.text, FICTION):
            continue
        if lexicon.read(clause.text).imminent:
            return True
    return False
