"""Provinces, districts, subdistricts and postal codes named in free Thai (or English) report text, via geothai.

Precision first: a wrong province sends a field team to the wrong end of the country, a missing one only sends
the report to the national centre. So:

- Explicit forms are read in full: จ./จังหวัด, อ./อำเภอ/เขต, ต./ตำบล/แขวง (with the names geothai knows),
  "อ.เมือง" with the province named anywhere, postal codes, English "X province" / "X district".
- Bare province names count, except the few that are also everyday words (เลย "at all", ตาก "to dry",
  แพร่ "to spread", น่าน, ตรัง, ...): those need จ./จังหวัด, or a location word right before them (อยู่, ที่,
  จาก ...) or a space (not ตาก), and nothing that continues the word after them; เลย and แพร่ only ever count
  with จ./จังหวัด.
- Bare district names count for Bangkok's เขต (people say "แถวบางนา"), capital districts (เมืองขอนแก่น) and a
  curated list of well-known towns; most district names are also village names or ordinary phrases.
- A subdistrict name is accepted only when it resolves to one place after using the districts, provinces and
  postal codes in the same text; a district name found in several provinces likewise.
- A district or subdistrict brings its province; a postal code brings its province, and its district when the
  subdistricts it is the main code of agree.
- Well-known places and short province names come from data/places.json: Bangkok roads, sois, BTS/MRT
  stations, hospitals, universities and markets, and famous places elsewhere (สยาม, อ่อนนุช, พัทยา, มข. ...),
  and the short names people use (โคราช, อุดร, สุพรรณ, แปดริ้ว ...). Names that are also words or given names
  need a place word before them (ซอยนานา, แถวปากน้ำ) or no title before them (not นายอุดร); roads that run on
  into other provinces (สุขุมวิท, พหลโยธิน) and BTS/MRT count only when nothing else is named.
- A province name right after ถนน/ซอย is a road (ถนนเพชรบุรี is in Bangkok), unless written จ./จังหวัด.
- Other district names found in one province only count bare when long and specific (กุมภวาปี), after a place
  word (แถวสูงเนิน) or with their province named; a stop-list keeps out the ones that are also words.
- Ambiguous province names also count after a noun that only names places (เทศบาล, ท่าเรือ, รพ.): "ตลาดสด
  เทศบาลยะลา"; English ones (Trang, Nan) after in/at/near, capitalised.
- A local name followed by the name of another province belongs to that one: "แถวปากน้ำ ระนอง" is in Ranong.
- English district and subdistrict names found in one place only (five letters or more) count after in/at/
  near/around/from/to or before "district", spelled loosely: Haad/Had, Koh/Ko, Phra/Pra, aa/a, ee/i, oo/u.
- A hyphen inside a Thai name is ignored (สุไหงโก-ลก).
- Where a relative went to work, where someone goes for chemotherapy or a doctor, and where a bus is headed
  ("ลูกหลานไปทำงานกรุงเทพ", "ไปคีโมที่อุบล", "bus to Chiang Mai") go even when nothing else is named.
- Places mentioned in passing go when the text says elsewhere where things happen: a province named only after
  มาจาก, ย้ายมาจาก, บ้านเกิด, เป็นคน, กลับบ้านที่, "from" ...; and a province named by its bare name when another
  is given with a district, subdistrict or postal code (the address), unless written จ./จังหวัด.

The curated words are data, apart from this code: the word lists (ambiguous province names, well-known
towns, stop-lists) in data/places.txt, the place records and short names with their codes in
data/places.json; both are refused at load when a name appears twice. geothai is used through its public API
only. Indexes are built once, lazily, and cached. Callers pass text through `normalize.clean` first (Thai digits,
zero-width characters); `extract_entities` does, and blanks out phone numbers and IDs before calling.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import geothai

from raksa.triage.gazetteer import find_institutions
from raksa.triage.wordlists import WordListError, data_file, read_json, read_word_lists

__all__ = ["Places", "find_places", "read_places"]

BANGKOK = "10"


# How geothai compares names: without spaces, dots, apostrophes or hyphens, and without a leading level word
# (its Bangkok districts are spelled "เขตบางรัก"). Our indexes are keyed so, and text matched against them is
# looked up so.
_KEY_SHORT = re.compile(r"^\s*(?:จ|อ|ต)\.\s*")
_KEY_MARKS = re.compile(r"[\s.'-]")
_KEY_LEVEL = re.compile(r"^(?:จังหวัด|อำเภอ|เขต|ตำบล|แขวง|กิ่งอำเภอ)")


def _name_key(name: str) -> str:
    return _KEY_LEVEL.sub("", _KEY_MARKS.sub("", _KEY_SHORT.sub("", name).lower()))


@dataclass(frozen=True)
class Places:
    province_codes: tuple[str, ...] = ()
    district_codes: tuple[str, ...] = ()
    subdistrict_codes: tuple[str, ...] = ()
    postal_codes: tuple[str, ...] = ()


# The curated word lists (data/places.txt, each explained there) and place records (data/places.json).
_LISTS = read_word_lists(data_file("places.txt"))
_LISTS.expect(
    [
        "ambiguous_provinces",
        "prefix_only_provinces",
        "not_alone_provinces",
        "english_ambiguous_provinces",
        "bangkok_district_stop",
        "well_known_districts",
        "district_stop",
        "generic_district_prefixes",
    ]
)
_AMBIGUOUS_PROVINCES = frozenset(_LISTS.phrases("ambiguous_provinces"))
_PREFIX_ONLY_PROVINCES = frozenset(_LISTS.phrases("prefix_only_provinces"))
_NOT_ALONE_PROVINCES = frozenset(_LISTS.phrases("not_alone_provinces"))
_ENGLISH_AMBIGUOUS = frozenset(_LISTS.phrases("english_ambiguous_provinces"))
_BANGKOK_DISTRICT_STOP = frozenset(_LISTS.phrases("bangkok_district_stop"))
_WELL_KNOWN_DISTRICTS = _LISTS.phrases("well_known_districts")
_DISTRICT_STOP = frozenset(_LISTS.phrases("district_stop"))
_GENERIC_PREFIXES = _LISTS.phrases("generic_district_prefixes")
_LOCATION_WORDS = ("อยู่", "ที่", "จาก", "แถว", "ใน", "ไป", "มา", "เมือง", "ถึง", "ย้าย", "กลับ", "เข้า")
# Words that may follow a place name directly (Thai has no spaces between words).
_AFTER_PLACE = re.compile(
    r"(?:$|[^\u0e01-\u0e4e]|ค่ะ|คะ|ครับ|นะ|จ้า|ค่า|คับ|แล้ว|อ\.|จ\.|ต\.|อำเภอ|จังหวัด|ตำบล|แขวง|เขต|รหัส"
    r"|ไปรษณีย์|ตอนนี้|เมื่อ|โทร|เบอร์|มี|มา|ไป|ด้วย|หน่อย|ช่วย)"
)
# Words after which a place name that is also an ordinary word or a given name is read as a place.
_PLACE_WORDS = re.compile(
    r"(?:อยู่|ที่|จาก|แถว|แถบ|ใน|ไป|มา|เมือง|ถึง|ย้าย|กลับ|ซอย|ซ\.|ถนน|ถ\.|ย่าน|สถานี|หน้า|บริเวณ|ตลาด|แยก|อ\.|อำเภอ)\s*$"
)
_LOCATION_BEFORE = re.compile("(?:" + "|".join(_LOCATION_WORDS) + r")\s*$")
# A title or kinship word before อุดร, อุบล, สุพรรณ makes them a person's name.
_TITLE_BEFORE = re.compile(
    r"(?:นาย|นาง|นางสาว|น\.ส\.|คุณ|ชื่อ|ด\.ช\.|ด\.ญ\.|ลุง|ป้า|พี่|น้อง|ยาย|ตา|แม่|พ่อ|ครู|หมอ|เจ๊|เฮีย|กำนัน)\s*$"
)
_ROAD_WORDS = r"(?:ถนน|ถ\.|ซอย|ซ\.)\s*"
_ROAD_BEFORE = re.compile(_ROAD_WORDS + "$")
_MONEY_AFTER = re.compile(r"\s*(?:บาท|บ\.|฿|baht|thb|คน|ตัว|ครั้ง|ชิ้น|เม็ด|ปี|วัน|เดือน|km|กม|กิโล|เมตร|%)", re.I)
# Amounts, and house, room and lane numbers, are not postal codes.
_MONEY_BEFORE = re.compile(
    r"(?:เงิน|หนี้|ยืม|ค่า|ราคา|จ่าย|โอน|฿|บัญชี|\$|(?:ได้|ละ|ประมาณ|กว่า|เหลือ|ห้อง|เลขที่|ซอย|ซ\.|ม\.|หมู่|no\.?|#)\s*$)",
    re.I,
)
_LATIN = re.compile(r"[A-Za-z]")
# Nouns that only ever name a place after them: "ตลาดสดเทศบาลยะลา", "ท่าเรือระนอง", "รพ.ยโสธร". After them an
# ambiguous province name counts even when the next word is written on without a space.
_INSTITUTION_BEFORE = re.compile(
    r"(?:เทศบาล(?:นคร|เมือง|ตำบล)?|ท่า(?:เทียบ)?เรือ|สนามบิน|สถานีรถไฟ|สถานีขนส่ง|บขส\.|ขนส่ง|โรงพยาบาล|รพ\.|ศาลากลาง"
    r"|ตัวเมือง|จังหวัด)\s*$"
)
# Where someone comes from or is going back to, not where the event is: "ย้ายมาจากยะลา", "เป็นคนอุบล",
# "กลับบ้านที่ศรีสะเกษ", "she is from Nakhon Si Thammarat". Only counts against a province named otherwise too.
_PASSING_BEFORE = re.compile(
    r"(?:มาจาก|เคยอยู่|ย้าย(?:มา)?จาก|หนี(?:มา)?จาก|กลับ(?:มา)?จาก|เดินทาง(?:มา)?จาก|บ้านเกิด|ภูมิลำเนา|เป็นคน|กลับบ้าน"
    r"|กลับไป|ค่ารถกลับ|(?<![a-z])(?:from|hometown(?:\s+is)?|back\s+to|home\s+to))"
    r"(?:\s*(?:ที่|ใน|อยู่|แถว|จังหวัด|จ\.|อำเภอ|อ\.|เขต|the(?![a-z])|in(?![a-z])))*\s*$",
    re.I,
)
# Where a relative went to work, where someone goes for treatment, where a bus is headed: "ลูกหลานไปทำงาน
# กรุงเทพ", "ไปคีโมที่อุบล", "the night bus to Chiang Mai". Not where the event is unless named otherwise too.
# "ไปทำงานที่สุพรรณ" said of oneself is where one is; it only gives way to a place named otherwise.
_AWAY_BEFORE = re.compile(
    r"(?:(?:ลูก|หลาน|พ่อ|แม่|สามี|ภรรยา|เมีย|ผัว|พี่|น้อง|ญาติ)[^\s]{0,8}ไปทำงาน|ไป(?:หาหมอ|คีโม|ฉายแสง|ฟอกไต)"
    r"|(?<![a-z])(?:bus|train|van|flight|way)\s+to)(?:\s*(?:ที่|ใน|จังหวัด|จ\.|the(?![a-z])))*\s*$",
    re.I,
)
_WORK_BEFORE = re.compile(r"ไปทำงาน(?:\s*(?:ที่|ใน|จังหวัด|จ\.))*\s*$")
_KIN = r"(?:แม่|พ่อ|ลูก|น้อง|พี่|เพื่อน|ยาย|ย่า|ปู่|ตา|ป้า|ลุง|น้า|อา|สามี|ภรรยา|เมีย|ผัว|แฟน|หลาน|ญาติ)"
_KIN_BEFORE = re.compile(_KIN + r"\S{0,4}$")
_REPORTER_BEFORE = re.compile(
    r"(?:(?P<who>ผม|หนู|ฉัน|ดิฉัน|เรา|ข้าพเจ้า|กู)(?:เอง)?(?:ก็)?\s*(?:อยู่|อาศัยอยู่|พักอยู่|ทำงานอยู่|บ้านอยู่)"
    r"|(?<![a-z])(?:i|we)\s*(?:'m|am|are|'re|live|stay|work)(?:\s+(?:living|staying|working|based|now))?\s+(?:in|at))"
    r"(?:\s*(?:ที่|ใน|แถว|จังหวัด|จ\.))*\s*$",
    re.I,
)
_THIRD_PARTY_BEFORE = re.compile(
    r"(?:" + _KIN + r"[\u0e01-\u0e4e]{0,10}?(?:ซึ่ง|ที่)?(?:อยู่|ที่|อาศัยอยู่|ทำงานอยู่)"
    r"|(?<![a-z])(?:my|our|his|her)\s+(?:[a-z]+\s+)?(?:mother|mom|mum|father|dad|sister|brother|son|daughter|aunt"
    r"|uncle|grandmother|grandma|grandfather|grandpa|granny|wife|husband|friend|niece|nephew|cousin|neighbou?r"
    r"|kid|child|children|girlfriend|boyfriend|parents)s?\s+(?:(?:who\s+)?(?:lives|is|stays|works)\s+|living\s+"
    r"|staying\s+|working\s+)?(?:in|at))(?:\s*(?:ที่|ใน|แถว|จังหวัด|จ\.|the(?![a-z])))*\s*$",
    re.I,
)
# "in Trang", "at Nan": an English name that is also a word counts after a preposition, capitalised.
_ENGLISH_PLACE_BEFORE = re.compile(r"(?<![a-z])(?:in|at|near|around|to|from)\s+$", re.I)
# "in Mae Chaem", "at Haad Rin": a district or subdistrict spelled in English after a preposition.
_ENGLISH_AFTER_PREPOSITION = re.compile(
    r"(?<![A-Za-z])(?:in|at|near|around|from|to)\s+(?:the\s+)?(?P<words>[A-Z][A-Za-z]*(?:[\s\-][A-Za-z]+){0,3})"
)
# A hyphen inside a Thai name: "สุไหงโก-ลก" is สุไหงโกลก.
_THAI_HYPHEN = re.compile(r"(?<=[\u0e01-\u0e4e])-(?=[\u0e01-\u0e4e])")
_POSTAL = re.compile(r"(?<![\d/\-.,])([1-9]\d{4})(?![\d\-/,])")


@dataclass(frozen=True)
class _Target:
    """What a matched piece of text stands for."""

    province: str = ""
    district: str = ""
    subdistrict: str = ""
    # bare: counted where the word ends; context: only after a place word; named: not after a title;
    # weak: only when no other province is named; amb: an ambiguous province name; district: a district
    # name read bare; district_context: a district name needing a place word or its province; road: a
    # province name that is also a road name.
    mode: str = "bare"


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation for many words, shaped as a trie so matching is fast and longest-first."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


_LOOSE_RULES = (
    (re.compile(r"(?<=[aeiou])h(?=\s|$)"), ""),  # Koh -> Ko
    (re.compile(r"[^a-z]+"), ""),
    (re.compile(r"(?<=[ptkc])h"), ""),  # Phra/Pra, Thai/Tai, Khlong/Klong
    (re.compile(r"aa"), "a"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"oo"), "u"),
)


def _loose(name: str) -> str:
    """An English place name with the spelling variants of Thai transliteration taken out: "Haad Rin", "Had
    Rin" and "Hadrin" are one key, as are "Koh Pha-ngan" and "Ko Phangan"."""
    key = name.lower()
    for pattern, replacement in _LOOSE_RULES:
        key = pattern.sub(replacement, key)
    return key


