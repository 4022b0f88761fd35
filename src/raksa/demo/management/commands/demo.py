"""`raksa demo`: the directory, one demo staff member per role (passwords printed) and synthetic people and cases.

Idempotent: a re-run tops up whatever is missing and otherwise only sets the demo staff's passwords again (to
RAKSA_DEMO_PASSWORD when set, else to fresh random ones), so the printed table is always the one that works.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from raksa.demo.load import PASSWORD_ENV, demo_load
from raksa.demo.plan import DEFAULT_CASES, DEFAULT_PEOPLE, DEMO_SEED, TELEPHONY_USER


class Command(BaseCommand):
    help = "Load the directory, demo staff (one per role, passwords printed) and synthetic people and cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people", type=int, default=DEFAULT_PEOPLE, help="people to have (default %(default)s)"
        )
        parser.add_argument(
            "--cases", type=int, default=DEFAULT_CASES, help="cases to have (default %(default)s)"
        )
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed (default %(default)s)")
        parser.add_argument(
            "--password",
            default=None,
            help=f"one password for every demo user (default: ${PASSWORD_ENV}, else a fresh random one each)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        people, cases = options["people"], options["cases"]
        if people < 1 or cases < 0:
            self.stderr.write("--people must be at least 1 and --cases at least 0")
            raise SystemExit(2)
        result = demo_load(
            people=people,
            cases=cases,
            seed=options["seed"],
            password=options["password"],
            stdout=self.stdout,
        )
        self.stdout.write(
            f"people: {result.people_total} ({result.people_created} new), "
            f"cases: {result.cases_total} ({result.cases_created} new), "
            f"volunteer reports: {result.volunteer_reports_total} ({result.volunteer_reports_created} new), "
            f"{result.seconds:.1f} s"
        )
        self.stdout.write("")
        self.stdout.write("Demo staff (sign in at /login/; the admin also at /admin/):")
        widths = [
            max(len(row[i]) for row in [("username", "role", "unit", "password"), *result.users])
            for i in range(4)
        ]
        for row in [("username", "role", "unit", "password"), *result.users]:
            self.stdout.write(
                "  " + "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True))
            )
        if result.second_factors:
            self.stdout.write("")
            self.stdout.write(
                "These also give an authenticator-app code after the password: add the link to an app, "
                "or run `raksa twofactor code --key KEY` for the current code."
            )
            for username, key_hex, uri in result.second_factors:
                self.stdout.write(f"  2FA {username}: key {key_hex}  {uri}")
        if result.telephony:
            username, role, _unit, service, _name = TELEPHONY_USER
            self.stdout.write("")
            self.stdout.write(
                f"The 1300 telephony system is the service user {username!r} (no password): get its token for "
                "POST /api/v1/calls/incoming with"
            )
            self.stdout.write(
                f"  TOKEN=$(raksa token create --user {username} --role {role} --service {service})"
            )
            self.stdout.write(
                "and pop a call on demo_call_taker's open console (/console/): "
                'curl -X POST http://127.0.0.1:8000/api/v1/calls/incoming -H "Authorization: Bearer $TOKEN" '
                '-H \'Content-Type: application/json\' -d \'{"caller": "0812345678", "call_id": "demo-1", '
                '"agent": "demo_call_taker", "event": "ringing"}\''
            )
