"""`POST /line/webhook`: LINE's webhook. It checks the signature, stores the events, and answers; nothing more."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from raksa.intake.line.services import line_events_store, signature_valid

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> JsonResponse:
    """400 for a bad or missing signature (and then nothing is stored) or a body that is not LINE's; 503 when
    the events cannot be stored (the database is down), so LINE redelivers them; else 200 at once."""
    secret = settings.LINE_CHANNEL_SECRET
    if not secret:
        log.error("LINE webhook called but LINE_CHANNEL_SECRET is not set: nothing can be verified")
        return JsonResponse({"error": "not_configured"}, status=503)
    body = request.body
    if not signature_valid(secret=secret, body=body, signature=request.headers.get("x-line-signature", "")):
        return JsonResponse({"error": "invalid_signature"}, status=400)
    try:
        data = json.loads(body)
    except ValueError:
        return JsonResponse({"error": "invalid_body"}, status=400)
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        return JsonResponse({"error": "invalid_body"}, status=400)
    try:
        line_events_store(events=events)
    except DatabaseError:
        log.exception("LINE webhook: the events could not be stored; LINE will redeliver them")
        return JsonResponse({"error": "unavailable"}, status=503)
    return JsonResponse({})
