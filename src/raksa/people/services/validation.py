"""Validation shared by the people services: every check adds to one _Errors, so that a caller hears about
each bad field at once (Thai and English) before anything is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.utils import timezone

from raksa.core.areas import area_check
from raksa.core.errors import ErrorCode, FieldError, InvalidInput, RaksaError, invalid_input
from raksa.core.identifiers import is_valid_national_id, normalize_national_id, normalize_phone
from raksa.core.text import clean_text, shown
from raksa.people import matching
from raksa.people.errors import (
    AGE_OUT_OF_RANGE,
    BIRTH_DATE_IN_FUTURE,
    BIRTH_DATE_OUT_OF_RANGE,
    BIRTH_YEAR_OUT_OF_RANGE,
    IDENTIFIER_VALUE_REQUIRED,
    INVALID_DATE,
    INVALID_IDENTIFIER,
    INVALID_LINE_USER_ID,
    INVALID_NATIONAL_ID,
    INVALID_NATIONALITY,
    INVALID_PASSPORT,
    INVALID_PHONE,
    INVALID_SEX,
    INVALID_STATUS,
    NAME_OR_IDENTIFIER_REQUIRED,
    NATIONAL_ID_CHECK_DIGIT,
    TOO_MANY_PHONES,
    UNKNOWN_ADDRESS_FIELD,
)
from raksa.people.models import CitizenshipStatus, Identifier, Sex

MAX_AGE = 130

NAME_FIELDS = ("title", "first_name_th", "last_name_th", "first_name_en", "last_name_en", "nickname")
# The longest text each field takes, in characters: the API schema and the admin use these numbers, and the
# columns of the Person and Address models are as wide.
TEXT_MAX: dict[str, int] = {
    "title": 40,
    "first_name_th": 100,
    "last_name_th": 100,
    "first_name_en": 100,
    "last_name_en": 100,
    "nickname": 60,
}
ADDRESS_TEXT_MAX = 500
# What a caller may type into an identifier field before it is normalised ("1-1017-00203-45-0", "+66 81 ...").
IDENTIFIER_INPUT_MAX = 32
OTHER_ID_MAX = 64
# Phones on one person, and in one request: a family shares a few numbers, nobody has dozens.
PHONES_MAX = 5
# A name, not a title, is what tells people apart; a nickname counts ("ป้าแดง" is how a village knows her).
IDENTIFYING_NAMES = ("first_name_th", "last_name_th", "first_name_en", "last_name_en", "nickname")
_WHAT: dict[str, tuple[str, str]] = {
    "title": ("คำนำหน้าชื่อ", "title"),
    "first_name_th": ("ชื่อ (ภาษาไทย)", "first name (Thai)"),
    "last_name_th": ("นามสกุล (ภาษาไทย)", "last name (Thai)"),
    "first_name_en": ("ชื่อ (ภาษาอังกฤษ)", "first name (English)"),
    "last_name_en": ("นามสกุล (ภาษาอังกฤษ)", "last name (English)"),
    "nickname": ("ชื่อเล่น", "nickname"),
}
UPDATABLE_FIELDS = frozenset(
    {*NAME_FIELDS, "sex", "birth_date", "age", "nationality", "status", "address", "province_code"}
)
ADDRESS_KEYS = ("text", "province_code", "district_code", "subdistrict_code", "postal_code")


class _Errors:
    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, field_name: str, code: ErrorCode, **params: object) -> None:
        self.add_problem(field_name, code.field_error(field_name, **params))

    def add_problem(self, field_name: str, problem: FieldError) -> None:
        """A problem another check found (an area's, a text's), under this service's name for the field."""
        # One error per field: three bad phones are one thing to fix, said once.
        if not self.has(field_name):
            self.items.append(replace(problem, field=field_name))

    def has(self, field_name: str) -> bool:
        return any(item.field == field_name for item in self.items)

    def add_from(self, error: RaksaError) -> None:
        for item in error.errors:
            self.add_problem(item.field, item)

    def raise_if_any(self) -> None:
        if self.items:
            raise invalid_input(self.items)


def _check_national_id(raw: str | None, field_name: str, errors: _Errors) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None
    digits = normalize_national_id(str(raw))
    if digits is None:
        errors.add(field_name, INVALID_NATIONAL_ID)
        return None
    if not is_valid_national_id(digits):
        errors.add(field_name, NATIONAL_ID_CHECK_DIGIT)
        return None
    return digits


