"""The logbook in the admin is for looking only: a case changes through the services, with its event."""

from __future__ import annotations

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from raksa.accounts.models import User
from raksa.cases.models import Case, CaseEvent, Note
from tests.base import RaksaTestCase
from tests.cases.helpers import open_case


class CaseAdminTests(RaksaTestCase):
    def setUp(self) -> None:
        self.root = User.objects.create_superuser(username="root", password="correct-horse-battery")
        self.client.force_login(self.root)

    def test_it_lets_no_one_add_change_or_delete_a_cases_record(self) -> None:
        request = RequestFactory().get("/admin/")
        request.user = self.root
        registered = [
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label == "cases"
        ]
        self.assertTrue(registered)
        for model, model_admin in registered:
            with self.subTest(model=model.__name__):
                self.assertFalse(model_admin.has_add_permission(request))
                self.assertFalse(model_admin.has_change_permission(request))
                self.assertFalse(model_admin.has_delete_permission(request))
        self.assertNotIn(Note, admin.site._registry)

    def test_it_refuses_a_posted_change_to_a_case(self) -> None:
        case = open_case(self.call_taker, self.centre)
        url = reverse("admin:cases_case_change", args=[case.pk])
        response = self.client.post(url, {"summary": "แก้ไขผ่านหน้าผู้ดูแล\x00", "status": "closed"})
        self.assertEqual(response.status_code, 403)
        case.refresh_from_db()
        self.assertEqual((case.summary, case.status), ("แม่ถูกสามีทำร้าย", "new"))
        self.assertEqual(CaseEvent.objects.filter(case=case).count(), 1)
        self.assertEqual(self.client.post(reverse("admin:cases_case_add"), {"summary": "x"}).status_code, 403)
        self.assertEqual(Case.objects.count(), 1)
