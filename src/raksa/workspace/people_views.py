"""Person pages of the workspace: search the master person index, and one person as the viewer may see them
(raksa.cases.person_access decides: the full record, the limited view with a way to break the glass, or nothing).
Every response that shows a person writes an access-log row naming them (PDPA)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from raksa.accounts.http import StaffRequest, staff_required
from raksa.cases import person_access
from raksa.cases.person_access import PersonAccess
from raksa.cases.selectors import case_history
from raksa.core.errors import Conflict, NotFound, RaksaError, TooManyRequests
from raksa.core.forms import add_service_error, bilingual
from raksa.people.models import Person
from raksa.people.selectors import person_addresses, person_identifiers
from raksa.workspace.forms import BreakGlassForm

MAX_QUERY = 100
PERSON_PAGE_HISTORY = 200
SEARCH_LIMIT = 20


def _too_many(request: StaffRequest, error: TooManyRequests) -> HttpResponse:
    response = render(
        request,
        "workspace/too_many_requests.html",
        {"message": bilingual(error.message_th, error.message_en)},
        status=429,
    )
    response["Retry-After"] = str(error.retry_after)
    return response


@staff_required
@require_GET
def person_search_page(request: StaffRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    has_unit = request.staff.unit is not None
    results: list[tuple[Person, PersonAccess]] = []
    if query and has_unit:
        try:
            results = person_access.person_search_for_view(
                user=request.staff.user, query=query, limit=SEARCH_LIMIT, request=request
            )
        except TooManyRequests as exc:
            return _too_many(request, exc)
    context = {
        "query": query,
        "results": [{"person": person, "full": access.is_full} for person, access in results],
        "has_unit": has_unit,
    }
    return render(request, "workspace/person_search.html", context)


def _full_context(request: StaffRequest, person: Person, access: PersonAccess) -> dict[str, Any]:
    return {
        "person": person,
        "grant": access.grant,
        "identifiers": person_identifiers(person=person),
        "addresses": person_addresses(person=person),
        "cases": case_history(user=request.staff.user, person=person, limit=PERSON_PAGE_HISTORY),
    }


def _limited_page(
    request: StaffRequest, person: Person, form: BreakGlassForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "person": person_access.person_limited(person=person),
        "form": form or BreakGlassForm(),
        "grant_minutes": settings.RAKSA_BREAK_GLASS_MINUTES,
    }
    return render(request, "workspace/person_limited.html", context, status=status)


@staff_required
@require_GET
def person_detail(request: StaffRequest, public_id: str) -> HttpResponse:
    user = request.staff.user
    try:
        person, access = person_access.person_for_view(
            user=user, public_id=public_id, request=request, log=False
        )
    except NotFound:
        raise Http404() from None
    except TooManyRequests as exc:
        return _too_many(request, exc)
    if person.public_id != public_id:
        # Merged into another record (or the id typed in capitals): the survivor's page is the one to read and log.
        return redirect("people:detail", public_id=person.public_id)
    person_access.person_view_log(user=user, person=person, access=access, request=request)
    if not access.is_full:
        return _limited_page(request, person)
    return render(request, "workspace/person_detail.html", _full_context(request, person, access))


@staff_required
@require_POST
def person_break_glass(request: StaffRequest, public_id: str) -> HttpResponse:
    user = request.staff.user
    try:
        # Not counted against the hourly limit: the page it returns to is.
        person, access = person_access.person_access_for(user=user, public_id=public_id)
    except NotFound:
        raise Http404() from None
    form = BreakGlassForm(request.POST)
    if form.is_valid():
        try:
            grant = person_access.person_break_glass(
                user=user, person=person, reason=form.cleaned_data["reason"], request=request
            )
        except NotFound:
            raise Http404() from None
        except Conflict as exc:  # the full record is already theirs: nothing to open
            messages.info(request, bilingual(exc.message_th, exc.message_en))
            return redirect("people:detail", public_id=person.public_id)
        except RaksaError as exc:
            add_service_error(form, exc)
        else:
            until = timezone.localtime(grant.expires_at).strftime("%H:%M")
            messages.success(
                request,
                _("เปิดดูข้อมูลเต็มได้ถึง %(time)s น. หัวหน้างานในพื้นที่ได้รับแจ้งแล้ว") % {"time": until},
            )
            return redirect("people:detail", public_id=person.public_id)
    person_access.person_view_log(user=user, person=person, access=access, request=request)
    return _limited_page(request, person, form, status=400)
