"""The case timeline: one catalogue of event kinds, and `event_record`, the only place a CaseEvent is created (the
saleor OrderEvent pattern).

Each kind is declared once, with `event_type_declare`: its title (a Thai source string, translated at render time),
the public stage it sets if any, and its payload's fields with how each shows in the timeline's detail. Every
service that changes a case calls a typed recorder (`event_case_closed(case=..., actor=..., ...)`) inside the same
transaction as the change, so the timeline and the case can never disagree; the recorders go through
`event_record`, which refuses a kind nobody declared and a payload key its kind does not declare.

A higher app (dispatch, intake, tracking) declares its own kinds in its own `events.py`, imported from its
AppConfig.ready, and records them with `event_record`; cases never needs to know them. The timeline
(`event_describe`) and the public stage (`stages.public_stage_for`) both read this catalogue.

A higher app that must act when a case reaches a new public stage (tracking tells the reporter) registers
`stage_change_register(fn)` from its AppConfig.ready; `event_record` calls `fn(case, stage)` in the transaction
that moved the stage, so what the handler queues commits with the change, or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from raksa.accounts.models import User
from raksa.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseParty,
    Channel,
    EmergencyType,
    Note,
    PublicStage,
    Referral,
    Status,
)
from raksa.cases.stages import public_stage_for
from raksa.directory.models import Category, Unit
from raksa.people.models import PersonMerge

log = logging.getLogger(__name__)

Text = str | Promise
Units = Mapping[str, Any]
"""Units by code: events store units by their code, and the timeline page loads the units it names at once."""

Show = Callable[[Sequence[Any], Units], str]
"""Text for a field's stored values (in the order of its keys), in the current language; "" shows nothing."""


@dataclass(frozen=True)
class EventField:
    """One part of an event's payload (one key, or a pair shown together) and how the timeline detail shows it.

    `show` None keeps the values for the record (ids, hashes) without showing them. `label` is a lazy "…: %s"
    around the shown text. `unit` says the keys hold unit codes, so the page loads those units with the events.
    """

    keys: tuple[str, ...]
    show: Show | None = None
    label: Text = ""
    unit: bool = False

    def text(self, data: Mapping[str, Any], units: Units) -> str:
        if self.show is None:
            return ""
        values = [data.get(key) for key in self.keys]
        if all(value in (None, "") for value in values):
            return ""
        shown = self.show(values, units)
        if not shown:
            return ""
        return str(self.label) % shown if self.label else shown


@dataclass(frozen=True)
class EventType:
    """One kind of timeline event.

    `stage` is the public stage the kind sets by itself ("" follows the case's status); `reopens` lets the public
    stage move back down the order, which only a reopened case may do (see cases/stages.py).
    """

    kind: str
    title: Text
    fields: tuple[EventField, ...] = ()
    stage: str = ""
    reopens: bool = False

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(key for field in self.fields for key in field.keys)

    @property
    def unit_keys(self) -> tuple[str, ...]:
        return tuple(key for field in self.fields if field.unit for key in field.keys)

    def detail(self, data: Mapping[str, Any], units: Units) -> str:
        return " · ".join(text for field in self.fields if (text := field.text(data, units)))


_CATALOGUE: dict[str, EventType] = {}


def event_type_declare(
    *,
    kind: str,
    title: Text,
    fields: Iterable[EventField] = (),
    stage: str = "",
    reopens: bool = False,
) -> EventType:
    """Add a kind to the catalogue (at import of the declaring app's events module). A kind is declared once."""
    if not kind.isidentifier() or len(kind) > (CaseEvent._meta.get_field("kind").max_length or 0):
        raise ValueError(f"bad event kind: {kind!r}")
    if kind in _CATALOGUE:
        raise ValueError(f"event kind {kind!r} is already declared")
    if stage and stage not in PublicStage.values:
        raise ValueError(f"event kind {kind!r}: {stage!r} is not a public stage")
    fields = tuple(fields)
    keys = [key for field in fields for key in field.keys]
    if len(keys) != len(set(keys)):
        raise ValueError(f"event kind {kind!r} declares a payload key twice")
    event_type = EventType(kind=kind, title=title, fields=fields, stage=stage, reopens=reopens)
    _CATALOGUE[kind] = event_type
    return event_type


def event_type_of(kind: str) -> EventType | None:
    """The declared type of `kind`; None for a kind nobody declared (a stored event of an app since removed)."""
    return _CATALOGUE.get(kind)


