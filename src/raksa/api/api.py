"""The JSON API v1: one NinjaAPI, bearer tokens, and one error shape for everything."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from raksa.accounts.auth import BearerTokenAuth
from raksa.api import errors
from raksa.api.routers import cases, people
from raksa.core.errors import Forbidden
from raksa.people.services.validation import PHONES_MAX

# Codes raised by the services and surfaced unchanged (the API's own are in raksa.api.errors.API_CODES). A
# service error's top-level `code` is that of its first field error.
SERVICE_CODES: dict[str, tuple[int, str]] = {
    "required": (
        400,
        "a required value is empty, or only invisible characters (`summary`, a note's `body`, `outcome` when "
        "closing, `reason` when reopening)",
    ),
    "too_long": (400, "a text is longer than its limit"),
    "control_character": (
        400,
        "a text holds a control character: never NUL and the like; newline and tab only in a description, note, "
        "outcome or reason",
    ),
    "invalid_character": (400, "a text holds a lone surrogate (`\\ud800`), which is not a character"),
    "name_or_identifier_required": (400, "a person needs a name or nickname, or at least one identifier"),
    "too_many_phones": (400, f"more phones than a person may have (`phones`, at most {PHONES_MAX})"),
    "too_short": (400, "a break-the-glass `reason` is shorter than its limit"),
    "invalid_choice": (400, "not one of the allowed values"),
    "invalid_date": (400, "not a date (YYYY-MM-DD)"),
    "birth_date_in_future": (400, "`birth_date` is after today"),
    "age_out_of_range": (400, "`age` is not a plausible age"),
    "invalid_national_id": (400, "`national_id` is not 13 digits with a valid check digit"),
    "invalid_phone": (400, "a phone in `phones` is not a Thai number"),
    "invalid_passport": (400, "`passport` is not 5-20 letters or digits"),
    "invalid_line_user_id": (400, "`line_user_id` is not a LINE user id"),
    "invalid_nationality": (400, "`nationality` is not an ISO 3166 alpha-2 code"),
    "invalid_postal_code": (400, "`address.postal_code` is not a Thai postal code"),
    "unknown_area": (
        400,
        "a province, district or subdistrict code is not a geothai (DOPA) code, or a postal code is unused",
    ),
    "area_mismatch": (
        400,
        "a district or subdistrict is not inside the province or district given, or the postal code is not theirs",
    ),
    "emergency_type_required": (400, "urgency `emergency` needs one of the five emergency types"),
    "unknown_person": (400, "`subject_id`, `reporter_id` or a party's `person_id` does not exist"),
    "unknown_unit": (400, "`to_unit` is not a unit code"),
    "unit_inactive": (400, "`to_unit` is no longer active"),
    "same_unit": (400, "a case cannot be referred to the unit that owns it"),
    "invalid_cursor": (400, "`cursor` was not returned by this API"),
    "identifier_in_use": (
        409,
        "the national ID, passport, phone or LINE id already belongs to another person",
    ),
    "illegal_transition": (409, "the status machine does not allow this move from the case's current status"),
    "referral_required": (409, "`referred` is reached by creating a referral, not by a status change"),
    "duplicate_referral": (409, "the case is already referred to this unit"),
    "break_glass_not_needed": (409, "the caller already sees the person's full record"),
    "too_many_person_views": (429, "over the hourly limit of person reads and searches; see `Retry-After`"),
}


def _description() -> str:
    rows = sorted({**errors.API_CODES, **SERVICE_CODES}.items(), key=lambda item: (item[1][0], item[0]))
    table = "\n".join(f"| `{code}` | {status} | {meaning} |" for code, (status, meaning) in rows)
    return f"""\
Raksa's case logbook over HTTP, with the same permissions as the staff workspace.

**Authentication.** Send `Authorization: Bearer rk_...` (create one with `raksa token create`). Staff without a
unit get `403 forbidden` everywhere. A case or person the caller may not see answers `404 not_found`, exactly
like one that does not exist. Every read of a case or a person, and every people search, is access-logged.

**People.** A person is named by a public id (20 characters), never a row id. What a caller sees of a person
follows one rule (who can see one of their cases, or the 1300 centre's intake roles: the full record; anyone else:
a limited view, with `POST /people/{id}/break-glass` to open the full record for a while, logged and told to the
area's supervisors); person reads and searches are limited per caller and hour.

**Errors.** Every failure is JSON:
`{{"code": "...", "message_th": "...", "message_en": "...", "errors": [{{"field", "code", "message_th",
"message_en"}}]}}`. `code` is stable; `errors` names each field at fault (nested fields with dots:
`parties.0.role`, `address.province_code`). A failed request saves nothing.

| code | HTTP | meaning |
|---|---|---|
{table}

Inside `errors` of an `invalid_input` answer (the request did not match the schema), each field has one of
`required`, `unknown_field` (a key the endpoint does not take), `invalid_choice`, `too_long`, `too_short`,
`out_of_range` or `invalid` (wrong type or format).
"""


class ThaiJSONRenderer(JSONRenderer):
    """UTF-8 as is: Thai names and messages stay readable in logs and curl, not \\u0e2a escapes."""

    json_dumps_params = {"ensure_ascii": False}


class StaffBearer(BearerTokenAuth):
    """A valid token of a user who belongs to a unit; without a unit there is nothing the user may see."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = super().authenticate(request, token)
        if user and getattr(user, "unit_id", None) is None:
            code, message_th, message_en = errors.FORBIDDEN
            raise Forbidden(code=code, message_th=message_th, message_en=message_en)
        return user


api = NinjaAPI(
    title="Raksa API",
    version="1",
    description=_description(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=StaffBearer(),
    renderer=ThaiJSONRenderer(),
)
errors.install(api, body_params={"payload"})
api.add_router("/people", people.router, tags=["people"])
api.add_router("/cases", cases.router, tags=["cases"])
