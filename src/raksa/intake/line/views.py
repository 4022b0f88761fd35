"""`POST /line/webhook`: LINE's webhook. It checks the signature, stores the events, and answers; nothing more.

`webhook_answer` is the whole of it. The WSGI application (`raksa.wsgi`, which `raksa serve` runs) answers this
path before Django's request handling (`front.LineWebhookFront`); this view gives the same answer where Django's
own handler serves the URLs (its test client and live server) and for what the front leaves to Django.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from raksa.intake.line.services import line_events_store, signature_valid

log = logging.getLogger(__name__)


def webhook_answer(*, body: bytes, signature: str) -> tuple[int, dict[str, Any]]:
    """The webhook's status and JSON answer to one request's raw body and `x-line-signature`.

    400 for a bad or missing signature (and then nothing is stored) or a body that is not LINE's; 503 when the
    events cannot be stored (the database is down) or no channel secret is set, so LINE redelivers them; else
    200 once every event of the body is stored."""
    secret = settings.LINE_CHANNEL_SECRET
    if not secret:
        log.error("LINE webhook called but LINE_CHANNEL_SECRET is not set: nothing can be verified")
        return 503, {"error": "not_configured"}
    if not signature_valid(secret=secret, body=body, signature=signature):
        return 400, {"error": "invalid_signature"}
    try:
        data = json.loads(body)
    except ValueError:
        return 400, {"error": "invalid_body"}
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        return 400, {"error": "invalid_body"}
    try:
        line_events_store(events=events)
    except DatabaseError:
        log.exception("LINE webhook: the events could not be stored; LINE will redeliver them")
        return 503, {"error": "unavailable"}
    return 200, {}


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> JsonResponse:
    status, answer = webhook_answer(body=request.body, signature=request.headers.get("x-line-signature", ""))
    return JsonResponse(answer, status=status)
