"""Writes on cases: keyword-only services, each one transaction that changes the case and records exactly the
timeline events for that change (through the typed recorders of cases/events.py, built on event_record).

Every service that touches an existing case locks its row (select_for_update) and checks access on the locked
row first: a case the actor cannot see raises NotFound (the same error as a missing case), a case the actor may
see but not change raises Forbidden. Only then is the input validated, so bad input never hints at hidden cases.
Nothing is partly saved: each service runs in transaction.atomic().

Decisions (see also cases/statuses.py for the status table and cases/access.py for who may do what):
- A new case always starts as "new"; emergencies skip screening by moving new -> active (intake/dispatch do so).
- Setting urgency: an emergency type forces urgency "emergency"; "emergency" without a type is refused.
- case_change_status is the one entry point for a status field: "closed" there means case_close (reason is the
  outcome), leaving "closed" means case_reopen (reason required), and "referred" is refused with
  Conflict("referral_required") because a referral row must say to whom (use referral_create).
- A referral may be made from new, screening, active or referred: referring is a decision to act, so a new or
  screening case is taken on (active) and referred in one step; the event records the status it came from.
  It goes from the owning unit (even when the centre or a supervisor makes it) to a different, active unit, never
  twice to the same unit while one is pending or accepted.
- Only members of the receiving unit accept or decline. A decline needs a reason; when it leaves the case with no
  pending or accepted referral, the case goes back to "active" with its owner.
- Assigning the same worker again changes nothing and records nothing; the assignee must be able to see the case.
- A public note (public_note_add) is the one text the reporter reads on the tracking page: short, one line, by
  anyone who may write notes on the case, and never with an identifier of someone on the case (their phone, a
  national ID) in it. It is an event, not a Note: it is never edited, and the timeline shows it as written.
- Every text goes through core.text.clean_text (NFC, control characters refused, invisible characters removed)
  and has a limit below; the workspace's forms and the API's schemas use the same constants.
- Attachments: size from settings.RAKSA_ATTACHMENT_MAX_BYTES, type from the file's own bytes (core.filetypes;
  never the name or the client's content type), allowed types from settings.RAKSA_ATTACHMENT_TYPES; a page or an
  SVG image is refused by name. One file is kept once per case (sha256): the same bytes again answer the row
  already there, with no second event. The file is written before the row; if this service fails afterwards the
  file is deleted again. (If a caller's outer transaction rolls back later, the file stays on disk as an orphan
  without a row: harmless, and never served.)
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

from raksa.accounts.models import User
from raksa.cases import events, statuses
from raksa.cases.access import (
    Level,
    can_view,
    case_not_found,
    forbidden,
    require,
    staff_unit,
    volunteer_follows,
)
from raksa.cases.errors import (
    ASSIGNEE_NO_ACCESS,
    BOTH_COORDINATES,
    CASE_CLOSED,
    COORDINATE_OUT_OF_RANGE,
    DUPLICATE_PARTY,
    DUPLICATE_REFERRAL,
    EMERGENCY_TYPE_REQUIRED,
    FILE_EMPTY,
    FILE_MARKUP_NOT_ALLOWED,
    FILE_TOO_LARGE,
    FILE_TYPE_NOT_ALLOWED,
    FOLLOW_UP_CASE_CLOSED,
    NO_ROUTE,
    PUBLIC_NOTE_PERSONAL_DATA,
    REFERRAL_ANSWERED,
    REFERRAL_REQUIRED,
    REOPEN_NOT_CLOSED,
    SAME_UNIT,
    UNIT_INACTIVE,
)
from raksa.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseParty,
    CaseSequence,
    Channel,
    EmergencyType,
    Note,
    Referral,
    Status,
    Urgency,
)
from raksa.core.areas import area_check
from raksa.core.errors import INVALID_CHOICE, NOT_FOUND, NotFound, invalid_input
from raksa.core.filetypes import MARKUP_TYPES
from raksa.core.filetypes import sniff_content_type as sniff_content_type
from raksa.core.identifiers import is_valid_national_id, normalize_phone, thai_digits_to_arabic
from raksa.core.ids import buddhist_year, format_case_number, new_tracking_code
from raksa.core.text import clean_text, shown, strip_invisible
from raksa.directory.models import Category, Unit
from raksa.directory.selectors import route_for
from raksa.people.models import Identifier, Person
from raksa.people.selectors import person_survivor

BANGKOK_TZ = ZoneInfo("Asia/Bangkok")
# The longest text each field takes, in characters. The workspace's forms and the API's schemas use these same
# constants, and where a column has a width it is this one (tests/cases/test_text_limits.py holds them together).
SUMMARY_MAX = 300
# About ten pages: a call-taker's account of a long call, or a partner's referral letter pasted in.
DESCRIPTION_MAX = 20_000
LOCATION_TEXT_MAX = 500
OUTCOME_MAX = 500
# Why a status changed, or why a closed case is opened again.
STATUS_REASON_MAX = 500
NOTE_MAX = 20_000
REFERRAL_REASON_MAX = 2_000
DECLINE_REASON_MAX = 500
# "นัดเยี่ยมบ้านวันที่ 5 เวลา 10 โมง": a line for the public, not a case note.
PUBLIC_NOTE_MAX = 200
TRACKING_CODE_TRIES = 8


# ---------------------------------------------------------------------------------------------------------------
# validation helpers


def _choice(value: Any, choices: Iterable[str], field: str, what_th: str, what_en: str) -> str:
    if not isinstance(value, str) or value not in set(choices):
        raise INVALID_CHOICE.error(field=field, what_th=what_th, what_en=what_en, value=shown(value))
    return str(value)


def _required_text(
    value: Any, field: str, what_th: str, what_en: str, max_length: int, *, multiline: bool = True
) -> str:
    return clean_text(
        value,
        field=field,
        max_length=max_length,
        multiline=multiline,
        required=True,
        what_th=what_th,
        what_en=what_en,
    )


def validate_area(
    province_code: str = "", district_code: str = "", subdistrict_code: str = ""
) -> tuple[str, str, str]:
    """Check geothai (DOPA) codes and fill the larger areas from the smaller ones.

    Returns (province, district, subdistrict). Unknown codes raise InvalidInput "unknown_area", codes that do not
    nest raise "area_mismatch", each naming its field.
    """
    area, problems = area_check(province_code, district_code, subdistrict_code)
    if problems:
        raise invalid_input(problems[:1])
    return area.province_code, area.district_code, area.subdistrict_code


def _coordinate(value: Any, field: str, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not -limit <= number <= limit:
        raise COORDINATE_OUT_OF_RANGE.error(field=field, limit=limit)
    return number.quantize(Decimal("0.000001"))


def _role(role: str) -> str:
    return _choice(role, CaseParty.Role.values, "role", "บทบาทของบุคคลในเรื่อง", "party role")


def _lock(case: Case) -> Case:
    """The case row, locked for this transaction (only the case row: never its unit, which many cases share)."""
    try:
        return Case.objects.select_for_update(of=("self",)).select_related("owning_unit").get(pk=case.pk)
    except Case.DoesNotExist:
        raise case_not_found() from None


# ---------------------------------------------------------------------------------------------------------------
# numbers and routing


def case_number_next(*, today: Any = None) -> str:
    """The next `2569-000123` number: Buddhist-era year of the Bangkok date, then a per-year sequence.

    On PostgreSQL each year has its own database sequence (`raksa_case_number_2569`), made on the year's first
    case and started after the highest number already used: `nextval` takes no lock, so cases are opened in
    parallel. A number whose transaction rolls back is not given again (a gap, never a duplicate). On SQLite,
    which runs one writer at a time anyway, the year's CaseSequence row is locked until the caller's transaction
    ends and numbers have no gaps.
    """
    be_year = buddhist_year(today or timezone.localdate(timezone=BANGKOK_TZ))
    if connection.vendor == "postgresql":
        return format_case_number(be_year, _sequence_next(be_year))
    with transaction.atomic():
        CaseSequence.objects.get_or_create(year=be_year)
        sequence = CaseSequence.objects.select_for_update().get(year=be_year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return format_case_number(be_year, sequence.last)


def _highest_number_used(be_year: int) -> int:
    row = CaseSequence.objects.filter(year=be_year).first()
    highest = row.last if row is not None else 0
    # Numbers are zero-padded to six digits, so the greatest string is the greatest number below a million.
    top = (
        Case.objects.filter(number__startswith=f"{be_year}-")
        .order_by("-number")
        .values_list("number", flat=True)
    )
    for number in top[:1]:
        highest = max(highest, int(number.split("-", 1)[1]))
    return highest


# The years' sequences this process knows exist, so each case skips the look-up. A sequence is never dropped,
# but the one a transaction made goes with it if that transaction rolls back: a name is added on commit only.
_SEQUENCES_SEEN: set[tuple[str, str]] = set()


def _sequence_next(be_year: int) -> int:
    name = f"raksa_case_number_{int(be_year)}"
    seen = (connection.settings_dict["NAME"], name)
    with connection.cursor() as cursor:
        if seen not in _SEQUENCES_SEEN:
            cursor.execute("SELECT to_regclass(%s)", [name])
            exists = cursor.fetchone()[0] is not None
        if seen not in _SEQUENCES_SEEN and not exists:
            try:
                with transaction.atomic():
                    start = _highest_number_used(be_year) + 1
                    cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {start}")
            except (IntegrityError, ProgrammingError):
                pass  # another transaction made it at the same moment: use theirs
        cursor.execute("SELECT nextval(%s)", [name])
        number = int(cursor.fetchone()[0])
    if seen not in _SEQUENCES_SEEN:
        transaction.on_commit(lambda: _SEQUENCES_SEEN.add(seen))
    return number


def _tracking_code_new() -> str:
    for _ in range(TRACKING_CODE_TRIES):
        code = new_tracking_code()
        if not Case.objects.filter(tracking_code=code).exists():
            return code
    raise RuntimeError("could not find a free tracking code")  # 40 random bits: practically unreachable


def _route(*, category: str, province_code: str, district_code: str, emergency: bool) -> Unit:
    """The unit that owns a case nobody assigned: the directory's routing, else the 1300 centre."""
    try:
        return route_for(
            category=category,
            province_code=province_code or None,
            district_code=district_code or None,
            emergency=emergency,
        )
    except NotFound:
        # The directory is not loaded: the centre still takes the call rather than losing the report.
        centre = Unit.objects.filter(kind=Unit.Kind.CENTRE, is_active=True).order_by("code").first()
        if centre is None:
            raise NO_ROUTE.error(field="owning_unit") from None
        return centre


