"""Cue phrases for triage: what a call-taker listens for, in Thai (formal, colloquial, misspelt) and English.

The lexicon does three jobs: its matches are features for the statistical model, they are the evidence shown
to the call-taker, and they carry the negation and past-tense reading ("ไม่ได้ถูกขัง", "เมื่อปีที่แล้วเคยถูกขัง ตอนนี้
ปลอดภัยแล้ว") that character n-grams cannot see. Phrases are matched on `normalize()`d text (lower-cased,
elongation collapsed), longest first, so "ขู่จะฆ่า" wins over "ฆ่า".

The phrases themselves are data, curated apart from this code: data/lexicon.txt (read once, at import; a
duplicate there is an error naming the phrase and the file).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from raksa.triage.types import CATEGORIES, EMERGENCY_TYPES
from raksa.triage.wordlists import data_file, read_word_lists

_LISTS = read_word_lists(data_file("lexicon.txt"))
_MARKERS = (
    "imminent_markers",
    "imminent_excluded",
    "imminent_abuse",
    "negations",
    "past_markers",
    "resolved_markers",
    "recent_markers",
    "advice_markers",
    "urgent_cues",
    "present_markers",
    "help_calls",
    "false_friends",
    "mind_markers",
    "demand_markers",
)
_LISTS.expect(
    [
        *(f"emergency.{t}" for t in EMERGENCY_TYPES),
        *(f"category.{c}" for c in CATEGORIES),
        *(f"strong.{t}" for t in EMERGENCY_TYPES),
        *_MARKERS,
    ]
)
EMERGENCY_CUES: dict[str, tuple[str, ...]] = {
    t: _LISTS.weighted(f"emergency.{t}").phrases for t in EMERGENCY_TYPES
}
CATEGORY_CUES: dict[str, tuple[str, ...]] = {c: _LISTS.weighted(f"category.{c}").phrases for c in CATEGORIES}
# How many times a cue counts in the model's features, where lexicon.txt gives it a weight ("phrase *2").
CUE_WEIGHTS: dict[str, Mapping[str, int]] = {
    **{t: _LISTS.weighted(f"emergency.{t}").weights for t in EMERGENCY_TYPES},
    **{c: _LISTS.weighted(f"category.{c}").weights for c in CATEGORIES},
}
STRONG_CUES: dict[str, tuple[str, ...]] = {t: _LISTS.phrases(f"strong.{t}") for t in EMERGENCY_TYPES}
IMMINENT_MARKERS: tuple[str, ...] = _LISTS.phrases("imminent_markers")
IMMINENT_EXCLUDED: frozenset[str] = frozenset(_LISTS.phrases("imminent_excluded"))
IMMINENT_ABUSE: tuple[str, ...] = _LISTS.phrases("imminent_abuse")
NEGATIONS: tuple[str, ...] = _LISTS.phrases("negations")
PAST_MARKERS: tuple[str, ...] = _LISTS.phrases("past_markers")
RESOLVED_MARKERS: tuple[str, ...] = _LISTS.phrases("resolved_markers")
RECENT_MARKERS: tuple[str, ...] = _LISTS.phrases("recent_markers")
ADVICE_MARKERS: tuple[str, ...] = _LISTS.phrases("advice_markers")
URGENT_CUES: tuple[str, ...] = _LISTS.phrases("urgent_cues")
PRESENT_MARKERS: tuple[str, ...] = _LISTS.phrases("present_markers")
HELP_CALLS: tuple[str, ...] = _LISTS.phrases("help_calls")
FALSE_FRIENDS: tuple[str, ...] = _LISTS.phrases("false_friends")
MIND_MARKERS: tuple[str, ...] = _LISTS.phrases("mind_markers")
DEMAND_MARKERS: tuple[str, ...] = _LISTS.phrases("demand_markers")

# "สายด่วน 1300" names the hotline; its "ด่วน" (urgent) is no call for help.
_HOTLINE = re.compile("สายด่วน")

_THAI = re.compile("[\u0e00-\u0e7f]")
_NUMBER_CHUNK = re.compile("[0-9๐-๙][0-9๐-๙ .,/-]*")
_COORDINATORS = frozenset(("หรือ", "หรือว่า", "หรือโดน", "หรือถูก", "และ", "or", "or being", "nor", "and"))
_NOW_OVER = re.compile("ตอนนี้(?!บ่าย|เที่ยง|เช้า|เย็น|ค่ำ|ดึก|ตี ?[0-9]|[0-9])(?:(?!อีก)[^ ]){0,20}(?<!อีก)แล้ว")


@dataclass(frozen=True)
class Cue:
    label: str  # emergency type or category
    phrase: str  # as matched in the normalised text
    start: int
    end: int
    negated: bool = False
    past: bool = False

    @property
    def live(self) -> bool:
        return not (self.negated or self.past)


@dataclass(frozen=True)
class Reading:
    """What the lexicon saw in one normalised report."""

    emergency: tuple[Cue, ...]
    category: tuple[Cue, ...]
    negation_phrases: tuple[str, ...]
    past: bool
    resolved: bool
    present: bool
    help_call: bool
    imminent: bool = False
    urgent: int = 0
    advice: bool = False
    # A mind out of reach (drunk, high, psychotic) named outside a past or negated chunk; money demanded.
    mind: bool = False
    demand: bool = False

    def live(self, label: str) -> list[Cue]:
        return [c for c in self.emergency if c.label == label and c.live]

    def is_strong(self, cue: Cue) -> bool:
        if cue.phrase in _STRONG_SETS[cue.label]:
            return True
        if not self.imminent:
            return False
        if cue.label == "threat":
            return cue.phrase not in IMMINENT_EXCLUDED
        return cue.label == "abuse_risk" and cue.phrase in _IMMINENT_ABUSE

    def strong_live(self) -> dict[str, list[Cue]]:
        found: dict[str, list[Cue]] = {}
        for cue in self.emergency:
            if cue.live and self.is_strong(cue):
                found.setdefault(cue.label, []).append(cue)
        return found


class _StrongSets(dict[str, "_Strong"]):
    def __missing__(self, label: str) -> _Strong:
        value = self[label] = _Strong(STRONG_CUES.get(label, ()))
        return value


class _Strong:
    """Membership that also counts longer matches containing a strong cue ("ถือมีดขู่" contains "ถือมีด")."""

    def __init__(self, phrases: tuple[str, ...]) -> None:
        self.phrases = phrases
        self.memo: dict[str, bool] = {}

    def __contains__(self, phrase: object) -> bool:
        if not isinstance(phrase, str):
            return False
        if phrase not in self.memo:
            self.memo[phrase] = any(p in phrase for p in self.phrases)
        return self.memo[phrase]


_STRONG_SETS = _StrongSets()
_IMMINENT_ABUSE = _Strong(IMMINENT_ABUSE)
_IMMINENT_WITHIN = re.compile("ภายใน ?[0-9๐-๙]")
# "แม่ผมซึ่งอายุ 84", "aged 79", "พ่ออายุ 79": any age from 60 up names an elder (not "60 วัน", "65 kg").
_ELDER_AGE = re.compile(
    r"(?:อายุ|วัย|aged?|age) ?(?:ได้ )?[6-9][0-9](?![0-9])(?! ?(?:วัน|เดือน|สัปดาห์|days|months|weeks|kg))"
)


def _pattern(phrase: str) -> str:
    """An English cue only starts a word ("ice" is not in "police", "son" not in "person"); a short one also ends it
    (plural allowed), so "kill" still finds "killing" but "gun" does not find "begun". Thai has no spaces: as is."""
    escaped = re.escape(phrase)
    if not phrase[:1].isascii() or not phrase[:1].isalpha():
        return escaped
    escaped = "(?<![a-z])" + escaped
    if len(phrase) <= 3 and phrase[-1:].isalpha():
        escaped += "s?(?![a-z])"
    return escaped


def _alternation(phrases: set[str]) -> str:
    """One regex for many phrases, longest match first, shaped as a trie: a flat alternation of a thousand
    phrases is tried phrase by phrase at every position of the text, a trie one character at a time. English
    phrases sit behind their word-start check; a short one keeps its word-end check (plural allowed)."""
    english = {p for p in phrases if p[:1].isascii() and p[:1].isalpha()}
    parts = []
    if english:
        parts.append("(?<![a-z])" + _trie(english))
    if phrases - english:
        parts.append(_trie(phrases - english))
    return "|".join(parts)


def _trie(phrases: set[str]) -> str:
    root: dict[str, dict] = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        short_word = phrase[:1].isascii() and len(phrase) <= 3 and phrase[-1:].isalpha()
        node[""] = {"s?(?![a-z])": {}} if short_word else {"": {}}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if "" in node:
            branches.append(next(iter(node[""])))  # the end of a phrase, tried after the longer ones
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return build(root)


def _index(cues: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """Each phrase with the labels it is a cue of; a weighted cue lists its label once per count, so one match
    yields that many cues."""
    index: dict[str, list[str]] = {}
    for label, phrases in cues.items():
        weights = CUE_WEIGHTS.get(label, {})
        for phrase in phrases:
            index.setdefault(phrase, []).extend([label] * weights.get(phrase, 1))
    for phrase in FALSE_FRIENDS:
        index.setdefault(phrase, [])
    return index


def _labels_of(index: dict[str, list[str]], matched: str) -> list[str]:
    # A short English cue may have matched with a plural "s" the index does not list.
    found = index.get(matched)
    if found is None and matched.endswith("s"):
        found = index.get(matched[:-1])
    return found or []


@cache
def _matchers() -> tuple[re.Pattern[str], dict[str, list[str]], re.Pattern[str], dict[str, list[str]]]:
    emergency_index = _index(EMERGENCY_CUES)
    category_index = _index(CATEGORY_CUES)
    return (
        re.compile(_alternation(set(emergency_index))),
        emergency_index,
        re.compile(_alternation(set(category_index))),
        category_index,
    )


def _any(text: str, markers: tuple[str, ...]) -> bool:
    return any(m in text for m in markers)


def _negation_start(text: str, start: int, phrase: str) -> int | None:
    """Where the negation governing a cue that starts at `start` begins, if there is one.

    Thai: the negation sits in the same space-delimited chunk just before the cue ("ไม่ได้ถูกขัง"). English: within
    the three words before it ("nobody is threatening", "i'm not locked in").
    """
    if _THAI.search(phrase):
        window_start = max(text.rfind(" ", 0, start) + 1, start - 14)
    else:
        window_start = start
        for _ in range(3):
            window_start = text.rfind(" ", 0, max(window_start - 1, 0)) + 1
            if window_start == 0:
                break
    window = text[window_start:start] + ("" if _THAI.search(phrase) else " ")
    found = [window.find(neg) for neg in NEGATIONS if neg in window]
    return window_start + min(found) if found else None


def _sentence_of(text: str, start: int) -> str:
    """The clause a cue sits in, together with the clause before it (where Thai often puts the time).

    Thai often has no punctuation at all: there a space ends a clause, so a cue is read with its own chunk and
    the one before it ("เมื่อปีที่แล้ว เคยถูกขัง"), and "เคยจับหนูมาแล้ว" elsewhere does not make "งัดประตู" past."""
    separators = ".!?;,\n"
    left = max(text.rfind(s, 0, start) for s in separators)
    left = max(text.rfind(s, 0, left) for s in separators) if left > 0 else left
    rights = [i for i in (text.find(s, start) for s in separators) if i != -1]
    right = min(rights) if rights else len(text)
    if _THAI.search(text[start : start + 1]):
        chunk_left = text.rfind(" ", 0, max(text.rfind(" ", 0, start), 0)) + 1
        if _NUMBER_CHUNK.fullmatch(text[chunk_left : max(text.rfind(" ", 0, start), 0)]):
            # "ตอนอายุ 8-12 ผมถูกขัง": a number belongs to the words before it, which hold the time.
            chunk_left = text.rfind(" ", 0, max(chunk_left - 1, 0)) + 1
        chunk_right = text.find(" ", start)
        left = max(left, chunk_left - 1)
        right = min(right, chunk_right if chunk_right != -1 else len(text))
    return text[left + 1 : right]


def _has_past(text: str) -> bool:
    # "ไม่เคยเห็นออกมาเลย" (never seen outside) is not a story about the past.
    return _any(text.replace("ไม่เคย", " ").replace("never ", " "), PAST_MARKERS)


def _is_local_past(sentence: str) -> bool:
    """A clause (with the one before it) that tells the past and says nothing of now."""
    if not _has_past(sentence) or _any(sentence, PRESENT_MARKERS) or _any(sentence, ("ตอนนี้", "now")):
        return False
    return not _any(sentence, IMMINENT_MARKERS)


def _mind_out_of_reach(text: str, cues: list[Cue]) -> bool:
    """A mind marker outside the chunks whose cues are all past or negated ("เคยเมาแล้วอาละวาด")."""
    dead = [(c.start, c.end) for c in cues if not c.live]
    live = [(c.start, c.end) for c in cues if c.live]
    for marker in MIND_MARKERS:
        at = text.find(marker)
        while at != -1:
            chunk_start = text.rfind(" ", 0, at) + 1
            chunk_end = text.find(" ", at)
            chunk_end = len(text) if chunk_end == -1 else chunk_end
            in_chunk = [(a, b) for a, b in dead + live if chunk_start <= a < chunk_end]
            if not in_chunk and not _has_past(_sentence_of(text, at)):
                return True
            if any(chunk_start <= a < chunk_end for a, _ in live):
                return True
            at = text.find(marker, at + 1)
    return False


def read(text: str) -> Reading:
    """Scan normalised text for cues and mark each as negated or past."""
    emergency_re, emergency_index, category_re, category_index = _matchers()
    # "ตอนนี้โตแล้ว", "ตอนนี้กลับไทยได้แล้ว": now is after it ended (but "ตอนนี้ถูกขังอีกแล้ว" is not).
    resolved = _any(text, RESOLVED_MARKERS) or bool(_NOW_OVER.search(text))
    past_doc = _has_past(text) or (resolved and _any(text, RECENT_MARKERS))
    # "ตอนนี้เขาออกไปทำงานแล้ว" says it is over: its "ตอนนี้เขา" is no sign of something happening now.
    marked = _HOTLINE.sub(" ", text)
    now_text = _NOW_OVER.sub(" ", marked)
    present = _any(now_text, PRESENT_MARKERS) or (_any(now_text, ("ตอนนี้", "now ", "now,")) and not resolved)
    cues: list[Cue] = []
    negations: list[str] = []
    negated_start: int | None = None
    negated_end: int | None = None
    for match in emergency_re.finditer(text):
        phrase = match.group(0)
        labels = _labels_of(emergency_index, phrase)
        if not labels:
            continue
        negation_at = _negation_start(text, match.start(), phrase)
        # "ไม่ได้ถูกข่มขู่หรือถูกขัง", "not threatened or locked in": one negation covers the pair.
        if (
            negation_at is None
            and negated_end is not None
            and text[negated_end : match.start()].strip() in _COORDINATORS
        ):
            negation_at = negated_start
        if negation_at is not None:
            negated_start, negated_end = negation_at, match.end()
            negations.append(text[negation_at : match.end()].strip())
        past = False
        if past_doc and not present:
            # Past only when the time words are near the cue, or the story says it is over.
            past = resolved or _has_past(_sentence_of(text, match.start()))
        elif past_doc:
            # A long story told now ("ตอนนี้ปลอดภัยดี", "ตอนนี้ยังอยู่ในเรือนจำ") still has its past: a cue whose own
            # clause says "เคย" or "ตอนเด็ก", with no word of now beside it, is a memory.
            past = _is_local_past(_sentence_of(text, match.start()))
        for label in labels:
            cues.append(
                Cue(label, phrase, match.start(), match.end(), negated=negation_at is not None, past=past)
            )
    cats = [
        Cue(label, m.group(0), m.start(), m.end())
        for m in category_re.finditer(text)
        for label in _labels_of(category_index, m.group(0))
    ]
    cats.extend(Cue("elderly_care", m.group(0), m.start(), m.end()) for m in _ELDER_AGE.finditer(text))
    return Reading(
        emergency=tuple(cues),
        category=tuple(cats),
        negation_phrases=tuple(dict.fromkeys(negations)),
        past=past_doc,
        resolved=resolved,
        present=present,
        help_call=_any(marked, HELP_CALLS),
        imminent=not resolved and (_any(text, IMMINENT_MARKERS) or bool(_IMMINENT_WITHIN.search(text))),
        urgent=sum(m in marked for m in URGENT_CUES),
        advice=_any(text, ADVICE_MARKERS),
        mind=_mind_out_of_reach(text, cues),
        demand=_any(text, DEMAND_MARKERS),
    )


FEATURE_NAMES: tuple[str, ...] = (
    *(f"live:{t}" for t in EMERGENCY_CUES),
    *(f"strong:{t}" for t in EMERGENCY_CUES),
    *(f"dead:{t}" for t in EMERGENCY_CUES),
    *(f"cat:{c}" for c in CATEGORY_CUES),
    "past",
    "resolved",
    "present",
    "help_call",
    "negation",
    "urgent",
    "advice",
    "mind",
    "demand",
)


def features(reading: Reading) -> list[float]:
    """Dense lexicon features in FEATURE_NAMES order (small counts, capped, so one word cannot dominate)."""
    live = dict.fromkeys(EMERGENCY_CUES, 0.0)
    strong = dict.fromkeys(EMERGENCY_CUES, 0.0)
    dead = dict.fromkeys(EMERGENCY_CUES, 0.0)
    for cue in reading.emergency:
        if cue.live:
            live[cue.label] += 1
            if reading.is_strong(cue):
                strong[cue.label] = 1.0
        else:
            dead[cue.label] += 1
    cats = dict.fromkeys(CATEGORY_CUES, 0.0)
    for cue in reading.category:
        cats[cue.label] += 1
    return [
        *(min(v, 3.0) / 3.0 for v in live.values()),
        *strong.values(),
        *(min(v, 3.0) / 3.0 for v in dead.values()),
        *(min(v, 3.0) / 3.0 for v in cats.values()),
        float(reading.past),
        float(reading.resolved),
        float(reading.present),
        float(reading.help_call),
        float(bool(reading.negation_phrases)),
        min(reading.urgent, 3) / 3.0,
        float(reading.advice),
        float(reading.mind),
        float(reading.demand),
    ]
