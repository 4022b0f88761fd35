"""The stand-ins speak their providers' protocols to any client: driven here with plain HTTP, not notify."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request

from django.test import SimpleTestCase

from raksa.notify.standins import LineStandIn, SmsStandIn
from tests.notify.support import BUBBLE, GROUP, PHONE, USER, foreground, get, post

RETRY_KEY = "123e4567-e89b-12d3-a456-426614174000"


class LineStandInTests(SimpleTestCase):
    def setUp(self) -> None:
        self.line = LineStandIn().start()
        self.addCleanup(self.line.stop)
        self.url = self.line.base_url + "/v2/bot/message/push"
        self.auth = {"Authorization": f"Bearer {self.line.token}"}

    def push(self, body: object, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], object]:
        return post(self.url, body, {**self.auth, **(headers or {})})

    def test_it_accepts_a_push_as_line_does(self):
        status, headers, answer = self.push({"to": GROUP, "messages": [{"type": "text", "text": "สวัสดี"}]})
        self.assertEqual(status, 200)
        self.assertIn("x-line-request-id", headers)
        [sent] = answer["sentMessages"]  # type: ignore[index]
        self.assertTrue(sent["id"].isdigit())
        self.assertTrue(sent["quoteToken"])
        [received] = self.line.received(GROUP)
        self.assertEqual(received["messages"], [{"type": "text", "text": "สวัสดี"}])
        self.assertEqual(received["request_id"], headers["x-line-request-id"])

    def test_it_refuses_a_missing_or_wrong_token_with_401(self):
        for auth in ({}, {"Authorization": "Bearer nope"}):
            status, _, answer = post(
                self.url, {"to": GROUP, "messages": [{"type": "text", "text": "x"}]}, auth
            )
            self.assertEqual(status, 401)
            self.assertIn("Authentication failed", answer["message"])  # type: ignore[index]
        self.assertEqual(self.line.received(), [])

    def test_it_names_every_fault_in_lines_error_shape(self):
        cases = [
            ({"messages": [{"type": "text", "text": "x"}]}, "to"),
            ({"to": "someone", "messages": [{"type": "text", "text": "x"}]}, "to"),
            ({"to": GROUP, "messages": []}, "messages"),
            ({"to": GROUP, "messages": [{"type": "text", "text": "x"}] * 6}, "messages"),
            ({"to": GROUP, "messages": [{"type": "hologram"}]}, "messages[0].type"),
            ({"to": GROUP, "messages": [{"type": "text"}]}, "messages[0].text"),
            ({"to": GROUP, "messages": [{"type": "flex", "contents": BUBBLE}]}, "messages[0].altText"),
            ({"to": GROUP, "messages": [{"type": "text", "text": "x" * 5001}]}, "messages[0].text"),
        ]
        for body, prop in cases:
            with self.subTest(prop=prop, body=str(body)[:60]):
                status, _, answer = self.push(body)
                self.assertEqual(status, 400)
                self.assertRegex(answer["message"], r"^The request body has \d+ error\(s\)$")  # type: ignore[index]
                self.assertIn(prop, [d["property"] for d in answer["details"]])  # type: ignore[index]
        status, _, answer = self.push(
            {"to": GROUP, "messages": [{"type": "text", "text": "x"}]}, {"X-Line-Retry-Key": "1"}
        )
        self.assertEqual(status, 400)
        self.assertIn("X-Line-Retry-Key", answer["message"])  # type: ignore[index]
        self.assertEqual(self.line.received(), [])

    def test_a_repeated_retry_key_is_409_with_the_accepted_id_and_recorded_once(self):
        body = {"to": USER, "messages": [{"type": "flex", "altText": "เหตุด่วน", "contents": BUBBLE}]}
        status, first, _ = self.push(body, {"X-Line-Retry-Key": RETRY_KEY})
        self.assertEqual(status, 200)
        status, again, answer = self.push(body, {"X-Line-Retry-Key": RETRY_KEY})
        self.assertEqual(status, 409)
        self.assertEqual(again["x-line-accepted-request-id"], first["x-line-request-id"])
        self.assertNotEqual(again["x-line-request-id"], first["x-line-request-id"])
        self.assertEqual(answer["message"], "The retry key is already accepted")  # type: ignore[index]
        self.assertEqual(len(self.line.received(USER)), 1)
        self.assertEqual(len(self.line.requests), 2)

    def reply(self, token: str, text: str = "สวัสดี") -> tuple[int, dict[str, str], object]:
        body = {"replyToken": token, "messages": [{"type": "text", "text": text}]}
        return post(self.line.base_url + "/v2/bot/message/reply", body, self.auth)

    def test_it_accepts_one_reply_per_token_it_issued_as_line_does(self):
        self.line.reply_token_issue("token-1", to=USER)
        status, headers, answer = self.reply("token-1")
        self.assertEqual(status, 200)
        self.assertEqual(len(answer["sentMessages"]), 1)  # type: ignore[index]
        [received] = self.line.received(USER)
        self.assertEqual((received["via"], received["reply_token"]), ("reply", "token-1"))
        self.assertEqual(received["request_id"], headers["x-line-request-id"])
        status, _, answer = self.reply("token-1")  # used
        self.assertEqual((status, answer), (400, {"message": "Invalid reply token"}))
        status, _, answer = self.reply("never-issued")
        self.assertEqual((status, answer), (400, {"message": "Invalid reply token"}))
        self.assertEqual(len(self.line.received()), 1)

    def test_an_expired_reply_token_is_refused(self):
        self.line.reply_token_issue("token-2", to=USER, seconds=-1)
        status, _, answer = self.reply("token-2")
        self.assertEqual((status, answer), (400, {"message": "Invalid reply token"}))
        self.assertEqual(self.line.received(), [])

    def test_another_process_issues_a_reply_token_with_post_reply_tokens(self):
        self.line.fail_next(1, status=500)  # planned for the API, not for the stand-in's own endpoints
        url = self.line.base_url + "/_reply_tokens"
        status, _, answer = post(url, {"replyToken": "token-3", "to": USER})
        self.assertEqual((status, answer), (201, {"replyToken": "token-3", "to": USER, "expiresIn": 60}))
        self.assertEqual(self.line.requests, [])  # a control call is not one of LINE's requests
        self.assertEqual(self.reply("token-3")[0], 500)  # the planned failure, still there
        self.assertEqual(self.reply("token-3")[0], 200)  # the token it issued
        [received] = self.line.received(USER)
        self.assertEqual((received["via"], received["reply_token"]), ("reply", "token-3"))
        self.assertEqual(self.reply("token-3")[0], 400)  # used

    def test_post_reply_tokens_names_what_is_wrong(self):
        url = self.line.base_url + "/_reply_tokens"
        status, _, answer = post(url, {"to": "C" + "0" * 32, "seconds": 0})
        self.assertEqual(status, 400)
        properties = [d["property"] for d in answer["details"]]  # type: ignore[index]
        self.assertEqual(properties, ["replyToken", "to", "seconds"])
        self.assertEqual(post(url, b"not json")[0], 400)
        self.assertEqual(post(self.line.base_url + "/_nothing", {})[0], 404)
        self.assertEqual(self.reply("token-5")[0], 400)  # nothing was issued

    def test_another_process_gives_a_profile_with_post_profiles(self):
        url = self.line.base_url + "/_profiles"
        status, _, answer = post(url, {"userId": USER, "displayName": "Test", "language": "en"})
        self.assertEqual((status, answer), (201, {"userId": USER, "displayName": "Test", "language": "en"}))
        self.assertEqual(
            self.line.profiles[USER]["language"], "en"
        )  # what GET /v2/bot/profile/{USER} answers
        status, _, answer = post(url, {"userId": "nobody", "displayName": " ", "language": "English"})
        self.assertEqual(status, 400)
        properties = [d["property"] for d in answer["details"]]  # type: ignore[index]
        self.assertEqual(properties, ["userId", "displayName", "language"])

    def test_a_reply_is_checked_as_a_push_is(self):
        status, _, _ = post(
            self.line.base_url + "/v2/bot/message/reply", {"replyToken": "t", "messages": []}, {}
        )
        self.assertEqual(status, 401)
        status, _, answer = post(
            self.line.base_url + "/v2/bot/message/reply", {"messages": [{"type": "text"}]}, self.auth
        )
        self.assertEqual(status, 400)
        properties = [d["property"] for d in answer["details"]]  # type: ignore[index]
        self.assertEqual(properties, ["replyToken", "messages[0].text"])

    def test_it_takes_a_loading_animation_for_a_user_as_line_does(self):
        url = self.line.base_url + "/v2/bot/chat/loading/start"
        status, _, answer = post(url, {"chatId": USER, "loadingSeconds": 10}, self.auth)
        self.assertEqual((status, answer), (202, {}))
        for body in (
            {"chatId": GROUP},
            {"chatId": USER, "loadingSeconds": 7},
            {"chatId": USER, "loadingSeconds": 65},
        ):
            with self.subTest(body=body):
                self.assertEqual(post(url, body, self.auth)[0], 400)
        self.assertEqual(post(url, {"chatId": USER}, {})[0], 401)
        self.assertEqual(self.line.loading, [{"chatId": USER, "loadingSeconds": 10}])
        self.assertEqual(self.line.received(), [])  # not a message

    def test_it_answers_a_profile_it_was_given_and_404_for_anyone_else(self):
        self.line.profile_set(USER, display_name="สมศรี", language="th")
        request = urllib.request.Request(self.line.base_url + f"/v2/bot/profile/{USER}", headers=self.auth)
        with urllib.request.urlopen(request, timeout=5) as answer:
            self.assertEqual(
                json.loads(answer.read()), {"userId": USER, "displayName": "สมศรี", "language": "th"}
            )
        for path, headers, status in (
            (f"/v2/bot/profile/{GROUP}", self.auth, 404),
            (f"/v2/bot/profile/{USER}", {}, 401),
        ):
            with self.subTest(path=path), self.assertRaises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(
                    urllib.request.Request(self.line.base_url + path, headers=headers), timeout=5
                )
            self.assertEqual(caught.exception.code, status)

    def test_it_shows_what_it_received_per_recipient(self):
        self.push({"to": GROUP, "messages": [{"type": "text", "text": "one"}]})
        self.push({"to": USER, "messages": [{"type": "text", "text": "two"}]})
        everything = get(self.line.base_url + "/_received")
        self.assertEqual(sorted(everything), sorted([GROUP, USER]))
        self.assertEqual(everything[GROUP][0]["messages"][0]["text"], "one")
        self.assertEqual(
            get(self.line.base_url + f"/_received?to={USER}")[USER][0]["messages"][0]["text"], "two"
        )

    def test_it_fails_the_next_requests_when_told(self):
        body = {"to": GROUP, "messages": [{"type": "text", "text": "x"}]}
        self.line.fail_next(2, status=503)
        self.assertEqual([self.push(body)[0] for _ in range(3)], [503, 503, 200])
        self.line.drop_next(1)
        with self.assertRaises((urllib.error.URLError, ConnectionError)):
            self.push(body)
        self.line.drop_next(1, after_accept=True)
        with self.assertRaises((urllib.error.URLError, ConnectionError)):
            self.push(body)
        self.assertEqual(len(self.line.received()), 2)  # the one after the failures, and the lost answer's
        self.line.reset()
        self.assertEqual((self.line.received(), self.line.requests), ([], []))


class SmsStandInTests(SimpleTestCase):
    def setUp(self) -> None:
        self.sms = SmsStandIn().start()
        self.addCleanup(self.sms.stop)
        self.headers = {"Authorization": f"Bearer {self.sms.token}", "Idempotency-Key": "k-1"}

    def test_it_queues_a_message_once_per_idempotency_key(self):
        body = {"to": PHONE, "text": "มีเหตุด่วน", "reference": "k-1"}
        status, _, answer = post(self.sms.url, body, self.headers)
        self.assertEqual(status, 201)
        status, _, again = post(self.sms.url, body, self.headers)
        self.assertEqual(status, 200)
        self.assertEqual(again["id"], answer["id"])  # type: ignore[index]
        [received] = self.sms.received(PHONE)
        self.assertEqual(
            (received["text"], received["reference"], received["idempotency_key"]), ("มีเหตุด่วน", "k-1", "k-1")
        )
        self.assertEqual(get(self.sms.base_url + "/_received")[PHONE][0]["id"], answer["id"])  # type: ignore[index]

    def test_it_refuses_what_a_gateway_refuses(self):
        good = {"to": PHONE, "text": "x"}
        self.assertEqual(post(self.sms.url, good, {"Idempotency-Key": "k"})[0], 401)
        self.assertEqual(post(self.sms.url, good, {"Authorization": f"Bearer {self.sms.token}"})[0], 400)
        self.assertEqual(post(self.sms.url, {"to": "+6681", "text": "x"}, self.headers)[0], 400)
        self.assertEqual(post(self.sms.url, {"to": PHONE, "text": " "}, self.headers)[0], 400)
        self.sms.fail_next(1, status=502)
        self.assertEqual(post(self.sms.url, good, self.headers)[0], 502)
        self.assertEqual(self.sms.received(), [])


class StandinsCommandTests(SimpleTestCase):
    def test_it_runs_both_until_stopped_and_prints_their_settings(self):
        with foreground("standins", "--line-port", "0", "--sms-port", "0") as running:
            settings = running.printed
            line_base, sms_url = settings["LINE_API_BASE"], settings["RAKSA_SMS_GATEWAY_URL"]
            status, _, _ = post(
                line_base + "/v2/bot/message/push",
                {"to": GROUP, "messages": [{"type": "text", "text": "x"}]},
                {"Authorization": f"Bearer {settings['LINE_CHANNEL_ACCESS_TOKEN']}"},
            )
            self.assertEqual(status, 200)
            self.assertEqual(list(get(line_base + "/_received")), [GROUP])
            headers = {
                "Authorization": f"Bearer {settings['RAKSA_SMS_GATEWAY_TOKEN']}",
                "Idempotency-Key": "k",
            }
            self.assertEqual(post(sms_url, {"to": PHONE, "text": "x"}, headers)[0], 201)
        process = running.process
        self.assertEqual(process.returncode, 0, process.stderr.read() if process.stderr else "")
        with self.assertRaises(urllib.error.URLError):
            urllib.request.urlopen(line_base + "/_received", timeout=2)


class LineContentStandInTests(SimpleTestCase):
    """`GET /v2/bot/message/{messageId}/content` (api-data.line.me's), and the control call that fills it."""

    JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 64

    def setUp(self) -> None:
        self.line = LineStandIn().start()
        self.addCleanup(self.line.stop)
        self.auth = {"Authorization": f"Bearer {self.line.token}"}

    def fetch(self, message_id: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
        request = urllib.request.Request(
            self.line.base_url + f"/v2/bot/message/{message_id}/content",
            headers=self.auth if headers is None else headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status, answer.headers["Content-Type"], answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers["Content-Type"], exc.read()

    def test_it_answers_the_bytes_put_there_with_their_type(self):
        self.line.content_put("100001", self.JPEG, "image/jpeg")
        self.assertEqual(self.fetch("100001"), (200, "image/jpeg", self.JPEG))

    def test_another_process_puts_content_through_the_control_call(self):
        status, _, answer = post(
            self.line.base_url + "/_content/100002", self.JPEG, {"Content-Type": "image/png"}
        )
        self.assertEqual((status, answer), (200, {}))
        self.assertEqual(self.fetch("100002"), (200, "image/png", self.JPEG))
        self.assertEqual(self.line.received(), [])  # a control call, not a message

    def test_an_unknown_message_is_404_and_a_wrong_token_401_as_line_answers(self):
        status, kind, body = self.fetch("999")
        self.assertEqual((status, json.loads(body)), (404, {"message": "Not found"}))
        self.assertTrue(kind.startswith("application/json"))
        self.line.content_put("100003", self.JPEG, "image/jpeg")
        self.assertEqual(self.fetch("100003", headers={})[0], 401)

    def test_it_fails_the_next_requests_when_told(self):
        self.line.content_put("100004", self.JPEG, "image/jpeg")
        self.line.fail_next(1, status=500)
        status, _, body = self.fetch("100004")
        self.assertEqual(status, 500)
        self.assertIn("internal server", json.loads(body)["message"])
        self.line.drop_next(1)
        with self.assertRaises((urllib.error.URLError, ConnectionError)):
            self.fetch("100004")
        self.assertEqual(self.fetch("100004")[0], 200)
        # The control call spends no planned failure.
        self.line.fail_next(1, status=500)
        self.assertEqual(post(self.line.base_url + "/_content/100005", b"x")[0], 200)
        self.assertEqual(self.fetch("100004")[0], 500)
        self.line.reset()
        self.assertEqual(self.fetch("100004")[0], 404)


def call(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, object]:
    """A raw request of any method: status and decoded JSON answer."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    return status, json.loads(raw) if raw else None


def png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (183, 28, 28)).save(out, format="PNG")
    return out.getvalue()


def rich_menu_object(**changes: object) -> dict[str, object]:
    menu: dict[str, object] = {
        "size": {"width": 2500, "height": 843},
        "selected": False,
        "name": "test menu",
        "chatBarText": "เมนู",
        "areas": [
            {
                "bounds": {"x": 0, "y": 0, "width": 1250, "height": 843},
                "action": {"type": "postback", "label": "ถูกข่มขู่", "data": "emergency=threat"},
            },
            {
                "bounds": {"x": 1250, "y": 0, "width": 1250, "height": 843},
                "action": {"type": "uri", "label": "โทร 1300", "uri": "tel:1300"},
            },
        ],
    }
    menu.update(changes)
    return menu


class LineRichMenuStandInTests(SimpleTestCase):
    """The rich-menu calls, as the Messaging API reference describes them (objects on api.line.me, images on
    api-data.line.me: both on the stand-in's one base)."""

    def setUp(self) -> None:
        self.line = LineStandIn().start()
        self.addCleanup(self.line.stop)
        self.base = self.line.base_url + "/v2/bot"
        self.auth = {"Authorization": f"Bearer {self.line.token}"}

    def create(self, menu: dict[str, object]) -> tuple[int, object]:
        return post(self.base + "/richmenu", menu, self.auth)[::2]

    def upload(self, rich_menu_id: str, image: bytes, kind: str = "image/png") -> tuple[int, object]:
        return call(
            "POST",
            f"{self.base}/richmenu/{rich_menu_id}/content",
            image,
            {**self.auth, "Content-Type": kind},
        )

    def test_it_creates_lists_gets_and_deletes_a_rich_menu_as_line_does(self):
        status, answer = self.create(rich_menu_object())
        self.assertEqual(status, 200)
        rich_menu_id = answer["richMenuId"]  # type: ignore[index]
        self.assertRegex(rich_menu_id, r"^richmenu-[0-9a-f]{32}$")
        status, listed = call("GET", self.base + "/richmenu/list", headers=self.auth)
        self.assertEqual(status, 200)
        self.assertEqual(listed, {"richmenus": [{"richMenuId": rich_menu_id, **rich_menu_object()}]})
        self.assertEqual(
            call("GET", f"{self.base}/richmenu/{rich_menu_id}", headers=self.auth)[1]["name"], "test menu"
        )  # type: ignore[index]
        self.assertEqual(call("DELETE", f"{self.base}/richmenu/{rich_menu_id}", headers=self.auth), (200, {}))
        self.assertEqual(call("DELETE", f"{self.base}/richmenu/{rich_menu_id}", headers=self.auth)[0], 404)
        self.assertEqual(call("GET", f"{self.base}/richmenu/{rich_menu_id}", headers=self.auth)[0], 404)
        self.assertEqual(call("GET", self.base + "/richmenu/list", headers=self.auth)[1], {"richmenus": []})
        self.assertEqual(
            self.line.rich_menu_calls,
            [
                "POST /v2/bot/richmenu 200",
                "GET /v2/bot/richmenu/list 200",
                f"GET /v2/bot/richmenu/{rich_menu_id} 200",
                f"DELETE /v2/bot/richmenu/{rich_menu_id} 200",
                f"DELETE /v2/bot/richmenu/{rich_menu_id} 404",
                f"GET /v2/bot/richmenu/{rich_menu_id} 404",
                "GET /v2/bot/richmenu/list 200",
            ],
        )

    def test_every_rich_menu_call_needs_the_token(self):
        rich_menu_id = self.line.rich_menu_add(rich_menu_object(), image=png(2500, 843))
        for method, path in [
            ("POST", "/richmenu"),
            ("GET", "/richmenu/list"),
            ("DELETE", f"/richmenu/{rich_menu_id}"),
            ("POST", f"/user/all/richmenu/{rich_menu_id}"),
            ("GET", "/user/all/richmenu"),
        ]:
            status, answer = call(method, self.base + path, b"{}" if method == "POST" else None)
            self.assertEqual(status, 401, path)
            self.assertIn("Authentication failed", answer["message"])  # type: ignore[index]
        self.assertIn(rich_menu_id, self.line.rich_menus)

    def test_it_refuses_a_rich_menu_line_would_refuse_naming_the_property(self):
        area = rich_menu_object()["areas"][0]  # type: ignore[index]
        cases = [
            (rich_menu_object(size={"width": 700, "height": 400}), "size.width"),
            (rich_menu_object(size={"width": 2500, "height": 200}), "size.height"),
            (rich_menu_object(size={"width": 2500, "height": 1800}), "size"),
            ({k: v for k, v in rich_menu_object().items() if k != "name"}, "name"),
            (rich_menu_object(chatBarText="เมนูแจ้งเหตุฉุกเฉิน"), "chatBarText"),
            (rich_menu_object(areas=[]), "areas"),
            (rich_menu_object(areas=[area] * 21), "areas"),
            (
                rich_menu_object(
                    areas=[{**area, "bounds": {"x": 2000, "y": 0, "width": 600, "height": 843}}]
                ),
                "areas[0].bounds",
            ),
            (rich_menu_object(areas=[{**area, "action": {"type": "teleport"}}]), "areas[0].action.type"),
            (rich_menu_object(areas=[{**area, "action": {"type": "postback"}}]), "areas[0].action.data"),
            (
                rich_menu_object(areas=[{**area, "action": {**area["action"], "label": "x" * 21}}]),
                "areas[0].action.label",
            ),
            (
                rich_menu_object(areas=[{**area, "action": {"type": "uri", "uri": "javascript:alert(1)"}}]),
                "areas[0].action.uri",
            ),
        ]
        for menu, prop in cases:
            status, answer = self.create(menu)
            self.assertEqual(status, 400, prop)
            self.assertRegex(answer["message"], r"^The request body has \d+ error\(s\)$")  # type: ignore[index]
            self.assertIn(prop, [d["property"] for d in answer["details"]], answer)  # type: ignore[index]
        self.assertEqual(self.line.rich_menus, {})

    def test_it_takes_one_png_or_jpeg_of_the_menus_size_under_1_mb(self):
        rich_menu_id = self.create(rich_menu_object())[1]["richMenuId"]  # type: ignore[index]
        self.assertEqual(self.upload("richmenu-" + "0" * 32, png(2500, 843)), (404, {"message": "Not found"}))
        self.assertEqual(self.upload(rich_menu_id, png(2500, 843), "image/gif")[0], 415)
        self.assertEqual(self.upload(rich_menu_id, b"\x89PNG" + b"0" * (1024 * 1024))[0], 413)
        self.assertEqual(self.upload(rich_menu_id, b"not an image")[0], 400)
        self.assertEqual(self.upload(rich_menu_id, png(2500, 843), "image/jpeg")[0], 400)  # a PNG said JPEG
        status, answer = self.upload(rich_menu_id, png(2500, 1686))
        self.assertEqual(status, 400)
        self.assertIn("size", answer["message"])  # type: ignore[index]
        self.assertNotIn(rich_menu_id, self.line.rich_menu_images)
        image = png(2500, 843)
        self.assertEqual(self.upload(rich_menu_id, image), (200, {}))
        self.assertEqual(self.line.rich_menu_images[rich_menu_id], ("image/png", image))
        self.assertEqual(
            self.upload(rich_menu_id, image),
            (400, {"message": "An image has already been uploaded to the richmenu"}),
        )

    def test_the_default_rich_menu_needs_its_image_and_goes_with_it(self):
        default = self.base + "/user/all/richmenu"
        self.assertEqual(call("GET", default, headers=self.auth), (404, {"message": "no default richmenu"}))
        rich_menu_id = self.create(rich_menu_object())[1]["richMenuId"]  # type: ignore[index]
        self.assertEqual(call("POST", f"{default}/richmenu-{'0' * 32}", headers=self.auth)[0], 404)
        status, answer = call("POST", f"{default}/{rich_menu_id}", headers=self.auth)
        self.assertEqual(status, 400)
        self.assertIn("upload richmenu image", answer["message"])  # type: ignore[index]
        self.upload(rich_menu_id, png(2500, 843))
        self.assertEqual(call("POST", f"{default}/{rich_menu_id}", headers=self.auth), (200, {}))
        self.assertEqual(call("GET", default, headers=self.auth), (200, {"richMenuId": rich_menu_id}))
        self.assertEqual(self.line.rich_menu_default, rich_menu_id)
        call("DELETE", f"{self.base}/richmenu/{rich_menu_id}", headers=self.auth)
        self.assertEqual(call("GET", default, headers=self.auth)[0], 404)
        other = self.line.rich_menu_add(rich_menu_object(), image=png(2500, 843), default=True)
        self.assertEqual(call("GET", default, headers=self.auth), (200, {"richMenuId": other}))
        self.assertEqual(call("DELETE", default, headers=self.auth), (200, {}))
        self.assertIsNone(self.line.rich_menu_default)
        self.assertIn(other, self.line.rich_menus)

    def test_planned_failures_reach_the_rich_menu_calls_and_reset_forgets_them(self):
        self.line.fail_next(1, status=500)
        status, answer = self.create(rich_menu_object())
        self.assertEqual(status, 500)
        self.assertEqual(self.line.rich_menus, {})
        rich_menu_id = self.create(rich_menu_object())[1]["richMenuId"]  # type: ignore[index]
        self.line.fail_next(1, status=503)
        self.assertEqual(call("DELETE", f"{self.base}/richmenu/{rich_menu_id}", headers=self.auth)[0], 503)
        self.assertIn(rich_menu_id, self.line.rich_menus)
        self.line.reset()
        self.assertEqual((self.line.rich_menus, self.line.rich_menu_calls), ({}, []))
