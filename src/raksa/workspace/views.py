"""The case workspace: the list, the case page and the actions on it. Views only parse input, call a service
and redirect or re-render; what is allowed is decided in cases.services and cases.access."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from raksa.accounts.http import StaffRequest, staff_required
from raksa.cases import access, selectors, services
from raksa.cases.events import PUBLIC_NOTE_ADDED
from raksa.cases.models import Case, CaseParty, Referral, Status
from raksa.cases.statuses import TRANSITIONS
from raksa.core.errors import NotFound, RaksaError
from raksa.core.forms import add_service_error, bilingual
from raksa.directory.selectors import units_by_code
from raksa.intake import selectors as intake_selectors
from raksa.intake import services as intake_services
from raksa.intake.volunteer.selectors import case_consents
from raksa.workspace.forms import (
    AssignForm,
    AttachmentForm,
    CaseFilterForm,
    CloseForm,
    DeclineForm,
    JoinForm,
    NoteForm,
    PublicNoteForm,
    ReferralForm,
    ReopenForm,
    StatusForm,
)
from raksa.workspace.templatetags.case_tags import unit_codes

PAGE_SIZE = 25
# How much of a person's cross-agency history the person card on a case page shows.
CASE_PAGE_HISTORY = 50


# --- the list -----------------------------------------------------------------------------------------------


@staff_required
@require_GET
def case_list(request: StaffRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET)
    user = request.staff.user
    has_unit = request.staff.unit is not None
    rows: list[Case] = []
    next_url = ""
    if has_unit:
        filters = form.filters()
        search = selectors.case_search(user=user, **filters)
        try:
            rows, next_cursor = selectors.case_page(
                search.cases, cursor=request.GET.get("after") or None, limit=PAGE_SIZE
            )
        except RaksaError:  # a hand-edited link: start again from the newest
            rows, next_cursor = selectors.case_page(search.cases, cursor=None, limit=PAGE_SIZE)
        if filters["q"]:
            # A search answers "which cases is this person on": log the cases shown and the people whose
            # cases they are. Browsing the unit's list without a search names nobody and is not logged.
            access.access_log_write_many(
                user=user,
                action=access.Action.CASE_SEARCH,
                cases=rows,
                people=search.people_on(rows),
                request=request,
            )
        if next_cursor:
            params = request.GET.copy()
            params["after"] = next_cursor
            next_url = f"{reverse('cases:list')}?{params.urlencode()}"
    first_params = request.GET.copy()
    first_params.pop("after", None)
    context = {
        "form": form,
        "cases": rows,
        "has_unit": has_unit,
        "next_url": next_url,
        "is_later_page": bool(request.GET.get("after")),
        "first_url": f"{reverse('cases:list')}?{first_params.urlencode()}",
    }
    htmx = _htmx(request)
    partial = htmx is not None and not htmx.history_restore_request and htmx.target == "results"
    response = render(
        request, "workspace/_case_results.html" if partial else "workspace/case_list.html", context
    )
    # The same URL answers with a fragment or a page: caches must keep the two apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- the case page ------------------------------------------------------------------------------------------


def _case_for_view(request: StaffRequest, number: str, action: str = access.Action.CASE_VIEW) -> Case:
    """The case, with the access log written; a hidden case is exactly as missing as a case that never was."""
    try:
        return selectors.case_get_for_view(
            user=request.staff.user, number=number, request=request, action=action
        )
    except NotFound:
        raise Http404() from None


def _case_for_action(request: StaffRequest, number: str) -> Case:
    try:
        return selectors.case_get(user=request.staff.user, number=number)
    except NotFound:
        raise Http404() from None


def _parties(request: StaffRequest, case: Case) -> list[dict[str, Any]]:
    """What each person card on the case page shows: the subject's cross-agency history, not everyone's."""
    return [
        {
            "person": party.person,
            "role_label": party.get_role_display(),
            "history": (
                selectors.case_history(user=request.staff.user, person=party.person, limit=CASE_PAGE_HISTORY)
                if party.role == CaseParty.Role.SUBJECT
                else None
            ),
        }
        for party in selectors.case_parties(case=case)
    ]


def _status_actions(case: Case) -> list[tuple[str, Any]]:
    """Buttons for the moves a button can make: referral and closure have their own forms."""
    allowed = TRANSITIONS.get(case.status, frozenset())
    return [
        (value, label)
        for value, label in Status.choices
        if value in allowed and value not in {Status.REFERRED, Status.CLOSED} and case.status != Status.CLOSED
    ]


def _forms_shown(case: Case, level: access.Level) -> dict[str, bool]:
    """Which action forms the case page shows this viewer: the template draws exactly these, and an error on a
    form that is not drawn is shown as a message instead, so that no refusal goes unseen."""
    can_write = level >= access.Level.WRITE
    can_manage = level >= access.Level.MANAGE
    is_closed = case.status == Status.CLOSED
    return {
        "note_form": can_write,
        "public_note_form": can_write,
        "attachment_form": can_write,
        "status_form": can_manage,
        "close_form": can_manage and Status.CLOSED in TRANSITIONS.get(case.status, frozenset()),
        "reopen_form": can_manage and is_closed,
        "assign_form": can_manage,
        "referral_form": can_manage and not is_closed,
    }


def _activity_context(case: Case) -> dict[str, Any]:
    timeline = list(selectors.case_timeline(case=case))
    return {
        "case": case,
        "notes": selectors.case_notes(case=case),
        "timeline": timeline,
        # What the reporter reads on the tracking page, newest first.
        "public_notes": [e for e in reversed(timeline) if e.kind == PUBLIC_NOTE_ADDED.kind],
        "units_by_code": units_by_code(codes=unit_codes(timeline)),
    }


def _case_context(request: StaffRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = request.staff.user
    level = access.access_level(user, case)
    referrals = selectors.case_referrals(case=case)
    my_unit = request.staff.unit
    parties = _parties(request, case)
    # The person cards show each party's identifiers: their data was shown too.
    access.access_log_write_many(
        user=user, action=access.Action.CASE_VIEW, people=[p["person"] for p in parties], request=request
    )
    context = {
        **_activity_context(case),
        "parties": parties,
        "attachments": selectors.case_attachments(case=case),
        "consents": case_consents(case=case),
        "referrals": referrals,
        "can_write": level >= access.Level.WRITE,
        "can_manage": level >= access.Level.MANAGE,
        "shown": _forms_shown(case, level),
        "can_read_access": access.can_read_case_access(user, case),
        "my_unit": my_unit,
        "status_actions": _status_actions(case),
        "is_closed": case.status == Status.CLOSED,
        "note_form": forms.get("note_form") or NoteForm(),
        "public_note_form": forms.get("public_note_form") or PublicNoteForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "status_form": forms.get("status_form") or StatusForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "assign_form": forms.get("assign_form") or AssignForm(unit=case.owning_unit),
        "referral_form": forms.get("referral_form") or ReferralForm(exclude_unit=case.owning_unit),
        "decline_forms": {
            r.pk: (forms.get("decline_form") if forms.get("decline_for") == r.pk else None) or DeclineForm()
            for r in referrals
        },
        "open_section": forms.get("open_section", ""),
        "reports": intake_selectors.case_reports(case=case),
        "incident_candidates": (
            intake_selectors.incident_candidates(case=case, user=user) if level >= access.Level.MANAGE else []
        ),
        "join_form": forms.get("join_form") or JoinForm(),
    }
    return context


@staff_required
@require_GET
def case_detail(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_for_view(request, number)
    return render(request, "workspace/case_detail.html", _case_context(request, case))


def _refusal(
    request: StaffRequest,
    number: str,
    form_name: str,
    form: BaseForm | None,
    error: RaksaError | None,
    form_shown: bool | None = None,
    **rerender: Any,
) -> HttpResponse:
    """The case page again after a refused action: nothing was saved, and the user is told why in Thai and
    English. An error about what was typed goes on the form's own field when the page shows that form; a refusal
    of the action itself (403, 409), or any error on a form the page does not show, becomes a message at the top.
    The status is the error's own (400, 403, 409), or 400 for a form that did not validate."""
    case = _case_for_view(request, number)
    if form_shown is None:
        form_shown = _forms_shown(case, access.access_level(request.staff.user, case)).get(form_name, False)
    on_form = form is not None and form_shown
    if error is not None:
        items: list[tuple[str | None, str, str]] = [
            (e.field, e.message_th, e.message_en) for e in error.errors
        ]
        for field, message_th, message_en in items or [(error.field, error.message_th, error.message_en)]:
            text = bilingual(message_th, message_en)
            if form is not None and on_form and error.status < 403 and field in form.fields:
                form.add_error(field, text)
            else:
                messages.error(request, text)
    elif form is not None and not on_form:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    if form is not None and on_form:
        rerender[form_name] = form
    status = error.status if error is not None else 400
    return render(
        request, "workspace/case_detail.html", _case_context(request, case, **rerender), status=status
    )


