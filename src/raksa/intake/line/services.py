"""The LINE channel: store webhook events once, process them in the worker, answer through the notify outbox.

The webhook (views.py) checks the signature and stores every event of a body in one transaction
(`line_events_store`): nothing else happens in the request, so LINE has its 200 in milliseconds whatever the
pipeline, triage or dispatch are doing. `line_event_sweep` (the worker, every second) processes what was stored,
oldest first, claiming each event with a conditional update so two workers never take the same one; a failure
is kept on the event with its error and retried with a growing delay, and the admin lists it. An event is
processed in one transaction: its report, the conversation's state and its answers commit together, so a retry
after a failure neither answers twice nor reports twice.

The conversation (docs/line.md): follow -> a welcome with the five emergencies as quick replies; an emergency
tapped -> asked for the location and remembered on the user's LineChat for 60 s; the location -> the report
through the intake pipeline (dispatched there at once), or, when no location comes, `line_pending_sweep` submits
it without one. A first free text goes through triage: one it reads as an emergency is stored, held, and
confirmed with one tap (help is sent anyway after the minute when triage is sure); later messages join the case
the chat made while it is open, and one long after asks whether it is still the same matter. "Another problem"
is a short guided intake. Every answer is a LINE push queued in the outbox with a key derived from the event: a
redelivered event is stored once, so it is answered once.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import unicodedata
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from raksa.cases.models import Case, EmergencyType, Status
from raksa.core.errors import InvalidInput
from raksa.core.ids import normalize_tracking_code
from raksa.directory.models import Category, Contact, Unit
from raksa.dispatch.models import Dispatch, DispatchState
from raksa.intake.line import messages
from raksa.intake.line.content import LineContent, line_content_fetch
from raksa.intake.line.models import LineChat, LineEvent, LineGroup
from raksa.intake.models import Report
from raksa.intake.services import REPORT_TEXT_MAX, report_release, report_submit
from raksa.notify.models import Message
from raksa.notify.services import message_queue
from raksa.notify.transports import line_loading_show, line_profile_language
from raksa.tracking.models import Subscription
from raksa.tracking.services import (
    subscriptions_stop,
    track_code_check,
    track_code_missed,
    track_url,
    tracking_pin_issue,
)

log = logging.getLogger(__name__)

SOURCE = "line"
PURPOSE = "line_answer"
# How long an emergency waits for its location before it is submitted without one.
PENDING_SECONDS = 60
# A reply token is good for about a minute after its event: an answer still queued after this long is pushed.
REPLY_SECONDS = 50
# Events that need the worker; everything else is stored and ignored at once.
_USER_EVENTS = frozenset({"follow", "unfollow", "message", "postback"})
_GROUP_EVENTS = frozenset({"join", "leave"})
# Events a user is answered for: the loading animation shows while the answer is made.
_ANSWERED = frozenset({"follow", "message", "postback"})
# Retries after a processing failure: 10 s, 40 s, 160 s ... at most an hour.
RETRY_FIRST_SECONDS = 10
RETRY_MAX_SECONDS = 3600
SWEEP_CLAIM_SECONDS = 300
SWEEP_BATCH = 100
# Messages that say nothing in words: to someone with no case, the answer is the welcome and its buttons.
# A message this short that reads as a tracking code (with its check character) is a question about a case.
TRACKING_CODE_TYPED_MAX = 16
_WORDLESS = frozenset({"sticker", "image", "video", "audio", "file"})
# A text triage reads as an emergency is confirmed by one tap; with no answer in the minute, help is sent anyway
# when triage's confidence (the model's probability of that emergency type) is at least this. On the triage
# development set, readings at 0.6 and above were emergencies 99% of the time, those below it 42%.
CONFIRM_CONFIDENT = 0.6
# A held report (waiting for her answer) is left by intake's safety net this long after her message: two
# questions of a minute each (confirm, then "same matter?") and a minute's grace for the worker.
HOLD_SECONDS = 3 * PENDING_SECONDS
# Someone with an open case who writes again after this long is asked whether it is the same matter.
RETURNING_SECONDS = 30 * 60
CONFIRM, SAME = "confirm", "same"
# The PIN in a stored answer, once delivered (its digits are replaced).
_PIN_SHOWN = re.compile(r"(PIN[^\n:]*: )(\d{6})")
_PIN_MASK = "••••••"
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LATIN = re.compile(r"[A-Za-z]")


# ---------------------------------------------------------------------------------------------------------------
# the webhook


def signature_valid(*, secret: str, body: bytes, signature: str) -> bool:
    """Whether `x-line-signature` is Base64(HMAC-SHA256(channel secret, raw body)), compared in constant time."""
    if not secret or not signature:
        return False
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest), signature.strip().encode("ascii", "replace"))


def _event_id(raw: dict[str, Any]) -> str:
    given = raw.get("webhookEventId")
    if isinstance(given, str) and given:
        return given[:64]
    # LINE always sends one; an event without it is still kept once, by what it says.
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return "sha256:" + hashlib.sha256(canonical).hexdigest()[:56]


def _first_state(kind: str, mode: str, source_type: str) -> str:
    if mode == "standby":  # another channel (a chat operator) has the conversation: listen, say nothing
        return LineEvent.State.IGNORED
    if source_type == "user" and kind in _USER_EVENTS:
        return LineEvent.State.RECEIVED
    if source_type in ("group", "room") and kind in _GROUP_EVENTS:
        return LineEvent.State.RECEIVED
    return LineEvent.State.IGNORED


def _part(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name)
    return value if isinstance(value, dict) else {}


def _storable(value: Any) -> Any:
    """The JSON with NUL characters replaced (U+FFFD): PostgreSQL's jsonb cannot hold one, and an event that
    cannot be stored would be refused with a 503 and redelivered for ever."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_storable(item) for item in value]
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    return value


