"""Writes to the master person index: create, update, identifiers, find-or-create, merge and its reversal.

Every function validates all of its input first and raises one InvalidInput naming each bad field (Thai and
English), then writes inside one transaction: nothing is ever partly saved.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from raksa.core.areas import area_check
from raksa.core.errors import Conflict, FieldError, InvalidInput
from raksa.core.identifiers import is_valid_national_id, normalize_national_id, normalize_phone
from raksa.people import matching
from raksa.people.models import Address, CitizenshipStatus, Identifier, Person, PersonMerge, Sex
from raksa.people.selectors import person_survivor
from raksa.people.signals import person_merge_reversed, person_merged

MAX_AGE = 130
# Candidates scoring at least this need a human to say "same person" or "new person" before anything is created.
CANDIDATE_THRESHOLD = 0.6
MAX_CANDIDATES = 10
# Each indexed candidate query stops here; ranking happens in Python on at most three times this many rows.
CANDIDATE_QUERY_LIMIT = 150

NAME_FIELDS = ("title", "first_name_th", "last_name_th", "first_name_en", "last_name_en", "nickname")
UPDATABLE_FIELDS = frozenset(
    {*NAME_FIELDS, "sex", "birth_date", "age", "nationality", "status", "address", "province_code"}
)
ADDRESS_KEYS = ("text", "province_code", "district_code", "subdistrict_code", "postal_code")
# Survivor fields a merge may fill from the merged person when the survivor's are blank.
MERGE_FILL_FIELDS = (
    *NAME_FIELDS,
    "sex",
    "birth_date",
    "birth_year",
    "birth_year_estimated",
    "nationality",
    "status",
    "province_code",
)
_BLANK_VALUES: dict[str, tuple[Any, ...]] = {
    "sex": ("", Sex.UNKNOWN),
    "status": ("", CitizenshipStatus.UNKNOWN),
}

# The order in which an exact identifier decides who someone is.
EXACT_MATCH_ORDER = ("national_id", "line_user_id", "phone", "passport")
_KIND_OF_FIELD = {
    "national_id": Identifier.Kind.NATIONAL_ID,
    "line_user_id": Identifier.Kind.LINE_USER,
    "phone": Identifier.Kind.PHONE,
    "phones": Identifier.Kind.PHONE,
    "passport": Identifier.Kind.PASSPORT,
}
_FIELD_LABELS: dict[str, tuple[str, str]] = {
    "national_id": ("เลขประจำตัวประชาชน", "national ID"),
    "line_user_id": ("LINE user id", "LINE user id"),
    "phone": ("หมายเลขโทรศัพท์", "phone number"),
    "phones": ("หมายเลขโทรศัพท์", "phone number"),
    "passport": ("เลขหนังสือเดินทาง", "passport number"),
    "other_id": ("เลขเอกสาร", "document number"),
}


@dataclass(frozen=True)
class Candidate:
    """A person who may be the one being looked for, with why: for a human to confirm, never merged silently."""

    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MatchResult:
    person: Person | None
    created: bool
    matched_on: str | None
    candidates: list[Candidate] = field(default_factory=list)


# --- validation -----------------------------------------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, field_name: str, code: str, th: str, en: str) -> None:
        self.items.append(FieldError(field_name, code, th, en))

    def raise_if_any(self) -> None:
        if self.items:
            first = self.items[0]
            raise InvalidInput(
                code=first.code,
                message_th=first.message_th,
                message_en=first.message_en,
                field=first.field,
                errors=list(self.items),
            )


def _check_national_id(raw: str | None, field_name: str, errors: _Errors) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None
    digits = normalize_national_id(str(raw))
    if digits is None:
        errors.add(
            field_name,
            "invalid_national_id",
            "เลขประจำตัวประชาชนต้องมี 13 หลัก",
            "A national ID has 13 digits.",
        )
        return None
    if not is_valid_national_id(digits):
        errors.add(
            field_name,
            "invalid_national_id",
            "เลขประจำตัวประชาชนไม่ถูกต้อง (เลขตรวจสอบไม่ตรง)",
            "The national ID is not valid (its check digit does not match).",
        )
        return None
    return digits


def _check_phone(raw: str | None, field_name: str, errors: _Errors) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None
    phone = normalize_phone(str(raw))
    if phone is None:
        errors.add(
            field_name,
            "invalid_phone",
            f"หมายเลขโทรศัพท์ไม่ถูกต้อง: {raw}",
            f"The phone number is not valid: {raw}",
        )
    return phone


def _check_passport(raw: str | None, field_name: str, errors: _Errors) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None
    value = matching.normalize_passport(str(raw))
    if value is None:
        errors.add(
            field_name,
            "invalid_passport",
            "เลขหนังสือเดินทางต้องเป็นตัวอักษรหรือตัวเลข 5-20 ตัว",
            "A passport number has 5 to 20 letters or digits.",
        )
    return value


def _check_line_user_id(raw: str | None, field_name: str, errors: _Errors) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None
    value = matching.normalize_line_user_id(str(raw))
    if value is None:
        errors.add(
            field_name, "invalid_line_user_id", "LINE user id ไม่ถูกต้อง", "The LINE user id is not valid."
        )
    return value


def _normalize_identifier(kind: str, raw: str, field_name: str, errors: _Errors) -> str | None:
    checks = {
        str(Identifier.Kind.NATIONAL_ID): _check_national_id,
        str(Identifier.Kind.PHONE): _check_phone,
        str(Identifier.Kind.PASSPORT): _check_passport,
        str(Identifier.Kind.LINE_USER): _check_line_user_id,
    }
    check = checks.get(str(kind))
    if check is not None:
        value = check(raw, field_name, errors)
        if value is None and not any(e.field == field_name for e in errors.items):
            errors.add(field_name, "required", "กรุณาระบุค่า", "A value is required.")
        return value
    value = str(raw or "").strip()
    if not value or len(value) > 64:
        errors.add(field_name, "invalid_identifier", "เลขเอกสารไม่ถูกต้อง", "The document number is not valid.")
        return None
    return value


def _check_text(data: dict[str, Any], name: str, errors: _Errors) -> None:
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    max_length = getattr(Person._meta.get_field(name), "max_length", None) or 0
    if len(value) > max_length:
        errors.add(name, "too_long", f"ยาวเกิน {max_length} ตัวอักษร", f"Longer than {max_length} characters.")
    data[name] = value


def _parse_date(raw: Any) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(str(raw))


def _check_birth(data: dict[str, Any], errors: _Errors) -> None:
    """Turn birth_date / age into birth_date, birth_year and birth_year_estimated (birth_date wins over age)."""
    today = timezone.localdate()
    if "birth_date" in data:
        try:
            birth_date = _parse_date(data["birth_date"])
        except ValueError:
            errors.add(
                "birth_date",
                "invalid_date",
                "วันเกิดไม่ถูกต้อง (ปปปป-ดด-วว)",
                "The birth date is not valid (YYYY-MM-DD).",
            )
            birth_date = None
        else:
            if birth_date and birth_date > today:
                errors.add(
                    "birth_date", "birth_date_in_future", "วันเกิดอยู่ในอนาคต", "The birth date is in the future."
                )
                birth_date = None
            elif birth_date and birth_date.year < today.year - MAX_AGE:
                errors.add(
                    "birth_date",
                    "birth_date_out_of_range",
                    f"วันเกิดเก่ากว่า {MAX_AGE} ปี",
                    f"The birth date is more than {MAX_AGE} years ago.",
                )
                birth_date = None
        data["birth_date"] = birth_date
        if birth_date:
            data["birth_year"] = birth_date.year
            data["birth_year_estimated"] = False
    age = data.pop("age", None)
    if age is not None and age != "" and not data.get("birth_date"):
        try:
            years = int(age)
        except (TypeError, ValueError):
            years = -1
        if not 0 <= years <= MAX_AGE:
            errors.add(
                "age", "age_out_of_range", f"อายุต้องอยู่ระหว่าง 0-{MAX_AGE} ปี", f"Age must be 0 to {MAX_AGE}."
            )
        else:
            data["birth_year"] = today.year - years
            data["birth_year_estimated"] = True
    birth_year = data.get("birth_year")
    if birth_year is not None and not today.year - MAX_AGE <= int(birth_year) <= today.year:
        errors.add("birth_year", "birth_year_out_of_range", "ปีเกิดไม่ถูกต้อง", "The birth year is out of range.")


def _check_choices(data: dict[str, Any], errors: _Errors) -> None:
    if "sex" in data:
        data["sex"] = data["sex"] or Sex.UNKNOWN
        if data["sex"] not in Sex.values:
            errors.add("sex", "invalid_choice", "ค่าเพศไม่ถูกต้อง", "Sex must be female, male, other or unknown.")
    if "status" in data:
        data["status"] = data["status"] or CitizenshipStatus.UNKNOWN
        if data["status"] not in CitizenshipStatus.values:
            errors.add(
                "status",
                "invalid_choice",
                "สถานะบุคคลไม่ถูกต้อง",
                "Status must be thai, migrant, stateless, foreign or unknown.",
            )
    if "nationality" in data:
        nationality = str(data["nationality"] or "").strip().upper()
        if nationality and not (len(nationality) == 2 and nationality.isascii() and nationality.isalpha()):
            errors.add(
                "nationality",
                "invalid_nationality",
                "สัญชาติต้องเป็นรหัสประเทศ 2 ตัวอักษร (เช่น TH, MM)",
                "Nationality is a 2-letter country code (e.g. TH, MM).",
            )
        data["nationality"] = nationality


def _check_province(code: Any, field_name: str, errors: _Errors) -> str:
    code = str(code or "").strip()
    for problem in area_check(province_code=code)[1]:
        errors.add(field_name, problem.code, problem.message_th, problem.message_en)
    return code


def _check_address(raw: dict[str, Any] | None, errors: _Errors) -> dict[str, str] | None:
    """Validate an address against geothai; fill a missing province or district from the finer code."""
    if not raw:
        return None
    unknown = sorted(set(raw) - set(ADDRESS_KEYS))
    if unknown:
        errors.add(
            f"address.{unknown[0]}", "unknown_field", "ไม่รู้จักช่องข้อมูลนี้", f"Unknown address field {unknown[0]}."
        )
    address = {key: str(raw.get(key) or "").strip() for key in ADDRESS_KEYS}
    if not any(address.values()):
        return None
    if len(address["text"]) > 500:
        errors.add(
            "address.text", "too_long", "ที่อยู่ยาวเกิน 500 ตัวอักษร", "The address is longer than 500 characters."
        )
    area, problems = area_check(
        address["province_code"],
        address["district_code"],
        address["subdistrict_code"],
        address["postal_code"],
    )
    for problem in problems:
        errors.add(f"address.{problem.field}", problem.code, problem.message_th, problem.message_en)
    province, district, subdistrict = area.province_code, area.district_code, area.subdistrict_code
    address.update(province_code=province, district_code=district, subdistrict_code=subdistrict)
    return address


def _clean_person_fields(data: dict[str, Any], errors: _Errors) -> dict[str, Any]:
    """Validate plain Person fields in place (names, sex, birth, nationality, status, province, address)."""
    for name in NAME_FIELDS:
        if name in data:
            _check_text(data, name, errors)
    _check_choices(data, errors)
    _check_birth(data, errors)
    if "province_code" in data:
        data["province_code"] = _check_province(data["province_code"], "province_code", errors)
    if "address" in data:
        data["address"] = _check_address(data["address"], errors)
    return data


# --- keys, identifiers, addresses -------------------------------------------------------------------------------


def _refresh_keys(person: Person) -> None:
    """Recompute the indexed search keys from the names; the only place they are written."""
    if person.first_name_th or person.last_name_th:
        first, last = person.first_name_th, person.last_name_th
    else:
        first, last = person.first_name_en, person.last_name_en
    person.name_key = matching.full_name_key(first, last)[:220]
    person.last_name_key = matching.name_key(last)[:110]
    person.name_soundex = matching.name_soundex(first, last)


def _identifier_in_use(field_name: str) -> Conflict:
    th, en = _FIELD_LABELS.get(field_name, _FIELD_LABELS["other_id"])
    return Conflict(
        code="identifier_in_use",
        message_th=f"{th}นี้เป็นของบุคคลอื่นในระบบแล้ว",
        message_en=f"This {en} already belongs to another person.",
        field=field_name,
    )


def _identifiers_claim(person: Person, wanted: Iterable[tuple[str, str, str]]) -> list[Identifier]:
    """Give `person` each (kind, value, field); Conflict naming the field if someone else holds one."""
    created = []
    for kind, value, field_name in wanted:
        holder = Identifier.objects.filter(kind=kind, value=value).values_list("person_id", flat=True).first()
        if holder == person.pk:
            continue
        if holder is not None:
            raise _identifier_in_use(field_name)
        try:
            with transaction.atomic():
                created.append(Identifier.objects.create(person=person, kind=kind, value=value))
        except IntegrityError:
            # Someone else claimed it between the check and the insert.
            raise _identifier_in_use(field_name) from None
    return created


def _address_set(person: Person, address: dict[str, str]) -> Address:
    current = person.addresses.filter(is_current=True).first()
    if current and all(getattr(current, key) == address[key] for key in ADDRESS_KEYS):
        return current
    person.addresses.filter(is_current=True).update(is_current=False)
    person.province_code = address["province_code"] or person.province_code
    return Address.objects.create(person=person, is_current=True, **address)


# --- create and update ------------------------------------------------------------------------------------------


def _collect_identifiers(
    *,
    national_id: str | None,
    passport: str | None,
    phones: Iterable[str] | str,
    line_user_id: str | None,
    errors: _Errors,
    phone_field: str = "phones",
) -> list[tuple[str, str, str]]:
    wanted: list[tuple[str, str, str]] = []
    nid = _check_national_id(national_id, "national_id", errors)
    if nid:
        wanted.append((Identifier.Kind.NATIONAL_ID, nid, "national_id"))
    if isinstance(phones, str):
        phones = [phones]
    for raw in phones or ():
        phone = _check_phone(raw, phone_field, errors)
        if phone and (Identifier.Kind.PHONE, phone, phone_field) not in wanted:
            wanted.append((Identifier.Kind.PHONE, phone, phone_field))
    line = _check_line_user_id(line_user_id, "line_user_id", errors)
    if line:
        wanted.append((Identifier.Kind.LINE_USER, line, "line_user_id"))
    pp = _check_passport(passport, "passport", errors)
    if pp:
        wanted.append((Identifier.Kind.PASSPORT, pp, "passport"))
    return wanted


def _create(
    *,
    actor: Any,
    fields: dict[str, Any],
    identifiers: list[tuple[str, str, str]],
    address: dict[str, str] | None,
) -> Person:
    with transaction.atomic():
        for kind, value, field_name in identifiers:
            if Identifier.objects.filter(kind=kind, value=value).exists():
                raise _identifier_in_use(field_name)
        person = Person(**fields, created_by=actor if getattr(actor, "pk", None) else None)
        if address and address["province_code"]:
            person.province_code = address["province_code"]
        _refresh_keys(person)
        person.save()
        _identifiers_claim(person, identifiers)
        if address:
            Address.objects.create(person=person, is_current=True, **address)
    return person


def person_create(
    *,
    actor: Any,
    title: str = "",
    first_name_th: str = "",
    last_name_th: str = "",
    first_name_en: str = "",
    last_name_en: str = "",
    nickname: str = "",
    sex: str = "unknown",
    birth_date: dt.date | str | None = None,
    age: int | None = None,
    nationality: str = "TH",
    status: str = "unknown",
    national_id: str | None = None,
    passport: str | None = None,
    phones: Iterable[str] = (),
    line_user_id: str | None = None,
    address: dict[str, Any] | None = None,
) -> Person:
    """Create a person with identifiers and an address. A person needs no Thai ID (migrants, stateless people).

    A title typed into the first name ("นางสาวสมศรี") is moved to `title`.
    """
    errors = _Errors()
    data: dict[str, Any] = {
        "title": title,
        "first_name_th": first_name_th,
        "last_name_th": last_name_th,
        "first_name_en": first_name_en,
        "last_name_en": last_name_en,
        "nickname": nickname,
        "sex": sex,
        "birth_date": birth_date,
        "age": age,
        "nationality": nationality,
        "status": status,
        "address": address,
    }
    _clean_person_fields(data, errors)
    identifiers = _collect_identifiers(
        national_id=national_id, passport=passport, phones=phones, line_user_id=line_user_id, errors=errors
    )
    errors.raise_if_any()
    _split_titles(data)
    clean_address = data.pop("address")
    return _create(actor=actor, fields=data, identifiers=identifiers, address=clean_address)


def _split_titles(data: dict[str, Any]) -> None:
    for name in ("first_name_th", "first_name_en"):
        found, rest = matching.strip_title(data.get(name, ""))
        if found:
            data[name] = rest
            data["title"] = data.get("title") or found


def _lock(person: Person) -> Person:
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.merged_into_id:
        raise Conflict(
            code="person_merged",
            message_th="บุคคลนี้ถูกรวมเข้ากับระเบียนอื่นแล้ว",
            message_en="This person was merged into another record.",
            field="person",
        )
    return locked


def person_update(*, actor: Any, person: Person, **fields: Any) -> Person:
    """Change plain fields; `address` (a dict) becomes the current address, the old one is kept as history."""
    errors = _Errors()
    for name in sorted(set(fields) - UPDATABLE_FIELDS):
        errors.add(name, "unknown_field", "ไม่สามารถแก้ไขช่องข้อมูลนี้ได้", f"The field {name} cannot be changed.")
    data = dict(fields)
    _clean_person_fields(data, errors)
    errors.raise_if_any()
    _split_titles(data)
    with transaction.atomic():
        locked = _lock(person)
        address = data.pop("address", None)
        clears_birth = "birth_date" in data and data["birth_date"] is None and "birth_year" not in data
        if clears_birth and not locked.birth_year_estimated:
            data["birth_year"] = None
        for name, value in data.items():
            setattr(locked, name, value)
        if address:
            _address_set(locked, address)
        _refresh_keys(locked)
        locked.save()
    person.refresh_from_db()
    return locked


def identifier_add(*, actor: Any, person: Person, kind: str, value: str) -> Identifier:
    """Attach an identifier; returns the existing one if this person already holds it."""
    errors = _Errors()
    if kind not in Identifier.Kind.values:
        errors.add("kind", "invalid_choice", "ชนิดเอกสารไม่ถูกต้อง", "Unknown identifier kind.")
        errors.raise_if_any()
    field_name = "line_user_id" if kind == Identifier.Kind.LINE_USER else kind
    normalized = _normalize_identifier(kind, value, field_name, errors)
    errors.raise_if_any()
    assert normalized is not None
    with transaction.atomic():
        locked = _lock(person)
        existing = Identifier.objects.filter(kind=kind, value=normalized).first()
        if existing and existing.person_id == locked.pk:
            return existing
        if existing:
            raise _identifier_in_use(field_name)
        if kind == Identifier.Kind.NATIONAL_ID and locked.identifiers.filter(kind=kind).exists():
            raise Conflict(
                code="national_id_already_set",
                message_th="บุคคลนี้มีเลขประจำตัวประชาชนอยู่แล้ว",
                message_en="This person already has a national ID.",
                field="national_id",
            )
        return _identifiers_claim(locked, [(kind, normalized, field_name)])[0]


# --- find or create -----------------------------------------------------------------------------------------------


def _exact_match(wanted: dict[str, str]) -> tuple[Person, str] | None:
    for field_name in EXACT_MATCH_ORDER:
        value = wanted.get(field_name)
        if not value:
            continue
        ident = (
            Identifier.objects.select_related("person")
            .filter(kind=_KIND_OF_FIELD[field_name], value=value)
            .first()
        )
        if ident is not None:
            # Identifiers move with a merge, but follow the chain in case an old row still points here.
            return person_survivor(ident.person), field_name
    return None


def _enrich(person: Person, wanted: dict[str, str], names: dict[str, Any]) -> Person:
    """On an exact match, keep what the caller just told us that nobody else holds, and fill blank names."""
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        free = []
        for field_name in EXACT_MATCH_ORDER:
            value = wanted.get(field_name)
            if not value:
                continue
            kind = _KIND_OF_FIELD[field_name]
            if Identifier.objects.filter(kind=kind, value=value).exists():
                continue
            if kind == Identifier.Kind.NATIONAL_ID and locked.identifiers.filter(kind=kind).exists():
                # A phone can be shared within a family; a second national ID on one person is a mistake.
                continue
            free.append((kind, value, field_name))
        with contextlib.suppress(Conflict):
            # Only a concurrent claim gets here; the person is still the right match.
            _identifiers_claim(locked, free)
        changed = False
        for name in NAME_FIELDS:
            if names.get(name) and not getattr(locked, name):
                setattr(locked, name, names[name])
                changed = True
        if names.get("birth_year") and locked.birth_year is None:
            locked.birth_year = names["birth_year"]
            locked.birth_year_estimated = bool(names.get("birth_year_estimated", True))
            changed = True
        if changed:
            _refresh_keys(locked)
            locked.save()
    return locked


def _score(
    person: Person, *, key: str, soundex: str, last_key: str, birth_year: int | None, province_code: str
) -> Candidate:
    similarity = matching.key_similarity(key, person.name_key)
    score = 0.6 * similarity
    reasons = []
    if similarity >= 0.8:
        reasons.append("name")
    if soundex and person.name_soundex == soundex:
        score += 0.2
        reasons.append("soundex")
    if last_key and person.last_name_key == last_key:
        reasons.append("last_name")
    if birth_year and person.birth_year:
        gap = abs(person.birth_year - birth_year)
        if gap <= 2:
            score += 0.15 - 0.025 * gap
            reasons.append("birth_year")
        elif gap > 5:
            score -= 0.2
    if province_code and person.province_code == province_code:
        score += 0.05
        reasons.append("province")
    return Candidate(person=person, score=round(max(score, 0.0), 3), reasons=reasons)


def person_candidates(
    *, first_name: str, last_name: str = "", birth_year: int | None = None, province_code: str = ""
) -> list[Candidate]:
    """People who may be this one, best first, scored 0-1 (at least CANDIDATE_THRESHOLD).

    Three indexed queries (same soundex, same first-name prefix, same last name), each capped, then ranked.
    """
    _, first_name = matching.strip_title(first_name)
    key = matching.full_name_key(first_name, last_name)
    first_key = matching.name_key(first_name)
    last_key = matching.name_key(last_name)
    soundex = matching.name_soundex(first_name, last_name)
    if not key:
        return []
    live = Person.objects.filter(merged_into__isnull=True)
    queries = []
    if soundex:
        queries.append(live.filter(name_soundex=soundex))
    if first_key:
        queries.append(live.filter(name_key__startswith=first_key))
    if last_key:
        queries.append(live.filter(last_name_key=last_key))
    found: dict[int, Person] = {}
    for query in queries:
        for person in query.order_by()[:CANDIDATE_QUERY_LIMIT]:
            found[person.pk] = person
    scored = [
        _score(
            p, key=key, soundex=soundex, last_key=last_key, birth_year=birth_year, province_code=province_code
        )
        for p in found.values()
    ]
    scored = [c for c in scored if c.score >= CANDIDATE_THRESHOLD]
    scored.sort(key=lambda c: (-c.score, c.person.pk))
    return scored[:MAX_CANDIDATES]


def person_find_or_create(
    *,
    actor: Any,
    national_id: str | None = None,
    phone: str | None = None,
    line_user_id: str | None = None,
    passport: str | None = None,
    first_name_th: str = "",
    last_name_th: str = "",
    first_name_en: str = "",
    last_name_en: str = "",
    title: str = "",
    birth_year: int | None = None,
    age: int | None = None,
    province_code: str = "",
    create_fields: dict[str, Any] | None = None,
    confirm_new: bool = False,
) -> MatchResult:
    """The one way every channel turns "who is this?" into a Person.

    1. An exact identifier (national ID, then LINE id, then phone, then passport) returns that person
       (matched_on names the identifier) and attaches the other identifiers given, if nobody holds them.
    2. Otherwise people with a similar name (titles stripped, Thai soundex), birth year and province are
       candidates: if any scores CANDIDATE_THRESHOLD or more, nothing is created and person is None; a human
       picks one, or calls again with confirm_new=True to create a new person anyway.
    3. Otherwise a new person is created (created=True) from the names, identifiers and create_fields
       (any person_create keyword: sex, birth_date, nationality, status, nickname, phones, address ...).
    Never merges anyone.
    """
    errors = _Errors()
    wanted = {
        "national_id": _check_national_id(national_id, "national_id", errors),
        "line_user_id": _check_line_user_id(line_user_id, "line_user_id", errors),
        "phone": _check_phone(phone, "phone", errors),
        "passport": _check_passport(passport, "passport", errors),
    }
    names: dict[str, Any] = {
        "title": title,
        "first_name_th": first_name_th,
        "last_name_th": last_name_th,
        "first_name_en": first_name_en,
        "last_name_en": last_name_en,
    }
    if birth_year not in (None, ""):
        try:
            names["birth_year"] = int(birth_year)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            errors.add("birth_year", "birth_year_out_of_range", "ปีเกิดไม่ถูกต้อง", "The birth year is not valid.")
    if age not in (None, ""):
        names["age"] = age
    if province_code:
        names["province_code"] = province_code
    _clean_person_fields(names, errors)
    extra = dict(create_fields or {})
    errors.raise_if_any()
    _split_titles(names)
    found = {k: v for k, v in wanted.items() if v}

    exact = _exact_match(found)
    if exact:
        person, matched_on = exact
        return MatchResult(person=_enrich(person, found, names), created=False, matched_on=matched_on)

    first, last = names["first_name_th"], names["last_name_th"]
    if not (first or last):
        first, last = names["first_name_en"], names["last_name_en"]
    candidates: list[Candidate] = []
    if first or last:
        candidates = person_candidates(
            first_name=first or last,
            last_name=last if first else "",
            birth_year=names.get("birth_year"),
            province_code=names.get("province_code", ""),
        )
    elif not found and not extra:
        raise InvalidInput(
            code="nothing_to_match",
            message_th="ต้องระบุชื่อ หรือเลขประจำตัว โทรศัพท์ หรือ LINE อย่างน้อยหนึ่งอย่าง",
            message_en="Give a name or at least one identifier (national ID, phone, LINE id, passport).",
            field="first_name_th",
        )
    if candidates and not confirm_new:
        return MatchResult(person=None, created=False, matched_on=None, candidates=candidates)

    fields = {**{k: v for k, v in names.items() if v not in (None, "")}, **extra}
    phones = list(extra.pop("phones", ()) or ())
    if wanted["phone"]:
        phones.insert(0, wanted["phone"])
    fields.pop("phones", None)
    try:
        with transaction.atomic():
            person = _find_or_create_new(actor=actor, fields=fields, found=found, phones=phones)
    except Conflict:
        # Another channel created this person a moment ago: that is the exact match we were looking for.
        exact = _exact_match(found)
        if exact is None:
            raise
        return MatchResult(person=exact[0], created=False, matched_on=exact[1], candidates=candidates)
    return MatchResult(person=person, created=True, matched_on=None, candidates=candidates)


def _find_or_create_new(
    *, actor: Any, fields: dict[str, Any], found: dict[str, str], phones: list[str]
) -> Person:
    errors = _Errors()
    fields.pop("birth_year_estimated", None)
    birth_year = fields.pop("birth_year", None)
    province_code = fields.pop("province_code", "")
    for name in ("national_id", "passport", "line_user_id"):
        fields.setdefault(name, found.get(name))
    fields["phones"] = phones
    allowed = set(person_create.__kwdefaults__ or {}) - {"actor"}
    for name in sorted(set(fields) - allowed):
        errors.add(name, "unknown_field", "ไม่รู้จักช่องข้อมูลนี้", f"Unknown field {name}.")
    errors.raise_if_any()
    person = person_create(actor=actor, **fields)
    changed = False
    if birth_year and not person.birth_year:
        person.birth_year, person.birth_year_estimated = birth_year, True
        changed = True
    if province_code and not person.province_code:
        person.province_code = province_code
        changed = True
    if changed:
        person.save(update_fields=["birth_year", "birth_year_estimated", "province_code", "updated_at"])
    return person


# --- merge ----------------------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _model_value(name: str, value: Any) -> Any:
    return dt.date.fromisoformat(value) if name == "birth_date" and value else value


def _is_blank(name: str, value: Any) -> bool:
    return value in _BLANK_VALUES.get(name, ("", None))


def person_merge(*, actor: Any, survivor: Person, merged: Person, reason: str = "") -> PersonMerge:
    """Fold `merged` into `survivor`: identifiers, addresses and case parties move; blank survivor fields are
    filled from `merged`. `merged` stays as a row pointing at the survivor. Everything is recorded in
    PersonMerge.moved so that person_merge_reverse can put it back exactly.

    A case where both people already have the same role keeps the survivor's party row; the merged person's
    duplicate row is deleted and recorded whole, and the reversal recreates it with the same id.
    """
    if survivor.pk == merged.pk:
        raise Conflict(
            code="merge_into_self",
            message_th="ไม่สามารถรวมบุคคลเข้ากับตัวเองได้",
            message_en="A person cannot be merged into themselves.",
            field="merged",
        )
    case_party = apps.get_model("cases", "CaseParty")
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).order_by("pk")
        }
        keep, gone = locked[survivor.pk], locked[merged.pk]
        for person, field_name in ((keep, "survivor"), (gone, "merged")):
            if person.merged_into_id:
                raise Conflict(
                    code="already_merged",
                    message_th="บุคคลนี้ถูกรวมเข้ากับระเบียนอื่นแล้ว",
                    message_en="This person was already merged into another record.",
                    field=field_name,
                )
        moved: dict[str, Any] = {
            "identifiers": [],
            "addresses": [],
            "case_parties": [],
            "case_parties_dropped": [],
            "fields": {},
            "fields_new": {},
        }
        moved["identifiers"] = list(gone.identifiers.order_by("pk").values_list("pk", flat=True))
        Identifier.objects.filter(pk__in=moved["identifiers"]).update(person=keep)

        survivor_has_current = keep.addresses.filter(is_current=True).exists()
        for address in gone.addresses.order_by("pk"):
            moved["addresses"].append({"id": address.pk, "is_current": address.is_current})
        Address.objects.filter(pk__in=[a["id"] for a in moved["addresses"]]).update(
            person=keep, **({"is_current": False} if survivor_has_current else {})
        )

        survivor_roles = set(case_party.objects.filter(person=keep).values_list("case_id", "role"))
        case_ids: set[int] = set()
        for party in case_party.objects.filter(person=gone).order_by("pk"):
            case_ids.add(party.case_id)
            if (party.case_id, party.role) in survivor_roles:
                moved["case_parties_dropped"].append(
                    {
                        "id": party.pk,
                        "case_id": party.case_id,
                        "role": party.role,
                        "created_at": party.created_at.isoformat(),
                        "updated_at": party.updated_at.isoformat(),
                    }
                )
            else:
                moved["case_parties"].append(party.pk)
        case_party.objects.filter(pk__in=[p["id"] for p in moved["case_parties_dropped"]]).delete()
        case_party.objects.filter(pk__in=moved["case_parties"]).update(person=keep)

        for name in MERGE_FILL_FIELDS:
            if name == "birth_year_estimated":
                continue
            old, new = getattr(keep, name), getattr(gone, name)
            if _is_blank(name, old) and not _is_blank(name, new):
                moved["fields"][name] = _json_value(old)
                moved["fields_new"][name] = _json_value(new)
                setattr(keep, name, new)
                if name == "birth_year":
                    moved["fields"]["birth_year_estimated"] = keep.birth_year_estimated
                    moved["fields_new"]["birth_year_estimated"] = gone.birth_year_estimated
                    keep.birth_year_estimated = gone.birth_year_estimated
        _refresh_keys(keep)
        keep.save()
        gone.merged_into = keep
        gone.save(update_fields=["merged_into", "updated_at"])

        merge = PersonMerge.objects.create(
            survivor=keep, merged=gone, performed_by=actor, reason=(reason or "")[:300], moved=moved
        )
        person_merged.send(sender=PersonMerge, merge=merge, actor=actor, case_ids=sorted(case_ids))
    survivor.refresh_from_db()
    merged.refresh_from_db()
    return merge


def person_merge_reverse(*, actor: Any, merge: PersonMerge) -> None:
    """Undo a merge exactly: rows go back to the merged person, survivor fields the merge filled are restored
    (unless edited since), and the merged person is live again. Refused once reversed, or when a later merge
    involves either person (undo that one first)."""
    case_party = apps.get_model("cases", "CaseParty")
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.reversed_at is not None:
            raise Conflict(
                code="merge_already_reversed",
                message_th="การรวมนี้ถูกยกเลิกไปแล้ว",
                message_en="This merge was already reversed.",
                field="merge",
            )
        people = [merge.survivor_id, merge.merged_id]
        later = PersonMerge.objects.filter(pk__gt=merge.pk, reversed_at__isnull=True).filter(
            Q(survivor_id__in=people) | Q(merged_id__in=people)
        )
        if later.exists():
            raise Conflict(
                code="later_merge_exists",
                message_th="มีการรวมระเบียนที่เกี่ยวข้องภายหลัง ต้องยกเลิกการรวมนั้นก่อน",
                message_en="A later merge involves these people; reverse it first.",
                field="merge",
            )
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=people).order_by("pk")}
        keep, gone = locked[merge.survivor_id], locked[merge.merged_id]
        moved = merge.moved or {}

        Identifier.objects.filter(pk__in=moved.get("identifiers", []), person=keep).update(person=gone)
        for address in moved.get("addresses", []):
            Address.objects.filter(pk=address["id"], person=keep).update(
                person=gone, is_current=address["is_current"]
            )
        case_party.objects.filter(pk__in=moved.get("case_parties", []), person=keep).update(person=gone)
        case_ids = set(
            case_party.objects.filter(pk__in=moved.get("case_parties", [])).values_list("case_id", flat=True)
        )
        case_model = apps.get_model("cases", "Case")
        for row in moved.get("case_parties_dropped", []):
            if not case_model.objects.filter(pk=row["case_id"]).exists():
                continue
            case_party.objects.create(id=row["id"], case_id=row["case_id"], person=gone, role=row["role"])
            case_party.objects.filter(pk=row["id"]).update(
                created_at=dt.datetime.fromisoformat(row["created_at"]),
                updated_at=dt.datetime.fromisoformat(row["updated_at"]),
            )
            case_ids.add(row["case_id"])

        fields_new = moved.get("fields_new", {})
        for name, old in moved.get("fields", {}).items():
            if _json_value(getattr(keep, name)) == fields_new.get(name):
                setattr(keep, name, _model_value(name, old))
        _refresh_keys(keep)
        keep.save()
        gone.merged_into = None
        gone.save(update_fields=["merged_into", "updated_at"])

        merge.reversed_at = timezone.now()
        merge.reversed_by = actor
        merge.save(update_fields=["reversed_at", "reversed_by", "updated_at"])
        person_merge_reversed.send(sender=PersonMerge, merge=merge, actor=actor, case_ids=sorted(case_ids))
