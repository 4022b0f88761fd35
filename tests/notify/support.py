"""What notify's tests share: the stand-ins on free ports with the settings pointed at them, recipients, and a
handler that remembers the outcomes it was told."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.test import override_settings

from raksa.notify.models import Message
from raksa.notify.services import outcome_handler_register, outcome_handler_unregister
from raksa.notify.standins import LineStandIn, SmsStandIn

GROUP = "C" + "1a2b3c4d" * 4  # a LINE group id
USER = "U" + "5e6f7a8b" * 4  # a LINE user id
PHONE = "0812345678"
WEBHOOK_SECRET = "webhook-secret-for-tests"
PURPOSE = "test_alert"

BUBBLE = {
    "type": "bubble",
    "body": {
        "type": "box",
        "layout": "vertical",
        "contents": [
            {"type": "text", "text": "เหตุฉุกเฉิน: ถูกข่มขู่", "weight": "bold"},
            {"type": "text", "text": "เขตบางกะปิ กรุงเทพมหานคร", "wrap": True},
        ],
    },
}


def line_id(kind: str, n: int) -> str:
    return kind + f"{n:032x}"


class StandInsMixin:
    """Starts a LINE and an SMS stand-in for each test and points the settings at them; records the outcomes
    told to PURPOSE's handler in `self.outcomes`."""

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        self.line = LineStandIn().start()
        self.addCleanup(self.line.stop)  # type: ignore[attr-defined]
        self.sms = SmsStandIn().start()
        self.addCleanup(self.sms.stop)  # type: ignore[attr-defined]
        overrides = override_settings(
            LINE_API_BASE=self.line.base_url,
            LINE_API_DATA_BASE=self.line.base_url,
            LINE_CHANNEL_ACCESS_TOKEN=self.line.token,
            RAKSA_SMS_GATEWAY_URL=self.sms.url,
            RAKSA_SMS_GATEWAY_TOKEN=self.sms.token,
            RAKSA_WEBHOOK_SECRET=WEBHOOK_SECRET,
        )
        overrides.enable()
        self.addCleanup(overrides.disable)  # type: ignore[attr-defined]
        self.outcomes: list[tuple[str, str, str]] = []
        outcome_handler_register(PURPOSE, self.remember_outcome)
        self.addCleanup(outcome_handler_unregister, PURPOSE, self.remember_outcome)  # type: ignore[attr-defined]

    def remember_outcome(self, message: Message, outcome: str) -> None:
        self.outcomes.append((message.key, outcome, message.state))


def post(url: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
    """A raw JSON POST (not through notify): status, headers (lower-case names), decoded answer."""
    data = json.dumps(body, ensure_ascii=False).encode() if not isinstance(body, bytes) else body
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status, answer_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, answer_headers, raw = exc.code, exc.headers, exc.read()
    return status, {k.lower(): v for k, v in answer_headers.items()}, json.loads(raw) if raw else None


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


SRC = str(Path(__file__).resolve().parents[2] / "src")


@dataclass
class Foreground:
    """A `raksa` command serving in the foreground: its process, the NAME=value settings it printed, and the
    environment it ran with (the source tree on the path)."""

    process: subprocess.Popen[str]
    printed: dict[str, str]
    env: dict[str, str]


@contextmanager
def foreground(*args: str) -> Iterator[Foreground]:
    """Run `raksa <args>` until it has printed "Ctrl-C ...", then SIGTERM it at the end and wait for it (the
    caller checks `process.returncode` after the block)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen(
        [sys.executable, "-m", "raksa.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = []
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.strip())
            if line.startswith("Ctrl-C"):
                break
        printed = dict(
            word.split("=", 1) for line in lines for word in line.split() if "=" in word and word.isascii()
        )
        yield Foreground(process, printed, env)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
