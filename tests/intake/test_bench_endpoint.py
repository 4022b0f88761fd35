"""The bare endpoint bench/intake_bench.py compares the partner API with: absent unless asked for."""

from __future__ import annotations

import datetime as dt
import importlib
import json

from django.conf import settings
from django.core.checks import run_checks
from django.test import TestCase, override_settings
from django.urls import Resolver404, clear_url_caches, resolve
from django.utils import timezone

import raksa.urls
from raksa.intake.bench import BENCH_SOURCE
from raksa.intake.models import Report
from raksa.intake.services import report_sweep


class BenchEndpointTests(TestCase):
    def tearDown(self) -> None:
        importlib.reload(raksa.urls)  # as the settings now are: without it
        clear_url_caches()

    def test_it_is_not_served_by_default(self):
        self.assertFalse(settings.RAKSA_BENCH_ENDPOINTS)
        with self.assertRaises(Resolver404):
            resolve("/bench/insert")
        response = self.client.post("/bench/insert", "{}", content_type="application/json")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Report.objects.exists())

    @override_settings(RAKSA_BENCH_ENDPOINTS=True)
    def test_when_asked_for_it_stores_one_row_per_post_and_the_deploy_check_says_so(self):
        importlib.reload(raksa.urls)
        clear_url_caches()
        for _ in range(2):
            response = self.client.post(
                "/bench/insert", json.dumps({"text": "ทดสอบ"}), content_type="application/json"
            )
            self.assertEqual(response.status_code, 201)
        self.assertEqual(list(Report.objects.values_list("source", "text")), [(BENCH_SOURCE, "ทดสอบ")] * 2)
        self.assertEqual(self.client.get("/bench/insert").status_code, 405)
        # The worker's safety net never takes them for reports whose processing died.
        self.assertEqual(report_sweep(now=timezone.now() + dt.timedelta(days=1)), 0)
        self.assertEqual(set(Report.objects.values_list("state", flat=True)), {Report.State.RECEIVED})
        ids = {m.id for m in run_checks(include_deployment_checks=True)}
        self.assertIn("raksa.W004", ids)
