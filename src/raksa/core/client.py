"""Who is asking: the client's address as the outermost trusted reverse proxy saw it.

Behind RAKSA_PROXY_COUNT reverse proxies REMOTE_ADDR is the nearest proxy, which would count every visitor as
one; the client is the address the outermost trusted proxy saw, counted from the right of X-Forwarded-For
(entries further left are whatever the client chose to send). Used by sign-in throttling, the access log and
the public rate limits alike, so all three name the same address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str | None:
    """The client's IP address in canonical form, or None when there is no request or no valid address."""
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR") or ""
    count = settings.RAKSA_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            raw = forwarded[-count]
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
