from __future__ import annotations

import hashlib
from datetime import timedelta

from django.test import RequestFactory
from django.utils import timezone

from raksa.accounts.auth import BearerTokenAuth
from raksa.accounts.models import ApiToken
from raksa.accounts.services import token_authenticate, token_create, token_revoke
from tests.base import RaksaTestCase


class TokenTests(RaksaTestCase):
    def test_it_stores_only_a_hash_and_a_prefix(self) -> None:
        raw = token_create(user=self.call_taker, name="console")
        token = ApiToken.objects.get(user=self.call_taker)
        self.assertTrue(raw.startswith("rk_"))
        self.assertGreaterEqual(len(raw), 40)
        self.assertNotEqual(token.key_hash, raw)
        self.assertNotIn(raw[3:], token.key_hash)
        self.assertEqual(token.key_hash, hashlib.sha256(raw.encode()).hexdigest())
        self.assertEqual(token.prefix, raw[3:11])
        self.assertEqual(token.name, "console")

    def test_it_gives_a_different_token_each_time(self) -> None:
        self.assertNotEqual(token_create(user=self.call_taker), token_create(user=self.call_taker))

    def test_it_authenticates_the_owner(self) -> None:
        raw = token_create(user=self.responder)
        self.assertEqual(token_authenticate(raw), self.responder)
        self.assertEqual(token_authenticate(f"  {raw}\n"), self.responder)

    def test_it_rejects_unknown_and_malformed_tokens(self) -> None:
        raw = token_create(user=self.responder)
        for bad in ["", "rk_", raw[:-1], raw + "x", raw[3:], "Bearer " + raw, "rk_" + "A" * 500]:
            self.assertIsNone(token_authenticate(bad), bad)

    def test_it_rejects_a_revoked_token(self) -> None:
        raw = token_create(user=self.supervisor)
        token = ApiToken.objects.get(user=self.supervisor)
        token_revoke(token=token)
        self.assertIsNotNone(token.revoked_at)
        self.assertIsNone(token_authenticate(raw))

    def test_it_rejects_the_token_of_a_deactivated_user(self) -> None:
        raw = token_create(user=self.case_worker)
        self.case_worker.is_active = False
        self.case_worker.save()
        self.assertIsNone(token_authenticate(raw))

    def test_it_records_use_at_most_once_a_minute(self) -> None:
        raw = token_create(user=self.case_worker)
        token_authenticate(raw)
        first = ApiToken.objects.get(user=self.case_worker).last_used_at
        self.assertIsNotNone(first)
        token_authenticate(raw)
        self.assertEqual(ApiToken.objects.get(user=self.case_worker).last_used_at, first)

        long_ago = timezone.now() - timedelta(minutes=5)
        ApiToken.objects.filter(user=self.case_worker).update(last_used_at=long_ago)
        token_authenticate(raw)
        self.assertGreater(ApiToken.objects.get(user=self.case_worker).last_used_at, long_ago)


class BearerTokenAuthTests(RaksaTestCase):
    def test_it_sets_request_user_from_the_header(self) -> None:
        raw = token_create(user=self.dcy_worker)
        request = RequestFactory().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.assertEqual(BearerTokenAuth()(request), self.dcy_worker)
        self.assertEqual(request.user, self.dcy_worker)

    def test_it_refuses_a_wrong_token(self) -> None:
        token_create(user=self.dcy_worker)
        request = RequestFactory().get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer rk_not-a-real-token")
        self.assertIsNone(BearerTokenAuth()(request))
        self.assertIsNone(BearerTokenAuth()(RequestFactory().get("/api/v1/cases")))
