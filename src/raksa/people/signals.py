"""Signals for apps above people (cases writes a CaseEvent on each affected case; people never imports cases).

Both are sent inside the merge's transaction, so a receiver's writes commit or roll back with the merge.
Keyword arguments: merge (PersonMerge), actor (User), case_ids (list[int], the cases whose parties moved).
"""

from __future__ import annotations

from django.dispatch import Signal

person_merged = Signal()
person_merge_reversed = Signal()
