"""Request and response shapes of the JSON API (pydantic v2, through django-ninja's Schema).

Input schemas forbid unknown fields: a misspelt key ("nationalid") is answered with an error naming it instead of
being silently dropped, which would save a person without the identifier the caller meant to send.

The published schema is a promise both ways, and the API fuzzing in CI (scripts/fuzz_api.py) holds it to it:
what the schema allows, the request validation takes, and what it forbids is refused. So limits are checked on the
text as sent (the services trim it afterwards), numbers and dates must arrive as JSON numbers and strings (not
`false` for an age or `0` for a date), and where a service has a hard limit the schema states the same one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Discriminator, Field, Tag, field_validator

from raksa.cases.models import (
    Case,
    CaseEvent,
    CaseParty,
    Channel,
    EmergencyType,
    PublicStage,
    Referral,
    Status,
    Urgency,
)
from raksa.cases.person_access import BREAK_GLASS_REASON_MAX, BREAK_GLASS_REASON_MIN, LimitedPerson
from raksa.cases.selectors import cases_for_person
from raksa.cases.services import (
    DESCRIPTION_MAX,
    LOCATION_TEXT_MAX,
    NOTE_MAX,
    OUTCOME_MAX,
    REFERRAL_REASON_MAX,
    STATUS_REASON_MAX,
    SUMMARY_MAX,
)
from raksa.directory.models import Category
from raksa.intake.services import EXTERNAL_REF_MAX as REPORT_EXTERNAL_REF_MAX
from raksa.intake.services import LOCATION_TEXT_MAX as REPORT_LOCATION_TEXT_MAX
from raksa.intake.services import NAME_MAX as REPORT_NAME_MAX
from raksa.intake.services import REPORT_TEXT_MAX
from raksa.people.models import CitizenshipStatus, Person, Sex
from raksa.people.services.validation import (
    ADDRESS_TEXT_MAX,
    IDENTIFIER_INPUT_MAX,
    OTHER_ID_MAX,
    PHONES_MAX,
    TEXT_MAX,
)

# Like the workspace's person page: enough for any real history, bounded for a person on thousands of cases.
PERSON_CASES_MAX = 200
# A number is taken as text and so names nobody (400 `unknown_person`), as a row id must.
PUBLIC_ID = "The person's public id (20 characters); row ids are never accepted"

# Text may hold anything but NUL, which no form accepts and PostgreSQL cannot store.
NO_NUL = r"^[^\x00]*$"
# DOPA area codes and a postal code, or nothing; whether the code exists is the services' check.
PROVINCE = r"^([0-9]{2})?$"
DISTRICT = r"^([0-9]{4})?$"
SUBDISTRICT = r"^([0-9]{6})?$"
POSTAL_CODE = r"^([0-9]{5})?$"


def json_number(*fields: str) -> Any:
    """pydantic's lax mode takes `true` as 1 and "12" as 12; the schema (a JSON number) does not."""

    def check(value: Any) -> Any:
        if isinstance(value, bool | str):
            raise ValueError("Input should be a JSON number")
        return value

    return field_validator(*fields, mode="before")(check)


