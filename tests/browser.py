"""What the browser tests share: Debian's Chromium and how it is started, a phone set to Thai, where screenshots
go, and a live-server test case that opens such a phone and records any Content-Security-Policy violation."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from tests.base import RaksaTestCase

# Playwright's sync API runs an event loop in this thread; the ORM calls around it are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 812}
# A phone set to Thai; LocaleMiddleware follows Accept-Language until the user picks a language.
THAI_PHONE = {
    "viewport": PHONE,
    "locale": "th-TH",
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# Where a phone's geolocation says it is: the provincial hall's neighbourhood in Bangkok.
BANGKOK_POSITION = {"latitude": 13.7563, "longitude": 100.5018, "accuracy": 25}
SCREENSHOTS = Path(os.environ.get("RAKSA_SCREENSHOT_DIR", "/tmp"))
# Recorded from the first script on: the page's own CSP does not apply to a script the browser is handed.
LISTEN = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""


class PhoneBrowserCase(StaticLiveServerTestCase):
    def setUp(self) -> None:
        # The shared personas and the directory's units, created for real: the browser talks to a real server.
        RaksaTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]

    @contextmanager
    def phone(self, **options) -> Iterator:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(**THAI_PHONE, **options)
                page = context.new_page()
                if options.get("java_script_enabled", True):
                    page.add_init_script(LISTEN)
                yield page
            finally:
                browser.close()

    def assertNoViolation(self, page) -> None:
        self.assertEqual(page.evaluate("window.cspViolations"), [])