def _english_pattern(name: str) -> str:
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", name.strip()) if p]
    return r"[\s\-]?".join(parts)


@dataclass(frozen=True)
class _Index:
    province_prefixed: re.Pattern[str]
    district_prefixed: re.Pattern[str]
    subdistrict_prefixed: re.Pattern[str]
    bare_thai: re.Pattern[str]
    english: re.Pattern[str]
    english_district: re.Pattern[str]
    english_subdistrict: re.Pattern[str]
    provinces: dict[str, str]  # normalised Thai name or alias -> code
    districts: dict[str, tuple[str, ...]]  # normalised Thai name -> district codes
    subdistricts: dict[str, tuple[str, ...]]  # normalised Thai name -> subdistrict codes
    bare: dict[str, _Target]
    bangkok_roads: frozenset[str]
    province_names: frozenset[str]
    # A local name ("ปากน้ำ", "ประตูน้ำ") written just before the name of another province is that province's.
    province_after: re.Pattern[str]
    province_level: frozenset[str]
    english_targets: dict[str, _Target]
    # The same names written without their spaces ("Bangkhen", "Thonburi", "Ladkrabang").
    english_joined: dict[str, _Target]
    english_districts: dict[str, tuple[str, ...]]
    english_subdistricts: dict[str, tuple[str, ...]]
    # Loosely spelled English district and subdistrict names found once in Thailand, read after in/at/near.
    english_loose: dict[str, _Target]
    english_loose_districts: dict[str, tuple[str, ...]]