def line_event_row(raw: dict[str, Any], now: dt.datetime) -> LineEvent:
    raw = _storable(raw)
    source = _part(raw, "source")
    kind = str(raw.get("type") or "")[:32]
    mode = str(raw.get("mode") or "")[:16]
    source_type = str(source.get("type") or "")[:16]
    group = source.get("groupId") or source.get("roomId") or ""
    context = _part(raw, "deliveryContext")
    return LineEvent(
        webhook_event_id=_event_id(raw),
        type=kind,
        mode=mode,
        source_type=source_type,
        user_id=str(source.get("userId") or "")[:64],
        group_id=str(group)[:64],
        redelivered=context.get("isRedelivery") is True,
        raw=raw,
        received_at=now,
        state=_first_state(kind, mode, source_type),
    )


def line_events_store(*, events: list[dict[str, Any]], now: dt.datetime | None = None) -> int:
    """Store a webhook body's events, each once, in one statement (so in one transaction); how many distinct
    events the body held, whether they are new or were stored before.

    A duplicate (the same webhookEventId in this body, or stored before: a redelivery) is skipped by the
    database's unique constraint (`INSERT ... ON CONFLICT DO NOTHING`), so two web processes storing the same
    event at once store it once. One round trip, with no look-up before it: the request's whole cost to the
    database, which is most of what LINE waits for (bench/line_webhook_bench.py).
    """
    now = now or timezone.now()
    rows: dict[str, LineEvent] = {}
    for raw in events:
        if isinstance(raw, dict):
            row = line_event_row(raw, now)
            rows.setdefault(row.webhook_event_id, row)
    if rows:
        LineEvent.objects.bulk_create(list(rows.values()), ignore_conflicts=True)
    return len(rows)


# ---------------------------------------------------------------------------------------------------------------
# the worker


def _due(now: dt.datetime) -> Q:
    waiting = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return Q(state__in=(LineEvent.State.RECEIVED, LineEvent.State.FAILED)) & waiting


def line_event_sweep(*, now: dt.datetime | None = None) -> int:
    """The worker's pass: process stored events that are due, oldest first; how many it took.

    One user's events are taken in the order LINE sent them: an event waits while an earlier one of the same
    user is still unprocessed (a location must not overtake the emergency it answers), unless that one failed
    and is waiting for its retry.
    """
    now = now or timezone.now()
    taken = 0
    due = LineEvent.objects.filter(_due(now)).order_by("id")
    for pk, user_id in list(due.values_list("pk", "user_id")[:SWEEP_BATCH]):
        if (
            user_id
            and LineEvent.objects.filter(user_id=user_id, pk__lt=pk, state=LineEvent.State.RECEIVED).exists()
        ):
            continue
        claim = now + dt.timedelta(seconds=SWEEP_CLAIM_SECONDS)
        if not LineEvent.objects.filter(_due(now), pk=pk).update(next_attempt_at=claim):
            continue  # another worker took it
        event = LineEvent.objects.get(pk=pk)
        if event.source_type == "user" and event.type in _ANSWERED and event.attempts == 0:
            line_loading_show(chat_id=event.user_id)  # "..." in her chat until the answer comes
            if event.type == "follow":
                _language_learn(event.user_id)
        line_event_process_attempt(event=event, now=now)
        taken += 1
    return taken


def line_event_process_attempt(*, event: LineEvent, now: dt.datetime | None = None) -> LineEvent:
    """Process the event; on failure keep it, with its error, for a later retry."""
    now = now or timezone.now()
    try:
        return line_event_process(event=event, now=now)
    except Exception as exc:  # any failure: the event stays, marked, and is retried
        log.exception("LINE event %s failed to process", event.webhook_event_id)
        return _failure_record(event, exc, now)


def _failure_record(event: LineEvent, error: BaseException, now: dt.datetime) -> LineEvent:
    with transaction.atomic():
        locked = LineEvent.objects.select_for_update().get(pk=event.pk)
        if locked.state in (LineEvent.State.PROCESSED, LineEvent.State.IGNORED):
            return locked
        locked.attempts += 1
        delay = min(RETRY_FIRST_SECONDS * 4 ** (locked.attempts - 1), RETRY_MAX_SECONDS)
        locked.state = LineEvent.State.FAILED
        locked.last_error = f"{type(error).__name__}: {error}"[:2000]
        locked.next_attempt_at = now + dt.timedelta(seconds=delay)
        locked.save(update_fields=["attempts", "state", "last_error", "next_attempt_at", "updated_at"])
    return locked


def line_event_process(*, event: LineEvent, now: dt.datetime | None = None) -> LineEvent:
    """Act on one event, in one transaction on the locked event row; an event already done is left alone."""
    now = now or timezone.now()
    # A photo's bytes are fetched first, outside the transaction (a network call must not hold its locks); a
    # failure to fetch them fails the event, which is retried, so the photo is not lost.
    content = _photo_fetch(event)
    with transaction.atomic():
        event = LineEvent.objects.select_for_update().get(pk=event.pk)
        if event.state in (LineEvent.State.PROCESSED, LineEvent.State.IGNORED):
            return event
        acted = _act(event, now, content)
        event.state = LineEvent.State.PROCESSED if acted else LineEvent.State.IGNORED
        event.processed_at = now
        event.last_error = ""
        event.next_attempt_at = None
        event.save(update_fields=["state", "processed_at", "last_error", "next_attempt_at", "updated_at"])
    return event


