"""Cases: the logbook, with exactly the workspace's permissions (the services and selectors enforce them)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja import Status as HttpStatus

from raksa.api.responses import answers
from raksa.api.schemas import (
    NO_NUL,
    AccessLogPageOut,
    CaseIn,
    CaseListOut,
    CaseOut,
    EventOut,
    NoteIn,
    NoteOut,
    ReferralIn,
    ReferralOut,
    StatusIn,
    coordinate,
)
from raksa.cases.access import Action, access_log_write, access_log_write_many, require_case_access_reader
from raksa.cases.models import Case, CaseEvent, EmergencyType, Note, Referral, Status
from raksa.cases.selectors import (
    access_page,
    case_access_history,
    case_get,
    case_get_for_view,
    case_page,
    case_search,
    case_timeline,
)
from raksa.cases.services import (
    case_change_status,
    case_close,
    case_create,
    note_add,
    referral_create,
)
from raksa.core.errors import NotFound
from raksa.directory.errors import UNKNOWN_UNIT
from raksa.directory.models import Category, Unit
from raksa.people.errors import UNKNOWN_PERSON
from raksa.people.models import Person
from raksa.people.selectors import person_get_by_public_id

router = Router()

# NUL in a path or a query would reach PostgreSQL, which cannot compare with it, and fail as a 500.
CaseNumber = Annotated[str, Path(max_length=32, pattern=NO_NUL, description="Case number, e.g. 2569-000123")]


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


# --- look-ups that turn an unknown reference into a 400 naming the field ----------------------------------------


def _person(public_id: str, field: str) -> Person:
    # Public ids only, as everywhere in the API: a row id is an unknown person.
    try:
        return person_get_by_public_id(public_id=public_id)
    except NotFound:
        raise UNKNOWN_PERSON.error(field=field) from None


def _unit(code: str, field: str) -> Unit:
    # An inactive unit is found here and refused by referral_create with its own, clearer error.
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise UNKNOWN_UNIT.error(field=field, code=code)
    return unit


# --- endpoints --------------------------------------------------------------------------------------------------


@router.get(
    "",
    **answers({200: CaseListOut}),
    summary="List cases",
    description="Only cases the caller may see, newest first. Follow `next_cursor` for the next page.",
)
def cases_list(
    request: HttpRequest,
    status: Status | None = None,
    category: Category | None = None,
    emergency_type: EmergencyType | None = None,
    province: str | None = Query(None, pattern=r"^[0-9]{2}$", description="2-digit DOPA province code"),
    mine: bool = Query(False, description="Only cases assigned to the caller"),
    q: str | None = Query(
        None, max_length=200, pattern=NO_NUL, description="Case number, tracking code, name, phone, ID"
    ),
    cursor: str | None = Query(None, max_length=200, pattern=NO_NUL),
    limit: int = Query(20, ge=1, le=100),
) -> dict[str, Any]:
    user = _user(request)
    q = (q or "").strip() or None
    search = case_search(
        user=user,
        status=status,
        category=category,
        emergency_type=emergency_type,
        province_code=province,
        mine=mine,
        q=q,
    )
    items, next_cursor = case_page(search.cases.select_related("owning_unit"), cursor=cursor, limit=limit)
    if q:
        # Like the workspace: a search tells which cases a person is on, so the cases and people are logged.
        access_log_write_many(
            user=user,
            action=Action.CASE_SEARCH,
            cases=items,
            people=search.people_on(items),
            request=request,
            channel="api",
        )
    return {"items": items, "next_cursor": next_cursor}


def _shown(request: HttpRequest, case: Case) -> Case:
    """A response carrying the whole case (its people, notes and referrals): logged like a read of it."""
    people = [party.person for party in case.parties.select_related("person")]
    access_log_write_many(
        user=_user(request),
        action=Action.CASE_VIEW,
        cases=[case],
        people=people,
        request=request,
        channel="api",
    )
    return case


@router.post("", **answers({201: CaseOut}, 409), summary="Create a case")
def cases_create(request: HttpRequest, payload: CaseIn) -> HttpStatus[Case]:
    subject = _person(payload.subject_id, "subject_id") if payload.subject_id is not None else None
    reporter = _person(payload.reporter_id, "reporter_id") if payload.reporter_id is not None else None
    parties = [
        (_person(party.person_id, f"parties.{index}.person_id"), str(party.role))
        for index, party in enumerate(payload.parties)
    ]
    case = case_create(
        actor=_user(request),
        channel=payload.channel,
        summary=payload.summary,
        description=payload.description,
        category=payload.category,
        emergency_type=payload.emergency_type or "",
        urgency=payload.urgency,
        subject=subject,
        reporter=reporter,
        parties=parties,
        latitude=coordinate(payload.latitude),
        longitude=coordinate(payload.longitude),
        location_text=payload.location_text,
        province_code=payload.province_code,
        district_code=payload.district_code,
        subdistrict_code=payload.subdistrict_code,
    )
    return HttpStatus(201, _shown(request, case))


@router.get(
    "/{number}",
    **answers({200: CaseOut}, 404),
    summary="Get a case",
    description="A case the caller may not see answers 404, like a missing one. The read is access-logged.",
)
def cases_get(request: HttpRequest, number: CaseNumber) -> Case:
    case = case_get_for_view(user=_user(request), number=number, request=request, channel="api")
    # The case row is written; the people shown on it are named too.
    people = [party.person for party in case.parties.select_related("person")]
    access_log_write_many(
        user=_user(request), action=Action.CASE_VIEW, people=people, request=request, channel="api"
    )
    return case


@router.get(
    "/{number}/events",
    **answers({200: list[EventOut]}, 404),
    summary="Case timeline",
    description="Every recorded event, oldest first. The read is access-logged.",
)
def cases_events(request: HttpRequest, number: CaseNumber) -> list[CaseEvent]:
    case = case_get_for_view(user=_user(request), number=number, request=request, channel="api")
    return case_timeline(case=case)


@router.post(
    "/{number}/status",
    **answers({200: CaseOut}, 404, 409),
    summary="Change a case's status",
    description=(
        "`closed` needs an `outcome`; a closed case goes back to `active` (reopened) with a `reason`. "
        "A move the status machine does not allow answers 409 `illegal_transition`."
    ),
)
def cases_change_status(request: HttpRequest, number: CaseNumber, payload: StatusIn) -> Case:
    user = _user(request)
    case = case_get(user=user, number=number)
    if payload.status == Status.CLOSED:
        return _shown(request, case_close(actor=user, case=case, outcome=payload.outcome or payload.reason))
    # Leaving "closed" is a reopen, which case_change_status routes to case_reopen (reason required).
    changed = case_change_status(actor=user, case=case, status=payload.status, reason=payload.reason)
    return _shown(request, changed)


@router.post("/{number}/notes", **answers({201: NoteOut}, 404), summary="Add a note")
def cases_add_note(request: HttpRequest, number: CaseNumber, payload: NoteIn) -> HttpStatus[Note]:
    user = _user(request)
    case = case_get(user=user, number=number)
    return HttpStatus(201, note_add(actor=user, case=case, body=payload.body))


@router.post(
    "/{number}/referrals",
    **answers({201: ReferralOut}, 404, 409),
    summary="Refer a case to another unit",
)
def cases_refer(request: HttpRequest, number: CaseNumber, payload: ReferralIn) -> HttpStatus[Referral]:
    user = _user(request)
    case = case_get(user=user, number=number)
    to_unit = _unit(payload.to_unit.strip(), "to_unit")
    return HttpStatus(201, referral_create(actor=user, case=case, to_unit=to_unit, reason=payload.reason))


@router.get(
    "/{number}/access",
    **answers({200: AccessLogPageOut}, 404),
    summary="Who looked at a case",
    description=(
        "The case's access log, newest first: for the supervisors who may manage the case and the 1300 centre's "
        "supervisors and admins (403 for anyone else who sees the case). Reading it is itself logged. Follow "
        "`next_cursor` for the next page."
    ),
)
def cases_access(
    request: HttpRequest,
    number: CaseNumber,
    cursor: str | None = Query(None, max_length=200, pattern=NO_NUL),
    limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    user = _user(request)
    case = case_get(user=user, number=number)
    require_case_access_reader(user, case)
    access_log_write(user=user, action=Action.ACCESS_HISTORY, case=case, request=request, channel="api")
    items, next_cursor = access_page(case_access_history(case=case), cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": next_cursor}
