"""Writes on dispatch: an emergency case to a field team in seconds, its timers, escalation, and the team's moves.

`dispatch_request(case=...)` is the one door from intake, inside the report's transaction: it routes the case's
point (dispatch.routing), makes the level-0 Dispatch, and queues the alert to the unit's first on-call contact
through the notify outbox (so the alert leaves when, and only when, the case is committed). Then:
- a send that fails for good moves on to the unit's next on-call contact; when none is left (or the unit has none
  at all), the dispatch escalates at once, and the board shows the failed alert;
- nobody acknowledging within the acknowledge time escalates (the worker's `dispatch_timer_sweep`); escalating
  sends the case to the next unit up: the province's rapid-response unit, the province's social development
  office, then the national 1300 centre (the directory has no regional level yet: the chain skips it). At the top,
  the centre is alerted again, contact after contact, until someone acknowledges;
- a team that acknowledges stops escalation: the case's other waiting dispatches are cancelled ("another team took
  it") and the on-scene timer starts; a team not on the scene in time raises an overdue event and alerts the next
  level up, while the team keeps its dispatch;
- a decline (with a reason) sends the case to the next level at once.
Every move is checked against dispatch.states, written with an event on the case's timeline (event_record) in
the same transaction, under the dispatch's row lock; the timers are due times in the database, so they survive a
restart, and each timer is claimed by an update that must change exactly one row, so two workers never act twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from raksa.accounts.models import User
from raksa.accounts.services import notice_send
from raksa.cases.events import event_record
from raksa.cases.models import Case, EmergencyType
from raksa.cases.person_access import area_supervisors
from raksa.core.errors import REQUIRED, TOO_LONG
from raksa.directory.models import Contact, Unit
from raksa.directory.routing import CENTRE_UNIT
from raksa.directory.selectors import unit_contacts
from raksa.dispatch import events, states
from raksa.dispatch.access import can_act, dispatch_not_found
from raksa.dispatch.links import link_url
from raksa.dispatch.models import Dispatch, DispatchState, DispatchTimer
from raksa.dispatch.routing import dispatch_route
from raksa.notify.services import message_queue

log = logging.getLogger(__name__)

S = DispatchState
PURPOSE = "dispatch_alert"
# The place of an emergency that was alerted without one, told to the team when it becomes known.
PURPOSE_LOCATION = "dispatch_location"
NOTICE_ESCALATED = "dispatch_escalated"
TIMER_BATCH = 100
REASON_MAX = 500
NOTE_MAX = 2000
# How each kind of on-call contact is reached.
TRANSPORT_FOR_CONTACT: dict[str, str] = {
    Contact.Kind.LINE_GROUP: "line",
    Contact.Kind.PHONE: "sms",
    Contact.Kind.EMAIL: "email",
    Contact.Kind.WEBHOOK: "webhook",
}


# ---------------------------------------------------------------------------------------------------------------
# timers


def timer_minutes(case: Case) -> tuple[int, int]:
    """(acknowledge, on scene) minutes for this case: the most specific DispatchTimer row, else the defaults."""
    rows = {
        (row.emergency_type, row.province_code): row
        for row in DispatchTimer.objects.filter(
            emergency_type__in=(case.emergency_type, ""), province_code__in=(case.province_code, "")
        )
    }
    for key in (
        (case.emergency_type, case.province_code),
        ("", case.province_code),
        (case.emergency_type, ""),
        ("", ""),
    ):
        row = rows.get(key)
        if row is not None:
            return row.ack_minutes, row.on_scene_minutes
    return settings.RAKSA_DISPATCH_ACK_MINUTES, settings.RAKSA_DISPATCH_ON_SCENE_MINUTES


# ---------------------------------------------------------------------------------------------------------------
# the hand-over from intake


def dispatch_request(*, case: Case, new_case: bool = False) -> Dispatch:
    """Send an emergency case to the unit its point routes to, inside the caller's transaction.

    Safe to call twice: a case that already has its first dispatch gets that one back, and nothing is sent again.
    `new_case` says the caller opened the case in this same transaction, so it cannot have a dispatch yet and
    the look-up for one is skipped.

    No savepoint of its own: nothing here is caught and recovered, so a failure fails the caller's transaction
    (intake's report stays stored and is retried), as it would with one.
    """
    if not case.emergency_type:
        raise ValueError(f"case {case.number} is not an emergency")
    with transaction.atomic(savepoint=False):
        if not new_case:
            existing = case.dispatches.filter(level=0).select_related("unit").first()
            if existing is not None:
                return existing
        route = dispatch_route(
            latitude=case.latitude,
            longitude=case.longitude,
            province_code=case.province_code,
            district_code=case.district_code,
        )
        dispatch = Dispatch(case=case, unit=route.unit, level=0, reason=route.reason_th)
        _alert(dispatch, now=timezone.now())
    return dispatch


# ---------------------------------------------------------------------------------------------------------------
# alerts


def _contacts(unit: Unit) -> list[Contact]:
    return [c for c in unit_contacts(unit=unit, on_call=True) if c.kind in TRANSPORT_FOR_CONTACT]


def _alert(dispatch: Dispatch, *, now: dt.datetime) -> None:
    """Queue the alert to the contact at `contact_index` (cycling, at the top level), or escalate when none.

    A dispatch not saved yet (a new one) is inserted here, already alerted when a contact is there to alert:
    one insert rather than an insert and an update.
    """
    contacts = _contacts(dispatch.unit)
    new = dispatch.pk is None
    if new and not contacts:
        dispatch.save(force_insert=True)
    # Past the last contact, only the top of the chain starts again from the first (asked only then: a query).
    exhausted = dispatch.contact_index >= len(contacts) and _next_unit(dispatch) is not None
    if not contacts or exhausted:
        error = "ไม่มีช่องทางติดต่อเวร" if not contacts else "ส่งแจ้งเตือนไม่สำเร็จทุกช่องทาง"
        _alert_failed(dispatch, error=error)
        if dispatch.state in (S.PENDING, S.ALERTED):
            _escalate(dispatch, why_th=error, now=now)
        return
    contact = contacts[dispatch.contact_index % len(contacts)]
    ack_minutes, _ = timer_minutes(dispatch.case)
    dispatch.ack_due_at = now + dt.timedelta(minutes=ack_minutes)
    fields = ["ack_due_at", "updated_at"]
    if dispatch.state == S.PENDING:
        states.check_transition(dispatch.state, S.ALERTED)
        dispatch.state = S.ALERTED
        dispatch.alerted_at = now
        fields += ["state", "alerted_at"]
    if new:
        dispatch.save(force_insert=True)  # the message's key and link need its id
    message_queue(
        key=f"dispatch:{dispatch.pk}:alert:{dispatch.contact_index}",
        transport=TRANSPORT_FOR_CONTACT[contact.kind],
        to=contact.value,
        payload=alert_payload(dispatch, transport=TRANSPORT_FOR_CONTACT[contact.kind]),
        purpose=PURPOSE,
        ref=str(dispatch.pk),
    )
    if not new:
        dispatch.save(update_fields=fields)
    if "state" in fields:
        event_record(
            case=dispatch.case,
            kind=events.DISPATCH_ALERTED.kind,
            unit=dispatch.unit,
            data={
                "unit": dispatch.unit.code,
                "dispatch_id": dispatch.pk,
                "reason": dispatch.reason,
                "level": dispatch.level,
            },
        )


def _alert_failed(dispatch: Dispatch, *, error: str) -> None:
    if not dispatch.alert_failed:
        dispatch.alert_failed = True
        dispatch.save(update_fields=["alert_failed", "updated_at"])
    event_record(
        case=dispatch.case,
        kind=events.DISPATCH_ALERT_FAILED.kind,
        unit=dispatch.unit,
        data={"unit": dispatch.unit.code, "dispatch_id": dispatch.pk, "error": error[:300]},
    )


def map_url(case: Case) -> str:
    if case.latitude is None or case.longitude is None:
        return ""
    return settings.RAKSA_MAP_LINK.format(lat=case.latitude, lon=case.longitude)


def alert_payload(dispatch: Dispatch, *, transport: str) -> dict[str, Any]:
    """What the team's phone shows: the emergency, the place, a map link, a short summary, a one-tap link."""
    case = dispatch.case
    kind = str(EmergencyType(case.emergency_type).label) if case.emergency_type else "เหตุฉุกเฉิน"
    place = case.location_text or (f"{case.latitude}, {case.longitude}" if case.latitude is not None else "")
    link = link_url(dispatch)
    where = map_url(case)
    lines = [f"🚨 เหตุฉุกเฉิน: {kind} ({case.number})", case.summary[:200]]
    if place:
        lines.append(f"สถานที่: {place[:200]}")
    if where:
        lines.append(f"แผนที่: {where}")
    lines.append(f"รับเรื่อง: {link}")
    payload: dict[str, Any] = {"text": "\n".join(lines), "case_number": case.number, "link": link}
    if transport == "line":
        payload["flex"] = _flex(kind=kind, case=case, place=place, where=where, link=link)
        payload["alt_text"] = f"เหตุฉุกเฉิน: {kind} {case.number}"
    return payload


def _flex(*, kind: str, case: Case, place: str, where: str, link: str) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {
            "type": "text",
            "text": f"🚨 {kind}",
            "weight": "bold",
            "size": "lg",
            "color": "#b00020",
            "wrap": True,
        },
        {"type": "text", "text": case.number, "size": "sm", "color": "#555555"},
        {"type": "text", "text": case.summary[:300] or "-", "wrap": True, "margin": "md"},
    ]
    if place:
        body.append({"type": "text", "text": f"📍 {place[:200]}", "wrap": True, "size": "sm", "margin": "md"})
    buttons: list[dict[str, Any]] = [
        {
            "type": "button",
            "style": "primary",
            "color": "#b00020",
            "action": {"type": "uri", "label": "รับเรื่อง", "uri": link},
        }
    ]
    if where:
        buttons.append(
            {"type": "button", "style": "secondary", "action": {"type": "uri", "label": "แผนที่", "uri": where}}
        )
    return {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "contents": body},
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons},
    }


