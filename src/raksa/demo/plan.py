"""The demo's plan, made without a database: who, what and where.

Who: people (600 by default) with Thai (and migrants' and stateless people's) names, identifiers and addresses
across all 77 provinces, and the demo staff who work their cases. What: cases over the past ten months (1,200 by
default), every category and all five emergency types, in the words a call-taker would write down, each with the
steps it goes through (screening, notes, referrals, closure) and how long ago it was opened. Where: the
subdistrict of each person and case, and the unit that owns or receives it.

Everything is derived from one seed (random.Random) and a fixed plan date, so the same seed always plans the same
demo: that is how a re-run recognises what an earlier run loaded. Nothing here reads or writes the database (the
only application imports are choice lists); raksa.demo.load carries the plan out through the real services, and
raksa.demo.backdate spreads the resulting timelines over the past.

The pure parts (names, addresses, identifiers, case texts) are also used by bench/people_cases_bench.py.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

import geothai

from raksa.cases.models import EmergencyType
from raksa.core.identifiers import make_national_id
from raksa.directory.models import Category

BANGKOK = "10"
DEMO_SEED = 1300
DEFAULT_PEOPLE = 600
DEFAULT_CASES = 1200
# Ages and birth dates are planned from this fixed day, so that a re-run in any later year plans the same people
# (with the same national IDs) and finds them; the people simply grow older, as people do.
PLAN_DATE = dt.date(2026, 1, 1)

# (username, role, unit code, display name): one staff member per role (DESIGN.md's personas).
DEMO_USERS: tuple[tuple[str, str, str, str], ...] = (
    ("demo_call_taker", "call_taker", "centre-1300", "สุดารัตน์ รับสาย (1300)"),
    ("demo_responder", "responder", "rru-10", "ธนากร ลงพื้นที่ (ศรส. กรุงเทพฯ)"),
    ("demo_case_worker", "case_worker", "pso-10", "พิมพ์ชนก ช่วยเหลือ (พมจ. กรุงเทพฯ)"),
    ("demo_supervisor", "supervisor", "pso-10", "วิโรจน์ ดูแลงาน (พมจ. กรุงเทพฯ)"),
    ("demo_admin", "admin", "centre-1300", "ผู้ดูแลระบบ (ตัวอย่าง)"),
    ("demo_volunteer", "volunteer", "pso-50", "บุญศรี ใจอาสา (อพม. เชียงใหม่)"),
)
VOLUNTEER_USERNAME = "demo_volunteer"
VOLUNTEER_PROVINCE = "50"  # Chiang Mai: her office's province, where her community is
VOLUNTEER_DISTRICT = "5001"

# The 1300 centre's telephony system: a service account (no password) whose token posts call events to
# POST /api/v1/calls/incoming; `raksa token create` with the same arguments gives that token.
# (username, role, unit, service, display name)
TELEPHONY_USER: tuple[str, str, str, str, str] = (
    "pbx",
    "call_taker",
    "centre-1300",
    "telephony",
    "ระบบโทรศัพท์ศูนย์ 1300 (ตัวอย่าง)",
)

EMERGENCY_TYPES: tuple[str, ...] = tuple(EmergencyType.values)
CATEGORIES: tuple[str, ...] = tuple(Category.values)
# How often each problem reaches the hotline (roughly the 1300 centre's own yearly mix), in CATEGORIES' order.
CATEGORY_WEIGHTS = (16, 6, 4, 10, 8, 4, 12, 5, 12, 7, 12, 4)
# The category an emergency is logged under, besides its emergency type.
EMERGENCY_CATEGORY = {
    "threat": "family_violence",
    "detention": "human_trafficking",
    "abuse_risk": "child_protection",
    "frenzy": "drugs",
    "gathering": "drugs",
}
# Where a provincial office refers each kind of problem for specialised help.
REFERRAL_TARGET = {
    "family_violence": "dwf-hq",
    "unplanned_pregnancy": "dwf-hq",
    "human_trafficking": "atd-hq",
    "drugs": "dsdw-hq",
    "homelessness": "dsdw-hq",
    "begging": "dsdw-hq",
    "child_protection": "dcy-hq",
    "missing_person": "dcy-hq",
    "elderly_care": "dop-hq",
    "disability_support": "dep-hq",
    "financial_hardship": "dsdw-hq",
    "other": "dsdw-hq",
}
# Who can be the subject of each kind of case: (min age, max age, sex or "" for any).
SUBJECT_RULES: dict[str, tuple[int, int, str]] = {
    "family_violence": (18, 90, ""),
    "unplanned_pregnancy": (13, 40, "female"),
    "human_trafficking": (14, 55, ""),
    "drugs": (13, 65, ""),
    "child_protection": (0, 17, ""),
    "elderly_care": (60, 110, ""),
    "threat": (16, 90, ""),
    "detention": (14, 55, ""),
    "abuse_risk": (8, 35, "female"),
    "frenzy": (15, 65, "male"),
    "gathering": (12, 25, ""),
}
# Categories anyone can be the subject of: the fallback when a province has nobody fitting the first choice.
OPEN_CATEGORIES = ("financial_hardship", "homelessness", "disability_support", "missing_person", "other")
# Dispatch milestones (a field team alerted, then on scene) are planned because they happen to emergencies, but
# they belong to the dispatch app: the loader leaves them out until it can call dispatch's own services.
DISPATCH_STEPS = frozenset({"forwarded", "on_scene"})
# The events case_create writes (the case, then each person involved): seconds apart, as one call is taken down.
OPENING_EVENTS = frozenset({"created", "party_added"})
# A unit that receives referrals but has no demo staff member gets a desk: a case worker with no password, who
# exists so that a referral is accepted by someone of the receiving unit, as the services require.
DESK_PREFIX = "demo_desk_"
DESK_ROLE = "case_worker"
DESK_DISPLAY_NAME = "เจ้าหน้าที่รับเรื่อง {unit}"


# ---------------------------------------------------------------------------------------------------------------
# data files and geography


@lru_cache(maxsize=1)
def names_data() -> dict[str, Any]:
    return json.loads(files("raksa.demo").joinpath("data/thai_names.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def case_texts() -> dict[str, Any]:
    return json.loads(files("raksa.demo").joinpath("data/demo_cases.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Place:
    province_code: str
    province_th: str
    district_code: str
    district_th: str
    subdistrict_code: str
    subdistrict_th: str
    postal_code: str

    @property
    def area_text(self) -> str:
        if self.province_code == BANGKOK:
            return f"แขวง{self.subdistrict_th} {self.district_th} {self.province_th}"
        return f"ต.{self.subdistrict_th} อ.{self.district_th} จ.{self.province_th}"


@lru_cache(maxsize=1)
def province_codes() -> tuple[str, ...]:
    return tuple(p.code for p in geothai.provinces())


@lru_cache(maxsize=1)
def places_by_province() -> dict[str, tuple[Place, ...]]:
    """Every subdistrict of the country (7,436) with its district, province and postal code."""
    out: dict[str, tuple[Place, ...]] = {}
    for province in geothai.provinces():
        rows = []
        for district in geothai.districts(province.code):
            for sub in geothai.subdistricts(district.code):
                rows.append(
                    Place(
                        province.code,
                        province.name_th,
                        district.code,
                        district.name_th,
                        sub.code,
                        sub.name_th,
                        sub.postal_codes[0] if sub.postal_codes else "",
                    )
                )
        out[province.code] = tuple(rows)
    return out


def province_name(code: str) -> str:
    return places_by_province()[code][0].province_th


# ---------------------------------------------------------------------------------------------------------------
# identifiers: unique by construction, random-looking, reproducible


def scramble(index: int, salt: int, modulus: int) -> int:
    """A bijection of [0, modulus) (modulus a power of ten): distinct indexes never share a number."""
    return (index * 7_368_787 + salt) % modulus


def national_id_for(index: int, *, district_code: str, birth_year: int, salt: int) -> str:
    """Shaped like the real thing: 1 (registered at birth since 1984) or 3, the registering district, then digits."""
    kind = "1" if birth_year >= 1984 else "3"
    return make_national_id(f"{kind}{district_code}{scramble(index, salt, 10**7):07d}")


def mobile_for(index: int, *, salt: int, second: bool = False) -> str:
    """First numbers start 08/09, second numbers 06, so the two series never collide."""
    if second:
        return f"06{scramble(index, salt + 1, 10**8):08d}"
    return f"0{'89'[index % 2]}{scramble(index, salt, 10**8):08d}"


def line_user_id(rng: random.Random) -> str:
    return f"U{rng.getrandbits(128):032x}"


# ---------------------------------------------------------------------------------------------------------------
# people


@dataclass
class PersonSpec:
    index: int
    title: str
    first_name_th: str
    last_name_th: str
    sex: str
    age: int
    birth_date: dt.date | None
    nationality: str
    status: str
    place: Place
    house: str
    first_name_en: str = ""
    last_name_en: str = ""
    nickname: str = ""
    national_id: str | None = None
    passport: str | None = None
    phones: list[str] = field(default_factory=list)
    line_user_id: str | None = None

    @property
    def identifiers(self) -> list[str]:
        values = [self.national_id, *self.phones, self.line_user_id, self.passport]
        return [v for v in values if v]

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.title, self.first_name_th, self.last_name_th) if p)

    @property
    def address(self) -> dict[str, str]:
        p = self.place
        return {
            "text": f"{self.house} {p.area_text} {p.postal_code}".strip(),
            "province_code": p.province_code,
            "district_code": p.district_code,
            "subdistrict_code": p.subdistrict_code,
            "postal_code": p.postal_code,
        }


def thai_title(sex: str, age: int, rng: random.Random) -> str:
    if age < 15:
        return "เด็กชาย" if sex == "male" else "เด็กหญิง"
    if sex == "male":
        return "นาย"
    return "นาง" if age >= 25 and rng.random() < 0.6 else "นางสาว"


def house_number(rng: random.Random, province_code: str) -> str:
    number = f"{rng.randint(1, 299)}" + (f"/{rng.randint(1, 40)}" if rng.random() < 0.3 else "")
    if province_code == BANGKOK:
        return f"{number} ซอย {rng.randint(1, 120)}"
    return f"{number} หมู่ {rng.randint(1, 15)}"


def random_age(rng: random.Random) -> int:
    """Children, working-age adults and elderly people, as they reach social services."""
    band = rng.random()
    if band < 0.22:
        return rng.randint(0, 17)
    if band < 0.75:
        return rng.randint(18, 59)
    return rng.randint(60, 96)


def person_spec(
    rng: random.Random, index: int, province_code: str, *, salt: int, today: dt.date
) -> PersonSpec:
    names = names_data()
    place = rng.choice(places_by_province()[province_code])
    age = random_age(rng)
    kind = rng.random()
    if kind < 0.035:
        migrant = rng.choice(names["migrants"])
        sex = migrant["sex"]
        age = max(age, 16)
        spec = PersonSpec(
            index=index,
            title="",
            first_name_th=migrant["first_name_th"],
            last_name_th=migrant["last_name_th"],
            first_name_en=migrant["first_name_en"],
            last_name_en=migrant["last_name_en"],
            sex=sex,
            age=age,
            birth_date=None,
            nationality=migrant["nationality"],
            status="migrant",
            place=place,
            house=house_number(rng, province_code),
        )
        if rng.random() < 0.6:
            prefix = {"MM": "MC", "KH": "N0", "LA": "P0"}[migrant["nationality"]]
            spec.passport = f"{prefix}{scramble(index, salt + 2, 10**7):07d}"
        spec.phones.append(mobile_for(index, salt=salt))
        return spec
    if kind < 0.05:
        person = rng.choice(names["stateless"])
        spec = PersonSpec(
            index=index,
            title="",
            first_name_th=person["first_name_th"],
            last_name_th=person["last_name_th"],
            sex=person["sex"],
            age=age,
            birth_date=None,
            nationality="",
            status="stateless",
            place=place,
            house=house_number(rng, province_code),
        )
        spec.phones.append(mobile_for(index, salt=salt))
        return spec
    sex = rng.choice(("male", "female"))
    first = rng.choice(names[sex])
    birth_date: dt.date | None = None
    if rng.random() < 0.85:
        birth_date = today - dt.timedelta(days=int(age * 365.25) + rng.randint(0, 364))
    birth_year = birth_date.year if birth_date else today.year - age
    spec = PersonSpec(
        index=index,
        title=thai_title(sex, age, rng),
        first_name_th=first,
        last_name_th=rng.choice(names["surnames"]),
        sex=sex,
        age=age,
        birth_date=birth_date,
        nationality="TH",
        status="thai",
        place=place,
        house=house_number(rng, province_code),
    )
    if rng.random() < 0.4:
        spec.nickname = rng.choice(names["nicknames"][sex])
    spec.national_id = national_id_for(
        index, district_code=place.district_code, birth_year=birth_year, salt=salt
    )
    if age >= 12 or rng.random() < 0.2:
        spec.phones.append(mobile_for(index, salt=salt))
        if rng.random() < 0.15:
            spec.phones.append(mobile_for(index, salt=salt, second=True))
    if spec.phones and age >= 14 and rng.random() < 0.3:
        spec.line_user_id = line_user_id(rng)
    return spec


def plan_people(*, count: int, seed: int, today: dt.date) -> list[PersonSpec]:
    """`count` people, provinces dealt round-robin so that 77 people already cover the country."""
    rng = random.Random(seed)
    provinces = province_codes()
    salt = seed * 1_000_003
    return [person_spec(rng, i, provinces[i % len(provinces)], salt=salt, today=today) for i in range(count)]


# ---------------------------------------------------------------------------------------------------------------
# cases


@dataclass
class Step:
    kind: str  # screening | active | note | assign | refer | accept | forwarded | on_scene | close
    # text: the note, the referral's reason or the outcome; unit_code: the unit referred to or accepting.
    text: str = ""
    unit_code: str = ""


@dataclass
class CaseSpec:
    index: int
    subject: int  # index into the people plan
    category: str
    emergency_type: str
    urgency: str
    channel: str
    place: Place
    summary: str
    description: str
    location_text: str
    owning_unit: str  # "" = routed by the directory
    reporter: int | None = None
    perpetrator: int | None = None
    steps: list[Step] = field(default_factory=list)
    age_days: float = 0.0  # how long ago the case was opened


def _fits(person: PersonSpec, rule: tuple[int, int, str] | None) -> bool:
    if rule is None:
        return True
    low, high, sex = rule
    return low <= person.age <= high and (not sex or person.sex == sex)


class _Slots(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def case_text(
    rng: random.Random, *, key: str, emergency: bool, person: PersonSpec, place: Place, channel: str
) -> tuple[str, str, str]:
    """(summary, description, location text) in the words a call-taker would write down."""
    texts = case_texts()
    pool = texts["emergencies" if emergency else "categories"][key]
    slots_pool = texts["slots"]
    first = person.first_name_th
    short = f"น้อง{person.nickname or first}" if person.age < 18 else f"คุณ{first}"
    where = f"{rng.choice(slots_pool['place'])} {place.area_text}"
    slots = _Slots(
        subject=person.display_name,
        subject_short=short,
        age=str(person.age),
        age2=str(person.age + rng.randint(1, 12)),
        weeks=str(rng.randint(6, 30)),
        children=str(rng.randint(1, 4)),
        days=str(rng.randint(1, 14)),
        years=str(rng.randint(1, 8)),
        times=str(rng.randint(1, 3)),
        months=str(rng.randint(1, 10)),
        count=str(rng.randint(3, 25)),
        debt=f"{rng.randint(2, 30) * 5_000:,}",
        wage=str(rng.choice((300, 350, 400, 500, 600))),
        income=f"{rng.randint(3, 12) * 1_000:,}",
        allowance=str(rng.choice((600, 700, 800, 1_000))),
        grade=str(rng.randint(1, 6)),
        relation=rng.choice(slots_pool["relation"]),
        reporter_rel=rng.choice(slots_pool["reporter_rel"]),
        place=rng.choice(slots_pool["place"]),
        colour=rng.choice(slots_pool["colour"]),
        area=place.area_text,
        hometown=f"จ.{province_name(rng.choice(province_codes()))}",
    )
    summary = rng.choice(pool["summaries"]).format_map(slots)
    details = rng.sample(pool["details"], k=min(len(pool["details"]), rng.randint(2, 3)))
    opener = {
        "hotline": f"ผู้แจ้งโทรเข้าสายด่วน 1300 เวลา {rng.randint(0, 23):02d}.{rng.randint(0, 59):02d} น.",
        "line": "ได้รับแจ้งผ่าน LINE สายด่วน 1300",
        "web": "แจ้งผ่านแบบฟอร์มบนเว็บไซต์",
        "walk_in": "ผู้ประสบปัญหาเดินทางมาติดต่อด้วยตนเองที่สำนักงาน",
        "api": "รับเรื่องต่อจากระบบของหน่วยงานภาคี",
    }[channel]
    description = " ".join([opener, *(d.format_map(slots) for d in details)])
    return summary[:300], description, where[:500]


def _status_steps(rng: random.Random, spec: CaseSpec) -> list[Step]:
    texts = case_texts()
    notes = texts["notes"]
    outcome = rng.choice(texts["outcomes"])
    if spec.emergency_type:
        steps = [Step("forwarded")]
        if rng.random() < 0.8:
            steps.append(Step("on_scene"))
        steps.append(Step("active"))
        steps += [Step("note", rng.choice(notes)) for _ in range(rng.randint(1, 2))]
        roll = rng.random()
        if roll < 0.2:
            target = REFERRAL_TARGET[spec.category]
            steps.append(Step("refer", texts["referral_reasons"].get(target, ""), target))
            steps.append(Step("accept", unit_code=target))
        elif roll < 0.75:
            steps.append(Step("close", outcome))
        return steps
    status = rng.choices(("new", "screening", "active", "referred", "closed"), weights=(12, 13, 27, 18, 30))[
        0
    ]
    if status == "new":
        return []
    steps = [Step("screening")]
    if status == "screening":
        return steps
    if status != "screening" and rng.random() < 0.3:
        steps = []  # clear cases skip screening
    steps.append(Step("active"))
    steps.append(Step("assign"))
    steps += [Step("note", rng.choice(notes)) for _ in range(rng.randint(0 if status == "active" else 1, 2))]
    target = REFERRAL_TARGET[spec.category]
    if target == spec.owning_unit:
        target = f"pso-{spec.place.province_code}"
    if status == "referred" or (status == "closed" and rng.random() < 0.3):
        steps.append(
            Step("refer", texts["referral_reasons"].get(target, texts["referral_reasons"]["pso"]), target)
        )
        if status == "closed" or rng.random() < 0.6:
            steps.append(Step("accept", unit_code=target))
            steps.append(Step("note", rng.choice(notes)))
    if status == "closed":
        steps.append(Step("close", outcome))
    return steps


def _pick_category(rng: random.Random) -> str:
    return rng.choices(CATEGORIES, weights=CATEGORY_WEIGHTS)[0]


def _frequent_category(person: PersonSpec, visit: int) -> str:
    """The problems that bring one person back over a year: first to the provincial office, then to a specialised
    department (the second visit's category picks which), then to another province's office."""
    if person.age < 18:
        cycle = ("missing_person", "child_protection", "drugs")
    elif person.age >= 60:
        cycle = ("financial_hardship", "elderly_care", "disability_support")
    elif person.sex == "female":
        cycle = (
            "financial_hardship",
            "family_violence",
            "unplanned_pregnancy" if person.age <= 40 else "homelessness",
        )
    else:
        cycle = (
            "financial_hardship",
            ("disability_support", "human_trafficking")[person.index % 2],
            "homelessness",
        )
    return cycle[visit % 3]


def plan_cases(*, count: int, people: list[PersonSpec], seed: int) -> list[CaseSpec]:
    """`count` cases: provinces round-robin (plus more in Bangkok, where the demo staff work), ~15% emergencies of
    all five types, every category, and a group of people who come back to several agencies."""
    rng = random.Random(seed + 1)
    provinces = province_codes()
    by_province: dict[str, list[PersonSpec]] = defaultdict(list)
    for person in people:
        by_province[person.place.province_code].append(person)
    frequent = people[: max(4, len(people) // 6)]
    visits: dict[int, int] = defaultdict(int)
    round_robin = 0
    regular = 0
    specs: list[CaseSpec] = []
    for i in range(count):
        emergency_type = ""
        owning = ""
        if i % 4 == 1:
            subject = frequent[(i // 4) % len(frequent)]
            visit = visits[subject.index]
            visits[subject.index] += 1
            category = _frequent_category(subject, visit)
            place = subject.place
            if visit % 3 == 1:
                # The specialised department takes the person on directly.
                owning = REFERRAL_TARGET[category]
            elif visit % 3 == 2:
                # The person moved: another province's office meets them again.
                other = provinces[(provinces.index(place.province_code) + 7 + visit) % len(provinces)]
                place = rng.choice(places_by_province()[other])
                owning = f"pso-{other}"
        else:
            if i % 10 == 9:
                province = BANGKOK
            else:
                province = provinces[round_robin % len(provinces)]
                round_robin += 1
            regular += 1
            if regular % 5 == 2:
                # One regular case in five (15% of all): the five emergency types in turn.
                emergency_type = EMERGENCY_TYPES[(regular // 5) % len(EMERGENCY_TYPES)]
                category = EMERGENCY_CATEGORY[emergency_type]
                rule = SUBJECT_RULES.get(emergency_type)
            else:
                # Every category in turn first, so that even a small demo has each one; then the hotline's mix.
                category = (
                    CATEGORIES[regular % len(CATEGORIES)]
                    if regular < 3 * len(CATEGORIES)
                    else _pick_category(rng)
                )
                rule = SUBJECT_RULES.get(category)
            local = by_province.get(province) or people
            fitting = [p for p in local if _fits(p, rule)] or [p for p in people if _fits(p, rule)]
            if fitting:
                subject = rng.choice(fitting)
            else:
                subject = rng.choice(local)
                emergency_type = ""
                category = rng.choice(OPEN_CATEGORIES)
            place = (
                subject.place
                if subject.place.province_code == province
                else rng.choice(places_by_province()[province])
            )
        emergency = bool(emergency_type)
        if emergency:
            channel = rng.choices(("line", "hotline"), weights=(60, 40))[0]
        else:
            channel = rng.choices(("hotline", "line", "web", "walk_in"), weights=(55, 22, 13, 10))[0]
        key = emergency_type or category
        summary, description, location = case_text(
            rng, key=key, emergency=emergency, person=subject, place=place, channel=channel
        )
        spec = CaseSpec(
            index=i,
            subject=subject.index,
            category=category,
            emergency_type=emergency_type,
            urgency="emergency" if emergency else rng.choices(("urgent", "normal"), weights=(30, 70))[0],
            channel=channel,
            place=place,
            summary=summary,
            description=description,
            location_text=location,
            owning_unit=owning,
        )
        local = by_province.get(place.province_code) or people
        if rng.random() < 0.3:
            reporter = rng.choice(local)
            if reporter.index != subject.index:
                spec.reporter = reporter.index
        if category == "family_violence" and rng.random() < 0.4:
            perpetrator = rng.choice(local)
            if perpetrator.index not in (subject.index, spec.reporter):
                spec.perpetrator = perpetrator.index
        spec.steps = _status_steps(rng, spec)
        spec.age_days = _age_days(rng, spec)
        specs.append(spec)
    return specs


def _age_days(rng: random.Random, spec: CaseSpec) -> float:
    """Open cases are recent; closed ones reach back up to ten months."""
    kinds = {s.kind for s in spec.steps}
    if not spec.steps:
        return rng.uniform(0.05, 3)
    if kinds == {"screening"}:
        return rng.uniform(0.5, 10)
    if "close" in kinds:
        return rng.uniform(5, 300)
    return rng.uniform(2, 120)


# ---------------------------------------------------------------------------------------------------------------
# who works a case, and when each step happened


def manager_username(unit_code: str, province_code: str) -> str:
    """The demo staff member who works a case owned by `unit_code`: the Bangkok office's case worker or rapid
    responder for their own units, the Bangkok supervisor for the rest of Bangkok, the 1300 centre elsewhere."""
    if unit_code == "pso-10":
        return "demo_case_worker"
    if unit_code == "rru-10":
        return "demo_responder"
    if province_code == BANGKOK:
        return "demo_supervisor"
    return "demo_call_taker"


def receiver_username(unit_code: str) -> str:
    """Who answers a referral to `unit_code`: the Bangkok office's case worker there, else that unit's desk."""
    if unit_code == "pso-10":
        return "demo_case_worker"
    return f"{DESK_PREFIX}{unit_code}"


def desk_units(cases: list[CaseSpec]) -> list[str]:
    """The units that accept a referral somewhere in the plan and need a desk to do it."""
    units = {
        step.unit_code
        for spec in cases
        for step in spec.steps
        if step.kind == "accept" and receiver_username(step.unit_code).startswith(DESK_PREFIX)
    }
    return sorted(units)


def timeline_times(
    spec: CaseSpec, kinds: list[str], *, now: dt.datetime
) -> tuple[dt.datetime, list[dt.datetime]]:
    """When the case was opened and when each of its events (`kinds`, in timeline order) happened, in the past.

    The opening events come seconds apart; an emergency moves in minutes; other cases spread their steps over the
    days since they were opened. Times never decrease and never pass `now`.
    """
    rng = random.Random(spec.index * 7919)
    opened = now - dt.timedelta(days=spec.age_days)
    span = (now - opened).total_seconds()
    at = opened
    times = []
    for kind in kinds:
        times.append(at)
        if kind in OPENING_EVENTS:
            step = rng.uniform(5, 90)
        elif spec.emergency_type:
            step = rng.uniform(60, 40 * 60)
        else:
            step = rng.uniform(0.1, 1) * span / max(2, len(kinds))
        at = min(at + dt.timedelta(seconds=step), now)
    return opened, times


# ---------------------------------------------------------------------------------------------------------------
# the community volunteer's own reports


@dataclass(frozen=True)
class VolunteerReportSpec:
    """One report demo_volunteer makes for a demo person (by plan index), with that person's consent."""

    key: str  # her idempotency key: a re-run finds the report already made
    subject: int
    text: str
    category: str
    place_text: str
    province_code: str
    district_code: str
    consent_method: str
    consent_by: str  # "" when the person consented themselves
    follow_up: str  # a note she adds afterwards, "" for none


VOLUNTEER_STORIES: tuple[tuple[str, str, str, str], ...] = (
    (
        "elderly_care",
        "ผู้สูงอายุอยู่บ้านคนเดียว ลูกหลานไปทำงานต่างจังหวัด เดินไม่ค่อยไหว ขาดคนดูแลเรื่องอาหารและยา ต้องการเบี้ยยังชีพและผู้ดูแลที่บ้าน",
        "",
        "ไปเยี่ยมบ้านอีกครั้ง ยังทานข้าวได้ แต่ยาความดันใกล้หมด ขอให้เจ้าหน้าที่ช่วยประสานโรงพยาบาลส่งเสริมสุขภาพตำบล",
    ),
    (
        "disability_support",
        "ผู้พิการทางการเคลื่อนไหว นั่งรถเข็นเก่าที่ชำรุดแล้ว ห้องน้ำในบ้านเข้าไม่ได้ ครอบครัวรายได้น้อย "
        "ต้องการรถเข็นใหม่และการปรับสภาพบ้าน",
        "ลูกสาว (ผู้ดูแล)",
        "",
    ),
)


def plan_volunteer_reports(*, people: list[PersonSpec]) -> list[VolunteerReportSpec]:
    """Two reports for adults with a national ID, those living in her province first (found again by that ID)."""
    adults = [p for p in people if p.national_id and p.age >= 18]
    adults.sort(key=lambda p: (p.place.province_code != VOLUNTEER_PROVINCE, -p.age, p.index))
    specs = []
    for number, (person, (category, text, consent_by, follow_up)) in enumerate(
        zip(adults, VOLUNTEER_STORIES, strict=False), start=1
    ):
        local = person.place.province_code == VOLUNTEER_PROVINCE
        specs.append(
            VolunteerReportSpec(
                key=f"demo-volunteer-{number}",
                subject=person.index,
                text=text,
                category=category,
                place_text=f"บ้านเลขที่ {person.house}" if local else "ที่พักชั่วคราวในชุมชน",
                province_code=VOLUNTEER_PROVINCE,
                district_code=person.place.district_code if local else VOLUNTEER_DISTRICT,
                consent_method="guardian" if consent_by else "verbal",
                consent_by=consent_by,
                follow_up=follow_up,
            )
        )
    return specs
