"""Who may see a person, and how much of them (PDPA: purpose limitation).

The person index is shared so that nobody re-enters a person, not so that everyone reads everyone. To each
staff member a person is one of:

FULL: identifiers, addresses, contact details and every case of theirs the user may see (raksa.cases.access).
  - a user who can see one of the person's cases (at any level: owning unit, open referral, area supervisor,
    centre);
  - the 1300 centre's intake roles (a unit of kind "centre", role call_taker, supervisor or admin), who must have
    a caller's record on screen before the caller has finished giving their name;
  - a user holding a live break-the-glass grant for this person (below).
LIMITED: only what keeps anyone from creating the same person twice: the name (Thai and English, with the
  title), the birth year, the home province, and the names of the agencies that hold a case on the person. Never
  an identifier, an address, a phone, a case number, a category or anything else about a case. For every other
  staff member with a unit who finds the person: by an exact identifier or a name in the search, or by a link.
NONE: the person does not exist (404, exactly as for a missing one): staff with no unit, inactive users, and
  responders beyond their own people (below).

Responders (role "responder") are to see the people on their own dispatches only. Dispatch does not exist yet;
until it does, a responder sees in FULL the people on cases visible to them and NOTHING else: no limited view,
no breaking the glass, and a search of the index finds only those people. The dispatch issue narrows "cases
visible to them" to "their own dispatches". A community volunteer (role "volunteer") is not staff: staff_unit
gives her no unit, so every person is NONE to her and a search finds nobody; she follows the cases she reported
through her own pages (raksa.intake.volunteer), never through the index.

Breaking the glass: a user with a LIMITED view may open the FULL record by writing why
(BREAK_GLASS_REASON_MIN to BREAK_GLASS_REASON_MAX characters). The record is then open to that user, for that
person, for RAKSA_BREAK_GLASS_MINUTES (4 hours by default): every access-log row written meanwhile names the
grant (AccessLog.break_glass), the act writes one row of its own (action "break_glass"), and the area's
supervisors are told in the app (and by email when it is configured): the supervisors whose unit serves the
person's home province or current district, else the 1300 centre's supervisors. The user who broke the glass is
never the one told. The notice names the user and their reason and links to the person, but does not name the
person: reading the notices is not a look at a person, the page it links to is (and is logged). The email says
only that there is a notice to read: the reason may tell what happened to someone, and an email leaves the system.

Counting does not pay: pages and the API name a person by Person.public_id (100 random bits), never the row id;
an integer answers 404 like a missing person. And each user may ask for at most RAKSA_PERSON_VIEWS_PER_HOUR
person responses per clock hour: person pages (full or limited), API reads and searches, found or not, on the
web and the API together. Beyond that the request is refused (429, Thai and English) and the user's supervisors
are told, once per hour: the supervisors of the user's own unit, else those whose unit serves its province, else
the centre's.

The access log: every response that shows a person writes a row naming that person, with the action
"person_view" (full), "person_view_limited" or "person_search". A search writes one row per person it listed
rather than one row for the search with the people linked, so that "who saw this person" stays one indexed
look-up on AccessLog.person, the same for a search as for a page. A search that found nobody writes one row
naming nobody, so that the query (in the path) is still on record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from raksa.accounts.models import Role, User
from raksa.accounts.services import notice_send
from raksa.cases.access import access_log_write, cases_visible_to, staff_unit
from raksa.cases.errors import (
    BREAK_GLASS_NOT_NEEDED,
    BREAK_GLASS_REASON_REQUIRED,
    BREAK_GLASS_REASON_TOO_LONG,
    BREAK_GLASS_REASON_TOO_SHORT,
    TOO_MANY_PERSON_VIEWS,
)
from raksa.cases.models import BreakGlass, CaseParty, PersonViewCount
from raksa.core.errors import NOT_FOUND
from raksa.directory.models import Agency, ServiceArea, Unit
from raksa.people.models import Address, Person
from raksa.people.selectors import person_get_by_public_id, person_search

INTAKE_ROLES = frozenset({Role.CALL_TAKER, Role.SUPERVISOR, Role.ADMIN})
BREAK_GLASS_REASON_MIN = 10
BREAK_GLASS_REASON_MAX = 500
# A responder's search is filtered after the index's own search: look a little deeper so that their people are
# not crowded out of the first page by others with the same name.
RESPONDER_SEARCH_DEPTH = 100
PERSON_SEARCH_MAX = 100

ACTION_VIEW = "person_view"
ACTION_VIEW_LIMITED = "person_view_limited"
ACTION_SEARCH = "person_search"
ACTION_BREAK_GLASS = "break_glass"
NOTICE_BREAK_GLASS = "break_glass"
NOTICE_TOO_MANY_VIEWS = "person_views_limit"


class Visibility(IntEnum):
    NONE = 0
    LIMITED = 1
    FULL = 2


@dataclass(frozen=True)
class PersonAccess:
    """How much of one person one user may see, and the break-the-glass grant it rests on, if any."""

    visibility: Visibility
    grant: BreakGlass | None = None

    @property
    def is_full(self) -> bool:
        return self.visibility == Visibility.FULL

    @property
    def label(self) -> str:
        """The API's `access` field: full, limited or none."""
        return self.visibility.name.lower()


