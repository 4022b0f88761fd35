"""Who may see and change a case, and the PDPA access log.

A case is visible to (community volunteers excepted: see staff_unit):
- members of its owning unit (every role);
- members of a unit it is referred to, while that referral is pending or accepted;
- members of the 1300 centre (unit kind "centre": call-takers, supervisors, admins, any role there);
- supervisors (role "supervisor") whose unit serves the case's area: a 2-digit service area equal to the case's
  province, a 4-digit one equal to its district, or the unit's home province equal to the case's province.
An admin outside the centre gets exactly their unit's rules (admins run the directory, not cases). A user with
no unit, or an inactive user, sees nothing. To everyone else the case does not exist: NotFound with the same
message as a missing case, never a hint.

What a viewer may change:
- MANAGE (owning unit, centre, area supervisors): everything, including status, assignment, referrals, closure.
- WRITE (also members of a unit with an ACCEPTED referral): notes, attachments, people involved, and the
  decisions on their own referral.
- READ only (a unit with a PENDING referral): read, and accept or decline that referral.
A visible case the user may not change raises Forbidden (403).

Who may read the access log (who looked at a case or a person, and when):
- a case's: the supervisors who may manage it (its owning unit's, its area's, the centre's) and the centre's
  admins. A case the user cannot see is missing (NotFound); one they see without that right is Forbidden.
- a person's: the centre's supervisors and admins, every row; a supervisor who may manage one of the person's
  cases, the rows that name no case or a case they may see (a row naming a case hidden from them would reveal
  that case). Everyone else is Forbidden; staff with no unit find no person at all (NotFound).
Django's staff flag grants none of this: the admin site shows the log to whoever runs the admin.

A community volunteer's follow-up (cases.services.note_add_follow_up): a volunteer (role "volunteer", active)
may add a follow-up note to a case while a report she submitted is attached to it, and to no other case; she
never reads the case through these rules (staff_unit gives her nothing). Whether "a report she submitted is
attached" is intake's knowledge, and cases must not import intake: intake registers the check at start-up
(`volunteer_follow_check_register`), and with no check registered a volunteer follows no case. A case she does
not follow is missing to her (NotFound), as for staff; a closed case takes no more notes (a new report instead).

Who may export everything about one person (a data subject's access request, cases.person_export): an active
admin (role "admin", or Django staff or superuser); a command run on the server is the operator's own.

The access log itself: every response that shows personal data writes rows naming whose data it showed, one row
per case shown (person empty) and one per person shown (case empty), each with the action, channel, path and
address of the request. A row never names both, so "who saw this case" and "who saw this person" are each one
indexed look-up; the action and the path tell where it was seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import IntEnum
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from raksa.accounts.models import Role, User
from raksa.cases.models import AccessLog, Case, CaseParty, Referral
from raksa.core.client import client_address
from raksa.core.errors import FORBIDDEN, NOT_FOUND, RaksaError
from raksa.directory.models import ServiceArea, Unit

OPEN_REFERRAL_STATES = (Referral.State.PENDING, Referral.State.ACCEPTED)
REFERRAL_ID_LIST_MAX = 2000


class Level(IntEnum):
    NONE = 0
    READ = 1  # pending referral: read, accept/decline
    WRITE = 2  # accepted referral: notes, attachments, parties
    MANAGE = 3  # owner, centre, area supervisor: everything


def case_not_found() -> RaksaError:
    """The one error for a case that is missing or hidden: callers must not be able to tell the two apart."""
    return NOT_FOUND.error(what_th="เรื่อง", what_en="Case")


def forbidden(action_en: str = "make this change to the case", action_th: str = "แก้ไขเรื่องนี้") -> RaksaError:
    return FORBIDDEN.error(action_th=action_th, action_en=action_en)


def staff_unit(user: Any) -> Unit | None:
    """The unit whose rules apply to `user`, or None when the user may see no case at all.

    A community volunteer (role "volunteer") is attached to a province's office but is not its staff: none of
    these rules apply to her. She follows only the cases she reported, at the public level, through intake.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role == Role.VOLUNTEER:
        return None
    return user.unit