# ---------------------------------------------------------------------------------------------------------------
# cases


def case_create(
    *,
    actor: User | None,
    channel: str,
    summary: str,
    description: str = "",
    category: str = Category.OTHER,
    emergency_type: str = "",
    urgency: str | None = None,
    subject: Person | None = None,
    reporter: Person | None = None,
    parties: Iterable[tuple[Person, str]] = (),
    latitude: Any = None,
    longitude: Any = None,
    location_text: str = "",
    province_code: str = "",
    district_code: str = "",
    subdistrict_code: str = "",
    owning_unit: Unit | None = None,
) -> Case:
    """Open a case: number, tracking code, owner (routed when not given), people involved, "created" event.

    `actor` is None for public channels (web form, LINE) where no staff member is involved yet; a staff actor
    must belong to a unit.
    """
    if actor is not None and staff_unit(actor) is None:
        raise forbidden("open a case", "เปิดเรื่อง")
    channel = _choice(channel, Channel.values, "channel", "ช่องทาง", "channel")
    category = _choice(category or Category.OTHER, Category.values, "category", "ประเภทปัญหา", "category")
    emergency_type = emergency_type or ""
    if emergency_type:
        emergency_type = _choice(
            emergency_type, EmergencyType.values, "emergency_type", "ประเภทเหตุฉุกเฉิน", "emergency type"
        )
        urgency = Urgency.EMERGENCY
    else:
        urgency = _choice(urgency or Urgency.NORMAL, Urgency.values, "urgency", "ระดับความเร่งด่วน", "urgency")
        if urgency == Urgency.EMERGENCY:
            raise EMERGENCY_TYPE_REQUIRED.error(field="urgency")
    summary = _required_text(summary, "summary", "สรุปเรื่อง", "summary", SUMMARY_MAX, multiline=False)
    description = clean_text(
        description,
        field="description",
        max_length=DESCRIPTION_MAX,
        multiline=True,
        what_th="รายละเอียด",
        what_en="description",
    )
    location_text = clean_text(
        location_text,
        field="location_text",
        max_length=LOCATION_TEXT_MAX,
        what_th="สถานที่",
        what_en="location text",
    )
    lat = _coordinate(latitude, "latitude", 90)
    lon = _coordinate(longitude, "longitude", 180)
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        raise BOTH_COORDINATES.error(field=missing)
    province, district, subdistrict = validate_area(province_code, district_code, subdistrict_code)
    people: list[tuple[Person, str]] = []
    if subject is not None:
        people.append((subject, CaseParty.Role.SUBJECT))
    if reporter is not None:
        people.append((reporter, CaseParty.Role.REPORTER))
    people.extend((person, _role(role)) for person, role in parties)

    if owning_unit is None:
        owning_unit = _route(
            category=category,
            province_code=province,
            district_code=district,
            emergency=bool(emergency_type),
        )
    elif not owning_unit.is_active:
        raise UNIT_INACTIVE.error(field="owning_unit")
    survivors: list[tuple[Person, str]] = []
    for person, role in people:
        person = person_survivor(person)
        if (person.pk, role) not in {(p.pk, r) for p, r in survivors}:
            survivors.append((person, role))

    # Every check is made above, so nothing raised in here is caught and recovered: no savepoint is needed
    # when the caller's transaction is open (intake's), and an error fails it as it would with one.
    with transaction.atomic(savepoint=False):
        case = Case.objects.create(
            number=case_number_next(),
            tracking_code=_tracking_code_new(),
            status=Status.NEW,
            emergency_type=emergency_type,
            category=category,
            urgency=urgency,
            channel=channel,
            summary=summary,
            description=description,
            latitude=lat,
            longitude=lon,
            location_text=location_text,
            province_code=province,
            district_code=district,
            subdistrict_code=subdistrict,
            owning_unit=owning_unit,
            created_by=actor,
        )
        added = CaseParty.objects.bulk_create(
            [CaseParty(case=case, person=person, role=role) for person, role in survivors]
        )
        events.event_case_opened(case=case, actor=actor, parties=added)
    return case


