"""`raksa standins`: the local LINE Messaging API and SMS gateway, in the foreground, until Ctrl-C."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from raksa.notify.standins import LINE_TOKEN, SMS_TOKEN, LineStandIn, SmsStandIn, run_in_foreground


class Command(BaseCommand):
    help = "Run local stand-ins of the LINE Messaging API (push) and of an SMS gateway, and print their settings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--line-port", type=int, default=8081, help="0 picks a free port")
        parser.add_argument("--sms-port", type=int, default=8082, help="0 picks a free port")
        parser.add_argument("--line-token", default=LINE_TOKEN, help="the channel access token it accepts")
        parser.add_argument("--sms-token", default=SMS_TOKEN, help="the bearer token it accepts")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            line = LineStandIn(host=options["host"], port=options["line_port"], token=options["line_token"])
            sms = SmsStandIn(host=options["host"], port=options["sms_port"], token=options["sms_token"])
        except OSError as exc:
            raise CommandError(f"cannot listen: {exc}") from None
        run_in_foreground(
            [line, sms],
            self._say,
            [
                f"LINE Messaging API stand-in: {line.base_url}",
                f"  LINE_API_BASE={line.base_url} LINE_API_DATA_BASE={line.base_url} "
                f"LINE_CHANNEL_ACCESS_TOKEN={line.token}",
                f"  what it received: {line.base_url}/_received",
                f"SMS gateway stand-in: {sms.url}",
                f"  RAKSA_SMS_GATEWAY_URL={sms.url} RAKSA_SMS_GATEWAY_TOKEN={sms.token}",
                f"  what it received: {sms.base_url}/_received",
                "Ctrl-C stops them.",
            ],
        )

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
