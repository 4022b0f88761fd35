"""Each transport against a real local server speaking its protocol: what arrives, and how failures are judged."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import socketserver
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.core import mail
from django.test import TestCase, override_settings
from django.utils import timezone

from raksa.notify.models import Message
from raksa.notify.services import message_queue
from raksa.notify.transports import (
    TransportError,
    line_retry_key,
    transport_for,
    webhook_signature,
    webhook_signature_verify,
)
from tests.notify.support import BUBBLE, GROUP, PHONE, USER, WEBHOOK_SECRET, StandInsMixin


def free_port() -> int:
    """A port nothing listens on (bound, then closed at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TransportRegistryTests(TestCase):
    def test_it_knows_the_five_kinds(self):
        for kind in ("line", "line_reply", "sms", "email", "webhook"):
            self.assertEqual(transport_for(kind).kind, kind)
        with self.assertRaises(KeyError):
            transport_for("fax")


class LineTransportTests(StandInsMixin, TestCase):
    def send(self, message: Message) -> str:
        return transport_for("line").send(message)

    def test_it_pushes_a_text_message_with_the_token_and_a_retry_key(self):
        message = message_queue(key="line:text", transport="line", to=GROUP, payload={"text": "มีเหตุด่วน"})
        reference = self.send(message)
        [request] = self.line.requests
        self.assertEqual(request.path, "/v2/bot/message/push")
        self.assertEqual(request.headers["authorization"], f"Bearer {self.line.token}")
        self.assertEqual(request.headers["x-line-retry-key"], line_retry_key(message))
        self.assertEqual(uuid.UUID(line_retry_key(message)).version, 5)
        body = request.json()
        self.assertEqual(body["to"], GROUP)
        self.assertEqual(body["messages"], [{"type": "text", "text": "มีเหตุด่วน"}])
        self.assertIs(body["notificationDisabled"], False)  # an alert rings the phone
        self.assertEqual(reference, self.line.received(GROUP)[0]["request_id"])

    def test_it_pushes_a_flex_message_when_the_payload_has_one(self):
        payload = {"text": "เหตุฉุกเฉิน", "flex": BUBBLE, "alt_text": "เหตุฉุกเฉิน: ถูกข่มขู่"}
        message = message_queue(key="line:flex", transport="line", to=USER, payload=payload)
        self.send(message)
        [sent] = self.line.received(USER)[0]["messages"]
        self.assertEqual(sent["type"], "flex")
        self.assertEqual(sent["altText"], "เหตุฉุกเฉิน: ถูกข่มขู่")
        self.assertEqual(sent["contents"]["type"], "bubble")
        self.assertEqual(sent["contents"]["body"]["contents"][0]["text"], "เหตุฉุกเฉิน: ถูกข่มขู่")

    def test_its_retry_key_is_stable_and_differs_between_messages(self):
        one = message_queue(key="line:a", transport="line", to=GROUP, payload={"text": "x"})
        two = message_queue(key="line:b", transport="line", to=GROUP, payload={"text": "x"})
        self.assertEqual(line_retry_key(one), line_retry_key(Message.objects.get(pk=one.pk)))
        self.assertNotEqual(line_retry_key(one), line_retry_key(two))

    def test_it_takes_a_409_for_an_accepted_retry_key_as_success(self):
        message = message_queue(key="line:twice", transport="line", to=GROUP, payload={"text": "x"})
        first = self.send(message)
        second = self.send(message)
        self.assertEqual(second, first)  # the id LINE gave the accepted request
        self.assertEqual(len(self.line.requests), 2)
        self.assertEqual(len(self.line.received()), 1)

    def test_it_judges_failures_by_status(self):
        message = message_queue(key="line:fail", transport="line", to=GROUP, payload={"text": "x"})
        for status, permanent in ((500, False), (503, False), (429, False), (400, True), (403, True)):
            self.line.fail_next(1, status=status)
            with self.subTest(status=status), self.assertRaises(TransportError) as caught:
                self.send(message)
            self.assertEqual(caught.exception.permanent, permanent)
            self.assertIn(f"LINE answered {status}", str(caught.exception))

    def test_a_wrong_token_is_permanent(self):
        message = message_queue(key="line:token", transport="line", to=GROUP, payload={"text": "x"})
        with (
            override_settings(LINE_CHANNEL_ACCESS_TOKEN="wrong"),
            self.assertRaises(TransportError) as caught,
        ):
            self.send(message)
        self.assertTrue(caught.exception.permanent)
        self.assertIn("Authentication failed", str(caught.exception))

    def test_no_token_is_permanent_and_says_what_to_set(self):
        message = message_queue(key="line:none", transport="line", to=GROUP, payload={"text": "x"})
        with override_settings(LINE_CHANNEL_ACCESS_TOKEN=""), self.assertRaises(TransportError) as caught:
            self.send(message)
        self.assertTrue(caught.exception.permanent)
        self.assertIn("LINE_CHANNEL_ACCESS_TOKEN", str(caught.exception))
        self.assertEqual(self.line.requests, [])

    def test_no_answer_is_transient(self):
        message = message_queue(key="line:down", transport="line", to=GROUP, payload={"text": "x"})
        self.line.drop_next(1)
        with self.assertRaises(TransportError) as dropped:
            self.send(message)
        self.assertFalse(dropped.exception.permanent)
        closed = f"http://127.0.0.1:{free_port()}"
        with override_settings(LINE_API_BASE=closed), self.assertRaises(TransportError) as refused:
            self.send(message)
        self.assertFalse(refused.exception.permanent)

    @override_settings(RAKSA_NOTIFY_TIMEOUT_SECONDS=0.3)
    def test_a_timeout_is_transient(self):
        message = message_queue(key="line:slow", transport="line", to=GROUP, payload={"text": "x"})
        release = threading.Event()
        self.addCleanup(release.set)
        self.line.before_answer = lambda request: release.wait(5)
        with self.assertRaises(TransportError) as caught:
            self.send(message)
        self.assertFalse(caught.exception.permanent)


class LineReplyTransportTests(StandInsMixin, TestCase):
    def answer(self, key: str = "line:answer", seconds: int = 50, **payload: Any) -> Message:
        payload = {
            "text": "รับเรื่องแล้ว",
            "reply_token": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
            "reply_by": (timezone.now() + dt.timedelta(seconds=seconds)).isoformat(),
            **payload,
        }
        return message_queue(key=key, transport="line_reply", to=USER, payload=payload)

    def test_it_replies_with_the_token_while_it_is_fresh(self):
        message = self.answer()
        self.line.reply_token_issue(message.payload["reply_token"], to=USER)
        reference = transport_for("line_reply").send(message)
        [request] = self.line.requests
        self.assertEqual(request.path, "/v2/bot/message/reply")
        self.assertEqual(request.json()["messages"], [{"type": "text", "text": "รับเรื่องแล้ว"}])
        [item] = self.line.received(USER)
        self.assertEqual((item["via"], reference), ("reply", "reply:" + item["request_id"]))

    def test_a_stale_or_refused_token_is_pushed_instead_once(self):
        stale = self.answer(key="line:stale", seconds=-1)
        refused = self.answer(key="line:refused")  # never issued: LINE answers 400 Invalid reply token
        for message in (stale, refused, refused):
            transport_for("line_reply").send(message)
        self.assertEqual([i["via"] for i in self.line.received(USER)], ["push", "push"])
        self.assertEqual(self.line.received(USER)[1]["retry_key"], line_retry_key(refused))
        self.assertEqual(
            [r.path for r in self.line.requests],
            ["/v2/bot/message/push", "/v2/bot/message/reply", "/v2/bot/message/push"]
            + ["/v2/bot/message/reply", "/v2/bot/message/push"],
        )

    def test_line_down_is_transient(self):
        message = self.answer()
        self.line.fail_next(1, status=500)
        with self.assertRaises(TransportError) as caught:
            transport_for("line_reply").send(message)
        self.assertFalse(caught.exception.permanent)

    def test_it_refuses_an_answer_without_a_token_or_a_deadline(self):
        for payload in (
            {"text": "x", "reply_by": timezone.now().isoformat()},
            {"text": "x", "reply_token": "t"},
            {"text": "x", "reply_token": "t", "reply_by": "2026-03-10T10:00:00"},
        ):
            with self.subTest(payload=payload), self.assertRaises(ValueError):
                message_queue(key="line:bad", transport="line_reply", to=USER, payload=payload)


class SmsTransportTests(StandInsMixin, TestCase):
    def message(self, key: str = "sms:1") -> Message:
        return message_queue(key=key, transport="sms", to=PHONE, payload={"text": "มีเหตุด่วน โปรดดู LINE"})

    def test_it_posts_to_the_gateway_with_the_token_and_the_idempotency_key(self):
        message = self.message()
        reference = transport_for("sms").send(message)
        [request] = self.sms.requests
        self.assertEqual(request.headers["authorization"], f"Bearer {self.sms.token}")
        self.assertEqual(request.headers["idempotency-key"], "sms:1")
        self.assertEqual(request.json(), {"to": PHONE, "text": "มีเหตุด่วน โปรดดู LINE", "reference": "sms:1"})
        [received] = self.sms.received(PHONE)
        self.assertEqual(reference, received["id"])

    def test_a_resend_is_one_sms(self):
        message = self.message()
        first, second = transport_for("sms").send(message), transport_for("sms").send(message)
        self.assertEqual(first, second)
        self.assertEqual(len(self.sms.received()), 1)

    def test_it_judges_failures_as_the_http_helper_does(self):
        message = self.message()
        for status, permanent in ((502, False), (429, False), (400, True)):
            self.sms.fail_next(1, status=status)
            with self.subTest(status=status), self.assertRaises(TransportError) as caught:
                transport_for("sms").send(message)
            self.assertEqual(caught.exception.permanent, permanent)
        with override_settings(RAKSA_SMS_GATEWAY_TOKEN="wrong"), self.assertRaises(TransportError) as caught:
            transport_for("sms").send(message)
        self.assertTrue(caught.exception.permanent)

    def test_it_is_not_configured_without_a_url_or_a_token(self):
        message = self.message()
        for missing in ({"RAKSA_SMS_GATEWAY_URL": ""}, {"RAKSA_SMS_GATEWAY_TOKEN": ""}):
            with self.subTest(missing=missing), override_settings(**missing):
                with self.assertRaises(TransportError) as caught:
                    transport_for("sms").send(message)
                self.assertTrue(caught.exception.permanent)
                self.assertIn("not configured", str(caught.exception))
        self.assertEqual(self.sms.requests, [])


class RefusingSmtp(socketserver.StreamRequestHandler):
    """Just enough SMTP to refuse every recipient with the server's `code`."""

    def handle(self) -> None:
        code = self.server.code  # type: ignore[attr-defined]
        self.wfile.write(b"220 standin ESMTP\r\n")
        for line in self.rfile:
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 standin\r\n")
            elif verb in (b"MAIL", b"RSET", b"NOOP"):
                self.wfile.write(b"250 OK\r\n")
            elif verb == b"RCPT":
                self.wfile.write(f"{code} no such mailbox\r\n".encode())
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"502 not here\r\n")


