"""The case status machine: one table, read by every service that moves a case.

    new -> screening                 a call-taker checks the facts first
    new -> active                    emergencies (and clear cases) skip screening
    screening -> active
    active -> referred               only through referral_create (a referral row says to whom)
    referred -> active               the last referral was declined, or the owner takes the case back
    new | screening | active | referred -> closed     only with an outcome (case_close)
    closed -> active                 only through case_reopen, with a reason

Anything else, including a move to the status the case already has, is a Conflict with code
"illegal_transition" on the field "status", naming both statuses in Thai and English.
"""

from __future__ import annotations

from raksa.cases.errors import ILLEGAL_TRANSITION
from raksa.cases.models import Status
from raksa.core.errors import RaksaError

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.SCREENING, Status.ACTIVE, Status.CLOSED}),
    Status.SCREENING: frozenset({Status.ACTIVE, Status.CLOSED}),
    Status.ACTIVE: frozenset({Status.REFERRED, Status.CLOSED}),
    Status.REFERRED: frozenset({Status.ACTIVE, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.ACTIVE}),
}

_LABEL_EN: dict[str, str] = {
    Status.NEW: "new",
    Status.SCREENING: "screening",
    Status.ACTIVE: "active",
    Status.REFERRED: "referred",
    Status.CLOSED: "closed",
}


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def illegal_transition(from_status: str, to_status: str) -> RaksaError:
    th_from = str(Status(from_status).label) if from_status in Status.values else from_status
    th_to = str(Status(to_status).label) if to_status in Status.values else to_status
    return ILLEGAL_TRANSITION.error(
        field="status",
        from_th=th_from,
        to_th=th_to,
        from_en=_LABEL_EN.get(from_status, from_status),
        to_en=_LABEL_EN.get(to_status, to_status),
    )


def check_transition(from_status: str, to_status: str) -> None:
    """Raise Conflict(illegal_transition) unless the table allows from_status -> to_status."""
    if not is_allowed(from_status, to_status):
        raise illegal_transition(from_status, to_status)
