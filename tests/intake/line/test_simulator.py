"""The LINE chat simulator's endpoints: absent unless asked for; each thing the user does becomes the webhook
event LINE would send, its reply token issued on the stand-in and its body signed as LINE signs it, delivered to
the app's own webhook over HTTP; and what the bot answered is read back from the stand-in."""

from __future__ import annotations

import json
import re
from typing import Any
from unittest import skipIf, skipUnless

from django.conf import settings
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, LiveServerTestCase, SimpleTestCase, TestCase, override_settings

from raksa.cases.models import EmergencyType
from raksa.intake.line import messages
from raksa.intake.line.models import LineEvent
from raksa.intake.line.richmenu import rich_menu
from raksa.intake.line.services import line_event_sweep
from raksa.intake.line.simulator import rich_menu_panel
from raksa.intake.line.simulator_views import PHOTOS
from raksa.notify.services import outbox_sweep
from raksa.notify.standins import line_signature
from tests.intake.line.support import SECRET, sign
from tests.intake.web.helpers import PNG
from tests.notify.support import StandInsMixin

PATHS = ("/line/simulator/", "/line/simulator/received")
POSTS = ("/line/simulator/send", "/line/simulator/new", "/line/simulator/photo")
ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


class AbsentByDefaultTests(TestCase):
    def test_every_endpoint_is_404_and_the_deploy_check_is_quiet(self):
        for path in PATHS:
            self.assertEqual(self.client.get(path).status_code, 404, path)
        for path in POSTS:
            response = self.client.post(path, json.dumps({"type": "follow"}), content_type="application/json")
            self.assertEqual(response.status_code, 404, path)
        self.assertFalse(LineEvent.objects.exists())
        self.assertNotIn("raksa.W005", {m.id for m in run_checks(include_deployment_checks=True)})

    @override_settings(RAKSA_LINE_SIMULATOR=True)
    def test_when_on_the_deploy_check_warns(self):
        self.assertIn("raksa.W005", {m.id for m in run_checks(include_deployment_checks=True)})

    @override_settings(
        RAKSA_LINE_SIMULATOR=True, LINE_API_BASE="https://api.line.me", LINE_CHANNEL_SECRET=SECRET
    )
    def test_it_never_talks_to_the_real_line(self):
        page = self.client.get("/line/simulator/")
        self.assertContains(page, "LINE_API_BASE is the real LINE API")
        response = self.client.post(
            "/line/simulator/send", {"type": "follow"}, content_type="application/json"
        )
        self.assertEqual((response.status_code, response.json()["code"]), (503, "unavailable"))
        self.assertEqual(self.client.get("/line/simulator/received").status_code, 503)
        self.assertFalse(LineEvent.objects.exists())


class SigningTests(SimpleTestCase):
    def test_the_stand_ins_signature_is_lines(self):
        body = json.dumps({"destination": "U" + "0" * 32, "events": []}).encode()
        self.assertEqual(line_signature(body, secret=SECRET), sign(body, SECRET))

    def test_the_rich_menu_panel_sends_what_the_real_rich_menu_sends(self):
        real = [area["action"] for area in rich_menu().menu["areas"]]
        self.assertEqual([area["action"] for area in rich_menu_panel()], real)
        kinds = [area["kind"] for area in rich_menu_panel()]
        self.assertEqual(kinds, [*EmergencyType.values, "track", "other", "call"])
        # ...which are the welcome's quick replies.
        quick = [item["action"] for item in messages.welcome(messages.THAI)["quick_reply"]["items"]]
        self.assertLessEqual(
            {a.get("data", a.get("uri")) for a in real}, {a.get("data", a.get("uri")) for a in quick}
        )