def dispatch_alert_outcome(message: Any, outcome: str) -> None:
    """notify's answer for an alert: a send that failed for good moves on to the next contact, or escalates."""
    if outcome != "failed":
        return
    with transaction.atomic():
        dispatch = (
            Dispatch.objects.select_for_update(of=("self",))
            .select_related("case", "unit")
            .filter(pk=int(message.ref))
            .first()
        )
        if dispatch is None or dispatch.state not in states.WAITING:
            return
        if message.key != f"dispatch:{dispatch.pk}:alert:{dispatch.contact_index}":
            return  # an older contact's message: the dispatch has already moved on
        _alert_failed(dispatch, error=message.last_error or "ส่งไม่สำเร็จ")
        dispatch.contact_index += 1
        dispatch.save(update_fields=["contact_index", "updated_at"])
        _alert(dispatch, now=timezone.now())


# ---------------------------------------------------------------------------------------------------------------
# escalation


def _chain(case: Case) -> list[Unit]:
    """The units a case climbs through: the province's rapid-response unit, its office, the national centre."""
    province = case.province_code
    units: list[Unit] = []
    if province:
        rapid = Unit.objects.filter(
            is_active=True, kind=Unit.Kind.RAPID_RESPONSE, areas__area_code=province
        ).order_by("code")
        office = Unit.objects.filter(
            is_active=True, kind=Unit.Kind.PROVINCIAL_OFFICE, province_code=province
        ).order_by("code")
        units += [*rapid, *office]
    centre = Unit.objects.filter(code=CENTRE_UNIT, is_active=True).first()
    if centre is not None:
        units.append(centre)
    seen: set[int] = set()
    return [u for u in units if not (u.pk in seen or seen.add(u.pk))]  # type: ignore[func-returns-value]


