"""Merging two records of one person, and undoing a merge exactly.

People moves its own rows (identifiers, addresses) and fills the survivor's blank fields; every app above that
points at a Person moves its own rows through people.signals, which says how.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from raksa.people.errors import ALREADY_MERGED, LATER_MERGE_EXISTS, MERGE_ALREADY_REVERSED, MERGE_INTO_SELF
from raksa.people.models import Address, CitizenshipStatus, Identifier, Person, PersonMerge, Sex
from raksa.people.services.person import _refresh_keys
from raksa.people.services.validation import NAME_FIELDS
from raksa.people.signals import (
    RowsMoved,
    person_merge_reversed,
    person_merged,
    person_rows_move,
    person_rows_restore,
)

# Survivor fields a merge may fill from the merged person when the survivor's are blank.
MERGE_FILL_FIELDS = (
    *NAME_FIELDS,
    "sex",
    "birth_date",
    "birth_year",
    "birth_year_estimated",
    "nationality",
    "status",
    "province_code",
)
_BLANK_VALUES: dict[str, tuple[Any, ...]] = {
    "sex": ("", Sex.UNKNOWN),
    "status": ("", CitizenshipStatus.UNKNOWN),
}
# In PersonMerge.moved: which of the other keys each app's receivers stored ({app label: [keys]}).
_APP_KEYS = "apps"
_OWN_KEYS = ("identifiers", "addresses", "fields", "fields_new", _APP_KEYS)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _model_value(name: str, value: Any) -> Any:
    return dt.date.fromisoformat(value) if name == "birth_date" and value else value


def _is_blank(name: str, value: Any) -> bool:
    return value in _BLANK_VALUES.get(name, ("", None))


def _reply(receiver: Any, reply: Any) -> RowsMoved | None:
    if reply is not None and not isinstance(reply, RowsMoved):
        raise ImproperlyConfigured(f"{receiver!r} must return RowsMoved or None, not {type(reply).__name__}")
    return reply


def _require_app_senders(signal: Signal, name: str) -> None:
    if signal.has_listeners(None):
        # Connected without a sender, a receiver would run once per app: its undo data would land under the
        # first app's name, and on reversal it would be handed every app's.
        raise ImproperlyConfigured(f"Connect {name} receivers with sender=<their AppConfig>.")


def _apps_move_rows(*, merge: PersonMerge, actor: Any) -> list[int]:
    """Let each app move its rows to the survivor; store what each returns to undo it. The cases named."""
    _require_app_senders(person_rows_move, "person_rows_move")
    owners: dict[str, list[str]] = {}
    case_ids: set[int] = set()
    for config in apps.get_app_configs():
        for receiver, response in person_rows_move.send(sender=config, merge=merge, actor=actor):
            reply = _reply(receiver, response)
            if reply is None:
                continue
            for key, value in reply.undo.items():
                if key in _OWN_KEYS or key in merge.moved:
                    raise ImproperlyConfigured(
                        f"{receiver!r} stores {key!r}, which another app already uses."
                    )
                merge.moved[key] = value
                owners.setdefault(config.label, []).append(key)
            case_ids.update(reply.case_ids)
    merge.moved[_APP_KEYS] = owners
    merge.save(update_fields=["moved", "updated_at"])
    return sorted(case_ids)


def _apps_restore_rows(*, merge: PersonMerge, actor: Any) -> list[int]:
    """Hand each app back its own undo data; the cases whose rows went back."""
    _require_app_senders(person_rows_restore, "person_rows_restore")
    case_ids: set[int] = set()
    for label, keys in (merge.moved or {}).get(_APP_KEYS, {}).items():
        undo = {key: merge.moved[key] for key in keys}
        responses = person_rows_restore.send(
            sender=apps.get_app_config(label), merge=merge, actor=actor, undo=undo
        )
        if not responses:
            raise ImproperlyConfigured(
                f"Nothing restores the {label} app's rows of a merge (person_rows_restore)."
            )
        for receiver, response in responses:
            reply = _reply(receiver, response)
            if reply is not None:
                case_ids.update(reply.case_ids)
    return sorted(case_ids)


def person_merge(*, actor: Any, survivor: Person, merged: Person, reason: str = "") -> PersonMerge:
    """Fold `merged` into `survivor`: identifiers and addresses move, and so do other apps' rows (each app
    moves its own, see people.signals); blank survivor fields are filled from `merged`. `merged` stays as a
    row pointing at the survivor. Everything is recorded in PersonMerge.moved so that person_merge_reverse can
    put it back exactly.
    """
    if survivor.pk == merged.pk:
        raise MERGE_INTO_SELF.error(field="merged")
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).order_by("pk")
        }
        keep, gone = locked[survivor.pk], locked[merged.pk]
        for person, field_name in ((keep, "survivor"), (gone, "merged")):
            if person.merged_into_id:
                raise ALREADY_MERGED.error(field=field_name)
        moved: dict[str, Any] = {"identifiers": [], "addresses": [], "fields": {}, "fields_new": {}}
        moved["identifiers"] = list(gone.identifiers.order_by("pk").values_list("pk", flat=True))
        Identifier.objects.filter(pk__in=moved["identifiers"]).update(person=keep)

        survivor_has_current = keep.addresses.filter(is_current=True).exists()
        for address in gone.addresses.order_by("pk"):
            moved["addresses"].append({"id": address.pk, "is_current": address.is_current})
        Address.objects.filter(pk__in=[a["id"] for a in moved["addresses"]]).update(
            person=keep, **({"is_current": False} if survivor_has_current else {})
        )

        for name in MERGE_FILL_FIELDS:
            if name == "birth_year_estimated":
                continue
            old, new = getattr(keep, name), getattr(gone, name)
            if _is_blank(name, old) and not _is_blank(name, new):
                moved["fields"][name] = _json_value(old)
                moved["fields_new"][name] = _json_value(new)
                setattr(keep, name, new)
                if name == "birth_year":
                    moved["fields"]["birth_year_estimated"] = keep.birth_year_estimated
                    moved["fields_new"]["birth_year_estimated"] = gone.birth_year_estimated
                    keep.birth_year_estimated = gone.birth_year_estimated
        _refresh_keys(keep)
        keep.save()
        gone.merged_into = keep
        gone.save(update_fields=["merged_into", "updated_at"])

        merge = PersonMerge.objects.create(
            survivor=keep, merged=gone, performed_by=actor, reason=(reason or "")[:300], moved=moved
        )
        case_ids = _apps_move_rows(merge=merge, actor=actor)
        person_merged.send(sender=PersonMerge, merge=merge, actor=actor, case_ids=case_ids)
    survivor.refresh_from_db()
    merged.refresh_from_db()
    return merge


def person_merge_reverse(*, actor: Any, merge: PersonMerge) -> None:
    """Undo a merge exactly: rows go back to the merged person, survivor fields the merge filled are restored
    (unless edited since), and the merged person is live again. Refused once reversed, or when a later merge
    involves either person (undo that one first)."""
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.reversed_at is not None:
            raise MERGE_ALREADY_REVERSED.error(field="merge")
        people = [merge.survivor_id, merge.merged_id]
        later = PersonMerge.objects.filter(pk__gt=merge.pk, reversed_at__isnull=True).filter(
            Q(survivor_id__in=people) | Q(merged_id__in=people)
        )
        if later.exists():
            raise LATER_MERGE_EXISTS.error(field="merge")
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=people).order_by("pk")}
        keep, gone = locked[merge.survivor_id], locked[merge.merged_id]
        # The receivers read merge.survivor / merge.merged: let them see the locked rows.
        merge.survivor, merge.merged = keep, gone
        moved = merge.moved or {}

        Identifier.objects.filter(pk__in=moved.get("identifiers", []), person=keep).update(person=gone)
        for address in moved.get("addresses", []):
            Address.objects.filter(pk=address["id"], person=keep).update(
                person=gone, is_current=address["is_current"]
            )
        case_ids = _apps_restore_rows(merge=merge, actor=actor)

        fields_new = moved.get("fields_new", {})
        for name, old in moved.get("fields", {}).items():
            if _json_value(getattr(keep, name)) == fields_new.get(name):
                setattr(keep, name, _model_value(name, old))
        _refresh_keys(keep)
        keep.save()
        gone.merged_into = None
        gone.save(update_fields=["merged_into", "updated_at"])

        merge.reversed_at = timezone.now()
        merge.reversed_by = actor
        merge.save(update_fields=["reversed_at", "reversed_by", "updated_at"])
        person_merge_reversed.send(sender=PersonMerge, merge=merge, actor=actor, case_ids=case_ids)
