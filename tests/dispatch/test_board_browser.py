"""The dispatch board and the responder page in a real browser. The 1300 centre's board shows an emergency a
citizen sends from her phone without a reload (a row, a marker on the map, the sound); a team acknowledges from
the alert's signed link on a phone and the board follows; on a phone the map sits above the list; without
JavaScript the board is a plain list. Map tiles are not configured (the default): the map works without them.
Screenshots go to RAKSA_SCREENSHOT_DIR."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from raksa.cases.models import CaseEvent
from raksa.directory.models import Contact
from raksa.dispatch.models import Dispatch, DispatchState
from raksa.intake.services import report_submit
from raksa.notify.models import Message
from tests.base import BANGKOK, RaksaTestCase
from tests.browser import BANGKOK_POSITION, CHROMIUM, CHROMIUM_ARGS, LISTEN, SCREENSHOTS, THAI_PHONE
from tests.dispatch.test_services import OFFICE_GROUP, RAPID_GROUP

# Playwright's sync API runs an event loop in this thread; the ORM calls around it are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

DESK = {"width": 1280, "height": 900}
# The board polls every 1.5 s; a loaded machine may add a little to the first answer.
LIVE_MS = 10_000
CHATUCHAK = {"latitude": 13.8, "longitude": 100.553}
POPUP_SETTLED = """() => {
  const popup = document.querySelector("#board-map .leaflet-popup");
  if (!popup || getComputedStyle(popup).opacity !== "1") return false;
  const inner = popup.getBoundingClientRect(), outer = document.getElementById("board-map").getBoundingClientRect();
  return inner.left >= outer.left && inner.right <= outer.right && inner.top >= outer.top;
}"""


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM}")
class BoardBrowserTests(StaticLiveServerTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # The classifier loads on first use (seconds): load it now, as a running server has long since done.
        from raksa.triage import triage

        triage("ทดสอบ")

    def setUp(self) -> None:
        RaksaTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]
        # Bangkok's rapid-response team has a LINE group on call: its alerts are queued, and the dispatch waits.
        Contact.objects.create(
            unit=self.bkk_rapid, kind=Contact.Kind.LINE_GROUP, value=RAPID_GROUP, on_call=True, priority=10
        )
        self.earlier = self.report(
            "threat", "มีชายถือมีดขู่คนในร้านค้า", location={**CHATUCHAK, "text": "ตลาดนัดจตุจักร"}
        )
        # One without a position: in the list, not on the map.
        self.unplaced = self.report(
            "frenzy", "มีคนคลุ้มคลั่งทุบรถ", location={"text": "ซอยลาดพร้าว 101", "province_code": BANGKOK}
        )

    def report(self, kind: str, text: str, *, location: dict[str, Any]) -> Dispatch:
        """An emergency through the intake pipeline, as a partner's API call makes it; its dispatch."""
        report = report_submit(
            channel="api",
            source="api:test",
            idempotency_key=f"{kind}-{text}",
            text=text,
            emergency_type=kind,
            location=location,
        ).report
        return Dispatch.objects.get(case=report.case, escalated_from=None)

    @contextmanager
    def browser(self) -> Iterator[Any]:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()

    def page(self, browser, **options) -> Any:
        page = browser.new_context(**options).new_page()
        if options.get("java_script_enabled", True):
            page.add_init_script(LISTEN)
        return page

    def board(self, browser, **options) -> Any:
        """The centre's board, signed in as a call-taker of the 1300 centre (who sees every emergency)."""
        page = self.page(browser, **{"viewport": DESK, "locale": "th-TH", **options})
        page.goto(f"{self.live_server_url}/login/")
        page.fill("#id_username", "call_taker")
        page.fill("#id_password", "correct-horse-battery")
        page.click(".login button[type=submit]")
        page.wait_for_url("**/cases/")
        page.goto(f"{self.live_server_url}/dispatch/")
        return page

    def assertNoViolation(self, page) -> None:
        self.assertEqual(page.evaluate("window.cspViolations"), [])

    def marker(self, page, dispatch: Dispatch) -> Any:
        return page.locator(f'#board-map path.board-marker[data-dispatch="{dispatch.pk}"]')

    def test_a_citizens_emergency_appears_on_the_open_board_without_a_reload(self) -> None:
        from playwright.sync_api import expect

        with self.browser() as browser:
            board = self.board(browser)
            expect(board.locator(f"#dispatch-{self.earlier.pk}")).to_contain_text(self.earlier.case.number)
            expect(board.locator(f"#dispatch-{self.unplaced.pk}")).to_be_visible()
            expect(board.locator("#board-map")).to_be_visible()
            expect(board.locator("#board-map path.board-marker")).to_have_count(1)
            expect(self.marker(board, self.earlier)).to_have_class(
                "leaflet-interactive board-marker state-alerted"
            )
            expect(board.locator("#board-map-count")).to_contain_text("1 จาก 2")
            self.assertEqual(board.get_attribute("#board", "data-sounds"), "0")
            board.evaluate("window.stillTheSamePage = true")

            # A woman taps "detention" on the public page on her phone, with its location.
            phone = self.page(
                browser, **THAI_PHONE, geolocation=BANGKOK_POSITION, permissions=["geolocation"]
            )
            phone.goto(f"{self.live_server_url}/report/")
            phone.click("button.sos-detention")
            phone.wait_for_url("**/report/sent/**")
            expect(phone.locator("#tracking-code")).to_be_visible()
            arrived = Dispatch.objects.select_related("case").get(case__emergency_type="detention")
            self.assertEqual(arrived.state, DispatchState.ALERTED)

            # The open board shows it within a poll or two: a highlighted row, a marker, the sound.
            row = board.locator(f"#dispatch-{arrived.pk}")
            expect(row).to_contain_text(arrived.case.number, timeout=LIVE_MS)
            expect(row).to_have_class("state-alerted fresh")
            expect(board.locator("#board-body tr").first).to_have_id(f"dispatch-{arrived.pk}")
            expect(board.locator("#board")).to_have_attribute("data-sounds", "1")
            expect(board.locator("#board-map path.board-marker")).to_have_count(2)
            marker = self.marker(board, arrived)
            expect(marker).to_have_class("leaflet-interactive board-marker state-alerted fresh")
            expect(board.locator("#board-map-count")).to_contain_text("2 จาก 3")
            # Both markers are in view: the map followed the rows.
            self.assertTrue(self.in_map(board, marker))
            self.assertTrue(self.in_map(board, self.marker(board, self.earlier)))

            # Its popup: the type, the place, the state, and a link to the dispatch.
            marker.click()
            popup = board.locator("#board-map .leaflet-popup-content")
            expect(popup).to_contain_text("ถูกกักขัง")
            expect(popup).to_contain_text("แจ้งเตือนทีมแล้ว รอรับเรื่อง")
            expect(popup.locator("a").first).to_have_attribute("href", f"/dispatch/{arrived.pk}/")
            board.wait_for_function(POPUP_SETTLED)  # faded in, and the map panned to show it whole
            board.screenshot(path=str(SCREENSHOTS / "raksa-dispatch-board-1280.png"), full_page=True)
            self.assertTrue(board.evaluate("window.stillTheSamePage === true"))
            self.assertNoViolation(board)

    def in_map(self, page, marker) -> bool:
        inner, outer = marker.bounding_box(), page.locator("#board-map").bounding_box()
        return bool(
            inner
            and outer
            and outer["x"] <= inner["x"]
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
            and outer["y"] <= inner["y"]
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"]
        )

    def test_a_team_acknowledges_from_its_phone_and_the_board_follows(self) -> None:
        from playwright.sync_api import expect

        dispatch = self.earlier
        # The link exactly as the alert queued for the team's LINE group carries it (its host is the public URL).
        alert = Message.objects.get(purpose="dispatch_alert", ref=str(dispatch.pk))
        self.assertEqual(alert.to, RAPID_GROUP)
        link = self.live_server_url + urlsplit(alert.payload["link"]).path

        with self.browser() as browser:
            board = self.board(browser)
            row = board.locator(f"#dispatch-{dispatch.pk}")
            expect(row).to_have_class("state-alerted")
            board.evaluate("window.stillTheSamePage = true")

            phone = self.page(browser, **THAI_PHONE)
            phone.goto(link)
            expect(phone.locator("#dispatch-state")).to_have_text("แจ้งเตือนทีมแล้ว รอรับเรื่อง")
            expect(phone.locator("#respond")).to_contain_text("ตลาดนัดจตุจักร")
            button = phone.locator("#move-acknowledged")
            box = button.bounding_box()
            assert box is not None
            self.assertGreaterEqual(box["height"], 44)
            self.assertEqual(phone.evaluate("document.documentElement.scrollWidth"), 375)
            phone.screenshot(path=str(SCREENSHOTS / "raksa-dispatch-respond-375-alerted.png"), full_page=True)
            button.tap()
            expect(phone.locator("#dispatch-state")).to_have_text("ทีมรับเรื่องแล้ว")
            expect(phone.locator("#move-on_scene")).to_be_visible()
            phone.screenshot(path=str(SCREENSHOTS / "raksa-dispatch-respond-375.png"), full_page=True)
            self.assertNoViolation(phone)

            # The board, open all along, changes that row and its marker.
            expect(row).to_have_class("state-acknowledged", timeout=LIVE_MS)
            expect(row).to_contain_text("ทีมรับเรื่องแล้ว")
            expect(self.marker(board, dispatch)).to_have_class(
                "leaflet-interactive board-marker state-acknowledged"
            )
            self.assertEqual(board.get_attribute("#board", "data-sounds"), "0")  # a change, not a new one
            self.assertTrue(board.evaluate("window.stillTheSamePage === true"))
            board.screenshot(
                path=str(SCREENSHOTS / "raksa-dispatch-board-acknowledged-1280.png"), full_page=True
            )
            self.assertNoViolation(board)

        dispatch.refresh_from_db()
        self.assertEqual(dispatch.state, DispatchState.ACKNOWLEDGED)
        self.assertIsNone(dispatch.acknowledged_by)  # the link's holder acts for the unit, with no user
        event = CaseEvent.objects.get(case=dispatch.case, kind="dispatch_acknowledged")
        self.assertEqual((event.unit, event.data.get("dispatch_id")), (self.bkk_rapid, dispatch.pk))

    def test_a_finished_dispatch_leaves_the_list_and_the_map(self) -> None:
        from playwright.sync_api import expect

        from raksa.dispatch.services import dispatch_cancel

        with self.browser() as browser:
            board = self.board(browser)
            expect(self.marker(board, self.earlier)).to_have_count(1)
            board.evaluate("window.stillTheSamePage = true")
            dispatch_cancel(dispatch=self.earlier, actor=self.call_taker, reason="แจ้งซ้ำ")
            expect(board.locator(f"#dispatch-{self.earlier.pk}")).to_have_count(0, timeout=LIVE_MS)
            expect(board.locator("#board-map path.board-marker")).to_have_count(0)
            expect(board.locator(f"#dispatch-{self.unplaced.pk}")).to_be_visible()
            self.assertTrue(board.evaluate("window.stillTheSamePage === true"))
            self.assertNoViolation(board)

    def test_escalated_and_failed_alerts_stand_out_on_the_map(self) -> None:
        from playwright.sync_api import expect

        # The rapid team has nobody on call: its alert fails, the case climbs to the provincial office at once.
        Contact.objects.filter(unit=self.bkk_rapid).delete()
        Contact.objects.create(
            unit=self.bkk_office, kind=Contact.Kind.LINE_GROUP, value=OFFICE_GROUP, on_call=True
        )
        failed = self.report("abuse_risk", "เด็กหญิงถูกชายแปลกหน้าตาม", location=BANGKOK_POSITION)
        failed.refresh_from_db()
        self.assertEqual((failed.state, failed.alert_failed), (DispatchState.ESCALATED, True))
        higher = Dispatch.objects.get(escalated_from=failed)

        with self.browser() as browser:
            board = self.board(browser)
            expect(board.locator("#board-body tr").first).to_have_id(f"dispatch-{failed.pk}")
            urgent = self.marker(board, failed)
            expect(urgent).to_have_class(
                "leaflet-interactive board-marker state-escalated alert-failed urgent"
            )
            expect(self.marker(board, higher)).to_have_class("leaflet-interactive board-marker state-alerted")
            # Both at the same place: the one that needs a human is drawn on top, and larger.
            box = urgent.bounding_box()
            calm = self.marker(board, higher).bounding_box()
            assert box is not None and calm is not None
            self.assertGreater(box["width"], calm["width"])
            on_top = board.evaluate(
                "([x, y]) => document.elementFromPoint(x, y).getAttribute('data-dispatch')",
                [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
            )
            self.assertEqual(on_top, str(failed.pk))
            board.screenshot(
                path=str(SCREENSHOTS / "raksa-dispatch-board-escalated-1280.png"), full_page=True
            )
            self.assertNoViolation(board)

    def test_on_a_phone_the_map_sits_above_the_list_and_the_filters_apply_to_it(self) -> None:
        from playwright.sync_api import expect

        with self.browser() as browser:
            board = self.board(browser, **THAI_PHONE)
            expect(self.marker(board, self.earlier)).to_have_count(1)
            shown, rows = (
                board.locator("#board-map-box").bounding_box(),
                board.locator("#board-rows").bounding_box(),
            )
            assert shown is not None and rows is not None
            self.assertLessEqual(shown["y"] + shown["height"], rows["y"])
            self.assertLessEqual(shown["x"] + shown["width"], 375)
            self.assertEqual(board.evaluate("document.documentElement.scrollWidth"), 375)
            board.screenshot(path=str(SCREENSHOTS / "raksa-dispatch-board-375.png"), full_page=True)

            board.select_option("#f-type", "frenzy")
            board.click(".filters button[type=submit]")
            expect(board.locator(f"#dispatch-{self.unplaced.pk}")).to_be_visible()
            expect(board.locator(f"#dispatch-{self.earlier.pk}")).to_have_count(0)
            expect(board.locator("#board-map path.board-marker")).to_have_count(0)
            expect(board.locator("#board-map-count")).to_contain_text("0 จาก 1")
            self.assertNoViolation(board)

    def test_without_javascript_the_board_is_a_plain_list(self) -> None:
        from playwright.sync_api import expect

        with self.browser() as browser:
            board = self.board(browser, java_script_enabled=False)
            expect(board.locator(f"#dispatch-{self.earlier.pk}")).to_contain_text(self.earlier.case.number)
            expect(board.locator("#board-map-box")).to_be_hidden()

    def test_with_tiles_that_fail_the_markers_still_show(self) -> None:
        from playwright.sync_api import expect

        # Tiles from this server at a path that answers 404 (same origin, so the CSP allows them).
        tiles = f"{self.live_server_url}/no-tiles/{{z}}/{{x}}/{{y}}.png"
        with override_settings(RAKSA_MAP_TILE_URL=tiles), self.browser() as browser:
            board = self.board(browser)
            expect(board.locator("#board-map.tiles-failed")).to_have_count(1)
            expect(self.marker(board, self.earlier)).to_be_visible()
            self.assertNoViolation(board)