def _next_unit(dispatch: Dispatch) -> Unit | None:
    """The first unit up the chain from this dispatch's unit that the case has not been sent to yet."""
    chain = _chain(dispatch.case)
    sent = set(Dispatch.objects.filter(case_id=dispatch.case_id).values_list("unit_id", flat=True))
    ids = [u.pk for u in chain]
    start = ids.index(dispatch.unit_id) + 1 if dispatch.unit_id in ids else 0
    for unit in chain[start:]:
        if unit.pk not in sent:
            return unit
    return None


def _escalate(dispatch: Dispatch, *, why_th: str, now: dt.datetime) -> Dispatch | None:
    """Send the case one level up from `dispatch`; at the top, alert the top again. Returns the new dispatch."""
    target = _next_unit(dispatch)
    if dispatch.state in (S.PENDING, S.ALERTED) and target is not None:
        states.check_transition(dispatch.state, S.ESCALATED)
        dispatch.state = S.ESCALATED
    dispatch.ack_due_at = None
    dispatch.save(update_fields=["state", "ack_due_at", "updated_at"])
    event_record(
        case=dispatch.case,
        kind=events.DISPATCH_ESCALATED.kind,
        unit=dispatch.unit,
        data={
            "unit": dispatch.unit.code,
            "dispatch_id": dispatch.pk,
            "why": why_th,
            "to_unit": (target or dispatch.unit).code,
        },
    )
    if target is None:
        # Nowhere higher to go: alert this unit's next contact, and keep doing so until someone acknowledges.
        if dispatch.contact_index == 0:
            _supervisors_tell(dispatch, why_th=why_th, to=dispatch.unit)  # once: the board shows the rest
        if _contacts(dispatch.unit):
            dispatch.contact_index += 1
            dispatch.save(update_fields=["contact_index", "updated_at"])
            _alert(dispatch, now=now)
        return None
    _supervisors_tell(dispatch, why_th=why_th, to=target)
    return _send_up(dispatch, target, reason=f"ส่งต่อจาก {dispatch.unit.name_th}: {why_th}", now=now)


