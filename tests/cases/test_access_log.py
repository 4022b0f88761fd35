from __future__ import annotations

from django.test import RequestFactory

from raksa.cases.access import access_log_write
from raksa.cases.models import AccessLog
from raksa.cases.selectors import case_get, case_get_for_view, case_list
from raksa.core.errors import NotFound
from tests.base import RaksaTestCase
from tests.cases.helpers import open_case, person


class AccessLogTests(RaksaTestCase):
    def setUp(self) -> None:
        self.case = open_case(self.call_taker, self.bkk_office)

    def test_it_writes_exactly_one_row_per_view(self):
        request = RequestFactory().get(f"/cases/{self.case.pk}/", REMOTE_ADDR="10.1.2.3")
        request.user = self.case_worker
        seen = case_get_for_view(user=self.case_worker, pk=self.case.pk, request=request)
        self.assertEqual(seen, self.case)
        row = AccessLog.objects.get()
        self.assertEqual(
            (row.user, row.case, row.action, row.channel, row.path, row.ip),
            (self.case_worker, self.case, "case_view", "web", f"/cases/{self.case.pk}/", "10.1.2.3"),
        )
        self.assertIsNotNone(row.at)
        case_get_for_view(user=self.supervisor, number=self.case.number, channel="api")
        self.assertEqual(AccessLog.objects.count(), 2)
        self.assertEqual(AccessLog.objects.first().channel, "api")

    def test_it_writes_a_row_for_every_repeated_view(self):
        for _ in range(3):
            case_get_for_view(user=self.case_worker, pk=self.case.pk)
        self.assertEqual(AccessLog.objects.filter(user=self.case_worker, case=self.case).count(), 3)

    def test_it_logs_nothing_for_a_refused_view(self):
        with self.assertRaises(NotFound):
            case_get_for_view(user=self.other_province_worker, pk=self.case.pk)
        self.assertFalse(AccessLog.objects.exists())

    def test_it_leaves_plain_reads_and_lists_to_the_caller(self):
        case_get(user=self.case_worker, pk=self.case.pk)
        list(case_list(user=self.case_worker))
        self.assertFalse(AccessLog.objects.exists())

    def test_it_records_views_of_a_person(self):
        someone = person()
        row = access_log_write(user=self.case_worker, action="person_view", person=someone)
        self.assertEqual((row.person, row.case, row.ip, row.path), (someone, None, None, ""))


class AdminAccessLogTests(RaksaTestCase):
    def test_it_logs_a_case_opened_in_the_admin_and_hides_other_units_cases(self):
        from raksa.accounts.models import Role
        from tests.base import make_user

        staff = make_user("staff_bkk", Role.ADMIN, self.bkk_office)
        staff.is_staff = staff.is_superuser = True
        staff.save()
        own = open_case(self.call_taker, self.bkk_office)
        other = open_case(self.call_taker, self.cm_office)
        self.client.force_login(staff)
        response = self.client.get(f"/admin/cases/case/{own.pk}/change/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(AccessLog.objects.get().case, own)
        listing = self.client.get("/admin/cases/case/")
        self.assertContains(listing, own.number)
        self.assertNotContains(listing, other.number)
        hidden = self.client.get(f"/admin/cases/case/{other.pk}/change/")
        self.assertNotEqual(hidden.status_code, 200)
        self.assertEqual(AccessLog.objects.count(), 1)
