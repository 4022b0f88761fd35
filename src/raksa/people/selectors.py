"""Reads from the master person index. Every query here is served by an index (see the Person model)."""

from __future__ import annotations

import re

from raksa.core.errors import not_found
from raksa.core.identifiers import (
    is_valid_national_id,
    normalize_national_id,
    normalize_phone,
    thai_digits_to_arabic,
)
from raksa.people import matching
from raksa.people.models import Address, Identifier, Person

# Passports and other documents: letters and digits, at least one digit ("AA1234567", "MA123456").
_DOCUMENT = re.compile(r"^(?=.*\d)[A-Z0-9]{6,20}$")
_MAX_CHAIN = 10
# Name queries read at most this many rows before ranking, however common the name.
_NAME_QUERY_LIMIT = 150


def person_survivor(person: Person) -> Person:
    """The record a person lives on: themselves, or whoever they were merged into (following the chain)."""
    for _ in range(_MAX_CHAIN):
        if not person.merged_into_id:
            return person
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def person_get(*, pk: int | str) -> Person:
    """The person with this id, or the one they were merged into; NotFound otherwise."""
    try:
        person = Person.objects.get(pk=int(pk))
    except (Person.DoesNotExist, TypeError, ValueError):
        raise not_found("person", "บุคคล") from None
    return person_survivor(person)


def person_identifiers(*, person: Person) -> list[Identifier]:
    return list(Identifier.objects.filter(person=person).order_by("kind", "id"))


def person_addresses(*, person: Person) -> list[Address]:
    """Current address first, then the newest."""
    return list(Address.objects.filter(person=person).order_by("-is_current", "-id"))


def _identifier_hits(kinds_values: list[tuple[str, str]]) -> list[Person]:
    people: dict[int, Person] = {}
    for kind, value in kinds_values:
        for ident in Identifier.objects.select_related("person").filter(kind=kind, value=value):
            person = person_survivor(ident.person)
            people.setdefault(person.pk, person)
    return list(people.values())


def _identifier_lookups(query: str) -> list[tuple[str, str]]:
    """What identifiers a search box entry could be; several when ambiguous (13 digits with a bad check digit
    is still tried as a phone-less document number, a token like AA1234567 as a passport and other id)."""
    text = thai_digits_to_arabic(query).strip()
    lookups: list[tuple[str, str]] = []
    national_id = normalize_national_id(text)
    if national_id and is_valid_national_id(national_id):
        lookups.append((Identifier.Kind.NATIONAL_ID, national_id))
    phone = normalize_phone(text)
    if phone:
        lookups.append((Identifier.Kind.PHONE, phone))
    if matching.STRICT_LINE_USER_ID.match(text):
        lookups.append((Identifier.Kind.LINE_USER, text))
    document = matching.normalize_passport(text)
    if document and _DOCUMENT.match(document) and not national_id and not phone:
        lookups.append((Identifier.Kind.PASSPORT, document))
        lookups.append((Identifier.Kind.OTHER_ID, text))
    return lookups


def person_search(*, query: str, limit: int = 20) -> list[Person]:
    """Find people by phone, national ID, passport, LINE id, or Thai/English name (titles ignored).

    Identifier hits come first and follow merges to the survivor; name hits skip merged records and are
    ranked by similarity, using only indexed prefix/equality queries.
    """
    query = (query or "").strip()
    if not query:
        return []
    limit = max(1, min(int(limit), 100))
    lookups = _identifier_lookups(query)
    hits = _identifier_hits(lookups) if lookups else []
    if lookups and (hits or query.replace(" ", "").replace("-", "").isdigit()):
        return hits[:limit]

    key = matching.name_key(query)
    if not key:
        return hits[:limit]
    words = key.split(" ")
    first, last = words[0], " ".join(words[1:])
    live = Person.objects.filter(merged_into__isnull=True).order_by()
    found: dict[int, Person] = {p.pk: p for p in hits}
    queries = [live.filter(name_key__startswith=key), live.filter(last_name_key__startswith=key)]
    soundex = matching.name_soundex(first, last)
    if soundex:
        queries.append(live.filter(name_soundex=soundex))
        if not last:
            queries.append(live.filter(name_soundex__startswith=soundex + " "))
    if last:
        # "ใจดี สมศรี": the caller gave the last name first.
        queries.append(live.filter(name_key__startswith=matching.name_key(f"{last} {first}")))
    for q in queries:
        for person in q[:_NAME_QUERY_LIMIT]:
            found.setdefault(person.pk, person)
        if len(found) >= _NAME_QUERY_LIMIT:
            break

    def rank(person: Person) -> tuple[float, int]:
        exact_prefix = person.name_key.startswith(key) or person.last_name_key.startswith(key)
        return (-(matching.key_similarity(key, person.name_key) + (0.5 if exact_prefix else 0.0)), person.pk)

    identifier_ids = {p.pk for p in hits}
    names = sorted((p for p in found.values() if p.pk not in identifier_ids), key=rank)
    return [*hits, *names][:limit]