def _supervisors_tell(dispatch: Dispatch, *, why_th: str, to: Unit) -> None:
    """The area's supervisors (else the centre's) learn that an emergency went up a level, in the app and, when
    email is set up, by an email that says only that there is something to look at."""
    case = dispatch.case
    with translation.override("th"):
        kind_th = str(EmergencyType(case.emergency_type).label) if case.emergency_type else "ฉุกเฉิน"
    with translation.override("en"):
        kind_en = str(EmergencyType(case.emergency_type).label) if case.emergency_type else "emergency"
    notice_send(
        recipients=area_supervisors(province=case.province_code, district=case.district_code),
        kind=NOTICE_ESCALATED,
        message_th=f"เหตุ{kind_th} {case.number}: {dispatch.unit.name_th} ยังไม่รับเหตุ ({why_th}) ส่งต่อถึง {to.name_th}",
        message_en=(
            f"Emergency ({kind_en}) {case.number}: {dispatch.unit.name_en or dispatch.unit.name_th} has not taken "
            f"it; sent on to {to.name_en or to.name_th}"
        ),
        url=reverse("dispatch:respond_staff", kwargs={"pk": dispatch.pk}),
        mail_th="มีเหตุฉุกเฉินในพื้นที่ของคุณถูกส่งต่อขึ้นไป เพราะยังไม่มีทีมรับเหตุ เปิดดูในกระดานสั่งการ",
        mail_en="An emergency in your area went up a level because no team has taken it yet. See the board.",
    )


