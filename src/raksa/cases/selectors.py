"""Reads on cases, always through cases_visible_to(user): a case outside it does not exist for that user.

case_list is built to stay fast on millions of rows: the visibility filter is an OR of indexed conditions
(owning unit, open referrals to the unit, supervisor areas), the order is the (..., -created_at) indexes' order,
and nothing here counts rows. Page it with a LIMIT (slice) and ask for one row more to know if there is a next
page, rather than calling .count() on it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from raksa.cases.access import access_log_write, case_not_found, cases_visible_to, staff_unit
from raksa.cases.errors import INVALID_CURSOR
from raksa.cases.models import Attachment, Case, CaseEvent, CaseParty, Note, Referral
from raksa.core.errors import NOT_FOUND
from raksa.core.ids import normalize_tracking_code
from raksa.people.models import Person
from raksa.people.selectors import person_search

_CASE_NUMBER = re.compile(r"^(\d{4})-(\d{1,7})$")
LIST_RELATED = ("owning_unit", "assigned_to")
SEARCH_PEOPLE_LIMIT = 100


def _search(cases: QuerySet[Case], q: str) -> QuerySet[Case]:
    """Case number, tracking code, or a person on the case by national ID, phone or name."""
    q = q.strip()
    if not q:
        return cases
    number = _CASE_NUMBER.match(q)
    if number:
        return cases.filter(number=f"{number.group(1)}-{int(number.group(2)):06d}")
    tracking_code = normalize_tracking_code(q)
    if tracking_code:
        return cases.filter(tracking_code=tracking_code)
    # The person index's own search (identifiers, then ranked names), bounded so that a common first name
    # cannot turn the case list into a scan over thousands of people.
    people = person_search(query=q, limit=SEARCH_PEOPLE_LIMIT)
    if not people:
        return cases.none()
    return cases.filter(
        id__in=CaseParty.objects.filter(person_id__in=[p.pk for p in people]).values("case_id")
    )


def case_list(
    *,
    user: Any,
    status: str | None = None,
    category: str | None = None,
    emergency_type: str | None = None,
    province_code: str | None = None,
    mine: bool = False,
    q: str | None = None,
) -> QuerySet[Case]:
    """The cases `user` may see, newest first, with what a list row shows (owning unit, assignee)."""
    cases = cases_visible_to(user)
    if status:
        cases = cases.filter(status=status)
    if category:
        cases = cases.filter(category=category)
    if emergency_type:
        cases = cases.filter(emergency_type=emergency_type)
    if province_code:
        cases = cases.filter(province_code=province_code)
    if mine:
        cases = cases.filter(assigned_to_id=getattr(user, "pk", None))
    if q:
        cases = _search(cases, q)
    return cases.select_related(*LIST_RELATED).order_by("-created_at", "-id")


def case_get(*, user: Any, pk: Any = None, number: str | None = None) -> Case:
    """One case by id or number; NotFound when it is missing or hidden from `user` (the two look the same).

    Does not write the access log: use case_get_for_view when the case's details are shown to a person.
    """
    cases = cases_visible_to(user).select_related("owning_unit__agency", "assigned_to", "created_by")
    try:
        if pk is not None:
            return cases.get(pk=int(pk))
        if number:
            return cases.get(number=number.strip())
    except (Case.DoesNotExist, ValueError, TypeError):
        pass
    raise case_not_found()


def case_get_for_view(
    *,
    user: Any,
    pk: Any = None,
    number: str | None = None,
    request: HttpRequest | None = None,
    channel: str = "web",
) -> Case:
    """case_get, then one access-log row (PDPA): the call every case page and API read makes."""
    case = case_get(user=user, pk=pk, number=number)
    access_log_write(user=user, action="case_view", case=case, request=request, channel=channel)
    return case


def case_timeline(*, case: Case) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(case=case).select_related("actor", "unit").order_by("created_at", "id")
    )


def case_parties(*, case: Case) -> list[CaseParty]:
    """The people on a case in the order they were added, each with their identifiers (a person card shows them)."""
    return list(
        CaseParty.objects.filter(case=case)
        .select_related("person")
        .prefetch_related("person__identifiers")
        .order_by("id")
    )


def case_notes(*, case: Case) -> list[Note]:
    return list(Note.objects.filter(case=case).select_related("author").order_by("created_at", "id"))


def case_attachments(*, case: Case) -> list[Attachment]:
    return list(
        Attachment.objects.filter(case=case).select_related("uploaded_by").order_by("created_at", "id")
    )


def case_attachment_get(*, case: Case, pk: int) -> Attachment:
    """One attachment of `case` (already checked visible by the caller); NotFound for any other id."""
    attachment = Attachment.objects.filter(case=case, pk=pk).first()
    if attachment is None:
        raise NOT_FOUND.error(what_th="ไฟล์แนบ", what_en="Attachment")
    return attachment


def case_referrals(*, case: Case) -> list[Referral]:
    return list(
        Referral.objects.filter(case=case)
        .select_related("from_unit", "to_unit", "created_by", "decided_by")
        .order_by("created_at", "id")
    )


def case_referral_get(*, case: Case, pk: int) -> Referral:
    """One referral of `case` (already checked visible by the caller); NotFound for any other id."""
    referral = Referral.objects.filter(case=case, pk=pk).select_related("to_unit").first()
    if referral is None:
        raise NOT_FOUND.error(what_th="การส่งต่อ", what_en="Referral")
    return referral


def referrals_incoming(*, user: Any, state: str | None = Referral.State.PENDING) -> QuerySet[Referral]:
    """Referrals to the user's unit (pending by default), newest first: the unit's in-tray."""
    unit = staff_unit(user)
    if unit is None:
        return Referral.objects.none()
    referrals = Referral.objects.filter(to_unit_id=unit.pk)
    if state:
        referrals = referrals.filter(state=state)
    return referrals.select_related("case", "from_unit", "created_by").order_by("-created_at", "-id")


def cases_for_person(*, user: Any, person: Person) -> QuerySet[Case]:
    """Every case `person` is on that `user` may see, across agencies, newest first."""
    on_cases = CaseParty.objects.filter(person=person).values("case_id")
    return (
        cases_visible_to(user)
        .filter(id__in=on_cases)
        .select_related(*LIST_RELATED)
        .order_by("-created_at", "-id")
    )


def case_history(*, user: Any, person: Person, limit: int) -> list[Case]:
    """A person's cross-agency history as a page shows it: the newest `limit` of cases_for_person, each with its
    owning unit's agency."""
    return list(cases_for_person(user=user, person=person).select_related("owning_unit__agency")[:limit])


# Keyset pages on (created_at, id), newest first: constant cost at any depth and no COUNT(*) over millions of rows.
# The cursor is opaque to callers (the workspace's "next" link and the API's next_cursor are the same value).


def encode_cursor(case: Case) -> str:
    raw = f"{case.created_at.isoformat()}|{case.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created, pk = raw.split("|")
        created_at, case_id = dt.datetime.fromisoformat(created), int(pk)
        if created_at.tzinfo is None or not 0 < case_id < 2**63:
            raise ValueError("not a cursor this app issued")
        return created_at, case_id
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise INVALID_CURSOR.error(field="cursor") from exc


def case_page(cases: QuerySet[Case], *, cursor: str | None, limit: int) -> tuple[list[Case], str | None]:
    """One page of `cases` after `cursor`, and the cursor of the next page (None on the last)."""
    cases = cases.order_by("-created_at", "-id")
    if cursor:
        created_at, pk = decode_cursor(cursor)
        cases = cases.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
    items = list(cases[: limit + 1])
    if len(items) > limit:
        items = items[:limit]
        return items, encode_cursor(items[-1])
    return items, None
