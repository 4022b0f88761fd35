"""The public tracking stage of a case: what a person with a tracking code sees, never the details.

The stage follows the status (new -> received, screening -> screening, active -> in_progress,
referred -> referred, closed -> closed). Dispatch moves it further through its own events ("forwarded" when a
field team is alerted, "on_scene" when it arrives), which is why the derivation takes the event as well: an event
kind's declared `stage` and `reopens` (cases/events.py's catalogue) say what the event itself does to the stage.

The public only ever sees progress: a stage never moves back down the DESIGN.md order, except when a closed case
is reopened. So a case whose referral is declined (referred -> active) keeps showing "referred", and a case that
is screened after dispatch already went out keeps "forwarded".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from raksa.cases.models import Case, PublicStage, Status

if TYPE_CHECKING:
    # Only the type: events.py imports this module to keep the stage in step as it records.
    from raksa.cases.events import EventType

ORDER: tuple[str, ...] = tuple(PublicStage.values)

STATUS_STAGE: dict[str, str] = {
    Status.NEW: PublicStage.RECEIVED,
    Status.SCREENING: PublicStage.SCREENING,
    Status.ACTIVE: PublicStage.IN_PROGRESS,
    Status.REFERRED: PublicStage.REFERRED,
    Status.CLOSED: PublicStage.CLOSED,
}


def rank(stage: str) -> int:
    return ORDER.index(stage) if stage in ORDER else -1


def public_stage_for(case: Case, event_type: EventType | None = None) -> str:
    """The stage the public should see after an event of `event_type` happened to `case` (whose status is
    already current)."""
    candidate = (event_type.stage if event_type else "") or STATUS_STAGE.get(
        case.status, PublicStage.RECEIVED
    )
    if (event_type is not None and event_type.reopens) or not case.public_stage:
        return candidate
    # A closed case only leaves "closed" through a reopen.
    if rank(candidate) >= rank(case.public_stage):
        return candidate
    return case.public_stage
