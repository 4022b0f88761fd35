"""The bare read bench/tracking_bench.py compares the public look-up with: absent unless asked for."""

from __future__ import annotations

import importlib

from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve

import raksa.urls
from raksa.cases.services import case_create
from tests.base import BANGKOK, RaksaTestCase


class BareReadTests(RaksaTestCase):
    def tearDown(self) -> None:
        importlib.reload(raksa.urls)  # as the settings now are: without it
        clear_url_caches()

    def test_it_is_not_served_by_default(self):
        with self.assertRaises(Resolver404):
            resolve("/bench/read/ABCD-EFGH-J")

    @override_settings(RAKSA_BENCH_ENDPOINTS=True)
    def test_when_asked_for_it_reads_one_case_by_its_code(self):
        importlib.reload(raksa.urls)
        clear_url_caches()
        case = case_create(
            actor=self.call_taker, channel="hotline", summary="ขอคำปรึกษา", province_code=BANGKOK
        )
        response = self.client.get(f"/bench/read/{case.tracking_code}")
        self.assertEqual((response.status_code, response.json()), (200, {"stage": "received"}))
        self.assertEqual(self.client.get("/bench/read/0000-0000-0").status_code, 404)