class EmailTransportTests(TestCase):
    def message(self) -> Message:
        return message_queue(
            key="email:1",
            transport="email",
            to="duty@pso-10.example",
            payload={"subject": "แจ้งเหตุฉุกเฉิน", "text": "มีเหตุด่วนในเขตบางกะปิ"},
        )

    def smtp(self, code: int) -> dict[str, Any]:
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), RefusingSmtp)
        server.daemon_threads = True
        server.code = code  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return self.smtp_settings(server.server_address[1])

    def smtp_settings(self, port: int) -> dict[str, Any]:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port,
            "EMAIL_USE_TLS": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_TIMEOUT": 5,
        }

    def test_it_sends_through_django_mail(self):
        reference = transport_for("email").send(self.message())
        [sent] = mail.outbox
        self.assertEqual(sent.to, ["duty@pso-10.example"])
        self.assertEqual(sent.subject, "แจ้งเหตุฉุกเฉิน")
        self.assertEqual(sent.body, "มีเหตุด่วนในเขตบางกะปิ")
        self.assertEqual(sent.extra_headers["Message-ID"], reference)

    def test_a_refused_recipient_is_permanent_and_a_full_mailbox_is_not(self):
        for code, permanent in ((550, True), (452, False)):
            with self.subTest(code=code), override_settings(**self.smtp(code)):
                with self.assertRaises(TransportError) as caught:
                    transport_for("email").send(self.message())
                self.assertEqual(caught.exception.permanent, permanent)
                self.assertIn("refused the recipient", str(caught.exception))

    def test_a_mail_server_that_cannot_be_reached_is_transient(self):
        with (
            override_settings(**self.smtp_settings(free_port())),
            self.assertRaises(TransportError) as caught,
        ):
            transport_for("email").send(self.message())
        self.assertFalse(caught.exception.permanent)

    def test_smtp_without_a_host_is_not_configured(self):
        settings = {**self.smtp_settings(25), "EMAIL_HOST": ""}
        with override_settings(**settings), self.assertRaises(TransportError) as caught:
            transport_for("email").send(self.message())
        self.assertTrue(caught.exception.permanent)
        self.assertIn("RAKSA_EMAIL_HOST", str(caught.exception))


