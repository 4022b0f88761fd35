"""Find-or-create: the one way every channel turns "who is this?" into a Person, never merging anyone."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from raksa.core.errors import UNKNOWN_FIELD, Conflict
from raksa.core.text import shown
from raksa.people.errors import BIRTH_YEAR_NOT_A_YEAR, NOTHING_TO_MATCH
from raksa.people.models import Identifier, Person
from raksa.people.selectors import Candidate, person_candidates, person_survivor
from raksa.people.services.person import (
    _create,
    _identifiers_claim,
    _person_input,
    _refresh_keys,
    person_create,
)
from raksa.people.services.validation import (
    NAME_FIELDS,
    PHONES_MAX,
    _check_line_user_id,
    _check_national_id,
    _check_passport,
    _check_phone,
    _clean_person_fields,
    _Errors,
    _split_titles,
)

# The order in which an exact identifier decides who someone is.
EXACT_MATCH_ORDER = ("national_id", "line_user_id", "phone", "passport")
_KIND_OF_FIELD = {
    "national_id": Identifier.Kind.NATIONAL_ID,
    "line_user_id": Identifier.Kind.LINE_USER,
    "phone": Identifier.Kind.PHONE,
    "phones": Identifier.Kind.PHONE,
    "passport": Identifier.Kind.PASSPORT,
}


@dataclass(frozen=True)
class MatchResult:
    person: Person | None
    created: bool
    matched_on: str | None
    candidates: list[Candidate] = field(default_factory=list)


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
            if kind == Identifier.Kind.PHONE and locked.identifiers.filter(kind=kind).count() >= PHONES_MAX:
                continue  # the person is still the right match; a full phone list keeps the numbers it has
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
            errors.add("birth_year", BIRTH_YEAR_NOT_A_YEAR)
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
        raise NOTHING_TO_MATCH.error(field="first_name_th")
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
        errors.add(name, UNKNOWN_FIELD, name=shown(name))
    errors.raise_if_any()
    # person_create's checks, then one insert that also fills the estimated birth year and the province when
    # the person's own fields left them empty. The exact match has just looked up the identifiers it was given
    # and found nobody: unless create_fields brought others, they are not looked up again.
    defaults = {
        name: value for name, value in (person_create.__kwdefaults__ or {}).items() if name != "actor"
    }
    data, identifiers, address = _person_input(**{**defaults, **fields})
    searched = {(_KIND_OF_FIELD[name], value) for name, value in found.items()}
    looked_up = all((kind, value) in searched for kind, value, _ in identifiers)
    fill = {"province_code": province_code, "birth_year": birth_year}
    return _create(
        actor=actor, fields=data, identifiers=identifiers, address=address, fill=fill, looked_up=looked_up
    )
