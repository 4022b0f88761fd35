"""Failed reports in the admin: listed, kept as received, and retried on demand."""

from __future__ import annotations

from unittest import mock

from django.urls import reverse

from raksa.accounts.models import User
from raksa.intake.models import Report
from raksa.intake.services import report_submit
from tests.base import RaksaTestCase


class FailedReportsAdminTests(RaksaTestCase):
    def setUp(self) -> None:
        self.root = User.objects.create_superuser(username="root", password="correct-horse-battery")
        self.client.force_login(self.root)
        with mock.patch(
            "raksa.intake.services.dispatch_request", side_effect=RuntimeError("dispatch unreachable")
        ):
            self.failed = report_submit(
                channel="web",
                source="web",
                idempotency_key="f1",
                emergency_type="detention",
                text="ถูกขังในห้อง",
            ).report
        self.done = report_submit(
            channel="web", source="web", idempotency_key="d1", text="ขอคำปรึกษาเรื่องเงินกู้"
        ).report

    def test_it_lists_the_failed_reports_with_their_error(self) -> None:
        page = self.client.get(reverse("admin:intake_report_changelist") + "?state__exact=failed")
        self.assertContains(page, self.failed.public_id)
        self.assertNotContains(page, self.done.public_id)
        detail = self.client.get(reverse("admin:intake_report_change", args=[self.failed.pk]))
        self.assertContains(detail, "dispatch unreachable")

    def test_retry_now_processes_a_failed_report(self) -> None:
        answer = self.client.post(
            reverse("admin:intake_report_changelist"),
            {"action": "retry_now", "_selected_action": [self.failed.pk]},
            follow=True,
        )
        self.assertEqual(answer.status_code, 200)
        self.failed.refresh_from_db()
        self.assertEqual(self.failed.state, Report.State.PROCESSED)
        self.assertIsNotNone(self.failed.case)

    def test_a_report_cannot_be_changed_or_deleted_in_the_admin(self) -> None:
        url = reverse("admin:intake_report_change", args=[self.done.pk])
        self.assertEqual(self.client.post(url, {"text": "แก้ไข"}).status_code, 403)
        self.done.refresh_from_db()
        self.assertEqual(self.done.text, "ขอคำปรึกษาเรื่องเงินกู้")
