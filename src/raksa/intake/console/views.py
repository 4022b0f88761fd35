"""The 1300 console's pages. Views parse input, call a service or a selector, and render; the rules live in the
services (raksa.intake.console.services, raksa.intake.services) and in cases.access / cases.person_access.

Only the 1300 centre's call-takers, supervisors and admins may open them (services.is_console_agent); anyone
else signed in is refused with 403, as the workspace refuses what a user may not do.

The caller pop is cheap conditional polling (DESIGN "Live screens"): the page asks `live` about once a second
with the ETag it last got, and nothing changed answers 304 without a body after one indexed query, so no thread
is held per open screen.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from raksa.accounts.http import StaffRequest, staff_required
from raksa.cases.access import Action, access_log_write_many
from raksa.cases.models import Case, EmergencyType, Urgency
from raksa.cases.selectors import case_get
from raksa.core.errors import NotFound, RaksaError, TooManyRequests
from raksa.core.forms import add_service_error, bilingual
from raksa.intake.console import selectors, services
from raksa.intake.console.forms import ACTIONS, CASE_ACTIONS, FIELD_NAMES, ConsoleForm
from raksa.intake.console.spelling import spell_code, spell_line
from raksa.intake.models import Call, Report
from raksa.intake.selectors import incident_candidates
from raksa.intake.services import REPORT_TEXT_MAX, incident_join
from raksa.tracking.services import tracking_pin_issue

log = logging.getLogger(__name__)
P = ParamSpec("P")
EMERGENCY_KEYS = dict(zip(EmergencyType.values, "12345", strict=True))


def console_required(
    view: Callable[Concatenate[StaffRequest, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """staff_required, then only the 1300 centre's intake roles; 403 for anyone else."""

    @functools.wraps(view)
    def wrapper(request: StaffRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not services.is_console_agent(request.staff.user):
            message = bilingual(
                "หน้าจอรับสาย 1300 ใช้ได้เฉพาะเจ้าหน้าที่รับสาย หัวหน้างาน และผู้ดูแลระบบของศูนย์ 1300",
                "The 1300 console is for the 1300 centre's call-takers, supervisors and admins only",
            )
            return render(request, "workspace/refused.html", {"message": message}, status=403)
        return view(request, *args, **kwargs)

    return staff_required(wrapper)


def _lookup_context(request: StaffRequest, phone: str, call_id: str = "") -> dict[str, Any]:
    """The caller panel: looked up, counted and logged. A look-up over the hourly limit shows the refusal."""
    user = request.staff.user
    lookup = selectors.caller_lookup(user=user, phone=phone, exclude_call_id=call_id)
    context: dict[str, Any] = {"lookup": lookup, "asked": phone.strip(), "limit_message": None}
    if lookup.phone:
        try:
            services.caller_shown_log(user=user, lookup=lookup, request=request)
        except TooManyRequests as exc:
            context["lookup"] = selectors.CallerLookup(phone=lookup.phone)
            context["limit_message"] = bilingual(exc.message_th, exc.message_en)
    return context


def _stats_context(user: Any) -> dict[str, Any]:
    return {"centre": selectors.call_stats_today(), "mine": selectors.call_stats_today(agent=user)}


def _page(
    request: StaffRequest, form: ConsoleForm | None = None, status: int = 200, **extra: Any
) -> HttpResponse:
    user = request.staff.user
    phone = (request.GET.get("caller") or "").strip()[:40]
    call_id = (request.GET.get("call_id") or "").strip()[:100]
    if form is not None:
        phone = form.data.get("caller", "") or phone
        call_id = form.data.get("call_id", "") or call_id
    call = Call.objects.filter(call_id=call_id, agent=user).first() if call_id else None
    if call is None:
        current = selectors.call_current(agent=user)
        if current is not None and (not phone or current.caller == services.phone_or_blank(phone)):
            call = current
            phone = phone or current.caller
    if form is None:
        form = ConsoleForm(
            initial={"idempotency_key": secrets.token_urlsafe(16), "call_id": call.call_id if call else ""}
        )
        form.initial["caller"] = phone
    context = {
        "form": form,
        "call": call,
        "call_state": selectors.call_state(call) if call else "",
        "emergency_keys": [(value, label, EMERGENCY_KEYS[value]) for value, label in EmergencyType.choices],
        "actions": ACTIONS,
        **_stats_context(user),
        **(_lookup_context(request, phone, call.call_id if call else "") if phone else {"lookup": None}),
        **extra,
    }
    return render(request, "intake/console/console.html", context, status=status)


@console_required
@require_GET
def console(request: StaffRequest) -> HttpResponse:
    return _page(request)


@console_required
@require_GET
def caller(request: StaffRequest) -> HttpResponse:
    """The caller panel alone, for the page's script (a number typed, or a call that popped)."""
    phone = (request.GET.get("phone") or "").strip()[:40]
    call_id = (request.GET.get("call_id") or "").strip()[:100]
    context = _lookup_context(request, phone, call_id) if phone else {"lookup": None}
    response = render(request, "intake/console/_caller.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _call_json(call: Call | None) -> dict[str, Any]:
    if call is None:
        return {"call": None, "now": timezone.now().isoformat()}
    return {
        "call": {
            "call_id": call.call_id,
            "caller": call.caller,
            "state": selectors.call_state(call),
            "rang_at": call.rang_at.isoformat() if call.rang_at else None,
            "answered_at": call.answered_at.isoformat() if call.answered_at else None,
            "outcome": call.outcome,
        },
        "now": timezone.now().isoformat(),
    }


def _etag(call: Call | None) -> str:
    if call is None:
        return '"none"'
    return f'"{call.pk}-{int(call.updated_at.timestamp() * 1_000_000)}"'


@console_required
@require_GET
def live(request: StaffRequest) -> HttpResponse:
    """The agent's current call, for the caller pop: 304 when it is what the page already has (If-None-Match)."""
    call = selectors.call_current(agent=request.staff.user)
    etag = _etag(call)
    if etag in (request.headers.get("If-None-Match") or ""):
        response = HttpResponse(status=304)
    else:
        response = JsonResponse(_call_json(call))
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response


@console_required
@require_POST
def triage_suggest(request: StaffRequest) -> JsonResponse:
    """Triage of the notes as typed so far, for the form to fill in (each field stays hers to correct)."""
    from raksa.triage import triage

    text = (request.POST.get("text") or "")[:REPORT_TEXT_MAX]
    if not text.strip():
        return JsonResponse({"triage": None})
    result = triage(text)
    entities = result.entities
    return JsonResponse(
        {
            "triage": {
                "emergency_type": result.emergency_type,
                "category": result.category,
                "urgency": result.urgency,
                "confidence": round(float(result.confidence), 3),
                "evidence": list(result.evidence)[:5],
                "entities": {
                    "phones": list(entities.phones),
                    "national_ids": list(entities.national_ids),
                    "province_codes": list(entities.province_codes),
                    "district_codes": list(entities.district_codes),
                },
            }
        },
        json_dumps_params={"ensure_ascii": False},
    )


@console_required
@require_POST
def call_start(request: StaffRequest) -> HttpResponse:
    """She starts the timer on a call no exchange told us about: a call logged now, answered now."""
    try:
        call = services.call_start(agent=request.staff.user, caller=request.POST.get("caller") or "")
    except RaksaError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(_call_json(call), status=201)


@console_required
@require_POST
def call_end(request: StaffRequest) -> HttpResponse:
    try:
        call = services.call_end(agent=request.staff.user, call=request.POST.get("call_id") or "")
    except NotFound:
        raise Http404() from None
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(_call_json(call))
    messages.success(request, _("วางสายแล้ว"))
    return redirect("console:console")


def _attach_case(request: StaffRequest, form: ConsoleForm) -> Case | None:
    number = (form.cleaned_data.get("attach_to") or "").strip()
    if not number:
        return None
    return case_get(user=request.staff.user, number=number)


def _choices(form: ConsoleForm) -> tuple[str, str | None, str | None]:
    """Her choices: the emergency type is hers to say ("" is "not an emergency", which triage does not
    overrule); a category or urgency left to the system is None (triage decides)."""
    data = form.cleaned_data
    emergency_type = data.get("emergency_type") or ""
    category = data.get("category") or None
    urgency = data.get("urgency") or None
    if emergency_type:
        urgency = Urgency.EMERGENCY
    return emergency_type, category, urgency


@console_required
@require_POST
def submit(request: StaffRequest) -> HttpResponse:
    """The end of a call: a new case, a report added to one of the caller's open cases, an emergency sent for
    dispatch, or only an outcome (advice, silent, prank). A double submit makes one report (the form's key)."""
    user = request.staff.user
    form = ConsoleForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    action = form.cleaned_data["action"]
    emergency_type, category, urgency = _choices(form)
    try:
        call = services.call_for_agent(
            agent=user,
            call_id=form.cleaned_data.get("call_id") or "",
            caller=form.cleaned_data["caller"],
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
        if action not in CASE_ACTIONS:
            services.call_outcome_set(agent=user, call=call, outcome=action)
            messages.success(
                request, _("บันทึกผลของสายแล้ว: %(outcome)s") % {"outcome": Call.Outcome(action).label}
            )
            return redirect("console:console")
        attach_to = None
        if action == "attach":
            attach_to = _attach_case(request, form)
            if attach_to is None:
                form.add_error("attach_to", _("เลือกเรื่องเดิมของผู้โทรที่จะเพิ่มการแจ้งนี้"))
                return _page(request, form, status=400)
        if action == "dispatch" and not emergency_type:
            form.add_error("emergency_type", _("เลือกประเภทเหตุฉุกเฉินก่อนส่งทีม (กด 1-5)"))
            return _page(request, form, status=400)
        if urgency == Urgency.EMERGENCY and not emergency_type:
            form.add_error("urgency", _("เหตุฉุกเฉินต้องระบุประเภทเหตุฉุกเฉิน"))
            return _page(request, form, status=400)
        result = services.console_report_submit(
            agent=user,
            call=call,
            idempotency_key=form.cleaned_data["idempotency_key"],
            text=form.cleaned_data["text"],
            emergency_type=emergency_type,
            category=category,
            urgency=urgency,
            reporter=form.party("reporter"),
            subject=form.party("subject"),
            location=form.location(),
            attach_to=attach_to,
            updates_by_sms=form.cleaned_data["updates_by_sms"],
        )
    except NotFound as exc:
        add_service_error(form, exc, fields=FIELD_NAMES)
        return _page(request, form, status=404)
    except RaksaError as exc:
        add_service_error(form, exc, fields=FIELD_NAMES)
        return _page(request, form, status=exc.status)
    submitted = result.submitted
    if submitted.created:
        services.triage_corrections_record(
            report=submitted.report,
            predicted=form.cleaned_data.get("predicted"),
            emergency_type=emergency_type,
            category=category,
            urgency=urgency,
            corrected_by=user.username,
        )
    return redirect("console:result", public_id=submitted.report.public_id)


def _own_report(request: StaffRequest, public_id: str) -> Report:
    report = (
        Report.objects.select_related("case", "case__owning_unit")
        .filter(public_id=public_id, submitted_by=request.staff.user)
        .first()
    )
    if report is None:
        raise Http404()
    return report


@console_required
@require_GET
def result(request: StaffRequest, public_id: str) -> HttpResponse:
    """What to read back to the caller: the case number and the tracking code, spelled; for an emergency, the
    open emergencies nearby that may be the same incident."""
    report = _own_report(request, public_id)
    case = report.case
    call = report.calls.order_by("-created_at").first()
    candidates = incident_candidates(case=case, user=request.staff.user) if case is not None else []
    if candidates:
        access_log_write_many(
            user=request.staff.user,
            action=Action.CASE_SEARCH,
            cases=[other for other, _meters in candidates],
            request=request,
        )
    context = {
        "report": report,
        "case": case,
        "call": call,
        "call_state": selectors.call_state(call) if call else "",
        # Read to the caller this once, for the tracking page's details; the page never shows it again.
        "pin": tracking_pin_issue(case=case) if case else None,
        "spelled": spell_code(case.tracking_code) if case else [],
        "spelled_line": spell_line(case.tracking_code) if case else "",
        "candidates": candidates,
        **_stats_context(request.staff.user),
    }
    return render(request, "intake/console/result.html", context)


@console_required
@require_POST
def join(request: StaffRequest, public_id: str) -> HttpResponse:
    """Join the new emergency into an open one nearby (the same incident): one case keeps every report."""
    report = _own_report(request, public_id)
    if report.case is None:
        raise Http404()
    try:
        into = case_get(user=request.staff.user, number=(request.POST.get("into") or "").strip())
        target = incident_join(actor=request.staff.user, case=report.case, into=into)
    except NotFound:
        raise Http404() from None
    except RaksaError as exc:
        messages.error(request, bilingual(exc.message_th, exc.message_en))
    else:
        messages.success(request, _("รวมเข้ากับเรื่อง %(number)s แล้ว") % {"number": target.number})
    return redirect(reverse("console:result", kwargs={"public_id": report.public_id}))