@dataclass(frozen=True)
class LimitedPerson:
    """Everything a LIMITED view shows, and nothing else: templates and the API build that view from this."""

    public_id: str
    display_name: str
    title: str
    first_name_th: str
    last_name_th: str
    first_name_en: str
    last_name_en: str
    birth_year: int | None
    province_code: str
    agencies: list[Agency]


NONE = PersonAccess(Visibility.NONE)
LIMITED = PersonAccess(Visibility.LIMITED)
FULL = PersonAccess(Visibility.FULL)


# --- the rule ---------------------------------------------------------------------------------------------------


def _is_centre_intake(user: Any, unit: Unit) -> bool:
    return unit.kind == Unit.Kind.CENTRE and user.role in INTAKE_ROLES


def _on_visible_cases(user: Any, person_ids: list[int]) -> set[int]:
    visible = cases_visible_to(user).values("id")
    parties = CaseParty.objects.filter(person_id__in=person_ids, case_id__in=visible)
    return set(parties.values_list("person_id", flat=True))


def _live_grants(user: Any, person_ids: list[int], now: dt.datetime) -> dict[int, BreakGlass]:
    grants = BreakGlass.objects.filter(user=user, person_id__in=person_ids, expires_at__gt=now)
    # The grant that lasts longest is the one a view rests on.
    return {grant.person_id: grant for grant in grants.order_by("expires_at", "id")}


def people_access(user: Any, people: list[Person]) -> dict[int, PersonAccess]:
    """What `user` may see of each person, by primary key; three small queries however many people."""
    ids = [person.pk for person in people]
    unit = staff_unit(user)
    if unit is None or not ids:
        return dict.fromkeys(ids, NONE)
    if _is_centre_intake(user, unit):
        return dict.fromkeys(ids, FULL)
    on_cases = _on_visible_cases(user, ids)
    rest = [pk for pk in ids if pk not in on_cases]
    is_responder = user.role == Role.RESPONDER
    grants = _live_grants(user, rest, timezone.now()) if rest and not is_responder else {}
    result = {}
    for pk in ids:
        if pk in on_cases:
            result[pk] = FULL
        elif is_responder:
            result[pk] = NONE
        elif pk in grants:
            result[pk] = PersonAccess(Visibility.FULL, grant=grants[pk])
        else:
            result[pk] = LIMITED
    return result


def person_access(user: Any, person: Person) -> PersonAccess:
    return people_access(user, [person])[person.pk]


def person_limited(*, person: Person) -> LimitedPerson:
    """The LIMITED view of `person`: the agencies holding a case on them, by name, and nothing about the cases."""
    agencies = Agency.objects.filter(units__owned_cases__parties__person=person).distinct().order_by("code")
    return LimitedPerson(
        public_id=person.public_id,
        display_name=person.display_name,
        title=person.title,
        first_name_th=person.first_name_th,
        last_name_th=person.last_name_th,
        first_name_en=person.first_name_en,
        last_name_en=person.last_name_en,
        birth_year=person.birth_year,
        province_code=person.province_code,
        agencies=list(agencies),
    )


# --- reads as pages and the API make them: counted, checked, logged ---------------------------------------------


def person_for_view(
    *, user: Any, public_id: str, request: HttpRequest | None = None, channel: str = "web", log: bool = True
) -> tuple[Person, PersonAccess]:
    """The person a page or an API read names, and what `user` may see of them.

    Counts against the user's hourly limit first (a miss counts too: guessing must not be free), then NotFound
    for a missing person and for one the rule hides (the two look the same). With `log`, writes the access-log
    row; a page that redirects a merged record to its survivor passes log=False and logs on the survivor's page.
    """
    person_views_count(user=user)
    person, access = person_access_for(user=user, public_id=public_id)
    if log:
        person_view_log(user=user, person=person, access=access, request=request, channel=channel)
    return person, access


