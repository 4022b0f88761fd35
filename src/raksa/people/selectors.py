"""Reads from the master person index. Every query here is served by an index (see the Person model)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from raksa.core.errors import NOT_FOUND
from raksa.core.identifiers import (
    is_valid_national_id,
    normalize_national_id,
    normalize_phone,
    thai_digits_to_arabic,
)
from raksa.people import matching
from raksa.people.models import Address, Identifier, Person, is_public_id

# Passports and other documents: letters and digits, at least one digit ("AA1234567", "MA123456").
_DOCUMENT = re.compile(r"^(?=.*\d)[A-Z0-9]{6,20}$")
_MAX_CHAIN = 10
# However common the name, a name look-up reads at most this many rows from each indexed query and starts no
# further query once it holds this many people, so ranking in Python sees fewer than twice this many.
_NAME_QUERY_LIMIT = 150
# Candidates scoring at least this need a human to say "same person" or "new person" before anything is created.
CANDIDATE_THRESHOLD = 0.6
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class Candidate:
    """A person who may be the one being looked for, with why: for a human to confirm, never merged silently."""

    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)


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
        raise NOT_FOUND.error(what_th="บุคคล", what_en="Person") from None
    return person_survivor(person)


def person_get_by_public_id(*, public_id: str) -> Person:
    """The person a URL or the API names, or the one they were merged into; NotFound otherwise.

    Only public ids: a row id (an integer) is as missing as a person who never was, so old links and counting
    find nothing.
    """
    value = (public_id or "").strip().lower()
    person = Person.objects.filter(public_id=value).first() if is_public_id(value) else None
    if person is None:
        raise NOT_FOUND.error(what_th="บุคคล", what_en="Person")
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


def _people_named(lookups: list[dict[str, str]]) -> list[Person]:
    """Live people matching each indexed name lookup in turn (the most telling first), within _NAME_QUERY_LIMIT.

    The one place a name look-up touches the table: person_search and person_candidates both go through it, so
    neither can turn a common name into a scan."""
    live = Person.objects.filter(merged_into__isnull=True).order_by()
    found: dict[int, Person] = {}
    for lookup in lookups:
        for person in live.filter(**lookup)[:_NAME_QUERY_LIMIT]:
            found.setdefault(person.pk, person)
        if len(found) >= _NAME_QUERY_LIMIT:
            break
    return list(found.values())


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
    by_name = [{"name_key__startswith": key}, {"last_name_key__startswith": key}]
    soundex = matching.name_soundex(first, last)
    if soundex:
        by_name.append({"name_soundex": soundex})
        if not last:
            by_name.append({"name_soundex__startswith": soundex + " "})
    if last:
        # "ใจดี สมศรี": the caller gave the last name first.
        by_name.append({"name_key__startswith": matching.name_key(f"{last} {first}")})

    def rank(person: Person) -> tuple[float, int]:
        exact_prefix = person.name_key.startswith(key) or person.last_name_key.startswith(key)
        return (-(matching.key_similarity(key, person.name_key) + (0.5 if exact_prefix else 0.0)), person.pk)

    identifier_ids = {p.pk for p in hits}
    names = sorted((p for p in _people_named(by_name) if p.pk not in identifier_ids), key=rank)
    return [*hits, *names][:limit]


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

    Indexed queries (same soundex, same first-name prefix, same last name) within one cap, then ranked.
    """
    _, first_name = matching.strip_title(first_name)
    key = matching.full_name_key(first_name, last_name)
    first_key = matching.name_key(first_name)
    last_key = matching.name_key(last_name)
    soundex = matching.name_soundex(first_name, last_name)
    if not key:
        return []
    by_name = []
    if soundex:
        by_name.append({"name_soundex": soundex})
    if first_key:
        by_name.append({"name_key__startswith": first_key})
    if last_key:
        by_name.append({"last_name_key": last_key})
    scored = [
        _score(
            p, key=key, soundex=soundex, last_key=last_key, birth_year=birth_year, province_code=province_code
        )
        for p in _people_named(by_name)
    ]
    scored = [c for c in scored if c.score >= CANDIDATE_THRESHOLD]
    scored.sort(key=lambda c: (-c.score, c.person.pk))
    return scored[:MAX_CANDIDATES]