def event_types() -> list[EventType]:
    return list(_CATALOGUE.values())


# ---------------------------------------------------------------------------------------------------------------
# how fields show


def _local_name(obj: Any) -> str:
    english = (get_language() or "th").startswith("en")
    th, en = getattr(obj, "name_th", "") or "", getattr(obj, "name_en", "") or ""
    return (en or th) if english else (th or en)


def _choice_label(choices: type[models.TextChoices], value: Any) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _unit_name(code: Any, units: Units) -> str:
    unit = units.get(code) if isinstance(code, str) else None
    return _local_name(unit) if unit is not None else str(code or "")


def kept(*keys: str) -> EventField:
    """Stored for the record (and the API), not shown in the timeline."""
    return EventField(keys=keys)


def text_field(key: str, label: Text = "") -> EventField:
    return EventField(keys=(key,), show=lambda values, units: str(values[0] or ""), label=label)


def choice_field(key: str, choices: type[models.TextChoices], label: Text = "") -> EventField:
    """A choice's value, shown by its label (a status as "คัดกรอง", a channel as "สายด่วน 1300")."""
    return EventField(keys=(key,), show=lambda values, units: _choice_label(choices, values[0]), label=label)


def unit_field(key: str, label: Text = "") -> EventField:
    """A unit's code, shown by the unit's name."""
    return EventField(
        keys=(key,), show=lambda values, units: _unit_name(values[0], units), label=label, unit=True
    )


def move_field(from_key: str, to_key: str, choices: type[models.TextChoices]) -> EventField:
    """A move between two choices, shown as "old → new"."""

    def show(values: Sequence[Any], units: Units) -> str:
        return f"{_choice_label(choices, values[0])} → {_choice_label(choices, values[1])}"

    return EventField(keys=(from_key, to_key), show=show)


def event_describe(event: CaseEvent, units: Units | None = None) -> tuple[str, str]:
    """(title, detail) of one timeline line, in the current language, from the catalogue.

    A stored kind nobody declares any more keeps its raw name as title, so nothing is hidden."""
    event_type = event_type_of(event.kind)
    if event_type is None:
        return event.kind.replace("_", " "), ""
    return str(event_type.title), event_type.detail(event.data or {}, units or {})


def event_unit_codes(events: Iterable[CaseEvent]) -> set[str]:
    """The unit codes the events' declared unit fields name: what the timeline needs to show unit names."""
    codes: set[str] = set()
    for event in events:
        event_type = event_type_of(event.kind)
        for key in event_type.unit_keys if event_type is not None else ():
            value = (event.data or {}).get(key)
            if isinstance(value, str) and value:
                codes.add(value)
    return codes


# ---------------------------------------------------------------------------------------------------------------
# the kinds cases writes

_REASON = text_field("reason", pgettext_lazy("timeline", "เหตุผล: %s"))
_TO_UNIT = unit_field("to_unit", pgettext_lazy("timeline", "ถึง: %s"))

