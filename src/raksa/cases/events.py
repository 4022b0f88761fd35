"""The case timeline. `event_record` is the only place a CaseEvent is created (the saleor OrderEvent pattern):
every service that changes a case calls it inside the same transaction as the change, so the timeline and the
case can never disagree.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from raksa.accounts.models import User
from raksa.cases.models import Case, CaseEvent
from raksa.cases.stages import public_stage_for
from raksa.directory.models import Unit


class EventKind:
    """Kinds written by the cases services. Other apps add their own (dispatch: "forwarded", "on_scene", ...)."""

    CREATED = "created"
    PARTY_ADDED = "party_added"
    STATUS_CHANGED = "status_changed"
    ASSIGNED = "assigned"
    NOTE_ADDED = "note_added"
    ATTACHMENT_ADDED = "attachment_added"
    REFERRAL_CREATED = "referral_created"
    REFERRAL_ACCEPTED = "referral_accepted"
    REFERRAL_DECLINED = "referral_declined"
    CLOSED = "closed"
    REOPENED = "reopened"
    PERSON_MERGED = "person_merged"
    PERSON_MERGE_REVERSED = "person_merge_reversed"
    # Dispatch milestones that move the public stage (see stages.EVENT_STAGE).
    FORWARDED = "forwarded"
    ON_SCENE = "on_scene"


def event_record(
    *,
    case: Case,
    kind: str,
    actor: User | None = None,
    unit: Unit | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one event to the case's timeline and keep `case.public_stage` in step with it.

    `unit` defaults to the actor's unit: the timeline shows which agency did what. Call it after the case's own
    fields (status) are saved, inside the caller's transaction.
    """
    if not kind or len(kind) > 32:
        raise ValueError(f"bad event kind: {kind!r}")
    if unit is None and actor is not None:
        unit = actor.unit
    now = timezone.now()
    event = CaseEvent(case=case, kind=kind, actor=actor, unit=unit, data=dict(data or {}), created_at=now)
    event.save(force_insert=True)
    stage = public_stage_for(case, kind)
    if stage != case.public_stage:
        case.public_stage = stage
        # update() rather than save(): only this column, never overwriting fields a caller has not saved yet.
        Case.objects.filter(pk=case.pk).update(public_stage=stage, updated_at=now)
    return event
