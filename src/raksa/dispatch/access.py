"""Who may see and act on a dispatch (the responder page, the board).

A dispatch is visible to, and may be acted on by (community volunteers and inactive users excepted, as for cases):
- members of the unit it was sent to (every role: whoever holds the team's phone acts for the team);
- members of the 1300 centre (unit kind "centre"): they watch every emergency;
- supervisors whose unit serves the area of the dispatched unit or of the case (a 2-digit service area or home
  province equal to the case's province or to the dispatched unit's province, a 4-digit one equal to its district).
The holder of an alert's signed link acts for the unit the link was sent to, on that dispatch only, until the
link expires (see `raksa.dispatch.links`). To everyone else a dispatch does not exist: NotFound, the same answer
as for one that is missing. The board shows a user exactly the dispatches these rules let them see.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from raksa.cases.access import staff_unit, supervisor_areas
from raksa.core.errors import NOT_FOUND, RaksaError
from raksa.directory.models import Unit
from raksa.dispatch.models import Dispatch


def dispatch_not_found() -> RaksaError:
    return NOT_FOUND.error(what_th="การส่งทีม", what_en="Dispatch")


def can_act(user: Any, dispatch: Dispatch) -> bool:
    unit = staff_unit(user)
    if unit is None:
        return False
    if unit.kind == Unit.Kind.CENTRE or dispatch.unit_id == unit.pk:
        return True
    provinces, districts = supervisor_areas(user)
    case = dispatch.case
    return bool(
        (case.province_code and case.province_code in provinces)
        or (case.district_code and case.district_code in districts)
        or (dispatch.unit.province_code and dispatch.unit.province_code in provinces)
    )


def dispatches_visible_to(user: Any) -> QuerySet[Dispatch]:
    unit = staff_unit(user)
    rows = Dispatch.objects.select_related("case", "unit")
    if unit is None:
        return rows.none()
    if unit.kind == Unit.Kind.CENTRE:
        return rows
    provinces, districts = supervisor_areas(user)
    rule = Q(unit_id=unit.pk)
    if provinces:
        rule |= Q(case__province_code__in=provinces) | Q(unit__province_code__in=provinces)
    if districts:
        rule |= Q(case__district_code__in=districts)
    return rows.filter(rule)
