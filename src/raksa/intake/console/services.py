"""Writes of the 1300 console: the call log and the reports a call-taker makes during a call.

A call is opened by the telephony system (`call_event`, behind `POST /api/v1/calls/incoming`) or by the
call-taker typing a number herself (`call_start`). Every time is set once: the same event twice changes nothing,
so a PBX that retries a webhook, or sends "answered" without "ringing", still leaves one true record. A call
that rang and was never answered is abandoned; handling time is `ended_at - answered_at` (selectors.call_stats).

What came of a call is its outcome (`call_outcome_set`): a new case or a report added to a case (through the one
intake pipeline, `console_report_submit`), advice only, a silent call or a prank call (logged, never a case).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from raksa.accounts.models import Role, User
from raksa.cases.models import Case, Channel
from raksa.core.errors import INVALID_CHOICE
from raksa.core.identifiers import normalize_phone
from raksa.core.text import shown
from raksa.directory.models import Unit
from raksa.intake.errors import (
    CALL_ID_REQUIRED,
    CALL_NOT_FOUND,
    CALL_OUTCOME_CHOICE,
    CALL_TAKEN,
    INVALID_CALLER,
    UNKNOWN_AGENT,
)
from raksa.intake.models import Call, Report
from raksa.intake.services import Submitted, report_submit

log = logging.getLogger(__name__)

EVENTS = ("ringing", "answered", "ended")
CALL_ID_MAX = 100
CONSOLE_CALL_PREFIX = "console-"
# Roles that take calls at the 1300 centre (the same as person_access's intake roles).
AGENT_ROLES = frozenset({Role.CALL_TAKER, Role.SUPERVISOR, Role.ADMIN})


@dataclass(frozen=True)
class CallEvented:
    call: Call
    created: bool


def is_console_agent(user: Any) -> bool:
    """Whether `user` works the console: an active person (not a service account) of the 1300 centre in an
    intake role."""
    unit = getattr(user, "unit", None)
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and not user.service
        and user.role in AGENT_ROLES
        and unit is not None
        and unit.kind == Unit.Kind.CENTRE
        and unit.is_active
    )


def caller_normalize(caller: Any, *, field: str = "caller") -> str:
    """The caller's number in Thai national form; "" for a withheld number; InvalidInput for anything else."""
    raw = caller.strip() if isinstance(caller, str) else ""
    if not raw:
        return ""
    phone = normalize_phone(raw)
    if phone is None:
        raise INVALID_CALLER.error(field=field, value=shown(raw))
    return phone


def _agent(username: Any) -> User:
    name = username.strip() if isinstance(username, str) else ""
    user = User.objects.select_related("unit").filter(username=name).first() if name else None
    if user is None or not is_console_agent(user):
        raise UNKNOWN_AGENT.error(field="agent", username=shown(name)[:60])
    return user


def call_event(*, agent_username: str, call_id: str, caller: str, event: str) -> CallEvented:
    """Record what the telephony system says of one call: "ringing", "answered" or "ended" for this agent.

    Idempotent: each time is set once, so the same event again changes nothing. A call rings on one agent's
    screen: while nobody has answered, a ringing or answered event for another agent moves it to her (a ring
    group hunting for a free call-taker); once answered the call is hers, and another agent's event is a
    Conflict (`call_taken`). "answered" or "ended" without the events before them set those times too.
    """
    if event not in EVENTS:
        raise INVALID_CHOICE.error(
            field="event", what_th="เหตุการณ์ของสาย", what_en="call event", value=shown(event)
        )
    agent = _agent(agent_username)
    number = caller_normalize(caller)
    call_key = (call_id or "").strip()[:CALL_ID_MAX] if isinstance(call_id, str) else ""
    if not call_key:
        raise CALL_ID_REQUIRED.error(field="call_id")
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                call = Call.objects.select_for_update().filter(call_id=call_key).first()
                created = call is None
                if call is None:
                    call = Call.objects.create(call_id=call_key, caller=number, agent=agent)
                _apply(call, agent=agent, caller=number, event=event, now=now)
                return CallEvented(call, created)
        except IntegrityError:
            # The same call's first event arrived twice at once: the other request made the row; apply to it.
            continue
    raise RuntimeError(f"call {call_key!r} could not be recorded")  # pragma: no cover