def _party_add(*, actor: User | None, case: Case, person: Person, role: str) -> CaseParty:
    party = CaseParty.objects.create(case=case, person=person, role=role)
    events.event_party_added(case=case, actor=actor, party=party)
    return party


def case_add_party(*, actor: User, case: Case, person: Person, role: str) -> CaseParty:
    """Record one more person involved (subject, reporter, alleged perpetrator, guardian)."""
    with transaction.atomic():
        locked = _lock(case)
        require(actor, locked, Level.WRITE)
        role = _role(role)
        person = person_survivor(person)
        if CaseParty.objects.filter(case=locked, person=person, role=role).exists():
            raise DUPLICATE_PARTY.error(field="person")
        return _party_add(actor=actor, case=locked, person=person, role=role)


def case_change_status(*, actor: User, case: Case, status: str, reason: str = "") -> Case:
    """Move a case along the status table (cases/statuses.py). Same status or a move the table lacks: Conflict."""
    status = _choice(status, Status.values, "status", "สถานะ", "status")
    if status == Status.CLOSED:
        return case_close(actor=actor, case=case, outcome=reason)
    with transaction.atomic():
        locked = _lock(case)
        require(actor, locked, Level.MANAGE)
        if locked.status == Status.CLOSED and status == Status.ACTIVE:
            return case_reopen(actor=actor, case=locked, reason=reason)
        statuses.check_transition(locked.status, status)
        if status == Status.REFERRED:
            raise REFERRAL_REQUIRED.error(field="status")
        reason = clean_text(
            reason,
            field="reason",
            max_length=STATUS_REASON_MAX,
            multiline=True,
            what_th="เหตุผล",
            what_en="reason",
        )
        previous = locked.status
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        events.event_status_changed(
            case=locked, actor=actor, from_status=previous, to_status=status, reason=reason
        )
    return locked


