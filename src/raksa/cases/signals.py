"""Receivers for other apps' signals: the cases' side of a person merge.

In a person merge the cases app moves its own rows: the merged person's case parties go to the survivor (and
back when the merge is reversed), and each affected case gets a "person_merged" / "person_merge_reversed"
event, all in the merge's transaction. The receiver contract is in raksa.people.signals. Connected in
CasesConfig.ready.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from raksa.cases.events import event_person_merge_reversed, event_person_merged
from raksa.cases.models import Case
from raksa.people.signals import (
    RowsMoved,
    person_merge_reversed,
    person_merged,
    person_rows_move,
    person_rows_restore,
)


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


def on_person_rows_move(sender: Any, *, merge: Any, **_: Any) -> RowsMoved | None:
    """Move the merged person's case parties to the survivor. On a case where the survivor already has the same
    role, the merged person's row is deleted and kept whole, for the reversal to recreate it with its id."""
    survivor, merged = merge.survivor, merge.merged
    survivor_roles = set(survivor.case_parties.values_list("case_id", "role"))
    moved: list[int] = []
    dropped: list[dict[str, Any]] = []
    case_ids: set[int] = set()
    for party in merged.case_parties.order_by("pk"):
        case_ids.add(party.case_id)
        if (party.case_id, party.role) in survivor_roles:
            dropped.append(
                {
                    "id": party.pk,
                    "case_id": party.case_id,
                    "role": party.role,
                    "created_at": party.created_at.isoformat(),
                    "updated_at": party.updated_at.isoformat(),
                }
            )
        else:
            moved.append(party.pk)
    if not case_ids:
        return None
    merged.case_parties.filter(pk__in=[row["id"] for row in dropped]).delete()
    merged.case_parties.filter(pk__in=moved).update(person=survivor)
    return RowsMoved(undo={"case_parties": moved, "case_parties_dropped": dropped}, case_ids=sorted(case_ids))


def on_person_rows_restore(sender: Any, *, merge: Any, undo: dict[str, Any], **_: Any) -> RowsMoved:
    survivor, merged = merge.survivor, merge.merged
    moved = undo.get("case_parties", [])
    survivor.case_parties.filter(pk__in=moved).update(person=merged)
    case_ids = set(merged.case_parties.filter(pk__in=moved).values_list("case_id", flat=True))
    for row in undo.get("case_parties_dropped", []):
        if not Case.objects.filter(pk=row["case_id"]).exists():
            continue
        merged.case_parties.create(id=row["id"], case_id=row["case_id"], role=row["role"])
        # The row comes back as it was, not as a party added today.
        merged.case_parties.filter(pk=row["id"]).update(
            created_at=dt.datetime.fromisoformat(row["created_at"]),
            updated_at=dt.datetime.fromisoformat(row["updated_at"]),
        )
        case_ids.add(row["case_id"])
    return RowsMoved(case_ids=sorted(case_ids))


def connect() -> None:
    from django.apps import apps

    config = apps.get_app_config("cases")
    person_rows_move.connect(on_person_rows_move, sender=config, dispatch_uid="cases.on_person_rows_move")
    person_rows_restore.connect(
        on_person_rows_restore, sender=config, dispatch_uid="cases.on_person_rows_restore"
    )
    person_merged.connect(on_person_merged, dispatch_uid="cases.on_person_merged")
    person_merge_reversed.connect(on_person_merge_reversed, dispatch_uid="cases.on_person_merge_reversed")