def _act(event: LineEvent, now: dt.datetime, content: LineContent | None = None) -> bool:
    raw = event.raw
    if event.type in _GROUP_EVENTS and event.group_id:
        _group_seen(event, now)
        return True
    if event.source_type != "user" or not event.user_id:
        return False
    chat, _ = LineChat.objects.get_or_create(user_id=event.user_id)
    chat = LineChat.objects.select_for_update().get(pk=chat.pk)
    if event.type == "follow":
        chat.following = True
        chat.save(update_fields=["following", "updated_at"])
        _say(chat, f"{event.webhook_event_id}:welcome", messages.welcome(chat.language), event)
        return True
    if event.type == "unfollow":
        chat.following = False
        chat.save(update_fields=["following", "updated_at"])
        subscriptions_stop(transport=Subscription.Transport.LINE, address=chat.user_id)
        return True
    if event.type == "postback":
        return _postback(chat, event, str(_part(raw, "postback").get("data") or ""))
    if event.type == "message":
        message = _part(raw, "message")
        if message.get("type") == "text":
            return _text(chat, event, str(message.get("text") or ""))
        if message.get("type") == "location":
            return _location(chat, event, message)
        if message.get("type") == "image":
            return _photo(chat, event, message, content)
        if message.get("type") in _WORDLESS and not chat.pending_emergency and _open_case(chat) is None:
            # A sticker or a picture and nothing else: she may not be able to type; show her the buttons.
            _say(chat, f"{event.webhook_event_id}:welcome", messages.welcome(chat.language), event)
            return True
    return False


def _group_seen(event: LineEvent, now: dt.datetime) -> None:
    if event.type == "join":
        group, created = LineGroup.objects.get_or_create(
            group_id=event.group_id, defaults={"source_type": event.source_type, "joined_at": now}
        )
        if not created and group.left_at is not None:
            group.left_at = None
            group.joined_at = now
            group.save(update_fields=["left_at", "joined_at", "updated_at"])
    else:
        LineGroup.objects.filter(group_id=event.group_id, left_at__isnull=True).update(
            left_at=now, updated_at=now
        )


# ---------------------------------------------------------------------------------------------------------------
# the conversation


def _say(chat: LineChat, key: str, payload: dict[str, Any], event: LineEvent | None = None) -> None:
    """Queue one answer. `key` is the event's id (or the pending emergency's) and a name: queued once.

    An answer to an event that came with a reply token goes as a reply while the token is fresh (notify's
    `line_reply`, which pushes once the token is stale or refused); any other goes as a push. A redelivered
    event's token is as old as its first delivery, so its answer is pushed.
    """
    token = event.raw.get("replyToken") if event is not None else None
    transport = "line"
    if event is not None and isinstance(token, str) and token and not event.redelivered:
        transport = "line_reply"
        reply_by = event.received_at + dt.timedelta(seconds=REPLY_SECONDS)
        payload = {**payload, "reply_token": token, "reply_by": reply_by.isoformat()}
    message_queue(
        key=f"line:{key}"[:200],
        transport=transport,
        to=chat.user_id,
        payload=payload,
        purpose=PURPOSE,
        ref=key.rpartition(":")[0][:100],
    )


def _open_case(chat: LineChat) -> Case | None:
    if chat.case_id is None:
        return None
    case = Case.objects.filter(pk=chat.case_id).first()
    return case if case is not None and case.status != Status.CLOSED else None


def _reporter(chat: LineChat) -> dict[str, str]:
    return {"line_user_id": chat.user_id}


def _postback(chat: LineChat, event: LineEvent, data: str) -> bool:
    fields = parse_qs(data)
    emergency = (fields.get("emergency") or [""])[0]
    if _talk_postback(chat, event, data, emergency):
        return True
    if emergency in EmergencyType.values:
        chat.pending_emergency = emergency
        chat.pending_event_id = event.webhook_event_id
        # The minute counts from the tap, not from when the worker got to it.
        chat.pending_until = event.received_at + dt.timedelta(seconds=PENDING_SECONDS)
        chat.save(update_fields=["pending_emergency", "pending_event_id", "pending_until", "updated_at"])
        _say(
            chat,
            f"{event.webhook_event_id}:ask_location",
            messages.ask_location(chat.language, emergency),
            event,
        )
        return True
    if data == messages.SEND_NOW:
        if chat.pending_emergency:
            _emergency_submit(chat, location=None, text="", event=event)
        return True
    if data == messages.OTHER:
        return _other_problem(chat, event)
    if data == messages.TRACK:
        case = Case.objects.filter(pk=chat.case_id).first() if chat.case_id else None
        if case is None:
            _say(
                chat,
                f"{event.webhook_event_id}:no_case",
                messages.no_case(chat.language, _track_page()),
                event,
            )
        else:
            _say(
                chat,
                f"{event.webhook_event_id}:status",
                messages.case_status(chat.language, case.tracking_code, case.public_stage, track_url(case)),
                event,
            )
        return True
    return False


def _track_page() -> str:
    return f"{settings.RAKSA_PUBLIC_URL}/track/"


def _language_learn(user_id: str) -> None:
    """Her LINE app's language, from her profile, asked once when she adds the account (outside any transaction:
    it is a network call); English for an English app, else Thai."""
    language = line_profile_language(user_id=user_id)
    if language is None:
        return
    chosen = messages.ENGLISH if language.lower().startswith("en") else messages.THAI
    LineChat.objects.update_or_create(user_id=user_id, defaults={"language": chosen})


def _language_seen(chat: LineChat, text: str) -> None:
    language = messages.ENGLISH if _LATIN.search(text) and not _THAI.search(text) else messages.THAI
    if language != chat.language:
        chat.language = language
        chat.save(update_fields=["language", "updated_at"])


