"""Staff users, their API tokens, their second factor, and the notices they are sent.

A token is "rk_" + 43 url-safe characters (256 random bits). Only its SHA-256 is stored, with the first eight
characters after "rk_" as a prefix so a person can tell their tokens apart; the raw token is shown once.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, key_validator

from raksa.accounts.errors import (
    ALREADY_ENROLLED,
    AMBIGUOUS_PREFIX,
    INACTIVE_UNIT,
    INVALID_KEY,
    NO_ENROLMENT,
    TOKEN_NOT_FOUND,
    TOO_MANY_ATTEMPTS,
    UNKNOWN_ROLE,
    UNKNOWN_SERVICE,
    UNKNOWN_STAFF_UNIT,
    USER_INACTIVE,
    USERNAME_REQUIRED,
    WRONG_CODE,
)
from raksa.accounts.models import ApiToken, Notice, Role, Service, User
from raksa.core.errors import RaksaError
from raksa.directory.models import Unit

TOKEN_PREFIX = "rk_"
PREFIX_LENGTH = 8
CENTRE_UNIT = "centre-1300"
# Writing last_used_at on every request would turn every API read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)

logger = logging.getLogger(__name__)
NOTICE_MAIL_FOOTER = "ดูรายละเอียดที่หน้าการแจ้งเตือนใน Raksa / Details are on the notices page in Raksa."


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def user_ensure(
    *, username: str, role: str, unit_code: str | None = None, service: str | None = None
) -> User:
    """The staff user `username` with this role in this unit (the national 1300 centre when no unit is given).

    `service` makes (or keeps) it a machine account of that kind (Service: "telephony" posts call events and
    nothing else); "" makes it a person's again; None leaves an existing user's as it is.

    Creates the user if needed, with no usable password (it signs in with a token, or an administrator sets a
    password). An existing user is given the role and unit asked for, so the result is always what was asked;
    a deactivated user is refused rather than silently brought back.
    """
    username = (username or "").strip()
    if not username:
        raise USERNAME_REQUIRED.error(field="user")
    if role not in Role.values:
        raise UNKNOWN_ROLE.error(field="role", role=role, roles=", ".join(Role.values))
    if service is not None and service not in Service.values:
        services = ", ".join(value for value in Service.values if value)
        raise UNKNOWN_SERVICE.error(field="service", service=service, services=services)
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
            user = User(username=username, role=role, unit=unit, display_name=username, service=service or "")
            user.set_unusable_password()
            user.save()
            return user
        if not user.is_active:
            raise USER_INACTIVE.error(field="user", username=username)
        changed = []
        if user.role != role or user.unit_id != unit.pk:
            user.role = role
            user.unit = unit
            changed += ["role", "unit"]
        if service is not None and user.service != service:
            user.service = service
            changed.append("service")
        if changed:
            user.save(update_fields=changed)
        return user


def token_create(*, user: User, name: str = "") -> str:
    """A new bearer token for `user`. The return value is the only time the raw token exists."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    # A prefix starting with "-" reads as an option to `raksa token revoke --prefix`: draw again (1 in 64).
    while raw[len(TOKEN_PREFIX)] == "-":
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


def login_unlock(*, username: str) -> int:
    """Forget the failed passwords recorded against this user name (django-axes), so it may sign in again.

    A locked address is unlocked in the admin's "Access attempts" or with `raksa axes_reset_ip`.
    """
    return axes_reset(username=username)


# Two-factor sign-in (django-otp). A user has at most one authenticator app (a TOTP device, unconfirmed until
# its first code is given) and one set of recovery codes (a static device whose tokens are deleted as used).
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def _code_clean(code: str) -> str:
    # Apps show "123 456"; recovery codes are easier to read back with a dash; both are lower-case for the DB.
    return "".join((code or "").split()).replace("-", "").lower()[:32]


def _wrong_code() -> RaksaError:
    return WRONG_CODE.error(field="code")


def _too_many_codes() -> RaksaError:
    return TOO_MANY_ATTEMPTS.error(field="code")


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The authenticator-app device `user` is setting up, created on first ask; its key is shown until confirmed."""
    with transaction.atomic():
        devices = TOTPDevice.objects.select_for_update().filter(user=user).order_by("pk")
        if any(device.confirmed for device in devices):
            raise ALREADY_ENROLLED.error()
        device = devices.first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        return device


def totp_enrolment_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the app with its first code; returns the device and the recovery codes, shown only this once."""
    verified = None
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        )
        if device is None:
            raise NO_ENROLMENT.error()
        allowed, _ = device.verify_is_allowed()
        # A failure must commit (it counts towards django-otp's throttle), so the error is raised outside.
        if allowed and device.verify_token(_code_clean(code)):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            verified = device, recovery_codes_create(user=user)
    if verified is None:
        raise _wrong_code() if allowed else _too_many_codes()
    return verified