@cache
def _data() -> dict[str, Any]:
    return read_places(data_file("places.json"))


def read_places(path: Path | Traversable) -> dict[str, Any]:
    """A places.json file, refused (WordListError) when a name appears twice: each name is one short province
    name or belongs to one place record (a Thai name with a space also stands for itself without it), so no
    entry silently overrides or shadows another."""
    data: dict[str, Any] = read_json(path)
    source = str(path)
    where: dict[str, str] = {}

    def claim(name: str, owner: str) -> None:
        if name in where:
            raise WordListError(f"{source}: duplicate name {name!r} (in {where[name]} and in {owner})")
        where[name] = owner

    for mode, names in data["short_province_names"].items():
        for name in names:
            claim(name, f"short_province_names.{mode}")
    for number, place in enumerate(data["places"]):
        owner = f"places[{number}] ({place['names'][0]})"
        for name in (v for n in place["names"] for v in _name_variants(n)):
            claim(name, owner)
    return data


def _name_variants(name: str) -> tuple[str, ...]:
    """ "พระราม 3" is also written "พระราม3"."""
    return (name, name.replace(" ", "")) if " " in name and not name.isascii() else (name,)


@cache
def _index() -> _Index:
    data = _data()
    short = data["short_province_names"]
    provinces: dict[str, str] = {}
    english_targets: dict[str, _Target] = {}
    bare: dict[str, _Target] = {}
    for p in geothai.provinces():
        provinces[p.name_th] = p.code
        english_targets[p.name_en.lower()] = _Target(province=p.code)
        if p.name_th not in _AMBIGUOUS_PROVINCES:
            bare[p.name_th] = _Target(province=p.code)
    english_targets["bangkok"] = _Target(province=BANGKOK)
    for name in _AMBIGUOUS_PROVINCES - _PREFIX_ONLY_PROVINCES:
        bare[name] = _Target(province=provinces[name], mode="amb")
    for mode in ("bare", "named", "context"):
        for alias, code in short[mode].items():
            provinces[alias] = code
            bare[alias] = _Target(province=code, mode=mode)
    for alias, code in short["english"].items():
        english_targets[alias] = _Target(province=code)
    prefixed_provinces = {**provinces, **short["prefix"]}

    districts: dict[str, list[str]] = {}
    english_districts: dict[str, list[str]] = {}
    all_districts = [d for p in geothai.provinces() for d in geothai.districts(p.code)]
    for d in all_districts:
        districts.setdefault(_name_key(d.name_th), []).append(d.code)
        english_districts.setdefault(d.name_en.lower(), []).append(d.code)
    province_names = {_name_key(p.name_th) for p in geothai.provinces()}
    well_known = set(_WELL_KNOWN_DISTRICTS)
    for d in all_districts:
        key = _name_key(d.name_th)
        if len(districts[key]) != 1:
            continue
        is_capital = key.startswith("เมือง") and key[len("เมือง") :] in province_names
        bangkok = d.province_code == BANGKOK
        if is_capital or bangkok or key in well_known:
            mode = "context" if key in _BANGKOK_DISTRICT_STOP else "bare"
            bare.setdefault(key, _Target(province=d.province_code, district=d.code, mode=mode))
        if is_capital or (bangkok and key not in _BANGKOK_DISTRICT_STOP):
            english_targets.setdefault(d.name_en.lower(), _Target(province=d.province_code, district=d.code))

    subdistricts: dict[str, list[str]] = {}
    english_subdistricts: dict[str, list[str]] = {}
    for d in all_districts:
        for s in geothai.subdistricts(d.code):
            subdistricts.setdefault(_name_key(s.name_th), []).append(s.code)
            english_subdistricts.setdefault(s.name_en.lower(), []).append(s.code)

    english_loose = _english_loose_names(all_districts)

    district_by_name = {k: v[0] for k, v in districts.items() if len(v) == 1}
    for place in data["places"]:
        district = district_by_name.get(place["district"], "") if place["district"] else ""
        subdistrict = ""
        if place["subdistrict"]:
            subdistrict = next(
                (c for c in subdistricts.get(place["subdistrict"], ()) if c[:4] == district), ""
            )
        target = _Target(place["province"], district, subdistrict, place["mode"])
        for name in place["names"]:
            table = english_targets if name.isascii() else bare
            for variant in _name_variants(name):
                known = table.get(variant)
                # A Bangkok district keeps its district code when a landmark list names it again.
                if known is not None and known.province == target.province and not target.district:
                    continue
                table[variant] = target

    # Other district names found in one province only: bare when long and specific, else after a place word.
    for key, codes in districts.items():
        province = codes[0][:2]
        if len(codes) != 1 or province == BANGKOK or key.startswith("เมือง") or len(key) < 4:
            continue
        if key in _DISTRICT_STOP or key in bare or key in provinces:
            continue
        # "หนองปรือ" is a district of Kanchanaburi and the subdistrict of Pattaya people mean.
        if any(not c.startswith(province) for c in subdistricts.get(key, ())):
            continue
        specific = len(key) >= 6 and not key.startswith(_GENERIC_PREFIXES)
        bare[key] = _Target(province, codes[0], mode="district" if specific else "district_context")

    for word in data["not_places"]:
        bare[word] = _Target(mode="none")

    roads = {p.name_th for p in geothai.provinces()}
    english_names = sorted(english_targets, key=len, reverse=True)
    return _Index(
        province_prefixed=re.compile(r"(?:จังหวัด|จ\.)\s*(" + _trie_pattern(prefixed_provinces) + ")"),
        district_prefixed=re.compile(
            r"(?P<prefix>กิ่งอำเภอ|อำเภอ|อ\.|เขต)\s*(?P<name>"
            + _trie_pattern(districts)
            + r"|เมือง(?:ฯ|\s*(?:"
            + _trie_pattern(provinces)
            + "))?)"
        ),
        subdistrict_prefixed=re.compile(
            r"(?P<prefix>ตำบล|ต\.|แขวง)\s*(?P<name>" + _trie_pattern(subdistricts) + ")"
        ),
        bare_thai=re.compile(
            _ROAD_WORDS
            + "(?P<road>"
            + _trie_pattern({*bare, *roads})
            + ")|(?P<name>"
            + _trie_pattern(bare)
            + ")"
        ),
        english=re.compile(
            r"(?<![a-z])(?P<name>"
            + "|".join(_english_pattern(n) for n in english_names)
            + r")(?![a-z])(?P<province>\s+province)?",
            re.I,
        ),
        english_district=re.compile(
            r"(?<![a-z])(?:(?:amphoe|khet|district(?:\s+of)?)\s+(?P<after>(?:[a-z][a-z\-]*)(?:\s[a-z][a-z\-]*){0,3})"
            r"|(?P<before>(?:[a-z][a-z\-]*\s){0,3}[a-z][a-z\-]*)\s+district)",
            re.I,
        ),
        english_subdistrict=re.compile(
            r"(?<![a-z])(?:(?:tambon|khwaeng|subdistrict(?:\s+of)?)\s+(?P<after>(?:[a-z][a-z\-]*)(?:\s[a-z][a-z\-]*){0,3})"
            r"|(?P<before>(?:[a-z][a-z\-]*\s){0,3}[a-z][a-z\-]*)\s+(?:sub-?district|tambon|khwaeng))",
            re.I,
        ),
        provinces=prefixed_provinces,
        districts={k: tuple(v) for k, v in districts.items()},
        subdistricts={k: tuple(v) for k, v in subdistricts.items()},
        bare=bare,
        bangkok_roads=frozenset(data["bangkok_roads"]),
        province_names=frozenset(roads),
        province_after=re.compile(r"\s?(?:จังหวัด|จ\.)?\s*(" + _trie_pattern(prefixed_provinces) + ")"),
        province_level=frozenset({*roads, *short["bare"]}),
        english_targets=english_targets,
        english_joined=_joined(english_targets),
        english_districts={k: tuple(v) for k, v in english_districts.items()},
        english_subdistricts={k: tuple(v) for k, v in english_subdistricts.items()},
        english_loose=english_loose,
        english_loose_districts={k: (t.district,) for k, t in english_loose.items() if t.district},
    )


