"""The tracking page in a real browser on a phone (375x812, Thai): a code typed as people type it, the stage and
the seven stages on one narrow screen, then the second factor (a wrong one, then the phone's last digits) opening
the agency, the history and the staff's message; the same with JavaScript off and the PIN; and the switch to
English keeping the case. Screenshots go to RAKSA_SCREENSHOT_DIR."""

from __future__ import annotations

import os

import pytest

from raksa.cases.services import case_change_status, case_create, public_note_add
from raksa.people.services import person_create
from raksa.tracking.services import tracking_pin_issue
from tests.base import BANGKOK
from tests.browser import CHROMIUM, SCREENSHOTS, PhoneBrowserCase

PHONE = "0812345678"
NOTE = "นัดเยี่ยมบ้านวันที่ 5 เวลา 10 โมง"
AGENCY = "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์ กรุงเทพมหานคร"


@pytest.mark.browser
@pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM} (make browser)"
)
class TrackingBrowserTests(PhoneBrowserCase):
    def setUp(self) -> None:
        super().setUp()
        self.bkk_office.name_th = AGENCY
        self.bkk_office.save(update_fields=["name_th"])
        mother = person_create(
            actor=self.call_taker, first_name_th="มาลี", last_name_th="สุขใจ", phones=[PHONE]
        )
        child = person_create(actor=self.call_taker, first_name_th="ฝน", last_name_th="สุขใจ", age=8)
        self.case = case_create(
            actor=self.call_taker,
            channel="hotline",
            summary="ลูกสาววัย 8 ขวบถูกทำร้าย",
            category="child_protection",
            subject=child,
            reporter=mother,
            province_code=BANGKOK,
            owning_unit=self.bkk_office,
        )
        case_change_status(actor=self.case_worker, case=self.case, status="active")
        public_note_add(actor=self.case_worker, case=self.case, text=NOTE)

    def assertFitsThePhone(self, page) -> None:
        self.assertEqual(page.evaluate("document.documentElement.scrollWidth"), 375)
        for selector in ("#code-form button", "#call-1300"):
            box = page.locator(selector).bounding_box()
            assert box is not None
            self.assertGreaterEqual(box["height"], 44, selector)

    def test_a_reporter_types_her_code_then_opens_the_details_with_her_phone(self):
        from playwright.sync_api import expect

        code = self.case.tracking_code
        with self.phone() as page:
            page.goto(f"{self.live_server_url}/track/")
            expect(page.locator("h1")).to_have_text("ติดตามเรื่องที่แจ้งไว้")
            page.fill("#code", code.lower().replace("-", " "))
            page.click("#code-form button")
            page.wait_for_url("**/track/?code=*")
            expect(page.locator("#stage-title")).to_have_text("อยู่ระหว่างให้ความช่วยเหลือ")
            expect(page.locator(".ladder .step")).to_have_count(7)
            expect(page.locator(".ladder .current")).to_contain_text("อยู่ระหว่างให้ความช่วยเหลือ")
            expect(page.locator("#next-step")).to_contain_text("เจ้าหน้าที่กำลังช่วยเหลือ")
            expect(page.locator("#details")).to_have_count(0)
            self.assertNotIn(NOTE, page.content())
            self.assertNotIn(AGENCY, page.content())
            self.assertFitsThePhone(page)
            page.screenshot(path=str(SCREENSHOTS / "raksa-track-375.png"), full_page=True)

            page.fill("#secret", "1111")
            page.click("#secret-form button")
            expect(page.locator("#secret-error")).to_contain_text("ไม่พบเรื่องที่ตรงกับรหัสติดตามและข้อมูลยืนยันนี้")
            expect(page.locator("#details")).to_have_count(0)

            page.fill("#secret", PHONE[-4:])
            page.click("#secret-form button")
            expect(page.locator("#agency")).to_have_text(AGENCY)
            expect(page.locator("#public-notes")).to_contain_text(NOTE)
            expect(page.locator("#history li")).to_have_count(2)
            self.assertNotIn(PHONE[-4:], page.url)  # the second factor never stands in the address
            self.assertFitsThePhone(page)
            page.screenshot(path=str(SCREENSHOTS / "raksa-track-375-details.png"), full_page=True)
            self.assertNoViolation(page)

            page.click(".lang a[lang=en]")
            expect(page.locator("#stage-title")).to_have_text("Help under way")
            expect(page.locator("#code")).to_have_value(code)
            page.screenshot(path=str(SCREENSHOTS / "raksa-track-375-en.png"), full_page=True)

    def test_with_javascript_off_the_pin_opens_the_details(self):
        from playwright.sync_api import expect

        pin = tracking_pin_issue(case=self.case)
        assert pin is not None
        with self.phone(java_script_enabled=False) as page:
            page.goto(f"{self.live_server_url}/track/?code={self.case.tracking_code}")
            expect(page.locator("#stage-title")).to_have_text("อยู่ระหว่างให้ความช่วยเหลือ")
            page.fill("#secret", pin)
            page.click("#secret-form button")
            expect(page.locator("#agency")).to_have_text(AGENCY)
            expect(page.locator("#public-notes")).to_contain_text(NOTE)
            self.assertFitsThePhone(page)
            page.screenshot(path=str(SCREENSHOTS / "raksa-track-375-nojs.png"), full_page=True)

    def test_a_mistyped_code_asks_to_check_it(self):
        from playwright.sync_api import expect

        code = self.case.tracking_code
        wrong = ("1" if code[0] != "1" else "2") + code[1:]
        with self.phone(java_script_enabled=False) as page:
            page.goto(f"{self.live_server_url}/track/?code={wrong}")
            expect(page.locator("#code-error")).to_contain_text("ตรวจสอบรหัสอีกครั้ง")
            expect(page.locator("#status")).to_have_count(0)
            page.screenshot(path=str(SCREENSHOTS / "raksa-track-375-typo.png"), full_page=True)
