"""`/line/simulator/`: the LINE chat simulator's page and the endpoints its script calls (raksa.intake.line.simulator).

Development only: every view is a 404 unless RAKSA_LINE_SIMULATOR is on (`raksa check --deploy` warns while it
is, raksa.W005). The simulated user's LINE id is kept in the session, one per browser; "new user" makes another.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from raksa.cases.errors import FILE_TOO_LARGE
from raksa.core.errors import INVALID_CHOICE, REQUIRED, RaksaError
from raksa.intake.line import messages
from raksa.intake.line.simulator import (
    SimulatorUnavailable,
    rich_menu_panel,
    simulated_event,
    simulator_content_put,
    simulator_deliver,
    simulator_profile_set,
    simulator_received,
    simulator_user_new,
    stand_in_base,
)
from raksa.notify.standins import LineStandIn

SESSION_KEY = "line_simulator_user"
# What the page may send: what a LINE user can do in the chat (a photo has its own endpoint).
KINDS = ("follow", "text", "postback", "location")
# Photos can be sent once the stand-in keeps content for the content API (`content_put`, and
# `POST /_content/{messageId}` from another process): until then the button is hidden and the endpoint a 503.
PHOTOS = hasattr(LineStandIn, "content_put")

View = Callable[..., HttpResponse]


def simulator_only(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.RAKSA_LINE_SIMULATOR:
            raise Http404
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


def _user(request: HttpRequest) -> str:
    user = request.session.get(SESSION_KEY)
    if not isinstance(user, str) or not user:
        user = simulator_user_new()
        request.session[SESSION_KEY] = user
    return user


def _language() -> str:
    return messages.ENGLISH if (get_language() or "").startswith("en") else messages.THAI


def _problem(exc: Exception) -> JsonResponse:
    if isinstance(exc, RaksaError):
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse(
        {"code": "unavailable", "message_th": "ระบบจำลองใช้งานไม่ได้", "message_en": str(exc)}, status=503
    )


def _deliver(request: HttpRequest, event: dict[str, Any]) -> JsonResponse:
    status = simulator_deliver(event=event, webhook_url=request.build_absolute_uri(reverse("line:webhook")))
    if status != 200:
        return JsonResponse(
            {
                "code": "webhook_refused",
                "message_th": f"เว็บฮุกตอบ {status}",
                "message_en": f"The webhook answered {status}",
                "status": status,
            },
            status=502,
        )
    return JsonResponse({"status": status, "event": event})


@simulator_only
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    fresh = not request.session.get(SESSION_KEY)
    user = _user(request)
    language = _language()
    try:
        stand_in_base()
        problem = ""
    except SimulatorUnavailable as exc:
        problem = str(exc)
    if not settings.LINE_CHANNEL_SECRET:
        problem = "LINE_CHANNEL_SECRET is not set: the webhook would refuse every event"
    areas = rich_menu_panel()
    for area in areas:
        area["action_json"] = json.dumps(area["action"], ensure_ascii=False)
    context = {
        "user_id": user,
        "fresh": fresh,
        "rich_menu": areas,
        "problem": problem,
        "photos": PHOTOS,
        "map_tiles": settings.RAKSA_MAP_TILE_URL,
        "map_attribution": settings.RAKSA_MAP_ATTRIBUTION,
        "en": language == messages.ENGLISH,
    }
    return render(request, "line/simulator.html", context)


@simulator_only
@require_POST
def send(request: HttpRequest) -> HttpResponse:
    """One thing the user did, as JSON: `{"type": "follow" | "text" | "postback" | "location", ...}`."""
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return _problem(
            INVALID_CHOICE.error(field="body", what_th="ข้อมูลที่ส่ง", what_en="request body", value="not JSON")
        )
    kind = data.get("type")
    try:
        if kind not in KINDS:
            raise INVALID_CHOICE.error(field="type", what_th="ประเภท", what_en="type", value=str(kind)[:32])
        user = _user(request)
        event = simulated_event(str(kind), user=user, data=data)
        if kind == "follow":  # a friend's profile, in her LINE app's language: the page's
            simulator_profile_set(user=user, language=_language())
        return _deliver(request, event)
    except (RaksaError, SimulatorUnavailable) as exc:
        return _problem(exc)


@simulator_only
@require_POST
def user_new(request: HttpRequest) -> HttpResponse:
    """Another LINE user in this browser, who adds the account as a friend (a follow event)."""
    user = simulator_user_new()
    request.session[SESSION_KEY] = user
    try:
        simulator_profile_set(user=user, language=_language())
        answer = _deliver(request, simulated_event("follow", user=user))
    except SimulatorUnavailable as exc:
        return _problem(exc)
    if answer.status_code == 200:
        return JsonResponse({"user": user})
    return answer


@simulator_only
@require_POST
def photo(request: HttpRequest) -> HttpResponse:
    """A photo from the chat: kept in the stand-in's content store, then an image message event."""
    upload = request.FILES.get("photo")
    try:
        if not PHOTOS:
            raise SimulatorUnavailable("this LINE stand-in keeps no content: photos cannot be sent yet")
        if upload is None:
            raise REQUIRED.error(field="photo", what_th="รูป", what_en="The photo")
        if upload.content_type not in settings.RAKSA_REPORT_FILE_TYPES:
            raise INVALID_CHOICE.error(
                field="photo", what_th="ชนิดของรูป", what_en="photo type", value=str(upload.content_type)[:64]
            )
        if upload.size is not None and upload.size > settings.RAKSA_REPORT_FILE_MAX_BYTES:
            raise FILE_TOO_LARGE.error(field="photo", mb=settings.RAKSA_REPORT_FILE_MAX_BYTES / (1024 * 1024))
        message_id = simulator_content_put(data=upload.read(), content_type=str(upload.content_type))
        event = simulated_event("image", user=_user(request), data={"id": message_id})
        return _deliver(request, event)
    except (RaksaError, SimulatorUnavailable) as exc:
        return _problem(exc)


@simulator_only
@require_GET
def received(request: HttpRequest) -> HttpResponse:
    """What the bot sent this browser's user from the `after`-th message on: `{"user", "items", "total"}`."""
    try:
        after = max(int(request.GET.get("after", "0")), 0)
    except ValueError:
        after = 0
    user = _user(request)
    try:
        items, total = simulator_received(user=user, after=after)
    except SimulatorUnavailable as exc:
        return _problem(exc)
    return JsonResponse({"user": user, "items": items, "total": total})
