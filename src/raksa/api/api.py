"""The JSON API v1: one NinjaAPI, bearer tokens, and one error shape for everything."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from raksa.accounts.auth import BearerTokenAuth
from raksa.accounts.models import Role
from raksa.api import errors
from raksa.api.routers import calls, cases, people, reports, tracking
from raksa.core.errors import error_catalogue


def _description() -> str:
    # Every app's catalogue, so a code a service can raise is documented as soon as it is declared.
    rows = sorted(error_catalogue().values(), key=lambda error: (error.status, error.code))
    table = "\n".join(f"| `{e.code}` | {e.status} | {e.meaning} |" for e in rows)
    return f"""\
Raksa's case logbook over HTTP, with the same permissions as the staff workspace.

**Authentication.** Send `Authorization: Bearer rk_...` (create one with `raksa token create`). Staff without a
unit, and community volunteers (who are not staff), get `403 forbidden` everywhere. A case or person the caller may not see answers `404 not_found`, exactly
like one that does not exist. Every read of a case or a person, and every people search, is access-logged.

**People.** A person is named by a public id (20 characters), never a row id. What a caller sees of a person
follows one rule (who can see one of their cases, or the 1300 centre's intake roles: the full record; anyone else:
a limited view, with `POST /people/{id}/break-glass` to open the full record for a while, logged and told to the
area's supervisors); person reads and searches are limited per caller and hour.

**Tracking.** `GET /track/{{code}}` is public: no token, for the person who asked for help (see the operation).

**Calls.** `POST /calls/incoming` is for the telephony system only: a token of a service user made with
`raksa token create --service telephony`. That token is refused (403) everywhere else, and staff tokens are
refused there.

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
    """A valid token of a user who belongs to a unit; without a unit there is nothing the user may see. A
    community volunteer is not staff (cases.access.staff_unit): the API is not hers either."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = super().authenticate(request, token)
        if user and (getattr(user, "unit_id", None) is None or getattr(user, "role", None) == Role.VOLUNTEER):
            raise errors.FORBIDDEN.error()
        # A service account (the telephony system) may post call events and read nothing of a person's.
        if user and getattr(user, "service", ""):
            raise errors.FORBIDDEN.error()
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
api.add_router("/reports", reports.router, tags=["reports"])
api.add_router("/calls", calls.router, tags=["calls"])
api.add_router("/track", tracking.router, tags=["tracking"])