def _joined(targets: dict[str, _Target]) -> dict[str, _Target]:
    """English names keyed without their spaces, where that key is no other name's."""
    joined: dict[str, _Target] = {}
    for name, target in sorted(targets.items()):
        key = name.replace(" ", "").replace("-", "")
        if key != name and key not in targets:
            joined.setdefault(key, target)
    return joined


def _english_loose_names(all_districts: list[Any]) -> dict[str, _Target]:
    """Loose keys of English district and subdistrict names that name one place only, five letters or more.

    A subdistrict named like a district elsewhere, or twice, is left out; a district keeps its name over a
    subdistrict of the same name inside it ("Mae Chaem" district and tambon).
    """
    codes: dict[str, set[str]] = {}
    for d in all_districts:
        codes.setdefault(_loose(d.name_en), set()).add(d.code)
        for s in geothai.subdistricts(d.code):
            codes.setdefault(_loose(s.name_en), set()).add(s.code)
    loose: dict[str, _Target] = {}
    for key, found in codes.items():
        districts = {c for c in found if len(c) == 4}
        inside = all(c[:4] in districts for c in found if len(c) == 6)
        if len(key) < 5 or len(districts) > 1 or not inside:
            continue
        if districts:
            loose[key] = _Target(district=next(iter(districts)))
        elif len(found) == 1:
            loose[key] = _Target(subdistrict=next(iter(found)))
    return loose


