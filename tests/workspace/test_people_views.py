"""Person pages: search, and one person with every case the viewer may see, each look logged."""

from __future__ import annotations

from django.urls import reverse

from raksa.cases import services
from raksa.cases.models import AccessLog
from raksa.core.identifiers import make_national_id
from raksa.people.services import person_create
from tests.base import BANGKOK, CHIANG_MAI, RaksaTestCase

NATIONAL_ID = make_national_id("310050012345")


class PersonPageTests(RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = person_create(
            actor=cls.call_taker,
            first_name_th="บุญมี",
            last_name_th="รักดี",
            national_id=NATIONAL_ID,
            phones=["0898765432"],
            address={"text": "99 ถนนพหลโยธิน", "province_code": BANGKOK},
        )
        cls.bkk_case = services.case_create(
            actor=cls.call_taker,
            channel="hotline",
            summary="ไม่มีรายได้ ค่าเช่าค้าง",
            category="financial_hardship",
            subject=cls.person,
            province_code=BANGKOK,
            owning_unit=cls.bkk_office,
        )
        cls.cm_case = services.case_create(
            actor=cls.call_taker,
            channel="hotline",
            summary="เร่ร่อนในเมือง",
            category="homelessness",
            subject=cls.person,
            province_code=CHIANG_MAI,
            owning_unit=cls.cm_office,
        )

    def test_it_shows_identifiers_addresses_and_cases_across_agencies(self) -> None:
        self.client.force_login(self.call_taker)
        response = self.client.get(reverse("people:detail", args=[self.person.public_id]))
        self.assertContains(response, NATIONAL_ID)
        self.assertContains(response, "0898765432")
        self.assertContains(response, "99 ถนนพหลโยธิน")
        self.assertContains(response, self.bkk_case.number)
        self.assertContains(response, self.cm_case.number)

    def test_it_lists_only_the_cases_the_viewer_may_see(self) -> None:
        self.client.force_login(self.case_worker)
        response = self.client.get(reverse("people:detail", args=[self.person.public_id]))
        self.assertContains(response, self.bkk_case.number)
        self.assertNotContains(response, self.cm_case.number)

    def test_it_logs_every_view_of_a_person(self) -> None:
        self.client.force_login(self.case_worker)
        self.client.get(reverse("people:detail", args=[self.person.public_id]))
        log = AccessLog.objects.get(user=self.case_worker, person=self.person)
        self.assertEqual(log.action, "person_view")

    def test_it_hides_people_from_a_user_without_a_unit(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("people:detail", args=[self.person.public_id]))
        self.assertEqual(response.status_code, 404)
        self.assertFalse(AccessLog.objects.filter(user=self.outsider).exists())

    def test_it_finds_a_person_by_phone_and_name(self) -> None:
        self.client.force_login(self.call_taker)
        for query in ("089-876-5432", "บุญมี"):
            with self.subTest(query=query):
                response = self.client.get(reverse("people:search"), {"q": query})
                self.assertContains(response, reverse("people:detail", args=[self.person.public_id]))

    def test_it_requires_login(self) -> None:
        url = reverse("people:detail", args=[self.person.public_id])
        response = self.client.get(url)
        self.assertRedirects(response, f"/login/?next={url}", fetch_redirect_response=False)