def person_access_for(*, user: Any, public_id: str) -> tuple[Person, PersonAccess]:
    """The person `public_id` names (or their survivor) and what `user` may see of them; NotFound when missing or
    hidden. Neither counted nor logged: for an action on a person, not a look at one."""
    person = person_get_by_public_id(public_id=public_id)
    access = person_access(user, person)
    if access.visibility == Visibility.NONE:
        raise NOT_FOUND.error(what_th="บุคคล", what_en="Person")
    return person, access


def person_view_log(
    *,
    user: Any,
    person: Person,
    access: PersonAccess,
    request: HttpRequest | None = None,
    channel: str = "web",
) -> None:
    access_log_write(
        user=user,
        action=ACTION_VIEW if access.is_full else ACTION_VIEW_LIMITED,
        person=person,
        request=request,
        channel=channel,
        break_glass=access.grant,
    )


def person_search_for_view(
    *, user: Any, query: str, limit: int = 20, request: HttpRequest | None = None, channel: str = "web"
) -> list[tuple[Person, PersonAccess]]:
    """The index's search as `user` may see it: each person found with their view, the hidden ones left out.

    Counts against the hourly limit; writes one access-log row per person listed (one naming nobody when none).
    """
    person_views_count(user=user)
    unit = staff_unit(user)
    if unit is None or not query.strip():
        return []
    limit = max(1, min(int(limit), PERSON_SEARCH_MAX))
    depth = max(limit, RESPONDER_SEARCH_DEPTH) if user.role == Role.RESPONDER else limit
    people = person_search(query=query, limit=depth)
    accesses = people_access(user, people)
    shown = [(p, accesses[p.pk]) for p in people if accesses[p.pk].visibility > Visibility.NONE][:limit]
    with transaction.atomic():
        for person, access in shown:
            access_log_write(
                user=user,
                action=ACTION_SEARCH,
                person=person,
                request=request,
                channel=channel,
                break_glass=access.grant,
            )
        if not shown:
            access_log_write(user=user, action=ACTION_SEARCH, request=request, channel=channel)
    return shown


# --- breaking the glass -----------------------------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    # Zero-width, control and other unprintable characters are not words: a "reason" of them alone is none.
    visible = "".join(ch for ch in " ".join((reason or "").split()) if ch.isprintable())
    if not visible.strip():
        raise BREAK_GLASS_REASON_REQUIRED.error(field="reason")
    if len(visible) < BREAK_GLASS_REASON_MIN:
        raise BREAK_GLASS_REASON_TOO_SHORT.error(field="reason", limit=BREAK_GLASS_REASON_MIN)
    if len(visible) > BREAK_GLASS_REASON_MAX:
        raise BREAK_GLASS_REASON_TOO_LONG.error(field="reason", limit=BREAK_GLASS_REASON_MAX)
    return visible


def _person_url(person: Person) -> str:
    try:
        return reverse("people:detail", args=[person.public_id])
    except NoReverseMatch:  # the workspace is not installed (a worker, a command)
        return ""


def _who(user: Any) -> str:
    unit = staff_unit(user)
    return f"{user} ({unit.code})" if unit is not None else str(user)


def person_break_glass(
    *, user: Any, person: Person, reason: str, request: HttpRequest | None = None, channel: str = "web"
) -> BreakGlass:
    """Open `person`'s full record to `user`, who has only a LIMITED view of it, for RAKSA_BREAK_GLASS_MINUTES.

    NotFound when the person is hidden from the user altogether; Conflict when the rule already shows the full
    record; InvalidInput (field "reason") for a missing, too short or too long reason. Writes the grant, an
    access-log row marked with it, and a notice to the area's supervisors, in one transaction.
    """
    access = person_access(user, person)
    if access.visibility == Visibility.NONE:
        raise NOT_FOUND.error(what_th="บุคคล", what_en="Person")
    if access.is_full and access.grant is None:
        raise BREAK_GLASS_NOT_NEEDED.error()
    clean = _clean_reason(reason)
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlass.objects.create(
            user=user,
            person=person,
            reason=clean,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=settings.RAKSA_BREAK_GLASS_MINUTES),
        )
        access_log_write(
            user=user,
            action=ACTION_BREAK_GLASS,
            person=person,
            request=request,
            channel=channel,
            break_glass=grant,
        )
        local_expiry = timezone.localtime(grant.expires_at)
        notice_send(
            recipients=_area_supervisors(person, exclude=user) or _centre_supervisors(exclude=user),
            kind=NOTICE_BREAK_GLASS,
            message_th=(
                f"{_who(user)} ขอเปิดดูข้อมูลเต็มของบุคคลหนึ่งรายในพื้นที่ของคุณเป็นกรณีพิเศษ ถึง "
                f"{local_expiry:%H:%M} น. เหตุผล: “{clean}”"
            ),
            message_en=(
                f"{_who(user)} broke the glass to open the full record of a person in your area, until "
                f"{local_expiry:%H:%M}. Reason: “{clean}”"
            ),
            url=_person_url(person),
            mail_th=f"{_who(user)} ขอเปิดดูข้อมูลเต็มของบุคคลหนึ่งรายในพื้นที่ของคุณเป็นกรณีพิเศษ",
            mail_en=f"{_who(user)} broke the glass to open the full record of a person in your area.",
        )
    return grant


