"""Web reporting at /report/: the five emergencies as plain form posts, other problems with photos, errors named
on their fields, the honeypot, per-address rate limits, one report per form token, and the thank-you page that
shows the tracking code (and its QR code) only to the browser that sent the report."""

from __future__ import annotations

import re
from unittest import mock

import segno
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from raksa.cases.models import Attachment
from raksa.core.models import RateCount
from raksa.intake.models import Report, ReportFile
from raksa.tracking.models import Subscription
from tests.base import BANGKOK, RaksaTestCase
from tests.intake.web.helpers import PDF, PNG, field_block, qr_decode, qr_matrix, text_of, token_of

HOME = "203.0.113.10"
ELSEWHERE = "198.51.100.20"


class WebReportCase(RaksaTestCase):
    def setUp(self) -> None:
        self.client = Client(REMOTE_ADDR=HOME)
        # The rate limits count in fixed 10-minute windows: a test that began just before a window's end would see
        # its count start again. The clock runs, from the first second of the current window.
        now = timezone.now()
        clock = time_machine.travel(now.replace(minute=now.minute - now.minute % 10, second=1, microsecond=0))
        clock.start()
        self.addCleanup(clock.stop)

    def page(self, client: Client | None = None) -> str:
        response = (client or self.client).get("/report/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def emergency(self, client: Client | None = None, **data):
        client = client or self.client
        data.setdefault("token", token_of(self.page(client), "emergency-form"))
        return client.post("/report/emergency/", data)

    def problem(self, client: Client | None = None, **data):
        client = client or self.client
        data.setdefault("token", token_of(self.page(client), "problem-form"))
        data.setdefault("text", "ผู้สูงอายุอยู่คนเดียว ไม่มีรายได้ ต้องการเบี้ยยังชีพ")
        return client.post("/report/", data)

    def sent_report(self, response) -> Report:
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        public_id = re.match(r"^/report/sent/([^/]+)/", response["Location"]).group(1)
        return Report.objects.get(public_id=public_id)


class EmergencyTests(WebReportCase):
    def test_the_five_emergencies_come_first_on_the_page(self) -> None:
        page = self.page()
        buttons = re.findall(r'name="emergency_type" value="(\w+)"', page)
        self.assertEqual(buttons, ["threat", "detention", "abuse_risk", "frenzy", "gathering"])
        self.assertLess(page.index('value="threat"'), page.index('id="problem-form"'))
        for label in ("ถูกข่มขู่", "ถูกกักขัง", "เสี่ยงถูกล่วงละเมิด", "ผู้คลุ้มคลั่ง", "มั่วสุม"):
            self.assertIn(label, page)

    def test_one_button_with_javascript_off_makes_an_emergency_case(self) -> None:
        # A plain post of the button pressed, nothing typed: what a browser without JavaScript sends.
        report = self.sent_report(self.emergency(emergency_type="detention"))
        self.assertEqual(report.channel, "web")
        self.assertEqual(report.source, "web")
        case = report.case
        self.assertEqual(case.emergency_type, "detention")
        self.assertEqual(case.urgency, "emergency")
        self.assertEqual(case.channel, "web")
        self.assertTrue(case.dispatches.exists())  # handed to dispatch

    def test_the_typed_place_and_the_browsers_location_go_with_it(self) -> None:
        report = self.sent_report(
            self.emergency(
                emergency_type="frenzy",
                place="หน้าเซเว่น ซอยลาดพร้าว 101",
                latitude="13.7563",
                longitude="100.5018",
                accuracy="20",
            )
        )
        case = report.case
        self.assertEqual(case.location_text, "หน้าเซเว่น ซอยลาดพร้าว 101")
        self.assertEqual((str(case.latitude), str(case.longitude)), ("13.756300", "100.501800"))
        # The phone's position names the area (offline, raksa.dispatch.geo): Bangkok, one of its khet.
        self.assertEqual(case.province_code, "10")
        self.assertTrue(case.district_code.startswith("10") and len(case.district_code) == 4)

    def test_coordinates_outside_thailand_never_stop_an_emergency(self) -> None:
        response = self.emergency(emergency_type="threat", place="ตลาดนัด", latitude="48.85", longitude="2.35")
        report = self.sent_report(response)
        self.assertTrue(response["Location"].endswith("?place=dropped"))
        self.assertEqual(report.case.emergency_type, "threat")
        self.assertIsNone(report.case.latitude)
        self.assertEqual(report.case.location_text, "ตลาดนัด")
        sent = self.client.get(response["Location"]).content.decode()
        self.assertIn("ตำแหน่งจากโทรศัพท์ใช้ไม่ได้", sent)

    def test_an_emergency_the_page_did_not_offer_is_refused_on_the_buttons(self) -> None:
        response = self.emergency(emergency_type="fire")
        self.assertEqual(response.status_code, 400)
        self.assertIn("ค่าที่ส่งมาไม่อยู่ในตัวเลือก", response.content.decode())
        self.assertFalse(Report.objects.exists())


class ProblemTests(WebReportCase):
    def test_a_problem_with_a_photo_makes_a_case_with_the_photo(self) -> None:
        photo = SimpleUploadedFile("bruise.png", PNG, content_type="image/png")
        report = self.sent_report(
            self.problem(
                category="family_violence",
                text="สามีทำร้ายร่างกายทุกคืน มีลูกเล็กสองคน",
                place="ซอยลาดพร้าว 101",
                province=BANGKOK,
                district="1027",
                name="สมศรี ใจดี",
                phone="081-234-5678",
                photos=[photo],
            )
        )
        self.assertEqual(ReportFile.objects.get(report=report).content_type, "image/png")
        case = report.case
        self.assertEqual(case.category, "family_violence")
        self.assertEqual((case.province_code, case.district_code), (BANGKOK, "1027"))
        self.assertEqual(case.emergency_type, "")
        self.assertEqual(Attachment.objects.filter(case=case).count(), 1)
        self.assertEqual(report.payload["reporter"], {"name": "สมศรี ใจดี", "phone": "0812345678"})

    def test_anonymous_keeps_no_name_or_phone(self) -> None:
        report = self.sent_report(self.problem(name="สมศรี", phone="0812345678", anonymous="on"))
        self.assertTrue(report.payload["anonymous"])
        self.assertIsNone(report.payload["reporter"])
        self.assertFalse(report.case.parties.filter(role="reporter").exists())

    def test_the_limits_on_photos_are_shown(self) -> None:
        block = text_of(field_block(self.page(), "photos"))
        self.assertIn("ได้ไม่เกิน 5 รูป", block)
        self.assertIn(f"รูปละไม่เกิน {settings.RAKSA_REPORT_FILE_MAX_BYTES // (1024 * 1024)} MB", block)
        self.assertIn("JPEG PNG WebP HEIC", block)

    def test_the_districts_follow_the_province(self) -> None:
        options = self.client.get("/report/districts/", {"province": BANGKOK}).content.decode()
        self.assertIn('value="1001"', options)  # เขตพระนคร
        self.assertIn("พระนคร", options)
        self.assertNotIn('value="5001"', options)


class ProblemErrorTests(WebReportCase):
    def assert_refused(self, response, field: str, *messages: str) -> str:
        self.assertEqual(response.status_code, 400)
        page = response.content.decode()
        block = field_block(page, field)
        for message in messages:
            self.assertTrue(message in block, f"{message!r} not on the field {field!r}")
        self.assertFalse(Report.objects.exists())
        self.assertFalse(ReportFile.objects.exists())
        return page

    def test_text_too_long_is_named_on_the_text_and_the_typed_words_stay(self) -> None:
        text = "ก" * 20_001
        page = self.assert_refused(
            self.problem(text=text, place="ซอยลาดพร้าว 101", name="สมศรี"),
            "text",
            "เรื่องยาวเกิน 20,000 ตัวอักษร",
            "Text is longer than 20,000 characters",
        )
        self.assertTrue(text in field_block(page, "text"), "the typed text is gone")
        self.assertIn('value="ซอยลาดพร้าว 101"', field_block(page, "place"))
        self.assertIn('value="สมศรี"', field_block(page, "name"))

    def test_a_bad_phone_is_named_on_the_phone(self) -> None:
        self.assert_refused(self.problem(phone="12345"), "phone", "เบอร์โทรศัพท์")

    def test_a_photo_of_the_wrong_type_by_its_bytes_is_named_on_the_photos(self) -> None:
        disguised = SimpleUploadedFile("photo.jpg", PDF, content_type="image/jpeg")
        self.assert_refused(
            self.problem(photos=[disguised]),
            "photos",
            "รูปที่ 1: แนบได้เฉพาะรูปภาพ JPEG PNG WebP หรือ HEIC",
            "Picture 1: Only JPEG, PNG, WebP or HEIC pictures can be attached",
        )

    @override_settings(RAKSA_REPORT_FILE_MAX_BYTES=1024)
    def test_a_photo_over_the_size_limit_is_named_on_the_photos(self) -> None:
        small = SimpleUploadedFile("a.png", PNG, content_type="image/png")
        large = SimpleUploadedFile("b.png", PNG + b"\x00" * 2048, content_type="image/png")
        self.assert_refused(self.problem(photos=[small, large]), "photos", "รูปที่ 2:", "Picture 2:")

    def test_more_than_five_photos_are_refused(self) -> None:
        photos = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in range(6)]
        self.assert_refused(self.problem(photos=photos), "photos", "แนบไฟล์ได้ไม่เกิน 5 ไฟล์")

    def test_an_unknown_province_is_named_on_the_province(self) -> None:
        self.assert_refused(self.problem(province="99"), "province", "ค่าที่ส่งมาไม่อยู่ในตัวเลือก")

    def test_a_district_outside_the_province_is_named_on_the_district(self) -> None:
        self.assert_refused(self.problem(province=BANGKOK, district="5001"), "district", "5001")

    def test_nothing_to_say_is_named_on_the_text(self) -> None:
        self.assert_refused(self.problem(text="   "), "text", "กรุณาเล่าเรื่องที่เกิดขึ้น")

    def test_a_request_larger_than_five_photos_gets_a_clear_page(self) -> None:
        with override_settings(RAKSA_REPORT_REQUEST_MAX_BYTES=4096):
            photo = SimpleUploadedFile("big.png", PNG + b"\x00" * 8192, content_type="image/png")
            response = self.problem(photos=[photo])
        self.assertEqual(response.status_code, 413)
        self.assertIn("ไฟล์ที่ส่งมีขนาดใหญ่เกินไป", response.content.decode())
        self.assertIn("At most 5 pictures", response.content.decode())
        self.assertFalse(Report.objects.exists())

    def test_form_fields_larger_than_django_reads_get_the_same_page(self) -> None:
        with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
            response = self.problem(text="ก" * 2000, photos=[SimpleUploadedFile("a.png", PNG)])
        self.assertEqual(response.status_code, 413)
        self.assertIn("ไฟล์ที่ส่งมีขนาดใหญ่เกินไป", response.content.decode())


