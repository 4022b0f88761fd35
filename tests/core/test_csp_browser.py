"""The Content-Security-Policy in a real browser: the sign-in page, the case list, a case page and the two-factor
set-up (its QR code included) load with no violation reported, and htmx still adds a note without a reload."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from raksa.cases import services
from raksa.people.services import person_create
from tests.base import BANGKOK, RaksaTestCase

# Playwright's sync API runs an event loop in this thread; the ORM calls around it are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# Recorded from the first script on: the page's own CSP does not apply to a script the browser is handed.
LISTEN = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""


@pytest.mark.browser
@pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM} (make browser)"
)
class ContentSecurityPolicyBrowserTests(StaticLiveServerTestCase):
    def setUp(self) -> None:
        RaksaTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]
        person = person_create(actor=self.call_taker, first_name_th="สมหญิง", last_name_th="ทดสอบ")
        self.case = services.case_create(
            actor=self.call_taker,
            channel="hotline",
            summary="ถูกทำร้ายร่างกายในบ้าน ต้องการที่พักปลอดภัย",
            description="แจ้งทางโทรศัพท์\nขอความช่วยเหลือด่วน",
            category="family_violence",
            subject=person,
            province_code=BANGKOK,
            owning_unit=self.bkk_office,
        )

    @contextmanager
    def page(self) -> Iterator:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(locale="th-TH")
                page.add_init_script(LISTEN)
                page.console_messages = []  # type: ignore[attr-defined]
                page.on("console", lambda message: page.console_messages.append(message.text))  # type: ignore[attr-defined]
                yield page
            finally:
                browser.close()

    def assertNoViolation(self, page) -> None:
        self.assertEqual(page.evaluate("window.cspViolations"), [])
        refused = [text for text in page.console_messages if "Content Security Policy" in text]
        self.assertEqual(refused, [])

    def test_it_loads_the_workspace_with_no_violation_and_htmx_still_works(self) -> None:
        from playwright.sync_api import expect

        with self.page() as page:
            page.goto(f"{self.live_server_url}/login/")
            expect(page.locator("h1")).to_contain_text("เข้าสู่ระบบ")
            self.assertNoViolation(page)

            page.fill("#id_username", "worker_bkk")
            page.fill("#id_password", "correct-horse-battery")
            page.click(".login button[type=submit]")
            page.wait_for_url("**/cases/")
            expect(page.locator("#results")).to_contain_text(self.case.number)
            self.assertNoViolation(page)

            # htmx's filter request under the policy: only the results are swapped.
            page.evaluate("window.stillTheSamePage = true")
            page.select_option("#id_category", "elderly_care")
            expect(page.locator("#results")).not_to_contain_text(self.case.number)
            self.assertTrue(page.evaluate("window.stillTheSamePage === true"))
            self.assertNoViolation(page)

            page.goto(f"{self.live_server_url}/cases/{self.case.number}/")
            expect(page.locator("#timeline")).to_contain_text("รับเรื่อง")
            page.click("summary:has-text('รายละเอียดที่ได้รับแจ้ง')")
            # The description keeps its line breaks through a class now, not a style attribute.
            description = page.locator("details p.pre-wrap")
            expect(description).to_contain_text("ขอความช่วยเหลือด่วน")
            self.assertEqual(description.evaluate("p => getComputedStyle(p).whiteSpace"), "pre-wrap")
            self.assertNoViolation(page)

            page.evaluate("window.stillTheSamePage = true")
            page.fill("#id_body", "โทรติดตามแล้ว นัดเยี่ยมบ้านวันศุกร์")
            page.click("button:has-text('เพิ่มบันทึก')")
            expect(page.locator("#notes")).to_contain_text("นัดเยี่ยมบ้านวันศุกร์")
            expect(page.locator("#timeline")).to_contain_text("บันทึกเพิ่มเติม")
            self.assertTrue(page.evaluate("window.stillTheSamePage === true"))
            # No <style> element was injected (htmx's indicator rules come from app.css).
            self.assertEqual(page.evaluate("document.querySelectorAll('style').length"), 0)
            self.assertNoViolation(page)

    def test_it_shows_the_two_factor_set_up_with_no_violation(self) -> None:
        from django_otp.oath import TOTP
        from playwright.sync_api import expect

        from raksa.accounts.services import totp_enrolment_start

        # The app being set up, as the page will show it; the ORM stays out of the browser's event loop.
        key = totp_enrolment_start(user=self.supervisor).bin_key
        with self.page() as page:
            page.goto(f"{self.live_server_url}/login/")
            page.fill("#id_username", "supervisor_bkk")
            page.fill("#id_password", "correct-horse-battery")
            page.click(".login button[type=submit]")
            page.wait_for_url("**/login/enrol/**")
            expect(page.locator(".qr svg")).to_be_visible()
            self.assertNoViolation(page)

            page.fill("#id_code", f"{TOTP(key).token():06d}")
            page.click("button:has-text('ยืนยันและเปิดใช้')")
            expect(page.locator("#recovery-codes li")).to_have_count(10)
            self.assertNoViolation(page)
            page.click("a.button")
            page.wait_for_url("**/cases/")
            expect(page.locator("#results")).to_contain_text(self.case.number)
            self.assertNoViolation(page)
