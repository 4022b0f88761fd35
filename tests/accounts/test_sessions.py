"""A staff session ends after 30 minutes without a request, and when the browser closes."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.base import RaksaTestCase


class SessionExpiryTests(RaksaTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.case_worker)
        self.assertEqual(self.client.get("/cases/").status_code, 200)
        self.session = Session.objects.get(session_key=self.client.session.session_key)

    def idle_for(self, minutes: float) -> None:
        """As if the last request was this long ago: the server-side expiry is that much nearer."""
        left = timedelta(minutes=settings.RAKSA_SESSION_IDLE_MINUTES - minutes)
        Session.objects.filter(pk=self.session.pk).update(expire_date=timezone.now() + left)

    def test_it_signs_out_after_thirty_idle_minutes(self) -> None:
        self.idle_for(30)
        self.assertRedirects(
            self.client.get("/cases/"), "/login/?next=/cases/", fetch_redirect_response=False
        )

    def test_it_keeps_a_session_that_is_used(self) -> None:
        self.idle_for(29)
        self.assertEqual(self.client.get("/cases/").status_code, 200)
        # That request moved the expiry on by the whole idle time again.
        self.session.refresh_from_db()
        remaining = self.session.expire_date - timezone.now()
        self.assertGreater(remaining, timedelta(minutes=29))
        self.assertLessEqual(remaining, timedelta(minutes=30))
        self.idle_for(29)
        self.assertEqual(self.client.get("/cases/").status_code, 200)

    def test_it_gives_the_browser_a_cookie_that_ends_when_it_closes(self) -> None:
        response = self.client.get("/cases/")
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        self.assertEqual(cookie["expires"], "")
        self.assertEqual(cookie["max-age"], "")
        self.assertTrue(cookie["httponly"])
