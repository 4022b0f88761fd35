"""Guessing passwords: a user name or an address that fails five times is refused, even with the right password,
until the cool-off passes or an administrator unlocks it. API tokens are not sign-ins and keep working."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client, override_settings

from raksa.accounts.models import User
from raksa.accounts.services import token_create
from tests.base import RaksaTestCase

RIGHT = "correct-horse-battery"
HOME = "198.51.100.7"
ELSEWHERE = "203.0.113.20"


class LoginThrottleTests(RaksaTestCase):
    def sign_in(self, username: str, password: str, address: str = HOME, **extra: str):
        client = Client(REMOTE_ADDR=address, **extra)
        response = client.post("/login/", {"username": username, "password": password})
        return client, response

    def fail(self, username: str, times: int, address: str = HOME) -> None:
        for _ in range(times):
            self.sign_in(username, "wrong-password", address)

    def assertSignedIn(self, client: Client, response) -> None:
        self.assertRedirects(response, "/cases/", fetch_redirect_response=False)
        self.assertEqual(client.get("/cases/").status_code, 200)

    def assertRefused(self, client: Client, response) -> None:
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "เข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไป", status_code=429)
        self.assertRedirects(client.get("/cases/"), "/login/?next=/cases/", fetch_redirect_response=False)

    def test_it_refuses_the_right_password_after_thirty_wrong_ones(self) -> None:
        self.fail("worker_bkk", 30)
        client, response = self.sign_in("worker_bkk", RIGHT)
        self.assertRefused(client, response)
        self.assertContains(response, 'name="username"', status_code=429)

    def test_it_locks_on_the_fifth_failure_and_not_before(self) -> None:
        self.fail("worker_bkk", settings.AXES_FAILURE_LIMIT - 1)
        self.assertSignedIn(*self.sign_in("worker_bkk", RIGHT))
        _, fifth = self.sign_in("worker_bkk", "wrong-password")
        self.assertEqual(fifth.status_code, 429)
        self.assertRefused(*self.sign_in("worker_bkk", RIGHT))

    def test_it_locks_the_user_name_from_anywhere_and_the_address_for_anyone(self) -> None:
        self.fail("worker_bkk", 5, address=HOME)
        self.assertRefused(*self.sign_in("worker_bkk", RIGHT, address=ELSEWHERE))
        self.assertRefused(*self.sign_in("call_taker", RIGHT, address=HOME))
        self.assertSignedIn(*self.sign_in("call_taker", RIGHT, address=ELSEWHERE))

    def test_it_counts_guesses_at_names_that_do_not_exist_against_the_address(self) -> None:
        for number in range(5):
            self.sign_in(f"nobody{number}", "wrong-password")
        self.assertRefused(*self.sign_in("worker_bkk", RIGHT))
        self.assertSignedIn(*self.sign_in("worker_bkk", RIGHT, address=ELSEWHERE))

    def test_it_lets_the_user_in_again_after_the_cool_off(self) -> None:
        self.fail("worker_bkk", 5)
        # The clock moves on: every recorded failure is now as old as the cool-off, less a minute, then more.
        cool_off = timedelta(minutes=settings.RAKSA_LOGIN_COOLOFF_MINUTES)
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - cool_off + timedelta(minutes=1))
        self.assertRefused(*self.sign_in("worker_bkk", RIGHT, address=ELSEWHERE))
        # That refused attempt counted too: the cool-off runs from the last try.
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - cool_off - timedelta(seconds=1))
        self.assertSignedIn(*self.sign_in("worker_bkk", RIGHT))

    def test_it_lets_the_user_in_again_when_an_administrator_unlocks(self) -> None:
        self.fail("worker_bkk", 5)
        self.assertRefused(*self.sign_in("worker_bkk", RIGHT))
        root = User.objects.create_superuser("root", "root@raksa.example", RIGHT)
        admin = self.client_class()
        admin.force_login(root)
        listing = admin.get("/admin/axes/accessattempt/")
        self.assertContains(listing, "worker_bkk")
        attempts = list(AccessAttempt.objects.filter(username="worker_bkk").values_list("pk", flat=True))
        response = admin.post(
            "/admin/axes/accessattempt/",
            {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(AccessAttempt.objects.exists())
        self.assertSignedIn(*self.sign_in("worker_bkk", RIGHT))

    def test_it_unlocks_a_user_name_from_the_user_list_too(self) -> None:
        self.fail("worker_bkk", 5, address=HOME)
        root = User.objects.create_superuser("root", "root@raksa.example", RIGHT)
        admin = self.client_class()
        admin.force_login(root)
        response = admin.post(
            "/admin/accounts/user/",
            {"action": "unlock_sign_in", "_selected_action": [self.case_worker.pk]},
            follow=True,
        )
        self.assertContains(response, "Cleared 1 failed attempt record(s)")
        self.assertSignedIn(*self.sign_in("worker_bkk", RIGHT, address=ELSEWHERE))

    def test_it_keeps_the_api_token_of_a_locked_user_working(self) -> None:
        raw = token_create(user=self.case_worker)
        self.fail("worker_bkk", 30)
        api = Client(REMOTE_ADDR=HOME)
        response = api.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.assertEqual(response.status_code, 200)
        self.assertRefused(*self.sign_in("worker_bkk", RIGHT))

    def test_it_says_so_in_english_when_english_is_chosen(self) -> None:
        self.fail("worker_bkk", 5)
        client = Client(REMOTE_ADDR=HOME)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.post("/login/", {"username": "worker_bkk", "password": RIGHT})
        self.assertContains(response, "Too many failed sign-ins", status_code=429)
        self.assertContains(response, "15 minutes", status_code=429)

    @override_settings(RAKSA_PROXY_COUNT=1)
    def test_it_counts_the_address_the_proxy_saw_behind_a_proxy(self) -> None:
        for _ in range(5):
            self.sign_in("nobody", "wrong-password", address="10.0.0.2", HTTP_X_FORWARDED_FOR=HOME)
        # A client-chosen entry further left changes nothing; a different client behind the proxy is let in.
        self.assertRefused(
            *self.sign_in(
                "call_taker", RIGHT, address="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {HOME}"
            )
        )
        self.assertSignedIn(
            *self.sign_in("call_taker", RIGHT, address="10.0.0.2", HTTP_X_FORWARDED_FOR=ELSEWHERE)
        )