VolunteerFollowCheck = Callable[[User, Case], bool]
_VOLUNTEER_FOLLOW_CHECKS: list[VolunteerFollowCheck] = []


def volunteer_follow_check_register(check: VolunteerFollowCheck) -> None:
    """A higher app (intake) says how to tell that a volunteer follows a case; registered once, at start-up."""
    if check not in _VOLUNTEER_FOLLOW_CHECKS:
        _VOLUNTEER_FOLLOW_CHECKS.append(check)


def volunteer_follows(user: Any, case: Case) -> bool:
    """True when `user` is an active volunteer and a registered check says a report of hers is on `case`."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role != Role.VOLUNTEER or case.pk is None:
        return False
    return any(check(user, case) for check in _VOLUNTEER_FOLLOW_CHECKS)


def supervisor_areas(user: Any) -> tuple[frozenset[str], frozenset[str]]:
    """(province codes, district codes) a supervisor answers for; empty for every other role.

    Cached on the user object: one query per request, however many cases are checked.
    """
    unit = staff_unit(user)
    if unit is None or user.role != Role.SUPERVISOR:
        return frozenset(), frozenset()
    cached = getattr(user, "_raksa_supervisor_areas", None)
    if cached is not None and cached[0] == unit.pk:
        return cached[1]
    codes = list(ServiceArea.objects.filter(unit=unit).values_list("area_code", flat=True))
    provinces = {c for c in codes if len(c) == 2}
    if unit.province_code:
        provinces.add(unit.province_code)
    districts = {c for c in codes if len(c) == 4}
    areas = (frozenset(provinces), frozenset(districts))
    user._raksa_supervisor_areas = (unit.pk, areas)
    return areas


def _referral_states(unit: Unit, case: Case) -> set[str]:
    return set(
        Referral.objects.filter(
            case_id=case.pk, to_unit_id=unit.pk, state__in=OPEN_REFERRAL_STATES
        ).values_list("state", flat=True)
    )


def access_level(user: Any, case: Case) -> Level:
    unit = staff_unit(user)
    if unit is None:
        return Level.NONE
    if unit.kind == Unit.Kind.CENTRE or case.owning_unit_id == unit.pk:
        return Level.MANAGE
    provinces, districts = supervisor_areas(user)
    if (case.province_code and case.province_code in provinces) or (
        case.district_code and case.district_code in districts
    ):
        return Level.MANAGE
    states = _referral_states(unit, case)
    if Referral.State.ACCEPTED in states:
        return Level.WRITE
    if Referral.State.PENDING in states:
        return Level.READ
    return Level.NONE


def can_view(user: Any, case: Case) -> bool:
    return access_level(user, case) >= Level.READ


def can_write(user: Any, case: Case) -> bool:
    """Notes, attachments, people involved."""
    return access_level(user, case) >= Level.WRITE


def can_manage(user: Any, case: Case) -> bool:
    """Status, assignment, referrals out, closure and reopening."""
    return access_level(user, case) >= Level.MANAGE


def require(user: Any, case: Case, level: Level) -> Level:
    """NotFound when the case is invisible to `user`, Forbidden when visible but below `level`."""
    have = access_level(user, case)
    if have < Level.READ:
        raise case_not_found()
    if have < level:
        raise forbidden()
    return have


def cases_visible_to(user: Any) -> QuerySet[Case]:
    """Every case `user` may see, as one filter over indexed columns so that lists stay fast on millions of rows:
    owning_unit_id = X OR id IN (open referrals to X) OR province_code IN (...) OR district_code IN (...).
    Costs one small query up front (the unit's open referrals).
    """
    unit = staff_unit(user)
    if unit is None:
        return Case.objects.none()
    if unit.kind == Unit.Kind.CENTRE:
        return Case.objects.all()
    referrals = Referral.objects.filter(to_unit_id=unit.pk, state__in=OPEN_REFERRAL_STATES)
    # A literal id list lets PostgreSQL OR three index scans together (BitmapOr); a subquery inside an OR becomes
    # a filter checked row by row down the created_at index, which is slow for a unit with few cases.
    referred_ids = list(referrals.values_list("case_id", flat=True)[: REFERRAL_ID_LIST_MAX + 1])
    referred: Any = referrals.values("case_id") if len(referred_ids) > REFERRAL_ID_LIST_MAX else referred_ids
    visible = Q(owning_unit_id=unit.pk)
    if referred_ids:
        visible |= Q(id__in=referred)
    provinces, districts = supervisor_areas(user)
    if provinces:
        visible |= Q(province_code__in=sorted(provinces))
    if districts:
        visible |= Q(district_code__in=sorted(districts))
    return Case.objects.filter(visible)


def _client_ip(request: HttpRequest | None) -> str | None:
    # The client behind the trusted proxies, as sign-in throttling and the public rate limits see it.
    return client_address(request)


class Action:
    """What an access-log row says the user did. Stored as text: rows written before a new action was added keep
    their meaning."""

    CASE_VIEW = "case_view"  # the case page, the API's case and timeline, a case returned by a change
    CASE_NOTES = "case_notes"  # the notes and timeline sent back after adding a note
    CASE_SEARCH = "case_search"  # a case listed by a search, or a person the search matched on a listed case
    ATTACHMENT_DOWNLOAD = "attachment_download"
    PERSON_VIEW = "person_view"
    PERSON_VIEW_LIMITED = "person_view_limited"  # only what avoids a duplicate (cases.person_access)
    PERSON_SEARCH = "person_search"
    BREAK_GLASS = "break_glass"  # a full record opened with a written reason (cases.person_access)
    ADMIN_VIEW = "admin_view"  # a Django admin page of one record
    ADMIN_LIST = "admin_list"  # a record on a Django admin list (searched, or one that names people)
    ACCESS_HISTORY = "access_history"  # the access log of a case or a person was read
    PERSON_EXPORT = "person_export"  # everything about a person was exported (a data subject's request)
    VOLUNTEER_VIEW = "volunteer_view"  # a volunteer's own reports and their public stage (intake.volunteer)


ACTION_LABELS: dict[str, Any] = {
    Action.CASE_VIEW: _("เปิดดูเรื่อง"),
    Action.CASE_NOTES: _("ดูบันทึกหลังเพิ่มบันทึก"),
    Action.CASE_SEARCH: _("พบในผลการค้นหาเรื่อง"),
    Action.ATTACHMENT_DOWNLOAD: _("ดาวน์โหลดไฟล์แนบ"),
    Action.PERSON_VIEW: _("เปิดดูข้อมูลบุคคล"),
    Action.PERSON_VIEW_LIMITED: _("เปิดดูข้อมูลบุคคลแบบจำกัด"),
    Action.PERSON_SEARCH: _("พบในผลการค้นหาบุคคล"),
    Action.BREAK_GLASS: _("ขอเปิดดูข้อมูลเต็มพร้อมเหตุผล (break the glass)"),
    Action.ADMIN_VIEW: _("เปิดดูในหน้าผู้ดูแลระบบ"),
    Action.ADMIN_LIST: _("พบในรายการของหน้าผู้ดูแลระบบ"),
    Action.ACCESS_HISTORY: _("ดูประวัติการเข้าถึง"),
    Action.PERSON_EXPORT: _("ส่งออกข้อมูลทั้งหมดของบุคคล"),
    Action.VOLUNTEER_VIEW: _("อาสาสมัครติดตามเรื่องที่ตนแจ้ง"),
}

CHANNEL_LABELS: dict[str, Any] = {
    "web": _("เว็บ"),
    "api": _("API"),
    "admin": _("หน้าผู้ดูแลระบบ"),
    "cli": _("คำสั่งบนเซิร์ฟเวอร์"),
}


def _log_row(
    *,
    user: User | None,
    action: str,
    case: Case | None,
    person: Any,
    request: HttpRequest | None,
    channel: str,
    at: Any,
    path: str = "",
    break_glass: Any = None,
) -> AccessLog:
    return AccessLog(
        user=user,
        case=case,
        person=person,
        action=action[:32],
        channel=channel[:8],
        path=(request.get_full_path() if request is not None else path)[:300],
        ip=_client_ip(request),
        at=at,
        break_glass=break_glass,
    )


def access_log_write(
    *,
    user: User | None,
    action: str,
    case: Case | None = None,
    person: Any = None,
    request: HttpRequest | None = None,
    channel: str = "web",
    path: str = "",
    break_glass: Any = None,
) -> AccessLog:
    """Record that `user` looked at personal data (PDPA): who, when, what, from where.

    Views and the API call this for every page or response that shows a case's or a person's details;
    `case_get_for_view` does it for cases. `break_glass` is the grant through which a person was shown, if any
    (raksa.cases.person_access). `user` is None only for a command run on the server (`path` then says which).
    """
    row = _log_row(
        user=user,
        action=action,
        case=case,
        person=person,
        request=request,
        channel=channel,
        at=timezone.now(),
        path=path,
        break_glass=break_glass,
    )
    row.save(force_insert=True)
    return row


def access_log_write_many(
    *,
    user: User | None,
    action: str,
    cases: Iterable[Case] = (),
    people: Iterable[Any] = (),
    request: HttpRequest | None = None,
    channel: str = "web",
) -> list[AccessLog]:
    """One row per case and one per person a response showed, written in one statement with one timestamp.

    Each case and person is named once however often it appears; nothing is written when nothing was shown.
    """
    at = timezone.now()
    rows: list[AccessLog] = []
    seen_cases: set[int] = set()
    for case in cases:
        if case.pk not in seen_cases:
            seen_cases.add(case.pk)
            rows.append(
                _log_row(
                    user=user, action=action, case=case, person=None, request=request, channel=channel, at=at
                )
            )
    seen_people: set[int] = set()
    for person in people:
        if person.pk not in seen_people:
            seen_people.add(person.pk)
            rows.append(
                _log_row(
                    user=user,
                    action=action,
                    case=None,
                    person=person,
                    request=request,
                    channel=channel,
                    at=at,
                )
            )
    return AccessLog.objects.bulk_create(rows) if rows else []


# --- who may read the access log, and export a person (the rules in prose at the top) ---------------------------


def can_export_person(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.role == Role.ADMIN or user.is_staff or user.is_superuser)


def _is_centre_auditor(user: Any) -> bool:
    unit = staff_unit(user)
    return unit is not None and unit.kind == Unit.Kind.CENTRE and user.role in (Role.SUPERVISOR, Role.ADMIN)


def can_read_case_access(user: Any, case: Case) -> bool:
    if _is_centre_auditor(user):
        return True
    return getattr(user, "role", None) == Role.SUPERVISOR and access_level(user, case) >= Level.MANAGE


def require_case_access_reader(user: Any, case: Case) -> None:
    """NotFound when the case is invisible to `user`, Forbidden when visible but its log is not theirs to read."""
    if not can_view(user, case):
        raise case_not_found()
    if not can_read_case_access(user, case):
        raise forbidden("read who looked at this case", "ดูประวัติการเข้าถึงเรื่องนี้")


def person_access_scope(user: Any, person: Any) -> QuerySet[Case] | None:
    """Which of a person's access-log rows `user` may read: None for every row; otherwise rows naming no case or
    one of the returned cases. NotFound for staff with no unit, Forbidden for anyone the rule leaves out."""
    if staff_unit(user) is None:
        raise NOT_FOUND.error(what_th="บุคคล", what_en="Person")
    if _is_centre_auditor(user):
        return None
    if getattr(user, "role", None) == Role.SUPERVISOR:
        # cases_visible_to already holds exactly what a supervisor manages: owning unit, area and referrals; a
        # referred case they only read is not theirs to audit, so keep the ones they manage.
        on_cases = CaseParty.objects.filter(person=person).values("case_id")
        theirs = [c for c in cases_visible_to(user).filter(id__in=on_cases) if can_manage(user, c)]
        if theirs:
            return Case.objects.filter(id__in=[c.pk for c in theirs])
    raise forbidden("read who looked at this person", "ดูประวัติการเข้าถึงข้อมูลบุคคลนี้")
