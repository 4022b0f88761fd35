"""The case workspace as a case worker uses it: list, search, the case page and the actions on it."""

from __future__ import annotations

import re

from django.test import override_settings
from django.urls import reverse

from raksa.cases import services
from raksa.cases.models import AccessLog, Case, CaseEvent, Note, Status
from raksa.core.identifiers import make_national_id
from raksa.people.services import person_create
from tests.base import BANGKOK, CHIANG_MAI, RaksaTestCase

NATIONAL_ID = make_national_id("110170012345")
# CSRF tokens are masked afresh on every response.
_TOKEN = re.compile(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


def without_tokens(html: str) -> str:
    return _TOKEN.sub(r"\1", html)


class WorkspaceTestCase(RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.somchai = person_create(
            actor=cls.call_taker,
            title="นาย",
            first_name_th="สมชาย",
            last_name_th="ใจดี",
            national_id=NATIONAL_ID,
            phones=["0812345678"],
        )
        cls.malee = person_create(actor=cls.call_taker, first_name_th="มาลี", last_name_th="สุขใจ")
        cls.bkk_case = services.case_create(
            actor=cls.call_taker,
            channel="hotline",
            summary="สามีทำร้ายร่างกาย ขอความช่วยเหลือ",
            category="family_violence",
            subject=cls.somchai,
            province_code=BANGKOK,
            owning_unit=cls.bkk_office,
        )
        cls.bkk_elderly = services.case_create(
            actor=cls.call_taker,
            channel="line",
            summary="ผู้สูงอายุอยู่ลำพัง",
            category="elderly_care",
            subject=cls.malee,
            province_code=BANGKOK,
            owning_unit=cls.bkk_office,
        )
        cls.bkk_emergency = services.case_create(
            actor=cls.call_taker,
            channel="line",
            summary="มีคนถูกกักขังในบ้าน",
            category="human_trafficking",
            emergency_type="detention",
            province_code=BANGKOK,
            owning_unit=cls.bkk_office,
        )
        # The same man, met by another agency in another province.
        cls.cm_case = services.case_create(
            actor=cls.call_taker,
            channel="walk_in",
            summary="ไม่มีที่พักอาศัย",
            category="homelessness",
            subject=cls.somchai,
            province_code=CHIANG_MAI,
            owning_unit=cls.cm_office,
        )

    def listing(self, **params: str) -> str:
        response = self.client.get(reverse("cases:list"), params)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()


class LoginTests(WorkspaceTestCase):
    def test_it_sends_anonymous_visitors_to_the_login_page(self) -> None:
        for url in (reverse("cases:list"), reverse("cases:detail", args=[self.bkk_case.number])):
            response = self.client.get(url)
            self.assertRedirects(response, f"/login/?next={url}", fetch_redirect_response=False)


class CaseListTests(WorkspaceTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.case_worker)

    def test_it_lists_only_the_cases_of_the_workers_unit(self) -> None:
        html = self.listing()
        self.assertIn(self.bkk_case.number, html)
        self.assertIn(self.bkk_emergency.number, html)
        self.assertNotIn(self.cm_case.number, html)

    def test_it_filters_by_status_category_emergency_and_province(self) -> None:
        services.case_change_status(actor=self.case_worker, case=self.bkk_elderly, status=Status.SCREENING)
        html = self.listing(status="screening")
        self.assertIn(self.bkk_elderly.number, html)
        self.assertNotIn(self.bkk_case.number, html)

        html = self.listing(category="family_violence")
        self.assertIn(self.bkk_case.number, html)
        self.assertNotIn(self.bkk_elderly.number, html)

        html = self.listing(emergency_type="detention")
        self.assertIn(self.bkk_emergency.number, html)
        self.assertNotIn(self.bkk_case.number, html)

        self.assertIn(self.bkk_case.number, self.listing(province=BANGKOK))
        self.assertNotIn(self.bkk_case.number, self.listing(province=CHIANG_MAI))

    def test_it_shows_only_my_cases_when_asked(self) -> None:
        services.case_assign(actor=self.supervisor, case=self.bkk_elderly, assignee=self.case_worker)
        html = self.listing(mine="on")
        self.assertIn(self.bkk_elderly.number, html)
        self.assertNotIn(self.bkk_case.number, html)

    def test_it_finds_a_case_by_number_tracking_code_name_phone_and_national_id(self) -> None:
        for query in (
            self.bkk_case.number,
            self.bkk_case.tracking_code,
            "สมชาย",
            "081-234-5678",
            NATIONAL_ID,
        ):
            with self.subTest(query=query):
                html = self.listing(q=query)
                self.assertIn(self.bkk_case.number, html)
                self.assertNotIn(self.bkk_elderly.number, html)
                # Somchai's Chiang Mai case stays hidden from a Bangkok worker, whatever the search.
                self.assertNotIn(self.cm_case.number, html)

    def test_it_answers_htmx_with_the_results_fragment_only(self) -> None:
        response = self.client.get(
            reverse("cases:list"), {"q": "มาลี"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
        )
        html = response.content.decode()
        self.assertIn(self.bkk_elderly.number, html)
        self.assertNotIn("<html", html)
        self.assertIn("HX-Request", response["Vary"])

    def test_it_pages_with_a_next_link_instead_of_counting(self) -> None:
        for i in range(26):
            services.case_create(
                actor=self.call_taker,
                channel="hotline",
                summary=f"เรื่องทดสอบ {i}",
                province_code=BANGKOK,
                owning_unit=self.bkk_office,
            )
        response = self.client.get(reverse("cases:list"))
        self.assertEqual(len(response.context["cases"]), 25)
        next_url = response.context["next_url"]
        self.assertTrue(next_url)
        second = self.client.get(next_url)
        first_numbers = {c.number for c in response.context["cases"]}
        second_numbers = {c.number for c in second.context["cases"]}
        self.assertFalse(first_numbers & second_numbers)
        self.assertEqual(len(first_numbers | second_numbers), 29)
        self.assertFalse(second.context["next_url"])

    def test_it_tells_a_user_without_a_unit_why_the_list_is_empty(self) -> None:
        self.client.force_login(self.outsider)
        html = self.listing()
        self.assertIn("ยังไม่ได้สังกัดหน่วยงาน", html)
        self.assertNotIn(self.bkk_case.number, html)


class CasePageTests(WorkspaceTestCase):
    def test_it_shows_the_case_to_its_owning_unit_and_logs_the_view(self) -> None:
        self.client.force_login(self.case_worker)
        before = AccessLog.objects.filter(case=self.bkk_case, user=self.case_worker).count()
        response = self.client.get(reverse("cases:detail", args=[self.bkk_case.number]))
        self.assertContains(response, self.bkk_case.tracking_code)
        self.assertContains(response, "สมชาย")
        self.assertContains(response, "ลำดับเหตุการณ์")
        after = AccessLog.objects.filter(case=self.bkk_case, user=self.case_worker).count()
        self.assertEqual(after, before + 1)

    def test_it_lists_the_subjects_cases_across_agencies_that_the_viewer_may_see(self) -> None:
        self.client.force_login(self.call_taker)
        response = self.client.get(reverse("cases:detail", args=[self.bkk_case.number]))
        self.assertContains(response, reverse("cases:detail", args=[self.cm_case.number]))

        self.client.force_login(self.case_worker)
        response = self.client.get(reverse("cases:detail", args=[self.bkk_case.number]))
        self.assertNotContains(response, self.cm_case.number)

    def test_it_answers_404_to_another_province_exactly_as_for_a_missing_case(self) -> None:
        self.client.force_login(self.other_province_worker)
        hidden = self.client.get(reverse("cases:detail", args=[self.bkk_case.number]))
        missing = self.client.get(reverse("cases:detail", args=["2500-999999"]))
        self.assertEqual(hidden.status_code, 404)
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(
            without_tokens(hidden.content.decode().replace(self.bkk_case.number, "N")),
            without_tokens(missing.content.decode().replace("2500-999999", "N")),
        )
        self.assertNotContains(hidden, "สมชาย", status_code=404)
        self.assertFalse(AccessLog.objects.filter(user=self.other_province_worker).exists())

    def test_it_shows_the_emergency_badge(self) -> None:
        self.client.force_login(self.case_worker)
        response = self.client.get(reverse("cases:detail", args=[self.bkk_emergency.number]))
        self.assertContains(response, 'class="badge emergency"')
        self.assertContains(response, "ถูกกักขัง")

    def test_it_offers_only_the_allowed_status_moves(self) -> None:
        self.client.force_login(self.case_worker)
        response = self.client.get(reverse("cases:detail", args=[self.bkk_case.number]))
        offered = [value for value, _label in response.context["status_actions"]]
        self.assertEqual(sorted(offered), ["active", "screening"])

    def test_it_renders_english_after_the_language_switch(self) -> None:
        self.client.force_login(self.case_worker)
        url = reverse("cases:detail", args=[self.bkk_case.number])
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": url})
        self.assertRedirects(response, url, fetch_redirect_response=False)
        response = self.client.get(url)
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Timeline")
        self.assertContains(response, "Family violence")
        self.assertNotContains(response, "ลำดับเหตุการณ์")


class NoteTests(WorkspaceTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.case_worker)
        self.url = reverse("cases:note_add", args=[self.bkk_case.number])

    def test_it_adds_a_note_and_an_event_then_returns_to_the_case(self) -> None:
        response = self.client.post(self.url, {"body": "โทรติดตามแล้ว ผู้ประสบปัญหาปลอดภัย"})
        self.assertRedirects(response, reverse("cases:detail", args=[self.bkk_case.number]))
        self.assertTrue(Note.objects.filter(case=self.bkk_case, body__startswith="โทรติดตามแล้ว").exists())
        self.assertTrue(CaseEvent.objects.filter(case=self.bkk_case, kind="note_added").exists())

    def test_it_answers_htmx_with_the_fresh_notes_and_timeline(self) -> None:
        response = self.client.post(self.url, {"body": "เยี่ยมบ้านวันพรุ่งนี้"}, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('id="activity"', html)
        self.assertIn("เยี่ยมบ้านวันพรุ่งนี้", html)
        self.assertIn("event-note_added", html)
        self.assertNotIn("<html", html)

    def test_it_refuses_an_empty_note_in_both_languages(self) -> None:
        response = self.client.post(self.url, {"body": "   "}, HTTP_HX_REQUEST="true")
        self.assertContains(response, "กรุณาเขียนบันทึกก่อนบันทึก")
        self.assertContains(response, "Please write the note first")
        self.assertFalse(Note.objects.filter(case=self.bkk_case).exists())

    def test_it_hides_the_case_from_a_worker_elsewhere(self) -> None:
        self.client.force_login(self.other_province_worker)
        response = self.client.post(self.url, {"body": "ไม่ควรบันทึกได้"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Note.objects.filter(case=self.bkk_case).exists())


class StatusActionTests(WorkspaceTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.case_worker)

    def test_it_changes_an_allowed_status(self) -> None:
        response = self.client.post(
            reverse("cases:status_change", args=[self.bkk_case.number]), {"status": "screening"}
        )
        self.assertEqual(response.status_code, 302)
        self.bkk_case.refresh_from_db()
        self.assertEqual(self.bkk_case.status, Status.SCREENING)

    def test_it_shows_an_illegal_move_in_thai_and_english_and_changes_nothing(self) -> None:
        events_before = CaseEvent.objects.filter(case=self.bkk_case).count()
        response = self.client.post(
            reverse("cases:status_change", args=[self.bkk_case.number]), {"status": "new"}
        )
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "ไม่สามารถเปลี่ยนสถานะ", status_code=409)
        self.assertContains(response, "Cannot change status", status_code=409)
        self.bkk_case.refresh_from_db()
        self.assertEqual(self.bkk_case.status, Status.NEW)
        self.assertEqual(CaseEvent.objects.filter(case=self.bkk_case).count(), events_before)

    def test_it_closes_only_with_an_outcome_and_reopens_only_with_a_reason(self) -> None:
        close = reverse("cases:close", args=[self.bkk_case.number])
        response = self.client.post(close, {"outcome": ""})
        self.assertContains(response, "An outcome is needed", status_code=400)
        self.client.post(close, {"outcome": "ส่งเข้าบ้านพักฉุกเฉินแล้ว"})
        self.bkk_case.refresh_from_db()
        self.assertEqual(self.bkk_case.status, Status.CLOSED)

        reopen = reverse("cases:reopen", args=[self.bkk_case.number])
        response = self.client.post(reopen, {"reason": ""})
        self.assertContains(response, "A reason is needed", status_code=400)
        self.client.post(reopen, {"reason": "ผู้ประสบปัญหากลับไปบ้านเดิม"})
        self.bkk_case.refresh_from_db()
        self.assertEqual(self.bkk_case.status, Status.ACTIVE)


class ReferralTests(WorkspaceTestCase):
    def test_it_refers_accepts_and_declines_through_the_page(self) -> None:
        self.client.force_login(self.case_worker)
        url = reverse("cases:referral_create", args=[self.bkk_case.number])
        response = self.client.post(url, {"to_unit": self.dcy_hq.pk, "reason": ""})
        self.assertContains(response, "A reason for the referral is needed", status_code=400)

        self.client.post(url, {"to_unit": self.dcy_hq.pk, "reason": "เด็กในครอบครัวต้องได้รับการคุ้มครอง"})
        referral = self.bkk_case.referrals.get()

        self.client.force_login(self.dcy_worker)
        page = self.client.get(reverse("cases:detail", args=[self.bkk_case.number]))
        self.assertContains(page, reverse("cases:referral_accept", args=[self.bkk_case.number, referral.pk]))
        response = self.client.post(
            reverse("cases:referral_decline", args=[self.bkk_case.number, referral.pk]), {"reason": ""}
        )
        self.assertContains(response, "A reason for declining is needed", status_code=400)
        self.client.post(reverse("cases:referral_accept", args=[self.bkk_case.number, referral.pk]))
        referral.refresh_from_db()
        self.assertEqual(referral.state, "accepted")

        # The timeline names the receiving unit, not its code.
        page = self.client.get(reverse("cases:detail", args=[self.bkk_case.number]))
        self.assertContains(page, "หน่วยงานตอบรับการส่งต่อ")
        self.assertContains(page, f"ถึง: {self.dcy_hq.name_th}")


class TimelineTests(WorkspaceTestCase):
    def test_it_tells_each_event_in_words_in_both_languages(self) -> None:
        services.case_change_status(
            actor=self.case_worker, case=self.bkk_case, status=Status.SCREENING, reason="รอข้อมูลเพิ่ม"
        )
        self.client.force_login(self.case_worker)
        url = reverse("cases:detail", args=[self.bkk_case.number])
        page = self.client.get(url)
        self.assertContains(page, "เปลี่ยนสถานะ")
        self.assertContains(page, "รับเรื่องใหม่ → คัดกรอง")
        self.assertContains(page, "เหตุผล: รอข้อมูลเพิ่ม")

        self.client.post("/i18n/setlang/", {"language": "en", "next": url})
        page = self.client.get(url)
        self.assertContains(page, "Status changed")
        self.assertContains(page, "New → Screening")
        self.assertContains(page, "Reason: รอข้อมูลเพิ่ม")


class AttachmentTests(WorkspaceTestCase):
    @override_settings(RAKSA_ATTACHMENT_MAX_BYTES=10)
    def test_it_shows_a_too_large_file_as_a_form_error(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.client.force_login(self.case_worker)
        upload = SimpleUploadedFile("note.txt", b"x" * 100, content_type="text/plain")
        response = self.client.post(
            reverse("cases:attachment_add", args=[self.bkk_case.number]), {"file": upload}
        )
        self.assertContains(response, "The file is larger than", status_code=400)
        self.assertFalse(Case.objects.get(pk=self.bkk_case.pk).attachments.exists())
