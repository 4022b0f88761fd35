"""Who gets what: a volunteer gets nothing from the staff pages, the person index or the API (she follows her own
reports through her own pages), and nobody but a volunteer gets anything at /volunteer/."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from raksa.accounts.services import token_create
from raksa.cases.access import can_view, cases_visible_to, volunteer_follows
from raksa.cases.person_access import Visibility, person_access, person_search_for_view
from raksa.core.errors import NotFound
from raksa.people.models import Person
from tests.intake.volunteer.helpers import VolunteerTestCase


class VolunteerIsNotStaffTests(VolunteerTestCase):
    def setUp(self) -> None:
        self.case = self.report_as(self.volunteer).case
        self.subject = Person.objects.get(case_parties__case=self.case, case_parties__role="subject")

    def test_the_case_rules_give_her_nothing_even_on_her_own_report(self):
        self.assertFalse(can_view(self.volunteer, self.case))
        self.assertFalse(cases_visible_to(self.volunteer).exists())
        self.assertTrue(volunteer_follows(self.volunteer, self.case))
        self.assertFalse(volunteer_follows(self.other_volunteer, self.case))
        self.assertFalse(volunteer_follows(self.other_province_worker, self.case))

    def test_the_person_rules_give_her_nothing(self):
        self.assertEqual(person_access(self.volunteer, self.subject).visibility, Visibility.NONE)
        self.assertEqual(person_search_for_view(user=self.volunteer, query="บัวคำ"), [])
        self.assertEqual(person_search_for_view(user=self.volunteer, query="0812345678"), [])

    def test_every_staff_page_refuses_her(self):
        self.client.force_login(self.volunteer)
        pages = [
            reverse("cases:list"),
            reverse("cases:detail", args=[self.case.number]),
            reverse("cases:access", args=[self.case.number]),
            reverse("people:search") + "?q=0812345678",
            reverse("people:detail", args=[self.subject.public_id]),
            reverse("notices:list"),
        ]
        for url in pages:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 403, url)
            self.assertNotContains(response, self.case.tracking_code, status_code=403)
            self.assertNotContains(response, "บัวคำ", status_code=403)
        posted = self.client.post(reverse("cases:note_add", args=[self.case.number]), {"body": "x"})
        self.assertEqual(posted.status_code, 403)
        self.assertFalse(self.case.notes.exists())

    def test_the_api_refuses_her_token(self):
        token = token_create(user=self.volunteer, name="phone")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        for url in ("/api/v1/cases", f"/api/v1/cases/{self.case.number}", "/api/v1/people?q=0812345678"):
            response = client.get(url)
            self.assertEqual(response.status_code, 403, url)
            self.assertEqual(response.json()["code"], "forbidden")

    def test_signing_in_takes_her_to_her_page_not_the_case_list(self):
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": "volunteer_cm", "password": "correct-horse-battery"}
        )
        self.assertRedirects(response, reverse("volunteer:home"))
        # Even when a link asked for a staff page.
        client = Client()
        response = client.post(
            reverse("accounts:login") + "?next=/cases/",
            {"username": "volunteer_cm", "password": "correct-horse-battery", "next": "/cases/"},
        )
        self.assertRedirects(response, reverse("volunteer:home"))
        self.assertRedirects(client.get("/"), reverse("volunteer:home"))

    def test_staff_still_land_on_the_case_list(self):
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": "worker_bkk", "password": "correct-horse-battery"}
        )
        self.assertRedirects(response, reverse("cases:list"))

    def test_her_menu_offers_only_her_pages(self):
        self.client.force_login(self.volunteer)
        page = self.client.get(reverse("volunteer:home"))
        self.assertContains(page, reverse("volunteer:report"))
        self.assertNotContains(page, f'href="{reverse("cases:list")}"')
        self.assertNotContains(page, f'href="{reverse("people:search")}"')


class OnlyVolunteersTests(VolunteerTestCase):
    def test_staff_get_nothing_at_the_volunteer_pages(self):
        case = self.report_as(self.volunteer).case
        urls = [
            reverse("volunteer:home"),
            reverse("volunteer:report"),
            reverse("volunteer:districts") + "?province=50",
            reverse("volunteer:case", args=[case.number]),
        ]
        for user in (
            self.other_province_worker,
            self.call_taker,
            self.supervisor,
            self.admin_user,
            self.outsider,
        ):
            self.client.force_login(user)
            for url in urls:
                response = self.client.get(url)
                self.assertEqual(response.status_code, 403, (user.username, url))
                self.assertNotContains(response, case.tracking_code, status_code=403)
            response = self.client.post(reverse("volunteer:note_add", args=[case.number]), {"body": "x"})
            self.assertEqual(response.status_code, 403)
        self.assertFalse(case.notes.exists())

    def test_a_signed_out_visitor_is_sent_to_sign_in(self):
        response = Client().get(reverse("volunteer:report"))
        self.assertRedirects(response, f"{reverse('accounts:login')}?next={reverse('volunteer:report')}")

    def test_an_inactive_volunteer_gets_nothing(self):
        self.client.force_login(self.volunteer)
        self.volunteer.is_active = False
        self.volunteer.save(update_fields=["is_active"])
        response = self.client.get(reverse("volunteer:home"))
        self.assertNotEqual(response.status_code, 200)

    def test_only_a_volunteer_reports_through_her_service(self):
        from raksa.core.errors import Forbidden

        with self.assertRaises(Forbidden):
            self.report_as(self.other_province_worker)

    def test_her_case_page_for_an_unknown_number_is_missing(self):
        self.client.force_login(self.volunteer)
        with self.assertRaises(NotFound):
            from raksa.intake.volunteer.selectors import volunteer_case_get

            volunteer_case_get(volunteer=self.volunteer, number="2569-000999")
        self.assertEqual(self.client.get(reverse("volunteer:case", args=["nothing"])).status_code, 404)
