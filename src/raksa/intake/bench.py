"""A bare endpoint for bench/intake_bench.py: Django's whole stack and one insert into the reports table.

The throughput ceiling of `POST /api/v1/reports` means little alone; beside this endpoint, on the same server and
database, the ratio says what the pipeline costs over the least a request that stores something can cost. It is
mounted only when RAKSA_BENCH_ENDPOINTS=1 (raksa.urls), which no real deployment sets: it takes anonymous posts.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from raksa.cases.models import Channel
from raksa.intake.models import Report

BENCH_SOURCE = "bench:bare"
NEVER = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> JsonResponse:
    try:
        text = str(json.loads(request.body or b"{}").get("text", ""))[:100]
    except (ValueError, AttributeError):
        text = ""
    report = Report.objects.create(
        channel=Channel.API,
        source=BENCH_SOURCE,
        idempotency_key=uuid.uuid4().hex,
        request_hash="",
        text=text,
        # Claimed for ever: the worker's safety net (report_sweep) would otherwise take these rows for reports
        # whose processing died, and run them through the pipeline while the bench measures.
        next_attempt_at=NEVER,
    )
    return JsonResponse({"id": report.pk}, status=201)
