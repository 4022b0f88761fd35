"""LINE's webhook as the served application answers it (`raksa.wsgi.application`, in front of Django): the same
answers as the view, the events stored once, and every other request left to Django exactly as before."""

from __future__ import annotations

import io
import json
from typing import Any
from unittest import mock
from wsgiref.util import setup_testing_defaults

from django.core import signals
from django.db import OperationalError, close_old_connections
from django.test import TestCase, override_settings

from raksa.intake.line.models import LineEvent
from raksa.wsgi import application
from tests.intake.line.support import SECRET, body, follow, location_message, sign, text_message


def call(
    method: str,
    path: str,
    data: bytes = b"",
    *,
    headers: dict[str, str] | None = None,
    length: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request through the WSGI application, as gunicorn hands it over: status, headers, body."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "wsgi.input": io.BytesIO(data),
        "CONTENT_TYPE": "application/json",
    }
    environ["CONTENT_LENGTH"] = str(len(data)) if length is None else length
    if not environ["CONTENT_LENGTH"]:
        del environ["CONTENT_LENGTH"]
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    setup_testing_defaults(environ)
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"] = int(status.split()[0])
        seen["headers"] = dict(response_headers)

    # As Django's test client does: a test's transaction must outlive the request's end.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return seen["status"], seen["headers"], content


@override_settings(LINE_CHANNEL_SECRET=SECRET)
class WebhookFrontTests(TestCase):
    def post(self, data: bytes, **options: Any) -> tuple[int, dict[str, str], bytes]:
        headers = options.pop("headers", {"X-Line-Signature": sign(data)})
        return call("POST", "/line/webhook", data, headers=headers, **options)

    def test_a_signed_body_is_stored_once_and_answered_200_as_json(self):
        data = body(follow(), text_message("มีคนถือมีดอยู่หน้าบ้าน"))
        status, headers, content = self.post(data)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(json.loads(content), {})
        self.assertEqual(LineEvent.objects.count(), 2)
        self.assertEqual(self.post(data)[0], 200)  # LINE sends it again: still two events
        self.assertEqual(LineEvent.objects.count(), 2)

    def test_a_bad_or_missing_signature_is_400_and_stores_nothing(self):
        data = body(text_message("ช่วยด้วย"))
        for headers in ({"X-Line-Signature": sign(data, "another-secret")}, {}):
            status, _, content = self.post(data, headers=headers)
            self.assertEqual((status, json.loads(content)), (400, {"error": "invalid_signature"}))
        self.assertFalse(LineEvent.objects.exists())

    def test_a_signed_body_that_is_not_lines_is_400(self):
        for data in (b"{not json", b'{"events": {}}', b"[]"):
            status, _, content = self.post(data)
            self.assertEqual((status, json.loads(content)), (400, {"error": "invalid_body"}), data)
        self.assertFalse(LineEvent.objects.exists())

    def test_the_database_down_is_503_so_line_redelivers(self):
        with mock.patch(
            "raksa.intake.line.services.LineEvent.objects.bulk_create",
            side_effect=OperationalError("no database"),
        ):
            status, _, content = self.post(body(location_message()))
        self.assertEqual((status, json.loads(content)), (503, {"error": "unavailable"}))

    @override_settings(LINE_CHANNEL_SECRET="")
    def test_no_channel_secret_is_503_not_a_silent_accept(self):
        status, _, content = self.post(body(follow()))
        self.assertEqual((status, json.loads(content)), (503, {"error": "not_configured"}))
        self.assertFalse(LineEvent.objects.exists())

    def test_a_body_without_a_length_is_left_to_django_which_reads_none_of_it(self):
        data = body(text_message("ช่วยด้วย"))  # LINE always sends Content-Length; a chunked body is not LINE's
        with mock.patch("raksa.intake.line.front.webhook_answer") as front_answer:
            status, _, content = self.post(data, length="")
        front_answer.assert_not_called()
        self.assertEqual((status, json.loads(content)), (400, {"error": "invalid_signature"}))
        self.assertFalse(LineEvent.objects.exists())

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
    def test_an_oversized_body_is_refused_by_django_and_stores_nothing(self):
        data = body(text_message("ก" * 2000))
        status, _, _ = self.post(data)
        self.assertEqual(status, 400)
        self.assertFalse(LineEvent.objects.exists())

    def test_other_methods_and_paths_are_djangos(self):
        status, headers, _ = call("GET", "/line/webhook")
        self.assertEqual(status, 405)
        status, headers, _ = call("GET", "/healthz")
        self.assertEqual(status, 200)
        self.assertIn("Content-Security-Policy", headers)  # Django's middleware still runs there
