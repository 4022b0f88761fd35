"""Rate limits shared by every web process: one counter row per client and window, counted up in place."""

from __future__ import annotations

import datetime as dt
import threading

import time_machine
from django.db import connection
from django.test import RequestFactory, TransactionTestCase, override_settings

from raksa.core.client import client_address
from raksa.core.models import RateCount
from raksa.core.ratelimit import Limit, rate_check, rate_give_back, rate_take
from tests.base import RaksaTestCase

TEN_MINUTES = Limit(count=3, seconds=600)
DAY = Limit(count=5, seconds=86400)
NOON = dt.datetime(2026, 12, 1, 5, 3, tzinfo=dt.UTC)


class RateTakeTests(RaksaTestCase):
    def take(self, client: str = "203.0.113.7", limits=(TEN_MINUTES, DAY)):
        return rate_take(scope="test", client=client, limits=limits)

    def test_it_allows_up_to_the_limit_then_says_how_long_to_wait(self) -> None:
        with time_machine.travel(NOON, tick=False):
            self.assertEqual([self.take().allowed for _ in range(3)], [True, True, True])
            refused = self.take()
        self.assertFalse(refused.allowed)
        # The window 05:00-05:10 ends seven minutes after 05:03.
        self.assertEqual(refused.retry_after, 7 * 60)

    def test_it_counts_each_client_apart(self) -> None:
        with time_machine.travel(NOON, tick=False):
            for _ in range(3):
                self.take()
            self.assertFalse(self.take().allowed)
            self.assertTrue(self.take(client="198.51.100.9").allowed)

    def test_a_new_window_allows_again_and_old_windows_are_deleted(self) -> None:
        with time_machine.travel(NOON, tick=False):
            for _ in range(4):
                self.take(limits=(TEN_MINUTES,))
        with time_machine.travel(NOON + dt.timedelta(minutes=10), tick=False):
            self.assertTrue(self.take(limits=(TEN_MINUTES,)).allowed)
        self.assertEqual(RateCount.objects.count(), 1)
        self.assertEqual(RateCount.objects.get().count, 1)

    def test_the_day_limit_holds_across_short_windows(self) -> None:
        allowed = []
        for minutes in range(0, 70, 10):
            with time_machine.travel(NOON + dt.timedelta(minutes=minutes), tick=False):
                allowed.append(self.take().allowed)
        self.assertEqual(allowed, [True] * 5 + [False, False])

    def test_a_count_given_back_frees_its_slot(self) -> None:
        with time_machine.travel(NOON, tick=False):
            for _ in range(2):
                self.take()
            rate_give_back(self.take())
            self.assertTrue(self.take().allowed)
            self.assertFalse(self.take().allowed)

    def test_a_check_counts_nothing_and_refuses_once_the_takes_reach_the_limit(self) -> None:
        with time_machine.travel(NOON, tick=False):
            check = rate_check(scope="test", client="203.0.113.7", limits=(TEN_MINUTES, DAY))
            self.assertTrue(check.allowed)
            self.assertFalse(RateCount.objects.exists())
            for _ in range(3):
                self.take()
            refused = rate_check(scope="test", client="203.0.113.7", limits=(TEN_MINUTES, DAY))
            self.assertFalse(refused.allowed)
            self.assertEqual(refused.retry_after, 7 * 60)
            self.assertTrue(
                rate_check(scope="test", client="198.51.100.9", limits=(TEN_MINUTES, DAY)).allowed
            )
        self.assertEqual(sum(RateCount.objects.values_list("count", flat=True)), 6)  # 3 takes x 2 limits
        with time_machine.travel(NOON + dt.timedelta(minutes=10), tick=False):  # a new short window
            self.assertTrue(rate_check(scope="test", client="203.0.113.7", limits=(TEN_MINUTES,)).allowed)

    def test_it_never_stores_the_address(self) -> None:
        self.take(client="203.0.113.7")
        self.assertFalse(RateCount.objects.filter(key__contains="203.0.113").exists())


class RateTakeConcurrencyTests(TransactionTestCase):
    def test_concurrent_requests_never_both_take_the_last_slot(self) -> None:
        if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
            self.skipTest("threads need a database file")
        results: list[bool] = []
        lock = threading.Lock()

        def one() -> None:
            from django.db import connections

            try:
                decision = rate_take(
                    scope="race", client="203.0.113.50", limits=(Limit(count=4, seconds=600),)
                )
                with lock:
                    results.append(decision.allowed)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=one) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(results), [False] * 6 + [True] * 4)
        self.assertEqual(RateCount.objects.get(scope="race").count, 10)


class ClientAddressTests(RaksaTestCase):
    def request(self, **meta):
        return RequestFactory().get("/", **meta)

    def test_it_is_the_peer_without_trusted_proxies(self) -> None:
        request = self.request(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
        self.assertEqual(client_address(request), "203.0.113.7")

    @override_settings(RAKSA_PROXY_COUNT=1)
    def test_behind_a_proxy_it_is_the_address_the_proxy_saw(self) -> None:
        request = self.request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
        self.assertEqual(client_address(request), "203.0.113.7")

    @override_settings(RAKSA_PROXY_COUNT=1)
    def test_a_forged_value_that_is_no_address_gives_none(self) -> None:
        request = self.request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
        self.assertIsNone(client_address(request))
