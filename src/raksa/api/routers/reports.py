"""Partner reports: police, hospital OSCC and the 1111 line send what they were told into the one intake pipeline.

`POST /reports` calls `raksa.intake.services.report_submit` like every other channel (channel "api", the keys
being the client's own: source "api:<user id>"), so the report is stored before anything can fail, a retry with
the same `Idempotency-Key` finds the report already made, and the case is routed as any other. The answer shows
nothing about anyone beyond what the client sent: the case's number, tracking code, stage and owner, and the
triage of the client's own text, so the POST writes no access-log row. The read-back (`GET /reports/{id}`) may
be made by staff who were not the sender, so it is logged as a view of the case.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Header, Path, Router
from ninja import Status as HttpStatus

from raksa.accounts.models import Role, Service
from raksa.api import errors
from raksa.api.responses import answers
from raksa.api.schemas import IDEMPOTENCY_KEY, NO_NUL, ReportIn, ReportOut
from raksa.cases.access import Action, access_log_write, can_view
from raksa.cases.models import Channel
from raksa.core.errors import RaksaError
from raksa.intake.models import Report
from raksa.intake.selectors import report_get
from raksa.intake.services import IDEMPOTENCY_KEY_MAX, Submitted, report_process_attempt, report_submit

router = Router()

ReportId = Annotated[
    str, Path(max_length=64, pattern=NO_NUL, description="The report's public id (20 characters)")
]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX,
        pattern=IDEMPOTENCY_KEY,
        description=(
            f"1-{IDEMPOTENCY_KEY_MAX} visible ASCII characters (spaces only inside), unique per report, e.g. a "
            "UUID or the partner's own ticket number. The same key again answers the report already made."
        ),
    ),
]


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def source_of(user: Any) -> str:
    """Whose idempotency keys these are: each API client has its own, so two partners never collide."""
    return f"api:{user.pk}"


def report_answer(report: Report) -> dict[str, Any]:
    """The answer to POST and GET alike: the report as it now stands."""
    case = report.case if report.state == Report.State.PROCESSED else None
    payload = report.payload or {}
    if case is None:
        return {
            "report_id": report.public_id,
            "state": report.state,
            "case_number": None,
            "tracking_code": None,
            "public_stage": None,
            "emergency_type": payload.get("emergency_type") or None,
            "category": payload.get("category") or None,
            "owning_unit": None,
            "external_ref": payload.get("external_ref"),
            "triage": None,
        }
    return {
        "report_id": report.public_id,
        "state": report.state,
        "case_number": case.number,
        "tracking_code": case.tracking_code,
        "public_stage": case.public_stage,
        "emergency_type": case.emergency_type or None,
        "category": case.category,
        "owning_unit": case.owning_unit.code,
        "external_ref": payload.get("external_ref"),
        "triage": report.triage,
    }


def _may_report(user: Any) -> None:
    # A volunteer reports with the person's consent, on her own pages; a telephony account only posts calls.
    if user.role == Role.VOLUNTEER or user.service == Service.TELEPHONY:
        raise errors.FORBIDDEN.error()


_CREATE_DESCRIPTION = """\
For partner systems (police, hospital OSCC, the 1111 line). The report goes through the same pipeline as every
channel: stored first, then triage, people matched by national ID, phone or LINE id (an uncertain match is left
for a person at the 1300 centre, never merged), a case opened and routed to the responsible unit, and an
emergency handed to dispatch.

**Idempotency.** `Idempotency-Key` is required. The same key with the same body answers **200** with the same
report (nothing new is made, however often it is sent, also while the first request is still running); the same
key with a different body answers **409** `idempotency_key_reused` and changes nothing. Keys are per client.

**State.** Normally `processed`, with the case. If processing failed (`failed`), or the report was stored but not
yet processed (`received`), the report is kept and the worker retries it: the answer is still 201 (or 200), the
case fields are null, and `GET /reports/{report_id}` shows the case once it exists.

