"""Reads about staff: who must pass a second factor, what they have enrolled, and their notices."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from raksa.accounts.models import Notice, User


def second_factor_required(*, user: User | AnonymousUser) -> bool:
    """Whether this user must give a code after the password (RAKSA_2FA_ROLES).

    Anyone who may use the Django admin counts as an administrator here whatever their role says, since the
    admin's powers come with is_staff and is_superuser, not with the role.
    """
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    roles = settings.RAKSA_2FA_ROLES
    if user.role in roles:
        return True
    return "admin" in roles and (user.is_staff or user.is_superuser)


def second_factor_enrolled(*, user: User) -> bool:
    """Whether the user has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def notices_of_user(*, user: User, limit: int = 100) -> list[Notice]:
    """The newest notices of `user`, read or not."""
    return list(Notice.objects.filter(recipient=user).order_by("-created_at", "-id")[:limit])


def notices_unread_count(*, user: User) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
