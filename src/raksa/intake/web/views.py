"""Web reporting at /report/: no login, Thai first, made for a phone, working with JavaScript off.

Both forms go through intake.services.report_submit (channel and source "web", the form's token as the
idempotency key). Around it, for every POST: the request size is checked before anything is read (a clear
page, never a bare 400), then the client address's rate limits (core.ratelimit; a 429 page with Retry-After),
then the honeypot (a filled one is answered exactly like a success, with a made-up report id, and stores
nothing; it still counts against the rate limit). Reports that the service refuses, or that a double click
sent again, hand their count back. After a report: Post/Redirect/Get to /report/sent/<id>/, which shows the
tracking code only to the browser that sent it (a signed cookie naming the reports it sent) and a generic
thank-you to anyone else, for any id, so the page tells nobody whether a report exists.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import signing
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from raksa.cases.models import Case, EmergencyType
from raksa.core.client import client_address
from raksa.core.errors import RaksaError
from raksa.core.forms import bilingual
from raksa.core.ratelimit import Limit, RateDecision, rate_give_back, rate_take
from raksa.intake import services as intake
from raksa.intake.errors import IDEMPOTENCY_KEY_REUSED, TOO_MANY_REPORTS
from raksa.intake.models import Report
from raksa.intake.selectors import report_get
from raksa.intake.web.forms import (
    EmergencyForm,
    ProblemForm,
    district_choices,
    new_token,
    service_errors_add,
)
from raksa.people.models import is_public_id, new_public_id
from raksa.tracking.services import tracking_pin_issue

log = logging.getLogger(__name__)

SCOPE = "report_web"
SENT_COOKIE = "raksa_sent"
SENT_SALT = "raksa.intake.web.sent"
SENT_KEEP = 5  # the reports one browser is shown the codes of
# Long enough to read the code and photograph the QR, short enough that a phone someone else picks up later
# does not show it (a report about violence at home may be sent from a shared phone).
SENT_MAX_AGE = 2 * 60 * 60
# While the report still waits for its case (the pipeline failed and the worker retries), the page reloads.
PENDING_REFRESH_SECONDS = 20


EMERGENCY_HINTS: dict[str, Any] = {
    EmergencyType.THREAT: gettext_lazy("ถูกขู่ทำร้าย มีอาวุธ หรือถูกกรรโชกทรัพย์"),
    EmergencyType.DETENTION: gettext_lazy("ถูกขังหรือถูกกักตัวไว้โดยไม่เต็มใจ"),
    EmergencyType.ABUSE_RISK: gettext_lazy("เสี่ยงถูกล่วงละเมิดทางเพศ คุกคาม หรือแสวงประโยชน์"),
    EmergencyType.FRENZY: gettext_lazy("มีคนขาดสติ อาละวาด อาจทำร้ายผู้อื่นหรือตัวเอง"),
    EmergencyType.GATHERING: gettext_lazy("มั่วสุมยาเสพติด การพนัน เด็กดื่มสุรา แก๊ง หรือแข่งรถ"),
}


def _limits() -> tuple[Limit, ...]:
    return (
        Limit(settings.RAKSA_REPORT_RATE_SHORT, settings.RAKSA_REPORT_RATE_SHORT_MINUTES * 60),
        Limit(settings.RAKSA_REPORT_RATE_DAY, 24 * 60 * 60),
    )


def _page_context(
    request: HttpRequest, *, emergency: EmergencyForm | None = None, problem: ProblemForm | None = None
) -> dict[str, Any]:
    max_bytes = settings.RAKSA_REPORT_FILE_MAX_BYTES
    return {
        "emergency_form": emergency or EmergencyForm(),
        "problem_form": problem or ProblemForm(),
        "emergency_buttons": [
            {"value": value, "label": label, "hint": EMERGENCY_HINTS[value]}
            for value, label in EmergencyType.choices
        ],
        "photo_limit": intake.REPORT_FILES_MAX,
        "photo_mb": f"{max_bytes / (1024 * 1024):g}",
        "photo_types": "JPEG PNG WebP HEIC",
        "text_max": f"{intake.REPORT_TEXT_MAX:,}",
        "map_tiles": settings.RAKSA_MAP_TILE_URL,
        "map_attribution": settings.RAKSA_MAP_ATTRIBUTION,
    }


def _page(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    if not forms and _blank_page_cacheable(request):
        return HttpResponse(_blank_page(request), status=status)
    return render(request, "intake/web/report.html", _page_context(request, **forms), status=status)


# The blank page is the same for every visitor but for three strings: the CSRF token and the two forms' keys. It is
# rendered once per process for each language (and page setting) with slots in their place, which every visit
# fills in: rendering the forms' choices costs some 15 ms of CPU a visit, filling three slots almost nothing.
# Slots look like what they stand for (the keys' pattern), so a slot left unfilled would still be a valid page.
_BLANK_PAGES: dict[tuple[str, ...], str] = {}
_CSRF_SLOT = "raksaBlankPageCsrfSlot0000000000"
_EMERGENCY_SLOT = "raksaBlankPageEmergencyKeySlot"
_PROBLEM_SLOT = "raksaBlankPageProblemKeySlot00"
_FORM_KEYS = ("emergency_form", "problem_form", "emergency_buttons")


def _blank_page_cacheable(request: HttpRequest) -> bool:
    """Only the anonymous public's plain visit, without messages waiting, outside development (where templates
    change under a running server)."""
    return not (
        settings.DEBUG
        or request.GET
        or getattr(request, "user", None) is not None
        and request.user.is_authenticated
        or len(get_messages(request))
    )


def _blank_page(request: HttpRequest) -> str:
    context = _page_context(
        request,
        emergency=EmergencyForm(initial={"token": _EMERGENCY_SLOT}),
        problem=ProblemForm(initial={"token": _PROBLEM_SLOT}),
    )
    key = (get_language() or "", *(f"{k}={v}" for k, v in sorted(context.items()) if k not in _FORM_KEYS))
    page = _BLANK_PAGES.get(key)
    if page is None:
        page = render_to_string(
            "intake/web/report.html", {**context, "csrf_token": _CSRF_SLOT}, request=request
        )
        _BLANK_PAGES[key] = page
    return (
        page.replace(_CSRF_SLOT, get_token(request))
        .replace(_EMERGENCY_SLOT, new_token())
        .replace(_PROBLEM_SLOT, new_token())
    )


def _too_large(request: HttpRequest) -> HttpResponse:
    limit, mb = intake.REPORT_FILES_MAX, f"{settings.RAKSA_REPORT_FILE_MAX_BYTES / (1024 * 1024):g}"
    context = {
        "message": bilingual(
            f"ส่งรูปภาพได้ไม่เกิน {limit} รูป รูปละไม่เกิน {mb} MB เรื่องนี้ยังไม่ถูกส่ง "
            "กรุณากลับไปเลือกรูปที่เล็กลงหรือน้อยลง แล้วส่งอีกครั้ง",
            f"At most {limit} pictures of {mb} MB each. This report was not sent: go back, choose fewer or "
            "smaller pictures, and send it again.",
        )
    }
    return render(request, "intake/web/too_large.html", context, status=413)


def _too_many(request: HttpRequest, decision: RateDecision) -> HttpResponse:
    minutes = -(-decision.retry_after // 60)
    error = TOO_MANY_REPORTS.error(minutes=minutes, retry_after=decision.retry_after)
    context = {"message": bilingual(error.message_th, error.message_en), "minutes": minutes}
    response = render(request, "intake/web/too_many.html", context, status=429)
    response["Retry-After"] = str(decision.retry_after)
    return response


def _guarded(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponseBase]:
    """Refuse an oversize request with a clear page before anything reads its body, then check CSRF.

    The CSRF check reads the body (the token is a form field), so it runs here, after the size check, rather than
    in the middleware, which would let Django answer an oversize body with a bare 400.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    def wrapper(request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.RAKSA_REPORT_REQUEST_MAX_BYTES:
            return _too_large(request)
        try:
            return protected(request)
        except (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent):
            return _too_large(request)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _sent_ids(request: HttpRequest) -> list[str]:
    try:
        raw = request.get_signed_cookie(SENT_COOKIE, default="", salt=SENT_SALT, max_age=SENT_MAX_AGE)
    except signing.BadSignature:
        return []
    return [part for part in (raw or "").split(",") if is_public_id(part)]


def _sent(request: HttpRequest, public_id: str, *, remember: bool, dropped: bool = False) -> HttpResponse:
    url = reverse("report:sent", kwargs={"public_id": public_id})
    response = redirect(url + ("?place=dropped" if dropped else ""))
    if remember:
        ids = [public_id, *(i for i in _sent_ids(request) if i != public_id)][:SENT_KEEP]
        response.set_signed_cookie(
            SENT_COOKIE,
            ",".join(ids),
            salt=SENT_SALT,
            max_age=SENT_MAX_AGE,
            path="/report/",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def _submit(
    request: HttpRequest,
    form: EmergencyForm | ProblemForm,
    fields: Callable[[], dict[str, Any]],
    page: Callable[[int], HttpResponse],
) -> HttpResponse:
    decision = rate_take(scope=SCOPE, client=client_address(request) or "unknown", limits=_limits())
    if not decision.allowed:
        return _too_many(request, decision)
    if form.is_honeypot:
        # Answered as a success (a robot learns nothing), stored nothing, counted against the address.
        log.info("web report honeypot filled; nothing stored")
        return _sent(request, new_public_id(), remember=False)
    if not form.is_valid():
        rate_give_back(decision)
        return page(400)
    try:
        if isinstance(form, EmergencyForm):
            submitted, dropped = _emergency_report(form.token_value(), fields())
        else:
            submitted, dropped = _report(form.token_value(), fields()), False
    except RaksaError as error:
        rate_give_back(decision)
        if error.code == IDEMPOTENCY_KEY_REUSED.code:
            # The form was already sent once, and now comes back changed (the back button): a new key, and the
            # person presses send again to make it a new report.
            form.fresh_token()
            form.add_error(
                None,
                bilingual(
                    "แบบฟอร์มนี้ถูกส่งไปแล้ว ถ้าต้องการแจ้งเรื่องใหม่ กรุณาตรวจสอบแล้วกดส่งอีกครั้ง",
                    "This form was already sent. To send it as a new report, check it and press send again.",
                ),
            )
        else:
            service_errors_add(form, error)
        return page(400)
    if not submitted.created:
        rate_give_back(decision)
    return _sent(request, submitted.report.public_id, remember=True, dropped=dropped)


def _report(key: str, given: dict[str, Any]) -> intake.Submitted:
    return intake.report_submit(channel="web", source="web", idempotency_key=key, **given)


def _emergency_report(key: str, given: dict[str, Any]) -> tuple[intake.Submitted, bool]:
    """An emergency is sent whatever else is wrong with its input; returns it and whether its location was dropped.

    - A location the service refuses (coordinates outside Thailand, a place too long) is dropped, and the rest is
      sent: the thank-you page says so.
    - The form's key already used for other input (the back button, then another tap) is a new emergency, sent at
      once under a key made from the form's and the input, so a double tap of it still makes one report. A
      duplicate is joined by staff; a refused emergency may never come again.
    """
    try:
        return _report(key, given), False
    except RaksaError as error:
        if error.code == IDEMPOTENCY_KEY_REUSED.code and ":" not in key:
            digest = hashlib.sha256(
                json.dumps(given, sort_keys=True, default=str).encode("utf-8")
            ).hexdigest()
            return _emergency_report(f"{key}:{digest[:16]}", given)
        fields = {item.field for item in error.errors}
        if not fields or not all(f.startswith("location.") for f in fields):
            raise
        location = dict(given.get("location") or {})
        if fields & {"location.latitude", "location.longitude"}:
            location.pop("latitude", None)
            location.pop("longitude", None)
        if "location.text" in fields:
            location.pop("text", None)
        submitted, _ = _emergency_report(key, {**given, "location": location or None})
        return submitted, True


@require_http_methods(["GET", "POST"])
def _report_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form = ProblemForm(request.POST, request.FILES)
    return _submit(
        request,
        form,
        form.submit_fields,
        lambda status: _page(request, status=status, problem=form),
    )


report_page = _guarded(_report_page)


@require_http_methods(["GET", "POST"])
def _emergency(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("report:page")
    form = EmergencyForm(request.POST)
    return _submit(
        request, form, form.submit_fields, lambda status: _page(request, status=status, emergency=form)
    )


emergency_submit = _guarded(_emergency)


def _qr_svg(url: str) -> str:
    # Inline SVG (no script, no style attribute), so the CSP lets it through; segno builds it here, offline.
    return segno.make(url, error="m").svg_inline(
        scale=5, border=4, dark="#1b1f24", light="#ffffff", title=_("คิวอาร์โค้ดสำหรับติดตามเรื่อง")
    )


def _grouped(code: str) -> list[str]:
    return code.split("-")


@require_GET
def report_sent(request: HttpRequest, public_id: str) -> HttpResponse:
    report: Report | None = None
    if public_id in _sent_ids(request):
        report = report_get(public_id=public_id)
    context: dict[str, Any] = {"report": report}
    if report is not None:
        case: Case | None = report.case
        context["emergency"] = bool(report.payload.get("emergency_type") or (case and case.emergency_type))
        context["dropped_location"] = request.GET.get("place") == "dropped"
        if case is not None:
            track_url = request.build_absolute_uri(f"/track/?code={case.tracking_code}")
            context.update(
                {
                    "case": case,
                    # The tracking page's second factor, shown this once: a reload says it was shown already.
                    "pin": tracking_pin_issue(case=case),
                    "tracking_code": case.tracking_code,
                    "code_groups": _grouped(case.tracking_code),
                    "track_url": track_url,
                    "qr": mark_safe(_qr_svg(track_url)),  # made by segno from our own URL, escaped there
                }
            )
        else:
            context["pending"] = True
    response = render(request, "intake/web/sent.html", context)
    if context.get("pending"):
        response["Refresh"] = str(PENDING_REFRESH_SECONDS)
    # Never kept by the browser or a proxy: the back button or a shared phone must not show the code again.
    response["Cache-Control"] = "no-store, private"
    # The page's address (its report id) never leaves for another site; "same-origin" rather than "no-referrer",
    # under which the browser posts the language switch with `Origin: null` and the CSRF check refuses it.
    response["Referrer-Policy"] = "same-origin"
    return response


@require_GET
def districts(request: HttpRequest) -> HttpResponse:
    """The district options of a province, for the form's select (htmx swaps them in)."""
    province = (request.GET.get("province") or "")[:2]
    return render(request, "intake/web/_district_options.html", {"choices": district_choices(province)})
