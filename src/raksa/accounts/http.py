"""The staff member behind a request, typed: `request.staff` on every page behind `staff_required`.

Here rather than in the workspace because every staff page will need it (the console, the dispatch board, the
responder pages), and those apps sit below the workspace.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from raksa.accounts.models import Role, User
from raksa.directory.models import Unit

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


@dataclass(frozen=True)
class Staff:
    """Who is asking, and the unit whose rules apply to them.

    `unit` is None for a staff member in no unit (or an inactive one): they may sign in but see no case and no
    person, exactly as raksa.cases.access.staff_unit decides.
    """

    user: User
    unit: Unit | None


class StaffRequest(HttpRequest):
    """A request that went through `staff_required`. Only for the type checker: the object is Django's own."""

    user: User
    staff: Staff


def staff_required(
    view: Callable[Concatenate[StaffRequest, P], R],
) -> Callable[Concatenate[HttpRequest, P], R]:
    """login_required, then `request.staff` set for the view.

    A community volunteer (role "volunteer") is not staff: every staff page refuses her (403), whatever it would
    show; her own pages are the volunteer channel's (raksa.intake.volunteer).
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> R:
        user = request.user
        if not isinstance(user, User):  # login_required has run; this only tells the type checker
            raise PermissionDenied
        if user.role == Role.VOLUNTEER:
            raise PermissionDenied
        staff_request = cast(StaffRequest, request)
        staff_request.staff = Staff(user=user, unit=user.unit if user.is_active else None)
        return view(staff_request, *args, **kwargs)

    return login_required(wrapper)