class WebhookReceiver:
    """A partner's endpoint: verifies the signature the way docs/notify.md tells a receiver to (plain hmac, not
    our helper), records what it got, and answers `status` with `body`."""

    def __init__(self, *, secret: str = WEBHOOK_SECRET) -> None:
        self.secret = secret
        self.got: list[dict[str, Any]] = []
        self.status, self.body = 200, b'{"id": "police-case-77"}'
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers["X-Raksa-Timestamp"]
                mac = hmac.new(receiver.secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256)
                receiver.got.append(
                    {
                        "path": self.path,
                        "raw": raw,
                        "json": json.loads(raw),
                        "timestamp": timestamp,
                        "signature": self.headers["X-Raksa-Signature"],
                        "valid": hmac.compare_digest(
                            f"sha256={mac.hexdigest()}", self.headers["X-Raksa-Signature"]
                        ),
                        "idempotency_key": self.headers["Idempotency-Key"],
                    }
                )
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(receiver.body)))
                self.end_headers()
                self.wfile.write(receiver.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/raksa/alerts"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@override_settings(RAKSA_WEBHOOK_SECRET=WEBHOOK_SECRET)
class WebhookTransportTests(TestCase):
    def setUp(self) -> None:
        self.receiver = WebhookReceiver()
        self.addCleanup(self.receiver.stop)

    def message(self) -> Message:
        payload = {"text": "เหตุฉุกเฉิน: ถูกข่มขู่", "case": "2569-000123", "emergency_type": "threat"}
        return message_queue(key="webhook:1", transport="webhook", to=self.receiver.url, payload=payload)

    def test_it_posts_the_payload_signed_so_the_receiver_can_verify_it(self):
        message = self.message()
        reference = transport_for("webhook").send(message)
        [got] = self.receiver.got
        self.assertTrue(got["valid"])
        self.assertEqual(got["json"], message.payload)
        self.assertEqual(got["path"], "/raksa/alerts")
        self.assertEqual(got["idempotency_key"], "webhook:1")
        self.assertLess(abs(int(got["timestamp"]) - time.time()), 60)
        self.assertEqual(reference, "police-case-77")
        self.assertTrue(
            webhook_signature_verify(
                secret=WEBHOOK_SECRET, timestamp=got["timestamp"], body=got["raw"], signature=got["signature"]
            )
        )

    def test_a_signature_does_not_verify_with_another_secret_body_or_an_old_timestamp(self):
        transport_for("webhook").send(self.message())
        [got] = self.receiver.got
        ok = {
            "secret": WEBHOOK_SECRET,
            "timestamp": got["timestamp"],
            "body": got["raw"],
            "signature": got["signature"],
        }
        self.assertTrue(webhook_signature_verify(**ok))
        self.assertFalse(webhook_signature_verify(**{**ok, "secret": "other"}))
        self.assertFalse(webhook_signature_verify(**{**ok, "body": got["raw"] + b" "}))
        self.assertFalse(webhook_signature_verify(**ok, now=int(got["timestamp"]) + 301))
        self.assertEqual(
            webhook_signature(secret="k", timestamp="1", body=b"{}"),
            "sha256=" + hmac.new(b"k", b"1.{}", hashlib.sha256).hexdigest(),
        )

    def test_any_2xx_is_sent_even_without_json(self):
        self.receiver.status, self.receiver.body = 202, b"accepted"
        self.assertEqual(transport_for("webhook").send(self.message()), "")

    def test_it_judges_failures_by_status(self):
        message = self.message()
        for status, permanent in ((500, False), (404, True), (401, True), (429, False)):
            self.receiver.status, self.receiver.body = status, b"{}"
            with self.subTest(status=status), self.assertRaises(TransportError) as caught:
                transport_for("webhook").send(message)
            self.assertEqual(caught.exception.permanent, permanent)

    def test_no_secret_is_not_configured(self):
        with override_settings(RAKSA_WEBHOOK_SECRET=""), self.assertRaises(TransportError) as caught:
            transport_for("webhook").send(self.message())
        self.assertTrue(caught.exception.permanent)
        self.assertEqual(self.receiver.got, [])
