"""Person pages of the workspace: search the master person index, and one person with every case the viewer
may see. Each look at a person's details writes an access-log row (PDPA)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from raksa.accounts.http import StaffRequest, staff_required
from raksa.cases.access import access_log_write
from raksa.cases.selectors import case_history
from raksa.core.errors import NotFound
from raksa.people.selectors import person_addresses, person_get, person_identifiers, person_search

MAX_QUERY = 100
PERSON_PAGE_HISTORY = 200


@staff_required
@require_GET
def person_search_page(request: StaffRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    has_unit = request.staff.unit is not None
    people = []
    if query and has_unit:
        people = person_search(query=query, limit=20)
        access_log_write(user=request.staff.user, action="person_search", request=request)
    return render(
        request, "workspace/person_search.html", {"query": query, "people": people, "has_unit": has_unit}
    )


@staff_required
@require_GET
def person_detail(request: StaffRequest, pk: int) -> HttpResponse:
    # Staff outside any unit see no personal data at all; to them the person does not exist.
    if request.staff.unit is None:
        raise Http404()
    try:
        person = person_get(pk=pk)
    except NotFound:
        raise Http404() from None
    if person.pk != pk:
        # Merged into another record: the survivor's page is the one place to read and log.
        return redirect("people:detail", pk=person.pk)
    access_log_write(user=request.staff.user, action="person_view", person=person, request=request)
    context = {
        "person": person,
        "identifiers": person_identifiers(person=person),
        "addresses": person_addresses(person=person),
        "cases": case_history(user=request.staff.user, person=person, limit=PERSON_PAGE_HISTORY),
    }
    return render(request, "workspace/person_detail.html", context)
