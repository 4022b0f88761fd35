"""The workspace in a real browser on a phone-sized screen: sign in, filter, open a case, add a note without a
page reload, switch to English; and a worker from another province gets a 404 for the same address."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from raksa.cases import services
from raksa.people.services import person_create
from tests.base import BANGKOK, RaksaTestCase
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, THAI_PHONE


@pytest.mark.browser
@pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM} (make browser)"
)
class WorkspaceBrowserTests(StaticLiveServerTestCase):
    def setUp(self) -> None:
        # The shared personas, created for real here: the browser talks to the server over a real connection.
        RaksaTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]
        person = person_create(
            actor=self.call_taker, first_name_th="สมหญิง", last_name_th="ทดสอบ", phones=["0811112222"]
        )
        self.case = services.case_create(
            actor=self.call_taker,
            channel="hotline",
            summary="ถูกทำร้ายร่างกายในบ้าน ต้องการที่พักปลอดภัย",
            category="family_violence",
            subject=person,
            province_code=BANGKOK,
            owning_unit=self.bkk_office,
        )
        self.other = services.case_create(
            actor=self.call_taker,
            channel="line",
            summary="ผู้สูงอายุต้องการเบี้ยยังชีพ",
            category="elderly_care",
            province_code=BANGKOK,
            owning_unit=self.bkk_office,
        )
        self.emergency = services.case_create(
            actor=self.call_taker,
            channel="line",
            summary="มีผู้ถูกขังอยู่ในห้องเช่า",
            category="human_trafficking",
            emergency_type="detention",
            province_code=BANGKOK,
            owning_unit=self.bkk_office,
        )

    @contextmanager
    def browser(self) -> Iterator:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()

    def log_in(self, page, username: str) -> None:
        page.goto(f"{self.live_server_url}/")
        page.fill("#id_username", username)
        page.fill("#id_password", "correct-horse-battery")
        page.click(".login button[type=submit]")
        page.wait_for_url("**/cases/")

    def test_it_lets_a_case_worker_work_a_case_on_a_phone(self) -> None:
        from playwright.sync_api import expect

        with self.browser() as browser:
            page = browser.new_page(**THAI_PHONE)
            self.log_in(page, "worker_bkk")
            results = page.locator("#results")
            expect(results).to_contain_text(self.case.number)
            expect(results).to_contain_text(self.other.number)
            expect(results.locator("tr.is-emergency .badge.emergency")).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "raksa-list-375-all.png"))

            # Filtering refreshes only the results, and the address keeps the filter.
            page.evaluate("window.stillTheSamePage = true")
            page.select_option("#id_category", "family_violence")
            expect(results).not_to_contain_text(self.other.number)
            expect(results).to_contain_text(self.case.number)
            page.wait_for_url("**category=family_violence**")
            self.assertTrue(page.evaluate("window.stillTheSamePage === true"))
            page.screenshot(path=str(SCREENSHOTS / "raksa-list-375.png"), full_page=True)

            page.click(f"a:has-text('{self.case.number}')")
            page.wait_for_url(f"**/cases/{self.case.number}/")
            timeline = page.locator("#timeline")
            expect(timeline).to_contain_text("ลำดับเหตุการณ์")
            expect(timeline).to_contain_text("รับเรื่อง")
            expect(page.locator(".person-card")).to_contain_text("สมหญิง")

            # The note goes in through htmx: the page is not reloaded, the notes and timeline are swapped.
            page.evaluate("window.stillTheSamePage = true")
            page.fill("#id_body", "โทรติดตามแล้ว นัดเยี่ยมบ้านวันศุกร์")
            page.click("button:has-text('เพิ่มบันทึก')")
            expect(page.locator("#notes")).to_contain_text("นัดเยี่ยมบ้านวันศุกร์")
            expect(page.locator("#timeline")).to_contain_text("บันทึกเพิ่มเติม")
            self.assertTrue(page.evaluate("window.stillTheSamePage === true"))
            self.assertEqual(page.input_value("#id_body"), "")
            page.screenshot(path=str(SCREENSHOTS / "raksa-case-375.png"))
            page.locator("#activity").screenshot(path=str(SCREENSHOTS / "raksa-case-375-activity.png"))
            page.locator("aside").screenshot(path=str(SCREENSHOTS / "raksa-case-375-aside.png"))

            page.click("button[name=language][value=en]")
            expect(page.locator("#timeline-title")).to_have_text("Timeline")
            expect(page.locator("html")).to_have_attribute("lang", "en")
            expect(page.locator("button:has-text('Add note')")).to_be_visible()
            expect(page.locator(".case-head")).to_contain_text("Family violence")
            page.screenshot(path=str(SCREENSHOTS / "raksa-case-375-en.png"))
            page.set_viewport_size({"width": 1280, "height": 900})
            page.screenshot(path=str(SCREENSHOTS / "raksa-case-1280-en.png"))

    def test_it_gives_a_worker_from_another_province_a_404(self) -> None:
        from playwright.sync_api import expect

        with self.browser() as browser:
            page = browser.new_page(**THAI_PHONE)
            self.log_in(page, "worker_cm")
            response = page.goto(f"{self.live_server_url}/cases/{self.case.number}/")
            assert response is not None
            self.assertEqual(response.status, 404)
            expect(page.locator("h1")).to_contain_text("ไม่พบหน้าที่ต้องการ")
            expect(page.locator("body")).not_to_contain_text("สมหญิง")
