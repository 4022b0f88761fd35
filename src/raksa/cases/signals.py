"""Receivers for other apps' signals that leave a mark on case timelines.

When the people engineer's person_merge moves a person's case parties onto the survivor (or a reversal moves them
back), each affected case gets a "person_merged" / "person_merge_reversed" event, in the merge's transaction.
Connected in CasesConfig.ready.
"""

from __future__ import annotations

from typing import Any

from raksa.cases.events import EventKind, event_record
from raksa.cases.models import Case


def _record_on_cases(kind: str, merge: Any, actor: Any, case_ids: list[int] | None) -> None:
    data = {"merge_id": merge.pk, "survivor_id": merge.survivor_id, "merged_id": merge.merged_id}
    for case in Case.objects.filter(pk__in=list(case_ids or [])).order_by("pk"):
        event_record(case=case, kind=kind, actor=actor, data=data)


def on_person_merged(
    sender: Any, *, merge: Any, actor: Any = None, case_ids: list[int] | None = None, **_: Any
) -> None:
    _record_on_cases(EventKind.PERSON_MERGED, merge, actor, case_ids)


def on_person_merge_reversed(
    sender: Any, *, merge: Any, actor: Any = None, case_ids: list[int] | None = None, **_: Any
) -> None:
    _record_on_cases(EventKind.PERSON_MERGE_REVERSED, merge, actor, case_ids)


def connect() -> None:
    from raksa.people.signals import person_merge_reversed, person_merged

    person_merged.connect(on_person_merged, dispatch_uid="cases.on_person_merged")
    person_merge_reversed.connect(on_person_merge_reversed, dispatch_uid="cases.on_person_merge_reversed")