@cache
def _postal_areas(code: str) -> tuple[str, str, str]:
    """(province, district, subdistrict) a postal code points to, each "" when its subdistricts disagree.

    A subdistrict that spans two post-office zones lists both codes; it is the overflow of a neighbouring
    district, so the district is decided by the subdistricts for which this is the only or first code.
    """
    subs = geothai.by_postal_code(code)
    if not subs:
        return ("", "", "")
    provinces = {s.province_code for s in subs}
    main = [s for s in subs if s.postal_codes[0] == code] or subs
    districts = {s.district_code for s in main}
    return (
        next(iter(provinces)) if len(provinces) == 1 else "",
        next(iter(districts)) if len(districts) == 1 else "",
        subs[0].code if len(subs) == 1 else "",
    )


def _english_lookup(
    m: re.Match[str], names: dict[str, tuple[str, ...]], key: Callable[[str], str] = str
) -> tuple[str, ...]:
    """Codes for "district of Bang Rak ..." (longest leading words) or "... in Bang Rak district" (trailing)."""
    if m.group("after"):
        words = m.group("after").lower().split()
        candidates = [" ".join(words[:i]) for i in range(len(words), 0, -1)]
    else:
        words = m.group("before").lower().split()
        candidates = [" ".join(words[i:]) for i in range(len(words))]
    for candidate in candidates:
        if key(candidate) in names:
            return names[key(candidate)]
    return ()


