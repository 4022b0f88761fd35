"""The web form's settings fail loudly on bad values, and a configured tile server is let into the CSP."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings

from tests.base import RaksaTestCase
from tests.core.test_settings import run_with

IMG_SRC = (
    "import django; django.setup(); from django.conf import settings; "
    "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
)


def img_src(**env: str) -> str:
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "raksa.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", IMG_SRC], env=full, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


class ReportSettingsTests:
    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("RAKSA_REPORT_RATE_SHORT", "five"),
            ("RAKSA_REPORT_RATE_SHORT", "0"),
            ("RAKSA_REPORT_RATE_SHORT_MINUTES", "-1"),
            ("RAKSA_REPORT_RATE_DAY", "many"),
            ("RAKSA_MAP_TILE_URL", "tile.openstreetmap.org/{z}/{x}/{y}.png"),
            ("RAKSA_MAP_TILE_URL", "https://tile.openstreetmap.org/tiles.png"),
        ],
    )
    def test_it_fails_loudly_on_bad_values(self, name: str, value: str) -> None:
        result = run_with({name: value})
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and name in result.stderr, result.stderr

    def test_no_tile_host_is_allowed_unless_configured(self) -> None:
        assert img_src() == "'self' data:"

    def test_a_configured_tile_host_is_allowed_for_images_only(self) -> None:
        sources = img_src(RAKSA_MAP_TILE_URL="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
        assert sources == "'self' data: https://tile.openstreetmap.org"
        sources = img_src(RAKSA_MAP_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
        assert sources == "'self' data: https://*.tiles.example.org"


class ReportPageSecurityTests(RaksaTestCase):
    def test_a_post_without_the_csrf_token_is_refused(self) -> None:
        client = Client(enforce_csrf_checks=True)
        page = client.get("/report/").content.decode()
        response = client.post("/report/emergency/", {"emergency_type": "threat"})
        self.assertEqual(response.status_code, 403)
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            "/report/emergency/", {"emergency_type": "threat", "csrfmiddlewaretoken": token}
        )
        self.assertEqual(response.status_code, 302)

    def test_the_page_keeps_the_strict_policy(self) -> None:
        response = self.client.get("/report/")
        policy = response["Content-Security-Policy"]
        self.assertIn("script-src 'self'", policy)
        self.assertNotIn("unsafe-inline", policy)

    @override_settings(RAKSA_MAP_TILE_URL="")
    def test_without_tiles_there_is_no_map(self) -> None:
        page = self.client.get("/report/").content.decode()
        self.assertNotIn('id="map"', page)
        self.assertNotIn("leaflet.js", page)