def _check_phone(
    raw: str | None, field_name: str, errors: _Errors, position: int | None = None
) -> str | None:
    """A Thai phone in national form. The error names which phone of a list (`position`, from 1) instead of
    quoting it: what the caller sent is theirs already, and may be anything of any length."""
    if raw is None or str(raw).strip() == "":
        return None
    phone = normalize_phone(str(raw)) if len(str(raw)) <= IDENTIFIER_INPUT_MAX else None
    if phone is None:
        which_th = f"ลำดับที่ {position} " if position is not None else ""
        which_en = f" {position}" if position is not None else ""
        errors.add(field_name, INVALID_PHONE, which_th=which_th, which_en=which_en)
    return phone


def _check_passport(raw: str | None, field_name: str, errors: _Errors) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None
    value = matching.normalize_passport(str(raw))
    if value is None:
        errors.add(field_name, INVALID_PASSPORT)
    return value


def _check_line_user_id(raw: str | None, field_name: str, errors: _Errors) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None
    value = matching.normalize_line_user_id(str(raw))
    if value is None:
        errors.add(field_name, INVALID_LINE_USER_ID)
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
            errors.add(field_name, IDENTIFIER_VALUE_REQUIRED)
        return value
    try:
        value = clean_text(
            raw, field=field_name, max_length=OTHER_ID_MAX, what_th="เลขเอกสาร", what_en="document number"
        )
    except InvalidInput as exc:
        errors.add_from(exc)
        return None
    if not value:
        errors.add(field_name, INVALID_IDENTIFIER)
        return None
    return value


def _check_text(data: dict[str, Any], name: str, errors: _Errors) -> None:
    what_th, what_en = _WHAT[name]
    try:
        data[name] = clean_text(
            data.get(name), field=name, max_length=TEXT_MAX[name], what_th=what_th, what_en=what_en
        )
    except InvalidInput as exc:
        errors.add_from(exc)
        data[name] = ""


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
            errors.add("birth_date", INVALID_DATE)
            birth_date = None
        else:
            if birth_date and birth_date > today:
                errors.add("birth_date", BIRTH_DATE_IN_FUTURE)
                birth_date = None
            elif birth_date and birth_date.year < today.year - MAX_AGE:
                errors.add("birth_date", BIRTH_DATE_OUT_OF_RANGE, max_age=MAX_AGE)
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
            errors.add("age", AGE_OUT_OF_RANGE, max_age=MAX_AGE)
        else:
            data["birth_year"] = today.year - years
            data["birth_year_estimated"] = True
    birth_year = data.get("birth_year")
    if birth_year is not None and not today.year - MAX_AGE <= _as_year(birth_year) <= today.year:
        errors.add("birth_year", BIRTH_YEAR_OUT_OF_RANGE, low=today.year - MAX_AGE, high=today.year)