def _continues_word(text: str, end: int) -> bool:
    return _AFTER_PLACE.match(text, end) is None


def _english_place_here(text: str, m: re.Match[str]) -> bool:
    before = _ENGLISH_PLACE_BEFORE.search(text, max(0, m.start() - 8), m.start())
    return m.group("name")[0].isupper() and before is not None


def _whose(text: str, start: int) -> str:
    """ "reporter" for a place named as where the reporter lives or works ("ผมอยู่โคราช", "I live in Korat"),
    "third_party" for where a relative or friend is ("น้องสาวอยู่ชลบุรี", "my sister in Chonburi"), else ""."""
    if not text:
        return ""
    before = max(0, start - 40)
    if _THIRD_PARTY_BEFORE.search(text, before, start) is not None:
        return "third_party"
    m = _REPORTER_BEFORE.search(text, before, start)
    if m is None:
        return ""
    if m.group("who") and _KIN_BEFORE.search(text, max(0, m.start() - 8), m.start()) is not None:
        return "third_party"  # "แม่ผมอยู่", "ลูกหนูอยู่": my mother, my child
    return "reporter"


def _passing(text: str, start: int) -> bool:
    before = max(0, start - 30)
    return (
        _PASSING_BEFORE.search(text, before, start) is not None
        or _WORK_BEFORE.search(text, before, start) is not None
        or _away(text, start)
    )


def _away(text: str, start: int) -> bool:
    return _AWAY_BEFORE.search(text, max(0, start - 30), start) is not None


def _bare_name_counts(text: str, name: str, start: int, end: int, target: _Target) -> bool:
    """Whether a name found without จ./อ./ต. is a place here (see the module docstring)."""
    before = max(0, start - 12)
    mode = target.mode
    if mode == "amb":
        if _INSTITUTION_BEFORE.search(text, before, start) is not None:
            return True
        alone = (start == 0 or text[start - 1].isspace()) and name not in _NOT_ALONE_PROVINCES
        return (alone or _LOCATION_BEFORE.search(text, before, start) is not None) and not _continues_word(
            text, end
        )
    # Thai runs words together: after a place word ("ซอยนานาเก็บ...") the name may run into the next word.
    after_place_word = _PLACE_WORDS.search(text, before, start) is not None
    if mode == "context":
        after_road = _ROAD_BEFORE.search(text, before, start) is not None
        return after_place_word and (len(name) > 4 or after_road or not _continues_word(text, end))
    short_or_word = mode in ("named", "district", "district_context") or len(name) <= 4
    if short_or_word and _continues_word(text, end) and not (after_place_word and len(name) >= 4):
        return False
    if mode == "named":
        return _TITLE_BEFORE.search(text, before, start) is None
    return True


