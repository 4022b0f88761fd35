"""Backdating the demo's timelines: the one place in Raksa that rewrites when something happened.

The services stamp every row with the moment they run, which is right for real work and wrong for a demo that
must show ten months of history loaded in seconds. So the demo writes each case through the real services first
and then moves those cases' times back here. Nothing else may do this: a case's timeline is append-only
(CaseEvent refuses to be saved twice), and this helper is the documented exception, used only by raksa.demo
(a test checks that nothing else imports it).

What it changes is time and nothing else:
- each event gets the time the schedule gives it; its kind, payload, actor and unit stay as the service wrote
  them;
- the times may not decrease, so each timeline reads in exactly the order the services wrote it;
- a case opens at the schedule's opening time, was last changed at its last event and, if it is closed, closed
  at its last closure;
- the rows an event recorded follow it: a person involved, a note or an attachment is dated by the event that
  added it, a referral by the events that made and decided it;
- status, public stage and every other field stay as the services set them;
- every time is in the past.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import pairwise

from django.db import models, transaction
from django.utils import timezone

from raksa.cases import events as catalogue
from raksa.cases.models import Attachment, Case, CaseEvent, CaseParty, Note, Referral

# For a case and the kinds of its events in timeline order: when it was opened, and one time per event.
Schedule = Callable[[Case, list[str]], tuple[dt.datetime, list[dt.datetime]]]

# Event kind -> (the row it recorded, the payload key holding that row's id, the row's fields dated by it).
FOLLOWERS: dict[str, tuple[type[models.Model], str, tuple[str, ...]]] = {
    catalogue.PARTY_ADDED.kind: (CaseParty, "party_id", ("created_at", "updated_at")),
    catalogue.NOTE_ADDED.kind: (Note, "note_id", ("created_at", "updated_at")),
    catalogue.ATTACHMENT_ADDED.kind: (Attachment, "attachment_id", ("created_at", "updated_at")),
    catalogue.REFERRAL_CREATED.kind: (Referral, "referral_id", ("created_at", "updated_at")),
    catalogue.REFERRAL_ACCEPTED.kind: (Referral, "referral_id", ("decided_at", "updated_at")),
    catalogue.REFERRAL_DECLINED.kind: (Referral, "referral_id", ("decided_at", "updated_at")),
}


def backdate_cases(*, cases: Sequence[Case], schedule: Schedule) -> None:
    """Move each of `cases` and its timeline back to the times `schedule` gives it.

    All or nothing: raises ValueError, changing no case, when a schedule gives other than one time per event,
    times that decrease or start before the case was opened, or a time in the future.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[c.pk for c in cases])}
        missing = [c.pk for c in cases if c.pk not in locked]
        if missing:
            raise ValueError(f"no such cases: {missing}")
        timelines: dict[int, list[CaseEvent]] = defaultdict(list)
        for event in CaseEvent.objects.filter(case_id__in=locked).order_by("case_id", "created_at", "id"):
            timelines[event.case_id].append(event)

        # (model, pk) -> field -> time; a later event overrides an earlier one's updated_at.
        followers: dict[tuple[type[models.Model], int], dict[str, dt.datetime]] = defaultdict(dict)
        for case in locked.values():
            events = timelines[case.pk]
            opened, times = schedule(case, [event.kind for event in events])
            _check(case, events, opened, times, now)
            closed_at = None
            for event, at in zip(events, times, strict=True):
                event.created_at = at
                if event.kind == catalogue.CASE_CLOSED.kind:
                    closed_at = at
                follower = FOLLOWERS.get(event.kind)
                if follower is not None and isinstance(event.data.get(follower[1]), int):
                    model, key, fields = follower
                    followers[(model, event.data[key])].update(dict.fromkeys(fields, at))
            case.created_at = opened
            case.updated_at = times[-1] if times else opened
            if case.closed_at is not None and closed_at is not None:
                case.closed_at = closed_at

        events = [event for timeline in timelines.values() for event in timeline]
        CaseEvent.objects.bulk_update(events, ["created_at"])
        Case.objects.bulk_update(list(locked.values()), ["created_at", "updated_at", "closed_at"])
        # Only the dated fields are written, so rows made from a primary key alone are enough.
        groups: dict[tuple[type[models.Model], tuple[str, ...]], list[models.Model]] = defaultdict(list)
        for (model, pk), values in followers.items():
            groups[(model, tuple(sorted(values)))].append(model(pk=pk, **values))
        for (model, fields), rows in groups.items():
            model._default_manager.filter(case_id__in=list(locked)).bulk_update(rows, list(fields))


def _check(
    case: Case, events: list[CaseEvent], opened: dt.datetime, times: list[dt.datetime], now: dt.datetime
) -> None:
    if len(times) != len(events):
        raise ValueError(f"case {case.number} has {len(events)} events, the schedule gave {len(times)} times")
    if any(later < earlier for earlier, later in pairwise([opened, *times])):
        raise ValueError(f"case {case.number}: the times must not decrease, starting from the case's opening")
    if max([opened, *times]) > now:
        raise ValueError(f"case {case.number}: a backdated time cannot be in the future")
    # Equal times are read in id order, so two events given one time must already be in that order.
    if any(a.pk > b.pk for (a, b), (s, t) in zip(pairwise(events), pairwise(times), strict=True) if s == t):
        raise ValueError(f"case {case.number}: these times would change the order of the timeline")
