"""Reads about staff: who is in a unit, which tokens a user holds (never their hashes), and their notices."""

from __future__ import annotations

from django.db.models import QuerySet

from raksa.accounts.models import ApiToken, Notice, User
from raksa.directory.models import Unit


def staff_of_unit(*, unit: Unit, role: str | None = None) -> QuerySet[User]:
    users = User.objects.filter(unit=unit, is_active=True)
    if role:
        users = users.filter(role=role)
    return users.order_by("username")


def tokens_of_user(*, user: User, include_revoked: bool = False) -> QuerySet[ApiToken]:
    tokens = ApiToken.objects.filter(user=user).defer("key_hash")
    if not include_revoked:
        tokens = tokens.filter(revoked_at__isnull=True)
    return tokens.order_by("-created_at")


def notices_of_user(*, user: User, limit: int = 100) -> list[Notice]:
    """The newest notices of `user`, read or not."""
    return list(Notice.objects.filter(recipient=user).order_by("-created_at", "-id")[:limit])


def notices_unread_count(*, user: User) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
