"""The 6-digit PIN: made once per case, shown once (the web thank-you page, the console's result page), kept only
as a keyed hash, checked in constant time, and still good after the secret key is rotated."""

from __future__ import annotations

import re

from django.test import Client, override_settings

from raksa.cases.models import Case
from raksa.intake.models import Report
from raksa.people.services import person_create
from raksa.tracking import factors
from raksa.tracking.services import tracking_pin_issue
from tests.intake.console.helpers import ConsoleTestCase
from tests.intake.web.helpers import token_of
from tests.tracking.helpers import HOME, TRACK, TrackingCase, api_path


class PinTests(TrackingCase):
    def test_a_case_gets_one_pin_of_six_digits_once(self):
        case = self.reported()
        pin = tracking_pin_issue(case=case)
        self.assertRegex(pin or "", r"^\d{6}$")
        self.assertIsNone(tracking_pin_issue(case=case))
        self.assertIsNone(tracking_pin_issue(case=Case.objects.get(pk=case.pk)))  # another page, later

    def test_it_is_kept_as_a_keyed_salted_hash_only(self):
        case = self.reported()
        pin = self.pin_for(case)
        stored = Case.objects.get(pk=case.pk).tracking_pin
        self.assertTrue(stored.startswith("hmac-sha256$"))
        self.assertNotIn(pin, stored)
        self.assertTrue(factors.pin_matches(stored, pin))
        self.assertFalse(factors.pin_matches(stored, f"{(int(pin) + 1) % 10**6:06d}"))
        self.assertNotEqual(factors.pin_hash(pin), factors.pin_hash(pin))  # salted

    def test_an_empty_or_damaged_hash_matches_nothing(self):
        for stored in ("", "hmac-sha256$", "md5$x$y", "garbage"):
            self.assertFalse(factors.pin_matches(stored, "000000"), stored)

    def test_pins_survive_a_rotated_secret_key(self):
        case = self.reported()
        with override_settings(SECRET_KEY="the-old-key-" + "x" * 40):
            pin = self.pin_for(case)
        case.refresh_from_db()
        with override_settings(
            SECRET_KEY="the-new-key-" + "y" * 40, SECRET_KEY_FALLBACKS=["the-old-key-" + "x" * 40]
        ):
            self.assertTrue(factors.pin_matches(case.tracking_pin, pin))
        with override_settings(SECRET_KEY="the-new-key-" + "y" * 40, SECRET_KEY_FALLBACKS=[]):
            self.assertFalse(factors.pin_matches(case.tracking_pin, pin))

    def test_the_second_factor_is_read_forgivingly_and_strictly(self):
        self.assertEqual(factors.secret_read(" 12 34 "), "1234")
        self.assertEqual(factors.secret_read("123-456"), "123456")
        self.assertEqual(factors.secret_read("๑๒๓๔"), "1234")
        for wrong in ("", "123", "12345", "1234567", "12a4", "١٢٣٤", "1234\x00"):
            self.assertIsNone(factors.secret_read(wrong), wrong)

    def test_every_phone_ending_is_compared(self):
        self.assertTrue(factors.phone_matches(["0812345678", "021234567"], "4567"))
        self.assertTrue(factors.phone_matches(["0812345678", "021234567"], "5678"))
        self.assertFalse(factors.phone_matches([], "5678"))
        self.assertFalse(factors.phone_matches(["0812345678"], "1234"))


class WebThankYouPinTests(TrackingCase):
    def test_the_thank_you_page_shows_the_pin_once_and_it_opens_the_details(self):
        browser = Client(REMOTE_ADDR=HOME)
        page = browser.get("/report/").content.decode()
        response = browser.post(
            "/report/",
            {
                "token": token_of(page, "problem-form"),
                "text": "ยายอยู่บ้านคนเดียว ไม่มีคนดูแล",
                "name": "มาลี สุขใจ",
                "phone": "0898765432",
            },
        )
        self.assertEqual(response.status_code, 302)
        first = browser.get(response["Location"]).content.decode()
        pin = re.search(r'id="tracking-pin" aria-label="(\d{6})"', first).group(1)
        self.assertIn("แสดงเพียงครั้งนี้ครั้งเดียว", first)
        again = browser.get(response["Location"]).content.decode()
        self.assertNotIn(pin, again)
        self.assertIn('id="tracking-pin-shown"', again)

        report = Report.objects.get()
        code = report.case.tracking_code
        self.assertEqual(
            set(browser.get(api_path(code), HTTP_X_TRACKING_SECRET=pin).json()) >= {"agency"}, True
        )
        # The phone she gave works as well.
        verified = browser.post(f"{TRACK}?code={code}", {"code": code, "secret": "5432"})
        self.assertContains(verified, 'id="details"')

    def test_another_browser_never_gets_the_pin(self):
        browser = Client(REMOTE_ADDR=HOME)
        page = browser.get("/report/").content.decode()
        response = browser.post(
            "/report/emergency/", {"token": token_of(page, "emergency-form"), "emergency_type": "threat"}
        )
        stranger = Client().get(response["Location"]).content.decode()
        self.assertNotIn('id="tracking-pin"', stranger)
        self.assertEqual(Report.objects.get().case.tracking_pin, "")  # and none was made for it


class ConsolePinTests(ConsoleTestCase):
    def test_the_result_page_shows_the_pin_to_read_to_the_caller_once(self):
        person_create(actor=self.call_taker, first_name_th="มาลี", last_name_th="สุขใจ", phones=["0812345678"])
        self.client.force_login(self.call_taker)
        page = self.client.get("/console/", {"caller": "0812345678"}).content.decode()
        key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
        response = self.client.post(
            "/console/submit",
            {
                "idempotency_key": key,
                "caller": "0812345678",
                "text": "ผู้สูงอายุอยู่คนเดียว ไม่มีรายได้",
                "action": "new_case",
                "category": "elderly_care",
                "province_code": "10",
            },
        )
        self.assertEqual(response.status_code, 302)
        first = self.client.get(response["Location"]).content.decode()
        pin = re.search(r'id="tracking-pin" aria-label="(\d{6})"', first).group(1)
        again = self.client.get(response["Location"]).content.decode()
        self.assertNotIn(f'aria-label="{pin}"', again)
        self.assertIn('id="tracking-pin-shown"', again)
        case = Report.objects.get().case
        self.assertTrue(factors.pin_matches(case.tracking_pin, pin))
        # The caller's own number, the reporter's phone, opens the details too.
        public = Client(REMOTE_ADDR="192.0.2.5")
        answer = public.get(api_path(case.tracking_code), HTTP_X_TRACKING_SECRET="5678").json()
        self.assertIn("agency", answer)
