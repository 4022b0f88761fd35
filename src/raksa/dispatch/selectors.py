"""Reads of dispatch: what a field team's page shows of a case (the essentials and the risks), and the board:
its rows, and, for its live refresh, what changed since the version a page has."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet

from raksa.cases.models import CaseParty
from raksa.cases.selectors import RiskFlags, risk_flags
from raksa.dispatch import states
from raksa.dispatch.access import dispatches_visible_to
from raksa.dispatch.models import Dispatch, DispatchState


@dataclass(frozen=True)
class ResponderView:
    """Only what a team needs on its way: the emergency, the place, whom to call, and the risks to itself."""

    dispatch: Dispatch
    reporter_phone: str
    flags: RiskFlags
    moves: tuple[str, ...]


def responder_view(dispatch: Dispatch) -> ResponderView:
    case = dispatch.case
    parties = list(CaseParty.objects.filter(case=case).select_related("person"))
    flags = risk_flags(sorted({p.person_id for p in parties}))
    merged = RiskFlags(
        violence=any(f.violence for f in flags.values()),
        children=any(f.children for f in flags.values()),
        open_emergency=False,  # this one is open: the flag would always be on
    )
    phone = ""
    for party in parties:
        if party.role == CaseParty.Role.REPORTER:
            phone = (
                party.person.identifiers.filter(kind="phone").values_list("value", flat=True).first() or ""
            )
            break
    moves = tuple(state for state in states.TRANSITIONS[dispatch.state] if state != DispatchState.ESCALATED)
    return ResponderView(dispatch=dispatch, reporter_phone=phone, flags=merged, moves=moves)


# The board's order: what needs a human first (escalated, a failed alert), then nobody has it yet, then the rest.
_BOARD_ORDER: dict[str, int] = {
    DispatchState.ESCALATED: 0,
    DispatchState.PENDING: 1,
    DispatchState.ALERTED: 2,
    DispatchState.ACKNOWLEDGED: 3,
    DispatchState.EN_ROUTE: 4,
    DispatchState.ON_SCENE: 5,
}
BOARD_LIMIT = 300


def board_rows(user: Any, *, province: str = "", emergency_type: str = "") -> list[Dispatch]:
    rows = board_queryset(user, province=province, emergency_type=emergency_type)
    found = list(rows.order_by("-created_at")[:BOARD_LIMIT])
    return sorted(
        found, key=lambda d: (not d.alert_failed, _BOARD_ORDER.get(d.state, 9), -d.created_at.timestamp())
    )


def board_queryset(user: Any, *, province: str = "", emergency_type: str = "") -> QuerySet[Dispatch]:
    rows = dispatches_visible_to(user).filter(state__in=states.ACTIVE)
    if province:
        rows = rows.filter(case__province_code=province)
    if emergency_type:
        rows = rows.filter(case__emergency_type=emergency_type)
    return rows


# A change committed a moment after another with a later timestamp must not be missed by a board that has seen
# the later one: each poll asks again for what changed this long before the version it has (it dedups by id).
CHANGES_OVERLAP = dt.timedelta(seconds=3)
CHANGES_LIMIT = 200


def board_changes(
    user: Any, *, since: dt.datetime, province: str = "", emergency_type: str = ""
) -> list[Dispatch]:
    """The dispatches the user sees that changed since `since` (finished ones too, so the board drops them)."""
    rows = dispatches_visible_to(user).filter(updated_at__gte=since - CHANGES_OVERLAP)
    if province:
        rows = rows.filter(case__province_code=province)
    if emergency_type:
        rows = rows.filter(case__emergency_type=emergency_type)
    return list(rows.order_by("updated_at", "id")[:CHANGES_LIMIT])


def version_time(version: str) -> dt.datetime | None:
    """The time a board version (its ETag, in microseconds) stands for; None when it is not one."""
    digits = version.strip().strip('"')
    if not digits.isdigit() or len(digits) > 20:
        return None
    return dt.datetime.fromtimestamp(int(digits) / 1_000_000, tz=dt.UTC)


def board_version(user: Any, *, province: str = "", emergency_type: str = "") -> str:
    """A tag that changes whenever the board would: one indexed aggregate, for conditional polling."""
    rows = dispatches_visible_to(user)
    if province:
        rows = rows.filter(case__province_code=province)
    if emergency_type:
        rows = rows.filter(case__emergency_type=emergency_type)
    latest = rows.aggregate(latest=Max("updated_at"))["latest"]
    return f'"{int(latest.timestamp() * 1_000_000) if latest else 0}"'
