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
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, Model, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from raksa.cases.access import Action, access_log_write, case_not_found, cases_visible_to, staff_unit
from raksa.cases.errors import INVALID_CURSOR
from raksa.cases.models import (
    AccessLog,
    Attachment,
    Case,
    CaseEvent,
    CaseParty,
    EmergencyType,
    Note,
    Referral,
    Status,
)
from raksa.core.errors import NOT_FOUND
from raksa.core.ids import normalize_tracking_code
from raksa.directory.models import Category
from raksa.people.models import Person
from raksa.people.selectors import person_search

_CASE_NUMBER = re.compile(r"^(\d{4})-(\d{1,7})$")
LIST_RELATED = ("owning_unit", "assigned_to")
SEARCH_PEOPLE_LIMIT = 100


def _search(cases: QuerySet[Case], q: str) -> tuple[QuerySet[Case], list[Person]]:
    """Case number, tracking code, or a person on the case by national ID, phone or name; with the people the
    query matched through the person index (none for a number or a code)."""
    q = q.strip()
    if not q:
        return cases, []
    number = _CASE_NUMBER.match(q)
    if number:
        return cases.filter(number=f"{number.group(1)}-{int(number.group(2)):06d}"), []
    tracking_code = normalize_tracking_code(q)
    if tracking_code:
        return cases.filter(tracking_code=tracking_code), []
    # The person index's own search (identifiers, then ranked names), bounded so that a common first name
    # cannot turn the case list into a scan over thousands of people.
    people = person_search(query=q, limit=SEARCH_PEOPLE_LIMIT)
    if not people:
        return cases.none(), []
    on_cases = CaseParty.objects.filter(person_id__in=[p.pk for p in people]).values("case_id")
    return cases.filter(id__in=on_cases), people


@dataclass(frozen=True)
class CaseSearch:
    """A case list as case_search found it: the cases, and the people a search by name or identifier matched."""

    cases: QuerySet[Case]
    people: list[Person]

    def people_on(self, shown: list[Case]) -> list[Person]:
        """The matched people who are on one of the `shown` cases: whose link to a case the response revealed."""
        if not self.people or not shown:
            return []
        on_shown = set(
            CaseParty.objects.filter(
                case_id__in=[c.pk for c in shown], person_id__in=[p.pk for p in self.people]
            ).values_list("person_id", flat=True)
        )
        return [p for p in self.people if p.pk in on_shown]


def case_search(
    *,
    user: Any,
    status: str | None = None,
    category: str | None = None,
    emergency_type: str | None = None,
    province_code: str | None = None,
    mine: bool = False,
    q: str | None = None,
) -> CaseSearch:
    """case_list, keeping the people the search went through, so that the caller can log whose cases it showed."""
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
    people: list[Person] = []
    if q:
        cases, people = _search(cases, q)
    return CaseSearch(cases=cases.select_related(*LIST_RELATED).order_by("-created_at", "-id"), people=people)


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
    return case_search(
        user=user,
        status=status,
        category=category,
        emergency_type=emergency_type,
        province_code=province_code,
        mine=mine,
        q=q,
    ).cases


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
    action: str = Action.CASE_VIEW,
) -> Case:
    """case_get, then one access-log row (PDPA): the call every case page and API read makes."""
    case = case_get(user=user, pk=pk, number=number)
    access_log_write(user=user, action=action, case=case, request=request, channel=channel)
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


def case_attachment_filename(*, attachment: Attachment) -> str:
    """The name a download is saved under: `2569-000123-2.jpg`, the case, the file's place among the case's
    files, and the extension of the type its bytes showed. Never the uploader's name, which may say anything
    (`invoice.pdf.exe`, a bidi trick, a path)."""
    position = Attachment.objects.filter(case_id=attachment.case_id, pk__lte=attachment.pk).count()
    return f"{attachment.case.number}-{position}{attachment.extension}"


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


# Keyset pages on (time, id), newest first: constant cost at any depth and no COUNT(*) over millions of rows.
# The cursor is opaque to callers (the workspace's "next" link and the API's next_cursor are the same value).

M = TypeVar("M", bound=Model)


def _encode_keyset(at: dt.datetime, pk: int) -> str:
    raw = f"{at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def encode_cursor(case: Case) -> str:
    return _encode_keyset(case.created_at, case.pk)


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


