"""Every API failure as one JSON shape: a stable code, Thai and English messages, and the fields at fault.

The services raise `RaksaError`s that already carry all of this; the rest (authentication, request validation,
unparseable bodies, unknown paths, wrong methods) is translated here so a client never has to parse HTML or
django-ninja's own `{"detail": ...}` bodies. The codes this layer produces itself are declared here, in the API's
part of the error catalogue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, URLResolver
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from raksa.core import errors as core_errors
from raksa.core.errors import ErrorCode, FieldError, RaksaError
from raksa.core.text import shown

logger = logging.getLogger("django.request")

INVALID_INPUT = ErrorCode(
    "invalid_input",
    400,
    "ข้อมูลไม่ถูกต้อง",
    "Invalid input",
    meaning="a field is missing, of the wrong type or not an allowed value; see `errors`",
)
UNAUTHORIZED = ErrorCode(
    "unauthorized",
    401,
    "ต้องเข้าสู่ระบบด้วยโทเคน",
    "A valid bearer token is required",
    meaning="no bearer token, or an unknown or revoked one",
)
FORBIDDEN = core_errors.FORBIDDEN.variant("ไม่มีสิทธิ์ดำเนินการนี้", "You are not allowed to do this")
NOT_FOUND = core_errors.NOT_FOUND.variant("ไม่พบข้อมูล", "Not found")
MALFORMED_BODY = ErrorCode(
    "malformed_body",
    400,
    "อ่านข้อมูลที่ส่งมาไม่ได้ ต้องเป็น JSON",
    "The request body is not valid JSON",
    meaning="the body is not JSON",
)
METHOD_NOT_ALLOWED = ErrorCode(
    "method_not_allowed",
    405,
    "ไม่รองรับวิธีเรียกนี้",
    "Method not allowed",
    meaning="the path exists but not with this HTTP method",
)
REQUEST_TOO_LARGE = ErrorCode(
    "request_too_large",
    400,
    "ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด",
    "The request body is larger than this API accepts",
    meaning="the body is larger than the server accepts (`RAKSA_REQUEST_MAX_BYTES`)",
)
THROTTLED = ErrorCode(
    "throttled",
    429,
    "เรียกใช้บ่อยเกินไป กรุณารอสักครู่",
    "Too many requests; try again shortly",
    meaning="too many requests",
)
SERVER_ERROR = ErrorCode(
    "server_error",
    500,
    "ระบบขัดข้อง กรุณาลองใหม่",
    "Internal error; please try again",
    meaning="an unexpected failure; nothing was saved",
)
# What this layer answers itself, whatever the operation.
API_ERRORS = (
    INVALID_INPUT,
    MALFORMED_BODY,
    UNAUTHORIZED,
    FORBIDDEN,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    REQUEST_TOO_LARGE,
    THROTTLED,
    SERVER_ERROR,
)
# Only inside `errors` of an invalid_input answer.
INVALID = ErrorCode(
    "invalid", 400, "รูปแบบข้อมูลไม่ถูกต้อง", "{detail}", meaning="a value of the wrong type or format"
)

# pydantic error types -> our code; `{detail}`, where a message has it, is pydantic's own precise English.
_INVALID_CHOICE = core_errors.INVALID_CHOICE.variant("ค่าไม่อยู่ในตัวเลือกที่กำหนด", "{detail}")
_FIELD_MESSAGES: dict[str, ErrorCode] = {
    "missing": core_errors.REQUIRED.variant("จำเป็นต้องระบุ", "This field is required"),
    "extra_forbidden": core_errors.UNKNOWN_FIELD.variant("ไม่รู้จักช่องข้อมูลนี้", "Unknown field"),
    "enum": _INVALID_CHOICE,
    "literal_error": _INVALID_CHOICE,
    "string_too_long": core_errors.TOO_LONG.variant("ข้อมูลยาวเกินกำหนด", "{detail}"),
    "string_too_short": core_errors.REQUIRED.variant("จำเป็นต้องระบุ", "{detail}"),
    "too_short": core_errors.TOO_SHORT.variant("ข้อมูลน้อยเกินไป", "{detail}"),
    "too_long": core_errors.TOO_LONG.variant("ข้อมูลมากเกินกำหนด", "{detail}"),
    "greater_than_equal": core_errors.OUT_OF_RANGE.variant("ค่าน้อยเกินกำหนด", "{detail}"),
    "less_than_equal": core_errors.OUT_OF_RANGE.variant("ค่ามากเกินกำหนด", "{detail}"),
}

# The first elements of a ninja error location say where the value came from, not which field it is.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def error_body(
    code: str, message_th: str, message_en: str, errors: list[FieldError] | None = None
) -> dict[str, Any]:
    return {
        "code": code,
        "message_th": message_th,
        "message_en": message_en,
        "errors": [e.as_dict() for e in errors or []],
    }


def field_name(loc: list[Any] | tuple[Any, ...], body_params: set[str]) -> str:
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # A body schema parameter (`payload`) is a name in our Python code, not in the caller's JSON.
        if source == "body" and parts and parts[0] in body_params:
            parts.pop(0)
    # A misspelt key is named back to the caller, but only as much of it as anyone needs to recognise it.
    return ".".join(shown(p) if isinstance(p, str) else str(p) for p in parts) or "body"


def field_errors(raw_errors: list[dict[str, Any]], body_params: set[str]) -> list[FieldError]:
    return [
        _FIELD_MESSAGES.get(raw.get("type", ""), INVALID).field_error(
            field_name(raw.get("loc", ()), body_params), detail=str(raw.get("msg", "Invalid value"))
        )
        for raw in raw_errors
    ]


def install(api: NinjaAPI, *, body_params: set[str]) -> None:
    """Replace django-ninja's default handlers with ones that answer in our error shape."""

    def respond(
        request: HttpRequest, error: ErrorCode, errors: list[FieldError] | None = None
    ) -> HttpResponse:
        body = error_body(error.code, error.message_th, error.message_en, errors)
        return api.create_response(request, body, status=error.status)

    def on_raksa_error(request: HttpRequest, exc: RaksaError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=exc.status)

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, INVALID_INPUT, field_errors(exc.errors, body_params))

    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, UNAUTHORIZED)
        response["WWW-Authenticate"] = "Bearer"
        return response

    def on_authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return respond(request, FORBIDDEN)

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, NOT_FOUND)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises HttpError(400) only when it cannot parse the body.
        if exc.status_code == 400:
            return respond(request, MALFORMED_BODY)
        if exc.status_code == 429:
            response = respond(request, THROTTLED)
            if isinstance(exc, Throttled) and exc.wait:
                response["Retry-After"] = str(exc.wait)
            return response
        return api.create_response(
            request, error_body(f"http_{exc.status_code}", str(exc), str(exc)), status=exc.status_code
        )

    def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # 400 rather than 413: every operation already documents 400 in the one error shape, and the code says why.
        return respond(request, REQUEST_TOO_LARGE)

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged on django.request so the usual error reporting still sees it; the client gets JSON, not HTML.
        logger.exception("Unhandled API error on %s", request.path, exc_info=exc)
        return respond(request, SERVER_ERROR)

    # ninja picks the handler of the nearest class in the exception's MRO, so `Exception` is only the fallback.
    handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
        RaksaError: on_raksa_error,
        ValidationError: on_validation_error,
        AuthenticationError: on_authentication_error,
        AuthorizationError: on_authorization_error,
        Http404: on_not_found,
        ObjectDoesNotExist: on_not_found,
        HttpError: on_http_error,
        RequestDataTooBig: on_too_large,
        Exception: on_unexpected,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, handler)


def json_error(error: ErrorCode) -> JsonResponse:
    return JsonResponse(
        error_body(error.code, error.message_th, error.message_en),
        status=error.status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_exempt  # a POST to a wrong path deserves a JSON 404, not the CSRF page
def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/v1/ that is not an endpoint."""
    return json_error(NOT_FOUND)


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)  # keeps ninja's csrf_exempt flag
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = json_error(METHOD_NOT_ALLOWED)
            response["Allow"] = allowed
        return response

    return wrapper


def with_json_405(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """ninja answers a wrong method with a plain-text 405 outside its exception handlers; make it JSON."""
    wrapped: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern = URLPattern(
                pattern.pattern,
                _json_method_not_allowed(pattern.callback),
                pattern.default_args,
                pattern.name,
            )
        wrapped.append(pattern)
    return wrapped
