"""A data subject's access request (PDPA section 30): everything the logbook holds about one person, with who
looked at it, as one JSON document.

What it holds: the person record (and every record merged into it), identifiers, addresses, each case the person
is party to with their role, its timeline, notes, attachment metadata (never the files) and referrals, the merges,
the glass broken to open them (who, why, until when), and the access log (rows naming the person, and rows naming
their cases). Other people on the same cases are left out: their data is theirs (the rights and freedoms of
others, section 30 paragraph 2), and an event about one of them keeps only that fact; notes and timelines are
included as recorded, so whoever hands the file over reviews them first.

Only an admin may export (cases.access.can_export_person), and the export itself writes an access-log row, which
the export then includes.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone, translation

from raksa.accounts.models import User
from raksa.cases import selectors
from raksa.cases.access import Action, access_log_write, can_export_person, forbidden
from raksa.cases.models import AccessLog, BreakGlass, Case, CaseParty
from raksa.people.models import Person, PersonMerge
from raksa.people.selectors import person_addresses, person_identifiers, person_survivor

FORMAT = "raksa-person-export"
VERSION = 1
ABOUT_TH = (
    "ข้อมูลทั้งหมดที่ระบบรักษาเก็บเกี่ยวกับบุคคลนี้ ตามคำขอของเจ้าของข้อมูลส่วนบุคคล (พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล "
    "มาตรา 30) พร้อมประวัติการเข้าถึง ข้อมูลของบุคคลอื่นในเรื่องเดียวกันไม่รวมอยู่ในไฟล์นี้ "
    "บันทึกและลำดับเหตุการณ์เป็นไปตามที่บันทึกไว้ ผู้ส่งมอบควรตรวจทานก่อนส่งให้เจ้าของข้อมูล"
)
ABOUT_EN = (
    "Everything Raksa holds about this person, for a data subject's access request (PDPA section 30), with its "
    "access history. Other people on the same cases are left out. Notes and timelines are as recorded: review "
    "them before handing the file over."
)


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _fields(obj: Model, names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields, each choice field followed by its Thai label (`<name>_label`)."""
    out: dict[str, Any] = {}
    for name in names:
        out[name] = _value(getattr(obj, name))
        display = getattr(obj, f"get_{name}_display", None)
        if display is not None:
            out[f"{name}_label"] = str(display())
    return out


def _user(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"username": user.username, "display_name": user.display_name, "unit": _unit_code(user)}


def _unit_code(user: User) -> str | None:
    return user.unit.code if user.unit_id and user.unit else None


PERSON_FIELDS = (
    "id",
    "public_id",
    "title",
    "first_name_th",
    "last_name_th",
    "first_name_en",
    "last_name_en",
    "nickname",
    "sex",
    "birth_date",
    "birth_year",
    "birth_year_estimated",
    "nationality",
    "status",
    "province_code",
    "name_key",
    "last_name_key",
    "name_soundex",
    "merged_into_id",
    "created_at",
    "updated_at",
)
CASE_FIELDS = (
    "number",
    "tracking_code",
    "status",
    "public_stage",
    "category",
    "emergency_type",
    "urgency",
    "channel",
    "summary",
    "description",
    "latitude",
    "longitude",
    "location_text",
    "province_code",
    "district_code",
    "subdistrict_code",
    "outcome",
    "created_at",
    "updated_at",
    "closed_at",
)


def _records(person: Person) -> list[Person]:
    """The person and every record merged into them, however deep the chain."""
    found = [person]
    frontier = [person.pk]
    while frontier:
        merged = list(Person.objects.filter(merged_into_id__in=frontier).order_by("id"))
        merged = [p for p in merged if p.pk not in {f.pk for f in found}]
        found.extend(merged)
        frontier = [p.pk for p in merged]
    return found


def _person(person: Person) -> dict[str, Any]:
    return {
        **_fields(person, PERSON_FIELDS),
        "identifiers": [
            _fields(i, ("kind", "value", "label", "created_at")) for i in person_identifiers(person=person)
        ],
        "addresses": [
            _fields(
                a,
                (
                    "text",
                    "province_code",
                    "district_code",
                    "subdistrict_code",
                    "postal_code",
                    "is_current",
                    "created_at",
                ),
            )
            for a in person_addresses(person=person)
        ],
    }


PERSON_KEYS = ("person_id", "survivor_id", "merged_id")


