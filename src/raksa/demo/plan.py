"""Synthetic, realistic demo data: Thai people across all 77 provinces and a year of cases with real timelines.

Everything is derived from one seed (random.Random), so a run is reproducible and a re-run finds what an earlier run
made: a demo person is recognised by the identifiers the plan gives them (every planned person has at least one),
a demo case by having a demo person as its subject. Re-running tops up what is missing and changes nothing else.

People are created with people.services.person_create and cases with the cases services (case_create,
case_change_status, note_add, referral_create, case_close, ...), so every timeline is one the application itself
wrote; afterwards the timestamps of each case, its events, notes and referrals are spread back over past months so
that lists, timers and dashboards have a history to show. Referrals to a department's headquarters are accepted in
that unit's name, as no demo staff member works there.

The pure parts (names, addresses, identifiers, case texts) are also used by bench/people_cases_bench.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any, Protocol

import geothai

from raksa.cases.models import EmergencyType
from raksa.core.identifiers import make_national_id
from raksa.directory.models import Category

BANGKOK = "10"
DEMO_SEED = 1300
DEFAULT_PEOPLE = 600
DEFAULT_CASES = 1200
PASSWORD_ENV = "RAKSA_DEMO_PASSWORD"
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


class Writer(Protocol):
    def write(self, msg: str, /) -> Any: ...


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
# loading into the database


@dataclass
class DemoResult:
    users: list[tuple[str, str, str, str]]  # username, role, unit, password
    people_created: int = 0
    people_total: int = 0
    cases_created: int = 0
    cases_total: int = 0
    seconds: float = 0.0


def demo_users_ensure(*, password: str | None = None) -> list[tuple[str, str, str, str]]:
    """The demo staff, one per role, each given a password now: `password` (or RAKSA_DEMO_PASSWORD) for all,
    otherwise a fresh random one each. Returns (username, role, unit, password) to print."""
    from raksa.accounts.services import user_ensure

    shared = password or os.environ.get(PASSWORD_ENV) or None
    rows = []
    for username, role, unit_code, display_name in DEMO_USERS:
        user = user_ensure(username=username, role=role, unit_code=unit_code)
        secret = shared or secrets.token_urlsafe(9)
        user.set_password(secret)
        user.display_name = display_name
        user.is_staff = role == "admin"
        user.is_superuser = role == "admin"
        user.save(update_fields=["password", "display_name", "is_staff", "is_superuser"])
        rows.append((username, role, unit_code, secret))
    return rows


def demo_load(
    *,
    people: int = DEFAULT_PEOPLE,
    cases: int = DEFAULT_CASES,
    seed: int = DEMO_SEED,
    password: str | None = None,
    stdout: Writer | None = None,
) -> DemoResult:
    """Load the directory, the demo staff and the synthetic people and cases (topping up what is missing)."""
    from raksa.directory.services import directory_load

    started = time.monotonic()

    def say(msg: str) -> None:
        if stdout is not None:
            stdout.write(msg)

    directory_load()
    say("directory loaded")
    result = DemoResult(users=demo_users_ensure(password=password))
    people_plan = plan_people(count=people, seed=seed, today=PLAN_DATE)
    person_ids = _people_load(people_plan, say)
    result.people_total = len(person_ids)
    result.people_created = sum(1 for pk in person_ids.values() if pk < 0)
    ids = {index: abs(pk) for index, pk in person_ids.items()}
    case_plan = plan_cases(count=cases, people=people_plan, seed=seed)
    created, total = _cases_load(case_plan, ids, say)
    result.cases_created, result.cases_total = created, total
    result.seconds = time.monotonic() - started
    return result


def _people_load(plan: list[PersonSpec], say: Callable[[str], None]) -> dict[int, int]:
    """Create the planned people that do not exist yet. Returns plan index -> person id (negative: created now)."""
    from django.db import transaction

    from raksa.accounts.models import User
    from raksa.people.models import Identifier
    from raksa.people.services import person_create

    actor = User.objects.get(username="demo_call_taker")
    values = [value for spec in plan for value in spec.identifiers]
    existing: dict[str, int] = {}
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        existing.update(Identifier.objects.filter(value__in=chunk).values_list("value", "person_id"))
    out: dict[int, int] = {}
    missing = []
    for spec in plan:
        found = next((existing[v] for v in spec.identifiers if v in existing), None)
        if found is not None:
            out[spec.index] = found
        else:
            missing.append(spec)
    batch = 100
    for start in range(0, len(missing), batch):
        with transaction.atomic():
            for spec in missing[start : start + batch]:
                person = person_create(
                    actor=actor,
                    title=spec.title,
                    first_name_th=spec.first_name_th,
                    last_name_th=spec.last_name_th,
                    first_name_en=spec.first_name_en,
                    last_name_en=spec.last_name_en,
                    nickname=spec.nickname,
                    sex=spec.sex,
                    birth_date=spec.birth_date,
                    age=None if spec.birth_date else spec.age,
                    nationality=spec.nationality,
                    status=spec.status,
                    national_id=spec.national_id,
                    passport=spec.passport,
                    phones=spec.phones,
                    line_user_id=spec.line_user_id,
                    address=spec.address,
                )
                out[spec.index] = -person.pk
        say(f"people {min(start + batch, len(missing))}/{len(missing)} new ({len(plan)} planned)")
    if not missing:
        say(f"people: all {len(plan)} already loaded")
    return out


@dataclass
class _Actors:
    call_taker: Any
    responder: Any
    case_worker: Any
    supervisor: Any
    units: dict[str, Any]

    def manager(self, unit_code: str, province_code: str) -> Any:
        """The demo staff member who would work a case owned by `unit_code` (the 1300 centre for the rest)."""
        if unit_code == "pso-10":
            return self.case_worker
        if unit_code == "rru-10":
            return self.responder
        if province_code == BANGKOK:
            return self.supervisor
        return self.call_taker


def _cases_load(
    plan: list[CaseSpec], person_ids: dict[int, int], say: Callable[[str], None]
) -> tuple[int, int]:
    from django.db import transaction

    from raksa.accounts.models import User
    from raksa.cases.models import Case, CaseParty
    from raksa.directory.models import Unit

    subject_ids = set(person_ids.values())
    existing = (
        Case.objects.filter(parties__role=CaseParty.Role.SUBJECT, parties__person_id__in=subject_ids)
        .values("id")
        .distinct()
        .count()
    )
    todo = plan[existing:]
    users = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in DEMO_USERS])}
    actors = _Actors(
        call_taker=users["demo_call_taker"],
        responder=users["demo_responder"],
        case_worker=users["demo_case_worker"],
        supervisor=users["demo_supervisor"],
        units={u.code: u for u in Unit.objects.select_related("agency")},
    )
    people = _people_by_id(set(person_ids.values()))
    now = dt.datetime.now(dt.UTC)
    batch = 100
    for start in range(0, len(todo), batch):
        with transaction.atomic():
            made = [_case_create(spec, person_ids, people, actors) for spec in todo[start : start + batch]]
            _backdate(made, now)
        say(f"cases {min(start + batch, len(todo))}/{len(todo)} new ({len(plan)} planned)")
    if not todo:
        say(f"cases: all {len(plan)} already loaded")
    return len(todo), existing + len(todo)


def _people_by_id(ids: set[int]) -> dict[int, Any]:
    from raksa.people.models import Person

    return {p.pk: p for p in Person.objects.filter(pk__in=ids)}


def _case_create(
    spec: CaseSpec, person_ids: dict[int, int], people: dict[int, Any], actors: _Actors
) -> tuple[Any, CaseSpec]:
    from raksa.cases import services
    from raksa.cases.events import EventKind, event_record

    subject = people[person_ids[spec.subject]]
    parties = []
    if spec.perpetrator is not None:
        parties.append((people[person_ids[spec.perpetrator]], "alleged_perpetrator"))
    public = spec.channel in ("line", "web")
    owning = actors.units[spec.owning_unit] if spec.owning_unit else None
    opener = (
        None
        if public
        else (
            actors.case_worker
            if spec.channel == "walk_in" and spec.place.province_code == BANGKOK
            else actors.call_taker
        )
    )
    case = services.case_create(
        actor=opener,
        channel=spec.channel,
        summary=spec.summary,
        description=spec.description,
        category=spec.category,
        emergency_type=spec.emergency_type,
        urgency=spec.urgency,
        subject=subject,
        reporter=people[person_ids[spec.reporter]] if spec.reporter is not None else None,
        parties=parties,
        location_text=spec.location_text,
        province_code=spec.place.province_code,
        district_code=spec.place.district_code,
        subdistrict_code=spec.place.subdistrict_code,
        owning_unit=owning,
    )
    unit_code = case.owning_unit.code
    actor = actors.manager(unit_code, case.province_code)
    for step in spec.steps:
        if step.kind in ("screening", "active"):
            case = services.case_change_status(actor=actor, case=case, status=step.kind)
        elif step.kind == "note":
            services.note_add(actor=actor, case=case, body=step.text)
        elif step.kind == "assign":
            if unit_code == "pso-10":
                case = services.case_assign(actor=actor, case=case, assignee=actors.case_worker)
        elif step.kind == "refer":
            to_unit = actors.units[step.unit_code]
            if to_unit.pk != case.owning_unit_id:
                services.referral_create(actor=actor, case=case, to_unit=to_unit, reason=step.text)
        elif step.kind == "accept":
            _referral_accept_in_unit_name(case, actors.units[step.unit_code])
        elif step.kind in ("forwarded", "on_scene"):
            kind = EventKind.FORWARDED if step.kind == "forwarded" else EventKind.ON_SCENE
            event_record(case=case, kind=kind, unit=case.owning_unit, data={"unit": unit_code})
        elif step.kind == "close":
            case = services.case_close(actor=actor, case=case, outcome=step.text)
    return case, spec


def _referral_accept_in_unit_name(case: Any, unit: Any) -> None:
    """What referral_accept does, signed by the receiving unit itself (no demo staff member works there)."""
    from django.utils import timezone

    from raksa.cases.events import EventKind, event_record
    from raksa.cases.models import Referral

    referral = Referral.objects.filter(case=case, to_unit=unit, state=Referral.State.PENDING).first()
    if referral is None:
        return
    referral.state = Referral.State.ACCEPTED
    referral.decided_at = timezone.now()
    referral.save(update_fields=["state", "decided_at", "updated_at"])
    event_record(
        case=case,
        kind=EventKind.REFERRAL_ACCEPTED,
        unit=unit,
        data={"referral_id": referral.pk, "to_unit": unit.code},
    )


def _backdate(made: list[tuple[Any, CaseSpec]], now: dt.datetime) -> None:
    """Spread each case's timeline back over the days the plan gives it, keeping the order of its events."""
    from raksa.cases.models import Case, CaseEvent, CaseParty, Note, Referral

    if not made:
        return
    by_case = {case.pk: spec for case, spec in made}
    events = list(CaseEvent.objects.filter(case_id__in=by_case).order_by("case_id", "created_at", "id"))
    grouped: dict[int, list[Any]] = defaultdict(list)
    for event in events:
        grouped[event.case_id].append(event)
    cases = {c.pk: c for c in Case.objects.filter(pk__in=by_case)}
    notes = {n.pk: n for n in Note.objects.filter(case_id__in=by_case)}
    referrals = {r.pk: r for r in Referral.objects.filter(case_id__in=by_case)}
    parties = list(CaseParty.objects.filter(case_id__in=by_case))
    opened_at: dict[int, dt.datetime] = {}
    for case_id, spec in by_case.items():
        rng = random.Random(spec.index * 7919)
        start = now - dt.timedelta(days=spec.age_days)
        emergency = bool(spec.emergency_type)
        span = (now - start).total_seconds()
        at = start
        timeline = grouped.get(case_id, [])
        for event in timeline:
            event.created_at = at
            if event.kind == "note_added" and event.data.get("note_id") in notes:
                note = notes[event.data["note_id"]]
                note.created_at = note.updated_at = at
            elif event.kind == "referral_created" and event.data.get("referral_id") in referrals:
                referral = referrals[event.data["referral_id"]]
                referral.created_at = referral.updated_at = at
            elif event.kind == "referral_accepted" and event.data.get("referral_id") in referrals:
                referral = referrals[event.data["referral_id"]]
                referral.decided_at = referral.updated_at = at
            if event.kind in ("created", "party_added"):
                step = rng.uniform(5, 90)
            elif emergency:
                step = rng.uniform(60, 40 * 60)
            else:
                step = rng.uniform(0.1, 1) * span / max(2, len(timeline))
            at = min(at + dt.timedelta(seconds=step), now)
        case = cases[case_id]
        case.created_at = start
        case.updated_at = timeline[-1].created_at if timeline else start
        if case.closed_at is not None and timeline:
            case.closed_at = timeline[-1].created_at
        opened_at[case_id] = start
    for party in parties:
        party.created_at = party.updated_at = opened_at[party.case_id]
    CaseEvent.objects.bulk_update(events, ["created_at"], batch_size=500)
    Case.objects.bulk_update(list(cases.values()), ["created_at", "updated_at", "closed_at"], batch_size=500)
    Note.objects.bulk_update(list(notes.values()), ["created_at", "updated_at"], batch_size=500)
    Referral.objects.bulk_update(
        list(referrals.values()), ["created_at", "updated_at", "decided_at"], batch_size=500
    )
    CaseParty.objects.bulk_update(parties, ["created_at", "updated_at"], batch_size=500)
