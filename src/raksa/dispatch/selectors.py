"""Reads of dispatch: what a field team's page shows of a case (the essentials and the risks), and the board:
its rows, and, for its live refresh, what changed since the version a page has."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet

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


# A change's transaction takes its time (updated_at) before it commits, so a board may see a later change before an
# earlier one is committed: each poll also asks for what changed this long before the moment its previous answer
# was made. Longer than any transaction that writes a dispatch should take.
CHANGES_OVERLAP = dt.timedelta(seconds=3)
CHANGES_LIMIT = 200


@dataclass(frozen=True)
class Since:
    """Where a board's poll starts: the latest change it has (`version`) and when its last answer was made
    (`answered`, the server's clock)."""

    version: dt.datetime
    answered: dt.datetime

    def __str__(self) -> str:
        return f"{_us(self.version)}.{_us(self.answered)}"


def _us(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _moment(digits: str) -> dt.datetime | None:
    if not digits.isdigit() or len(digits) > 20:
        return None
    return dt.datetime.fromtimestamp(int(digits) / 1_000_000, tz=dt.UTC)


def since_parse(raw: str) -> Since:
    """A poll's `since`: "<version>.<answered>" in microseconds, or a bare version (a freshly loaded page, whose
    answer time is taken as its version); the beginning of time when it is neither."""
    version_part, _, answered_part = raw.strip().strip('"').partition(".")
    version = _moment(version_part) or dt.datetime.fromtimestamp(0, tz=dt.UTC)
    answered = _moment(answered_part) if answered_part else None
    return Since(version=version, answered=max(answered or version, version))


def board_changes(user: Any, *, since: Since, province: str = "", emergency_type: str = "") -> list[Dispatch]:
    """The dispatches the user sees that changed after `since.version`, and those changed since a moment before
    its last answer (committed late), finished ones too so the board drops them; oldest first."""
    recent = Q(updated_at__gt=since.version) | Q(updated_at__gte=since.answered - CHANGES_OVERLAP)
    rows = dispatches_visible_to(user).filter(recent)
    if province:
        rows = rows.filter(case__province_code=province)
    if emergency_type:
        rows = rows.filter(case__emergency_type=emergency_type)
    return list(rows.order_by("updated_at", "id")[:CHANGES_LIMIT])


def board_version(user: Any, *, province: str = "", emergency_type: str = "") -> str:
    """The version a freshly rendered board starts from (its latest change, one indexed aggregate); the page's
    polls then ask for what changed since it (views.board_live)."""
    rows = dispatches_visible_to(user)
    if province:
        rows = rows.filter(case__province_code=province)
    if emergency_type:
        rows = rows.filter(case__emergency_type=emergency_type)
    latest = rows.aggregate(latest=Max("updated_at"))["latest"]
    return f'"{int(latest.timestamp() * 1_000_000) if latest else 0}"'