def _send_up(dispatch: Dispatch, target: Unit, *, reason: str, now: dt.datetime) -> Dispatch:
    """The case's dispatch one level above `dispatch`, to `target`, alerted at once."""
    higher = Dispatch(
        case=dispatch.case,
        unit=target,
        level=dispatch.level + 1,
        escalated_from=dispatch,
        reason=reason[:300],
    )
    _alert(higher, now=now)
    return higher


def dispatch_timer_sweep(*, now: dt.datetime | None = None) -> int:
    """The worker's pass over the timers that have run out; how many it acted on.

    Each is claimed by clearing its due time in an update that must change exactly one row, in the transaction
    that then escalates, so two workers never escalate one timer twice, and a worker that dies mid-way leaves the
    timer due for the next pass.
    """
    now = now or timezone.now()
    acted = 0
    waiting = Dispatch.objects.filter(ack_due_at__lte=now, state__in=states.WAITING)
    for pk in list(waiting.order_by("ack_due_at").values_list("pk", flat=True)[:TIMER_BATCH]):
        with transaction.atomic():
            if not waiting.filter(pk=pk).update(ack_due_at=None):
                continue
            dispatch = Dispatch.objects.select_related("case", "unit").get(pk=pk)
            _escalate(dispatch, why_th="ไม่มีผู้รับเรื่องภายในเวลาที่กำหนด", now=now)
            acted += 1
    moving = Dispatch.objects.filter(on_scene_due_at__lte=now, state__in=states.MOVING)
    for pk in list(moving.order_by("on_scene_due_at").values_list("pk", flat=True)[:TIMER_BATCH]):
        with transaction.atomic():
            if not moving.filter(pk=pk).update(on_scene_due_at=None):
                continue
            dispatch = Dispatch.objects.select_related("case", "unit").get(pk=pk)
            event_record(
                case=dispatch.case,
                kind=events.DISPATCH_OVERDUE.kind,
                unit=dispatch.unit,
                data={"unit": dispatch.unit.code, "dispatch_id": dispatch.pk},
            )
            target = _next_unit(dispatch)
            if target is not None:
                _send_up(dispatch, target, reason=f"{dispatch.unit.name_th} ยังไม่ถึงที่เกิดเหตุตามเวลา", now=now)
            acted += 1
    return acted


# ---------------------------------------------------------------------------------------------------------------
# the team's moves


def _locked(dispatch: Dispatch) -> Dispatch:
    return Dispatch.objects.select_for_update(of=("self",)).select_related("case", "unit").get(pk=dispatch.pk)


def _check_actor(actor: User | None, dispatch: Dispatch, by_link: bool) -> None:
    if by_link:
        return
    if actor is None or not can_act(actor, dispatch):
        raise dispatch_not_found()


# What each free-text field of a move is called in an error message.
_TEXT_NAMES = {
    "outcome": ("ผลการระงับเหตุ", "The outcome"),
    "note": ("บันทึก", "The note"),
    "reason": ("เหตุผล", "The reason"),
}


def _text(value: str, field: str, limit: int, *, required: bool) -> str:
    value = (value or "").strip()
    what_th, what_en = _TEXT_NAMES[field]
    if required and not value:
        raise REQUIRED.error(field=field, what_th=what_th, what_en=what_en)
    if len(value) > limit:
        raise TOO_LONG.error(field=field, limit=limit, what_th=what_th, what_en=what_en)
    return value


