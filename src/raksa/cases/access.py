"""Who may see and change a case, and the PDPA access log.

A case is visible to:
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
"""

from __future__ import annotations

import ipaddress
from enum import IntEnum
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from raksa.accounts.models import Role, User
from raksa.cases.models import AccessLog, Case, Referral
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
    """The unit whose rules apply to `user`, or None when the user may see no case at all."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.unit


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
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def access_log_write(
    *,
    user: User,
    action: str,
    case: Case | None = None,
    person: Any = None,
    request: HttpRequest | None = None,
    channel: str = "web",
    break_glass: Any = None,
) -> AccessLog:
    """Record that `user` looked at personal data (PDPA): who, when, what, from where.

    Views and the API call this for every page or response that shows a case's or a person's details;
    `case_get_for_view` does it for cases. `break_glass` is the grant through which a person was shown, if any
    (raksa.cases.person_access).
    """
    path = request.get_full_path()[:300] if request is not None else ""
    return AccessLog.objects.create(
        user=user,
        case=case,
        person=person,
        action=action[:32],
        channel=channel[:8],
        path=path,
        ip=_client_ip(request),
        at=timezone.now(),
        break_glass=break_glass,
    )
