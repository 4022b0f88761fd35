"""The volunteer's own pages: she reports with consent, sees only the cases she reported at the public level (the
stage and the next step, her own notes), adds follow-up notes the case's workers read; nobody else gets in."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from raksa.cases import services as case_services
from raksa.cases.access import Action
from raksa.cases.models import AccessLog, Case, CaseEvent, Note, PublicStage
from raksa.intake.models import Consent, Report, ReportFile
from raksa.intake.services import incident_join, report_submit
from raksa.intake.volunteer.selectors import STAGE_WORDS
from tests.base import BANGKOK, CHIANG_MAI
from tests.intake.volunteer.helpers import BAD_NATIONAL_ID, ELDERLY_STORY, NATIONAL_ID, VolunteerTestCase

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def form_data(**overrides):
    data = {
        "idempotency_key": "form-key-1",
        "subject_name": "บัวคำ ใจงาม",
        "subject_phone": "081-234-5678",
        "subject_national_id": "",
        "kind": "category:elderly_care",
        "text": ELDERLY_STORY,
        "place": "บ้านเลขที่ 5 หมู่ 3 ตำบลสุเทพ",
        "province": CHIANG_MAI,
        "district": "5001",
        "consent_given_by": "",
        "consent_method": "verbal",
        "consent_given_at": "2026-11-30T09:30",
    }
    data.update(overrides)
    return data


class VolunteerReportPageTests(VolunteerTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.volunteer)

    def test_it_offers_the_form_with_her_province_and_now_by_default(self):
        with time_machine.travel(dt.datetime(2026, 11, 30, 3, 15, tzinfo=dt.UTC), tick=False):
            page = self.client.get(reverse("volunteer:report"))
        self.assertEqual(page.status_code, 200)
        form = page.context["form"]
        self.assertEqual(form["province"].value(), CHIANG_MAI)
        self.assertEqual(form["consent_given_at"].value(), "2026-11-30T10:15")  # Bangkok time
        self.assertTrue(form["idempotency_key"].value())
        self.assertContains(page, 'value="5001"')  # Chiang Mai's districts are offered
        self.assertNotContains(page, 'value="1001"')  # Bangkok's are not

    def test_a_report_with_consent_opens_a_case_she_then_sees(self):
        response = self.client.post(reverse("volunteer:report"), form_data())
        report = Report.objects.get()
        case = report.case
        self.assertRedirects(response, reverse("volunteer:case", args=[case.number]))
        self.assertEqual((report.channel, report.source), ("volunteer", f"volunteer:{self.volunteer.pk}"))
        self.assertEqual(report.submitted_by, self.volunteer)
        self.assertEqual(case.channel, "volunteer")
        self.assertIsNone(case.created_by)
        self.assertEqual(
            (case.category, case.province_code, case.district_code), ("elderly_care", "50", "5001")
        )
        consent = Consent.objects.get(report=report)
        # Who consented defaults to the person she reported for.
        self.assertEqual(
            (consent.given_by, consent.method, consent.recorded_by), ("บัวคำ ใจงาม", "verbal", self.volunteer)
        )
        self.assertEqual(consent.given_at, dt.datetime(2026, 11, 30, 2, 30, tzinfo=dt.UTC))
        page = self.client.get(response["Location"])
        self.assertContains(page, case.number)
        self.assertContains(page, case.tracking_code)

    def test_a_double_submit_makes_one_report(self):
        self.client.post(reverse("volunteer:report"), form_data())
        again = self.client.post(reverse("volunteer:report"), form_data())
        self.assertEqual(again.status_code, 302)
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(Case.objects.count(), 1)

    def test_it_refuses_a_report_without_how_consent_was_given(self):
        response = self.client.post(reverse("volunteer:report"), form_data(consent_method=""))
        self.assertEqual(response.status_code, 400)
        self.assertIn("consent_method", response.context["form"].errors)
        self.assertContains(response, "กรุณาระบุวิธีให้ความยินยอม", status_code=400)
        self.assertFalse(Report.objects.exists())

    def test_it_refuses_consent_from_nobody(self):
        response = self.client.post(
            reverse("volunteer:report"), form_data(subject_name="", consent_given_by="")
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("consent_given_by", response.context["form"].errors)
        self.assertFalse(Report.objects.exists())

    def test_it_records_who_else_consented_and_how(self):
        self.client.post(
            reverse("volunteer:report"),
            form_data(consent_given_by="นายสมชาย ใจงาม (บุตรชาย)", consent_method="guardian"),
        )
        consent = Consent.objects.get()
        self.assertEqual((consent.given_by, consent.method), ("นายสมชาย ใจงาม (บุตรชาย)", "guardian"))

    def test_it_refuses_consent_given_in_the_future(self):
        later = (timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        response = self.client.post(reverse("volunteer:report"), form_data(consent_given_at=later))
        self.assertEqual(response.status_code, 400)
        self.assertIn("consent_given_at", response.context["form"].errors)

    def test_it_names_each_bad_field_in_thai_and_english(self):
        response = self.client.post(
            reverse("volunteer:report"),
            form_data(subject_phone="12345", subject_national_id=BAD_NATIONAL_ID, text="ก" * 20_001),
        )
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertEqual(
            {"subject_phone", "subject_national_id", "text"},
            set(errors) & {"subject_phone", "subject_national_id", "text"},
        )
        self.assertIn("20,000", str(errors["text"]))
        self.assertIn("msg-alt", str(errors["subject_national_id"]))  # the other language, beneath
        self.assertFalse(Report.objects.exists())

    def test_a_valid_national_id_links_the_person(self):
        self.client.post(reverse("volunteer:report"), form_data(subject_national_id=NATIONAL_ID))
        report = Report.objects.get()
        self.assertEqual(report.payload["subject"]["national_id"], NATIONAL_ID)
        subject = report.case.parties.get(role="subject").person
        self.assertTrue(subject.identifiers.filter(kind="national_id", value=NATIONAL_ID).exists())

    def test_a_district_outside_the_province_is_refused_by_name(self):
        response = self.client.post(reverse("volunteer:report"), form_data(province=BANGKOK, district="5001"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("district", response.context["form"].errors)

    def test_it_loads_the_districts_of_the_chosen_province(self):
        page = self.client.get(reverse("volunteer:districts"), {"province": BANGKOK})
        self.assertContains(page, 'value="1001"')
        self.assertNotContains(page, 'value="5001"')

    def test_an_emergency_goes_out_as_one(self):
        self.client.post(
            reverse("volunteer:report"), form_data(kind="emergency:detention", text="มีคนถูกขังในบ้าน")
        )
        case = Report.objects.get().case
        self.assertEqual(case.emergency_type, "detention")

    def test_photos_are_kept_with_the_report_and_the_case(self):
        photo = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
        self.client.post(reverse("volunteer:report"), {**form_data(), "photos": [photo]})
        report = Report.objects.get()
        self.assertEqual(ReportFile.objects.filter(report=report).count(), 1)
        self.assertEqual(report.case.attachments.count(), 1)

    def test_more_than_five_photos_are_refused(self):
        photos = [
            SimpleUploadedFile(f"p{i}.png", PNG + bytes([i]), content_type="image/png") for i in range(6)
        ]
        response = self.client.post(reverse("volunteer:report"), {**form_data(), "photos": photos})
        self.assertEqual(response.status_code, 400)
        self.assertIn("photos", response.context["form"].errors)
        self.assertFalse(Report.objects.exists())

    def test_a_file_that_is_not_a_picture_is_refused(self):
        fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not a picture", content_type="image/png")
        response = self.client.post(reverse("volunteer:report"), {**form_data(), "photos": [fake]})
        self.assertEqual(response.status_code, 400)
        self.assertIn("photos", response.context["form"].errors)

    def test_the_form_reads_in_english_after_the_switch(self):
        self.client.cookies["django_language"] = "en"
        page = self.client.get(reverse("volunteer:report"))
        self.assertContains(page, "Consent")
        self.assertContains(page, "Send the report")


class MyReportsTests(VolunteerTestCase):
    def test_she_sees_only_the_cases_she_reported(self):
        mine = self.report_as(self.volunteer, key="a").case
        theirs = self.report_as(self.other_volunteer, key="a").case
        # A case of her own office, opened by staff: not hers to follow.
        office = case_services.case_create(
            actor=self.other_province_worker,
            channel="hotline",
            summary="เด็กถูกทิ้งไว้ที่บ้าน",
            category="child_protection",
            province_code=CHIANG_MAI,
            owning_unit=self.cm_office,
        )
        self.client.force_login(self.volunteer)
        page = self.client.get(reverse("volunteer:home"))
        self.assertContains(page, mine.number)
        self.assertNotContains(page, theirs.number)
        self.assertNotContains(page, office.number)
        for other in (theirs, office):
            self.assertEqual(self.client.get(reverse("volunteer:case", args=[other.number])).status_code, 404)
        self.assertEqual(self.client.get(reverse("volunteer:case", args=["2569-999999"])).status_code, 404)

    def test_it_shows_the_public_stage_and_the_next_step_in_plain_thai(self):
        case = self.report_as(self.volunteer).case
        self.client.force_login(self.volunteer)
        page = self.client.get(reverse("volunteer:home"))
        self.assertContains(page, "รับเรื่องแล้ว")
        self.assertContains(page, "เจ้าหน้าที่จะตรวจสอบข้อมูลภายใน 1 วันทำการ")
        self.assertContains(page, case.tracking_code)
        case_services.case_change_status(actor=self.other_province_worker, case=case, status="screening")
        page = self.client.get(reverse("volunteer:case", args=[case.number]))
        self.assertContains(page, "กำลังตรวจสอบข้อมูล")
        self.assertNotContains(page, "เจ้าหน้าที่จะตรวจสอบข้อมูลภายใน 1 วันทำการ")

    def test_it_never_shows_other_agencies_notes_or_the_timeline(self):
        case = self.report_as(self.volunteer).case
        case_services.note_add(actor=self.other_province_worker, case=case, body="บันทึกลับของนักสังคมสงเคราะห์")
        case_services.note_add_follow_up(volunteer=self.volunteer, case=case, body="ยายยังไม่ได้กินข้าว")
        self.client.force_login(self.volunteer)
        for url in (reverse("volunteer:home"), reverse("volunteer:case", args=[case.number])):
            page = self.client.get(url)
            self.assertNotContains(page, "บันทึกลับของนักสังคมสงเคราะห์")
            self.assertNotContains(page, "ลำดับเหตุการณ์")  # the timeline's heading
            self.assertContains(page, "ยายยังไม่ได้กินข้าว")

    def test_a_report_joined_into_another_incident_follows_it(self):
        first = report_submit(
            channel="web",
            source="web",
            idempotency_key="w1",
            emergency_type="frenzy",
            location={"latitude": "18.79", "longitude": "98.98"},
        ).report.case
        mine = self.report_as(
            self.volunteer,
            emergency_type="frenzy",
            category=None,
            text="ชายคลุ้มคลั่งถือมีดในตลาด",
            location={"latitude": "18.7901", "longitude": "98.9801", "province_code": CHIANG_MAI},
        ).case
        into = incident_join(actor=self.call_taker, case=mine, into=first)
        self.client.force_login(self.volunteer)
        page = self.client.get(reverse("volunteer:home"))
        self.assertContains(page, into.number)
        self.assertNotContains(page, f'id="case-{mine.number}"')

    def test_it_pages_newest_first(self):
        with time_machine.travel(dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC)) as clock:
            numbers = []
            for i in range(23):
                numbers.append(
                    self.report_as(self.volunteer, key=f"k{i}", text=f"{ELDERLY_STORY} ({i})").case.number
                )
                clock.shift(dt.timedelta(minutes=5))
        self.client.force_login(self.volunteer)
        first = self.client.get(reverse("volunteer:home"))
        shown = [f.number for f in first.context["followed"]]
        self.assertEqual(shown, list(reversed(numbers))[:20])
        second = self.client.get(first.context["next_url"])
        self.assertEqual([f.number for f in second.context["followed"]], list(reversed(numbers))[20:])
        self.assertEqual(second.context["next_url"], "")
        # A hand-edited cursor starts again from the newest.
        edited = self.client.get(reverse("volunteer:home"), {"after": "not-a-cursor"})
        self.assertEqual(edited.status_code, 200)
        self.assertEqual([f.number for f in edited.context["followed"]][0], numbers[-1])

    def test_every_page_showing_her_cases_is_access_logged(self):
        case = self.report_as(self.volunteer).case
        self.client.force_login(self.volunteer)
        self.client.get(reverse("volunteer:home"))
        self.client.get(reverse("volunteer:case", args=[case.number]))
        rows = AccessLog.objects.filter(user=self.volunteer, case=case, action=Action.VOLUNTEER_VIEW)
        self.assertEqual(
            sorted(r.path for r in rows),
            sorted([reverse("volunteer:home"), reverse("volunteer:case", args=[case.number])]),
        )

    def test_the_stage_words_are_the_public_stages(self):
        self.assertEqual(set(STAGE_WORDS), set(PublicStage.values))
        for stage, (label, _next) in STAGE_WORDS.items():
            self.assertEqual(str(label), PublicStage(stage).label)


class FollowUpTests(VolunteerTestCase):
    def test_her_note_shows_on_the_staff_case_page_marked_as_hers(self):
        case = self.report_as(self.volunteer).case
        self.client.force_login(self.volunteer)
        response = self.client.post(
            reverse("volunteer:note_add", args=[case.number]), {"body": "ยายไม่สบาย ไปโรงพยาบาลแล้ว"}
        )
        self.assertRedirects(response, reverse("volunteer:case", args=[case.number]))
        note = Note.objects.get(case=case)
        self.assertEqual(note.author, self.volunteer)
        self.assertTrue(
            CaseEvent.objects.filter(case=case, kind="follow_up_added", actor=self.volunteer).exists()
        )
        self.client.force_login(self.other_province_worker)
        page = self.client.get(reverse("cases:detail", args=[case.number]))
        self.assertContains(page, "ยายไม่สบาย ไปโรงพยาบาลแล้ว")
        self.assertContains(page, 'class="badge volunteer"')
        self.assertContains(page, "อาสาสมัคร อพม. บันทึกติดตามผล")  # the timeline line

    def test_the_case_page_tells_its_workers_who_consented(self):
        case = self.report_as(
            self.volunteer, consent={"given_by": "นายสมชาย ใจงาม (บุตรชาย)", "method": "guardian"}
        ).case
        self.client.force_login(self.other_province_worker)
        page = self.client.get(reverse("cases:detail", args=[case.number]))
        self.assertContains(page, "แจ้งโดยอาสาสมัคร อพม.")
        self.assertContains(page, "นายสมชาย ใจงาม (บุตรชาย)")
        self.assertContains(page, "ผู้ปกครองหรือผู้ดูแลยินยอมแทน")

    def test_she_cannot_note_a_case_she_did_not_report(self):
        theirs = self.report_as(self.other_volunteer).case
        self.client.force_login(self.volunteer)
        response = self.client.post(reverse("volunteer:note_add", args=[theirs.number]), {"body": "แอบเขียน"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Note.objects.exists())

    def test_the_service_refuses_her_on_a_case_she_did_not_report_as_missing(self):
        from raksa.core.errors import NotFound

        office = case_services.case_create(
            actor=self.other_province_worker,
            channel="hotline",
            summary="เรื่องของสำนักงาน",
            category="other",
            province_code=CHIANG_MAI,
            owning_unit=self.cm_office,
        )
        with self.assertRaises(NotFound):
            case_services.note_add_follow_up(volunteer=self.volunteer, case=office, body="x")
        # Staff cannot use the volunteer's door either.
        mine = self.report_as(self.volunteer).case
        with self.assertRaises(NotFound):
            case_services.note_add_follow_up(volunteer=self.other_province_worker, case=mine, body="x")

    def test_a_closed_case_takes_no_more_follow_up(self):
        case = self.report_as(self.volunteer).case
        case_services.case_close(actor=self.other_province_worker, case=case, outcome="ได้รับเบี้ยยังชีพแล้ว")
        self.client.force_login(self.volunteer)
        page = self.client.get(reverse("volunteer:case", args=[case.number]))
        self.assertContains(page, "ดำเนินการเสร็จสิ้น")
        self.assertNotContains(page, 'name="body"')
        response = self.client.post(reverse("volunteer:note_add", args=[case.number]), {"body": "ยังมีปัญหา"})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "กรุณาแจ้งเรื่องใหม่", status_code=409)
        self.assertFalse(Note.objects.exists())

    def test_an_empty_note_is_refused_by_name(self):
        case = self.report_as(self.volunteer).case
        self.client.force_login(self.volunteer)
        response = self.client.post(reverse("volunteer:note_add", args=[case.number]), {"body": "   "})
        self.assertEqual(response.status_code, 400)
        self.assertIn("body", response.context["form"].errors)


class PendingReportTests(VolunteerTestCase):
    def test_a_report_that_could_not_be_opened_yet_still_shows_as_received(self):
        from unittest import mock

        self.client.force_login(self.volunteer)
        with mock.patch(
            "raksa.intake.services.case_services.case_create", side_effect=RuntimeError("db down")
        ):
            response = self.client.post(reverse("volunteer:report"), form_data())
        self.assertRedirects(response, reverse("volunteer:home"))
        report = Report.objects.get()
        self.assertEqual((report.state, report.case), (Report.State.FAILED, None))
        self.assertTrue(Consent.objects.filter(report=report).exists())
        page = self.client.get(reverse("volunteer:home"))
        self.assertContains(page, "รับเรื่องแล้ว กำลังเปิดเรื่อง")
        self.assertContains(page, "บัวคำ ใจงาม")