CASE_CREATED = event_type_declare(
    kind="created",
    title=_("รับเรื่อง"),
    fields=(
        choice_field("emergency_type", EmergencyType, pgettext_lazy("timeline", "ฉุกเฉิน: %s")),
        choice_field("category", Category),
        choice_field("channel", Channel, pgettext_lazy("timeline", "ช่องทาง: %s")),
        unit_field("owning_unit", pgettext_lazy("timeline", "หน่วยงาน: %s")),
        kept("number", "urgency"),
    ),
)
PARTY_ADDED = event_type_declare(
    kind="party_added",
    title=_("เพิ่มบุคคลที่เกี่ยวข้อง"),
    fields=(choice_field("role", CaseParty.Role), kept("party_id", "person_id")),
)
STATUS_CHANGED = event_type_declare(
    kind="status_changed",
    title=_("เปลี่ยนสถานะ"),
    fields=(move_field("from", "to", Status), _REASON),
)
CASE_ASSIGNED = event_type_declare(
    kind="assigned",
    title=_("มอบหมายผู้รับผิดชอบแล้ว"),
    fields=(
        text_field("assignee_name", pgettext_lazy("timeline", "ผู้รับผิดชอบ: %s")),
        kept("assignee_id", "assignee", "previous_assignee_id"),
    ),
)
NOTE_ADDED = event_type_declare(kind="note_added", title=_("บันทึกเพิ่มเติม"), fields=(kept("note_id"),))
FOLLOW_UP_ADDED = event_type_declare(
    kind="follow_up_added", title=_("อาสาสมัคร อพม. บันทึกติดตามผล"), fields=(kept("note_id"),)
)
ATTACHMENT_ADDED = event_type_declare(
    kind="attachment_added",
    title=_("แนบไฟล์แล้ว"),
    fields=(text_field("original_name"), kept("attachment_id", "content_type", "size", "sha256")),
)
REFERRAL_CREATED = event_type_declare(
    kind="referral_created",
    title=_("ส่งต่อหน่วยงาน"),
    fields=(_TO_UNIT, _REASON, kept("referral_id", "from_status", "status")),
)
REFERRAL_ACCEPTED = event_type_declare(
    kind="referral_accepted",
    title=_("หน่วยงานตอบรับการส่งต่อ"),
    fields=(_TO_UNIT, kept("referral_id")),
)
REFERRAL_DECLINED = event_type_declare(
    kind="referral_declined",
    title=_("หน่วยงานปฏิเสธการส่งต่อ"),
    fields=(_TO_UNIT, _REASON, kept("referral_id", "from_status", "status")),
)
CASE_CLOSED = event_type_declare(
    kind="closed",
    title=_("ปิดเรื่องแล้ว"),
    fields=(text_field("outcome", pgettext_lazy("timeline", "ผลการดำเนินงาน: %s")), kept("from")),
)
CASE_REOPENED = event_type_declare(
    kind="reopened",
    title=_("เปิดเรื่องอีกครั้งแล้ว"),
    fields=(
        text_field("previous_outcome", pgettext_lazy("timeline", "ผลเดิม: %s")),
        _REASON,
        kept("from", "to"),
    ),
    reopens=True,
)
# The one free text the public tracking page shows (after its second factor): written by staff for the reporter.
PUBLIC_NOTE_ADDED = event_type_declare(
    kind="public_note_added",
    title=_("ข้อความถึงผู้แจ้ง (แสดงในหน้าติดตามเรื่อง)"),
    fields=(text_field("text"),),
)
_MERGE = kept("merge_id", "survivor_id", "merged_id")
PERSON_MERGED = event_type_declare(kind="person_merged", title=_("รวมข้อมูลบุคคลซ้ำ"), fields=(_MERGE,))
PERSON_MERGE_REVERSED = event_type_declare(
    kind="person_merge_reversed", title=_("ยกเลิกการรวมข้อมูลบุคคล"), fields=(_MERGE,)
)


# ---------------------------------------------------------------------------------------------------------------
# a new public stage, told to the apps above

StageChangeHandler = Callable[[Case, str], object]
_stage_change_handlers: list[StageChangeHandler] = []


def stage_change_register(fn: StageChangeHandler) -> None:
    """Have `fn(case, stage)` called when `event_record` moves a case to a new public stage, in the transaction
    that moves it.

    Called from an app's `ready()`; registering the same function twice calls it once. `case` is the object the
    event was recorded on, `stage` the new stage. What the handler writes (a message in the outbox) commits with
    the change, so a process that dies after the commit has lost nothing, and a change rolled back leaves nothing
    behind. Each handler runs in a savepoint of its own: one that raises is rolled back to it and logged, and the
    others and the caller's change go on.
    """
    if fn not in _stage_change_handlers:
        _stage_change_handlers.append(fn)


def stage_change_unregister(fn: StageChangeHandler) -> None:
    """Undo `stage_change_register` (for tests that register a handler of their own)."""
    if fn in _stage_change_handlers:
        _stage_change_handlers.remove(fn)


def _stage_changed(case: Case, stage: str) -> None:
    for fn in tuple(_stage_change_handlers):
        try:
            with transaction.atomic():
                fn(case, stage)
        except Exception:  # a notice that fails must not fail the change it tells of
            log.exception("cases: stage change handler %r failed for case %s (%s)", fn, case.number, stage)


# ---------------------------------------------------------------------------------------------------------------
# recording


