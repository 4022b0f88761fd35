"""The volunteer's pages, made for a phone and working with JavaScript off (plain form posts; htmx only reloads
the district list when the province changes). Views parse, call intake's services and render; who may do what
is decided there (see the package's docstring). Every page showing a case or a name writes access-log rows."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from raksa.accounts.models import Role, User
from raksa.cases.access import Action, access_log_write_many
from raksa.core.errors import NotFound, RaksaError
from raksa.core.forms import add_service_error
from raksa.intake.volunteer import selectors, services
from raksa.intake.volunteer.forms import FIELDS, FollowUpForm, VolunteerReportForm, district_choices

P = ParamSpec("P")


class VolunteerRequest(HttpRequest):
    """A request that went through `volunteer_required`. Only for the type checker."""

    user: User


def volunteer_required(
    view: Callable[Concatenate[VolunteerRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Signed in, active, role "volunteer"; any other signed-in user is refused (403), as a volunteer is on the
    staff pages (accounts.http.staff_required)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or not user.is_active or user.role != Role.VOLUNTEER:
            raise PermissionDenied
        return view(request, *args, **kwargs)  # type: ignore[arg-type]

    return login_required(wrapper)


def _log_cases(request: VolunteerRequest, followed: list[selectors.FollowedCase]) -> None:
    access_log_write_many(
        user=request.user, action=Action.VOLUNTEER_VIEW, cases=[f.case for f in followed], request=request
    )


@volunteer_required
@require_GET
def home(request: VolunteerRequest) -> HttpResponse:
    """My reports: the cases her reports are on, the latest first, with their stage and next step."""
    after = request.GET.get("after") or None
    try:
        followed, next_cursor = selectors.volunteer_cases(volunteer=request.user, cursor=after)
    except RaksaError:  # a hand-edited link: start again from the latest
        after = None
        followed, next_cursor = selectors.volunteer_cases(volunteer=request.user)
    _log_cases(request, followed)
    context = {
        "followed": followed,
        "pending": selectors.volunteer_reports_pending(volunteer=request.user) if after is None else [],
        "next_url": f"{reverse('volunteer:home')}?after={next_cursor}" if next_cursor else "",
        "is_later_page": after is not None,
    }
    return render(request, "intake/volunteer/home.html", context)


def _default_province(user: User) -> str:
    return (user.unit.province_code if user.unit is not None else "") or ""


@volunteer_required
@require_http_methods(["GET", "POST"])
def report(request: VolunteerRequest) -> HttpResponse:
    """Report for a person in her community, with their consent."""
    default_province = _default_province(request.user)
    if request.method != "POST":
        form = VolunteerReportForm(default_province=default_province)
        return render(request, "intake/volunteer/report.html", {"form": form})
    form = VolunteerReportForm(request.POST, request.FILES, default_province=default_province)
    if form.is_valid():
        try:
            submitted = services.volunteer_report_submit(volunteer=request.user, **form.report_input())
        except RaksaError as error:
            add_service_error(form, error, fields=FIELDS)
        else:
            case = submitted.report.case
            if case is None:
                messages.warning(
                    request,
                    _("รับเรื่องไว้แล้ว ระบบจะเปิดเรื่องให้โดยเร็ว และจะแสดงในรายการเรื่องที่แจ้ง"),
                )
                return redirect("volunteer:home")
            messages.success(
                request,
                _("ส่งเรื่องแล้ว เลขเรื่อง %(number)s รหัสติดตาม %(code)s")
                % {"number": case.number, "code": case.tracking_code},
            )
            return redirect("volunteer:case", number=case.number)
    return render(request, "intake/volunteer/report.html", {"form": form}, status=400)


@volunteer_required
@require_GET
def districts(request: VolunteerRequest) -> HttpResponse:
    """The district options of a province, for the report form's district list (htmx)."""
    province = (request.GET.get("province") or "")[:2]
    return render(request, "intake/volunteer/_district_options.html", {"choices": district_choices(province)})


def _followed(request: VolunteerRequest, number: str) -> selectors.FollowedCase:
    try:
        return selectors.volunteer_case_get(volunteer=request.user, number=number)
    except NotFound:
        raise Http404() from None


def _case_page(
    request: VolunteerRequest, followed: selectors.FollowedCase, form: FollowUpForm, status: int = 200
) -> HttpResponse:
    _log_cases(request, [followed])
    return render(request, "intake/volunteer/case.html", {"f": followed, "form": form}, status=status)


@volunteer_required
@require_GET
def case(request: VolunteerRequest, number: str) -> HttpResponse:
    """One case she reported: its stage, the next step, her own follow-up notes and a box for another."""
    return _case_page(request, _followed(request, number), FollowUpForm())


@volunteer_required
@require_POST
def note_add(request: VolunteerRequest, number: str) -> HttpResponse:
    followed = _followed(request, number)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.volunteer_note_add(volunteer=request.user, number=number, body=form.cleaned_data["body"])
        except NotFound:
            raise Http404() from None
        except RaksaError as error:
            add_service_error(form, error)
            return _case_page(request, followed, form, status=error.status)
        messages.success(request, _("บันทึกแล้ว เจ้าหน้าที่ที่ดูแลเรื่องจะเห็นบันทึกนี้"))
        return redirect("volunteer:case", number=number)
    return _case_page(request, followed, form, status=400)