# --- who is told ------------------------------------------------------------------------------------------------


def _supervisors() -> Any:
    return User.objects.filter(is_active=True, role=Role.SUPERVISOR, unit__is_active=True)


def _serving(province: str, district: str = "") -> Q:
    codes = [code for code in (province, district) if code]
    serves = Q(unit__in=ServiceArea.objects.filter(area_code__in=codes).values("unit_id"))
    return serves | Q(unit__province_code=province) if province else serves


def area_supervisors(*, province: str, district: str = "", exclude: Any = None) -> list[User]:
    """The supervisors whose unit serves this province or district (a service area, or the unit's own province),
    else the 1300 centre's: someone is always told."""
    found = (
        _supervisors().filter(_serving(province, district)) if province or district else _supervisors().none()
    )
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return list(found.distinct()) or _centre_supervisors(exclude=exclude)


def _area_supervisors(person: Person, *, exclude: Any) -> list[User]:
    address = Address.objects.filter(person=person, is_current=True).order_by("-id").first()
    province = person.province_code or (address.province_code if address else "")
    district = address.district_code if address else ""
    if not province and not district:
        return []
    return list(_supervisors().filter(_serving(province, district)).exclude(pk=exclude.pk).distinct())


def _centre_supervisors(*, exclude: Any) -> list[User]:
    found = _supervisors().filter(unit__kind=Unit.Kind.CENTRE)
    return list(found.exclude(pk=exclude.pk) if exclude is not None else found)


def supervisors_of(user: Any) -> list[User]:
    """Whom to tell about what `user` did: their own unit's supervisors, else those serving the unit's province,
    else the 1300 centre's."""
    unit = staff_unit(user)
    if unit is not None:
        own = list(_supervisors().filter(unit=unit).exclude(pk=user.pk))
        if own:
            return own
        if unit.province_code:
            area = list(_supervisors().filter(_serving(unit.province_code)).exclude(pk=user.pk).distinct())
            if area:
                return area
    return _centre_supervisors(exclude=user)


# --- the hourly limit -------------------------------------------------------------------------------------------


def _hour(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    start = now.replace(minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(hours=1)


def _count_one(user: Any, start: dt.datetime) -> PersonViewCount:
    rows = PersonViewCount.objects.filter(user=user, window_start=start)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    PersonViewCount.objects.create(user=user, window_start=start, count=1)
            except IntegrityError:  # another request of the same user started the hour first
                rows.update(count=F("count") + 1)
            else:
                PersonViewCount.objects.filter(user=user, window_start__lt=start).delete()
        return rows.get()


def person_views_count(*, user: Any) -> None:
    """Count one person response of `user` against RAKSA_PERSON_VIEWS_PER_HOUR; TooManyRequests beyond it.

    The first refusal in an hour tells the user's supervisors (supervisors_of); later ones in that hour do not.
    """
    if staff_unit(user) is None:
        return  # they are shown nobody, so there is nothing to count
    now = timezone.now()
    start, end = _hour(now)
    row = _count_one(user, start)
    limit = settings.RAKSA_PERSON_VIEWS_PER_HOUR
    if row.count <= limit:
        return
    claimed = PersonViewCount.objects.filter(pk=row.pk, alerted_at__isnull=True).update(alerted_at=now)
    if claimed:
        notice_send(
            recipients=supervisors_of(user),
            kind=NOTICE_TOO_MANY_VIEWS,
            message_th=(
                f"{_who(user)} เปิดดูข้อมูลบุคคลเกิน {limit} ครั้งภายในหนึ่งชั่วโมง "
                f"ระบบระงับการเปิดดูเพิ่มจนถึง {timezone.localtime(end):%H:%M} น."
            ),
            message_en=(
                f"{_who(user)} asked for more than {limit} person records within an hour; "
                f"further ones are refused until {timezone.localtime(end):%H:%M}."
            ),
        )
    wait = max(1, int((end - now).total_seconds()))
    minutes = -(-wait // 60)
    raise TOO_MANY_PERSON_VIEWS.error(limit=limit, minutes=minutes, retry_after=wait)
