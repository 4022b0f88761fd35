"""`raksa token create|revoke`: bearer tokens for the JSON API, from the shell."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from raksa.accounts.models import Role, User
from raksa.accounts.services import token_create, token_revoke_by_prefix, user_ensure
from raksa.core.errors import RaksaError


class Command(BaseCommand):
    help = (
        "Create or revoke API bearer tokens. `create` makes the staff user if needed (in the national 1300 centre "
        "when no --unit is given) and prints only the token on one line; an existing user is given the role and "
        "unit asked for (a note goes to stderr). สร้างหรือยกเลิกโทเค็นสำหรับ API"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,revoke}")
        create = actions.add_parser(
            "create", help="create a token (and the user if needed); prints only the token"
        )
        create.add_argument("--user", required=True, help="username")
        create.add_argument("--role", required=True, help=f"one of: {', '.join(Role.values)}")
        create.add_argument("--unit", default=None, help="unit code, e.g. pso-50 (default: centre-1300)")
        create.add_argument("--name", default="", help="a label to tell this token apart, e.g. 'line bridge'")
        create.add_argument(
            "--service",
            default=None,
            help="make the user a machine account: 'telephony' may only post call events "
            "(POST /api/v1/calls/incoming); '' makes it a person's again",
        )
        revoke = actions.add_parser("revoke", help="revoke the live token whose prefix is given")
        revoke.add_argument(
            "--prefix", required=True, help="the 8 characters after rk_ (the start of the token)"
        )
        revoke.add_argument(
            "--user", default=None, help="only this user's token (when a prefix is ambiguous)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options)
            else:
                token = token_revoke_by_prefix(prefix=options["prefix"], username=options.get("user"))
                self.stderr.write(f"revoked {token.prefix}… of {token.user.username} / ยกเลิกโทเค็นแล้ว")
        except RaksaError as exc:
            raise CommandError(f"{exc.message_th} / {exc.message_en}") from None

    def _create(self, options: dict[str, Any]) -> None:
        before = User.objects.filter(username=(options["user"] or "").strip()).select_related("unit").first()
        user = user_ensure(
            username=options["user"],
            role=options["role"],
            unit_code=options["unit"],
            service=options.get("service"),
        )
        if before is not None and before.service != user.service:
            self.stderr.write(
                f"updated existing user {user.username}: service {before.service or '-'} -> "
                f"{user.service or '-'} / ปรับประเภทบัญชีของผู้ใช้เดิมแล้ว"
            )
        if before is not None and (before.role != user.role or before.unit_id != user.unit_id):
            old_unit = before.unit.code if before.unit else "-"
            new_unit = user.unit.code if user.unit else "-"
            self.stderr.write(
                f"updated existing user {user.username}: role {before.role} -> {user.role}, "
                f"unit {old_unit} -> {new_unit} / ปรับบทบาทและหน่วยงานของผู้ใช้เดิมแล้ว"
            )
        # stdout carries the token and nothing else, so `TOKEN=$(raksa token create ...)` just works.
        self.stdout.write(token_create(user=user, name=options["name"]))
