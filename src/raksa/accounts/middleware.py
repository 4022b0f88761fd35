"""The second sign-in step, enforced for every page rather than per view, so no page (the Django admin's
included) can be forgotten."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from raksa.accounts.selectors import second_factor_required

# The API authenticates bearer tokens only (a browser session is never accepted there), so a session that
# is half signed in gains nothing on it.
API_PREFIX = "/api/"


class SecondFactorMiddleware:
    """A signed-in user who must pass a second factor (RAKSA_2FA_ROLES) and has not yet in this session is sent to
    that step from every page but the sign-in pages themselves, sign-out, the language switch and health."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        if self._open is None:  # reversed on first use: the URLconf is not loaded when middleware is built
            names = ["accounts:login", "accounts:second_factor", "accounts:second_factor_enrol"]
            self._open = (
                *(reverse(name) for name in names),
                reverse("accounts:logout"),
                reverse("set_language"),
                reverse("healthz"),
            )
        return self._open

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith((API_PREFIX, settings.STATIC_URL)) or path in self.open_paths():
            return self.get_response(request)
        user = request.user
        if second_factor_required(user=user) and not user.is_verified():  # type: ignore[union-attr]
            # Back to the page asked for; a form posted from a page opened before is not posted again.
            next_url = (
                request.get_full_path() if request.method in ("GET", "HEAD") else settings.LOGIN_REDIRECT_URL
            )
            target = f"{reverse('accounts:second_factor')}?{urlencode({'next': next_url})}"
            if request.headers.get("HX-Request") == "true":
                # An htmx swap would put the whole step page inside a fragment; load it as a page instead.
                return HttpResponseClientRedirect(target)
            return HttpResponseRedirect(target)
        return self.get_response(request)
