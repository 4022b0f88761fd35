"""A bare endpoint for bench/tracking_bench.py: Django's whole stack and one case row read by its tracking code.

Beside it, on the same server and database, the public look-up's throughput says what the tracking rules cost over
the least a request that reads one row can cost. Mounted only when RAKSA_BENCH_ENDPOINTS=1 (raksa.urls), which no
real deployment sets: it answers anyone, and says whether a code exists.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from raksa.cases.models import Case


@require_GET
def bare_read(request: HttpRequest, code: str) -> JsonResponse:
    stage = Case.objects.filter(tracking_code=code).values_list("public_stage", flat=True).first()
    return JsonResponse({"stage": stage}, status=200 if stage else 404)
