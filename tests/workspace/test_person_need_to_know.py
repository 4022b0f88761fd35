"""Person pages as each persona sees them: the full record, the limited view and breaking the glass, public ids
only, the hourly limit, and the notices a supervisor reads."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings
from django.urls import reverse

from raksa.accounts.models import Notice, Role
from raksa.cases import services
from raksa.cases.models import AccessLog, BreakGlass
from raksa.core.identifiers import make_national_id
from raksa.people.services import person_create
from tests.base import BANGKOK, RaksaTestCase, make_user

NATIONAL_ID = make_national_id("310050012345")
PHONE = "0898765432"
ADDRESS = "99 ถนนพหลโยธิน"
REASON = "ผู้แจ้งโทรมาจากเชียงใหม่ ต้องยืนยันตัวตนก่อนส่งต่อเรื่อง"
NOON = dt.datetime(2026, 3, 2, 12, 10, tzinfo=dt.UTC)


class PersonNeedToKnowCase(RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = person_create(
            actor=cls.call_taker,
            first_name_th="บุญมี",
            last_name_th="รักดี",
            first_name_en="Boonmee",
            last_name_en="Rakdee",
            birth_date="1971-08-09",
            national_id=NATIONAL_ID,
            phones=[PHONE],
            address={"text": ADDRESS, "province_code": BANGKOK, "postal_code": "10400"},
        )
        cls.case = services.case_create(
            actor=cls.call_taker,
            channel="hotline",
            summary="ถูกทำร้ายร่างกายโดยคนในบ้าน",
            category="family_violence",
            subject=cls.person,
            province_code=BANGKOK,
            owning_unit=cls.bkk_office,
        )

    def detail_url(self) -> str:
        return reverse("people:detail", args=[self.person.public_id])

    def glass_url(self) -> str:
        return reverse("people:break_glass", args=[self.person.public_id])

    def assertNothingIdentifying(self, response) -> None:
        for secret in (NATIONAL_ID, PHONE, ADDRESS, "10400", self.case.number, self.case.tracking_code):
            self.assertNotContains(response, secret, status_code=response.status_code)
        # Neither the category nor the summary: what the case is about is not the limited view's to tell.
        for what in ("ความรุนแรงในครอบครัว", "Family violence", "ถูกทำร้ายร่างกาย"):
            self.assertNotContains(response, what, status_code=response.status_code)


class PersonPageViewTests(PersonNeedToKnowCase):
    def test_it_shows_the_call_taker_the_full_record(self) -> None:
        self.client.force_login(self.call_taker)
        response = self.client.get(self.detail_url())
        self.assertContains(response, NATIONAL_ID)
        self.assertContains(response, PHONE)
        self.assertContains(response, ADDRESS)
        self.assertContains(response, self.case.number)

    def test_it_shows_a_case_worker_in_another_province_only_the_limited_view(self) -> None:
        self.client.force_login(self.other_province_worker)
        response = self.client.get(self.detail_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "บุญมี รักดี")
        self.assertContains(response, "Boonmee Rakdee")
        self.assertContains(response, "2514")  # the birth year, in the Buddhist era
        self.assertContains(response, "กรุงเทพมหานคร")
        self.assertContains(response, "สำนักงานปลัดกระทรวง")  # the agency holding the case
        self.assertContains(response, self.glass_url())
        self.assertNothingIdentifying(response)
        log = AccessLog.objects.get(user=self.other_province_worker)
        self.assertEqual(
            (log.action, log.person, log.break_glass), ("person_view_limited", self.person, None)
        )

    def test_it_hides_the_person_from_a_responder_without_their_case(self) -> None:
        self.client.force_login(self.responder)
        self.assertEqual(self.client.get(self.detail_url()).status_code, 404)
        response = self.client.get(reverse("people:search"), {"q": NATIONAL_ID})
        self.assertNotContains(response, self.detail_url())
        self.assertNotContains(response, "บุญมี")

    def test_it_answers_404_for_a_row_id(self) -> None:
        self.client.force_login(self.call_taker)
        for old in (f"/people/{self.person.pk}/", "/people/1/", f"/people/{self.person.public_id[:-1]}/"):
            with self.subTest(path=old):
                self.assertEqual(self.client.get(old).status_code, 404)
        self.assertFalse(AccessLog.objects.exists())

    def test_it_links_people_by_public_id_in_search_and_on_the_case_page(self) -> None:
        self.client.force_login(self.case_worker)
        search = self.client.get(reverse("people:search"), {"q": "บุญมี"})
        self.assertContains(search, self.detail_url())
        self.assertNotContains(search, f"/people/{self.person.pk}/")
        case_page = self.client.get(reverse("cases:detail", args=[self.case.number]))
        self.assertContains(case_page, self.detail_url())
        self.assertContains(case_page, NATIONAL_ID)  # the person card: a person on a case the viewer sees

    def test_it_marks_limited_search_results_and_leaves_out_their_details(self) -> None:
        self.client.force_login(self.other_province_worker)
        by_name = self.client.get(reverse("people:search"), {"q": "บุญมี"})
        self.assertContains(by_name, "บุญมี รักดี")
        self.assertContains(by_name, "ข้อมูลจำกัด")
        self.assertNothingIdentifying(by_name)
        # Found by an exact identifier: the box still holds what was typed, and nothing else is told.
        by_phone = self.client.get(reverse("people:search"), {"q": PHONE})
        self.assertContains(by_phone, self.detail_url())
        for secret in (NATIONAL_ID, ADDRESS, self.case.number):
            self.assertNotContains(by_phone, secret)

    def test_it_logs_each_person_a_search_shows(self) -> None:
        other = person_create(actor=self.call_taker, first_name_th="บุญมี", last_name_th="มีสุข")
        self.client.force_login(self.call_taker)
        self.client.get(reverse("people:search"), {"q": "บุญมี"})
        rows = AccessLog.objects.filter(user=self.call_taker, action="person_search")
        self.assertEqual(set(rows.values_list("person_id", flat=True)), {self.person.pk, other.pk})


class BreakGlassPageTests(PersonNeedToKnowCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.worker = cls.other_province_worker

    def test_it_asks_for_a_reason_in_thai_and_english(self) -> None:
        self.client.force_login(self.worker)
        for reason in ("", "ด่วนมาก"):
            with self.subTest(reason=reason):
                response = self.client.post(self.glass_url(), {"reason": reason})
                self.assertEqual(response.status_code, 400)
                self.assertNothingIdentifying(response)
        self.assertContains(response, "อย่างน้อย 10 ตัวอักษร", status_code=400)
        self.assertContains(response, "at least 10 characters", status_code=400)
        self.assertFalse(BreakGlass.objects.exists())

    def test_it_opens_the_record_logs_it_tells_the_supervisor_and_closes_it_again(self) -> None:
        self.client.force_login(self.worker)
        with time_machine.travel(NOON, tick=False):
            response = self.client.post(self.glass_url(), {"reason": REASON})
            self.assertRedirects(response, self.detail_url(), fetch_redirect_response=False)
            page = self.client.get(self.detail_url())
            self.assertContains(page, NATIONAL_ID)
            self.assertContains(page, PHONE)
            self.assertContains(page, REASON)  # the banner says why, and that it is logged
            self.assertNotContains(page, self.case.number)  # the case itself stays Bangkok's
        grant = BreakGlass.objects.get()
        self.assertEqual((grant.user, grant.person, grant.reason), (self.worker, self.person, REASON))
        rows = AccessLog.objects.filter(user=self.worker).order_by("id")
        self.assertEqual(
            [(r.action, r.break_glass) for r in rows], [("break_glass", grant), ("person_view", grant)]
        )

        self.client.force_login(self.supervisor)
        header = self.client.get(reverse("cases:list"))
        self.assertContains(header, 'class="badge count"')
        notices = self.client.get(reverse("notices:list"))
        self.assertContains(notices, REASON)
        self.assertContains(notices, "worker_cm")
        self.client.post(reverse("notices:read_all"))
        self.assertNotContains(self.client.get(reverse("cases:list")), 'class="badge count"')
        self.assertIsNotNone(Notice.objects.get(recipient=self.supervisor).read_at)

        self.client.force_login(self.worker)
        with time_machine.travel(NOON + dt.timedelta(hours=4, minutes=1), tick=False):
            self.assertNothingIdentifying(self.client.get(self.detail_url()))

    def test_it_shows_the_supervisors_notice_in_english(self) -> None:
        self.client.force_login(self.worker)
        self.client.post(self.glass_url(), {"reason": REASON})
        self.client.force_login(self.supervisor)
        self.client.post(reverse("set_language"), {"language": "en"})
        response = self.client.get(reverse("notices:list"))
        self.assertContains(response, "broke the glass to open the full record of a person in your area")
        self.assertContains(response, REASON)
        self.assertContains(response, self.detail_url())

    def test_it_needs_no_glass_for_whoever_already_sees_the_record(self) -> None:
        self.client.force_login(self.case_worker)
        response = self.client.post(self.glass_url(), {"reason": REASON})
        self.assertRedirects(response, self.detail_url(), fetch_redirect_response=False)
        self.assertFalse(BreakGlass.objects.exists())

    def test_it_answers_404_to_whoever_may_not_see_the_person(self) -> None:
        for user in (self.responder, self.outsider):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.glass_url(), {"reason": REASON}).status_code, 404)
        self.assertFalse(BreakGlass.objects.exists())


@override_settings(RAKSA_PERSON_VIEWS_PER_HOUR=2)
class PersonViewLimitPageTests(PersonNeedToKnowCase):
    def test_it_refuses_with_a_clear_429_and_alerts_the_supervisor(self) -> None:
        cm_supervisor = make_user("supervisor_cm", Role.SUPERVISOR, self.cm_office)
        self.client.force_login(self.other_province_worker)
        with time_machine.travel(NOON, tick=False):
            self.client.get(self.detail_url())
            self.client.get(reverse("people:search"), {"q": "บุญมี"})
            response = self.client.get(self.detail_url())
            self.assertEqual(response.status_code, 429)
            self.assertEqual(response["Retry-After"], str(50 * 60))
            self.assertContains(response, "ครบ 2 ครั้งในชั่วโมงนี้แล้ว", status_code=429)
            self.assertNothingIdentifying(response)
            self.assertEqual(self.client.get(reverse("people:search"), {"q": "บุญมี"}).status_code, 429)
        notice = Notice.objects.get()
        self.assertEqual((notice.recipient, notice.kind), (cm_supervisor, "person_views_limit"))
