"""Supervisors read who looked at a case or a person, and when; reading it is itself logged."""

from __future__ import annotations

from django.urls import reverse

from raksa.accounts.models import Role
from raksa.cases.models import AccessLog
from raksa.cases.person_access import person_break_glass
from tests.base import make_user
from tests.workspace.test_views import WorkspaceTestCase


class CaseAccessHistoryTests(WorkspaceTestCase):
    def setUp(self) -> None:
        self.url = reverse("cases:access", args=[self.bkk_case.number])

    def test_it_shows_the_area_supervisor_who_looked_in_thai_with_buddhist_era_dates(self) -> None:
        self.client.force_login(self.case_worker)
        self.client.get(reverse("cases:detail", args=[self.bkk_case.number]))
        self.client.force_login(self.supervisor)
        response = self.client.get(self.url)
        self.assertContains(response, "ประวัติการเข้าถึง")
        self.assertContains(response, "worker_bkk")
        self.assertContains(response, "เปิดดูเรื่อง")
        self.assertContains(response, "ดูประวัติการเข้าถึง")  # this very reading, at the top
        row = AccessLog.objects.filter(case=self.bkk_case).first()
        self.assertEqual((row.user, row.action), (self.supervisor, "access_history"))
        self.assertContains(response, str(row.at.year + 543))
        # A search's query may hold someone's identifiers: paths stay off the page.
        self.assertNotContains(response, reverse("cases:detail", args=[self.bkk_case.number]) + "<")

    def test_it_links_the_case_page_to_it_only_for_those_who_may_read_it(self) -> None:
        page = reverse("cases:detail", args=[self.bkk_case.number])
        self.client.force_login(self.supervisor)
        self.assertContains(self.client.get(page), self.url)
        self.client.force_login(self.case_worker)
        self.assertNotContains(self.client.get(page), self.url)

    def test_it_opens_to_area_and_centre_supervisors_and_centre_admins_only(self) -> None:
        centre_supervisor = make_user("supervisor_1300", Role.SUPERVISOR, self.centre)
        for user, status in (
            (self.supervisor, 200),
            (centre_supervisor, 200),
            (self.admin_user, 200),
            (self.case_worker, 403),
            (self.call_taker, 403),
            (self.other_supervisor, 404),
            (self.outsider, 404),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, status)
                if status == 403:
                    self.assertContains(response, "คุณไม่มีสิทธิ์ดูประวัติการเข้าถึงเรื่องนี้", status_code=403)
                    self.assertContains(response, "You may not read who looked at this case", status_code=403)
        readers = AccessLog.objects.filter(action="access_history").values_list("user__username", flat=True)
        self.assertEqual(set(readers), {"supervisor_bkk", "supervisor_1300", "admin"})

    def test_it_pages_newest_first_with_a_next_link(self) -> None:
        self.client.force_login(self.case_worker)
        for _ in range(60):
            self.client.get(reverse("cases:detail", args=[self.bkk_case.number]))
        self.client.force_login(self.supervisor)
        first = self.client.get(self.url)
        self.assertEqual(len(first.context["entries"]), 50)
        self.assertTrue(first.context["next_url"])
        second = self.client.get(first.context["next_url"])
        first_ids = {e["row"].pk for e in first.context["entries"]}
        second_ids = {e["row"].pk for e in second.context["entries"]}
        self.assertFalse(first_ids & second_ids)
        self.assertEqual(len(first_ids | second_ids), 61)
        self.assertFalse(second.context["next_url"])
        self.assertContains(second, "กลับหน้าแรก")

    def test_it_starts_again_on_a_hand_edited_cursor(self) -> None:
        self.client.force_login(self.supervisor)
        response = self.client.get(self.url, {"after": "not-a-cursor"})
        self.assertEqual(response.status_code, 200)

    def test_it_reads_in_english_after_the_language_switch(self) -> None:
        self.client.force_login(self.supervisor)
        self.client.post("/i18n/setlang/", {"language": "en", "next": self.url})
        response = self.client.get(self.url)
        self.assertContains(response, "Access history")
        self.assertContains(response, "Read the access history")


class PersonAccessHistoryTests(WorkspaceTestCase):
    def setUp(self) -> None:
        self.url = reverse("people:access", args=[self.somchai.public_id])

    def test_it_shows_who_looked_at_the_person_from_anywhere(self) -> None:
        # A Chiang Mai worker sees Somchai on the Chiang Mai case; the Bangkok supervisor, who manages his Bangkok
        # case, is told who looked and when, but not through which case.
        self.client.force_login(self.other_province_worker)
        self.client.get(reverse("cases:detail", args=[self.cm_case.number]))
        self.client.force_login(self.supervisor)
        response = self.client.get(self.url)
        self.assertContains(response, "worker_cm")
        self.assertContains(response, "หน่วย pso-50")
        self.assertNotContains(response, self.cm_case.number)
        row = AccessLog.objects.filter(person=self.somchai).first()
        self.assertEqual((row.user, row.action), (self.supervisor, "access_history"))

    def test_it_opens_to_the_centre_and_to_supervisors_of_one_of_the_persons_cases(self) -> None:
        centre_supervisor = make_user("supervisor_1300", Role.SUPERVISOR, self.centre)
        for user, status in (
            (self.supervisor, 200),
            (centre_supervisor, 200),
            (self.admin_user, 200),
            (self.other_supervisor, 403),  # Khon Kaen: none of Somchai's cases
            (self.case_worker, 403),
            (self.call_taker, 403),
            (self.outsider, 404),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, status)
                if status == 403:
                    self.assertContains(
                        response, "You may not read who looked at this person", status_code=403
                    )
        readers = AccessLog.objects.filter(action="access_history").values_list("user__username", flat=True)
        self.assertEqual(set(readers), {"supervisor_bkk", "supervisor_1300", "admin"})

    def test_it_marks_a_look_through_a_broken_glass_with_its_reason(self) -> None:
        # Khon Kaen's worker sees none of Somchai's cases: only the limited view, until the glass is broken.
        kk_worker = make_user("worker_kk", Role.CASE_WORKER, self.kk_office)
        person_break_glass(user=kk_worker, person=self.somchai, reason="ญาติโทรมาแจ้งว่าอยู่ขอนแก่น")
        self.client.force_login(self.supervisor)
        response = self.client.get(self.url)
        self.assertContains(response, "worker_kk")
        self.assertContains(response, "ผ่านการขอเปิดดูพร้อมเหตุผล")
        self.assertContains(response, "ญาติโทรมาแจ้งว่าอยู่ขอนแก่น")

    def test_it_answers_404_for_a_missing_person(self) -> None:
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.get(reverse("people:access", args=["0" * 20])).status_code, 404)
