"""The public tracking stage of a case: what a person with a tracking code sees, never the details.

The stage follows the status (new -> received, screening -> screening, active -> in_progress,
referred -> referred, closed -> closed). Dispatch moves it further through its own events ("forwarded" when a
field team is alerted, "on_scene" when it arrives), which is why the derivation takes the event kind as well.

The public only ever sees progress: a stage never moves back down the DESIGN.md order, except when a closed case
is reopened. So a case whose referral is declined (referred -> active) keeps showing "referred", and a case that
is screened after dispatch already went out keeps "forwarded".
"""

from __future__ import annotations

from raksa.cases.models import Case, PublicStage, Status

ORDER: tuple[str, ...] = tuple(PublicStage.values)

STATUS_STAGE: dict[str, str] = {
    Status.NEW: PublicStage.RECEIVED,
    Status.SCREENING: PublicStage.SCREENING,
    Status.ACTIVE: PublicStage.IN_PROGRESS,
    Status.REFERRED: PublicStage.REFERRED,
    Status.CLOSED: PublicStage.CLOSED,
}

# Event kinds that set a stage of their own (written by the dispatch app through event_record).
EVENT_STAGE: dict[str, str] = {
    "forwarded": PublicStage.FORWARDED,
    "on_scene": PublicStage.ON_SCENE,
}

REOPEN_EVENT = "reopened"


def rank(stage: str) -> int:
    return ORDER.index(stage) if stage in ORDER else -1


def public_stage_for(case: Case, event_kind: str | None = None) -> str:
    """The stage the public should see after `event_kind` happened to `case` (whose status is already current)."""
    candidate = EVENT_STAGE.get(event_kind or "") or STATUS_STAGE.get(case.status, PublicStage.RECEIVED)
    if event_kind == REOPEN_EVENT or not case.public_stage:
        return candidate
    # A closed case only leaves "closed" through a reopen.
    if rank(candidate) >= rank(case.public_stage):
        return candidate
    return case.public_stage
