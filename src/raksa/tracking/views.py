"""The public tracking page at /track/: no login, Thai first, made for a phone, working with JavaScript off.

A plain GET form (`?code=`, which the QR code on the report's thank-you page opens) shows the current stage,
the seven stages in order, what happens next and how long it usually takes. The second factor goes in a POST
form, so that it never stands in an address, a browser history or a server log; the code rides along in the
query, so the language switch comes back to the same case. Both go through tracking.services.track_lookup.

Every answer here, errors and the 429 page included, is kept out of search engines (a meta tag and X-Robots-Tag),
out of every cache (no-store, private) and sends no Referer anywhere. With no Referer, a browser posts a form from
the page with "Origin: null", which CSRF checking refuses: so the page takes its POST without a CSRF token (it has
no session and changes nothing but failure counts, which a forged request could as well run up directly), and its
language switch is a pair of links (`?lang=en`) rather than the shared POST form.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from raksa.cases.models import PublicStage
from raksa.cases.stages import rank
from raksa.core.client import client_address
from raksa.core.errors import RaksaError, TooManyRequests
from raksa.core.forms import bilingual
from raksa.tracking.http import private_answer
from raksa.tracking.selectors import StageAt, Tracked
from raksa.tracking.services import track_lookup

HOTLINE = "1300"
CODE_TYPED_MAX = 64


def _private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return private_answer(view(request, *args, **kwargs))

    return wrapper


def _english() -> bool:
    return (get_language() or "th").startswith("en")


def _step_state(step: StageAt, current: str, verified: bool) -> str:
    if step.stage == current:
        return "current"
    if rank(step.stage) > rank(current):
        return "later"
    if not verified:
        return "earlier"  # passed or not needed: only the second factor tells which
    return "done" if step.at is not None else "skipped"


def _shown(view: Tracked) -> dict[str, Any]:
    english = _english()

    def name(stage: str | StageAt) -> str:
        said = (stage if isinstance(stage, StageAt) else StageAt(stage, None)).words
        return said.name_en if english else said.name_th

    return {
        "tracked": view,
        "stage_name": name(view.stage),
        "is_closed": view.stage == PublicStage.CLOSED,
        "ladder": [
            {"name": name(step), "at": step.at, "state": _step_state(step, view.stage, view.verified)}
            for step in view.ladder
        ],
        "next_step": view.next_step.en if english else view.next_step.th,
        "agency": view.agency_en if english else view.agency_th,
        "history": [{"name": name(entry), "at": entry.at} for entry in reversed(view.history)],
        "public_notes": view.public_notes,
    }


def _language_chosen(request: HttpRequest, language: str, typed: str) -> HttpResponse:
    """Keep the choice as the language switch does (the same cookie), and come back to the same code."""
    response = redirect(f"{request.path}?{urlencode({'code': typed})}" if typed else request.path)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@csrf_exempt
@_private
@require_http_methods(["GET", "POST"])
def track_page(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    typed = (request.POST.get("code") if posted else None) or request.GET.get("code") or ""
    typed = typed[:CODE_TYPED_MAX]
    language = request.GET.get("lang", "")
    if not posted and language in dict(settings.LANGUAGES):
        return _language_chosen(request, language, typed)
    context: dict[str, Any] = {"code": typed, "hotline": HOTLINE, "asked_secret": posted}
    if not typed.strip():
        return render(request, "tracking/track.html", context)
    secret = request.POST.get("secret", "") if posted else None
    try:
        view = track_lookup(code=typed, secret=secret, client=client_address(request))
    except TooManyRequests as error:
        context["message"] = bilingual(error.message_th, error.message_en)
        response = render(request, "tracking/too_many.html", context, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    except RaksaError as error:
        # A wrong second factor is answered like an unknown code, by the second factor's form, to try again.
        on_secret = error.field != "code" and posted
        context["secret_error" if on_secret else "code_error"] = bilingual(error.message_th, error.message_en)
        context["secret_form"] = on_secret
        return render(request, "tracking/track.html", context, status=error.status)
    context.update(_shown(view))
    context["code"] = view.code
    context["secret_form"] = not view.verified
    return render(request, "tracking/track.html", context)
