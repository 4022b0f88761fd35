"""`raksa twofactor reset|code`: an administrator's reset of a user's second factor, and a code calculator."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import key_validator

from raksa.accounts.models import User
from raksa.accounts.services import second_factor_reset


class Command(BaseCommand):
    help = (
        "Two-factor sign-in. `reset --user NAME` removes the user's authenticator app and recovery codes (a lost "
        "phone): they set up a new app at their next sign-in. `code --key HEX` prints the current six-digit code "
        "for a key, as an authenticator app would (for the demo users, whose keys `raksa demo` prints). "
        "การยืนยันตัวตนสองขั้นตอน"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{reset,code}")
        reset = actions.add_parser("reset", help="remove a user's authenticator app and recovery codes")
        reset.add_argument("--user", required=True, help="username")
        code = actions.add_parser("code", help="print the current code for a hex key")
        code.add_argument("--key", required=True, help="the hex key")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reset":
            user = User.objects.filter(username=(options["user"] or "").strip()).first()
            if user is None:
                raise CommandError(f"ไม่พบผู้ใช้ {options['user']!r} / No user {options['user']!r}")
            removed = second_factor_reset(user=user)
            self.stderr.write(
                f"removed {removed} device(s) of {user.username}; a new app is set up at the next sign-in / "
                "ล้างการยืนยันตัวตนสองขั้นตอนแล้ว"
            )
            return
        key = (options["key"] or "").strip().lower()
        try:
            key_validator(key)
        except ValidationError:
            key = ""
        if not key:
            raise CommandError("--key must be hexadecimal / กุญแจต้องเป็นเลขฐานสิบหก")
        self.stdout.write(f"{TOTP(bytes.fromhex(key)).token():06d}")
