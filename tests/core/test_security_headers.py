"""What every page tells the browser: a Content-Security-Policy with no inline script, no framing, and, when
served behind HTTPS, https only (redirect, HSTS, secure cookies)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.base import RaksaTestCase

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "raksa"
# What a policy without 'unsafe-inline' refuses: a <script> with a body, a <style> element, a style="" or
# on...="" attribute, a javascript: address. (<script type="application/json"> data blocks do not run.)
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:",
    re.IGNORECASE,
)


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


class ContentSecurityPolicyTests(RaksaTestCase):
    def assertStrictPolicy(self, response) -> None:
        policy = directives(response["Content-Security-Policy"])
        for name in ("default-src", "script-src", "style-src", "connect-src", "form-action"):
            self.assertEqual(policy[name], ["'self'"], name)
        self.assertEqual(policy["object-src"], ["'none'"])
        self.assertEqual(policy["frame-ancestors"], ["'none'"])
        self.assertNotIn("'unsafe-inline'", response["Content-Security-Policy"])
        self.assertNotIn("'unsafe-eval'", response["Content-Security-Policy"])

    def test_it_sends_a_strict_policy_on_the_login_page_and_staff_pages(self) -> None:
        self.assertStrictPolicy(self.client.get("/login/"))
        self.client.force_login(self.case_worker)
        for path in ("/cases/", "/people/"):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 200, path)
            self.assertStrictPolicy(response)

    def test_it_sends_the_other_protective_headers(self) -> None:
        response = self.client.get("/login/")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")
        self.assertNotIn("Strict-Transport-Security", response)  # plain http by default (`make run`)

    def test_it_keeps_inline_script_and_style_out_of_every_template(self) -> None:
        found = []
        for template in sorted(TEMPLATES.glob("**/templates/**/*.html")):
            for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
                if INLINE.search(line):
                    found.append(f"{template.relative_to(TEMPLATES)}:{number}: {line.strip()}")
        self.assertEqual(found, [])

    def test_it_keeps_htmx_from_injecting_its_indicator_style(self) -> None:
        page = self.client.get("/login/").content.decode()
        config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
        assert config is not None
        self.assertFalse(json.loads(config.group(1))["includeIndicatorStyles"])
        self.assertFalse(json.loads(config.group(1))["allowEval"])


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
plain, secure = Client(), Client(HTTP_X_FORWARDED_PROTO="https")
redirect = plain.get("/login/")
page = secure.get("/login/")
health = plain.get("/healthz")
print(json.dumps({
    "redirect": [redirect.status_code, redirect.get("Location")],
    "page": [page.status_code, page.get("Strict-Transport-Security")],
    "health": health.status_code,
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "csrf_cookie_secure": page.cookies["csrftoken"]["secure"] if "csrftoken" in page.cookies else None,
}))
"""


def probe(tmp_path: Path, **env: str) -> dict:
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "raksa.settings",
        "RAKSA_VAR_DIR": str(tmp_path),
        **env,
    }
    environ.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


class HttpsTests:
    def test_it_redirects_to_https_and_sends_hsts_behind_https(self, tmp_path):
        seen = probe(tmp_path, RAKSA_HTTPS="true")
        assert seen["redirect"] == [301, "https://testserver/login/"]
        assert seen["page"] == [200, "max-age=31536000"]
        assert seen["health"] == 200  # load balancers probe over plain http
        assert seen["secure_cookies"] == [True, True]
        assert seen["csrf_cookie_secure"] is True

    def test_it_serves_plain_http_by_default(self, tmp_path):
        seen = probe(tmp_path)
        assert seen["redirect"][0] == 200
        assert seen["page"] == [200, None]
        assert seen["secure_cookies"] == [False, False]

    def test_it_fails_loudly_on_a_bad_https_flag(self, tmp_path):
        environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "raksa.settings", "RAKSA_HTTPS": "sometimes"}
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and "RAKSA_HTTPS" in result.stderr
