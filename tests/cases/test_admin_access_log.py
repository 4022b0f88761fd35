"""The Django admin's pages that show personal data write access-log rows, as the workspace does."""

from __future__ import annotations

from raksa.accounts.models import Role, User
from raksa.cases.models import AccessLog
from raksa.people.services import person_create, person_merge
from tests.base import RaksaTestCase, make_user
from tests.cases.helpers import open_case


def logged(user) -> set[tuple[str, str, str]]:
    rows = AccessLog.objects.filter(user=user).select_related("case", "person")
    return {(r.action, r.channel, r.case.number if r.case else r.person.display_name) for r in rows}


class AdminAccessLogGapTests(RaksaTestCase):
    def setUp(self) -> None:
        self.root = User.objects.create_superuser(username="root", password="correct-horse-battery")
        self.root.unit = self.bkk_office
        self.root.save()
        self.client.force_login(self.root)
        self.somsri = person_create(
            actor=self.call_taker, first_name_th="สมศรี", last_name_th="ใจดี", phones=["0812345678"]
        )
        self.malee = person_create(actor=self.call_taker, first_name_th="มาลี", last_name_th="รักไทย")

    def test_it_logs_a_person_page(self) -> None:
        for page in ("change", "history", "delete"):
            with self.subTest(page=page):
                AccessLog.objects.all().delete()
                response = self.client.get(f"/admin/people/person/{self.somsri.pk}/{page}/")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(logged(self.root), {("admin_view", "admin", "สมศรี ใจดี")})

    def test_it_logs_the_people_a_person_search_or_list_shows(self) -> None:
        self.client.get("/admin/people/person/", {"q": "0812345678"})
        self.assertEqual(logged(self.root), {("admin_list", "admin", "สมศรี ใจดี")})
        AccessLog.objects.all().delete()
        self.client.get("/admin/people/person/")
        self.assertEqual(
            logged(self.root), {("admin_list", "admin", "สมศรี ใจดี"), ("admin_list", "admin", "มาลี รักไทย")}
        )

    def test_it_logs_nothing_for_a_page_that_was_not_shown(self) -> None:
        response = self.client.get("/admin/people/person/999999/change/")
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(AccessLog.objects.exists())

    def test_it_logs_both_people_of_a_merge(self) -> None:
        merge = person_merge(actor=self.supervisor, survivor=self.somsri, merged=self.malee)
        self.client.get(f"/admin/people/personmerge/{merge.pk}/change/")
        self.assertEqual(
            logged(self.root), {("admin_view", "admin", "สมศรี ใจดี"), ("admin_view", "admin", "มาลี รักไทย")}
        )

    def test_it_logs_a_case_page_with_its_people_and_a_case_search_with_its_cases(self) -> None:
        case = open_case(self.call_taker, self.bkk_office, subject=self.somsri)
        self.client.get(f"/admin/cases/case/{case.pk}/change/")
        self.assertEqual(
            logged(self.root), {("admin_view", "admin", case.number), ("admin_view", "admin", "สมศรี ใจดี")}
        )
        AccessLog.objects.all().delete()
        self.client.get("/admin/cases/case/", {"q": case.number})
        self.assertEqual(logged(self.root), {("admin_list", "admin", case.number)})
        AccessLog.objects.all().delete()
        self.client.get("/admin/cases/case/")  # the list alone names nobody
        self.assertFalse(AccessLog.objects.exists())

    def test_it_logs_the_people_an_access_log_list_names(self) -> None:
        reader = make_user("reader", Role.CASE_WORKER, self.bkk_office)
        AccessLog.objects.create(user=reader, person=self.malee, action="person_view", at="2026-01-01T00:00Z")
        self.client.get("/admin/cases/accesslog/")
        self.assertEqual(logged(self.root), {("admin_list", "admin", "มาลี รักไทย")})
