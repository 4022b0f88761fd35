"""Web reporting in a real browser on a phone (375x812, Thai): an emergency sent with the phone's location in one
tap, a problem with a photo (the district list following the province), and the same emergency with JavaScript
off. Screenshots go to RAKSA_SCREENSHOT_DIR."""

from __future__ import annotations

import os

import pytest

from raksa.cases.models import Attachment
from raksa.intake.models import Report
from tests.base import BANGKOK
from tests.browser import BANGKOK_POSITION, CHROMIUM, SCREENSHOTS, PhoneBrowserCase
from tests.intake.web.helpers import PNG


@pytest.mark.browser
@pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM} (make browser)"
)
class WebReportBrowserTests(PhoneBrowserCase):
    def test_a_citizen_sends_an_emergency_with_her_location_in_one_tap(self) -> None:
        from playwright.sync_api import expect

        with self.phone(geolocation=BANGKOK_POSITION, permissions=["geolocation"]) as page:
            page.goto(f"{self.live_server_url}/report/")
            expect(page.locator("h1")).to_have_text("แจ้งเหตุฉุกเฉิน")
            # The five buttons are the first thing on the screen, each big enough for a thumb.
            buttons = page.locator("#emergency-form button.sos")
            expect(buttons).to_have_count(5)
            for index in range(5):
                box = buttons.nth(index).bounding_box()
                assert box is not None
                self.assertGreaterEqual(box["height"], 44)
                self.assertLessEqual(box["x"] + box["width"], 375)
            self.assertLess(buttons.first.bounding_box()["y"], 812)
            self.assertEqual(page.evaluate("document.documentElement.scrollWidth"), 375)
            page.screenshot(path=str(SCREENSHOTS / "raksa-report-375.png"))
            page.screenshot(path=str(SCREENSHOTS / "raksa-report-375-full.png"), full_page=True)
            self.assertNoViolation(page)

            page.click("button.sos-detention")
            page.wait_for_url("**/report/sent/**")
            expect(page.locator("h1")).to_have_text("ส่งเรื่องฉุกเฉินแล้ว")
            expect(page.locator("#tracking-code")).to_be_visible()
            expect(page.locator(".qr svg")).to_be_visible()
            expect(page.locator(".next")).to_contain_text("ส่งต่อถึงทีมช่วยเหลือ")
            code = page.locator("#tracking-code").get_attribute("aria-label")
            page.screenshot(path=str(SCREENSHOTS / "raksa-report-375-sent.png"), full_page=True)
            self.assertNoViolation(page)
            # The thank-you page's own language switch works (its form posts with the page's origin).
            page.click("form.lang button[value=en]")
            expect(page.locator("html")).to_have_attribute("lang", "en")
            expect(page.locator("#tracking-code")).to_have_attribute("aria-label", code or "")

        report = Report.objects.select_related("case").get()
        self.assertEqual(report.case.emergency_type, "detention")
        self.assertEqual(report.case.tracking_code, code)
        self.assertEqual((float(report.case.latitude), float(report.case.longitude)), (13.7563, 100.5018))
        self.assertTrue(report.case.dispatches.exists())  # handed to dispatch

    def test_back_from_the_thank_you_page_another_tap_sends_a_new_emergency(self) -> None:
        from playwright.sync_api import expect

        with self.phone(geolocation=BANGKOK_POSITION, permissions=["geolocation"]) as page:
            page.goto(f"{self.live_server_url}/report/")
            page.click("button.sos-threat")
            page.wait_for_url("**/report/sent/**")
            page.go_back()
            page.wait_for_url("**/report/")
            expect(page.locator("#sending")).to_be_hidden()
            expect(page.locator("button.sos-gathering")).to_be_enabled()
            page.click("button.sos-gathering")
            page.wait_for_url("**/report/sent/**")
            expect(page.locator("h1")).to_have_text("ส่งเรื่องฉุกเฉินแล้ว")

        self.assertEqual(
            sorted(Report.objects.values_list("case__emergency_type", flat=True)), ["gathering", "threat"]
        )

    def test_a_citizen_reports_a_problem_with_a_photo(self) -> None:
        from playwright.sync_api import expect

        with self.phone() as page:
            page.goto(f"{self.live_server_url}/report/")
            page.select_option("#id_category", "elderly_care")
            page.fill("#id_text", "ยายอยู่บ้านคนเดียว เดินไม่ได้ ไม่มีคนดูแล")
            page.fill("#id_place", "ซอยลาดพร้าว 101 ใกล้วัด")
            page.select_option("#id_province", BANGKOK)
            # htmx brings the province's districts.
            expect(page.locator("#id_district option[value='1027']")).to_have_count(1)
            page.select_option("#id_district", "1027")
            page.fill("#id_phone", "0812345678")
            page.set_input_files(
                "#id_photos", files=[{"name": "grandma.png", "mimeType": "image/png", "buffer": PNG}]
            )
            page.locator("#problem-form").screenshot(path=str(SCREENSHOTS / "raksa-report-375-problem.png"))
            page.click("#problem-form button.send")
            page.wait_for_url("**/report/sent/**")
            expect(page.locator("h1")).to_have_text("ได้รับเรื่องของคุณแล้ว")
            expect(page.locator("#tracking-code")).to_be_visible()
            expect(page.locator(".next")).to_contain_text("ภายใน 1 วันทำการ")
            page.screenshot(path=str(SCREENSHOTS / "raksa-report-375-problem-sent.png"), full_page=True)
            self.assertNoViolation(page)

        report = Report.objects.select_related("case").get()
        self.assertEqual(report.case.category, "elderly_care")
        self.assertEqual(report.case.district_code, "1027")
        self.assertEqual(report.files.get().content_type, "image/png")
        self.assertEqual(Attachment.objects.filter(case=report.case).count(), 1)

    def test_the_same_emergency_works_with_javascript_off(self) -> None:
        from playwright.sync_api import expect

        with self.phone(java_script_enabled=False) as page:
            page.goto(f"{self.live_server_url}/report/")
            expect(page.locator("#locate-button")).to_be_hidden()
            page.fill("#sos_place", "ห้องเช่าชั้น 3 ซอยรามคำแหง 24")
            page.screenshot(path=str(SCREENSHOTS / "raksa-report-375-nojs.png"))
            page.click("button.sos-detention")
            page.wait_for_url("**/report/sent/**")
            expect(page.locator("h1")).to_have_text("ส่งเรื่องฉุกเฉินแล้ว")
            expect(page.locator("#tracking-code")).to_be_visible()
            expect(page.locator(".qr svg")).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "raksa-report-375-nojs-sent.png"), full_page=True)

        report = Report.objects.select_related("case").get()
        self.assertEqual(report.case.emergency_type, "detention")
        self.assertEqual(report.case.location_text, "ห้องเช่าชั้น 3 ซอยรามคำแหง 24")
        self.assertIsNone(report.case.latitude)


