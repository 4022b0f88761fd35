"""Police stations and hospitals named in report text (สภ.บ้านไผ่, สน.ลุมพินี, รพ.สวนปรุง): the place they are in.

People often give no address at all, only where they went: "แจ้งความที่สภ.บ้านไผ่แล้ว", "ลูกเคยรักษาที่รพ.สวนปรุง".
After a prefix (สภ./สถานีตำรวจภูธร/โรงพัก for provincial stations, สน./สถานีตำรวจนครบาล for Bangkok's, รพ./
โรงพยาบาล for hospitals) the longest name that follows is read:

- a name from data/gazetteer.json, the hand-written list of stations and hospitals whose name does not match
  their place (รพ.สวนปรุง is in Chiang Mai), wins;
- else a geothai name: a provincial station or a hospital named after a district (สภ.บ้านไผ่, รพ.บ้านไผ่,
  สภ.เมืองขอนแก่น) or a province (รพ.เลย); a provincial station also after a subdistrict (สภ.คอหงส์). A
  metropolitan station is in Bangkok whatever follows, and in the Bangkok district or subdistrict named.
  Hospitals are not read after subdistrict names (health-promotion hospitals, รพ.สต., are named after villages
  and are never read).

A name found in several places gives all of them as candidates; places.py keeps the one inside a province or
district named elsewhere in the text, or none. Nothing is downloaded: the derived names come from the geothai
package at load, the exceptions from the data file, read once and cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import geothai

from raksa.triage.wordlists import WordListError, data_file, read_json

__all__ = ["Institution", "find_institutions", "read_gazetteer"]

BANGKOK = "10"
KINDS = ("stations", "metropolitan_stations", "hospitals")

# The prefix, its kind. "รพ.สต." (a tambon health-promotion hospital, named after a village) is skipped.
# The short forms without their dot ("สน ", "รพ") only outside a word: "แสน โดน" holds "สน ".
_PREFIX = re.compile(
    r"(?P<metropolitan_stations>สน\.|(?<![\u0e01-\u0e4e])สน(?=\s)|สถานีตำรวจนครบาล|สภ\.?น\.)"
    r"|(?P<stations>สภ\.อ\.|สภอ\.|สภ\.|(?<![\u0e01-\u0e4e])สภ(?=[\s\u0e01-\u0e2e])|สถานีตำรวจภูธร(?:อำเภอ|ตำบล)?"
    r"|โรงพัก)"
    r"|(?P<hospitals>(?:รพ\.?\s*สต\.?|รพสต)|รพ[ชทศ]\.|รพ\.|(?<![\u0e01-\u0e4e])รพ(?=[\s\u0e01-\u0e2e])|โรงพยาบาล"
    r"|โรงบาล)"
)
_HEALTH_PROMOTION = re.compile(r"รพ\.?\s*สต|รพสต")
_LONGEST = 40


@dataclass(frozen=True)
class Institution:
    """A station or hospital found in the text: where its name is, and the places it may be in (province,
    district or subdistrict codes; more than one when the name is found in several places)."""

    start: int
    end: int
    kind: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class _Names:
    hand: dict[str, dict[str, str]]  # kind -> normalised name -> district code
    ambiguous: frozenset[str]


def read_gazetteer(path: Path | Traversable) -> dict[str, Any]:
    """gazetteer.json, refused (WordListError) when a name appears twice in one list or a record lacks its
    province."""
    data: dict[str, Any] = read_json(path)
    for kind in KINDS:
        seen: set[str] = set()
        for record in data[kind]:
            if not record.get("province") or not record.get("district"):
                raise WordListError(
                    f"{path}: {kind} record {record['names'][0]!r} needs a province and a district"
                )
            for name in record["names"]:
                if name in seen:
                    raise WordListError(f"{path}: duplicate name {name!r} in {kind}")
                seen.add(name)
    return data


def _key(name: str) -> str:
    return re.sub(r"[\s.'-]", "", name)


@cache
def _names() -> _Names:
    data = read_gazetteer(data_file("gazetteer.json"))
    districts = {
        (p.code, _key(d.name_th).removeprefix("เขต")): d.code
        for p in geothai.provinces()
        for d in geothai.districts(p.code)
    }
    hand: dict[str, dict[str, str]] = {}
    for kind in KINDS:
        table = hand.setdefault(kind, {})
        for record in data[kind]:
            code = districts[(record["province"], _key(record["district"]))]
            for name in record["names"]:
                table[_key(name)] = code
    return _Names(hand=hand, ambiguous=frozenset(_key(n) for n in data["ambiguous"]))


def find_institutions(
    text: str,
    *,
    provinces: Mapping[str, str],
    districts: Mapping[str, tuple[str, ...]],
    subdistricts: Mapping[str, tuple[str, ...]],
    continues_word: Callable[[str, int], bool],
) -> list[Institution]:
    """Stations and hospitals in `text`. The name tables are places.py's (keys without spaces, dots or level
    words); `continues_word(text, end)` says whether a short name runs on into a longer word."""
    if not _PREFIX.search(text):
        return []
    names = _names()
    found: list[Institution] = []
    for m in _PREFIX.finditer(text):
        kind = m.lastgroup or ""
        if kind == "hospitals" and _HEALTH_PROMOTION.match(m.group(0)):
            continue
        start = m.end()
        while start < len(text) and text[start] == " ":
            start += 1
        codes, end = _read_name(text, start, kind, names, provinces, districts, subdistricts, continues_word)
        if not codes and kind == "metropolitan_stations":
            codes, end = (BANGKOK,), start
        if codes:
            found.append(Institution(m.start(), end, kind, codes))
    return found


def _read_name(
    text: str,
    start: int,
    kind: str,
    names: _Names,
    provinces: Mapping[str, str],
    districts: Mapping[str, tuple[str, ...]],
    subdistricts: Mapping[str, tuple[str, ...]],
    continues_word: Callable[[str, int], bool],
) -> tuple[tuple[str, ...], int]:
    window = text[start : start + _LONGEST]
    hand = names.hand[kind]
    for length in range(len(window), 1, -1):
        piece = window[:length]
        if piece[-1].isspace() or (length < len(window) and _splits_a_letter(window, length)):
            continue
        key = _key(piece)
        end = start + length
        if len(key) <= 3 and continues_word(text, end):
            continue
        if key in names.ambiguous:
            return (), end
        if key in hand:
            return (hand[key],), end
        codes = _derived(key, kind, provinces, districts, subdistricts)
        if codes:
            return codes, end
    return (), start


def _splits_a_letter(window: str, length: int) -> bool:
    """Whether cutting here leaves a vowel sign or tone mark of the last syllable behind."""
    return (
        "\u0e31" <= window[length] <= "\u0e3a"
        or "\u0e47" <= window[length] <= "\u0e4e"
        or window[length] in "ะาำ"
    )


def _derived(
    key: str,
    kind: str,
    provinces: Mapping[str, str],
    districts: Mapping[str, tuple[str, ...]],
    subdistricts: Mapping[str, tuple[str, ...]],
) -> tuple[str, ...]:
    def bangkok(codes: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(c for c in codes if c.startswith(BANGKOK))

    def outside(codes: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(c for c in codes if not c.startswith(BANGKOK))

    if kind == "metropolitan_stations":
        return bangkok(districts.get(key, ())) or bangkok(subdistricts.get(key, ()))
    if key in provinces and len(key) >= 3:
        return (provinces[key],)
    if kind == "stations":
        return outside(districts.get(key, ())) or outside(subdistricts.get(key, ()))
    return districts.get(key, ())