def _apply(call: Call, *, agent: User, caller: str, event: str, now: dt.datetime) -> None:
    changed: list[str] = []
    if call.agent_id != agent.pk:
        if call.answered_at is not None or call.ended_at is not None:
            if event != "ended":
                raise CALL_TAKEN.error(field="agent")
        else:
            call.agent = agent
            changed.append("agent")
    if caller and not call.caller:
        call.caller = caller
        changed.append("caller")
    if call.rang_at is None:
        call.rang_at = now
        changed.append("rang_at")
    if event == "answered" and call.answered_at is None and call.ended_at is None:
        call.answered_at = now
        changed.append("answered_at")
    if event == "ended" and call.ended_at is None:
        call.ended_at = now
        changed.append("ended_at")
    if changed:
        call.save(update_fields=[*changed, "updated_at"])


def call_start(*, agent: User, caller: str, call_id: str | None = None) -> Call:
    """A call she logs herself (the number typed in, no telephony event): rang and answered now.

    `call_id` (derived by call_for_agent from a form's idempotency key) makes it idempotent: the same id again
    is the same call, so a double submit neither logs two calls nor makes the report's input differ.
    """
    if not is_console_agent(agent):
        raise UNKNOWN_AGENT.error(field="agent", username=shown(agent.username)[:60])
    number = caller_normalize(caller)
    now = timezone.now()
    key = call_id or CONSOLE_CALL_PREFIX + secrets.token_hex(10)
    try:
        with transaction.atomic():
            call, _created = Call.objects.get_or_create(
                call_id=key,
                defaults={"caller": number, "agent": agent, "rang_at": now, "answered_at": now},
            )
    except IntegrityError:  # the same id made a moment ago by the other submit
        call = Call.objects.get(call_id=key)
    if call.agent_id != agent.pk:
        raise CALL_NOT_FOUND.error(field="call_id")
    return call


def _own_call(agent: User, call: Call | str) -> Call:
    key = call.call_id if isinstance(call, Call) else (call or "")
    found = Call.objects.select_for_update().filter(call_id=key, agent=agent).first() if key else None
    if found is None:
        raise CALL_NOT_FOUND.error(field="call_id")
    return found


def call_outcome_set(
    *,
    agent: User,
    call: Call | str,
    outcome: str,
    case: Case | None = None,
    report: Report | None = None,
) -> Call:
    """What came of the call. Only the agent who has the call may say; setting it again replaces it (a call
    first marked silent may turn out to be a case). A call given an outcome was answered, whatever the telephony
    system said."""
    if outcome not in Call.Outcome.values:
        raise CALL_OUTCOME_CHOICE.error(field="outcome", choices=", ".join(Call.Outcome.values))
    with transaction.atomic():
        found = _own_call(agent, call)
        now = timezone.now()
        found.outcome = outcome
        fields = ["outcome", "updated_at"]
        if found.rang_at is None:
            found.rang_at = now
            fields.append("rang_at")
        if found.answered_at is None:
            found.answered_at = now
            fields.append("answered_at")
        if case is not None:
            found.case = case
            fields.append("case")
        if report is not None:
            found.report = report
            fields.append("report")
        found.save(update_fields=fields)
    return found


def call_end(*, agent: User, call: Call | str) -> Call:
    """She hangs up: the end time, set once."""
    with transaction.atomic():
        found = _own_call(agent, call)
        if found.ended_at is None:
            found.ended_at = timezone.now()
            if found.rang_at is None:
                found.rang_at = found.ended_at
            found.save(update_fields=["ended_at", "rang_at", "updated_at"])
    return found


def call_for_agent(*, agent: User, call_id: str, caller: str, idempotency_key: str = "") -> Call:
    """The call a console form is about: hers when `call_id` names one, else a call she logs now (one per form:
    its id is derived from the form's idempotency key)."""
    if call_id:
        found = Call.objects.filter(call_id=call_id, agent=agent).first()
        if found is None:
            raise CALL_NOT_FOUND.error(field="call_id")
        return found
    derived = None
    if idempotency_key:
        digest = hashlib.sha256(f"{agent.pk}:{idempotency_key}".encode()).hexdigest()[:24]
        derived = CONSOLE_CALL_PREFIX + digest
    return call_start(agent=agent, caller=caller, call_id=derived)