class SmsConsentTests(WebReportCase):
    """The box by the phone: "text me when my request moves on" (tracking sends the texts)."""

    def refused(self, response, *messages: str) -> None:
        self.assertEqual(response.status_code, 400)
        block = field_block(response.content.decode(), "updates_by_sms")
        for message in messages:
            self.assertIn(message, block)
        self.assertFalse(Report.objects.exists())

    def test_the_box_sits_by_the_phone_unticked(self) -> None:
        page = self.page()
        block = field_block(page, "updates_by_sms")
        self.assertIn("ส่ง SMS แจ้งเมื่อเรื่องมีความคืบหน้า", block)
        self.assertNotIn("checked", block)
        self.assertLess(page.index('name="phone"'), page.index('name="updates_by_sms"'))
        self.assertLess(page.index('name="updates_by_sms"'), page.index('name="anonymous"'))
        self.assertIn("ไม่มีรายละเอียดที่คุณแจ้ง", text_of(page))

    def test_ticked_with_a_mobile_it_records_her_consent(self) -> None:
        report = self.sent_report(self.problem(name="สมศรี", phone="081-234-5678", updates_by_sms="on"))
        self.assertIs(report.payload["updates_by_sms"], True)
        subscription = Subscription.objects.get(case=report.case)
        self.assertEqual(
            (subscription.transport, subscription.address, subscription.method, subscription.report_ref),
            ("sms", "0812345678", "web_form", report.public_id),
        )
        self.assertEqual(subscription.consented_at, report.created_at)
        self.assertIsNone(subscription.recorded_by)

    def test_unticked_it_records_nothing(self) -> None:
        report = self.sent_report(self.problem(name="สมศรี", phone="0812345678"))
        self.assertNotIn("updates_by_sms", report.payload)
        self.assertFalse(Subscription.objects.exists())

    def test_ticked_without_a_phone_says_so_on_the_box_in_both_languages(self) -> None:
        self.refused(
            self.problem(name="สมศรี", updates_by_sms="on"),
            "กรุณาใส่เบอร์โทรศัพท์มือถือเพื่อรับ SMS",
            "Give a mobile number to get texts, or untick the box",
        )

    def test_ticked_with_a_fixed_line_asks_for_a_mobile(self) -> None:
        self.refused(self.problem(phone="02-123-4567", updates_by_sms="on"), "โทรศัพท์บ้าน", "fixed line")

    def test_ticked_with_anonymous_asks_her_to_choose(self) -> None:
        self.refused(
            self.problem(phone="0812345678", anonymous="on", updates_by_sms="on"),
            "ไม่ประสงค์ออกนาม",
            "An anonymous report keeps no phone number",
        )

    def test_a_bad_phone_is_named_on_the_phone_alone(self) -> None:
        response = self.problem(phone="12345", updates_by_sms="on")
        self.assertEqual(response.status_code, 400)
        page = response.content.decode()
        self.assertIn("เบอร์โทรศัพท์", field_block(page, "phone"))
        self.assertNotIn('role="alert"', field_block(page, "updates_by_sms"))