def _event_data(data: dict[str, Any], ids: set[int]) -> dict[str, Any]:
    """An event's payload, unless it is about someone else only (another party added): then only that fact."""
    named = {data[key] for key in PERSON_KEYS if isinstance(data.get(key), int)}
    if named and not named & ids:
        return {"about_another_person": True}
    return data


def _case(case: Case, roles: list[str], ids: set[int]) -> dict[str, Any]:
    return {
        **_fields(case, CASE_FIELDS),
        "owning_unit": case.owning_unit.code,
        "roles": sorted(set(roles)),
        "timeline": [
            {
                "at": _value(e.created_at),
                "kind": e.kind,
                "actor": _user(e.actor),
                "unit": e.unit.code if e.unit else None,
                "data": _event_data(e.data, ids),
            }
            for e in selectors.case_timeline(case=case)
        ],
        "notes": [
            {"at": _value(n.created_at), "author": _user(n.author), "body": n.body}
            for n in selectors.case_notes(case=case)
        ],
        "attachments": [
            {
                **_fields(a, ("id", "original_name", "content_type", "size", "sha256", "created_at")),
                "uploaded_by": _user(a.uploaded_by),
            }
            for a in selectors.case_attachments(case=case)
        ],
        "referrals": [
            {
                **_fields(r, ("id", "state", "reason", "decline_reason", "created_at", "decided_at")),
                "from_unit": r.from_unit.code,
                "to_unit": r.to_unit.code,
                "created_by": _user(r.created_by),
                "decided_by": _user(r.decided_by),
            }
            for r in selectors.case_referrals(case=case)
        ],
    }


def _access(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            "at": _value(row.at),
            "user": _user(row.user),
            "action": row.action,
            "channel": row.channel,
            "case": row.case.number if row.case_id and row.case else None,
            "person_id": row.person_id,
            "break_glass_reason": row.break_glass.reason if row.break_glass_id and row.break_glass else None,
        }
        for row in rows.select_related("user__unit", "case", "break_glass").order_by("at", "id")
    ]


def person_export(
    *,
    actor: User | None,
    person: Person,
    channel: str,
    request: HttpRequest | None = None,
    command: str = "",
) -> dict[str, Any]:
    """Everything about `person` (followed to the record they live on), as plain JSON-ready data.

    `actor` None is a command run on the server (`command` says which); anyone else must be an admin, or Forbidden.
    The export is logged before it is gathered, so it lists itself.
    """
    if actor is not None and not can_export_person(actor):
        raise forbidden("export a person's data", "ส่งออกข้อมูลของบุคคล")
    person = person_survivor(person)
    access_log_write(
        user=actor, action=Action.PERSON_EXPORT, person=person, request=request, channel=channel, path=command
    )
    records = _records(person)
    ids = [p.pk for p in records]
    roles: dict[int, list[str]] = {}
    for case_id, role in CaseParty.objects.filter(person_id__in=ids).values_list("case_id", "role"):
        roles.setdefault(case_id, []).append(role)
    cases = list(Case.objects.filter(pk__in=roles).select_related("owning_unit").order_by("created_at", "id"))
    merges = PersonMerge.objects.filter(survivor_id__in=ids) | PersonMerge.objects.filter(merged_id__in=ids)
    with translation.override("th"):
        return {
            "format": FORMAT,
            "version": VERSION,
            "about_th": ABOUT_TH,
            "about_en": ABOUT_EN,
            "exported_at": _value(timezone.now()),
            "exported_by": _user(actor) if actor is not None else {"command": command},
            "person": _person(person),
            "merged_records": [_person(p) for p in records[1:]],
            "cases": [_case(case, roles[case.pk], set(ids)) for case in cases],
            "merges": [
                {
                    **_fields(m, ("id", "survivor_id", "merged_id", "reason", "created_at", "reversed_at")),
                    "performed_by": _user(m.performed_by),
                    "moved": m.moved,
                }
                for m in merges.select_related("performed_by__unit").order_by("created_at", "id")
            ],
            "break_glass": [
                {
                    **_fields(g, ("reason", "created_at", "expires_at")),
                    "user": _user(g.user),
                }
                for g in BreakGlass.objects.filter(person_id__in=ids)
                .select_related("user__unit")
                .order_by("created_at", "id")
            ],
            "access_history": _access(AccessLog.objects.filter(person_id__in=ids)),
            "case_access_history": _access(AccessLog.objects.filter(case_id__in=[c.pk for c in cases])),
        }


def person_export_json(**kwargs: Any) -> bytes:
    """person_export as a UTF-8 file: Thai stays readable, not \\u escapes."""
    return (json.dumps(person_export(**kwargs), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