def _htmx(request: StaffRequest) -> HtmxDetails | None:
    htmx = getattr(request, "htmx", None)
    return htmx if isinstance(htmx, HtmxDetails) and htmx else None


def _is_htmx(request: StaffRequest) -> bool:
    return _htmx(request) is not None


@staff_required
@require_POST
def note_add(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_for_action(request, number)
    form = NoteForm(request.POST)
    error: RaksaError | None = None
    if form.is_valid():
        try:
            services.note_add(actor=request.staff.user, case=case, body=form.cleaned_data["body"])
        except RaksaError as exc:
            error = exc
        else:
            if not _is_htmx(request):
                messages.success(request, _("บันทึกแล้ว"))
                return redirect("cases:detail", number=case.number)
            form = NoteForm()
    if _is_htmx(request):
        # htmx swaps only 2xx answers: errors come back as 200 with the form showing them. The answer carries
        # every note and the timeline, so it is logged like the case page.
        if error is not None:
            add_service_error(form, error)
        access.access_log_write(
            user=request.staff.user, action=access.Action.CASE_NOTES, case=case, request=request
        )
        context = {**_activity_context(case), "note_form": form, "can_write": True}
        return render(request, "workspace/_case_activity.html", context)
    return _refusal(request, number, "note_form", form, error)


def _submit(
    request: StaffRequest,
    case: Case,
    form: Any,
    form_name: str,
    perform: Callable[[dict[str, Any]], object],
    done: str | Callable[[Any], str],
    form_shown: bool | None = None,
    **rerender: Any,
) -> HttpResponse:
    """The one shape of every form action on a case: validate, call the service, then either go back to the case
    with a message (`done`, or `done` of what the service returned) or show the page again with the form and the
    service's error in Thai and English."""
    error: RaksaError | None = None
    if form.is_valid():
        try:
            result = perform(form.cleaned_data)
        except RaksaError as exc:
            error = exc
        else:
            messages.success(request, done(result) if callable(done) else done)
            return redirect("cases:detail", number=case.number)
    return _refusal(request, case.number, form_name, form, error, form_shown, **rerender)


@staff_required
@require_POST
def public_note_add(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_for_action(request, number)
    return _submit(
        request,
        case,
        PublicNoteForm(request.POST),
        "public_note_form",
        lambda data: services.public_note_add(actor=request.staff.user, case=case, text=data["text"]),
        _("ส่งข้อความถึงผู้แจ้งแล้ว ผู้แจ้งจะเห็นในหน้าติดตามเรื่อง"),
        open_section="public_note",
    )


@staff_required
@require_POST
def attachment_add(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_for_action(request, number)
    return _submit(
        request,
        case,
        AttachmentForm(request.POST, request.FILES),
        "attachment_form",
        lambda data: services.attachment_add(actor=request.staff.user, case=case, uploaded_file=data["file"]),
        lambda attachment: (
            _("ไฟล์นี้แนบไว้ในเรื่องนี้แล้ว (%(name)s)") % {"name": attachment.original_name}
            if attachment.is_duplicate
            else _("แนบไฟล์แล้ว")
        ),
        open_section="attachments",
    )


@staff_required
@require_GET
def attachment_download(request: StaffRequest, number: str, pk: int) -> HttpResponseBase:
    case = _case_for_view(request, number, access.Action.ATTACHMENT_DOWNLOAD)
    try:
        attachment = selectors.case_attachment_get(case=case, pk=pk)
    except NotFound:
        raise Http404() from None
    content_type = attachment.content_type
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=selectors.case_attachment_filename(attachment=attachment),
        content_type=content_type,
    )
    # Saved, never shown: even a file stored before types were checked this closely cannot run as a page here.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_POST
def status_change(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_for_action(request, number)
    return _submit(
        request,
        case,
        StatusForm(request.POST),
        "status_form",
        lambda data: services.case_change_status(
            actor=request.staff.user, case=case, status=data["status"], reason=data["reason"]
        ),
        _("เปลี่ยนสถานะแล้ว"),
    )


@staff_required
@require_POST
def case_close(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_for_action(request, number)
    return _submit(
        request,
        case,
        CloseForm(request.POST),
        "close_form",
        lambda data: services.case_close(actor=request.staff.user, case=case, outcome=data["outcome"]),
        _("ปิดเรื่องแล้ว"),
        open_section="close",
    )


@staff_required
@require_POST
def incident_join(request: StaffRequest, number: str) -> HttpResponse:
    """Join this case into another open emergency of the same incident (intake.services.incident_join)."""
    case = _case_for_action(request, number)

    def join(data: dict[str, Any]) -> Case:
        into = selectors.case_get(user=request.staff.user, number=data["into"].strip())
        return intake_services.incident_join(actor=request.staff.user, case=case, into=into)

    return _submit(
        request,
        case,
        JoinForm(request.POST),
        "join_form",
        join,
        lambda into: _("รวมเข้ากับเรื่อง %(number)s แล้ว") % {"number": into.number},
        form_shown=True,
        open_section="join",
    )


@staff_required
@require_POST
def case_reopen(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_for_action(request, number)
    return _submit(
        request,
        case,
        ReopenForm(request.POST),
        "reopen_form",
        lambda data: services.case_reopen(actor=request.staff.user, case=case, reason=data["reason"]),
        _("เปิดเรื่องอีกครั้งแล้ว"),
        open_section="reopen",
    )


@staff_required
@require_POST
def case_assign(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_for_action(request, number)
    return _submit(
        request,
        case,
        AssignForm(request.POST, unit=case.owning_unit),
        "assign_form",
        lambda data: services.case_assign(actor=request.staff.user, case=case, assignee=data["assignee"]),
        _("มอบหมายผู้รับผิดชอบแล้ว"),
        open_section="assign",
    )


@staff_required
@require_POST
def referral_create(request: StaffRequest, number: str) -> HttpResponse:
    case = _case_for_action(request, number)
    return _submit(
        request,
        case,
        ReferralForm(request.POST, exclude_unit=case.owning_unit),
        "referral_form",
        lambda data: services.referral_create(
            actor=request.staff.user, case=case, to_unit=data["to_unit"], reason=data["reason"]
        ),
        _("ส่งต่อแล้ว"),
        open_section="refer",
    )


def _referral(request: StaffRequest, number: str, pk: int) -> tuple[Case, Referral]:
    case = _case_for_action(request, number)
    try:
        referral = selectors.case_referral_get(case=case, pk=pk)
    except NotFound:
        raise Http404() from None
    return case, referral


@staff_required
@require_POST
def referral_accept(request: StaffRequest, number: str, pk: int) -> HttpResponse:
    case, referral = _referral(request, number, pk)
    try:
        services.referral_accept(actor=request.staff.user, referral=referral)
    except RaksaError as exc:
        return _refusal(request, number, "decline_form", None, exc)
    messages.success(request, _("ตอบรับการส่งต่อแล้ว"))
    return redirect("cases:detail", number=case.number)


@staff_required
@require_POST
def referral_decline(request: StaffRequest, number: str, pk: int) -> HttpResponse:
    case, referral = _referral(request, number, pk)
    return _submit(
        request,
        case,
        DeclineForm(request.POST),
        "decline_form",
        lambda data: services.referral_decline(
            actor=request.staff.user, referral=referral, reason=data["reason"]
        ),
        _("ปฏิเสธการส่งต่อแล้ว"),
        # The page offers the decline form only on a pending referral to the viewer's own unit.
        form_shown=referral.state == Referral.State.PENDING
        and request.staff.unit is not None
        and referral.to_unit_id == request.staff.unit.pk,
        decline_for=referral.pk,
    )
