"""`raksa standins`: the local LINE Messaging API and SMS gateway, in the foreground, until Ctrl-C."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from raksa.notify.standins import LINE_TOKEN, SMS_TOKEN, LineStandIn, SmsStandIn


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
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():  # signals reach only the main thread
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with line, sms:
            self.stdout.write(f"LINE Messaging API stand-in: {line.base_url}")
            self.stdout.write(
                f"  LINE_API_BASE={line.base_url} LINE_API_DATA_BASE={line.base_url} "
                f"LINE_CHANNEL_ACCESS_TOKEN={line.token}"
            )
            self.stdout.write(f"  what it received: {line.base_url}/_received")
            self.stdout.write(f"SMS gateway stand-in: {sms.url}")
            self.stdout.write(f"  RAKSA_SMS_GATEWAY_URL={sms.url} RAKSA_SMS_GATEWAY_TOKEN={sms.token}")
            self.stdout.write(f"  what it received: {sms.base_url}/_received")
            self.stdout.write("Ctrl-C stops them.")
            self.stdout.flush()
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
