"""The 6-digit PIN: made once per case, kept only as a keyed hash, checked in constant time, and still good after
the secret key is rotated."""

from __future__ import annotations

from django.test import override_settings

from raksa.cases.models import Case
from raksa.tracking import factors
from raksa.tracking.services import tracking_pin_issue
from tests.tracking.helpers import TrackingCase


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