@pytest.mark.browser
@pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM} (make browser)"
)
class WebReportMapBrowserTests(PhoneBrowserCase):
    """With map tiles configured: a pin on the map is the emergency's location, even when no tile loads."""

    def test_a_citizen_pins_the_place_on_a_map_whose_tiles_fail(self) -> None:
        from django.test import override_settings
        from playwright.sync_api import expect

        # Tiles from this server at a path that answers 404: the map must still take a pin.
        tiles = f"{self.live_server_url}/no-tiles/{{z}}/{{x}}/{{y}}.png"
        with override_settings(RAKSA_MAP_TILE_URL=tiles), self.phone() as page:
            page.goto(f"{self.live_server_url}/report/")
            page.click("#map-button")
            expect(page.locator("#map")).to_be_visible()
            expect(page.locator("#where-status")).to_contain_text("โหลดภาพแผนที่ไม่ได้")
            page.click("#map", position={"x": 160, "y": 120})
            expect(page.locator("#where-status")).to_contain_text("ปักหมุดแล้ว")
            expect(page.locator("#map .leaflet-marker-icon")).to_be_visible()
            pinned = (page.input_value("#sos_latitude"), page.input_value("#sos_longitude"))
            page.screenshot(path=str(SCREENSHOTS / "raksa-report-375-map.png"))
            self.assertNoViolation(page)
            page.click("button.sos-frenzy")
            page.wait_for_url("**/report/sent/**")
            expect(page.locator("#tracking-code")).to_be_visible()

        case = Report.objects.select_related("case").get().case
        self.assertEqual(case.emergency_type, "frenzy")
        self.assertEqual((str(case.latitude), str(case.longitude)), pinned)