def _event_new(
    *, case: Case, kind: str, actor: User | None, unit: Unit | None, data: dict[str, Any] | None, now: Any
) -> tuple[CaseEvent, str]:
    """The event, checked against the catalogue and not saved yet, and the stage the case has after it."""
    event_type = event_type_of(kind)
    if event_type is None:
        raise ValueError(f"event kind {kind!r} is not declared (declare it with event_type_declare)")
    data = dict(data or {})
    unknown = set(data) - event_type.keys
    if unknown:
        raise ValueError(f"event kind {kind!r} does not declare the payload keys {sorted(unknown)}")
    if unit is None and actor is not None:
        unit = actor.unit
    stage = public_stage_for(case, event_type)
    # The case's first event enters its first stage; any later one only when it moves the stage.
    entered = stage if stage != case.public_stage or kind == CASE_CREATED.kind else ""
    event = CaseEvent(case=case, kind=kind, actor=actor, unit=unit, data=data, created_at=now, stage=entered)
    return event, stage


def _stage_move(case: Case, stage: str, now: Any) -> None:
    case.public_stage = stage
    # update() rather than save(): only this column, never overwriting fields a caller has not saved yet.
    Case.objects.filter(pk=case.pk).update(public_stage=stage, updated_at=now)
    if _stage_change_handlers:  # none registered: nothing more than the update above
        _stage_changed(case, stage)


def event_record(
    *,
    case: Case,
    kind: str,
    actor: User | None = None,
    unit: Unit | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one event of a declared kind to the case's timeline and keep `case.public_stage` in step with it.

    `unit` defaults to the actor's unit: the timeline shows which agency did what. Call it after the case's own
    fields (status) are saved, inside the caller's transaction. A new stage is told to the handlers registered
    with `stage_change_register`, in that transaction.
    """
    now = timezone.now()
    event, stage = _event_new(case=case, kind=kind, actor=actor, unit=unit, data=data, now=now)
    event.save(force_insert=True)
    if stage != case.public_stage:
        _stage_move(case, stage, now)
    return event


@dataclass(frozen=True)
class EventSpec:
    """One event for `events_record`: what `event_record` takes, but the case."""

    kind: str
    actor: User | None = None
    unit: Unit | None = None
    data: dict[str, Any] | None = None


def events_record(*, case: Case, events: Sequence[EventSpec]) -> list[CaseEvent]:
    """Append several events to the case's timeline, in order, as `event_record` would one after another.

    When none of them moves the case's public stage (a new case's "created" and its people) they are written in
    one insert, with one time; otherwise each goes through `event_record`, so every stage move is told in turn.
    """
    now = timezone.now()
    built = [
        _event_new(case=case, kind=spec.kind, actor=spec.actor, unit=spec.unit, data=spec.data, now=now)
        for spec in events
    ]
    if any(stage != case.public_stage for _, stage in built):
        return [
            event_record(case=case, kind=spec.kind, actor=spec.actor, unit=spec.unit, data=spec.data)
            for spec in events
        ]
    return CaseEvent.objects.bulk_create([event for event, _ in built])


def _unit_or_owner(actor: User | None, case: Case) -> Unit | None:
    """A public channel's report has no staff actor: the owning unit stands behind its first events."""
    return actor.unit if actor is not None else case.owning_unit


def _case_created(case: Case, actor: User | None) -> EventSpec:
    return EventSpec(
        kind=CASE_CREATED.kind,
        actor=actor,
        unit=_unit_or_owner(actor, case),
        data={
            "number": case.number,
            "channel": case.channel,
            "category": case.category,
            "emergency_type": case.emergency_type,
            "urgency": case.urgency,
            "owning_unit": case.owning_unit.code,
        },
    )


def _party_added(case: Case, actor: User | None, party: CaseParty) -> EventSpec:
    return EventSpec(
        kind=PARTY_ADDED.kind,
        actor=actor,
        unit=_unit_or_owner(actor, case),
        data={"party_id": party.pk, "person_id": party.person_id, "role": party.role},
    )


def event_case_created(*, case: Case, actor: User | None) -> CaseEvent:
    spec = _case_created(case, actor)
    return event_record(case=case, kind=spec.kind, actor=spec.actor, unit=spec.unit, data=spec.data)


def event_case_opened(*, case: Case, actor: User | None, parties: Sequence[CaseParty]) -> list[CaseEvent]:
    """A new case's "created" and one "party_added" per person on it, in that order, in one insert."""
    specs = [_case_created(case, actor), *(_party_added(case, actor, party) for party in parties)]
    return events_record(case=case, events=specs)


def event_party_added(*, case: Case, actor: User | None, party: CaseParty) -> CaseEvent:
    spec = _party_added(case, actor, party)
    return event_record(case=case, kind=spec.kind, actor=spec.actor, unit=spec.unit, data=spec.data)


