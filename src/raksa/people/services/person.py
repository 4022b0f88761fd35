"""Create and update a person, and attach identifiers; the search keys are written only here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from raksa.core.errors import RaksaError
from raksa.people import matching
from raksa.people.errors import (
    FIELD_NOT_UPDATABLE,
    IDENTIFIER_IN_USE,
    NATIONAL_ID_ALREADY_SET,
    PERSON_MERGED,
    UNKNOWN_IDENTIFIER_KIND,
)
from raksa.people.models import Address, Identifier, Person
from raksa.people.services.validation import (
    ADDRESS_KEYS,
    IDENTIFYING_NAMES,
    PHONES_MAX,
    UPDATABLE_FIELDS,
    _clean_person_fields,
    _collect_identifiers,
    _Errors,
    _has_a_name,
    _name_or_identifier_required,
    _normalize_identifier,
    _split_titles,
    _too_many_phones,
)

_FIELD_LABELS: dict[str, tuple[str, str]] = {
    "national_id": ("เลขประจำตัวประชาชน", "national ID"),
    "line_user_id": ("LINE user id", "LINE user id"),
    "phone": ("หมายเลขโทรศัพท์", "phone number"),
    "phones": ("หมายเลขโทรศัพท์", "phone number"),
    "passport": ("เลขหนังสือเดินทาง", "passport number"),
    "other_id": ("เลขเอกสาร", "document number"),
}


def _refresh_keys(person: Person) -> None:
    """Recompute the indexed search keys from the names; the only place they are written."""
    if person.first_name_th or person.last_name_th:
        first, last = person.first_name_th, person.last_name_th
    else:
        first, last = person.first_name_en, person.last_name_en
    person.name_key = matching.full_name_key(first, last)[:220]
    person.last_name_key = matching.name_key(last)[:110]
    person.name_soundex = matching.name_soundex(first, last)


def _identifier_in_use(field_name: str) -> RaksaError:
    th, en = _FIELD_LABELS.get(field_name.split(".")[0], _FIELD_LABELS["other_id"])
    return IDENTIFIER_IN_USE.error(field=field_name, label_th=th, label_en=en)


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


def _identifiers_insert(person: Person, wanted: Iterable[tuple[str, str, str]]) -> None:
    """A new person's identifiers, nobody holding them a moment ago: inserted without a look-up or savepoint,
    so the caller's savepoint must take the Conflict of one claimed in between (see `_create`)."""
    for kind, value, field_name in wanted:
        try:
            Identifier.objects.create(person=person, kind=kind, value=value)
        except IntegrityError:
            raise _identifier_in_use(field_name) from None


def _address_set(person: Person, address: dict[str, str]) -> Address:
    current = person.addresses.filter(is_current=True).first()
    if current and all(getattr(current, key) == address[key] for key in ADDRESS_KEYS):
        return current
    person.addresses.filter(is_current=True).update(is_current=False)
    person.province_code = address["province_code"] or person.province_code
    return Address.objects.create(person=person, is_current=True, **address)


def _create(
    *,
    actor: Any,
    fields: dict[str, Any],
    identifiers: list[tuple[str, str, str]],
    address: dict[str, str] | None,
    fill: dict[str, Any] | None = None,
    looked_up: bool = False,
) -> Person:
    """Insert the person, their identifiers and address.

    `fill` gives an estimated `birth_year` and a `province_code` for when the person's own input left them empty
    (find-or-create's), in the same insert. `looked_up` is find-or-create's: it has just looked every identifier up and found nobody, and it
    runs this inside a savepoint of its own that it rolls back on a Conflict. So the identifiers are not looked
    up again and no savepoint is made here: one a concurrent report claimed a moment ago fails its insert,
    which is that same Conflict.
    """
    with transaction.atomic(savepoint=not looked_up):
        if not looked_up:
            for kind, value, field_name in identifiers:
                if Identifier.objects.filter(kind=kind, value=value).exists():
                    raise _identifier_in_use(field_name)
        person = Person(**fields, created_by=actor if getattr(actor, "pk", None) else None)
        if address and address["province_code"]:
            person.province_code = address["province_code"]
        fill = fill or {}
        if fill.get("birth_year") and not person.birth_year:
            person.birth_year, person.birth_year_estimated = fill["birth_year"], True
        if fill.get("province_code") and not person.province_code:
            person.province_code = fill["province_code"]
        _refresh_keys(person)
        person.save(force_insert=True)
        if looked_up:
            _identifiers_insert(person, identifiers)
        else:
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
    """Create a person with identifiers and an address. A person needs no Thai ID (migrants, stateless people),
    but needs a name (or nickname) or an identifier: a record of nobody can never be found again, only duplicated.

    A title typed into the first name ("นางสาวสมศรี") is moved to `title`.
    """
    data, identifiers, clean_address = _person_input(
        title=title,
        first_name_th=first_name_th,
        last_name_th=last_name_th,
        first_name_en=first_name_en,
        last_name_en=last_name_en,
        nickname=nickname,
        sex=sex,
        birth_date=birth_date,
        age=age,
        nationality=nationality,
        status=status,
        national_id=national_id,
        passport=passport,
        phones=phones,
        line_user_id=line_user_id,
        address=address,
    )
    return _create(actor=actor, fields=data, identifiers=identifiers, address=clean_address)


def _person_input(
    *,
    national_id: str | None,
    passport: str | None,
    phones: Iterable[str],
    line_user_id: str | None,
    **given: Any,
) -> tuple[dict[str, Any], list[tuple[str, str, str]], dict[str, str] | None]:
    """person_create's input checked: the person's fields, the identifiers (kind, value, field), the address."""
    errors = _Errors()
    data: dict[str, Any] = dict(given)
    _clean_person_fields(data, errors)
    identifiers = _collect_identifiers(
        national_id=national_id, passport=passport, phones=phones, line_user_id=line_user_id, errors=errors
    )
    if not errors.items and not identifiers and not _has_a_name(data):
        _name_or_identifier_required(errors)
    errors.raise_if_any()
    _split_titles(data)
    clean_address = data.pop("address")
    return data, identifiers, clean_address


def _lock(person: Person) -> Person:
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.merged_into_id:
        raise PERSON_MERGED.error(field="person")
    return locked


def person_update(*, actor: Any, person: Person, **fields: Any) -> Person:
    """Change plain fields; `address` (a dict) becomes the current address, the old one is kept as history."""
    errors = _Errors()
    for name in sorted(set(fields) - UPDATABLE_FIELDS):
        errors.add(name, FIELD_NOT_UPDATABLE)
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
        names = {name: getattr(locked, name) for name in IDENTIFYING_NAMES}
        if not _has_a_name(names) and not locked.identifiers.exists():
            _name_or_identifier_required(errors)
            errors.raise_if_any()
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
        errors.add("kind", UNKNOWN_IDENTIFIER_KIND)
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
            raise NATIONAL_ID_ALREADY_SET.error(field="national_id")
        if kind == Identifier.Kind.PHONE and locked.identifiers.filter(kind=kind).count() >= PHONES_MAX:
            _too_many_phones(field_name, errors)
            errors.raise_if_any()
        return _identifiers_claim(locked, [(kind, normalized, field_name)])[0]
