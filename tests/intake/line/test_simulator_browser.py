"""The LINE chat simulator in a real browser on a phone (375x812, Thai): the silent emergency. She opens the chat
(she follows the account), taps an emergency in the rich menu and sends nothing more; the minute passes and the
bot's answer brings her tracking code. And a pin typed in the location sheet, then a photo. The worker's sweeps
are run here, as the worker would run them.
Screenshots go to RAKSA_SCREENSHOT_DIR."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connections
from django.test import override_settings
from django.utils import timezone

from raksa.cases.models import Attachment
from raksa.dispatch.models import Dispatch
from raksa.intake.line.models import LineChat
from raksa.intake.line.services import line_event_sweep, line_pending_sweep
from raksa.intake.models import Report
from raksa.notify.services import outbox_sweep
from raksa.notify.transports import line_loading_reset
from tests.browser import CHROMIUM, SCREENSHOTS, PhoneBrowserCase
from tests.intake.line.support import SECRET
from tests.intake.web.helpers import PNG
from tests.notify.support import StandInsMixin


@pytest.mark.browser
@pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM} (make browser)"
)
@override_settings(RAKSA_LINE_SIMULATOR=True, LINE_CHANNEL_SECRET=SECRET)
class LineSimulatorBrowserTests(StandInsMixin, PhoneBrowserCase):
    def setUp(self) -> None:
        super().setUp()
        line_loading_reset()
        self.addCleanup(line_loading_reset)

    @contextmanager
    def chat(self) -> Iterator[Any]:
        with self.phone() as page:
            try:
                yield page
            finally:
                # The ORM calls made while Playwright's loop runs have connections of their own: closed here,
                # or PostgreSQL cannot drop the test database at the end while one is still open.
                connections.close_all()

    def worker(self) -> None:
        """What the worker does within a second or two: process the events, send the answers."""
        line_event_sweep()
        outbox_sweep()

    def test_a_silent_emergency_from_the_rich_menu_gets_a_tracking_code(self) -> None:
        from playwright.sync_api import expect

        with self.chat() as page:
            # Opening the chat for the first time is adding the account as a friend: a follow event.
            with page.expect_response(lambda r: r.url.endswith("/line/simulator/send")) as follow:
                page.goto(f"{self.live_server_url}/line/simulator/")
            self.assertEqual(follow.value.status, 200)
            user = page.locator("#simulator").get_attribute("data-user") or ""
            self.assertRegex(user, r"^U[0-9a-f]{32}$")
            self.worker()
            bot = page.locator("#sim-chat li.sim-bot")
            expect(bot.first).to_contain_text("สายด่วน 1300")
            expect(page.locator("#sim-quick .sim-chip-postback").first).to_be_visible()
            # The rich menu as the real one: the five emergencies, then track, another problem and 1300 stacked
            # in the last panel (a third of its height each, as on LINE), all on the screen.
            areas = page.locator("#sim-menu .sim-area")
            expect(areas).to_have_count(8)
            for index in range(8):
                box = areas.nth(index).bounding_box()
                assert box is not None
                self.assertGreaterEqual(box["height"], 100 if index < 5 else 34)
                self.assertLessEqual(box["x"] + box["width"], 375)
                self.assertLessEqual(box["y"] + box["height"], 812)  # on the screen, no scrolling
            self.assertEqual(page.evaluate("document.documentElement.scrollWidth"), 375)
            page.screenshot(path=str(SCREENSHOTS / "raksa-line-simulator-375-welcome.png"))

            # One tap on the rich menu, as the real one sends it.
            with page.expect_response(lambda r: r.url.endswith("/line/simulator/send")) as tap:
                page.click("#sim-menu .sim-area-detention")
            self.assertEqual(tap.value.status, 200)
            expect(page.locator("#sim-chat li.sim-me").last).to_contain_text("ถูกกักขัง")
            self.worker()
            expect(bot.last).to_contain_text("ส่งตำแหน่งที่อยู่")
            expect(page.locator("#sim-quick .sim-chip-location")).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "raksa-line-simulator-375-asked.png"))

            # She sends nothing. Her minute runs out (its deadline moved, rather than waited for).
            self.assertFalse(Report.objects.exists())
            chat = LineChat.objects.get(user_id=user)
            self.assertEqual(chat.pending_emergency, "detention")
            LineChat.objects.filter(pk=chat.pk).update(pending_until=timezone.now() - dt.timedelta(seconds=1))
            self.assertEqual(line_pending_sweep(), 1)
            outbox_sweep()

            case = Report.objects.select_related("case").get().case
            assert case is not None
            self.assertEqual((case.emergency_type, case.latitude), ("detention", None))
            self.assertTrue(Dispatch.objects.filter(case=case).exists())  # sent to a team at once
            expect(bot.last).to_contain_text(case.tracking_code)
            expect(bot.last).to_contain_text("ส่งเรื่องเหตุฉุกเฉิน")
            expect(bot.last.locator(".sim-via")).to_have_text("ส่งถึง (push)")  # after the minute: a push
            # Where she is still unknown: the answer asks for it again.
            expect(page.locator("#sim-quick .sim-chip-location")).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "raksa-line-simulator-375-sent.png"))
            self.assertNoViolation(page)

            # The page in English: the same user (no second follow), the rich menu in English.
            page.click("form.lang button[value=en]")
            expect(page.locator("html")).to_have_attribute("lang", "en")
            expect(page.locator("#sim-new")).to_have_text("New user")
            expect(page.locator("#simulator")).to_have_attribute("data-user", user)
            expect(bot.last).to_contain_text(case.tracking_code)  # the chat so far, read back
            self.assertNoViolation(page)
        self.assertEqual(LineChat.objects.count(), 1)

    def test_a_pin_typed_in_the_location_sheet_and_a_photo_join_the_emergency(self) -> None:
        from playwright.sync_api import expect

        with self.chat() as page:
            with page.expect_response(lambda r: r.url.endswith("/line/simulator/send")):
                page.goto(f"{self.live_server_url}/line/simulator/")
            self.worker()
            with page.expect_response(lambda r: r.url.endswith("/line/simulator/send")):
                page.click("#sim-menu .sim-area-threat")
            self.worker()
            page.click("#sim-quick .sim-chip-location")  # the quick reply's location action
            expect(page.locator("#sim-location")).to_be_visible()
            expect(page.locator("#sim-map.leaflet-container")).to_be_visible()  # the vendored Leaflet
            expect(page.locator("#sim-map-note")).to_be_visible()  # no tiles configured: type or tap
            page.fill("#sim-lat", "13.7465")
            page.fill("#sim-lon", "100.5347")
            page.fill("#sim-place", "สยาม")
            page.screenshot(path=str(SCREENSHOTS / "raksa-line-simulator-375-location.png"))
            with page.expect_response(lambda r: r.url.endswith("/line/simulator/send")) as pin:
                page.click("#sim-location-send")
            self.assertEqual(pin.value.status, 200)
            expect(page.locator("#sim-location")).to_be_hidden()
            expect(page.locator("#sim-chat li.sim-me").last).to_contain_text("สยาม")
            self.worker()
            case = Report.objects.select_related("case").get().case
            assert case is not None
            self.assertEqual((float(case.latitude or 0), float(case.longitude or 0)), (13.7465, 100.5347))
            expect(page.locator("#sim-chat li.sim-bot").last).to_contain_text(case.tracking_code)
            expect(page.locator("#sim-quick")).to_be_hidden()  # the place is known: nothing more to ask

            # A photo: kept on the stand-in, fetched by the app from the content API, kept on her case.
            with page.expect_response(lambda r: r.url.endswith("/line/simulator/photo")) as sent:
                page.set_input_files(
                    "#sim-photo", files=[{"name": "door.png", "mimeType": "image/png", "buffer": PNG}]
                )
            self.assertEqual(sent.value.status, 200)
            expect(page.locator("#sim-chat li.sim-me").last).to_contain_text("door.png")
            self.worker()
            expect(page.locator("#sim-chat li.sim-bot").last).to_contain_text(case.tracking_code)
            self.assertEqual(Attachment.objects.filter(case=case).count(), 1)
            self.assertNoViolation(page)
