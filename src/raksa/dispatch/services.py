"""Writes on dispatch. `dispatch_request` is the one door from intake: every emergency case goes through it."""

from __future__ import annotations

from django.db import transaction

from raksa.cases.events import event_record
from raksa.cases.models import Case
from raksa.dispatch.events import DISPATCH_AWAITING


def dispatch_request(*, case: Case) -> None:
    """Hand an emergency case to dispatch, inside the caller's transaction.

    Until alerts exist this records, on the timeline, that the case awaits dispatch by its owning unit, so a
    supervisor can see every emergency nobody has been sent to yet. It is safe to call twice: a case that already
    awaits dispatch records nothing more.
    """
    if not case.emergency_type:
        raise ValueError(f"case {case.number} is not an emergency")
    with transaction.atomic():
        if case.events.filter(kind=DISPATCH_AWAITING.kind).exists():
            return
        event_record(
            case=case,
            kind=DISPATCH_AWAITING.kind,
            unit=case.owning_unit,
            data={"unit": case.owning_unit.code},
        )