def _as_year(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _check_choices(data: dict[str, Any], errors: _Errors) -> None:
    if "sex" in data:
        data["sex"] = data["sex"] or Sex.UNKNOWN
        if data["sex"] not in Sex.values:
            errors.add("sex", INVALID_SEX)
    if "status" in data:
        data["status"] = data["status"] or CitizenshipStatus.UNKNOWN
        if data["status"] not in CitizenshipStatus.values:
            errors.add("status", INVALID_STATUS)
    if "nationality" in data:
        nationality = str(data["nationality"] or "").strip().upper()
        if nationality and not (len(nationality) == 2 and nationality.isascii() and nationality.isalpha()):
            errors.add("nationality", INVALID_NATIONALITY)
        data["nationality"] = nationality


def _check_province(code: Any, field_name: str, errors: _Errors) -> str:
    code = str(code or "").strip()[:IDENTIFIER_INPUT_MAX]
    for problem in area_check(province_code=code)[1]:
        errors.add_problem(field_name, problem)
    return code


def _check_address(raw: dict[str, Any] | None, errors: _Errors) -> dict[str, str] | None:
    """Validate an address against geothai; fill a missing province or district from the finer code."""
    if not raw:
        return None
    unknown = sorted(set(raw) - set(ADDRESS_KEYS))
    if unknown:
        name = shown(unknown[0])
        errors.add(f"address.{name}", UNKNOWN_ADDRESS_FIELD, name=name)
    address = {key: str(raw.get(key) or "").strip()[:IDENTIFIER_INPUT_MAX] for key in ADDRESS_KEYS[1:]}
    try:
        address["text"] = clean_text(
            raw.get("text"),
            field="address.text",
            max_length=ADDRESS_TEXT_MAX,
            what_th="ที่อยู่",
            what_en="address",
        )
    except InvalidInput as exc:
        errors.add_from(exc)
        address["text"] = ""
    address = {key: address[key] for key in ADDRESS_KEYS}
    if not any(address.values()):
        return None
    area, problems = area_check(
        address["province_code"],
        address["district_code"],
        address["subdistrict_code"],
        address["postal_code"],
    )
    for problem in problems:
        errors.add_problem(f"address.{problem.field}", problem)
    province, district, subdistrict = area.province_code, area.district_code, area.subdistrict_code
    address.update(province_code=province, district_code=district, subdistrict_code=subdistrict)
    return address


def _has_a_name(data: dict[str, Any]) -> bool:
    return any(data.get(name) for name in IDENTIFYING_NAMES)


def _name_or_identifier_required(errors: _Errors) -> None:
    errors.add("first_name_th", NAME_OR_IDENTIFIER_REQUIRED)


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
    phones = list(phones or ())
    if len(phones) > PHONES_MAX:
        _too_many_phones(phone_field, errors)
        phones = []
    for position, raw in enumerate(phones, start=1):
        phone = _check_phone(raw, phone_field, errors, position=position if len(phones) > 1 else None)
        if phone and (Identifier.Kind.PHONE, phone, phone_field) not in wanted:
            wanted.append((Identifier.Kind.PHONE, phone, phone_field))
    line = _check_line_user_id(line_user_id, "line_user_id", errors)
    if line:
        wanted.append((Identifier.Kind.LINE_USER, line, "line_user_id"))
    pp = _check_passport(passport, "passport", errors)
    if pp:
        wanted.append((Identifier.Kind.PASSPORT, pp, "passport"))
    return wanted


def _too_many_phones(field_name: str, errors: _Errors) -> None:
    errors.add(field_name, TOO_MANY_PHONES, limit=PHONES_MAX)


def _split_titles(data: dict[str, Any]) -> None:
    for name in ("first_name_th", "first_name_en"):
        found, rest = matching.strip_title(data.get(name, ""))
        if found:
            data[name] = rest
            data["title"] = data.get("title") or found


# ---------------------------------------------------------------------------------------------------------------
# The same checks for forms that edit rows directly (the admin's): each returns what the services would store
# and every problem they would raise, instead of raising.


def person_fields_check(data: dict[str, Any]) -> list[FieldError]:
    """Clean plain Person fields in `data` in place (names, sex, birth, nationality, status, province), titles
    moved out of first names, exactly as person_create and person_update do; the problems, empty when none."""
    errors = _Errors()
    _clean_person_fields(data, errors)
    if not errors.items:
        _split_titles(data)
    return errors.items


def identifier_check(*, kind: str, value: str) -> tuple[str | None, list[FieldError]]:
    """An identifier as the services store it (a national ID's 13 digits, a phone's national form)."""
    errors = _Errors()
    field_name = "line_user_id" if kind == Identifier.Kind.LINE_USER else str(kind)
    normalized = _normalize_identifier(kind, value, field_name, errors)
    return normalized, errors.items


def address_check(raw: dict[str, Any]) -> tuple[dict[str, str] | None, list[FieldError]]:
    """An address as the services store it (larger areas filled in from the finer codes); fields named
    `address.<key>`."""
    errors = _Errors()
    address = _check_address(raw, errors)
    return address, errors.items


def identity_problems(*, names: dict[str, Any], identifiers: int, phones: int) -> list[FieldError]:
    """What a person's record as a whole must have: a name or an identifier, and at most PHONES_MAX phones."""
    errors = _Errors()
    if not identifiers and not _has_a_name(names):
        _name_or_identifier_required(errors)
    if phones > PHONES_MAX:
        _too_many_phones("phones", errors)
    return errors.items
