"""LINE's webhook answered in front of Django's request handling, in `raksa serve`'s web processes.

LINE sends every event of every user to one URL and counts an answer later than 2 s as a failure, so this is the
busiest request the system serves, and the cheapest: check a signature, store the body's events in one insert
(`views.webhook_answer`). Through Django's handler the request also paid for the whole middleware stack
(sessions, locale, CSRF, authentication, the second factor, messages, axes, CSP headers) and URL resolution,
about 4 ms of CPU against 0.1 ms for the webhook's own work (bench/README.md, line_webhook_bench.py). None of
that applies to a machine-to-machine POST checked by its signature, so `POST /line/webhook` with a body of known
length is answered here; anything else on that path (another method, a chunked or oversized body) and every
other path go to Django as before, which answers them as it always did.

Django's request signals are sent as its handler sends them (`request_started`, `request_finished`), so the
database connection is handled as for any request: one past its age or broken by an error is not reused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core import signals

from raksa.intake.line.views import webhook_answer

WEBHOOK_PATH = "/line/webhook"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _known_length(environ: dict[str, Any]) -> int | None:
    """The body's length when it is given and within the request limit; None leaves the request to Django."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if length < 0 or (limit is not None and length > limit):
        return None
    return length


class LineWebhookFront:
    """A WSGI application: LINE's webhook POSTs answered here, everything else passed to `app` (Django's)."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != WEBHOOK_PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        length = _known_length(environ)
        if length is None:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length) if length else b""
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            status, answer = webhook_answer(body=body, signature=environ.get("HTTP_X_LINE_SIGNATURE", ""))
        finally:
            signals.request_finished.send(sender=self.__class__)
        data = json.dumps(answer).encode()
        start_response(
            f"{status} {HTTPStatus(status).phrase}",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(data))),
                ("X-Content-Type-Options", "nosniff"),
                ("Cache-Control", "no-store"),
            ],
        )
        return [data]