def _move(
    dispatch: Dispatch,
    to_state: str,
    *,
    actor: User | None,
    by_link: bool,
    kind: str,
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> Dispatch:
    _check_actor(actor, dispatch, by_link)
    with transaction.atomic():
        locked = _locked(dispatch)
        states.check_transition(locked.state, to_state)
        locked.state = to_state
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save(update_fields=["state", *changes, "updated_at"])
        event_record(
            case=locked.case,
            kind=kind,
            actor=actor,
            unit=locked.unit,
            data={"unit": locked.unit.code, "dispatch_id": locked.pk, **(data or {})},
        )
        if to_state == S.ACKNOWLEDGED:
            _others_cancel(locked, actor=actor)
        if to_state == S.DECLINED:
            _after_decline(locked)
        _moved(locked, to_state)
    return locked


def _others_cancel(taken: Dispatch, *, actor: User | None) -> None:
    """A team took the case: the case's other dispatches still waiting stop (their timers with them)."""
    others = Dispatch.objects.select_for_update().filter(case_id=taken.case_id, state__in=states.WAITING)
    reason = f"รับเรื่องโดย {taken.unit.name_th}"
    for other in others.exclude(pk=taken.pk).select_related("unit"):
        other.state = S.CANCELLED
        other.ack_due_at = None
        other.save(update_fields=["state", "ack_due_at", "updated_at"])
        event_record(
            case=taken.case,
            kind=events.DISPATCH_CANCELLED.kind,
            actor=actor,
            unit=other.unit,
            data={"unit": other.unit.code, "dispatch_id": other.pk, "reason": reason},
        )


def _after_decline(declined: Dispatch) -> None:
    busy = Dispatch.objects.filter(case_id=declined.case_id, state__in=states.ACTIVE).exclude(pk=declined.pk)
    if busy.exists():
        return  # another team still has it or is being alerted
    target = _next_unit(declined)
    if target is None:
        target = Unit.objects.filter(code=CENTRE_UNIT, is_active=True).first()
        if target is None or Dispatch.objects.filter(case_id=declined.case_id, unit=target).exists():
            return
    _send_up(
        declined,
        target,
        reason=f"{declined.unit.name_th} ปฏิเสธ: {declined.decline_reason}",
        now=timezone.now(),
    )


def dispatch_acknowledge(*, dispatch: Dispatch, actor: User | None, by_link: bool = False) -> Dispatch:
    now = timezone.now()
    _, on_scene_minutes = timer_minutes(dispatch.case)
    return _move(
        dispatch,
        S.ACKNOWLEDGED,
        actor=actor,
        by_link=by_link,
        kind=events.DISPATCH_ACKNOWLEDGED.kind,
        acknowledged_at=now,
        acknowledged_by=actor,
        ack_due_at=None,
        on_scene_due_at=now + dt.timedelta(minutes=on_scene_minutes),
    )


def dispatch_en_route(*, dispatch: Dispatch, actor: User | None, by_link: bool = False) -> Dispatch:
    return _move(
        dispatch,
        S.EN_ROUTE,
        actor=actor,
        by_link=by_link,
        kind=events.DISPATCH_EN_ROUTE.kind,
        en_route_at=timezone.now(),
    )


def dispatch_on_scene(*, dispatch: Dispatch, actor: User | None, by_link: bool = False) -> Dispatch:
    return _move(
        dispatch,
        S.ON_SCENE,
        actor=actor,
        by_link=by_link,
        kind=events.DISPATCH_ON_SCENE.kind,
        on_scene_at=timezone.now(),
        on_scene_due_at=None,
    )


def dispatch_resolve(
    *, dispatch: Dispatch, actor: User | None, outcome: str, note: str = "", by_link: bool = False
) -> Dispatch:
    outcome = _text(outcome, "outcome", REASON_MAX, required=True)
    note = _text(note, "note", NOTE_MAX, required=False)
    return _move(
        dispatch,
        S.RESOLVED,
        actor=actor,
        by_link=by_link,
        kind=events.DISPATCH_RESOLVED.kind,
        data={"outcome": outcome, "note": note},
        resolved_at=timezone.now(),
        outcome=outcome,
        note=note,
        ack_due_at=None,
        on_scene_due_at=None,
    )


def dispatch_decline(
    *, dispatch: Dispatch, actor: User | None, reason: str, by_link: bool = False
) -> Dispatch:
    reason = _text(reason, "reason", REASON_MAX, required=True)
    return _move(
        dispatch,
        S.DECLINED,
        actor=actor,
        by_link=by_link,
        kind=events.DISPATCH_DECLINED.kind,
        data={"reason": reason},
        decline_reason=reason,
        ack_due_at=None,
        on_scene_due_at=None,
    )


def dispatch_cancel(*, dispatch: Dispatch, actor: User, reason: str) -> Dispatch:
    reason = _text(reason, "reason", REASON_MAX, required=True)
    return _move(
        dispatch,
        S.CANCELLED,
        actor=actor,
        by_link=False,
        kind=events.DISPATCH_CANCELLED.kind,
        data={"reason": reason},
        ack_due_at=None,
        on_scene_due_at=None,
    )


# ---------------------------------------------------------------------------------------------------------------
# a place learnt after the alert


# The teams told of a late place: alerted (or escalated past, and still able to take it), or on their way.
_LOCATION_TOLD = (S.ALERTED, S.ESCALATED, S.ACKNOWLEDGED, S.EN_ROUTE)


def location_payload(dispatch: Dispatch) -> dict[str, Any]:
    """The short follow-up to an alert sent without a place: where it is now known to be, and the map link."""
    case = dispatch.case
    place = case.location_text or f"{case.latitude}, {case.longitude}"
    where = map_url(case)
    lines = [f"📍 ทราบตำแหน่งเหตุ {case.number} แล้ว / location now known", f"สถานที่: {place[:200]}"]
    if where:
        lines.append(f"แผนที่: {where}")
    lines.append(f"รับเรื่อง: {link_url(dispatch)}")
    return {"text": "\n".join(lines), "case_number": case.number, "link": link_url(dispatch), "map": where}


def dispatch_location_known(*, case: Case) -> int:
    """The case's point became known after its alert went out (the reporter's pin came after the silent minute):
    tell each team alerted and not yet on the scene, once, through the contact its alert went to; how many.

    Inside the caller's transaction (the one that gave the case its point), so the message leaves with it. A
    dispatch still pending is not told: its alert, when it goes, carries the place. The outbox's key is one per
    dispatch, so a place learnt twice (it is not: the first point stays) would not tell a team twice either.
    """
    if case.latitude is None or case.longitude is None:
        return 0
    told = 0
    dispatches = Dispatch.objects.filter(case=case, state__in=_LOCATION_TOLD).select_related("case", "unit")
    for dispatch in dispatches.order_by("level", "id"):
        contacts = _contacts(dispatch.unit)
        if not contacts:
            continue
        contact = contacts[dispatch.contact_index % len(contacts)]
        message_queue(
            key=f"dispatch:{dispatch.pk}:located",
            transport=TRANSPORT_FOR_CONTACT[contact.kind],
            to=contact.value,
            payload=location_payload(dispatch),
            purpose=PURPOSE_LOCATION,
            ref=str(dispatch.pk),
        )
        told += 1
    return told


# ---------------------------------------------------------------------------------------------------------------
# a team's move, told to the apps above

MoveHandler = Callable[[Dispatch, str], object]
_move_handlers: list[MoveHandler] = []


def dispatch_move_register(fn: MoveHandler) -> None:
    """Have `fn(dispatch, state)` called after a team's move (acknowledged, en route, on scene, resolved,
    declined, cancelled) in the transaction that makes it: what it queues commits with the move, or not at all.

    Called from a higher app's `ready()` (the LINE channel tells its reporter that a team took her case, which
    no public stage says); registering twice calls it once. Each handler runs in a savepoint of its own: one
    that raises is rolled back to it and logged, and the move goes on.
    """
    if fn not in _move_handlers:
        _move_handlers.append(fn)


def dispatch_move_unregister(fn: MoveHandler) -> None:
    if fn in _move_handlers:
        _move_handlers.remove(fn)


def _moved(dispatch: Dispatch, state: str) -> None:
    for fn in tuple(_move_handlers):
        try:
            with transaction.atomic():
                fn(dispatch, state)
        except Exception:  # telling of a move must not undo the move
            log.exception("dispatch: move handler %r failed for dispatch %s (%s)", fn, dispatch.pk, state)
