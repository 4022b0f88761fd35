"""Staff users and their API tokens.

A token is "rk_" + 43 url-safe characters (256 random bits). Only its SHA-256 is stored, with the first eight
characters after "rk_" as a prefix so a person can tell their tokens apart; the raw token is shown once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from raksa.accounts.errors import (
    AMBIGUOUS_PREFIX,
    INACTIVE_UNIT,
    TOKEN_NOT_FOUND,
    UNKNOWN_ROLE,
    UNKNOWN_STAFF_UNIT,
    USER_INACTIVE,
    USERNAME_REQUIRED,
)
from raksa.accounts.models import ApiToken, Role, User
from raksa.directory.models import Unit

TOKEN_PREFIX = "rk_"
PREFIX_LENGTH = 8
CENTRE_UNIT = "centre-1300"
# Writing last_used_at on every request would turn every API read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def user_ensure(*, username: str, role: str, unit_code: str | None = None) -> User:
    """The staff user `username` with this role in this unit (the national 1300 centre when no unit is given).

    Creates the user if needed, with no usable password (it signs in with a token, or an administrator sets a
    password). An existing user is given the role and unit asked for, so the result is always what was asked;
    a deactivated user is refused rather than silently brought back.
    """
    username = (username or "").strip()
    if not username:
        raise USERNAME_REQUIRED.error(field="user")
    if role not in Role.values:
        raise UNKNOWN_ROLE.error(field="role", role=role, roles=", ".join(Role.values))
    code = unit_code or CENTRE_UNIT
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        hint_th = " (โหลดทำเนียบหน่วยงานด้วย raksa load_directory)" if code == CENTRE_UNIT else ""
        hint_en = " (load the directory with `raksa load_directory`)" if code == CENTRE_UNIT else ""
        raise UNKNOWN_STAFF_UNIT.error(field="unit", code=code, hint_th=hint_th, hint_en=hint_en)
    if not unit.is_active:
        raise INACTIVE_UNIT.error(field="unit", code=code)

    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, unit=unit, display_name=username)
            user.set_unusable_password()
            user.save()
            return user
        if not user.is_active:
            raise USER_INACTIVE.error(field="user", username=username)
        if user.role != role or user.unit_id != unit.pk:
            user.role = role
            user.unit = unit
            user.save(update_fields=["role", "unit"])
        return user


def token_create(*, user: User, name: str = "") -> str:
    """A new bearer token for `user`. The return value is the only time the raw token exists."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + PREFIX_LENGTH],
        key_hash=token_hash(raw),
    )
    return raw


def token_authenticate(raw: str) -> User | None:
    """The active user a live token belongs to, or None (unknown, revoked, or the user was deactivated)."""
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    digest = token_hash(raw)
    # The lookup is by a hash of the secret, so its timing says nothing about the secret itself.
    token = ApiToken.objects.select_related("user", "user__unit").filter(key_hash=digest).first()
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, token: ApiToken) -> None:
    """Revoke a token; revoking one that is already revoked keeps the first revocation time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at", "updated_at"])


def token_revoke_by_prefix(*, prefix: str, username: str | None = None) -> ApiToken:
    """Revoke the one live token with this prefix (optionally of this user); for the `raksa token revoke` command."""
    prefix = (prefix or "").strip().removeprefix(TOKEN_PREFIX)[:PREFIX_LENGTH]
    tokens = ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True)
    if username:
        tokens = tokens.filter(user__username=username)
    found = list(tokens[:2])
    if not found or len(prefix) < PREFIX_LENGTH:
        raise TOKEN_NOT_FOUND.error(prefix=prefix)
    if len(found) > 1:
        raise AMBIGUOUS_PREFIX.error(prefix=prefix)
    token_revoke(token=found[0])
    return found[0]
