"""Bearer-token authentication for the JSON API (django-ninja)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from raksa.accounts.services import token_authenticate


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer rk_...`: the token's user becomes request.user, so permission checks read as usual."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user
