from __future__ import annotations

from django.urls import reverse

from raksa.accounts.models import ApiToken, User
from raksa.accounts.services import token_authenticate, token_create
from tests.base import RaksaTestCase


class AccountsAdminTests(RaksaTestCase):
    def setUp(self) -> None:
        self.superuser = User.objects.create_superuser("root", "root@raksa.example", "correct-horse-battery")
        self.client.force_login(self.superuser)

    def test_it_lists_staff_with_role_and_unit(self) -> None:
        response = self.client.get(reverse("admin:accounts_user_changelist"), {"role__exact": "responder"})
        self.assertContains(response, "responder_bkk")
        self.assertNotContains(response, "worker_cm")

    def test_it_edits_role_and_unit_on_the_user_page(self) -> None:
        response = self.client.get(reverse("admin:accounts_user_change", args=[self.case_worker.pk]))
        self.assertContains(response, 'name="role"')
        self.assertContains(response, 'name="unit"')
        self.assertEqual(self.client.get(reverse("admin:accounts_user_add")).status_code, 200)

    def test_it_never_shows_a_token_hash_and_cannot_add_tokens(self) -> None:
        raw = token_create(user=self.call_taker, name="console")
        token = ApiToken.objects.get(user=self.call_taker)
        listing = self.client.get(reverse("admin:accounts_apitoken_changelist"))
        detail = self.client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
        for response in (listing, detail):
            self.assertContains(response, token.prefix)
            self.assertNotContains(response, token.key_hash)
            self.assertNotContains(response, raw)
        self.assertEqual(self.client.get(reverse("admin:accounts_apitoken_add")).status_code, 403)

    def test_it_revokes_tokens_from_the_list(self) -> None:
        raw = token_create(user=self.call_taker)
        token = ApiToken.objects.get(user=self.call_taker)
        response = self.client.post(
            reverse("admin:accounts_apitoken_changelist"),
            {"action": "revoke", "_selected_action": [token.pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(token_authenticate(raw))