class _Found:
    """Places in order of first mention; a child place brings its parents at the same position.

    For each province it also keeps how it was named: whether any mention is not in passing, whether the
    text gives a district, subdistrict or postal code inside it (an address), and whether it was written
    formally (จ./จังหวัด, "X province").
    """

    def __init__(self, text: str = "") -> None:
        self.text = text
        # Where the reporter lives ("ผมอยู่โคราช", "I live in Korat") and where a relative or friend is
        # ("น้องสาวอยู่ชลบุรี", "my sister in Chonburi"): with both, the event is the relative's.
        self.reporter: set[str] = set()
        self.not_reporter: set[str] = set()
        self.third_party: set[str] = set()
        self.provinces: dict[str, int] = {}
        self.districts: dict[str, int] = {}
        self.subdistricts: dict[str, int] = {}
        self.postal: dict[str, int] = {}
        self.meant: set[str] = set()
        self.detailed: set[str] = set()
        self.formal: set[str] = set()
        self.away: set[str] = set()

    def add(
        self,
        pos: int,
        province: str = "",
        district: str = "",
        subdistrict: str = "",
        *,
        passing: bool = False,
        detail: bool = False,
        formal: bool = False,
        away: bool = False,
    ) -> None:
        if subdistrict:
            self.subdistricts.setdefault(subdistrict, pos)
            district = district or subdistrict[:4]
        if district:
            self.districts.setdefault(district, pos)
            province = province or district[:2]
            detail = True
        if province:
            self.provinces.setdefault(province, pos)
            whose = _whose(self.text, pos)
            (self.reporter if whose == "reporter" else self.not_reporter).add(province)
            if whose == "third_party":
                self.third_party.add(province)
            if away:
                self.away.add(province)
            if not passing:
                self.meant.add(province)
                if detail:
                    self.detailed.add(province)
                if formal:
                    self.formal.add(province)

    def add_target(self, pos: int, target: _Target, *, passing: bool = False, away: bool = False) -> None:
        self.add(pos, target.province, target.district, target.subdistrict, passing=passing, away=away)

    def _in_passing(self) -> set[str]:
        """Provinces named only in passing while the text says elsewhere where things happen.

        A province every mention of which follows มาจาก, บ้านเกิด, "from" ... goes when another one is meant.
        A province named only as where someone went to work or for treatment, or where a bus is headed, goes
        even alone. A province named by its name alone goes when another is given with a district or postal code: the
        address is where the person is; the bare name is where a relative works or where someone comes from.
        """
        # Where someone went to work or for treatment goes even when no other place is named.
        away = {p for p in self.away if p not in self.meant}
        # Where the reporter lives gives way to where the relative or friend the report is about is.
        reporter = self.reporter - self.not_reporter
        relocated = reporter if self.third_party - reporter else set()
        if not self.meant - relocated:
            return away | relocated
        dropped = relocated | {p for p in self.provinces if p not in self.meant}
        if self.detailed - relocated:
            kept = self.third_party if relocated else set()
            dropped |= {
                p for p in self.meant if p not in self.detailed and p not in self.formal and p not in kept
            }
        return dropped

    def result(self) -> Places:
        dropped = self._in_passing()

        def ordered(found: dict[str, int]) -> tuple[str, ...]:
            return tuple(sorted((c for c in found if c[:2] not in dropped), key=found.__getitem__))

        postal = tuple(sorted(self.postal, key=self.postal.__getitem__))
        return Places(ordered(self.provinces), ordered(self.districts), ordered(self.subdistricts), postal)


def _narrow(codes: Iterable[str], *contexts: Iterable[str]) -> list[str]:
    """Keep the candidates inside the first context that keeps any (district codes before province codes)."""
    candidates = list(codes)
    for context in contexts:
        inside = [c for c in candidates if any(c.startswith(area) for area in context)]
        if inside:
            return inside
    return candidates


