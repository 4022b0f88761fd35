from __future__ import annotations

from raksa.accounts.models import Role, User
from raksa.accounts.services import user_ensure
from raksa.core.errors import Conflict, InvalidInput
from tests.base import RaksaTestCase


class UserEnsureTests(RaksaTestCase):
    def test_it_creates_a_user_in_the_1300_centre_by_default(self) -> None:
        user = user_ensure(username="somchai", role=Role.CALL_TAKER)
        self.assertEqual(user.unit, self.centre)
        self.assertEqual(user.role, "call_taker")
        self.assertFalse(user.has_usable_password())

    def test_it_creates_a_user_in_the_unit_asked_for(self) -> None:
        user = user_ensure(username="malee", role=Role.CASE_WORKER, unit_code="pso-50")
        self.assertEqual(user.unit, self.cm_office)

    def test_it_returns_an_existing_user_unchanged_when_nothing_differs(self) -> None:
        user = user_ensure(username="worker_bkk", role=Role.CASE_WORKER, unit_code="pso-10")
        self.assertEqual(user, self.case_worker)
        self.assertTrue(user.check_password("correct-horse-battery"))
        self.assertEqual(User.objects.filter(username="worker_bkk").count(), 1)

    def test_it_gives_an_existing_user_the_role_and_unit_asked_for(self) -> None:
        user = user_ensure(username="worker_bkk", role=Role.SUPERVISOR, unit_code="pso-40")
        user.refresh_from_db()
        self.assertEqual((user.role, user.unit), ("supervisor", self.kk_office))

    def test_it_refuses_an_unknown_role(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            user_ensure(username="x", role="boss")
        self.assertEqual(raised.exception.field, "role")
        self.assertFalse(User.objects.filter(username="x").exists())

    def test_it_refuses_an_unknown_unit(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            user_ensure(username="x", role=Role.RESPONDER, unit_code="rru-99")
        self.assertEqual(raised.exception.field, "unit")
        self.assertIn("rru-99", raised.exception.message_th)
        self.assertFalse(User.objects.filter(username="x").exists())

    def test_it_does_not_bring_back_a_deactivated_user(self) -> None:
        self.outsider.is_active = False
        self.outsider.save()
        with self.assertRaises(Conflict):
            user_ensure(username="outsider", role=Role.CASE_WORKER)
