"""A staff member's notices: what they were told (a record opened by breaking the glass in their area, a user of
theirs over the person-view limit), newest first; the header shows how many are unread."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from raksa.accounts.http import StaffRequest, staff_required
from raksa.accounts.selectors import notices_of_user
from raksa.accounts.services import notices_mark_read

NOTICES_SHOWN = 100


@staff_required
@require_GET
def notice_list(request: StaffRequest) -> HttpResponse:
    notices = notices_of_user(user=request.staff.user, limit=NOTICES_SHOWN)
    return render(request, "workspace/notice_list.html", {"notices": notices})


@staff_required
@require_POST
def notice_read_all(request: StaffRequest) -> HttpResponse:
    notices_mark_read(user=request.staff.user)
    return redirect("notices:list")