def _printable(text: str) -> str:
    """The text without control characters (the pipeline refuses them, and a report must not fail for one), nor
    the replacement characters that stand for NULs in the stored event."""
    return "".join(ch for ch in text if ch in "\n\t" or (unicodedata.category(ch) != "Cc" and ch != "\ufffd"))


def _text(chat: LineChat, event: LineEvent, text: str) -> bool:
    text = _printable(text).strip()[:REPORT_TEXT_MAX]
    if not text:
        return False
    code = normalize_tracking_code(text) if len(text) <= TRACKING_CODE_TYPED_MAX else None
    if code is None:
        _language_seen(chat, text)  # a code's letters say nothing of her language
    if chat.pending_question:
        # She wrote instead of tapping: the question goes as if unanswered, and what she wrote follows it.
        _question_expire(chat)
    if chat.pending_emergency:
        # She typed instead of sharing a place: that is what she can say now; the emergency goes at once with it.
        _emergency_submit(chat, location=None, text=text, event=event)
        return True
    if code is not None:
        _code_status(chat, event, code)
        return True
    if chat.intake_category:
        return _first_text(chat, event, text, category=chat.intake_category)
    case = _open_case(chat)
    if case is not None and _returning(chat, case, event.received_at):
        return _first_text(chat, event, text, returning=case)
    if case is not None:
        report_submit(
            channel="line",
            source=SOURCE,
            idempotency_key=event.webhook_event_id,
            text=text,
            reporter=_reporter(chat),
            joins=case,
        )
        _say(
            chat,
            f"{event.webhook_event_id}:added",
            messages.added_to_case(chat.language, case.tracking_code),
            event,
        )
        return True
    return _first_text(chat, event, text)


