"""Merging two records of one person, and undoing a merge exactly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from raksa.core.errors import Conflict
from raksa.people.models import Address, CitizenshipStatus, Identifier, Person, PersonMerge, Sex
from raksa.people.services.person import _refresh_keys
from raksa.people.services.validation import NAME_FIELDS
from raksa.people.signals import person_merge_reversed, person_merged

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


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _model_value(name: str, value: Any) -> Any:
    return dt.date.fromisoformat(value) if name == "birth_date" and value else value


def _is_blank(name: str, value: Any) -> bool:
    return value in _BLANK_VALUES.get(name, ("", None))


def person_merge(*, actor: Any, survivor: Person, merged: Person, reason: str = "") -> PersonMerge:
    """Fold `merged` into `survivor`: identifiers, addresses and case parties move; blank survivor fields are
    filled from `merged`. `merged` stays as a row pointing at the survivor. Everything is recorded in
    PersonMerge.moved so that person_merge_reverse can put it back exactly.

    A case where both people already have the same role keeps the survivor's party row; the merged person's
    duplicate row is deleted and recorded whole, and the reversal recreates it with the same id.
    """
    if survivor.pk == merged.pk:
        raise Conflict(
            code="merge_into_self",
            message_th="ไม่สามารถรวมบุคคลเข้ากับตัวเองได้",
            message_en="A person cannot be merged into themselves.",
            field="merged",
        )
    case_party = apps.get_model("cases", "CaseParty")
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).order_by("pk")
        }
        keep, gone = locked[survivor.pk], locked[merged.pk]
        for person, field_name in ((keep, "survivor"), (gone, "merged")):
            if person.merged_into_id:
                raise Conflict(
                    code="already_merged",
                    message_th="บุคคลนี้ถูกรวมเข้ากับระเบียนอื่นแล้ว",
                    message_en="This person was already merged into another record.",
                    field=field_name,
                )
        moved: dict[str, Any] = {
            "identifiers": [],
            "addresses": [],
            "case_parties": [],
            "case_parties_dropped": [],
            "fields": {},
            "fields_new": {},
        }
        moved["identifiers"] = list(gone.identifiers.order_by("pk").values_list("pk", flat=True))
        Identifier.objects.filter(pk__in=moved["identifiers"]).update(person=keep)

        survivor_has_current = keep.addresses.filter(is_current=True).exists()
        for address in gone.addresses.order_by("pk"):
            moved["addresses"].append({"id": address.pk, "is_current": address.is_current})
        Address.objects.filter(pk__in=[a["id"] for a in moved["addresses"]]).update(
            person=keep, **({"is_current": False} if survivor_has_current else {})
        )

        survivor_roles = set(case_party.objects.filter(person=keep).values_list("case_id", "role"))
        case_ids: set[int] = set()
        for party in case_party.objects.filter(person=gone).order_by("pk"):
            case_ids.add(party.case_id)
            if (party.case_id, party.role) in survivor_roles:
                moved["case_parties_dropped"].append(
                    {
                        "id": party.pk,
                        "case_id": party.case_id,
                        "role": party.role,
                        "created_at": party.created_at.isoformat(),
                        "updated_at": party.updated_at.isoformat(),
                    }
                )
            else:
                moved["case_parties"].append(party.pk)
        case_party.objects.filter(pk__in=[p["id"] for p in moved["case_parties_dropped"]]).delete()
        case_party.objects.filter(pk__in=moved["case_parties"]).update(person=keep)

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
        person_merged.send(sender=PersonMerge, merge=merge, actor=actor, case_ids=sorted(case_ids))
    survivor.refresh_from_db()
    merged.refresh_from_db()
    return merge


def person_merge_reverse(*, actor: Any, merge: PersonMerge) -> None:
    """Undo a merge exactly: rows go back to the merged person, survivor fields the merge filled are restored
    (unless edited since), and the merged person is live again. Refused once reversed, or when a later merge
    involves either person (undo that one first)."""
    case_party = apps.get_model("cases", "CaseParty")
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.reversed_at is not None:
            raise Conflict(
                code="merge_already_reversed",
                message_th="การรวมนี้ถูกยกเลิกไปแล้ว",
                message_en="This merge was already reversed.",
                field="merge",
            )
        people = [merge.survivor_id, merge.merged_id]
        later = PersonMerge.objects.filter(pk__gt=merge.pk, reversed_at__isnull=True).filter(
            Q(survivor_id__in=people) | Q(merged_id__in=people)
        )
        if later.exists():
            raise Conflict(
                code="later_merge_exists",
                message_th="มีการรวมระเบียนที่เกี่ยวข้องภายหลัง ต้องยกเลิกการรวมนั้นก่อน",
                message_en="A later merge involves these people; reverse it first.",
                field="merge",
            )
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=people).order_by("pk")}
        keep, gone = locked[merge.survivor_id], locked[merge.merged_id]
        moved = merge.moved or {}

        Identifier.objects.filter(pk__in=moved.get("identifiers", []), person=keep).update(person=gone)
        for address in moved.get("addresses", []):
            Address.objects.filter(pk=address["id"], person=keep).update(
                person=gone, is_current=address["is_current"]
            )
        case_party.objects.filter(pk__in=moved.get("case_parties", []), person=keep).update(person=gone)
        case_ids = set(
            case_party.objects.filter(pk__in=moved.get("case_parties", [])).values_list("case_id", flat=True)
        )
        case_model = apps.get_model("cases", "Case")
        for row in moved.get("case_parties_dropped", []):
            if not case_model.objects.filter(pk=row["case_id"]).exists():
                continue
            case_party.objects.create(id=row["id"], case_id=row["case_id"], person=gone, role=row["role"])
            case_party.objects.filter(pk=row["id"]).update(
                created_at=dt.datetime.fromisoformat(row["created_at"]),
                updated_at=dt.datetime.fromisoformat(row["updated_at"]),
            )
            case_ids.add(row["case_id"])

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
        person_merge_reversed.send(sender=PersonMerge, merge=merge, actor=actor, case_ids=sorted(case_ids))