def _keyset_page(
    rows: QuerySet[M], *, time_field: str, cursor: str | None, limit: int
) -> tuple[list[M], str | None]:
    rows = rows.order_by(f"-{time_field}", "-id")
    if cursor:
        at, pk = decode_cursor(cursor)
        rows = rows.filter(Q(**{f"{time_field}__lt": at}) | Q(**{time_field: at, "id__lt": pk}))
    items = list(rows[: limit + 1])
    if len(items) > limit:
        items = items[:limit]
        return items, _encode_keyset(getattr(items[-1], time_field), items[-1].pk)
    return items, None


def case_page(cases: QuerySet[Case], *, cursor: str | None, limit: int) -> tuple[list[Case], str | None]:
    """One page of `cases` after `cursor`, and the cursor of the next page (None on the last)."""
    return _keyset_page(cases, time_field="created_at", cursor=cursor, limit=limit)


# --- the access log: who looked at a case or a person (who may read it: cases.access) ----------------------------

ACCESS_RELATED = ("user__unit", "case", "person", "break_glass")


def case_access_history(*, case: Case) -> QuerySet[AccessLog]:
    """Every row naming `case`, newest first."""
    return AccessLog.objects.filter(case=case).select_related(*ACCESS_RELATED).order_by("-at", "-id")


def person_access_history(*, person: Person, cases: QuerySet[Case] | None = None) -> QuerySet[AccessLog]:
    """Every row naming `person`, newest first; with `cases`, only the rows naming no case or one of them (the
    scope cases.access.person_access_scope gives)."""
    rows = AccessLog.objects.filter(person=person)
    if cases is not None:
        rows = rows.filter(Q(case__isnull=True) | Q(case__in=cases))
    return rows.select_related(*ACCESS_RELATED).order_by("-at", "-id")


def access_page(
    rows: QuerySet[AccessLog], *, cursor: str | None, limit: int
) -> tuple[list[AccessLog], str | None]:
    """One page of access-log rows after `cursor`, and the cursor of the next page (None on the last)."""
    return _keyset_page(rows, time_field="at", cursor=cursor, limit=limit)


# ---------------------------------------------------------------------------------------------------------------
# risk flags: what a call-taker and a field team must know about the people involved, for their own safety

ADULT_AGE = 18
VIOLENCE_CATEGORIES = (Category.FAMILY_VIOLENCE,)
VIOLENCE_EMERGENCIES = (EmergencyType.THREAT,)


@dataclass(frozen=True)
class RiskFlags:
    violence: bool = False  # an earlier family-violence or threat case
    children: bool = False  # a child-protection case, or a party under 18 on one of the cases
    open_emergency: bool = False  # an emergency case still open

    @property
    def any(self) -> bool:
        return self.violence or self.children or self.open_emergency


def risk_flags(person_ids: list[int]) -> dict[int, RiskFlags]:
    """Each person's risk flags over all their cases (the console's caller pop, a responder's page): two grouped
    queries, whatever the number of cases."""
    if not person_ids:
        return {}
    on_case = CaseParty.objects.filter(person_id__in=person_ids)
    rows = (
        on_case.values("person_id")
        .annotate(
            violence=Count(
                "id",
                filter=Q(case__category__in=VIOLENCE_CATEGORIES)
                | Q(case__emergency_type__in=VIOLENCE_EMERGENCIES),
            ),
            children=Count("id", filter=Q(case__category=Category.CHILD_PROTECTION)),
            open_emergency=Count("id", filter=~Q(case__emergency_type="") & ~Q(case__status=Status.CLOSED)),
        )
        .order_by()
    )
    counts: dict[int, dict[str, Any]] = {row["person_id"]: dict(row) for row in rows}
    # A party under 18 on any of their cases (the caller herself included): birth years are enough here.
    youngest = timezone.localdate().year - ADULT_AGE + 1
    minors = (
        CaseParty.objects.filter(case_id__in=on_case.values("case_id"), person__birth_year__gte=youngest)
        .values_list("case_id", flat=True)
        .distinct()
    )
    with_minor = set(on_case.filter(case_id__in=minors).values_list("person_id", flat=True))
    flags = {}
    for pk in person_ids:
        row: dict[str, Any] = counts.get(pk, {})
        flags[pk] = RiskFlags(
            violence=bool(row.get("violence")),
            children=bool(row.get("children")) or pk in with_minor,
            open_emergency=bool(row.get("open_emergency")),
        )
    return flags
