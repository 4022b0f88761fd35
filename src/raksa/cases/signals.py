"""Receivers for other apps' signals that leave a mark on case timelines.

When the people engineer's person_merge moves a person's case parties onto the survivor (or a reversal moves them
back), each affected case gets a "person_merged" / "person_merge_reversed" event, in the merge's transaction.
Connected in CasesConfig.ready.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from raksa.cases.events import event_person_merge_reversed, event_person_merged
from raksa.cases.models import Case


def _cases(case_ids: list[int] | None) -> QuerySet[Case]:
    return Case.objects.filter(pk__in=list(case_ids or [])).order_by("pk")


def on_person_merged(
    sender: Any, *, merge: Any, actor: Any = None, case_ids: list[int] | None = None, **_: Any
) -> None:
    for case in _cases(case_ids):
        event_person_merged(case=case, actor=actor, merge=merge)


def on_person_merge_reversed(
    sender: Any, *, merge: Any, actor: Any = None, case_ids: list[int] | None = None, **_: Any
) -> None:
    for case in _cases(case_ids):
        event_person_merge_reversed(case=case, actor=actor, merge=merge)


def connect() -> None:
    from raksa.people.signals import person_merge_reversed, person_merged

    person_merged.connect(on_person_merged, dispatch_uid="cases.on_person_merged")
    person_merge_reversed.connect(on_person_merge_reversed, dispatch_uid="cases.on_person_merge_reversed")
