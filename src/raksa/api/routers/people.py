"""People: the shared master index. Any staff member with a unit may search and read it; the cases listed on a
person are only the ones the caller may see."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router
from ninja import Status as HttpStatus

from raksa.api.responses import answers
from raksa.api.schemas import NO_NUL, PersonIn, PersonOut, PersonSummary
from raksa.cases.access import access_log_write
from raksa.people.models import Person
from raksa.people.selectors import person_get, person_search
from raksa.people.services import person_create

router = Router()


@router.get(
    "",
    **answers({200: list[PersonSummary]}),
    summary="Search people",
    description=(
        "By phone, national ID, passport, LINE user id, or Thai or English name (titles ignored). "
        "The search is written to the access log."
    ),
)
def people_search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=200, pattern=NO_NUL, description="Phone, ID number or name"),
    limit: int = Query(20, ge=1, le=50),
) -> list[Person]:
    people = person_search(query=q.strip(), limit=limit)
    # Search results are personal data too: logged like the workspace's search page.
    access_log_write(user=request.auth, action="person_search", request=request, channel="api")  # type: ignore[attr-defined]
    return people


@router.get(
    "/{int:person_id}",
    **answers({200: PersonOut}, 404),
    summary="Get a person",
    description="A merged person answers with the surviving record. The read is written to the access log.",
)
def people_get(request: HttpRequest, person_id: int) -> Person:
    person = person_get(pk=person_id)
    access_log_write(user=request.auth, action="person_view", person=person, request=request, channel="api")  # type: ignore[attr-defined]
    return person


@router.post(
    "",
    **answers({201: PersonOut}, 409),
    summary="Create a person",
    description="A national ID, passport, phone or LINE id that already belongs to someone answers 409.",
)
def people_create(request: HttpRequest, payload: PersonIn) -> HttpStatus[Person]:
    fields = payload.model_dump(exclude={"address", "phones"})
    person = person_create(
        actor=request.auth,  # type: ignore[attr-defined]
        phones=tuple(payload.phones),
        address=payload.address.model_dump() if payload.address else None,
        **fields,
    )
    return HttpStatus(201, person)
