"""How the apps above people take part in a merge of two person records, without people importing any of them.

person_merge and person_merge_reverse send these signals inside their transaction, so whatever a receiver writes
commits or rolls back with the merge. In order:

1. person_rows_move(sender=AppConfig, merge, actor), during a merge, once for each installed app.
   Every app with rows that point at a Person moves its own: each row of merge.merged_id goes to
   merge.survivor_id. Connect with `sender=` your own AppConfig, in its ready() (as Django's post_migrate
   is connected), so that reversal can hand each app back only its own undo data:

       person_rows_move.connect(on_person_rows_move, sender=self, dispatch_uid="intake.on_person_rows_move")

   Return None when nothing of yours pointed at the merged person; otherwise RowsMoved(undo=..., case_ids=...).
   `undo` is everything you need to put the rows back exactly, as JSON values (ids, ISO 8601 datetimes): a
   row you deleted instead of moving (a duplicate) is kept whole, to be recreated with its id. Its keys are
   stored beside people's own in PersonMerge.moved, so name them after your rows ("case_parties",
   "reports"); a key already taken is an error. moved["apps"] records which keys are whose.

2. person_merged(sender=PersonMerge, merge, actor, case_ids): the merge is done. case_ids lists, sorted and
   once each, every case the movers named; cases writes a timeline event on each.

On reversal, the same in reverse order of meaning:

1. person_rows_restore(sender=AppConfig, merge, actor, undo), once for each app that stored undo data, with
   `undo` holding exactly that app's keys. Move the rows back from merge.survivor_id to merge.merged_id (only
   rows still on the survivor: a later edit elsewhere wins) and recreate deleted ones (unless what they
   belonged to is gone). Return RowsMoved(case_ids=...) naming the cases whose rows went back, or None.
   Undo data stored for an app that no longer has a receiver stops the reversal.

2. person_merge_reversed(sender=PersonMerge, merge, actor, case_ids): the reversal is done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal


@dataclass(frozen=True)
class RowsMoved:
    """A person_rows_move (or _restore) receiver's answer: how to undo what it moved (only when moving), and
    the cases those rows belong to."""

    undo: dict[str, Any] = field(default_factory=dict)
    case_ids: Sequence[int] = ()


person_rows_move = Signal()
person_rows_restore = Signal()
person_merged = Signal()
person_merge_reversed = Signal()
