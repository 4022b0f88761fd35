"""People: the shared master index, shown to each caller as raksa.cases.person_access decides (the full record,
the limited view, or nothing), named by public ids only, and every person shown written to the access log."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja import Status as HttpStatus

from raksa.api.responses import answers
from raksa.api.schemas import NO_NUL, BreakGlassIn, PersonFoundOut, PersonIn, PersonOut, PersonViewOut
from raksa.cases import person_access
from raksa.cases.person_access import PersonAccess
from raksa.core.errors import TooManyRequests
from raksa.people.models import Person
from raksa.people.services import person_create

router = Router()

LIMIT_NOTE = (
    " Person reads and searches count against the caller's hourly limit (`RAKSA_PERSON_VIEWS_PER_HOUR`); beyond "
    "it the answer is 429 `too_many_person_views` with a `Retry-After` header."
)


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _too_many(response: HttpResponse, error: TooManyRequests) -> HttpStatus[dict[str, Any]]:
    response["Retry-After"] = str(error.retry_after)
    return HttpStatus(429, error.as_dict())


def _found(person: Person, access: PersonAccess) -> dict[str, Any]:
    full = access.is_full
    return {
        "public_id": person.public_id,
        "access": access.label,
        "display_name": person.display_name,
        "title": person.title,
        "first_name_th": person.first_name_th,
        "last_name_th": person.last_name_th,
        "first_name_en": person.first_name_en,
        "last_name_en": person.last_name_en,
        "nickname": person.nickname if full else None,
        "sex": person.sex if full else None,
        "birth_year": person.birth_year,
        "province_code": person.province_code,
    }


def _view(person: Person, access: PersonAccess) -> Any:
    if not access.is_full:
        return person_access.person_limited(person=person)
    person.raksa_break_glass = access.grant  # type: ignore[attr-defined]  # read by PersonOut
    return person


@router.get(
    "",
    **answers({200: list[PersonFoundOut]}, 429),
    summary="Search people",
    description=(
        "By phone, national ID, passport, LINE user id, or Thai or English name (titles ignored). Each person "
        "found says how much the caller may see (`access`); people the caller may not see at all are left out. "
        "Every person listed is written to the access log." + LIMIT_NOTE
    ),
)
def people_search(
    request: HttpRequest,
    response: HttpResponse,
    q: str = Query(..., min_length=1, max_length=200, pattern=NO_NUL, description="Phone, ID number or name"),
    limit: int = Query(20, ge=1, le=50),
) -> Any:
    try:
        found = person_access.person_search_for_view(
            user=_user(request), query=q.strip(), limit=limit, request=request, channel="api"
        )
    except TooManyRequests as exc:
        return _too_many(response, exc)
    return [_found(person, access) for person, access in found]


@router.get(
    "/{person_id}",
    **answers({200: PersonViewOut}, 404, 429),
    summary="Get a person",
    description=(
        "The full record (`access: full`) or the limited view (`access: limited`), as the caller may see the "
        "person; one they may not see at all answers 404 like a missing one, and so does a row id. A merged "
        "person answers with the surviving record. The read is written to the access log." + LIMIT_NOTE
    ),
)
def people_get(request: HttpRequest, response: HttpResponse, person_id: str) -> Any:
    try:
        person, access = person_access.person_for_view(
            user=_user(request), public_id=person_id, request=request, channel="api"
        )
    except TooManyRequests as exc:
        return _too_many(response, exc)
    return _view(person, access)


@router.post(
    "/{person_id}/break-glass",
    **answers({201: PersonOut}, 404, 409),
    summary="Break the glass: open a person's full record with a reason",
    description=(
        "For a caller with the limited view: opens the full record to them for `RAKSA_BREAK_GLASS_MINUTES` "
        "(4 hours by default), marks their access-log rows meanwhile, and tells the area's supervisors. 409 "
        "`break_glass_not_needed` when the caller already sees the full record; 400 for a reason that is too "
        "short or too long."
    ),
)
def people_break_glass(request: HttpRequest, person_id: str, payload: BreakGlassIn) -> HttpStatus[Person]:
    user = _user(request)
    person, _ = person_access.person_access_for(user=user, public_id=person_id)
    grant = person_access.person_break_glass(
        user=user, person=person, reason=payload.reason, request=request, channel="api"
    )
    person.raksa_break_glass = grant  # type: ignore[attr-defined]  # read by PersonOut
    return HttpStatus(201, person)


@router.post(
    "",
    **answers({201: PersonOut}, 409),
    summary="Create a person",
    description="A national ID, passport, phone or LINE id that already belongs to someone answers 409.",
)
def people_create(request: HttpRequest, payload: PersonIn) -> HttpStatus[Person]:
    fields = payload.model_dump(exclude={"address", "phones"})
    person = person_create(
        actor=_user(request),
        phones=tuple(payload.phones),
        address=payload.address.model_dump() if payload.address else None,
        **fields,
    )
    return HttpStatus(201, person)
