"""The dispatch state machine: one table, read by every service that moves a dispatch.

    pending -> alerted               the unit's on-call contact was sent the alert
    pending | alerted -> escalated   nobody acknowledged in time, every contact failed, or the unit has none
    pending | alerted | escalated -> acknowledged    a team member took it (late is better than never)
    acknowledged -> en_route -> on_scene -> resolved (with an outcome); acknowledged -> on_scene skips en route
    acknowledged | en_route -> resolved              settled before arriving (by phone, by police)
    alerted | escalated | acknowledged -> declined   with a reason; the case goes to the next level at once
    anything not yet finished -> cancelled           by the centre (a false alarm), or another team took it
    resolved, declined, cancelled: finished, nothing moves them

Anything else, including a move to the state the dispatch already has, is a Conflict with code
"illegal_transition" on the field "state", naming both states in Thai and English.
"""

from __future__ import annotations

from raksa.cases.errors import ILLEGAL_TRANSITION
from raksa.core.errors import RaksaError
from raksa.dispatch.models import DispatchState as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.ALERTED, S.ESCALATED, S.ACKNOWLEDGED, S.CANCELLED}),
    S.ALERTED: frozenset({S.ESCALATED, S.ACKNOWLEDGED, S.DECLINED, S.CANCELLED}),
    S.ESCALATED: frozenset({S.ACKNOWLEDGED, S.DECLINED, S.CANCELLED}),
    S.ACKNOWLEDGED: frozenset({S.EN_ROUTE, S.ON_SCENE, S.RESOLVED, S.DECLINED, S.CANCELLED}),
    S.EN_ROUTE: frozenset({S.ON_SCENE, S.RESOLVED, S.CANCELLED}),
    S.ON_SCENE: frozenset({S.RESOLVED, S.CANCELLED}),
    S.RESOLVED: frozenset(),
    S.DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Nobody has taken the case yet: its acknowledge timer runs.
WAITING = frozenset({S.PENDING, S.ALERTED, S.ESCALATED})
# A team has it and is on its way: its on-scene timer runs.
MOVING = frozenset({S.ACKNOWLEDGED, S.EN_ROUTE})
FINISHED = frozenset(state for state, moves in TRANSITIONS.items() if not moves)
ACTIVE = frozenset(TRANSITIONS) - FINISHED

_LABEL_EN: dict[str, str] = {
    S.PENDING: "pending",
    S.ALERTED: "alerted",
    S.ACKNOWLEDGED: "acknowledged",
    S.EN_ROUTE: "en route",
    S.ON_SCENE: "on scene",
    S.RESOLVED: "resolved",
    S.ESCALATED: "escalated",
    S.DECLINED: "declined",
    S.CANCELLED: "cancelled",
}


def label_en(state: str) -> str:
    return _LABEL_EN.get(state, state)


def is_allowed(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, frozenset())


def check_transition(from_state: str, to_state: str) -> None:
    """Raise Conflict(illegal_transition) unless the table allows from_state -> to_state."""
    if is_allowed(from_state, to_state):
        return
    raise illegal_transition(from_state, to_state)


def illegal_transition(from_state: str, to_state: str) -> RaksaError:
    def th(state: str) -> str:
        return str(S(state).label) if state in S.values else state

    return ILLEGAL_TRANSITION.error(
        field="state",
        from_th=th(from_state),
        to_th=th(to_state),
        from_en=label_en(from_state),
        to_en=label_en(to_state),
    )