def find_places(text: str) -> Places:
    """Provinces, districts, subdistricts and postal codes in `text` (see the module docstring)."""
    if not text:
        return Places()
    index = _index()
    text = _THAI_HYPHEN.sub("", text)
    found = _Found(text)
    taken: list[tuple[int, int]] = []

    for m in index.province_prefixed.finditer(text):
        found.add(
            m.start(), province=index.provinces[m.group(1)], passing=_passing(text, m.start()), formal=True
        )
        taken.append(m.span())

    for m in _POSTAL.finditer(text):
        code = m.group(1)
        if _MONEY_AFTER.match(text, m.end()) or _MONEY_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        if not geothai.by_postal_code(code):
            continue
        province, district, subdistrict = _postal_areas(code)
        found.postal.setdefault(code, m.start())
        found.add(m.start(), province, district, subdistrict, detail=True)

    english_weak: list[tuple[int, _Target]] = []
    if _LATIN.search(text):
        for m in index.english.finditer(text):
            name = re.sub(r"[\s\-]+", " ", m.group("name").lower())
            key = name if name in index.english_targets else name.replace(" ", "")
            target = (
                index.english_targets.get(key)
                or index.english_targets.get(m.group("name").lower())
                or index.english_joined.get(key)
            )
            if target is None:
                continue
            # "in Trang", "at Pai": capitalised after a preposition; "my nan", "mai pai" are words.
            needs_preposition = key in _ENGLISH_AMBIGUOUS or target.mode == "context"
            if needs_preposition and not m.group("province") and not _english_place_here(text, m):
                continue
            if target.mode == "weak":
                english_weak.append((m.start(), target))
                continue
            passing = _passing(text, m.start())
            found.add(
                m.start(),
                target.province,
                target.district,
                target.subdistrict,
                passing=passing,
                formal=bool(m.group("province")),
                away=_away(text, m.start()),
            )
            taken.append(m.span())
        for m in _ENGLISH_AFTER_PREPOSITION.finditer(text):
            if any(s <= m.start("words") < e for s, e in taken):
                continue
            words = re.split(r"[\s\-]+", m.group("words"))
            for n in range(len(words), 0, -1):
                loose_target = index.english_loose.get(_loose(" ".join(words[:n])))
                if loose_target is not None:
                    found.add_target(m.start("words"), loose_target, passing=_passing(text, m.start("words")))
                    break

    mueang: list[tuple[int, str, bool]] = []
    pending_districts: list[tuple[int, tuple[str, ...], bool]] = []
    for m in index.district_prefixed.finditer(text):
        name, prefix = m.group("name"), m.group("prefix")
        if name.startswith("เมือง") and _name_key(name) not in index.districts:
            rest = name[len("เมือง") :].strip().rstrip("ฯ")
            mueang.append((m.start(), index.provinces.get(rest, ""), _passing(text, m.start())))
            taken.append(m.span())
            continue
        codes = index.districts[_name_key(name)]
        if len(name) <= 3 and _continues_word(text, m.end()):
            continue  # "อ.พลอย" is a teacher's name, not Phon district.
        if prefix == "เขต":
            codes = tuple(c for c in codes if c.startswith(BANGKOK)) or codes
        pending_districts.append((m.start(), codes, _passing(text, m.start())))
        taken.append(m.span())

    # Police stations and hospitals (gazetteer.py): their names are not read again as bare place names.
    institutions = find_institutions(
        text,
        provinces=index.provinces,
        districts=index.districts,
        subdistricts=index.subdistricts,
        continues_word=_continues_word,
    )
    taken.extend((i.start, i.end) for i in institutions)

    weak = english_weak
    needs_province: list[tuple[int, _Target, bool]] = []
    pos = 0
    while (hit := index.bare_thai.search(text, pos)) is not None:
        # A name that does not count here may hide one that starts inside it ("ย่านราชดำเนิน" holds "นรา").
        pos = hit.start() + 1
        if any(s <= hit.start() < e for s, e in taken):
            continue
        name = hit.group("road") or hit.group("name")
        start, end = hit.span("road") if hit.group("road") else hit.span("name")
        target = index.bare.get(name)
        if hit.group("road") and (target is None or name in index.province_names):
            # "ถนนเพชรบุรี", "ซอยกำแพงเพชร 2": a road named after a province, not the province.
            if name in index.bangkok_roads:
                weak.append((start, _Target(province=BANGKOK)))
            pos = end
            continue
        if target is not None and target.mode == "none":
            pos = end  # "ตลาดไทย-ลาว" is not ตลาดไท
            continue
        if target is None or not _bare_name_counts(text, name, start, end, target):
            continue
        if name not in index.province_level:
            after = index.province_after.match(text, end)
            if after is not None and index.provinces[after.group(1)] != target.province:
                continue  # "แถวปากน้ำ ระนอง" is the river mouth in Ranong
        pos = end
        passing = _passing(text, start)
        if target.mode == "weak":
            weak.append((start, target))
        elif target.mode == "district_context" and not _PLACE_WORDS.search(text, max(0, start - 12), start):
            needs_province.append((start, target, passing))
        else:
            found.add_target(start, target, passing=passing, away=_away(text, start))

    for m in index.english_district.finditer(text):
        district_codes = _english_lookup(m, index.english_districts)
        if not district_codes:  # "Pra Pradaeng district"
            district_codes = _english_lookup(m, index.english_loose_districts, _loose)
        if district_codes:
            pending_districts.append((m.start(), district_codes, _passing(text, m.start())))
        elif re.search(r"\bmueang\b", m.group(0), re.I):
            mueang.append((m.start(), "", _passing(text, m.start())))

    for institution in institutions:
        codes = institution.codes
        chosen = _narrow(codes, found.districts, found.provinces) if len(codes) > 1 else list(codes)
        if len(chosen) == 1:
            code, passing = chosen[0], _passing(text, institution.start)
            if len(code) == 2:
                found.add(institution.start, province=code, passing=passing)
            elif len(code) == 4:
                found.add(institution.start, district=code, passing=passing)
            else:
                found.add(institution.start, subdistrict=code, passing=passing)

    for at, target, passing in needs_province:
        if target.province in found.provinces:
            found.add_target(at, target, passing=passing)
    # Roads that run on into other provinces, BTS and MRT: Bangkok unless the text names somewhere else
    # (a district found in one province only, "อ.สัตหีบ", names it too).
    if not found.provinces and not any(len(codes) == 1 for _, codes, _ in pending_districts):
        for at, target in weak:
            found.add_target(at, target)

    # Districts named in several provinces need the province from elsewhere in the text.
    for at, codes, passing in pending_districts:
        chosen = _narrow(codes, found.provinces) if len(codes) > 1 else list(codes)
        if len(chosen) == 1:
            found.add(at, district=chosen[0], passing=passing)

    # "อ.เมือง" alone is the capital district of the one province named.
    for at, province, passing in mueang:
        province = province or (next(iter(found.provinces)) if len(found.provinces) == 1 else "")
        if province and province != BANGKOK:
            found.add(at, district=province + "01", passing=passing)

    def resolve_subdistrict(pos: int, codes: tuple[str, ...], bangkok_only: bool) -> None:
        candidates = [c for c in codes if c.startswith(BANGKOK)] if bangkok_only else list(codes)
        if not candidates:
            return
        postal_subs = {s.code for p in found.postal for s in geothai.by_postal_code(p)}
        chosen = _narrow(candidates, found.districts, found.provinces, postal_subs)
        if len(chosen) == 1:
            found.add(pos, subdistrict=chosen[0], passing=_passing(text, pos))

    for m in index.subdistrict_prefixed.finditer(text):
        name = m.group("name")
        if len(name) <= 3 and _continues_word(text, m.end()):
            continue
        resolve_subdistrict(m.start(), index.subdistricts[_name_key(name)], m.group("prefix") == "แขวง")

    for m in index.english_subdistrict.finditer(text):
        subdistrict_codes = _english_lookup(m, index.english_subdistricts)
        if subdistrict_codes:
            resolve_subdistrict(m.start(), subdistrict_codes, False)

    return found.result()