# ---------------------------------------------------------------------------------------------------------------
# reports made on the console


@dataclass(frozen=True)
class ConsoleResult:
    call: Call
    submitted: Submitted


def console_report_submit(
    *,
    agent: User,
    call: Call,
    idempotency_key: str,
    text: str,
    emergency_type: str | None,
    category: str | None,
    urgency: str | None,
    reporter: dict[str, Any] | None,
    subject: dict[str, Any] | None,
    location: dict[str, Any] | None,
    attach_to: Case | None = None,
    updates_by_sms: bool = False,
) -> ConsoleResult:
    """A report from the call through the one pipeline (channel "hotline", source "console:<agent id>", the
    form's idempotency key, so a double submit makes one report), and the call's outcome set to match.
    `updates_by_sms`: the caller agreed to a text at each new stage, to the number she called from."""
    submitted = report_submit(
        channel=Channel.HOTLINE,
        source=f"console:{agent.pk}",
        idempotency_key=idempotency_key,
        text=text,
        emergency_type=emergency_type,
        category=category,
        urgency=urgency,
        reporter=reporter,
        subject=subject,
        location=location,
        actor=agent,
        attach_to=attach_to,
        call_id=call.call_id,
        updates_by_sms=updates_by_sms,
    )
    report = submitted.report
    outcome = Call.Outcome.ADDED_TO_CASE if attach_to is not None else Call.Outcome.NEW_CASE
    updated = call_outcome_set(agent=agent, call=call, outcome=outcome, case=report.case, report=report)
    return ConsoleResult(updated, submitted)


def caller_shown_log(*, user: User, lookup: Any, request: Any = None) -> None:
    """Count the look-up against the user's hourly limit of person views (TooManyRequests beyond it), then write
    one access-log row per person the console showed in full, or one naming nobody (the number is in the path)."""
    from raksa.cases.access import access_log_write, access_log_write_many
    from raksa.cases.person_access import ACTION_SEARCH, ACTION_VIEW, person_views_count

    person_views_count(user=user)
    people = [one.person for one in lookup.people]
    with transaction.atomic():
        if people:
            access_log_write_many(user=user, action=ACTION_VIEW, people=people, request=request)
        else:
            access_log_write(user=user, action=ACTION_SEARCH, request=request)


def phone_or_blank(raw: Any) -> str:
    """The number in national form, or "" when it is not a phone (for comparing, never for storing)."""
    return normalize_phone(raw if isinstance(raw, str) else "") or ""


def triage_corrections_record(
    *,
    report: Report,
    predicted: dict[str, Any] | None,
    emergency_type: str | None,
    category: str | None,
    urgency: str | None,
    corrected_by: str,
) -> dict[str, Any] | None:
    """Where the call-taker changed what triage suggested on her screen (`predicted`), keep her answer as a
    labelled example (raksa.triage.corrections; `raksa triage export-corrections` reads the same file).

    A field she left to the system counts as the suggestion accepted. Returns the record written, or None when
    nothing was changed. A failure to write is logged, never the caller's problem: the case is made.
    """
    from raksa.triage.corrections import correction_record

    if not predicted or not report.text.strip():
        return None
    final_emergency = emergency_type or None
    final_category = category or predicted["category"]
    if final_emergency:
        final_urgency = "emergency"
    elif urgency:
        final_urgency = urgency
    elif predicted["urgency"] != "emergency":
        final_urgency = predicted["urgency"]
    else:
        final_urgency = "normal"
    final = {"emergency_type": final_emergency, "category": final_category, "urgency": final_urgency}
    if all(final[key] == predicted.get(key) for key in final):
        return None
    try:
        return correction_record(
            text=report.text,
            emergency_type=final_emergency,
            category=final_category,
            urgency=final_urgency,
            report_id=report.public_id,
            predicted=predicted,
            corrected_by=corrected_by,
        )
    except (OSError, ValueError):
        log.exception("could not record the triage correction of report %s", report.public_id)
        return None