@override_settings(RAKSA_LINE_SIMULATOR=True, LINE_CHANNEL_SECRET=SECRET)
class SimulatorTests(StandInsMixin, LiveServerTestCase):
    """The page's client talks to the live server's host, so the simulator's webhook call reaches the app."""

    def setUp(self) -> None:
        super().setUp()
        self.host = self.live_server_url.split("//", 1)[1]

    def get(self, path: str) -> Any:
        return self.client.get(path, HTTP_HOST=self.host)

    def send(self, **body: Any) -> Any:
        return self.client.post(
            "/line/simulator/send", json.dumps(body), content_type="application/json", HTTP_HOST=self.host
        )

    def user(self) -> str:
        return str(self.client.session["line_simulator_user"])

    def test_the_page_gives_this_browser_a_line_user_and_the_rich_menu(self):
        page = self.get("/line/simulator/")
        self.assertEqual(page.status_code, 200)
        self.assertRegex(self.user(), r"^U[0-9a-f]{32}$")
        self.assertContains(page, f'data-user="{self.user()}"')
        self.assertContains(page, 'data-fresh="1"')
        self.assertContains(page, "emergency=detention")
        self.assertContains(page, 'href="tel:1300"')
        self.assertIn("no-store", page["Cache-Control"])
        again = self.get("/line/simulator/")
        self.assertContains(again, 'data-fresh="0"')  # the same user, already a friend
        self.assertNotIn("<script>", page.content.decode())  # scripts only from files (the CSP)

    def test_a_follow_is_delivered_signed_with_a_reply_token_and_the_welcome_comes_back(self):
        self.get("/line/simulator/")
        response = self.send(type="follow")
        self.assertEqual(response.status_code, 200, response.content)
        event = LineEvent.objects.get()  # stored: its signature was LINE's
        raw = event.raw
        self.assertEqual((event.type, event.user_id, event.source_type), ("follow", self.user(), "user"))
        self.assertRegex(raw["webhookEventId"], ULID)
        self.assertEqual(raw["deliveryContext"], {"isRedelivery": False})
        self.assertEqual(raw["mode"], "active")
        self.assertEqual(raw["follow"], {"isUnblocked": False})
        self.assertRegex(raw["replyToken"], r"^[0-9a-f]{32}$")
        self.assertIsInstance(raw["timestamp"], int)
        self.assertEqual(response.json()["event"]["webhookEventId"], raw["webhookEventId"])

        line_event_sweep()
        outbox_sweep()
        [item] = self.line.received(self.user())
        self.assertEqual(item["via"], "reply")  # the token the simulator had issued was good
        received = self.get("/line/simulator/received").json()
        self.assertEqual((received["user"], received["total"]), (self.user(), 1))
        [shown] = received["items"]
        self.assertEqual(shown["via"], "reply")
        [message] = shown["messages"]
        self.assertIn("1300", message["text"])
        datas = [i["action"].get("data") for i in message["quickReply"]["items"]]
        self.assertIn("emergency=threat", datas)
        self.assertEqual(self.get("/line/simulator/received?after=1").json()["items"], [])

    def test_her_line_app_speaks_the_pages_language(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.get("/line/simulator/")
        self.assertEqual(self.send(type="follow").status_code, 200)
        self.assertEqual(self.line.profiles[self.user()]["language"], "en")
        line_event_sweep()
        outbox_sweep()
        [shown] = self.get("/line/simulator/received").json()["items"]
        self.assertIn("If you are in danger", shown["messages"][0]["text"])

    def test_a_postback_a_text_and_a_location_are_lines_events(self):
        self.get("/line/simulator/")
        self.assertEqual(self.send(type="postback", data="emergency=frenzy").status_code, 200)
        self.assertEqual(self.send(type="text", text="อยู่หลังบ้าน").status_code, 200)
        response = self.send(type="location", latitude="13.7465", longitude=100.5347, title="บ้าน")
        self.assertEqual(response.status_code, 200)
        postback, text, location = LineEvent.objects.order_by("id")
        self.assertEqual(postback.raw["postback"], {"data": "emergency=frenzy"})
        self.assertEqual(postback.type, "postback")
        self.assertEqual(text.raw["message"]["type"], "text")
        self.assertEqual(text.raw["message"]["text"], "อยู่หลังบ้าน")
        self.assertRegex(text.raw["message"]["id"], r"^\d{18}$")
        self.assertTrue(text.raw["message"]["quoteToken"])
        self.assertEqual(
            {k: location.raw["message"][k] for k in ("type", "latitude", "longitude", "title")},
            {"type": "location", "latitude": 13.7465, "longitude": 100.5347, "title": "บ้าน"},
        )
        self.assertNotIn("address", location.raw["message"])  # a bare pin, as LINE sends one
        self.assertEqual(len({e.webhook_event_id for e in (postback, text, location)}), 3)

    def test_bad_input_names_the_field_and_sends_nothing(self):
        self.get("/line/simulator/")
        cases = [
            ({"type": "text", "text": "   "}, "text"),
            ({"type": "text", "text": "ก" * 5001}, "text"),
            ({"type": "postback"}, "data"),
            ({"type": "location", "latitude": "91", "longitude": "100"}, "latitude"),
            ({"type": "location", "latitude": "13.7", "longitude": "east"}, "longitude"),
            ({"type": "unfollow"}, "type"),
            ({"type": "image", "id": "1"}, "type"),  # photos go through their own endpoint
        ]
        for body, field in cases:
            response = self.send(**body)
            self.assertEqual(response.status_code, 400, body)
            self.assertEqual(response.json()["errors"][0]["field"], field, body)
        response = self.client.post(
            "/line/simulator/send", b"[", content_type="application/json", HTTP_HOST=self.host
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(LineEvent.objects.exists())

    def test_a_post_without_the_pages_csrf_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        page = client.get("/line/simulator/", HTTP_HOST=self.host)
        token = re.search(r'data-csrf="([^"]+)"', page.content.decode())
        assert token is not None
        body = json.dumps({"type": "follow"})
        refused = client.post(
            "/line/simulator/send", body, content_type="application/json", HTTP_HOST=self.host
        )
        self.assertEqual(refused.status_code, 403)
        self.assertFalse(LineEvent.objects.exists())
        sent = client.post(
            "/line/simulator/send",
            body,
            content_type="application/json",
            HTTP_HOST=self.host,
            HTTP_X_CSRFTOKEN=token.group(1),
        )
        self.assertEqual(sent.status_code, 200)
        self.assertEqual(LineEvent.objects.count(), 1)

    def test_new_user_is_another_line_user_who_follows(self):
        self.get("/line/simulator/")
        first = self.user()
        response = self.client.post("/line/simulator/new", HTTP_HOST=self.host)
        self.assertEqual(response.status_code, 200, response.content)
        second = response.json()["user"]
        self.assertNotEqual(first, second)
        self.assertEqual(self.user(), second)
        event = LineEvent.objects.get()
        self.assertEqual((event.type, event.user_id), ("follow", second))
        self.assertEqual(self.get("/line/simulator/received").json()["user"], second)

    def test_without_a_channel_secret_or_a_stand_in_it_says_why(self):
        self.get("/line/simulator/")
        with override_settings(LINE_CHANNEL_SECRET=""):
            response = self.send(type="follow")
            self.assertEqual(response.status_code, 503)
            self.assertIn("LINE_CHANNEL_SECRET", response.json()["message_en"])
        self.line.stop()
        for body in ({"type": "follow"}, {"type": "text", "text": "ช่วยด้วย"}):
            response = self.send(**body)
            self.assertEqual(response.status_code, 503)
            self.assertIn("the LINE stand-in did not", response.json()["message_en"])
        self.assertEqual(self.get("/line/simulator/received").status_code, 503)
        self.assertFalse(LineEvent.objects.exists())

    @skipIf(PHOTOS, "the stand-in keeps content")
    def test_photos_wait_for_the_stand_ins_content_store(self):
        self.get("/line/simulator/")
        response = self.client.post("/line/simulator/photo", HTTP_HOST=self.host)
        self.assertEqual(response.status_code, 503)
        self.assertFalse(LineEvent.objects.exists())

    @skipUnless(PHOTOS, "the stand-in keeps no content yet")
    def test_a_photo_is_kept_on_the_stand_in_and_sent_as_an_image_message(self):
        self.get("/line/simulator/")
        upload = SimpleUploadedFile("room.png", PNG, content_type="image/png")
        response = self.client.post("/line/simulator/photo", {"photo": upload}, HTTP_HOST=self.host)
        self.assertEqual(response.status_code, 200, response.content)
        event = LineEvent.objects.get()
        message = event.raw["message"]
        self.assertEqual((message["type"], message["contentProvider"]), ("image", {"type": "line"}))
        self.assertEqual(self.line.contents[message["id"]], (PNG, "image/png"))  # type: ignore[attr-defined]
        text = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
        response = self.client.post("/line/simulator/photo", {"photo": text}, HTTP_HOST=self.host)
        self.assertEqual((response.status_code, response.json()["errors"][0]["field"]), (400, "photo"))
        big = SimpleUploadedFile("big.png", PNG + b"\0" * 2048, content_type="image/png")
        with override_settings(RAKSA_REPORT_FILE_MAX_BYTES=1024):
            response = self.client.post("/line/simulator/photo", {"photo": big}, HTTP_HOST=self.host)
        error = response.json()["errors"][0]
        self.assertEqual(
            (response.status_code, error["field"], error["code"]), (400, "photo", "file_too_large")
        )
        self.assertEqual(LineEvent.objects.count(), 1)
