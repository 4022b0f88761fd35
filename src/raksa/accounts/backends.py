"""Sign-in: django-axes refuses a user name or an address after too many failed passwords; the password check
then reads the user with her unit, which every staff page needs, in the one query each request makes anyway.

API bearer tokens never pass through here (`raksa.accounts.auth` checks them without Django's `authenticate`),
so a locked user name or address still reaches the API with a valid token.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from raksa.core.client import client_address as core_client_address


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come over HTTP.

    A sign-in without a request (the test client's `login`, a shell, a management command checking a password)
    has no address to count and no page to show a lockout on; axes itself refuses to run without one, so such a
    sign-in is passed on to the password check unthrottled.
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class StaffBackend(ModelBackend):
    """Django's password check, and the signed-in user loaded with her unit (one query where there were two: the
    live screens poll every second or two, and each poll reads the user)."""

    def get_user(self, user_id: Any) -> Any:
        from raksa.accounts.models import User

        try:
            user = User.objects.select_related("unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def client_address(request: HttpRequest) -> str | None:
    """The address failures are counted against: the client behind the trusted proxies (raksa.core.client)."""
    return core_client_address(request)