class AbuseTests(WebReportCase):
    def test_a_filled_honeypot_answers_like_success_and_stores_nothing(self) -> None:
        response = self.problem(website="http://spam.example")
        self.assertEqual(response.status_code, 302)
        self.assertRegex(response["Location"], r"^/report/sent/\w+/$")
        self.assertFalse(Report.objects.exists())
        page = self.client.get(response["Location"]).content.decode()
        self.assertIn("ขอบคุณที่แจ้งเรื่อง", page)
        self.assertNotIn("รหัสติดตามเรื่องของคุณ", page)

    def test_the_honeypot_is_hidden_by_css_not_by_type(self) -> None:
        page = self.page()
        self.assertIn('<div class="hp" aria-hidden="true">', page)
        self.assertRegex(page, r'<input type="text" name="website"')
        css = (settings.BASE_DIR / "static/raksa/report.css").read_text()
        self.assertRegex(css, r"\.hp \{[^}]*left: -10000px")

    @override_settings(RAKSA_REPORT_RATE_SHORT=2)
    def test_past_the_limit_an_address_gets_a_429_page_in_thai(self) -> None:
        for _ in range(2):
            self.sent_report(self.problem())
        response = self.problem()
        self.assertEqual(response.status_code, 429)
        self.assertGreater(int(response["Retry-After"]), 0)
        self.assertLessEqual(int(response["Retry-After"]), 600)
        page = response.content.decode()
        self.assertIn("แจ้งเรื่องบ่อยเกินไป", page)
        self.assertIn("Too many reports have come from this network", page)
        self.assertIn('href="tel:1300"', page)
        self.assertEqual(Report.objects.count(), 2)

    @override_settings(RAKSA_REPORT_RATE_SHORT=1)
    def test_the_429_page_speaks_english_when_english_is_chosen(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.sent_report(self.emergency(emergency_type="threat"))
        response = self.emergency(emergency_type="threat")
        self.assertEqual(response.status_code, 429)
        page = response.content.decode()
        self.assertIn('<html lang="en">', page)
        self.assertIn('<span class="msg-main">Too many reports have come from this network', page)

    @override_settings(RAKSA_REPORT_RATE_SHORT=1)
    def test_it_counts_per_address(self) -> None:
        self.sent_report(self.problem())
        self.assertEqual(self.problem().status_code, 429)
        other = Client(REMOTE_ADDR=ELSEWHERE)
        self.sent_report(self.problem(client=other))

    @override_settings(RAKSA_REPORT_RATE_SHORT=1, RAKSA_PROXY_COUNT=1)
    def test_behind_a_proxy_it_counts_the_client_the_proxy_saw(self) -> None:
        proxy = "10.0.0.2"
        first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=HOME)
        self.sent_report(self.problem(client=first))
        second = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
        self.sent_report(self.problem(client=second))
        self.assertEqual(self.problem(client=first).status_code, 429)

    @override_settings(RAKSA_REPORT_RATE_SHORT=2)
    def test_refused_input_and_a_double_click_do_not_use_up_the_limit(self) -> None:
        for _ in range(3):
            self.assertEqual(self.problem(phone="12").status_code, 400)
        token = token_of(self.page(), "problem-form")
        self.sent_report(self.problem(token=token))
        self.sent_report(self.problem(token=token))
        self.sent_report(self.problem())
        self.assertEqual(Report.objects.count(), 2)
        self.assertEqual(self.problem().status_code, 429)

    @override_settings(RAKSA_REPORT_RATE_SHORT=2)
    def test_a_filled_honeypot_still_counts(self) -> None:
        self.problem(website="x")
        self.problem(website="x")
        self.assertEqual(self.problem().status_code, 429)
        self.assertTrue(RateCount.objects.exists())