def case_close(*, actor: User, case: Case, outcome: str) -> Case:
    """Close a case with its outcome (required)."""
    with transaction.atomic():
        locked = _lock(case)
        require(actor, locked, Level.MANAGE)
        statuses.check_transition(locked.status, Status.CLOSED)
        outcome = _required_text(outcome, "outcome", "ผลการดำเนินการ", "outcome", OUTCOME_MAX)
        previous = locked.status
        locked.status = Status.CLOSED
        locked.outcome = outcome
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
        events.event_case_closed(case=locked, actor=actor, from_status=previous, outcome=outcome)
    return locked


def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    """Bring a closed case back to "active" (reason required); the old outcome stays in the timeline."""
    with transaction.atomic():
        locked = _lock(case)
        require(actor, locked, Level.MANAGE)
        if locked.status != Status.CLOSED:
            raise REOPEN_NOT_CLOSED.error(field="status", status=locked.status)
        reason = _required_text(reason, "reason", "เหตุผลในการเปิดเรื่องใหม่", "reason", STATUS_REASON_MAX)
        previous_outcome = locked.outcome
        locked.status = Status.ACTIVE
        locked.outcome = ""
        locked.closed_at = None
        locked.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
        events.event_case_reopened(case=locked, actor=actor, reason=reason, previous_outcome=previous_outcome)
    return locked


