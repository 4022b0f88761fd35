"""Dispatch's pages: the responder page (from an alert's signed link, or signed in) and the live board.

Views parse input, call a service or a selector, and render. The responder page shows only the essentials of the
case and the risks to the team, and every showing is written to the access log (a link's holder is logged as the
unit it was sent to, with no user). The board is conditional polling (DESIGN "Live screens"): the page asks
`board_live` every two seconds with the ETag it last got; nothing changed answers 304 after one aggregate query,
and a change sends only the rows that changed.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from raksa.accounts.http import StaffRequest, staff_required
from raksa.cases.access import Action, access_log_write
from raksa.cases.models import EmergencyType
from raksa.core.errors import RaksaError
from raksa.core.http import HttpError, get_json
from raksa.directory.models import Contact
from raksa.directory.selectors import area_name
from raksa.dispatch import geo, selectors, services, states
from raksa.dispatch.access import can_act
from raksa.dispatch.links import link_check
from raksa.dispatch.models import Dispatch, DispatchState
from raksa.dispatch.routing import dispatch_route
from raksa.dispatch.services import map_url

S = DispatchState
MOVES = {
    S.ACKNOWLEDGED: services.dispatch_acknowledge,
    S.EN_ROUTE: services.dispatch_en_route,
    S.ON_SCENE: services.dispatch_on_scene,
    S.RESOLVED: services.dispatch_resolve,
    S.DECLINED: services.dispatch_decline,
}


def _respond_page(
    request: HttpRequest, dispatch: Dispatch, *, actor: Any, by_link: bool, status: int = 200
) -> HttpResponse:
    view = selectors.responder_view(dispatch)
    access_log_write(user=actor, action=Action.CASE_VIEW, case=dispatch.case, request=request)
    case = dispatch.case
    response = render(
        request,
        "dispatch/respond.html",
        {
            "view": view,
            "dispatch": dispatch,
            "case": case,
            "map_url": map_url(case),
            "geo_uri": f"geo:{case.latitude},{case.longitude}" if case.latitude is not None else "",
            "by_link": by_link,
        },
        status=status,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _act(request: HttpRequest, dispatch: Dispatch, *, actor: Any, by_link: bool) -> HttpResponse | None:
    """Apply the move the form asked for; None when it worked (the caller redirects), else the page again."""
    move = request.POST.get("move", "")
    action = MOVES.get(move)  # type: ignore[call-overload]
    if action is None:
        messages.error(request, _("ไม่รู้จักคำสั่งนี้ / Unknown action"))
        return _respond_page(request, dispatch, actor=actor, by_link=by_link, status=400)
    kwargs: dict[str, Any] = {"dispatch": dispatch, "actor": actor, "by_link": by_link}
    if move == S.RESOLVED:
        kwargs.update(outcome=request.POST.get("outcome", ""), note=request.POST.get("note", ""))
    if move == S.DECLINED:
        kwargs.update(reason=request.POST.get("reason", ""))
    try:
        action(**kwargs)
    except RaksaError as error:
        messages.error(request, str(error))
        dispatch.refresh_from_db()
        return _respond_page(request, dispatch, actor=actor, by_link=by_link, status=error.status)
    return None


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The page an alert's link opens, on a phone in the field: no password, this dispatch only, until it expires."""
    checked = link_check(pk, token)
    if checked.expired:
        response = render(request, "dispatch/link_expired.html", status=410)
        patch_cache_control(response, private=True, no_store=True)
        return response
    if checked.dispatch is None:
        raise Http404
    dispatch = checked.dispatch
    if request.method == "POST":
        problem = _act(request, dispatch, actor=None, by_link=True)
        if problem is not None:
            return problem
        return redirect(request.path)
    return _respond_page(request, dispatch, actor=None, by_link=True)


@staff_required
@require_http_methods(["GET", "POST"])
def respond_staff(request: StaffRequest, pk: int) -> HttpResponse:
    dispatch = Dispatch.objects.select_related("case", "unit").filter(pk=pk).first()
    if dispatch is None or not can_act(request.staff.user, dispatch):
        raise Http404  # a hidden dispatch is the same as a missing one
    if request.method == "POST":
        problem = _act(request, dispatch, actor=request.staff.user, by_link=False)
        if problem is not None:
            return problem
        return redirect(reverse("dispatch:respond_staff", kwargs={"pk": pk}))
    return _respond_page(request, dispatch, actor=request.staff.user, by_link=False)


def _filters(request: HttpRequest) -> dict[str, str]:
    province = (request.GET.get("province") or "").strip()[:2]
    kind = (request.GET.get("type") or "").strip()
    return {
        "province": province if province.isdigit() else "",
        "emergency_type": kind if kind in EmergencyType.values else "",
    }