class OneReportPerFormTests(WebReportCase):
    def test_a_double_submit_with_the_same_token_makes_one_report(self) -> None:
        token = token_of(self.page(), "emergency-form")
        first = self.sent_report(self.emergency(token=token, emergency_type="abuse_risk"))
        again = self.sent_report(self.emergency(token=token, emergency_type="abuse_risk"))
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(first.case.reports.count(), 1)

    def test_an_emergency_sent_again_changed_is_a_new_emergency_at_once(self) -> None:
        # The back button, then another tap on the same page: no second step between a person and help.
        token = token_of(self.page(), "emergency-form")
        first = self.sent_report(self.emergency(token=token, emergency_type="threat"))
        second = self.sent_report(self.emergency(token=token, emergency_type="frenzy", place="ตลาด"))
        self.assertNotEqual(first.pk, second.pk)
        self.assertEqual(second.case.emergency_type, "frenzy")
        # ... and a double tap of that second one still makes one report.
        again = self.sent_report(self.emergency(token=token, emergency_type="frenzy", place="ตลาด"))
        self.assertEqual(again.pk, second.pk)
        self.assertEqual(Report.objects.count(), 2)

    def test_every_page_load_has_its_own_token(self) -> None:
        self.assertNotEqual(token_of(self.page(), "problem-form"), token_of(self.page(), "problem-form"))

    def test_the_same_form_sent_again_changed_asks_before_making_a_second_report(self) -> None:
        token = token_of(self.page(), "problem-form")
        self.sent_report(self.problem(token=token, text="เรื่องแรก เด็กถูกทิ้งไว้คนเดียว"))
        response = self.problem(token=token, text="เรื่องที่สอง คนไร้บ้านนอนป้ายรถเมล์")
        self.assertEqual(response.status_code, 400)
        page = response.content.decode()
        self.assertIn("แบบฟอร์มนี้ถูกส่งไปแล้ว", page)
        self.assertIn("เรื่องที่สอง คนไร้บ้านนอนป้ายรถเมล์", page)
        fresh = token_of(page, "problem-form")
        self.assertNotEqual(fresh, token)
        self.sent_report(self.problem(token=fresh, text="เรื่องที่สอง คนไร้บ้านนอนป้ายรถเมล์"))
        self.assertEqual(Report.objects.count(), 2)