def recovery_codes_create(*, user: User) -> list[str]:
    """Ten new single-use recovery codes for `user`; earlier ones stop working. Only the caller sees them."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.select_for_update().get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_verify(*, user: User, code: str) -> Device:
    """The device that accepts `code`: the app's current code (six digits) or an unused recovery code, which is
    then used up. Wrong codes count towards django-otp's throttle, which refuses even a right code for a while.
    """
    token = _code_clean(code)
    model: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if token.isdigit() else StaticDevice
    throttled = False
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"):
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                throttled = True
            elif device.verify_token(token):
                return device
    raise _too_many_codes() if throttled else _wrong_code()


def second_factor_reset(*, user: User) -> int:
    """Remove the user's app and recovery codes (a lost phone); they set up a new app at their next sign-in.

    Sessions verified with the old app stop counting as verified at their next request.
    """
    with transaction.atomic():
        count = 0
        for model in (TOTPDevice, StaticDevice):
            devices = model.objects.filter(user=user)
            count += devices.count()
            devices.delete()
    return count


def totp_device_ensure(*, user: User, key_hex: str) -> str:
    """A confirmed authenticator device with this hex key for `user` (the demo's staff); its otpauth:// URI.

    The key is the shared secret: whoever has it can make codes, so only the demo, whose passwords are printed
    anyway, should choose one. Calling again with the same key changes nothing.
    """
    key = (key_hex or "").strip().lower()
    try:
        key_validator(key)
        valid = 16 <= len(key) // 2 <= 40
    except ValidationError:
        valid = False
    if not valid:
        raise INVALID_KEY.error(field="key_hex")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(name=TOTP_DEVICE_NAME).delete()
        device = TOTPDevice.objects.select_for_update().filter(user=user, name=TOTP_DEVICE_NAME).first()
        if device is None:
            device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME)
        if device.key != key or not device.confirmed:
            device.key = key
            device.confirmed = True
            device.last_t = -1
            device.drift = 0
            device.throttling_failure_count = 0
            device.throttling_failure_timestamp = None
            device.save()
    return device.config_url


def notice_send(
    *,
    recipients: Iterable[User],
    kind: str,
    message_th: str,
    message_en: str,
    url: str = "",
    mail_th: str | None = None,
    mail_en: str | None = None,
) -> list[Notice]:
    """Tell each recipient in the app, and by email when email is configured (RAKSA_EMAIL_HOST) and they have an
    address. The email leaves after the transaction commits, so a rolled-back action tells nobody; a mail server
    that fails is logged, never the caller's failure.

    An email leaves the system for good: `mail_th`/`mail_en`, when given, are what it says instead of the
    message, so that a notice can carry what the app may show (a reason written by staff) and the email only
    that there is something to read.
    """
    now = timezone.now()
    people = {user.pk: user for user in recipients if user.is_active}.values()
    notices = Notice.objects.bulk_create(
        Notice(
            recipient=user,
            kind=kind[:32],
            message_th=message_th[:500],
            message_en=message_en[:500],
            url=url[:300],
            created_at=now,
        )
        for user in people
    )
    addresses = sorted({user.email for user in people if user.email})
    if settings.RAKSA_NOTICE_EMAIL and addresses:
        mail = functools.partial(_notice_mail, addresses, mail_th or message_th, mail_en or message_en)
        transaction.on_commit(mail)
    return notices


def _notice_mail(addresses: list[str], message_th: str, message_en: str) -> None:
    try:
        send_mail(
            subject=f"[Raksa] {message_th}"[:150],
            message=f"{message_th}\n\n{message_en}\n\n{NOTICE_MAIL_FOOTER}",
            from_email=None,
            recipient_list=addresses,
        )
    except Exception:  # SMTP errors come as several types; the in-app notice is already there
        logger.exception("Could not email a notice to %d recipient(s)", len(addresses))


def notices_mark_read(*, user: User) -> int:
    """Mark every unread notice of `user` read; the number marked."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