def case_assign(*, actor: User, case: Case, assignee: User | None) -> Case:
    """Give the case to a worker (None: nobody). The worker must be able to see the case."""
    with transaction.atomic():
        locked = _lock(case)
        require(actor, locked, Level.MANAGE)
        if assignee is not None and not (assignee.is_active and can_view(assignee, locked)):
            raise ASSIGNEE_NO_ACCESS.error(field="assignee")
        new_id = assignee.pk if assignee is not None else None
        if locked.assigned_to_id == new_id:
            return locked
        previous = locked.assigned_to_id
        locked.assigned_to = assignee
        locked.save(update_fields=["assigned_to", "updated_at"])
        events.event_case_assigned(case=locked, actor=actor, assignee=assignee, previous_assignee_id=previous)
    return locked


# ---------------------------------------------------------------------------------------------------------------
# notes and attachments


def note_add(*, actor: User, case: Case, body: str) -> Note:
    with transaction.atomic():
        locked = _lock(case)
        require(actor, locked, Level.WRITE)
        body = _required_text(body, "body", "ข้อความบันทึก", "note", NOTE_MAX)
        note = Note.objects.create(case=locked, author=actor, body=body)
        events.event_note_added(case=locked, actor=actor, note=note)
    return note


def note_add_follow_up(*, volunteer: User, case: Case, body: str) -> Note:
    """A community volunteer's follow-up on a case she reported: a Note like any other, which the case's workers
    read on the case page, recorded as a "follow_up_added" event so the timeline says it came from a volunteer.

    The rule is cases/access.py's (volunteer_follows): a case she does not follow is missing (NotFound), a closed
    one is a Conflict. Staff add notes with note_add, never this.
    """
    with transaction.atomic():
        locked = _lock(case)
        if not volunteer_follows(volunteer, locked):
            raise case_not_found()
        if locked.status == Status.CLOSED:
            raise FOLLOW_UP_CASE_CLOSED.error(field="body")
        body = _required_text(body, "body", "ข้อความบันทึก", "note", NOTE_MAX)
        note = Note.objects.create(case=locked, author=volunteer, body=body)
        events.event_follow_up_added(case=locked, volunteer=volunteer, note=note)
    return note


# A run of digits as people write numbers: 081-234-5678, 1 1017 00203 45 0, ๐๘๑ ๒๓๔ ๕๖๗๘.
_NUMBER_RUN = re.compile(r"\d(?:[\d\s().-]*\d)?")


def _names_someone(text: str, case: Case) -> bool:
    """True when the text holds a national ID, or a phone number of someone on the case."""
    runs = [
        "".join(ch for ch in run if ch.isdigit()) for run in _NUMBER_RUN.findall(thai_digits_to_arabic(text))
    ]
    if any(len(digits) == 13 and is_valid_national_id(digits) for digits in runs):
        return True
    phones = {normalize_phone(digits) for digits in runs} - {None}
    if not phones:
        return False
    on_case = CaseParty.objects.filter(case=case).values("person_id")
    return Identifier.objects.filter(
        person_id__in=on_case, kind=Identifier.Kind.PHONE, value__in=sorted(p for p in phones if p)
    ).exists()