def json_string(*fields: str) -> Any:
    """... and an integer as a date (seconds since 1970), where the schema has a string."""

    def check(value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise ValueError("Input should be a string")
        return value

    return field_validator(*fields, mode="before")(check)


def text_field(default: Any = "", *, max_length: int, **kwargs: Any) -> Any:
    """A text field: at most `max_length` characters as sent, and no NUL."""
    return Field(default, max_length=max_length, pattern=kwargs.pop("pattern", NO_NUL), **kwargs)


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


# --- errors -----------------------------------------------------------------------------------------------------


class FieldErrorOut(Schema):
    field: str
    code: str
    message_th: str
    message_en: str


class ErrorOut(Schema):
    """The one shape of every failure, whatever its status."""

    code: str = Field(description="Stable, machine-readable error code (see the API description)")
    message_th: str
    message_en: str
    errors: list[FieldErrorOut] = Field(description="One entry per field at fault; empty when none is")


# --- people -----------------------------------------------------------------------------------------------------


class AddressIn(InputSchema):
    text: str = text_field(max_length=ADDRESS_TEXT_MAX)
    province_code: str = text_field(max_length=2, pattern=PROVINCE, description="2-digit DOPA province code")
    district_code: str = text_field(max_length=4, pattern=DISTRICT, description="4-digit DOPA district code")
    subdistrict_code: str = text_field(
        max_length=6, pattern=SUBDISTRICT, description="6-digit DOPA subdistrict code"
    )
    postal_code: str = text_field(max_length=5, pattern=POSTAL_CODE)


class AddressOut(Schema):
    text: str
    province_code: str
    district_code: str
    subdistrict_code: str
    postal_code: str
    is_current: bool


class IdentifierOut(Schema):
    kind: str
    value: str
    label: str


class PersonIn(InputSchema):
    title: str = text_field(max_length=TEXT_MAX["title"])
    first_name_th: str = text_field(max_length=TEXT_MAX["first_name_th"])
    last_name_th: str = text_field(max_length=TEXT_MAX["last_name_th"])
    first_name_en: str = text_field(max_length=TEXT_MAX["first_name_en"])
    last_name_en: str = text_field(max_length=TEXT_MAX["last_name_en"])
    nickname: str = text_field(max_length=TEXT_MAX["nickname"])
    sex: Sex = Sex.UNKNOWN
    birth_date: dt.date | None = None
    age: int | None = Field(None, ge=0, le=130, description="Stated age, when the birth date is unknown")
    nationality: str = text_field(
        "TH", max_length=2, pattern=r"^([A-Za-z]{2})?$", description="ISO 3166 alpha-2, e.g. TH, MM"
    )
    status: CitizenshipStatus = CitizenshipStatus.UNKNOWN
    national_id: str | None = text_field(
        None, max_length=IDENTIFIER_INPUT_MAX, description="13 digits; the check digit must be valid"
    )
    passport: str | None = text_field(None, max_length=OTHER_ID_MAX)
    phones: list[Annotated[str, Field(max_length=IDENTIFIER_INPUT_MAX, pattern=NO_NUL)]] = Field(
        default_factory=list,
        max_length=PHONES_MAX,
        description=f"Thai numbers; +66 and Thai digits accepted; at most {PHONES_MAX}",
    )
    line_user_id: str | None = text_field(None, max_length=OTHER_ID_MAX)
    address: AddressIn | None = None

    _numbers = json_number("age")
    _strings = json_string("birth_date")


class PersonSummary(Schema):
    """A person on a case the caller may see: shown in full (raksa.cases.person_access)."""

    id: str = Field(alias="public_id", description=PUBLIC_ID)
    display_name: str
    title: str
    first_name_th: str
    last_name_th: str
    first_name_en: str
    last_name_en: str
    nickname: str
    sex: str
    birth_year: int | None
    province_code: str


class PersonFoundOut(Schema):
    """One person a search found, as much as the caller may see: `nickname` and `sex` are null when `access` is
    `limited`, and GET /people/{id} answers in the same shape of view."""

    id: str = Field(alias="public_id", description=PUBLIC_ID)
    access: Literal["full", "limited"]
    display_name: str
    title: str
    first_name_th: str
    last_name_th: str
    first_name_en: str
    last_name_en: str
    nickname: str | None
    sex: str | None
    birth_year: int | None
    province_code: str


class CaseSummary(Schema):
    number: str
    tracking_code: str
    status: str
    public_stage: str
    category: str
    emergency_type: str
    urgency: str
    channel: str
    summary: str
    province_code: str
    owning_unit: str = Field(description="Unit code")
    created_at: dt.datetime

    @staticmethod
    def resolve_owning_unit(obj: Case) -> str:
        return obj.owning_unit.code


class PersonOut(PersonSummary):
    """The full record: for a caller who can see one of the person's cases, the 1300 centre's intake roles, and a
    caller who broke the glass (until `break_glass_until`)."""

    access: Literal["full"] = Field(
        description="`full`: identifiers, addresses and the caller's visible cases"
    )
    birth_date: dt.date | None
    birth_year_estimated: bool
    nationality: str
    status: str
    identifiers: list[IdentifierOut]
    addresses: list[AddressOut]
    cases: list[CaseSummary] = Field(
        description=f"Only the cases the caller may see, newest first (at most {PERSON_CASES_MAX})"
    )
    break_glass_until: dt.datetime | None = Field(
        description="When the record was opened by breaking the glass: when it closes again to the caller"
    )
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_access(obj: Person) -> str:
        return "full"

    @staticmethod
    def resolve_break_glass_until(obj: Person) -> dt.datetime | None:
        # Set by the people router from raksa.cases.person_access when the view rests on a grant.
        grant = getattr(obj, "raksa_break_glass", None)
        return grant.expires_at if grant is not None else None

    @staticmethod
    def resolve_cases(obj: Person, context: dict[str, Any]) -> list[Case]:
        # The person index is shared, the cases are not: filter with the caller's own visibility rules.
        user = context["request"].auth
        return list(cases_for_person(user=user, person=obj).select_related("owning_unit")[:PERSON_CASES_MAX])


class AgencyOut(Schema):
    code: str
    name_th: str
    name_en: str


class PersonLimitedOut(Schema):
    """The limited view: only what keeps anyone from creating the same person twice. Never an identifier, an
    address, a phone, a case number or anything else about a case."""

    id: str = Field(alias="public_id", description=PUBLIC_ID)
    access: Literal["limited"] = Field(
        description="`limited`: POST /people/{id}/break-glass with a reason opens the full record for a while"
    )
    display_name: str
    title: str
    first_name_th: str
    last_name_th: str
    first_name_en: str
    last_name_en: str
    birth_year: int | None
    province_code: str
    agencies: list[AgencyOut] = Field(
        description="The agencies that hold a case on the person (not the cases)"
    )

    @staticmethod
    def resolve_access(obj: LimitedPerson) -> str:
        return "limited"


def _person_view_kind(value: Any) -> str:
    # Called with what the router returns (a LimitedPerson or a Person) and, when serialising, with the schema.
    if isinstance(value, dict):
        return "limited" if value.get("access") == "limited" else "full"
    return "limited" if isinstance(value, LimitedPerson | PersonLimitedOut) else "full"


PersonViewOut = Annotated[
    Annotated[PersonOut, Tag("full")] | Annotated[PersonLimitedOut, Tag("limited")],
    Discriminator(_person_view_kind),
]


class BreakGlassIn(InputSchema):
    reason: str = text_field(
        ...,
        min_length=BREAK_GLASS_REASON_MIN,
        max_length=BREAK_GLASS_REASON_MAX,
        description=(
            f"Why the full record is needed, {BREAK_GLASS_REASON_MIN}-{BREAK_GLASS_REASON_MAX} characters, at "
            f"least {BREAK_GLASS_REASON_MIN} of them visible; the area's supervisors are told, with this reason"
        ),
    )


# --- cases ------------------------------------------------------------------------------------------------------


class PartyIn(InputSchema):
    person_id: str = text_field(..., max_length=64, coerce_numbers_to_str=True, description=PUBLIC_ID)
    role: CaseParty.Role


COORDINATE = "Degrees (WGS 84), kept to 6 decimal places"


def coordinate(value: float | None) -> Decimal | None:
    """As stored: a phone's 15 digits rounded to the column's 6 places (about 10 cm)."""
    return None if value is None else Decimal(f"{value:.6f}")


class CaseIn(InputSchema):
    summary: str = text_field(..., min_length=1, max_length=SUMMARY_MAX)
    description: str = text_field(max_length=DESCRIPTION_MAX)
    channel: Channel = Channel.API
    category: Category = Category.OTHER
    emergency_type: EmergencyType | None = Field(None, description="Only for the five emergencies")
    urgency: Urgency | None = Field(None, description="Derived from the emergency type when left out")
    subject_id: str | None = text_field(
        None, max_length=64, coerce_numbers_to_str=True, description=PUBLIC_ID
    )
    reporter_id: str | None = text_field(
        None, max_length=64, coerce_numbers_to_str=True, description=PUBLIC_ID
    )
    parties: list[PartyIn] = Field(default_factory=list)
    latitude: float | None = Field(None, ge=-90, le=90, description=COORDINATE)
    longitude: float | None = Field(None, ge=-180, le=180, description=COORDINATE)
    location_text: str = text_field(max_length=LOCATION_TEXT_MAX)
    province_code: str = text_field(max_length=2, pattern=PROVINCE, description="2-digit DOPA province code")
    district_code: str = text_field(max_length=4, pattern=DISTRICT, description="4-digit DOPA district code")
    subdistrict_code: str = text_field(
        max_length=6, pattern=SUBDISTRICT, description="6-digit DOPA subdistrict code"
    )

    _numbers = json_number("latitude", "longitude")


class PartyOut(Schema):
    role: str
    person: PersonSummary


class NoteIn(InputSchema):
    body: str = text_field(..., min_length=1, max_length=NOTE_MAX)


class NoteOut(Schema):
    id: int
    body: str
    author: str = Field(description="Username")
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return obj.author.username


class StatusIn(InputSchema):
    status: Status
    reason: str = text_field(
        max_length=STATUS_REASON_MAX, description="Required when reopening a closed case"
    )
    outcome: str = text_field(max_length=OUTCOME_MAX, description="Required when closing")


class ReferralIn(InputSchema):
    to_unit: str = text_field(..., min_length=1, max_length=32, description="Unit code, e.g. dcy-hq")
    reason: str = text_field(..., min_length=1, max_length=REFERRAL_REASON_MAX)


class ReferralOut(Schema):
    id: int
    from_unit: str
    to_unit: str
    reason: str
    state: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decline_reason: str

    @staticmethod
    def resolve_from_unit(obj: Referral) -> str:
        return obj.from_unit.code

    @staticmethod
    def resolve_to_unit(obj: Referral) -> str:
        return obj.to_unit.code


class CaseOut(CaseSummary):
    description: str
    latitude: Decimal | None
    longitude: Decimal | None
    location_text: str
    district_code: str
    subdistrict_code: str
    assigned_to: str | None = Field(description="Username")
    outcome: str
    closed_at: dt.datetime | None
    updated_at: dt.datetime
    parties: list[PartyOut]
    referrals: list[ReferralOut]
    notes: list[NoteOut]

    @staticmethod
    def resolve_assigned_to(obj: Case) -> str | None:
        return obj.assigned_to.username if obj.assigned_to else None

    @staticmethod
    def resolve_parties(obj: Case) -> list[CaseParty]:
        return list(obj.parties.select_related("person"))

    @staticmethod
    def resolve_referrals(obj: Case) -> list[Referral]:
        return list(obj.referrals.select_related("from_unit", "to_unit"))

    @staticmethod
    def resolve_notes(obj: Case) -> list[Any]:
        return list(obj.notes.select_related("author"))


class CaseListOut(Schema):
    items: list[CaseSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class EventOut(Schema):
    id: int
    kind: str
    actor: str | None = Field(description="Username")
    unit: str | None = Field(description="Unit code")
    data: dict[str, Any]
    created_at: dt.datetime

    @staticmethod
    def resolve_actor(obj: CaseEvent) -> str | None:
        return obj.actor.username if obj.actor else None

    @staticmethod
    def resolve_unit(obj: CaseEvent) -> str | None:
        return obj.unit.code if obj.unit else None


# --- the access log ---------------------------------------------------------------------------------------------


class AccessLogOut(Schema):
    at: dt.datetime
    user: str | None = Field(description="Username; null for a command run on the server")
    unit: str | None = Field(description="The user's unit code")
    action: str = Field(
        description="case_view, case_search, case_notes, access_history, ... (cases.access.Action)"
    )
    channel: str = Field(description="web, api, admin or cli")

    @staticmethod
    def resolve_user(obj: Any) -> str | None:
        return obj.user.username if obj.user else None

    @staticmethod
    def resolve_unit(obj: Any) -> str | None:
        return obj.user.unit.code if obj.user and obj.user.unit else None


class AccessLogPageOut(Schema):
    items: list[AccessLogOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


# --- partner reports (POST /reports) ----------------------------------------------------------------------------

# An HTTP header value as it arrives: visible ASCII, with spaces only inside (a server trims them at the ends).
IDEMPOTENCY_KEY = r"^[!-~]([ -~]*[!-~])?$"


def json_bool(*fields: str) -> Any:
    """pydantic's lax mode takes "yes", "1" and 0 as booleans; the schema (a JSON boolean) does not."""

    def check(value: Any) -> Any:
        if not isinstance(value, bool):
            raise ValueError("Input should be a JSON boolean")
        return value

    return field_validator(*fields, mode="before")(check)


class ReportPartyIn(InputSchema):
    """Someone named in a report, as the partner knows them; matched to a person by the pipeline, never merged."""

    name: str | None = text_field(None, max_length=REPORT_NAME_MAX, description="Full name, Thai or English")
    phone: str | None = text_field(
        None, max_length=IDENTIFIER_INPUT_MAX, description="Thai number; +66 and Thai digits accepted"
    )
    national_id: str | None = text_field(
        None, max_length=IDENTIFIER_INPUT_MAX, description="13 digits; the check digit must be valid"
    )
    line_user_id: str | None = text_field(None, max_length=OTHER_ID_MAX)


class ReportLocationIn(InputSchema):
    latitude: float | None = Field(
        None, ge=-90, le=90, description=f"{COORDINATE}; must be inside Thailand, with `longitude`"
    )
    longitude: float | None = Field(
        None, ge=-180, le=180, description=f"{COORDINATE}; must be inside Thailand, with `latitude`"
    )
    text: str | None = text_field(None, max_length=REPORT_LOCATION_TEXT_MAX, description="The place in words")
    province_code: str | None = text_field(
        None, max_length=2, pattern=PROVINCE, description="2-digit DOPA province code"
    )
    district_code: str | None = text_field(
        None, max_length=4, pattern=DISTRICT, description="4-digit DOPA district code, in the province"
    )

    _numbers = json_number("latitude", "longitude")


class ReportIn(InputSchema):
    text: str = text_field(
        ...,
        max_length=REPORT_TEXT_MAX,
        description="What happened, as told; may be empty only when `emergency_type` is given",
    )
    emergency_type: EmergencyType | None = Field(
        None, description="One of the five emergencies; null lets triage decide from the text"
    )
    category: Category | None = Field(None, description="Problem category; null lets triage decide")
    reporter: ReportPartyIn | None = Field(None, description="Who reports (left out when `anonymous`)")
    subject: ReportPartyIn | None = Field(None, description="Who the report is about, when someone else")
    location: ReportLocationIn | None = None
    anonymous: bool = Field(False, description="The reporter asked not to be named: no reporter is recorded")
    external_ref: str | None = text_field(
        None,
        max_length=REPORT_EXTERNAL_REF_MAX,
        description="The partner's own reference, e.g. a police ticket",
    )

    _booleans = json_bool("anonymous")


class ReportOut(Schema):
    """The report and, once processed, the case it became. Nothing about any person beyond what was sent."""

    report_id: str = Field(description="The report's public id (20 characters), for GET /reports/{report_id}")
    state: Literal["received", "processed", "failed"] = Field(
        description=(
            "`processed`: the case is open (below); `received` or `failed`: stored, not yet a case, retried by "
            "the worker (the case fields are null until then; read it back later)"
        )
    )
    case_number: str | None = Field(description="e.g. 2569-000123; null until processed")
    tracking_code: str | None = Field(description="For the public tracking page; null until processed")
    public_stage: str | None = Field(description="The case's public stage; null until processed")
    emergency_type: EmergencyType | None = Field(description="The case's, once processed; else as sent")
    category: Category | None = Field(description="The case's, once processed; else as sent")
    owning_unit: str | None = Field(
        description="Code of the unit the case was routed to; null until processed"
    )
    external_ref: str | None = Field(description="As sent")
    triage: dict[str, Any] | None = Field(
        description="What the Thai triage read in the text (emergency type, category, urgency, entities, routing)"
    )


# --- public tracking ------------------------------------------------------------------------------------------


class TrackStageOut(Schema):
    stage: PublicStage
    at: dt.datetime | None = Field(
        description="When the case entered this stage (Bangkok time, to the minute). Without the second factor "
        "only the current stage has one; with it, null means not reached (or not needed for this case)"
    )


class TrackHistoryOut(Schema):
    stage: PublicStage
    stage_th: str
    stage_en: str
    at: dt.datetime


class TrackAgencyOut(Schema):
    name_th: str
    name_en: str


class TrackNoteOut(Schema):
    at: dt.datetime
    text: str = Field(description="Written by the case's staff for the reporter: the only free text shown")


class TrackOut(Schema):
    """A case as the public may see it: its stage, never its content, never a person, never an internal id."""

    code: str = Field(description="The tracking code, in its canonical form (XXXX-XXXX-C)")
    stage: PublicStage = Field(description="The current public stage")
    stage_th: str
    stage_en: str
    stages: list[TrackStageOut] = Field(description="The seven public stages, in order")
    next_step_th: str = Field(description="What happens next, and how long the owning unit usually takes")
    next_step_en: str
    agency: TrackAgencyOut | None = Field(
        None, description="With the second factor only: the public name of the unit handling the case"
    )
    history: list[TrackHistoryOut] | None = Field(
        None, description="With the second factor only: every move into a stage, oldest first"
    )
    public_notes: list[TrackNoteOut] | None = Field(
        None, description="With the second factor only: messages from staff to the reporter, newest first"
    )
