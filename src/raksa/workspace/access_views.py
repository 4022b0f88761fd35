"""Who looked at a case or a person, and when: the access log as supervisors read it (who may: cases.access).

Reading it is itself logged, before the page is drawn, so the reader finds their own look at the top.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from raksa.accounts.http import StaffRequest, staff_required
from raksa.cases import access, selectors
from raksa.cases.models import AccessLog
from raksa.core.errors import Forbidden, NotFound, RaksaError
from raksa.core.forms import bilingual
from raksa.people.selectors import person_get_by_public_id

PAGE_SIZE = 50


def _refused(request: StaffRequest, error: RaksaError) -> HttpResponse:
    context = {"message": bilingual(error.message_th, error.message_en)}
    return render(request, "workspace/refused.html", context, status=error.status)


def _page(request: StaffRequest, rows: QuerySet[AccessLog], url: str) -> dict[str, Any]:
    cursor = request.GET.get("after") or None
    try:
        items, next_cursor = selectors.access_page(rows, cursor=cursor, limit=PAGE_SIZE)
    except RaksaError:  # a hand-edited link: start again from the newest
        cursor = None
        items, next_cursor = selectors.access_page(rows, cursor=None, limit=PAGE_SIZE)
    return {
        "entries": [
            {
                "row": row,
                "action": access.ACTION_LABELS.get(row.action, row.action),
                "channel": access.CHANNEL_LABELS.get(row.channel, row.channel),
            }
            for row in items
        ],
        "next_url": f"{url}?after={next_cursor}" if next_cursor else "",
        "first_url": url if cursor else "",
    }


@staff_required
@require_GET
def case_access(request: StaffRequest, number: str) -> HttpResponse:
    user = request.staff.user
    try:
        case = selectors.case_get(user=user, number=number)
        access.require_case_access_reader(user, case)
    except NotFound:
        raise Http404() from None
    except Forbidden as exc:
        return _refused(request, exc)
    access.access_log_write(user=user, action=access.Action.ACCESS_HISTORY, case=case, request=request)
    url = reverse("cases:access", args=[case.number])
    context = {"case": case, **_page(request, selectors.case_access_history(case=case), url)}
    return render(request, "workspace/access_history.html", context)


@staff_required
@require_GET
def person_access(request: StaffRequest, public_id: str) -> HttpResponse:
    user = request.staff.user
    try:
        person = person_get_by_public_id(public_id=public_id)
        scope = access.person_access_scope(user, person)
    except NotFound:
        raise Http404() from None
    except Forbidden as exc:
        return _refused(request, exc)
    if person.public_id != public_id:
        # Merged into another record (or the id typed in capitals): read, and log, on the survivor's page.
        return redirect("people:access", public_id=person.public_id)
    access.access_log_write(user=user, action=access.Action.ACCESS_HISTORY, person=person, request=request)
    url = reverse("people:access", args=[person.public_id])
    rows = selectors.person_access_history(person=person, cases=scope)
    return render(request, "workspace/access_history.html", {"person": person, **_page(request, rows, url)})
