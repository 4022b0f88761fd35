"""Raksa's own checks for `scripts/fuzz_api.py`, loaded by schemathesis as its hooks module.

The built-in `positive_data_acceptance` check expects every schema-valid request to succeed. Raksa's services
refuse some of them on purpose, for rules a JSON schema cannot state: an area code that is not in geothai, a unit
code that does not exist, a cursor this API never issued, an outcome that only closing needs. What must never
happen is the API's own request validation refusing what its published schema allows (or a service refusing a
length or a choice the schema already bounds): that is the schema lying to clients. `schema_valid_accepted`
checks exactly that, from the stable error code of the answer.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.generation.meta import REQUEST_SHAPE_PROBES, coverage_scenario

# Error codes that, answering a schema-valid request, mean the schema and the validation disagree: the request
# layer's own refusals, and service refusals of what the schema already bounds (a limit or a list of choices).
SCHEMA_MISMATCH_CODES = {
    "invalid_input",
    "malformed_body",
    "unknown_field",
    "too_long",
    "too_short",
    "invalid_choice",
    "out_of_range",
}
# What a schema-valid request may still get: success, the caller's rights, a missing resource, a conflict.
ACCEPTED_STATUSES = {401, 403, 404, 409}
ERROR_KEYS = {"code", "message_th", "message_en", "errors"}
FIELD_ERROR_KEYS = {"field", "code", "message_th", "message_en"}


def _probe(case: Any) -> bool:
    """A coverage request with a method the path does not have: checked by `unsupported_method` instead."""
    return coverage_scenario(case) in REQUEST_SHAPE_PROBES


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


@schemathesis.check
def schema_valid_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    meta = case.meta
    if meta is None or _probe(case) or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if 200 <= status < 300 or status in ACCEPTED_STATUSES or status >= 500:  # 5xx: not_a_server_error's
        return None
    body = _json(response)
    if status == 400 and isinstance(body, dict):
        codes = {body.get("code")} | {error.get("code") for error in body.get("errors") or []}
        mismatched = sorted(str(code) for code in codes & SCHEMA_MISMATCH_CODES)
        if not mismatched:
            return None  # a business rule beyond the schema, answered with its own code
        raise AssertionError(
            f"A schema-valid request was refused with {', '.join(mismatched)}: the schema allows what the API "
            f"refuses. Answer: {body}"
        )
    raise AssertionError(f"A schema-valid request was answered {status}")


@schemathesis.check
def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every failure, documented or not (a 405, a path that is not an endpoint), is the one JSON error shape."""
    if response.status_code < 400:
        return None
    body = _json(response)
    if not isinstance(body, dict) or set(body) != ERROR_KEYS:
        raise AssertionError(f"An error answer is not {{code, message_th, message_en, errors}}: {body!r}")
    if not all(isinstance(body[key], str) and body[key] for key in ("code", "message_th", "message_en")):
        raise AssertionError(f"An error answer has an empty code or message: {body!r}")
    errors = body["errors"]
    if not isinstance(errors, list) or any(
        not isinstance(error, dict) or set(error) != FIELD_ERROR_KEYS for error in errors
    ):
        raise AssertionError(
            f"An error answer's `errors` are not {{field, code, message_th, message_en}}: {errors!r}"
        )
    return None


# Operations the caller this check runs for (the 1300 centre's supervisor) can never complete by design: the
# centre sees every person in full, so breaking the glass is always 409 `break_glass_not_needed` for them. Its
# success is tested in tests/api/test_people_access_api.py.
NEVER_SUCCEED_FOR_CENTRE = {"POST /api/v1/people/{person_id}/break-glass"}


@schemathesis.check
class every_operation_succeeds:  # noqa: N801 - the check's name in schemathesis' output and configuration
    """Each tested operation answered 2xx at least once: it was exercised, not only refused.

    Off (`every_operation_succeeds.enabled = false`) for a caller who may see nothing: refusals are the point.
    """

    def __init__(self) -> None:
        self.tested: set[str] = set()
        self.succeeded: set[str] = set()

    def after_response(self, ctx: Any, response: Any, case: Any) -> None:
        label = case.operation.label
        self.tested.add(label)
        if 200 <= response.status_code < 300:
            self.succeeded.add(label)

    def after_run(self, ctx: Any) -> None:
        never = sorted(self.tested - self.succeeded - NEVER_SUCCEED_FOR_CENTRE)
        if never:
            raise AssertionError("Never answered 2xx: " + ", ".join(never))
