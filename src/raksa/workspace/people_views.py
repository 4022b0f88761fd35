"""Person pages of the workspace: search the master person index, and one person with every case the viewer
may see. Each look at a person's details writes an access-log row (PDPA)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from raksa.cases.access import access_log_write, staff_unit
from raksa.cases.selectors import cases_for_person
from raksa.core.errors import NotFound
from raksa.people.selectors import person_get, person_search
from raksa.workspace.views import staff_user

MAX_QUERY = 100


@login_required
@require_GET
def person_search_page(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    has_unit = staff_unit(request.user) is not None
    people = []
    if query and has_unit:
        people = person_search(query=query, limit=20)
        access_log_write(user=staff_user(request), action="person_search", request=request)
    return render(
        request, "workspace/person_search.html", {"query": query, "people": people, "has_unit": has_unit}
    )


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Staff outside any unit see no personal data at all; to them the person does not exist.
    if staff_unit(request.user) is None:
        raise Http404()
    try:
        person = person_get(pk=pk)
    except NotFound:
        raise Http404() from None
    if person.pk != pk:
        # Merged into another record: the survivor's page is the one place to read and log.
        return redirect("people:detail", pk=person.pk)
    access_log_write(user=staff_user(request), action="person_view", person=person, request=request)
    cases = list(
        cases_for_person(user=request.user, person=person).select_related("owning_unit__agency")[:200]
    )
    context = {
        "person": person,
        "identifiers": list(person.identifiers.all()),
        "addresses": list(person.addresses.all()),
        "cases": cases,
    }
    return render(request, "workspace/person_detail.html", context)