class SentPageTests(WebReportCase):
    def test_the_tracking_code_is_shown_only_to_the_browser_that_sent_it(self) -> None:
        response = self.emergency(emergency_type="gathering")
        report = self.sent_report(response)
        code = report.case.tracking_code
        mine = self.client.get(response["Location"])
        self.assertEqual(mine["Cache-Control"], "no-store, private")
        self.assertIn(code.split("-")[0], mine.content.decode())
        self.assertIn("เรื่องฉุกเฉินถูกส่งต่อถึงทีมช่วยเหลือในพื้นที่ทันที", mine.content.decode())

        someone_else = Client(REMOTE_ADDR=ELSEWHERE).get(response["Location"]).content.decode()
        self.assertNotIn(code, someone_else)
        self.assertNotIn(code.split("-")[0], someone_else)
        self.assertIn("ขอบคุณที่แจ้งเรื่อง", someone_else)
        # Nor for an id that does not exist: the two answers are the same page.
        nobody = Client().get("/report/sent/NOSUCHREPORT/").content.decode()
        self.assertEqual(text_of(nobody).split(), text_of(someone_else).split())

    def test_a_forged_cookie_shows_nothing(self) -> None:
        report = self.sent_report(self.problem())
        stranger = Client()
        stranger.cookies["raksa_sent"] = report.public_id
        page = stranger.get(f"/report/sent/{report.public_id}/").content.decode()
        self.assertNotIn(report.case.tracking_code, page)

    def test_the_qr_code_encodes_the_tracking_url(self) -> None:
        response = self.problem()
        report = self.sent_report(response)
        page = self.client.get(response["Location"]).content.decode()
        svg = re.search(r'<figure class="qr">\s*(<svg.*?</svg>)', page, re.S).group(1)
        expected = f"http://testserver/track/?code={report.case.tracking_code}"
        self.assertEqual(qr_decode(svg), [expected])
        # The very symbol segno makes for that URL, module for module (its quiet zone included).
        self.assertEqual(
            qr_matrix(svg),
            [list(map(bool, row)) for row in segno.make(expected, error="m").matrix_iter(border=4)],
        )
        self.assertIn(f'href="{expected}"', page)
        self.assertIn("เจ้าหน้าที่จะตรวจสอบข้อมูล", page)

    def test_a_report_whose_processing_failed_is_said_to_be_safe_with_its_reference(self) -> None:
        with mock.patch("raksa.intake.services.report_process", side_effect=RuntimeError("triage is down")):
            response = self.emergency(emergency_type="threat")
        report = self.sent_report(response)
        self.assertEqual(report.state, Report.State.FAILED)
        sent = self.client.get(response["Location"])
        page = sent.content.decode()
        self.assertIn("ระบบได้รับเรื่องของคุณไว้อย่างปลอดภัยแล้ว", page)
        self.assertIn(report.public_id, page)
        self.assertEqual(sent["Refresh"], "20")
        # Once the worker has processed it, the same page shows the code.
        from raksa.intake.services import report_process

        report_process(report=report)
        report.refresh_from_db()
        self.assertIn(
            report.case.tracking_code.split("-")[0], self.client.get(response["Location"]).content.decode()
        )