def public_note_add(*, actor: User, case: Case, text: str) -> CaseEvent:
    """A short message to the reporter, shown on the tracking page after its second factor (see the module)."""
    with transaction.atomic():
        locked = _lock(case)
        require(actor, locked, Level.WRITE)
        text = _required_text(
            text, "text", "ข้อความถึงผู้แจ้ง", "message to the reporter", PUBLIC_NOTE_MAX, multiline=False
        )
        if _names_someone(text, locked):
            raise PUBLIC_NOTE_PERSONAL_DATA.error(field="text")
        return events.event_public_note_added(case=locked, actor=actor, text=text)


def _read_limited(uploaded_file: Any, limit: int) -> bytes:
    """At most limit + 1 bytes: enough to tell that a file is too large without reading all of it."""
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    parts: list[bytes] = []
    total = 0
    chunks = uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else iter([uploaded_file.read()])
    for chunk in chunks:
        parts.append(chunk)
        total += len(chunk)
        if total > limit:
            break
    return b"".join(parts)[: limit + 1]


def _original_name(uploaded_file: Any) -> str:
    """The uploader's file name, kept as a label only (downloads get a generated one): no folders, no control or
    invisible characters (U+202E makes "gpj.exe" read "exe.jpg")."""
    name = os.path.basename(strip_invisible(str(getattr(uploaded_file, "name", "") or "")))
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or "file"


def _type_refused(content_type: str | None) -> Exception:
    if content_type in MARKUP_TYPES:
        return FILE_MARKUP_NOT_ALLOWED.error(field="file")
    return FILE_TYPE_NOT_ALLOWED.error(field="file")


def attachment_add(*, actor: User | None, case: Case, uploaded_file: Any) -> Attachment:
    """Store a photo, document, recording or text on the case (MEDIA_ROOT, by content hash).

    `actor` None is intake's pipeline moving a public report's own files onto its case: no staff member, so no
    access check (the pipeline made or chose the case).

    The same bytes twice on one case are one attachment: the second call returns the row already there with
    `is_duplicate` set, writes no file and records no event.
    """
    max_bytes: int = settings.RAKSA_ATTACHMENT_MAX_BYTES
    allowed: dict[str, str] = settings.RAKSA_ATTACHMENT_TYPES
    stored_name = sha256 = ""
    try:
        with transaction.atomic():
            locked = _lock(case)
            if actor is not None:
                require(actor, locked, Level.WRITE)
            size = getattr(uploaded_file, "size", None)
            if size is not None and size > max_bytes:
                raise _too_large(max_bytes)
            data = _read_limited(uploaded_file, max_bytes)
            if len(data) > max_bytes:
                raise _too_large(max_bytes)
            if not data:
                raise FILE_EMPTY.error(field="file")
            content_type = sniff_content_type(data)
            if content_type is None or content_type not in allowed:
                raise _type_refused(content_type)
            sha256 = hashlib.sha256(data).hexdigest()
            # The case row is locked, so a concurrent upload of the same file waits here and then finds this one.
            existing = Attachment.objects.filter(case=locked, sha256=sha256).first()
            if existing is not None:
                existing.is_duplicate = True
                return existing
            original_name = _original_name(uploaded_file)
            attachment = Attachment(
                case=locked,
                original_name=original_name,
                content_type=content_type,
                size=len(data),
                sha256=sha256,
                extension=allowed[content_type],
                uploaded_by=actor,
            )
            attachment.file.save(original_name, ContentFile(data), save=False)
            stored_name = attachment.file.name or ""
            attachment.save()
            events.event_attachment_added(case=locked, actor=actor, attachment=attachment)
    except IntegrityError:
        # Only the unique (case, sha256) constraint gets here, if a writer did not lock the case first.
        if stored_name:
            default_storage.delete(stored_name)
        existing = Attachment.objects.filter(case_id=case.pk, sha256=sha256).first()
        if existing is None:
            raise
        existing.is_duplicate = True
        return existing
    except BaseException:
        if stored_name:
            default_storage.delete(stored_name)
        raise
    return attachment


