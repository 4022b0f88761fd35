"""The intake pipeline: every channel's report is checked, stored exactly as received, then made into a case.

`report_submit` is the one door for every channel (the 1300 console, the web form, volunteers, the partner API,
LINE later):
1. it checks all of the input first and raises one InvalidInput naming each bad field (Thai and English), so
   bad input stores nothing;
2. it stores the Report (and its files, and a volunteer's record of consent) in its own transaction, before
   anything can fail: a report is never lost, even if this process dies a moment later, for the worker's sweep
   (`report_sweep`) processes any report still unprocessed a minute after it was stored;
3. `(source, idempotency_key)` is unique: the same key with the same input answers the report already made
   (created False), the same key with other input is a Conflict (`idempotency_key_reused`);
4. it then processes the report at once (`report_process`), so a caller normally gets the case back in the same
   request. A failure there leaves the report stored, marked failed with its error, and retried by the worker's
   sweep with a growing delay; the admin lists failed reports.

`report_process` is one transaction on the locked report: triage -> people (person_find_or_create for the
reporter and the subject; fuzzy candidates are left on the report for a human, never merged) -> a new case, or
the open case a staff member chose (`attach_to`) -> routing (case_create's) -> for an emergency,
`dispatch_request`. Processing a processed report does nothing, so the inline call and the worker's sweep can
race safely.

Several reports of one incident: `incident_join` folds one open emergency case into another of the same type
(its reports and people move, the joined case is closed with a pointer), see also selectors.incident_candidates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from raksa.accounts.models import Role, User
from raksa.cases import services as case_services
from raksa.cases.access import Level, access_level, case_not_found
from raksa.cases.errors import BOTH_COORDINATES, FILE_EMPTY, FILE_TOO_LARGE
from raksa.cases.events import event_record
from raksa.cases.models import Case, CaseParty, Channel, EmergencyType, Status, Urgency
from raksa.core.areas import area_check
from raksa.core.errors import INVALID_CHOICE, FieldError, RaksaError, invalid_input
from raksa.core.filetypes import sniff_content_type
from raksa.core.text import clean_text, shown
from raksa.directory.models import Category
from raksa.dispatch import geo
from raksa.dispatch.services import dispatch_location_known, dispatch_request
from raksa.intake import events
from raksa.intake.errors import (
    CASE_NOT_OPEN,
    CONSENT_METHOD_REQUIRED,
    CONSENT_REQUIRED,
    COORDINATE_RANGE,
    IDEMPOTENCY_KEY_REQUIRED,
    IDEMPOTENCY_KEY_REUSED,
    JOIN_NOT_SAME_INCIDENT,
    OUTSIDE_THAILAND,
    PHOTO_TYPE_NOT_ALLOWED,
    SMS_NEEDS_MOBILE,
    SMS_NOT_ANONYMOUS,
    SMS_PHONE_REQUIRED,
    TEXT_OR_EMERGENCY_REQUIRED,
    TOO_MANY_FILES,
)
from raksa.intake.models import Call, Consent, Report, ReportFile
from raksa.people.matching import STRICT_LINE_USER_ID
from raksa.people.models import Identifier, Person
from raksa.people.services import person_find_or_create
from raksa.people.services.validation import identifier_check
from raksa.tracking.models import Subscription
from raksa.tracking.services import is_mobile, subscription_create

log = logging.getLogger(__name__)

# Limits, shared by the web form, the console and the API schema.
REPORT_TEXT_MAX = case_services.DESCRIPTION_MAX
NAME_MAX = 200
LOCATION_TEXT_MAX = case_services.LOCATION_TEXT_MAX
EXTERNAL_REF_MAX = 100
IDEMPOTENCY_KEY_MAX = 200
REPORT_FILES_MAX = 5
CONSENT_BY_MAX = 200
# Thailand's extent with a margin for its islands and borders (5.6-20.5 N, 97.3-105.7 E).
THAILAND_LATITUDE = (Decimal("5.5"), Decimal("20.6"))
THAILAND_LONGITUDE = (Decimal("97.2"), Decimal("105.8"))
# Retry delays after a processing failure: 30 s, 2 min, 8 min ... at most an hour.
RETRY_FIRST_SECONDS = 30
RETRY_MAX_SECONDS = 3600
# The worker's sweep picks up a report still `received` this long after it was stored (the request that stored
# it died before processing it), and a failed one whose retry time has come. A report it takes is claimed for
# SWEEP_CLAIM_SECONDS, so a second worker leaves it alone; if the worker dies with it, the claim runs out.
SAFETY_NET_SECONDS = 60
SWEEP_CLAIM_SECONDS = 300
SWEEP_BATCH = 100
PARTY_KEYS = ("name", "phone", "national_id", "line_user_id")
LOCATION_KEYS = ("latitude", "longitude", "text", "province_code", "district_code")
CONSENT_KEYS = ("given_by", "method", "given_at")


@dataclass(frozen=True)
class Submitted:
    report: Report
    created: bool


# ---------------------------------------------------------------------------------------------------------------
# checking the input


class _Problems:
    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def run(self, check: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except RaksaError as error:
            self.items.extend(error.errors)
            return None

    def add(self, error: FieldError) -> None:
        self.items.append(error)


_CHOICE_NAMES = {
    "emergency_type": ("ประเภทเหตุฉุกเฉิน", "emergency type"),
    "category": ("ประเภทปัญหา", "category"),
    "urgency": ("ระดับความเร่งด่วน", "urgency"),
    "consent.method": ("วิธีให้ความยินยอม", "consent method"),
    "channel": ("ช่องทาง", "channel"),
}


def _choice(value: Any, choices: Sequence[str], field: str, problems: _Problems) -> str | None:
    if value is None:
        return None
    if value == "":
        return ""
    if not isinstance(value, str) or value not in choices:
        what_th, what_en = _CHOICE_NAMES[field]
        problems.add(INVALID_CHOICE.field_error(field, what_th=what_th, what_en=what_en, value=shown(value)))
        return None
    return value


def _party(raw: Any, field: str, problems: _Problems) -> dict[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.add(INVALID_CHOICE.variant("ต้องเป็นข้อมูลบุคคล", "must be an object").field_error(field))
        return None
    party: dict[str, str] = {}
    name = problems.run(
        clean_text, raw.get("name"), field=f"{field}.name", max_length=NAME_MAX, what_th="ชื่อ", what_en="name"
    )
    if name:
        party["name"] = name
    for key, kind in (
        ("phone", Identifier.Kind.PHONE),
        ("national_id", Identifier.Kind.NATIONAL_ID),
        ("line_user_id", Identifier.Kind.LINE_USER),
    ):
        value = raw.get(key)
        if value in (None, ""):
            continue
        normalized, errors = identifier_check(kind=kind, value=str(value))
        for error in errors:
            problems.add(replace(error, field=f"{field}.{key}"))
        if normalized:
            party[key] = normalized
    return party or None


def _coordinate(value: Any, field: str, limit: int, problems: _Problems) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = "nan"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not -limit <= number <= limit:
        problems.add(COORDINATE_RANGE.field_error(field, limit=limit))
        return None
    return number.quantize(Decimal("0.000001"))


def _location(raw: Any, problems: _Problems) -> dict[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.add(INVALID_CHOICE.variant("ต้องเป็นข้อมูลสถานที่", "must be an object").field_error("location"))
        return None
    location: dict[str, str] = {}
    lat = _coordinate(raw.get("latitude"), "location.latitude", 90, problems)
    lon = _coordinate(raw.get("longitude"), "location.longitude", 180, problems)
    if (lat is None) != (lon is None) and not problems.items:
        missing = "location.longitude" if lon is None else "location.latitude"
        problems.add(BOTH_COORDINATES.field_error(missing))
    if lat is not None and lon is not None:
        if not (THAILAND_LATITUDE[0] <= lat <= THAILAND_LATITUDE[1]) or not (
            THAILAND_LONGITUDE[0] <= lon <= THAILAND_LONGITUDE[1]
        ):
            problems.add(OUTSIDE_THAILAND.field_error("location.latitude"))
        else:
            location["latitude"], location["longitude"] = str(lat), str(lon)
    text = problems.run(
        clean_text,
        raw.get("text"),
        field="location.text",
        max_length=LOCATION_TEXT_MAX,
        what_th="สถานที่",
        what_en="place",
    )
    if text:
        location["text"] = text
    province, district = raw.get("province_code") or "", raw.get("district_code") or ""
    if province or district:
        area, area_problems = area_check(str(province), str(district))
        for error in area_problems:
            problems.add(replace(error, field=f"location.{error.field}"))
        if not area_problems:
            location["province_code"] = area.province_code
            if area.district_code:
                location["district_code"] = area.district_code
    return location or None


def _consent(raw: Any, problems: _Problems) -> dict[str, str] | None:
    if raw is None:
        return None
    given_by = problems.run(
        clean_text,
        raw.get("given_by"),
        field="consent.given_by",
        max_length=CONSENT_BY_MAX,
        required=True,
        what_th="ผู้ให้ความยินยอม",
        what_en="who consented",
    )
    method = _choice(raw.get("method") or None, Consent.Method.values, "consent.method", problems)
    if method is None and raw.get("method") in (None, ""):
        problems.add(CONSENT_METHOD_REQUIRED.field_error("consent.method"))
    given_at = raw.get("given_at") or timezone.now()
    if isinstance(given_at, str):
        try:
            given_at = dt.datetime.fromisoformat(given_at)
        except ValueError:
            problems.add(
                INVALID_CHOICE.variant("วันเวลาไม่ถูกต้อง", "not a date and time").field_error("consent.given_at")
            )
            given_at = None
    if isinstance(given_at, dt.datetime):
        if timezone.is_naive(given_at):
            given_at = timezone.make_aware(given_at)
        if given_at > timezone.now() + dt.timedelta(minutes=5):
            problems.add(
                INVALID_CHOICE.variant("วันเวลายังไม่ถึง", "is in the future").field_error("consent.given_at")
            )
    if given_by and method and isinstance(given_at, dt.datetime):
        return {"given_by": given_by, "method": method, "given_at": given_at.isoformat()}
    return None


@dataclass(frozen=True)
class _File:
    data: bytes
    name: str
    content_type: str
    sha256: str


def _files(files: Sequence[Any], problems: _Problems) -> list[_File]:
    if len(files) > REPORT_FILES_MAX:
        problems.add(TOO_MANY_FILES.field_error("files", limit=REPORT_FILES_MAX))
        return []
    max_bytes: int = settings.RAKSA_REPORT_FILE_MAX_BYTES
    allowed: dict[str, str] = settings.RAKSA_REPORT_FILE_TYPES
    checked = []
    for index, uploaded in enumerate(files):
        field = f"files.{index}"
        size = getattr(uploaded, "size", None)
        data = b""
        if size is None or size <= max_bytes:
            data = case_services._read_limited(uploaded, max_bytes)
        if size is not None and size > max_bytes or len(data) > max_bytes:
            problems.add(FILE_TOO_LARGE.field_error(field, mb=max_bytes / (1024 * 1024)))
            continue
        if not data:
            problems.add(FILE_EMPTY.field_error(field))
            continue
        content_type = sniff_content_type(data)
        if content_type is None or content_type not in allowed:
            problems.add(PHOTO_TYPE_NOT_ALLOWED.field_error(field))
            continue
        name = case_services._original_name(uploaded)
        checked.append(_File(data, name, content_type, hashlib.sha256(data).hexdigest()))
    return checked


def report_input_check(
    *,
    text: Any = "",
    emergency_type: Any = None,
    category: Any = None,
    reporter: Any = None,
    subject: Any = None,
    location: Any = None,
    anonymous: Any = False,
    external_ref: Any = None,
    consent: Any = None,
    files: Sequence[Any] = (),
    urgency: Any = None,
    updates_by_sms: Any = False,
) -> tuple[dict[str, Any], list[_File]]:
    """The report's input as it will be stored, or one InvalidInput naming every bad field.

    `emergency_type` / `category` None mean "not given" (triage decides); "" means a person said "none".
    `urgency` (staff who corrected triage's suggestion) is kept only when given, so other reports' stored input
    is unchanged; "emergency" without an emergency type is refused, as case_create refuses it.
    `updates_by_sms` (the reporter agreed to a text at each new stage) is kept only when true, for the same
    reason; it needs the reporter's mobile number, and cannot go with an anonymous report, which keeps none.
    """
    problems = _Problems()
    text = problems.run(
        clean_text,
        text,
        field="text",
        max_length=REPORT_TEXT_MAX,
        multiline=True,
        what_th="เรื่อง",
        what_en="text",
    )
    payload: dict[str, Any] = {
        "emergency_type": _choice(emergency_type, EmergencyType.values, "emergency_type", problems),
        "category": _choice(category, Category.values, "category", problems),
        "reporter": _party(reporter, "reporter", problems),
        "subject": _party(subject, "subject", problems),
        "location": _location(location, problems),
        "anonymous": bool(anonymous),
        "external_ref": problems.run(
            clean_text,
            external_ref,
            field="external_ref",
            max_length=EXTERNAL_REF_MAX,
            what_th="เลขอ้างอิงของหน่วยงาน",
            what_en="external reference",
        )
        or None,
    }
    if urgency is not None:
        given = _choice(
            urgency,
            [u for u in Urgency.values if u != Urgency.EMERGENCY or emergency_type],
            "urgency",
            problems,
        )
        if given:
            payload["urgency"] = given
    if consent is not None:
        payload["consent"] = _consent(consent, problems)
    if updates_by_sms:
        _updates_by_sms_check(payload, reporter, problems)
        payload["updates_by_sms"] = True
    checked_files = _files(files, problems)
    if not text and not payload["emergency_type"] and not problems.items:
        problems.add(TEXT_OR_EMERGENCY_REQUIRED.field_error("text"))
    if problems.items:
        raise invalid_input(problems.items)
    payload["text"] = text or ""
    return payload, checked_files


def _updates_by_sms_check(payload: dict[str, Any], reporter: Any, problems: _Problems) -> None:
    if payload["anonymous"]:
        problems.add(SMS_NOT_ANONYMOUS.field_error("updates_by_sms"))
        return
    phone = (payload["reporter"] or {}).get("phone")
    if phone:
        if not is_mobile(phone):
            problems.add(SMS_NEEDS_MOBILE.field_error("updates_by_sms"))
    elif not (isinstance(reporter, dict) and reporter.get("phone")):  # a bad phone has its own error already
        problems.add(SMS_PHONE_REQUIRED.field_error("updates_by_sms"))


def _request_hash(payload: dict[str, Any], files: Sequence[_File], extra: dict[str, Any]) -> str:
    canonical = {**payload, "files": [f.sha256 for f in files], **extra}
    body = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _key(value: Any) -> str:
    key = value.strip() if isinstance(value, str) else ""
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or any(ord(ch) < 32 for ch in key):
        raise IDEMPOTENCY_KEY_REQUIRED.error(field="idempotency_key")
    return key


# ---------------------------------------------------------------------------------------------------------------
# storing


def report_submit(
    *,
    channel: str,
    source: str,
    idempotency_key: str,
    text: str = "",
    emergency_type: str | None = None,
    category: str | None = None,
    reporter: dict[str, Any] | None = None,
    subject: dict[str, Any] | None = None,
    location: dict[str, Any] | None = None,
    anonymous: bool = False,
    external_ref: str | None = None,
    files: Sequence[Any] = (),
    actor: User | None = None,
    consent: dict[str, Any] | None = None,
    attach_to: Case | None = None,
    call_id: str | None = None,
    process: bool = True,
    urgency: str | None = None,
    updates_by_sms: bool = False,
    joins: Case | None = None,
    hold_until: dt.datetime | None = None,
) -> Submitted:
    """Check, store and (unless `process` is False) process one report; see the module's docstring.

    `source` names whose idempotency keys these are: "web", "line", or one per API client and staff member
    ("api:<user id>", "console:<user id>"), so two clients never collide on a key. `attach_to` (staff only) is
    an open case the staff member chose for this report; `call_id` ties the report to a logged call.
    `urgency` (a staff member's correction of triage's) sets the case's urgency when it is not an emergency.
    `updates_by_sms`: the reporter agreed to a text at each new stage of her case (tracking), to the phone she
    gave; a reporter whose LINE id is given (or who came through LINE) gets a LINE push without asking here.
    `joins` (a channel, never staff) is the reporter's own open case that this report adds to, as the channel
    knows it: a LINE chat's later messages join the case its first report made. The channel vouches for it, so
    no staff access is checked; a closed case is refused (`case_not_open`).
    `hold_until` (a channel that asks its reporter a question first) stores the report without processing it:
    the channel processes it with her answer (`report_release`); if it never does, the worker's safety net
    processes it as given once `hold_until` has passed, so a held report is never lost.
    """
    if channel not in Channel.values:
        raise INVALID_CHOICE.error(field="channel", what_th="ช่องทาง", what_en="channel", value=shown(channel))
    key = _key(idempotency_key)
    payload, checked_files = report_input_check(
        text=text,
        emergency_type=emergency_type,
        category=category,
        reporter=reporter,
        subject=subject,
        location=location,
        anonymous=anonymous,
        external_ref=external_ref,
        consent=consent,
        files=files,
        urgency=urgency,
        updates_by_sms=updates_by_sms,
    )
    if actor is not None and actor.role == Role.VOLUNTEER and not payload.get("consent"):
        raise CONSENT_REQUIRED.error(field="consent.given_by")
    if attach_to is not None:
        attach_to = Case.objects.filter(pk=attach_to.pk).first() or attach_to
        _attachable(actor, attach_to)
        payload["attach_to"] = attach_to.number
    elif joins is not None:
        joins = Case.objects.filter(pk=joins.pk).first() or joins
        if joins.status == Status.CLOSED:
            raise CASE_NOT_OPEN.error(field="joins")
        payload["attach_to"] = joins.number
    if call_id:
        payload["call_id"] = call_id
    text_value = payload.pop("text")
    request_hash = _request_hash({**payload, "text": text_value}, checked_files, {"channel": channel})
    # How many files came with it, so processing reads the files table only when there are some.
    payload["files"] = len(checked_files)

    # Stored first, looked up only when the key is taken: a retry costs one failed insert, a new report no look-up.
    # A report alone is one INSERT, atomic by itself: outside a transaction it needs no BEGIN and COMMIT around
    # it. With files or a consent, or inside a caller's transaction (whose savepoint lets the duplicate key's
    # failed insert be caught), it is wrapped as before.
    stored: list[str] = []
    alone = (
        not checked_files and not payload.get("consent") and not transaction.get_connection().in_atomic_block
    )
    try:
        with contextlib.nullcontext() if alone else transaction.atomic():
            report = Report.objects.create(
                channel=channel,
                source=source,
                idempotency_key=key,
                request_hash=request_hash,
                text=text_value,
                payload=payload,
                submitted_by=actor,
                next_attempt_at=hold_until,
            )
            for file in checked_files:
                row = ReportFile(
                    report=report,
                    original_name=file.name,
                    content_type=file.content_type,
                    size=len(file.data),
                    sha256=file.sha256,
                )
                row.file.save(file.name or "file", ContentFile(file.data), save=False)
                stored.append(row.file.name or "")
                row.save()
            consent_data = payload.get("consent")
            if consent_data and actor is not None:
                Consent.objects.create(
                    report=report,
                    given_by=consent_data["given_by"],
                    method=consent_data["method"],
                    given_at=dt.datetime.fromisoformat(consent_data["given_at"]),
                    recorded_by=actor,
                )
    except IntegrityError:
        for name in stored:
            default_storage.delete(name)
        # A request with this key was stored before (a retry, a double click): that is the one report.
        existing = _existing(source, key, request_hash)
        if existing is None:
            raise
        return Submitted(existing, created=False)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    if process and hold_until is None:
        report = report_process_attempt(report=report)
    return Submitted(report, created=True)


def report_release(
    *,
    report: Report,
    emergency_type: str | None = None,
    joins: Case | None = None,
    unconfirmed: str = "",
    confidence: float | None = None,
    process: bool = True,
) -> Report:
    """Process a report stored with `hold_until`, with what its reporter answered meanwhile; the report.

    Her answer is input from the reporter, kept in the payload with the meaning it has at submission:
    `emergency_type` the emergency she confirmed, or "" when she said it is none (triage still gives the
    category); `joins` her open case, when she said it is the same matter. `unconfirmed` (with no emergency type
    given) is the emergency triage read when she did not answer and triage was not sure enough to send help
    without her: the case is made urgent, not an emergency, and its timeline says a human must decide
    (`emergency_unconfirmed`, with triage's `confidence`). `process` False records the answer and keeps the
    report held (another question follows; the safety net then processes it with this answer). A report
    already processed (the safety net was first) is returned as it is.
    """
    problems = _Problems()
    if emergency_type is not None:
        _choice(emergency_type, EmergencyType.values, "emergency_type", problems)
    if unconfirmed:
        _choice(unconfirmed, EmergencyType.values, "emergency_type", problems)
    if problems.items:
        raise invalid_input(problems.items)
    with transaction.atomic():
        locked = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
        if locked.state == Report.State.PROCESSED:
            return locked
        payload = dict(locked.payload)
        if emergency_type is not None:
            payload["emergency_type"] = emergency_type
        if joins is not None:
            joins = Case.objects.filter(pk=joins.pk).first() or joins
            if joins.status == Status.CLOSED:
                raise CASE_NOT_OPEN.error(field="joins")
            payload["attach_to"] = joins.number
        if unconfirmed and payload.get("emergency_type") is None:
            payload["emergency_unconfirmed"] = {"emergency_type": unconfirmed, "confidence": confidence}
        locked.payload = payload
        if not process:
            locked.save(update_fields=["payload", "updated_at"])
            return locked
        locked.next_attempt_at = None
        locked.save(update_fields=["payload", "next_attempt_at", "updated_at"])
    return report_process_attempt(report=locked)


def _existing(source: str, key: str, request_hash: str) -> Report | None:
    report = Report.objects.filter(source=source, idempotency_key=key).select_related("case").first()
    if report is None:
        return None
    if report.request_hash != request_hash:
        raise IDEMPOTENCY_KEY_REUSED.error(field="idempotency_key")
    return report


def _attachable(actor: User | None, case: Case) -> None:
    level = access_level(actor, case) if actor is not None else Level.NONE
    if level == Level.NONE:
        raise case_not_found()
    if level < Level.WRITE:
        raise case_services.forbidden("add a report to this case", "เพิ่มการแจ้งในเรื่องนี้")
    if case.status == Status.CLOSED:
        raise CASE_NOT_OPEN.error(field="attach_to")


# ---------------------------------------------------------------------------------------------------------------
# processing


def report_process_attempt(*, report: Report) -> Report:
    """Process the report; on failure keep it, with its error, for the worker to retry later."""
    try:
        return report_process(report=report)
    except Exception as exc:  # any failure: the report must stay, marked, never lost
        log.exception("report %s failed to process", report.public_id)
        return report_failure_record(report=report, error=exc)


def report_failure_record(*, report: Report, error: BaseException) -> Report:
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.state == Report.State.PROCESSED:
            return locked
        locked.attempts += 1
        delay = min(RETRY_FIRST_SECONDS * 4 ** (locked.attempts - 1), RETRY_MAX_SECONDS)
        locked.state = Report.State.FAILED
        locked.last_error = f"{type(error).__name__}: {error}"[:2000]
        locked.next_attempt_at = timezone.now() + dt.timedelta(seconds=delay)
        locked.save(update_fields=["attempts", "state", "last_error", "next_attempt_at", "updated_at"])
    return locked


def _sweep_due(now: dt.datetime) -> Q:
    unclaimed = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    stalled = Q(state=Report.State.RECEIVED, created_at__lte=now - dt.timedelta(seconds=SAFETY_NET_SECONDS))
    return (stalled & unclaimed) | Q(state=Report.State.FAILED, next_attempt_at__lte=now)


def report_sweep(*, now: dt.datetime | None = None) -> int:
    """The worker's pass: process reports left unprocessed or due a retry, oldest first; how many it took.

    Each report is claimed with a conditional update before it is processed, so two workers never take the same
    one; a failure pushes its next attempt back (report_failure_record), a success leaves nothing to sweep.
    """
    now = now or timezone.now()
    taken = 0
    due = Report.objects.filter(_sweep_due(now)).order_by("created_at", "id")
    for pk in list(due.values_list("pk", flat=True)[:SWEEP_BATCH]):
        claim = now + dt.timedelta(seconds=SWEEP_CLAIM_SECONDS)
        if not Report.objects.filter(_sweep_due(now), pk=pk).update(next_attempt_at=claim):
            continue  # another worker took it, or it was processed a moment ago
        report_process_attempt(report=Report.objects.get(pk=pk))
        taken += 1
    return taken


def _split_name(name: str) -> dict[str, Any]:
    first, _, last = name.strip().partition(" ")
    thai = any("\u0e00" <= ch <= "\u0e7f" for ch in name)
    if thai:
        return {"first_name_th": first, "last_name_th": last.strip()}
    return {"first_name_en": first, "last_name_en": last.strip()}


def _person(
    party: dict[str, str] | None, *, actor: User | None, province: str, role: str, review: dict
) -> Any:
    if not party:
        return None
    result = person_find_or_create(
        actor=actor,
        national_id=party.get("national_id"),
        phone=party.get("phone"),
        line_user_id=party.get("line_user_id"),
        province_code=province,
        **_split_name(party.get("name", "")),
    )
    if result.person is None and result.candidates:
        review[role] = {
            "given": party,
            "candidates": [c.person.public_id for c in result.candidates[:5]],
        }
    return result.person


def _area(payload: dict[str, Any], entities: Any) -> tuple[str, str]:
    """The case's province and district: the codes given, else where the point is, else what the text names."""
    location = payload.get("location") or {}
    province, district = location.get("province_code", ""), location.get("district_code", "")
    if province:
        return province, district
    if location.get("latitude") not in (None, "") and location.get("longitude") not in (None, ""):
        found = geo.point_area(float(location["latitude"]), float(location["longitude"]))
        if found is not None:
            return found.province_code, found.district_code
    if entities is None:
        return province, district
    provinces = list(entities.province_codes)
    districts = [d for d in entities.district_codes if not provinces or d[:2] == provinces[0]]
    guess_province = provinces[0] if provinces else (districts[0][:2] if districts else "")
    guess_district = districts[0] if districts else ""
    area, problems = area_check(guess_province, guess_district)
    if problems:
        return guess_province if not area_check(guess_province)[1] else "", ""
    return area.province_code, area.district_code


def _summary(text: str, emergency_type: str, location: dict[str, str]) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not first_line:
        label = str(EmergencyType(emergency_type).label) if emergency_type else "แจ้งเรื่อง"
        first_line = f"แจ้งเหตุฉุกเฉิน: {label}" + (f" ({location['text']})" if location.get("text") else "")
    if len(first_line) > case_services.SUMMARY_MAX:
        first_line = first_line[: case_services.SUMMARY_MAX - 1].rstrip() + "…"
    return first_line


def report_process(*, report: Report) -> Report:
    """Triage, people, case, routing, dispatch: one transaction on the locked report (see the module)."""
    from raksa.triage import triage

    with transaction.atomic():
        # Only the report's row: PostgreSQL cannot lock the nullable side of the join to its submitter.
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("submitted_by", "submitted_by__unit")
            .get(pk=report.pk)
        )
        if report.state == Report.State.PROCESSED:
            return report
        payload = report.payload
        result = triage(report.text) if report.text else None
        given_emergency = payload.get("emergency_type")
        emergency_type = (
            given_emergency
            if given_emergency is not None
            else (result.emergency_type if result else "") or ""
        )
        category = payload.get("category") or (result.category if result else Category.OTHER)
        urgency: str | None = None
        unconfirmed = payload.get("emergency_unconfirmed") if given_emergency is None else None
        if unconfirmed:
            # Triage read an emergency the reporter did not confirm (report_release): a human decides.
            emergency_type, urgency = "", Urgency.URGENT
        if not emergency_type and result is not None and result.urgency != "emergency":
            urgency = result.urgency
        if not emergency_type and payload.get("urgency") not in (None, "", Urgency.EMERGENCY):
            urgency = payload["urgency"]
        province, district = _area(payload, result.entities if result else None)
        submitter = report.submitted_by
        # A volunteer is not staff in the case rules: her report opens the case as a public one does.
        actor = submitter if submitter is not None and submitter.role != Role.VOLUNTEER else None
        person_actor = submitter
        review: dict[str, Any] = {}
        reporter = None
        if not payload.get("anonymous"):
            reporter = _person(
                payload.get("reporter"), actor=person_actor, province=province, role="reporter", review=review
            )
        subject = _person(
            payload.get("subject"), actor=person_actor, province=province, role="subject", review=review
        )
        location = payload.get("location") or {}
        attach_number = payload.get("attach_to")
        if attach_number:
            case = _attach(report=report, number=attach_number, actor=actor, people=(subject, reporter))
        else:
            case = case_services.case_create(
                actor=actor,
                channel=report.channel,
                summary=_summary(report.text, emergency_type, location),
                description=report.text,
                category=category,
                emergency_type=emergency_type,
                urgency=urgency,
                subject=subject,
                reporter=reporter,
                latitude=location.get("latitude"),
                longitude=location.get("longitude"),
                location_text=location.get("text", ""),
                province_code=province,
                district_code=district,
            )
        # Reports stored before the count was kept say nothing: their files are looked up.
        for row in report.files.all() if payload.get("files", 1) else ():
            with row.file.open("rb") as handle:
                data = handle.read()
            case_services.attachment_add(
                actor=actor, case=case, uploaded_file=ContentFile(data, name=row.original_name or "photo")
            )
        _reporter_subscribe(report, case)
        if unconfirmed and not attach_number:
            event_record(
                case=case,
                kind=events.EMERGENCY_UNCONFIRMED.kind,
                actor=actor,
                unit=case.owning_unit,
                data={
                    "emergency_type": unconfirmed.get("emergency_type", ""),
                    "confidence": unconfirmed.get("confidence"),
                    "report_id": report.public_id,
                },
            )
        if case.emergency_type and not attach_number:
            dispatch_request(case=case, new_case=True)  # made above, in this transaction
        report.case = case
        report.state = Report.State.PROCESSED
        report.triage = result.as_dict() if result is not None else None
        report.review = review
        report.processed_at = timezone.now()
        report.last_error = ""
        report.next_attempt_at = None
        report.save(
            update_fields=[
                "case",
                "state",
                "triage",
                "review",
                "processed_at",
                "last_error",
                "next_attempt_at",
                "updated_at",
            ]
        )
        if payload.get("call_id"):
            Call.objects.filter(call_id=payload["call_id"], case__isnull=True).update(
                case=case, report=report
            )
    return report


def _reporter_subscribe(report: Report, case: Case) -> None:
    """Tell the reporter of each new stage of her case (tracking), if she can be told and agreed.

    An SMS when she ticked the box by her mobile number (on the web form, or told the call-taker, who ticked
    it for her). A LINE push when she wrote through LINE, or a partner gave her LINE id: LINE is the chat she
    chose, where the answer comes back. An anonymous report keeps nobody to tell, except a LINE chat, whose
    answers go back to that chat alone.
    """
    payload = report.payload
    reporter = payload.get("reporter") or {}
    anonymous = bool(payload.get("anonymous"))
    wanted: list[dict[str, Any]] = []
    phone = reporter.get("phone")
    if payload.get("updates_by_sms") and phone and not anonymous:
        by_herself = report.submitted_by is None
        wanted.append(
            {
                "transport": Subscription.Transport.SMS,
                "address": phone,
                "method": Subscription.Method.WEB_FORM if by_herself else Subscription.Method.TOLD_STAFF,
                "recorded_by": report.submitted_by,
            }
        )
    line_user = reporter.get("line_user_id") or ""
    through_line = report.channel == Channel.LINE
    # People take any short token as a LINE id; only a real one ("U" and 32 hex digits) can be pushed to.
    if STRICT_LINE_USER_ID.match(line_user) and (through_line or not anonymous):
        wanted.append(
            {
                "transport": Subscription.Transport.LINE,
                "address": line_user,
                "method": Subscription.Method.LINE_CHAT if through_line else Subscription.Method.PARTNER,
            }
        )
    for fields in wanted:
        try:
            subscription_create(
                case=case, consented_at=report.created_at, report_ref=report.public_id, **fields
            )
        except ValueError:  # the input checks let through nothing unreachable; a notice never fails a report
            log.warning(
                "report %s: no %s notices, the address cannot take them",
                report.public_id,
                fields["transport"],
            )


def _attach(*, report: Report, number: str, actor: User | None, people: Sequence[Person | None]) -> Case:
    case = Case.objects.select_for_update().filter(number=number).first()
    if case is None:
        raise case_not_found()
    if actor is not None:
        _attachable(actor, case)
    elif case.status == Status.CLOSED:
        raise CASE_NOT_OPEN.error(field="attach_to")
    present = set(case.parties.values_list("person_id", "role"))
    for person, role in zip(people, (CaseParty.Role.SUBJECT, CaseParty.Role.REPORTER), strict=True):
        if person is not None and (person.pk, role) not in present:
            case_services._party_add(actor=actor, case=case, person=person, role=role)
    event_record(
        case=case,
        kind=events.REPORT_ADDED.kind,
        actor=actor,
        unit=actor.unit if actor is not None else case.owning_unit,
        data={"channel": report.channel, "report_id": report.public_id},
    )
    _location_fill(report=report, case=case, actor=actor)
    return case


def _location_fill(*, report: Report, case: Case, actor: User | None) -> None:
    """A case made without a point (an emergency whose location never came) takes the first one a later report
    brings, so the team sees where to go; a point already there is never moved by a report."""
    location = report.payload.get("location") or {}
    if case.latitude is not None or location.get("latitude") in (None, ""):
        return
    case.latitude, case.longitude = Decimal(location["latitude"]), Decimal(location["longitude"])
    if not case.location_text and location.get("text"):
        case.location_text = location["text"][:LOCATION_TEXT_MAX]
    case.save(update_fields=["latitude", "longitude", "location_text", "updated_at"])
    event_record(
        case=case,
        kind=events.LOCATION_ADDED.kind,
        actor=actor,
        unit=actor.unit if actor is not None else case.owning_unit,
        data={
            "location_text": case.location_text,
            "latitude": location["latitude"],
            "longitude": location["longitude"],
            "report_id": report.public_id,
        },
    )
    if case.emergency_type:
        # The team was alerted without a place: it is told the place now, once.
        dispatch_location_known(case=case)


# ---------------------------------------------------------------------------------------------------------------
# several reports of one incident


def incident_join(*, actor: User, case: Case, into: Case) -> Case:
    """Fold `case` into `into`: two open emergencies of the same type, both managed by the actor.

    Every report and person of `case` moves to `into` (the reports stay attached: each keeps its own text),
    `case` is closed with a pointer to `into`, and both timelines say so. Returns `into`.
    """
    if case.pk == into.pk:
        raise JOIN_NOT_SAME_INCIDENT.error(field="into")
    with transaction.atomic():
        first, second = sorted((case.pk, into.pk))
        locked = {
            c.pk: c for c in Case.objects.select_for_update().filter(pk__in=(first, second)).order_by("pk")
        }
        source, target = locked.get(case.pk), locked.get(into.pk)
        if source is None or target is None:
            raise case_not_found()
        for one in (source, target):
            level = access_level(actor, one)
            if level == Level.NONE:
                raise case_not_found()
            if level < Level.MANAGE:
                raise case_services.forbidden("join these cases", "รวมเรื่องเหล่านี้")
        if (
            not source.emergency_type
            or source.emergency_type != target.emergency_type
            or Status.CLOSED in (source.status, target.status)
        ):
            raise JOIN_NOT_SAME_INCIDENT.error(field="into")
        present = set(target.parties.values_list("person_id", "role"))
        for party in source.parties.select_related("person"):
            if (party.person_id, party.role) not in present:
                case_services._party_add(actor=actor, case=target, person=party.person, role=party.role)
        moved = list(Report.objects.filter(case=source).values_list("public_id", flat=True))
        Report.objects.filter(case=source).update(case=target, updated_at=timezone.now())
        event_record(
            case=target,
            kind=events.INCIDENT_JOINED.kind,
            actor=actor,
            data={"joined_number": source.number, "reports": moved},
        )
        event_record(
            case=source, kind=events.JOINED_INTO.kind, actor=actor, data={"into_number": target.number}
        )
        case_services.case_close(
            actor=actor, case=source, outcome=f"รวมกับเรื่อง {target.number} (เหตุการณ์เดียวกัน)"
        )
    target.refresh_from_db()
    return target
