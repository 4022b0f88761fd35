"""Every API failure as one JSON shape: a stable code, Thai and English messages, and the fields at fault.

The services raise `RaksaError`s that already carry all of this; the rest (authentication, request validation,
unparseable bodies, unknown paths, wrong methods) is translated here so a client never has to parse HTML or
django-ninja's own `{"detail": ...}` bodies.
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

from raksa.core.errors import FieldError, RaksaError
from raksa.core.text import shown

logger = logging.getLogger("django.request")

INVALID_INPUT = ("invalid_input", "ข้อมูลไม่ถูกต้อง", "Invalid input")
UNAUTHORIZED = ("unauthorized", "ต้องเข้าสู่ระบบด้วยโทเคน", "A valid bearer token is required")
FORBIDDEN = ("forbidden", "ไม่มีสิทธิ์ดำเนินการนี้", "You are not allowed to do this")
NOT_FOUND = ("not_found", "ไม่พบข้อมูล", "Not found")
MALFORMED_BODY = ("malformed_body", "อ่านข้อมูลที่ส่งมาไม่ได้ ต้องเป็น JSON", "The request body is not valid JSON")
METHOD_NOT_ALLOWED = ("method_not_allowed", "ไม่รองรับวิธีเรียกนี้", "Method not allowed")
REQUEST_TOO_LARGE = (
    "request_too_large",
    "ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด",
    "The request body is larger than this API accepts",
)
THROTTLED = ("throttled", "เรียกใช้บ่อยเกินไป กรุณารอสักครู่", "Too many requests; try again shortly")
SERVER_ERROR = ("server_error", "ระบบขัดข้อง กรุณาลองใหม่", "Internal error; please try again")

# The stable codes this layer produces itself; services add their own (listed in the API description).
API_CODES: dict[str, tuple[int, str]] = {
    "invalid_input": (400, "a field is missing, of the wrong type or not an allowed value; see `errors`"),
    "malformed_body": (400, "the body is not JSON"),
    "unauthorized": (401, "no bearer token, or an unknown or revoked one"),
    "forbidden": (403, "the caller has no unit, or may read this case but not change it"),
    "not_found": (404, "missing, or not visible to the caller: the two are never told apart"),
    "method_not_allowed": (405, "the path exists but not with this HTTP method"),
    "request_too_large": (400, "the body is larger than the server accepts (`RAKSA_REQUEST_MAX_BYTES`)"),
    "throttled": (429, "too many requests"),
    "server_error": (500, "an unexpected failure; nothing was saved"),
}

# pydantic error types -> (our code, Thai, English); English falls back to pydantic's own precise message.
_FIELD_MESSAGES: dict[str, tuple[str, str, str | None]] = {
    "missing": ("required", "จำเป็นต้องระบุ", "This field is required"),
    "extra_forbidden": ("unknown_field", "ไม่รู้จักช่องข้อมูลนี้", "Unknown field"),
    "enum": ("invalid_choice", "ค่าไม่อยู่ในตัวเลือกที่กำหนด", None),
    "literal_error": ("invalid_choice", "ค่าไม่อยู่ในตัวเลือกที่กำหนด", None),
    "string_too_long": ("too_long", "ข้อมูลยาวเกินกำหนด", None),
    "string_too_short": ("required", "จำเป็นต้องระบุ", None),
    "too_short": ("too_short", "ข้อมูลน้อยเกินไป", None),
    "too_long": ("too_long", "ข้อมูลมากเกินกำหนด", None),
    "greater_than_equal": ("out_of_range", "ค่าน้อยเกินกำหนด", None),
    "less_than_equal": ("out_of_range", "ค่ามากเกินกำหนด", None),
}
_DEFAULT_FIELD_MESSAGE = ("invalid", "รูปแบบข้อมูลไม่ถูกต้อง", None)

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
    errors = []
    for raw in raw_errors:
        code, th, en = _FIELD_MESSAGES.get(raw.get("type", ""), _DEFAULT_FIELD_MESSAGE)
        errors.append(
            FieldError(
                field=field_name(raw.get("loc", ()), body_params),
                code=code,
                message_th=th,
                message_en=en or str(raw.get("msg", "Invalid value")),
            )
        )
    return errors


def install(api: NinjaAPI, *, body_params: set[str]) -> None:
    """Replace django-ninja's default handlers with ones that answer in our error shape."""

    def respond(
        request: HttpRequest,
        status: int,
        message: tuple[str, str, str],
        errors: list[FieldError] | None = None,
    ) -> HttpResponse:
        return api.create_response(request, error_body(*message, errors), status=status)

    def on_raksa_error(request: HttpRequest, exc: RaksaError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=exc.status)

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, 400, INVALID_INPUT, field_errors(exc.errors, body_params))

    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, 401, UNAUTHORIZED)
        response["WWW-Authenticate"] = "Bearer"
        return response

    def on_authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return respond(request, 403, FORBIDDEN)

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 404, NOT_FOUND)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises HttpError(400) only when it cannot parse the body.
        if exc.status_code == 400:
            return respond(request, 400, MALFORMED_BODY)
        if exc.status_code == 429:
            response = respond(request, 429, THROTTLED)
            if isinstance(exc, Throttled) and exc.wait:
                response["Retry-After"] = str(exc.wait)
            return response
        return api.create_response(
            request, error_body(f"http_{exc.status_code}", str(exc), str(exc)), status=exc.status_code
        )

    def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # 400 rather than 413: every operation already documents 400 in the one error shape, and the code says why.
        return respond(request, 400, REQUEST_TOO_LARGE)

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged on django.request so the usual error reporting still sees it; the client gets JSON, not HTML.
        logger.exception("Unhandled API error on %s", request.path, exc_info=exc)
        return respond(request, 500, SERVER_ERROR)

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


def json_error(status: int, message: tuple[str, str, str]) -> JsonResponse:
    return JsonResponse(
        error_body(*message),
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_exempt  # a POST to a wrong path deserves a JSON 404, not the CSRF page
def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/v1/ that is not an endpoint."""
    return json_error(404, NOT_FOUND)


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)  # keeps ninja's csrf_exempt flag
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = json_error(405, METHOD_NOT_ALLOWED)
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