def _too_large(max_bytes: int) -> Exception:
    mb = max_bytes / (1024 * 1024)
    return FILE_TOO_LARGE.error(field="file", mb=mb)


# ---------------------------------------------------------------------------------------------------------------
# referrals

_OPEN = (Referral.State.PENDING, Referral.State.ACCEPTED)


def referral_create(*, actor: User, case: Case, to_unit: Unit, reason: str) -> Referral:
    """Refer a case from its owning unit to another unit; the case becomes "referred"."""
    with transaction.atomic():
        locked = _lock(case)
        require(actor, locked, Level.MANAGE)
        if locked.status == Status.CLOSED:
            raise statuses.illegal_transition(Status.CLOSED, Status.REFERRED)
        reason = _required_text(reason, "reason", "เหตุผลในการส่งต่อ", "reason", REFERRAL_REASON_MAX)
        if to_unit.pk == locked.owning_unit_id:
            raise SAME_UNIT.error(field="to_unit")
        if not to_unit.is_active:
            raise UNIT_INACTIVE.error(field="to_unit")
        if Referral.objects.filter(case=locked, to_unit=to_unit, state__in=_OPEN).exists():
            raise DUPLICATE_REFERRAL.error(field="to_unit")
        previous = locked.status
        referral = Referral.objects.create(
            case=locked, from_unit=locked.owning_unit, to_unit=to_unit, reason=reason, created_by=actor
        )
        if previous != Status.REFERRED:
            locked.status = Status.REFERRED
            locked.save(update_fields=["status", "updated_at"])
        events.event_referral_created(case=locked, actor=actor, referral=referral, from_status=previous)
    return referral


def _lock_referral(actor: User, referral: Referral) -> tuple[Referral, Case]:
    # Case first, then referral: the same order as referral_create, so the two never deadlock.
    case_id = Referral.objects.filter(pk=referral.pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise NOT_FOUND.error(what_th="การส่งต่อ", what_en="Referral")
    case = _lock(Case(pk=case_id))
    locked = Referral.objects.select_for_update(of=("self",)).select_related("to_unit").get(pk=referral.pk)
    require(actor, case, Level.READ)
    if staff_unit(actor) is None or actor.unit_id != locked.to_unit_id:
        raise forbidden("decide on a referral to another unit", "ตอบรับหรือปฏิเสธการส่งต่อของหน่วยงานอื่น")
    if locked.state != Referral.State.PENDING:
        raise REFERRAL_ANSWERED.error(field="state", state=locked.state)
    if case.status == Status.CLOSED:
        raise CASE_CLOSED.error(field="status")
    return locked, case


def referral_accept(*, actor: User, referral: Referral) -> Referral:
    """The receiving unit takes the referral on: its members may now write notes and attachments."""
    with transaction.atomic():
        locked, case = _lock_referral(actor, referral)
        locked.state = Referral.State.ACCEPTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
        events.event_referral_accepted(case=case, actor=actor, referral=locked)
    return locked


def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    """The receiving unit declines (reason required); with no other open referral the case is active again."""
    with transaction.atomic():
        locked, case = _lock_referral(actor, referral)
        reason = _required_text(reason, "reason", "เหตุผลในการปฏิเสธ", "reason", DECLINE_REASON_MAX)
        locked.state = Referral.State.DECLINED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decline_reason = reason
        locked.save(update_fields=["state", "decided_by", "decided_at", "decline_reason", "updated_at"])
        previous = case.status
        still_open = Referral.objects.filter(case=case, state__in=_OPEN).exclude(pk=locked.pk).exists()
        if previous == Status.REFERRED and not still_open:
            case.status = Status.ACTIVE
            case.save(update_fields=["status", "updated_at"])
        events.event_referral_declined(case=case, actor=actor, referral=locked, from_status=previous)
    return locked


__all__ = [
    "attachment_add",
    "case_add_party",
    "case_assign",
    "case_change_status",
    "case_close",
    "case_create",
    "case_number_next",
    "case_reopen",
    "note_add",
    "referral_accept",
    "referral_create",
    "referral_decline",
    "sniff_content_type",
    "validate_area",
]