def event_status_changed(
    *, case: Case, actor: User, from_status: str, to_status: str, reason: str = ""
) -> CaseEvent:
    return event_record(
        case=case,
        kind=STATUS_CHANGED.kind,
        actor=actor,
        data={"from": from_status, "to": to_status, "reason": reason},
    )


def event_case_assigned(
    *, case: Case, actor: User, assignee: User | None, previous_assignee_id: int | None
) -> CaseEvent:
    return event_record(
        case=case,
        kind=CASE_ASSIGNED.kind,
        actor=actor,
        data={
            "assignee_id": assignee.pk if assignee is not None else None,
            "assignee": assignee.username if assignee is not None else "",
            # The name as it read when assigned: the timeline tells what staff saw then.
            "assignee_name": str(assignee) if assignee is not None else "",
            "previous_assignee_id": previous_assignee_id,
        },
    )


def event_note_added(*, case: Case, actor: User, note: Note) -> CaseEvent:
    return event_record(case=case, kind=NOTE_ADDED.kind, actor=actor, data={"note_id": note.pk})


def event_public_note_added(*, case: Case, actor: User, text: str) -> CaseEvent:
    return event_record(case=case, kind=PUBLIC_NOTE_ADDED.kind, actor=actor, data={"text": text})


def event_follow_up_added(*, case: Case, volunteer: User, note: Note) -> CaseEvent:
    """A volunteer's note: her office stands beside her name, as it does for staff, but the kind says who she is."""
    return event_record(case=case, kind=FOLLOW_UP_ADDED.kind, actor=volunteer, data={"note_id": note.pk})


def event_attachment_added(*, case: Case, actor: User | None, attachment: Attachment) -> CaseEvent:
    return event_record(
        case=case,
        kind=ATTACHMENT_ADDED.kind,
        actor=actor,
        unit=_unit_or_owner(actor, case),
        data={
            "attachment_id": attachment.pk,
            "original_name": attachment.original_name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
    )


def event_referral_created(*, case: Case, actor: User, referral: Referral, from_status: str) -> CaseEvent:
    return event_record(
        case=case,
        kind=REFERRAL_CREATED.kind,
        actor=actor,
        data={
            "referral_id": referral.pk,
            "to_unit": referral.to_unit.code,
            "reason": referral.reason,
            "from_status": from_status,
            "status": case.status,
        },
    )


def event_referral_accepted(*, case: Case, actor: User, referral: Referral) -> CaseEvent:
    return event_record(
        case=case,
        kind=REFERRAL_ACCEPTED.kind,
        actor=actor,
        data={"referral_id": referral.pk, "to_unit": referral.to_unit.code},
    )


def event_referral_declined(*, case: Case, actor: User, referral: Referral, from_status: str) -> CaseEvent:
    return event_record(
        case=case,
        kind=REFERRAL_DECLINED.kind,
        actor=actor,
        data={
            "referral_id": referral.pk,
            "to_unit": referral.to_unit.code,
            "reason": referral.decline_reason,
            "from_status": from_status,
            "status": case.status,
        },
    )


def event_case_closed(*, case: Case, actor: User, from_status: str, outcome: str) -> CaseEvent:
    return event_record(
        case=case, kind=CASE_CLOSED.kind, actor=actor, data={"from": from_status, "outcome": outcome}
    )


def event_case_reopened(*, case: Case, actor: User, reason: str, previous_outcome: str) -> CaseEvent:
    return event_record(
        case=case,
        kind=CASE_REOPENED.kind,
        actor=actor,
        data={
            "from": Status.CLOSED,
            "to": case.status,
            "reason": reason,
            "previous_outcome": previous_outcome,
        },
    )


def _merge_data(merge: PersonMerge) -> dict[str, Any]:
    return {"merge_id": merge.pk, "survivor_id": merge.survivor_id, "merged_id": merge.merged_id}


def event_person_merged(*, case: Case, actor: User | None, merge: PersonMerge) -> CaseEvent:
    return event_record(case=case, kind=PERSON_MERGED.kind, actor=actor, data=_merge_data(merge))


def event_person_merge_reversed(*, case: Case, actor: User | None, merge: PersonMerge) -> CaseEvent:
    return event_record(case=case, kind=PERSON_MERGE_REVERSED.kind, actor=actor, data=_merge_data(merge))
