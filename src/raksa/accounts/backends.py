"""Sign-in throttling: django-axes refuses a user name or an address after too many failed passwords.

API bearer tokens never pass through here (`raksa.accounts.auth` checks them without Django's `authenticate`),
so a locked user name or address still reaches the API with a valid token.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


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


def client_address(request: HttpRequest) -> str | None:
    """The address failures are counted against.

    Behind RAKSA_PROXY_COUNT reverse proxies REMOTE_ADDR is the nearest proxy, which would lock everyone out at
    once; the client is the address the outermost trusted proxy saw, counted from the right of X-Forwarded-For
    (entries further left are whatever the client chose to send).
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.RAKSA_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
