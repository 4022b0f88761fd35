"""What each operation answers: its success, and every failure it can give, each documented in the one error shape.

An operation declares `**answers({200: CaseOut}, 404, 409)`; every operation can also fail with 400 (a query,
path or body the schema refuses, or a rule it cannot state), 401 (no valid token), 403 (a caller without a unit)
and 500 (an unexpected failure), so those are always listed (an operation without a token, the public tracking
look-up, lists 400 and 500). Clients and the API fuzzing in CI (scripts/fuzz_api.py) both read the result: an
answer the schema does not list is a failure there.
"""

from __future__ import annotations

from typing import Any

from raksa.api.errors import API_ERRORS
from raksa.api.schemas import ErrorOut

ALWAYS = (400, 401, 403, 500)
PUBLIC = (400, 500)

# Beyond the API's own codes (raksa.api.errors.API_ERRORS), what a status means for any operation.
_MORE = {
    400: "or the code of a rule the schema cannot state (an unknown area, unit or person, a cursor not issued "
    "here, an outcome missing when closing); see the table in the API description",
    409: "`illegal_transition`, `referral_required`, `duplicate_referral`, `identifier_in_use`, "
    "`break_glass_not_needed` or `idempotency_key_reused`: the request conflicts with the current state",
    429: "`too_many_person_views`: the caller's hourly limit of person reads and searches is used up; "
    "`too_many_tracking_failures`: too many tracking look-ups that found nothing, from this address or of this "
    "code; `Retry-After` says when to try again",
}


def _description(status: int) -> str:
    own = [f"`{error.code}`: {error.meaning}" for error in API_ERRORS if error.status == status]
    return "; ".join([*own, *([_MORE[status]] if status in _MORE else [])])


def answers(success: dict[int, Any], *errors: int, public: bool = False) -> dict[str, Any]:
    """Keyword arguments for a router decorator: `response=` and the error statuses' descriptions. A `public`
    operation takes no token, so it never answers 401 or 403."""
    always = PUBLIC if public else ALWAYS
    statuses = sorted({*always, *errors})
    unknown = [status for status in statuses if not _description(status)]
    if unknown:
        raise ValueError(f"no description for status {unknown}: add its code to API_ERRORS or _MORE")
    return {
        "response": {**success, **dict.fromkeys(statuses, ErrorOut)},
        "openapi_extra": {
            "responses": {status: {"description": _description(status)} for status in statuses}
        },
    }
