"""A call-taker takes a call from a known caller in a real browser: the telephony system posts "ringing" for her,
her open console shows the caller without a reload, she types her notes, triage fills the form, she corrects the
category, makes the case with a key, and reads the tracking code spelled out. Another call-taker's console
stays quiet."""

from __future__ import annotations

import json
import os
import tempfile
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from raksa.accounts.models import Role, Service
from raksa.accounts.services import token_create
from raksa.cases import services
from raksa.intake.console.spelling import spoken
from raksa.intake.models import Call, Report
from raksa.people.services import person_create
from tests.base import BANGKOK, RaksaTestCase, make_user
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

NOTES = "แม่ถูกพ่อทำร้ายร่างกายที่บ้าน เขตบางกะปิ กรุงเทพ ลูกอายุ 6 ขวบอยู่ด้วย เบอร์น้องสาว 0898765432"
DESK = {"width": 1280, "height": 900}


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM}")
class ConsoleBrowserTests(StaticLiveServerTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # The classifier loads on first use (seconds): load it now, as a running server has long since done.
        from raksa.triage import triage

        triage("ทดสอบ")

    def setUp(self) -> None:
        RaksaTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]
        self.second_taker = make_user("call_taker_2", Role.CALL_TAKER, self.centre)
        pbx = make_user("pbx", Role.CALL_TAKER, self.centre)
        pbx.service = Service.TELEPHONY
        pbx.save(update_fields=["service"])
        self.pbx_token = token_create(user=pbx)
        self.caller = person_create(
            actor=self.call_taker, first_name_th="มาลี", last_name_th="สุขใจ", phones=["0812345678"]
        )
        self.earlier = services.case_create(
            actor=self.call_taker,
            channel="hotline",
            summary="ถูกสามีทำร้ายร่างกาย ขอคำปรึกษา",
            category="family_violence",
            subject=self.caller,
            province_code=BANGKOK,
            owning_unit=self.bkk_office,
        )
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.corrections = Path(folder.name) / "corrections.jsonl"
        patcher = mock.patch.dict(os.environ, {"RAKSA_TRIAGE_CORRECTIONS": str(self.corrections)})
        patcher.start()
        self.addCleanup(patcher.stop)

    def telephony(self, event: str) -> dict:
        body = json.dumps(
            {"caller": "+66812345678", "call_id": "pbx-42", "agent": "call_taker", "event": event}
        ).encode()
        request = urllib.request.Request(
            f"{self.live_server_url}/api/v1/calls/incoming",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {self.pbx_token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def log_in(self, page, username: str) -> None:
        page.goto(f"{self.live_server_url}/")
        page.fill("#id_username", username)
        page.fill("#id_password", "correct-horse-battery")
        page.click(".login button[type=submit]")
        page.wait_for_url("**/cases/")

    def test_a_call_from_a_known_caller_through_to_a_tracking_code(self) -> None:
        from playwright.sync_api import expect, sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                other = browser.new_page(viewport=DESK, locale="th-TH")
                self.log_in(other, "call_taker_2")
                other.goto(f"{self.live_server_url}/console/")

                page = browser.new_page(viewport=DESK, locale="th-TH")
                self.log_in(page, "call_taker")
                page.goto(f"{self.live_server_url}/console/")
                expect(page.locator("#call-state")).to_have_text("ไม่มีสาย")
                page.evaluate("window.stillTheSamePage = true")

                # The exchange rings her phone: her screen shows the caller, her history and the risk flag.
                self.telephony("ringing")
                caller = page.locator("#caller")
                expect(caller).to_contain_text("มาลี สุขใจ")
                expect(caller).to_contain_text(self.earlier.number)
                expect(caller.locator(".flag-violence")).to_be_visible()
                expect(page.locator("#call-state")).to_have_text("สายเข้า")
                expect(page.locator("#phone")).to_have_value("0812345678")
                page.screenshot(path=str(SCREENSHOTS / "raksa-console-ringing-1280.png"), full_page=True)
                self.telephony("answered")
                expect(page.locator("#call-state")).to_have_text("กำลังสนทนา")

                # She types her notes; triage fills the form as she goes; she corrects the category.
                page.fill("#id_text", NOTES)
                expect(page.locator("#id_category")).to_have_value("family_violence")
                expect(page.locator("#id_province_code")).to_have_value(BANGKOK)
                expect(page.locator("#id_subject_phone")).to_have_value("0898765432")
                expect(page.locator("#triage-status")).to_contain_text("ระบบแนะนำ")
                page.select_option("#id_category", "child_protection")
                # Whatever triage made of it, she knows it is not an emergency: Esc out of the box, then 0.
                page.keyboard.press("Escape")
                page.keyboard.press("0")
                expect(page.locator("#id_emergency_type")).to_have_value("")
                page.screenshot(path=str(SCREENSHOTS / "raksa-console-form-1280.png"), full_page=True)
                self.assertTrue(page.evaluate("window.stillTheSamePage === true"))

                # A key makes the case: not while typing in a box (Esc leaves it), and then N.
                page.focus("#id_location_text")
                page.keyboard.press("n")
                self.assertIn("/console/", page.url)
                self.assertNotIn("/result/", page.url)
                page.keyboard.press("Escape")
                page.keyboard.press("n")
                page.wait_for_url("**/console/result/**")
                code = page.locator("#tracking-code").inner_text().strip()
                self.assertRegex(code, r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$")
                spelled = page.locator("#tracking-spelled")
                expect(spelled.locator(".spelled-group")).to_have_count(3)
                expect(spelled).to_contain_text(spoken(code[0]).thai)
                expect(page.locator("#case-number")).to_be_visible()
                page.screenshot(path=str(SCREENSHOTS / "raksa-console-result-1280.png"), full_page=True)
                page.set_viewport_size({"width": 375, "height": 812})
                page.screenshot(path=str(SCREENSHOTS / "raksa-console-result-375.png"), full_page=True)

                # The other call-taker's console never showed her.
                other.wait_for_timeout(1500)
                expect(other.locator("#caller")).not_to_contain_text("มาลี")
                expect(other.locator("#call-state")).to_have_text("ไม่มีสาย")
            finally:
                browser.close()

        report = Report.objects.get()
        case = report.case
        self.assertEqual(case.tracking_code, code)
        self.assertEqual((case.category, case.emergency_type), ("child_protection", ""))
        self.assertEqual(case.parties.get(role="reporter").person, self.caller)
        call = Call.objects.get(call_id="pbx-42")
        self.assertEqual((call.outcome, call.case), ("new_case", case))
        row = json.loads(self.corrections.read_text(encoding="utf-8").splitlines()[0])
        self.assertEqual((row["category"], row["emergency_type"]), ("child_protection", None))
        self.assertEqual(row["predicted"]["category"], "family_violence")
        self.assertEqual(row["report_id"], report.public_id)