class EnglishTests(WebReportCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def test_the_page_switches_to_english(self) -> None:
        page = self.page()
        self.assertIn('<html lang="en">', page)
        self.assertIn("Report an emergency", page)
        self.assertIn("Threatened", page)
        self.assertIn("Locked up or held against their will", page)
        self.assertIn("At most 5 pictures", text_of(field_block(page, "photos")))
        self.assertIn("Family violence", page)
        self.assertIn("Text me when my request moves on", field_block(page, "updates_by_sms"))

    def test_errors_lead_in_english(self) -> None:
        response = self.problem(phone="12")
        block = field_block(response.content.decode(), "phone")
        self.assertRegex(block, r'<span class="msg-main">[^<]*[Pp]hone')

    def test_the_thank_you_page_speaks_english(self) -> None:
        response = self.emergency(emergency_type="threat")
        page = self.client.get(response["Location"]).content.decode()
        self.assertIn("Emergency sent", page)
        self.assertIn("forwarded to a response team", page)


class BlankPageTests(WebReportCase):
    """The blank page is rendered once per process and language, then filled in for each visit."""

    def test_each_visitor_gets_her_own_csrf_token_and_keys_and_can_send(self) -> None:
        pages = []
        for address in ("10.9.0.1", "10.9.0.2"):
            client = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
            page = self.page(client)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            pages.append((csrf, token_of(page, "problem-form"), token_of(page, "emergency-form")))
            response = client.post(
                "/report/",
                {
                    "csrfmiddlewaretoken": csrf,
                    "token": token_of(page, "problem-form"),
                    "text": f"คนไร้บ้านนอนหน้าร้าน {address}",
                },
            )
            self.sent_report(response)
        self.assertEqual(len({value for visit in pages for value in visit}), 6)
        self.assertEqual(Report.objects.count(), 2)

    def test_the_page_from_memory_is_the_page_rendered_afresh(self) -> None:
        def shape(page: str) -> str:
            page = re.sub(r'(name="(?:csrfmiddlewaretoken|token|next)" value=")[^"]*"', r'\1"', page)
            return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', page)

        remembered = self.page()
        self.assertEqual(shape(self.page()), shape(remembered))
        # A visit with a query string is always rendered afresh.
        fresh = self.client.get("/report/?from=poster").content.decode()
        self.assertEqual(shape(fresh), shape(remembered))
        self.assertNotIn("raksaBlankPage", remembered)

    def test_a_changed_limit_shows_at_once(self) -> None:
        self.page()
        with override_settings(RAKSA_REPORT_FILE_MAX_BYTES=2 * 1024 * 1024):
            self.assertIn("2 MB", text_of(field_block(self.page(), "photos")))