**Rules beyond the schema**, each answered 400 naming the field (`reporter.national_id`, `location.latitude`,
...): a national ID's check digit (`invalid_national_id`), a phone that is not a Thai number (`invalid_phone`),
coordinates outside Thailand (`outside_thailand`) or only one of them (`required`), a province or district code
not in geothai or a district outside its province (`unknown_area`), and `text` that is empty without an
`emergency_type` (`required`).
"""

_EXAMPLES = {
    "emergency": {
        "summary": "An emergency with a place",
        "value": {
            "text": "ชายคลุ้มคลั่งถือมีดไล่ทำร้ายคนในตลาด",
            "emergency_type": "frenzy",
            "location": {"latitude": 13.7563, "longitude": 100.5018, "text": "ตลาดบางกะปิ"},
            "anonymous": False,
            "external_ref": "POL-2569-000812",
        },
    },
    "referral": {
        "summary": "A hospital's referral with the people named",
        "value": {
            "text": "ผู้ป่วยหญิงถูกสามีทำร้ายร่างกาย มีลูกอายุ 5 ขวบ ต้องการที่พักพิง",
            "category": "family_violence",
            "reporter": {"name": "พยาบาล ศูนย์ OSCC", "phone": "021234567"},
            "subject": {"name": "สมศรี ใจดี", "phone": "0812345678", "national_id": "1101700203450"},
            "location": {"province_code": "10", "district_code": "1006"},
            "external_ref": "OSCC-7781",
        },
    },
}


def _with_examples(declared: dict[str, Any]) -> dict[str, Any]:
    # ninja merges openapi_extra into the operation: the request body keeps its schema and gains the examples.
    declared["openapi_extra"]["requestBody"] = {"content": {"application/json": {"examples": _EXAMPLES}}}
    return declared


@router.post(
    "",
    **_with_examples(answers({200: ReportOut, 201: ReportOut}, 409)),
    summary="Send a report",
    description=_CREATE_DESCRIPTION,
)
def reports_create(
    request: HttpRequest, payload: ReportIn, idempotency_key: IdempotencyKey
) -> HttpStatus[dict[str, Any]]:
    user = _user(request)
    _may_report(user)
    try:
        submitted = _submit(user, payload, idempotency_key)
    except RaksaError as error:
        # The service knows the key as a parameter; a client knows it as the header it sent.
        for field_error in error.errors:
            if field_error.field == "idempotency_key":
                field_error.field = "Idempotency-Key"
        raise
    report = submitted.report
    if not submitted.created:
        if report.state == Report.State.RECEIVED:
            # A retry while the first request is still processing the report: processing locks the report, so
            # this waits for it and then finds the case. A report whose first request died is processed here.
            report_process_attempt(report=report)
        report = report_get(public_id=report.public_id) or report
    # A new report comes back from processing with its case (and the case's unit) already loaded.
    return HttpStatus(201 if submitted.created else 200, report_answer(report))


def _submit(user: Any, payload: ReportIn, idempotency_key: str) -> Submitted:
    return report_submit(
        channel=Channel.API,
        source=source_of(user),
        idempotency_key=idempotency_key,
        text=payload.text,
        emergency_type=payload.emergency_type,
        category=payload.category,
        reporter=payload.reporter.model_dump() if payload.reporter else None,
        subject=payload.subject.model_dump() if payload.subject else None,
        location=payload.location.model_dump() if payload.location else None,
        anonymous=payload.anonymous,
        external_ref=payload.external_ref,
        actor=user,
    )


@router.get(
    "/{report_id}",
    **answers({200: ReportOut}, 404),
    summary="Read a report back",
    description=(
        "For the client that sent it, and for staff who may see its case; anyone else gets 404, as for a "
        "report that does not exist. A read of a processed report is access-logged as a view of its case."
    ),
)
def reports_get(request: HttpRequest, report_id: ReportId) -> dict[str, Any]:
    user = _user(request)
    report = report_get(public_id=report_id)
    case = report.case if report is not None else None
    sent_by_caller = report is not None and report.source == source_of(user)
    if report is None or not sent_by_caller and (case is None or not can_view(user, case)):
        raise errors.NOT_FOUND.error()
    if case is not None and report.state == Report.State.PROCESSED:
        access_log_write(user=user, action=Action.CASE_VIEW, case=case, request=request, channel="api")
    return report_answer(report)
