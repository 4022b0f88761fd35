"""A volunteer on a phone: she signs in, lands on her own page, reports for a neighbour with consent (the district
list follows the province), sees the case in "my reports" with its stage and next step, adds a follow-up note,
and switches to English. Nothing on her screens is wider than the phone."""

from __future__ import annotations

import os

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from raksa.accounts.models import Role
from tests.base import RaksaTestCase, make_user
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, THAI_PHONE

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM}")
class VolunteerBrowserTests(StaticLiveServerTestCase):
    def setUp(self) -> None:
        RaksaTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]
        self.volunteer = make_user("volunteer_cm", Role.VOLUNTEER, self.cm_office)

    def assert_fits_the_phone(self, page) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, 375)

    def test_she_reports_with_consent_and_follows_it_on_a_phone(self) -> None:
        from playwright.sync_api import expect, sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(**THAI_PHONE)
                page.goto(f"{self.live_server_url}/")
                page.fill("#id_username", "volunteer_cm")
                page.fill("#id_password", "correct-horse-battery")
                page.click(".login button[type=submit]")
                page.wait_for_url("**/volunteer/")
                expect(page.locator("h1")).to_have_text("เรื่องที่ฉันแจ้ง")
                self.assert_fits_the_phone(page)
                page.screenshot(path=str(SCREENSHOTS / "raksa-volunteer-375-empty.png"))

                page.click("a.button:has-text('แจ้งเรื่องใหม่')")
                page.wait_for_url("**/volunteer/report/")
                expect(page.locator("#id_province")).to_have_value("50")
                page.fill("#id_subject_name", "บัวคำ ใจงาม")
                page.fill("#id_subject_phone", "0812345678")
                page.select_option("#id_kind", "category:elderly_care")
                page.fill("#id_text", "ยายอายุ 82 ปี อยู่บ้านคนเดียว ไม่มีคนดูแล ต้องการเบี้ยยังชีพ")
                page.fill("#id_place", "บ้านเลขที่ 5 หมู่ 3")
                # The district list follows the province without a reload.
                page.select_option("#id_province", "10")
                expect(page.locator("#id_district option[value='1001']")).to_have_count(1)
                page.select_option("#id_province", "50")
                expect(page.locator("#id_district option[value='5001']")).to_have_count(1)
                page.select_option("#id_district", "5001")
                self.assert_fits_the_phone(page)
                page.screenshot(path=str(SCREENSHOTS / "raksa-volunteer-375-report.png"), full_page=True)

                # Without saying how consent was given, nothing is sent.
                page.click("button.v-submit")
                expect(page.locator("#field-consent_method [role=alert]")).to_contain_text(
                    "กรุณาระบุวิธีให้ความยินยอม"
                )
                page.screenshot(
                    path=str(SCREENSHOTS / "raksa-volunteer-375-consent-error.png"), full_page=True
                )
                page.check("#id_consent_method_0")
                page.click("button.v-submit")
                page.wait_for_url("**/volunteer/cases/**")
                expect(page.locator(".messages")).to_contain_text("ส่งเรื่องแล้ว")
                expect(page.locator(".v-stage")).to_contain_text("รับเรื่องแล้ว")
                expect(page.locator(".v-next")).to_contain_text("เจ้าหน้าที่จะตรวจสอบข้อมูลภายใน 1 วันทำการ")
                number = page.locator("h1 .v-number").inner_text()

                page.fill("#id_body", "ไปเยี่ยมบ้านแล้ว ยายยังทานข้าวได้")
                page.click("#notes button[type=submit]")
                expect(page.locator("#notes .notes")).to_contain_text("ยายยังทานข้าวได้")
                self.assert_fits_the_phone(page)
                page.screenshot(path=str(SCREENSHOTS / "raksa-volunteer-375-case.png"), full_page=True)

                page.click("nav a:has-text('เรื่องที่ฉันแจ้ง')")
                page.wait_for_url("**/volunteer/")
                expect(page.locator(".v-cases")).to_contain_text(number)
                expect(page.locator(".v-cases")).to_contain_text("บัวคำ ใจงาม")
                self.assert_fits_the_phone(page)
                page.screenshot(path=str(SCREENSHOTS / "raksa-volunteer-375-mine.png"), full_page=True)

                page.click("button[name=language][value=en]")
                expect(page.locator("h1")).to_have_text("My reports")
                expect(page.locator(".v-next")).to_contain_text("Staff will check the information")
                page.screenshot(path=str(SCREENSHOTS / "raksa-volunteer-375-mine-en.png"), full_page=True)

                # A staff page is not hers.
                response = page.goto(f"{self.live_server_url}/cases/")
                assert response is not None
                self.assertEqual(response.status, 403)
            finally:
                browser.close()