@staff_required
@require_GET
def board(request: StaffRequest) -> HttpResponse:
    filters = _filters(request)
    rows = selectors.board_rows(request.staff.user, **filters)
    response = render(
        request,
        "dispatch/board.html",
        {
            "rows": rows,
            "filters": filters,
            "emergency_types": EmergencyType.choices,
            "version": selectors.board_version(request.staff.user, **filters),
            # The map draws on a plain background without tiles (the default, and offline): markers still tell
            # where, relative to each other and to the scale.
            "map_tiles": settings.RAKSA_MAP_TILE_URL,
            "map_attribution": settings.RAKSA_MAP_ATTRIBUTION,
        },
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@staff_required
@require_GET
def board_live(request: StaffRequest) -> HttpResponse:
    """What changed on the board since the page's version (`since`): JSON `{"version", "rows": [{"id", "active",
    "html"}]}`, each row rendered as the page renders it; 304 when nothing did (If-None-Match).

    "What changed" is every row updated after the version, and every row updated since a few seconds before the
    previous answer (CHANGES_OVERLAP; `since` carries both, as the X-Board-Since header hands them to the page),
    not a comparison of the latest time: a change whose transaction took its time before another's but committed
    after it (two emergencies at once) is older than the version the page already has, and would never show.
    """
    filters = _filters(request)
    since = selectors.since_parse(request.GET.get("since", ""))
    answered = (
        timezone.now()
    )  # before the query: what commits after it is still inside the next poll's overlap
    changed = selectors.board_changes(request.staff.user, since=since, **filters)
    version = max([since.version, *(d.updated_at for d in changed)])
    if len(changed) >= selectors.CHANGES_LIMIT:
        # More changes than one answer holds: the page has seen up to the last row sent, and asks again from there.
        version = changed[-1].updated_at
        answered = version
    etag = f'"{_us(version)}"'
    if not changed and etag in (request.headers.get("If-None-Match") or ""):
        response: HttpResponse = HttpResponse(status=304)
    else:
        rows = [{"id": d.pk, "active": d.state in states.ACTIVE, "html": _row_html(d)} for d in changed]
        response = JsonResponse(
            {"version": str(_us(version)), "rows": rows}, json_dumps_params={"ensure_ascii": False}
        )
    response["ETag"] = etag
    response["X-Board-Since"] = str(selectors.Since(version=version, answered=max(answered, version)))
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _us(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


# Rows rendered, by dispatch, its version and the language: a row that changed is rendered once in each process,
# however many boards fetch it and however often (each poll sends again the rows of its last few seconds).
# The case's tracking code (random) is in the key too, so a row id used again (a test database rolled back, a
# restored one) can never bring back another case's row.
_ROWS: OrderedDict[tuple[int, int, str, str], str] = OrderedDict()
_ROWS_LOCK = threading.Lock()
ROWS_KEPT = 5000


def _row_html(d: Dispatch) -> str:
    key = (d.pk, _us(d.updated_at), d.case.tracking_code, get_language() or "")
    with _ROWS_LOCK:
        html = _ROWS.get(key)
    if html is None:
        html = get_template("dispatch/_board_row.html").render({"d": d})
        with _ROWS_LOCK:
            _ROWS[key] = html
            while len(_ROWS) > ROWS_KEPT:
                _ROWS.popitem(last=False)
    return html


def _shown(item: dict[str, Any]) -> str:
    """One received message as a phone would show it: the SMS text, or a LINE message's text or alt text."""
    if "text" in item and "messages" not in item:
        return str(item["text"])
    parts = []
    for message in item.get("messages", []):
        parts.append(str(message.get("text") or message.get("altText") or message.get("type", "")))
    return "\n".join(parts)


@staff_required
@require_GET
def phones(request: StaffRequest) -> HttpResponse:
    """Development only (make run's stand-ins): what each team's phone would have received, newest last."""
    if not settings.RAKSA_STANDINS_URLS:
        raise Http404
    contacts = {c.value: c for c in Contact.objects.select_related("unit")}
    inboxes = []
    problems = []
    for base in settings.RAKSA_STANDINS_URLS:
        try:
            received = get_json(f"{base}/_received", timeout=3)
        except HttpError as exc:
            problems.append(f"{base}: {exc}")
            continue
        for to, items in sorted((received or {}).items()):
            contact = contacts.get(to)
            inboxes.append(
                {
                    "to": to,
                    "unit": contact.unit if contact else None,
                    "kind": contact.get_kind_display() if contact else "",
                    "messages": [_shown(item) for item in items],
                }
            )
    response = render(request, "dispatch/phones.html", {"inboxes": inboxes, "problems": problems})
    patch_cache_control(response, private=True, no_store=True)
    return response


def _number(raw: str | None) -> float | None:
    try:
        value = float((raw or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@staff_required
@require_GET
def route_dry_run(request: StaffRequest) -> HttpResponse:
    """Where would an emergency at this point, or this address, go, and why? Nothing is sent or stored."""
    latitude, longitude = _number(request.GET.get("lat")), _number(request.GET.get("lon"))
    province = (request.GET.get("province") or "").strip()[:2]
    district = (request.GET.get("district") or "").strip()[:4]
    asked = latitude is not None or longitude is not None or bool(province or district)
    route = area = None
    problem = ""
    if (latitude is None) != (longitude is None):
        problem = _("ต้องระบุทั้งละติจูดและลองจิจูด / Give both latitude and longitude")
    elif asked:
        if latitude is not None and longitude is not None:
            area = geo.point_area(latitude, longitude)
        route = dispatch_route(
            latitude=latitude, longitude=longitude, province_code=province, district_code=district
        )
    response = render(
        request,
        "dispatch/route.html",
        {
            "route": route,
            "area": area,
            "problem": problem,
            "given": {
                "lat": request.GET.get("lat", ""),
                "lon": request.GET.get("lon", ""),
                "province": province,
                "district": district,
            },
            "province_name": area_name(route.province_code) if route and route.province_code else "",
            "district_name": area_name(route.district_code) if route and route.district_code else "",
        },
        status=400 if problem else 200,
    )
    return response