def _code_status(chat: LineChat, event: LineEvent, code: str) -> None:
    """A tracking code typed into the chat, under the tracking page's rules for a code alone: the same limit
    per requester (her LINE user id standing for the page's address), and the stage only of a case she reported
    through LINE; any other code gets the public page's link, where its own rules apply. Whether a code exists
    is never said: a code that is not hers, known or not, gets the same answer and counts against her limit
    the same way, as an unknown code counts on the page."""
    client = f"line:{chat.user_id}"
    checked = track_code_check(client=client)
    if not checked.allowed:
        minutes = -(-checked.retry_after // 60)
        _say(
            chat, f"{event.webhook_event_id}:status", messages.too_many_lookups(chat.language, minutes), event
        )
        return
    case = Case.objects.filter(tracking_code=code).first()
    hers = (
        case is not None
        and Report.objects.filter(
            case=case, source=SOURCE, payload__reporter__line_user_id=chat.user_id
        ).exists()
    )
    if case is not None and hers:
        payload = messages.case_status(chat.language, case.tracking_code, case.public_stage, track_url(case))
    else:
        track_code_missed(client=client)
        payload = messages.code_elsewhere(chat.language, f"{_track_page()}?code={code}")
    _say(chat, f"{event.webhook_event_id}:status", payload, event)


def _place(message: dict[str, Any]) -> dict[str, Any]:
    text = " ".join(str(message.get(k) or "").strip() for k in ("title", "address")).strip()
    return {"latitude": message.get("latitude"), "longitude": message.get("longitude"), "text": text[:200]}


def _location(chat: LineChat, event: LineEvent, message: dict[str, Any]) -> bool:
    location = _place(message)
    if chat.pending_question:
        _question_expire(chat)  # a place instead of a tap: the question goes as unanswered, the place follows
    if chat.pending_emergency:
        _emergency_submit(chat, location=location, text="", event=event)
        return True
    case = _open_case(chat)
    if case is None:
        # A place with nothing else: she may not be able to say more; show her the buttons.
        _say(chat, f"{event.webhook_event_id}:welcome", messages.welcome(chat.language), event)
        return True
    shown = location["text"] or f"{location['latitude']}, {location['longitude']}"
    _submit_with_place(
        location,
        channel="line",
        source=SOURCE,
        idempotency_key=event.webhook_event_id,
        text=f"ตำแหน่งที่ส่งทาง LINE: {shown}",
        reporter=_reporter(chat),
        joins=case,
    )
    _say(
        chat,
        f"{event.webhook_event_id}:added",
        messages.added_to_case(chat.language, case.tracking_code),
        event,
    )
    return True


def _submit_with_place(location: dict[str, Any] | None, **fields: Any) -> Report:
    """Submit with the place; a place the pipeline refuses (outside Thailand, a broken pin) must not lose the
    report, which then goes with the place's name only."""
    try:
        return report_submit(location=location, **fields).report
    except InvalidInput:
        if location is None:
            raise
        named = {"text": location["text"]} if location.get("text") else None
        return report_submit(location=named, **fields).report


def _emergency_submit(
    chat: LineChat, *, location: dict[str, Any] | None, text: str, event: LineEvent | None
) -> Report | None:
    """Submit the chat's pending emergency, once: claimed by clearing it with a conditional update, so the
    location, a typed text, the "send now" button and the timeout sweep never submit it twice. `event` is what
    submitted it (the answer replies to it), None for the timeout."""
    pending_id, emergency = chat.pending_event_id, chat.pending_emergency
    if not pending_id or not emergency or chat.pending_question:
        return None
    cleared = LineChat.objects.filter(pk=chat.pk, pending_event_id=pending_id).update(
        pending_emergency="", pending_event_id="", pending_until=None, updated_at=timezone.now()
    )
    if cleared != 1:
        return None
    chat.refresh_from_db()
    open_case = _open_case(chat)
    if open_case is not None and open_case.emergency_type == emergency:
        # The same emergency tapped again while her case is open (nothing seems to happen, she is still in
        # danger): the same matter, added to that case, never a second team sent.
        return _emergency_again(chat, open_case, location=location, text=text, key=pending_id, event=event)
    report = _submit_with_place(
        location,
        channel="line",
        source=SOURCE,
        idempotency_key=pending_id,
        text=text,
        emergency_type=emergency,
        reporter=_reporter(chat),
    )
    if report.case is None:
        _say(chat, f"{pending_id}:sent", messages.report_waiting(chat.language), event)
        return report
    chat.case = report.case
    chat.save(update_fields=["case", "updated_at"])
    located = bool((report.payload.get("location") or {}).get("latitude"))
    _say(
        chat,
        f"{pending_id}:sent",
        messages.emergency_sent(
            chat.language,
            emergency,
            report.case.tracking_code,
            track_url(report.case),
            located=located,
            pin=tracking_pin_issue(case=report.case),
        ),
        event,
    )
    return report


def _emergency_again(
    chat: LineChat,
    case: Case,
    *,
    location: dict[str, Any] | None,
    text: str,
    key: str,
    event: LineEvent | None,
) -> Report:
    report = _submit_with_place(
        location,
        channel="line",
        source=SOURCE,
        idempotency_key=key,
        text=text,
        emergency_type=case.emergency_type,
        reporter=_reporter(chat),
        joins=case,
    )
    case.refresh_from_db()
    _say(
        chat,
        f"{key}:sent",
        messages.emergency_again(
            chat.language,
            case.emergency_type,
            case.tracking_code,
            track_url(case),
            located=case.latitude is not None,
        ),
        event,
    )
    return report


def line_pending_sweep(*, now: dt.datetime | None = None) -> int:
    """The worker's pass: submit, without a location, each emergency whose minute has passed, and settle each
    question whose minute has passed as unanswered (`_question_expire`); how many."""
    now = now or timezone.now()
    done = 0
    due = (
        LineChat.objects.filter(pending_until__lte=now)
        .filter(~Q(pending_emergency="") | ~Q(pending_question=""))
        .order_by("pending_until")
    )
    for pk in list(due.values_list("pk", flat=True)[:SWEEP_BATCH]):
        try:
            with transaction.atomic():
                chat = LineChat.objects.select_for_update().get(pk=pk)
                if chat.pending_until is None or chat.pending_until > now:
                    continue
                if chat.pending_question:
                    done += _question_expire(chat)
                    continue
                if not chat.pending_emergency:
                    continue
                if _emergency_submit(chat, location=None, text="", event=None) is not None:
                    done += 1
        except Exception:  # one bad chat must not stop the others; it stays pending and is tried next pass
            log.exception("LINE chat %s: the pending emergency could not be submitted", pk)
    return done


# ---------------------------------------------------------------------------------------------------------------
# questions she answers with one tap, the guided intake, and the PIN


def _first_text(
    chat: LineChat,
    event: LineEvent,
    text: str,
    *,
    category: str | None = None,
    returning: Case | None = None,
) -> bool:
    """A text that starts a matter: her first, the one after the guided intake's choice of problem (`category`),
    or one long after her open case last heard from her (`returning`).

    Triage reads it here first. When it reads an emergency she is asked to confirm it with one tap; a returning
    text is asked whether it is the same matter. Either way her report is stored first (`report_submit` with
    `hold_until`: stored, not processed), so nothing is lost if she never answers, and processed with her
    answer (`report_release`), or without one when the minute is up (`_question_expire`). Any other text goes
    through the pipeline at once.
    """
    from raksa.triage import triage

    if chat.intake_category:
        chat.intake_category = ""
        chat.save(update_fields=["intake_category", "updated_at"])
    reading = triage(text, with_routing=False)
    fields: dict[str, Any] = {
        "channel": "line",
        "source": SOURCE,
        "idempotency_key": event.webhook_event_id,
        "text": text,
        "category": category,
        "reporter": _reporter(chat),
    }
    if reading.emergency_type is None and returning is None:
        report = report_submit(**fields).report
        _released_say(chat, f"{event.webhook_event_id}:received", report, event)
        return True
    hold_until = event.received_at + dt.timedelta(seconds=HOLD_SECONDS)
    report = report_submit(**fields, hold_until=hold_until).report
    if reading.emergency_type is not None:
        _question_ask(
            chat,
            event,
            CONFIRM,
            report,
            emergency=reading.emergency_type,
            confidence=float(reading.confidence),
        )
        payload = messages.confirm_emergency(
            chat.language, reading.emergency_type, confident=reading.confidence >= CONFIRM_CONFIDENT
        )
    else:
        assert returning is not None
        _question_ask(chat, event, SAME, report)
        payload = messages.same_matter(chat.language, returning.tracking_code)
    _say(chat, f"{event.webhook_event_id}:asked", payload, event)
    return True


def _returning(chat: LineChat, case: Case, now: dt.datetime) -> bool:
    """Whether her open case last heard from her (a report of hers, or "the same matter") long enough ago that
    a new text must be asked about."""
    latest = (
        Report.objects.filter(case=case, source=SOURCE, payload__reporter__line_user_id=chat.user_id)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    seen = max((when for when in (latest, chat.last_said_at) if when is not None), default=None)
    return seen is None or (now - seen).total_seconds() > RETURNING_SECONDS


def _question_ask(
    chat: LineChat,
    event: LineEvent,
    question: str,
    report: Report | None,
    *,
    emergency: str = "",
    confidence: float | None = None,
) -> None:
    """Wait for her tap for a minute, on the same pending_* fields the emergency's location waits on."""
    chat.pending_question = question
    chat.pending_report = report
    chat.pending_emergency = emergency
    chat.pending_confidence = confidence
    chat.pending_event_id = event.webhook_event_id
    chat.pending_until = event.received_at + dt.timedelta(seconds=PENDING_SECONDS)
    chat.save(
        update_fields=[
            "pending_question",
            "pending_report",
            "pending_emergency",
            "pending_confidence",
            "pending_event_id",
            "pending_until",
            "updated_at",
        ]
    )


def _question_claim(chat: LineChat) -> dict[str, Any] | None:
    """Take the waiting question, once: cleared by a conditional update, as the pending emergency is, so her tap,
    a later message and the timeout sweep never settle it twice."""
    pending_id, question = chat.pending_event_id, chat.pending_question
    if not pending_id or not question:
        return None
    held = {
        "key": pending_id,
        "question": question,
        "emergency": chat.pending_emergency,
        "report_id": chat.pending_report_id,
        "confidence": chat.pending_confidence,
    }
    cleared = LineChat.objects.filter(
        pk=chat.pk, pending_event_id=pending_id, pending_question=question
    ).update(
        pending_question="",
        pending_report=None,
        pending_emergency="",
        pending_confidence=None,
        pending_event_id="",
        pending_until=None,
        updated_at=timezone.now(),
    )
    if cleared != 1:
        return None
    chat.refresh_from_db()
    return held


def _held_report(held: dict[str, Any]) -> Report | None:
    return Report.objects.filter(pk=held["report_id"]).first() if held["report_id"] else None


def _talk_postback(chat: LineChat, event: LineEvent, data: str, emergency: str) -> bool:
    """The taps that answer a question or choose a problem; whether this tap was one of them. Any other tap
    settles a waiting question as unanswered first (or, an emergency tapped while asked to confirm one, is her
    yes), then goes on as usual; "track my case" leaves it waiting."""
    fields = parse_qs(data)
    category = (fields.get("category") or [""])[0]
    answers = (messages.CONFIRM_YES, messages.CONFIRM_NO, messages.SAME_YES, messages.SAME_NO)
    if chat.intake_category and not category:
        chat.intake_category = ""
        chat.save(update_fields=["intake_category", "updated_at"])
    question = chat.pending_question
    tapped_emergency = emergency in EmergencyType.values
    if question == CONFIRM and (data in (messages.CONFIRM_YES, messages.CONFIRM_NO) or tapped_emergency):
        held = _question_claim(chat)
        if held is not None:
            if data == messages.CONFIRM_NO:
                _confirm_denied(chat, held, event)
            else:
                _emergency_confirmed(chat, held, emergency if tapped_emergency else held["emergency"], event)
            return True
    elif question == SAME and data in (messages.SAME_YES, messages.SAME_NO):
        held = _question_claim(chat)
        if held is not None:
            _same_answered(chat, held, same=data == messages.SAME_YES, event=event)
            return True
    elif question and data != messages.TRACK:  # asking about her case leaves the question waiting
        _question_expire(chat)
    if data in answers:
        # A tap on a question already settled (its minute ran out, or it was answered): the menu, so that an
        # emergency can still be sent with one more tap.
        _say(chat, f"{event.webhook_event_id}:late", messages.welcome(chat.language), event)
        return True
    if category in Category.values:
        chat.intake_category = category
        chat.save(update_fields=["intake_category", "updated_at"])
        _say(
            chat,
            f"{event.webhook_event_id}:tell_more",
            messages.tell_more_category(chat.language, category),
            event,
        )
        return True
    return False


def _other_problem(chat: LineChat, event: LineEvent) -> bool:
    """ "Another problem": the short guided intake (the kind of problem, then what happened, then a case and its
    code); someone with an open case is first asked whether it is about that case."""
    case = _open_case(chat)
    if case is not None:
        _question_ask(chat, event, SAME, None)
        _say(
            chat,
            f"{event.webhook_event_id}:asked",
            messages.same_matter(chat.language, case.tracking_code),
            event,
        )
        return True
    _say(chat, f"{event.webhook_event_id}:category", messages.choose_category(chat.language), event)
    return True


def _emergency_confirmed(chat: LineChat, held: dict[str, Any], emergency: str, event: LineEvent) -> None:
    """Yes: help is sent now, her word as the report's emergency type; joined to her open case when it is the
    same emergency (no second team, as for the same emergency tapped again)."""
    report = _held_report(held)
    if report is None:
        return
    case = _open_case(chat)
    joins = case if case is not None and case.emergency_type == emergency else None
    report = report_release(report=report, emergency_type=emergency, joins=joins)
    _released_say(chat, f"{held['key']}:sent", report, event)


def _confirm_denied(chat: LineChat, held: dict[str, Any], event: LineEvent) -> None:
    """No, not an emergency: a normal report, her word kept on it (emergency type ""). With an open case she is
    then asked whether it is about that case, the report still held."""
    report = _held_report(held)
    if report is None:
        return
    case = _open_case(chat)
    if case is None:
        report = report_release(report=report, emergency_type="")
        _released_say(chat, f"{held['key']}:sent", report, event)
        return
    report_release(report=report, emergency_type="", process=False)
    _question_ask(chat, event, SAME, report)
    _say(
        chat,
        f"{event.webhook_event_id}:asked",
        messages.same_matter(chat.language, case.tracking_code),
        event,
    )


def _same_answered(chat: LineChat, held: dict[str, Any], *, same: bool, event: LineEvent) -> None:
    """The same matter: her report joins her open case. Something new: a new report and case (after "another
    problem", the guided intake's choice of problem first)."""
    case = _open_case(chat)
    report = _held_report(held)
    if report is None:  # asked after "another problem", before she wrote anything
        if same and case is not None:
            chat.last_said_at = event.received_at
            chat.save(update_fields=["last_said_at", "updated_at"])
            _say(
                chat,
                f"{event.webhook_event_id}:tell_more",
                messages.tell_more_same(chat.language, case.tracking_code),
                event,
            )
        else:
            _say(chat, f"{event.webhook_event_id}:category", messages.choose_category(chat.language), event)
        return
    report = report_release(report=report, joins=case if same and case is not None else None)
    _released_say(chat, f"{held['key']}:sent", report, event)


def _question_expire(chat: LineChat) -> int:
    """Settle the waiting question as unanswered (its minute is up, or she wrote or tapped something else);
    1 when it was settled here. The answer is pushed.

    - "Send help now?" unanswered: when triage's confidence is at least CONFIRM_CONFIDENT the report is
      processed as triage reads it, so help is sent (joined to her open case of the same emergency, as a tap
      would be); below it, the case is made urgent and left to a human (`emergency_unconfirmed`), and she is
      told so and shown the emergency buttons.
    - "The same matter?" unanswered: her report joins her open case (nothing is lost, and the staff who know
      her see it), or is a new case when that one has closed meanwhile.
    """
    held = _question_claim(chat)
    if held is None:
        return 0
    report = _held_report(held)
    if report is None:
        return 1
    case = _open_case(chat)
    if held["question"] == CONFIRM:
        confidence = held["confidence"]
        if confidence is not None and confidence >= CONFIRM_CONFIDENT:
            joins = case if case is not None and case.emergency_type == held["emergency"] else None
            report = report_release(report=report, joins=joins)
        else:
            report = report_release(report=report, unconfirmed=held["emergency"], confidence=confidence)
    else:
        report = report_release(report=report, joins=case)
    _released_say(chat, f"{held['key']}:sent", report, None)
    return 1


def _released_say(chat: LineChat, key: str, report: Report, event: LineEvent | None) -> None:
    """The answer once her report is processed: the tracking code, the PIN when the case is new (shown once),
    and what happens next; or that it was added to her case."""
    case = report.case
    if case is None:
        _say(chat, key, messages.report_waiting(chat.language), event)
        return
    chat.case = case
    chat.last_said_at = timezone.now()
    chat.save(update_fields=["case", "last_said_at", "updated_at"])
    url = track_url(case)
    if report.payload.get("attach_to"):
        if case.emergency_type:
            payload = messages.emergency_again(
                chat.language, case.emergency_type, case.tracking_code, url, located=case.latitude is not None
            )
        else:
            payload = messages.added_to_case(chat.language, case.tracking_code)
        _say(chat, key, payload, event)
        return
    pin = tracking_pin_issue(case=case)
    if report.payload.get("emergency_unconfirmed"):
        payload = messages.unconfirmed_received(chat.language, case.tracking_code, url, pin=pin)
    elif case.emergency_type:
        payload = messages.emergency_sent(
            chat.language,
            case.emergency_type,
            case.tracking_code,
            url,
            located=case.latitude is not None,
            pin=pin,
        )
    else:
        payload = messages.report_received(chat.language, case.tracking_code, url, dispatched=False, pin=pin)
    _say(chat, key, payload, event)


def pin_masked(text: str) -> str:
    """The text with the PIN it shows replaced by dots."""
    return _PIN_SHOWN.sub(lambda found: found.group(1) + _PIN_MASK, text)


def line_answer_outcome(message: Message, outcome: str) -> None:
    """notify's word that an answer was delivered or given up: the PIN it carried leaves the stored message,
    which keeps the rest (the chat holds the PIN now; the database keeps only its hash, on the case)."""
    text = message.payload.get("text")
    if not isinstance(text, str) or not _PIN_SHOWN.search(text):
        return
    Message.objects.filter(pk=message.pk).update(payload={**message.payload, "text": pin_masked(text)})


def line_group_attach(*, group: LineGroup, unit: Unit) -> Contact:
    """Make a group the account was invited to one of the unit's LINE group contacts (alerts go to it)."""
    with transaction.atomic():
        if group.unit_id != unit.pk:
            group.unit = unit
            group.save(update_fields=["unit", "updated_at"])
        contact, _ = Contact.objects.get_or_create(
            unit=unit, kind=Contact.Kind.LINE_GROUP, value=group.group_id, defaults={"label": "LINE"}
        )
    return contact


# ---------------------------------------------------------------------------------------------------------------
# photos

PHOTO_TEXT = "รูปภาพที่ส่งทาง LINE"
# An external image's link (LINE allows 2000 characters) is kept only when it is https and this short.
PHOTO_LINK_MAX = 1000


def _photo_external(message: dict[str, Any]) -> str | None:
    """The link of an image kept by another service (`contentProvider.type` "external": LINE has no bytes of
    it), "" when it has none; None for an image LINE keeps (the usual case, `contentProvider` "line" or absent)."""
    provider = _part(message, "contentProvider")
    if provider.get("type") != "external":
        return None
    return str(provider.get("originalContentUrl") or "")


def _photo_fetch(event: LineEvent) -> LineContent | None:
    """The bytes of a user's photo, from LINE's content API, at most the web form's photo limit (and one byte to
    know it was more); None when the event is not a photo LINE keeps, or is done already."""
    if event.type != "message" or event.source_type != "user" or not event.user_id:
        return None
    if event.state in (LineEvent.State.PROCESSED, LineEvent.State.IGNORED):
        return None
    message = _part(event.raw, "message")
    message_id = str(message.get("id") or "")
    if message.get("type") != "image" or not message_id or _photo_external(message) is not None:
        return None
    return line_content_fetch(message_id=message_id, max_bytes=settings.RAKSA_REPORT_FILE_MAX_BYTES)


def _photo_key(event: LineEvent, message: dict[str, Any]) -> str:
    """What a photo's answer is keyed on: the set it came in (several photos sent at once are one event each,
    sharing `imageSet.id`: they get one answer), else the event."""
    image_set = str(_part(message, "imageSet").get("id") or "")[:64]
    return f"imageset:{image_set}" if image_set else event.webhook_event_id


def _photo_link(url: str) -> str:
    parts = urlsplit(url)
    printable = url.isprintable() and " " not in url
    return (
        url if parts.scheme == "https" and parts.netloc and printable and len(url) <= PHOTO_LINK_MAX else ""
    )


def _photo(chat: LineChat, event: LineEvent, message: dict[str, Any], content: LineContent | None) -> bool:
    """A photo: kept as an attachment on her case through the pipeline (the web form's type sniffing and size
    limit apply), or refused with a clear answer and nothing saved. An external image is not fetched (a link
    the sender's app chose could point anywhere, our own network included): its https link is kept in the
    report's text for staff to open."""
    if content is None and _photo_external(message) is None:
        # Not fetched (a caller that skipped line_event_process's fetch): fail, to be retried with the fetch.
        raise RuntimeError("the photo's content was not fetched")
    if chat.pending_emergency:
        # A photo instead of a place: what she can send now. The emergency goes at once (whatever becomes of the
        # photo), and the photo joins it.
        _emergency_submit(chat, location=None, text="", event=event)
        chat.refresh_from_db()
    files: list[ContentFile[bytes]] = []
    text = PHOTO_TEXT
    external = _photo_external(message)
    if external is not None:
        link = _photo_link(external)
        text = (
            f"{PHOTO_TEXT} (ลิงก์ภายนอก): {link}" if link else f"{PHOTO_TEXT} (ลิงก์ภายนอก ไม่ใช่ https จึงไม่ได้เก็บ)"
        )
    elif content is not None:
        mb = settings.RAKSA_REPORT_FILE_MAX_BYTES / (1024 * 1024)
        if content.gone or content.too_large:
            why = messages.PHOTO_GONE if content.gone else messages.PHOTO_TOO_LARGE
            _say(
                chat,
                f"{event.webhook_event_id}:photo_refused",
                messages.photo_refused(chat.language, why, mb=mb),
                event,
            )
            return True
        files = [ContentFile(content.data, name=f"line-{str(message.get('id') or '')[:40]}")]
    try:
        _photo_submit(chat, event, message, text=text, files=files)
    except InvalidInput as refused:
        if not files or not all(error.field.startswith("files") for error in refused.errors):
            raise
        why = (
            messages.PHOTO_TOO_LARGE
            if any(error.code == "file_too_large" for error in refused.errors)
            else messages.PHOTO_NOT_A_PICTURE
        )
        mb = settings.RAKSA_REPORT_FILE_MAX_BYTES / (1024 * 1024)
        _say(
            chat,
            f"{event.webhook_event_id}:photo_refused",
            messages.photo_refused(chat.language, why, mb=mb),
            event,
        )
    return True


def _photo_submit(
    chat: LineChat, event: LineEvent, message: dict[str, Any], *, text: str, files: list[ContentFile[bytes]]
) -> None:
    key = _photo_key(event, message)
    fields: dict[str, Any] = {
        "channel": "line",
        "source": SOURCE,
        "idempotency_key": event.webhook_event_id,
        "text": text,
        "files": files,
        "reporter": _reporter(chat),
    }
    case = _open_case(chat)
    if case is not None:
        report_submit(joins=case, **fields)
        _say(chat, f"{key}:photo", messages.photo_added(chat.language, case.tracking_code), event)
        return
    report = report_submit(**fields).report
    if report.case is None:
        _say(chat, f"{key}:photo", messages.report_waiting(chat.language), event)
        return
    chat.case = report.case
    chat.save(update_fields=["case", "updated_at"])
    _say(
        chat,
        f"{key}:photo",
        messages.photo_received(chat.language, report.case.tracking_code, track_url(report.case)),
        event,
    )


# ---------------------------------------------------------------------------------------------------------------
# the team's progress, told in the chat


def line_dispatch_moved(dispatch: Dispatch, state: str) -> None:
    """A team acknowledged her emergency: tell each LINE reporter of the case, by push, once per dispatch.

    Registered with dispatch's `dispatch_move_register`, in the move's transaction. The public stage does not
    change on acknowledging (a team alerted and a team that took it are both "forwarded"), so tracking's stage
    notices say nothing; for someone waiting in danger, that a team has it is the one thing to hear.
    """
    if state != DispatchState.ACKNOWLEDGED:
        return
    case = dispatch.case
    addresses = Subscription.objects.filter(
        case=case, transport=Subscription.Transport.LINE, stopped_at__isnull=True
    ).values_list("address", flat=True)
    for address in addresses:
        chat = LineChat.objects.filter(user_id=address).first()
        language = chat.language if chat is not None else messages.THAI
        message_queue(
            key=f"line:dispatch:{dispatch.pk}:acknowledged:{address}",
            transport="line",
            to=address,
            payload=messages.team_acknowledged(language, case.tracking_code, track_url(case)),
            purpose=PURPOSE,
            ref=f"dispatch:{dispatch.pk}",
        )
