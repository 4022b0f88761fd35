"""Webhook bodies as LINE sends them (shapes from the Messaging API reference's webhook event objects), signed as
LINE signs them, and a test case that posts them to `/line/webhook`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from typing import Any

from django.test import override_settings

from tests.notify.support import line_id

SECRET = "line-channel-secret-for-tests"
USER = line_id("U", 0x4AF4980629)
OTHER_USER = line_id("U", 0x7C0FFEE)
GROUP = line_id("C", 0x4AF4980629)
ROOM = line_id("R", 0xB0B)
DESTINATION = line_id("U", 0xDE57)
TIMESTAMP = 1_767_400_000_000  # milliseconds, as LINE gives them
# Central Bangkok (Khet Pathum Wan), as a LINE location message carries it.
LATITUDE, LONGITUDE = 13.7465, 100.5347

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_serial = itertools.count(1)


def event_id() -> str:
    """A fresh webhookEventId: a ULID (26 characters of Crockford base32), as LINE's are."""
    n = next(_serial)
    tail = "".join(_CROCKFORD[(n >> (5 * i)) & 31] for i in range(12))[::-1]
    return "01JEX7M5QK9V3T" + tail


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def body(*events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": DESTINATION, "events": list(events)}, ensure_ascii=False).encode(
        "utf-8"
    )


def user_source(user: str = USER) -> dict[str, Any]:
    return {"type": "user", "userId": user}


def group_source(group: str = GROUP, user: str | None = USER) -> dict[str, Any]:
    source: dict[str, Any] = {"type": "group", "groupId": group}
    if user is not None:
        source["userId"] = user
    return source


def room_source(room: str = ROOM, user: str | None = USER) -> dict[str, Any]:
    source: dict[str, Any] = {"type": "room", "roomId": room}
    if user is not None:
        source["userId"] = user
    return source


def event(
    kind: str,
    *,
    source: dict[str, Any] | None = None,
    mode: str = "active",
    redelivery: bool = False,
    webhook_event_id: str | None = None,
    reply: bool = True,
    **fields: Any,
) -> dict[str, Any]:
    """One webhook event object: the common properties, then the kind's own."""
    raw: dict[str, Any] = {"type": kind, "mode": mode, "timestamp": TIMESTAMP}
    webhook_event_id = webhook_event_id or event_id()
    if reply:
        raw["replyToken"] = hashlib.md5(webhook_event_id.encode()).hexdigest()  # 32 hex digits, as LINE's
    raw["source"] = source if source is not None else user_source()
    raw["webhookEventId"] = webhook_event_id
    raw["deliveryContext"] = {"isRedelivery": redelivery}
    raw.update(fields)
    return raw


def text_message(text: str, *, full: bool = True, **options: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"id": "468789577898262530", "type": "text", "text": text}
    if full:
        message["quoteToken"] = "q3Plxr4AgKd7wEpRXPjbKKVHWgrVQqcWEJuWN0UORmomMjE8FvgZxzc4ks"
        message["emojis"] = [
            {"index": 0, "length": 6, "productId": "5ac1bfd5040ab15980c9b435", "emojiId": "001"}
        ]
    return event("message", message=message, **options)


def location_message(
    latitude: float = LATITUDE, longitude: float = LONGITUDE, *, full: bool = True, **options: Any
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "id": "325708",
        "type": "location",
        "latitude": latitude,
        "longitude": longitude,
    }
    if full:
        message["title"] = "ตำแหน่งของฉัน"
        message["address"] = "ถนนพระรามที่ 1 แขวงปทุมวัน เขตปทุมวัน กรุงเทพมหานคร 10330 ประเทศไทย"
    return event("message", message=message, **options)


def image_message(*, full: bool = True, **options: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "id": "354718705033693859",
        "type": "image",
        "contentProvider": {"type": "line"},
    }
    if full:
        message["quoteToken"] = "q3Plxr4AgKd7wEpRXPjbKKVHWgrVQqcWEJuWN0UORmomMjE8FvgZxzc4ks"
        message["imageSet"] = {
            "id": "E005D41A7288F41B65593ED38FF6E9834B046AB36A37921A56BC236F13A91855",
            "index": 1,
            "total": 2,
        }
    return event("message", message=message, **options)


def sticker_message(**options: Any) -> dict[str, Any]:
    message = {
        "id": "1501597916",
        "type": "sticker",
        "packageId": "446",
        "stickerId": "1988",
        "stickerResourceType": "STATIC",
    }
    return event("message", message=message, **options)


def follow(*, full: bool = True, **options: Any) -> dict[str, Any]:
    if full:
        options["follow"] = {"isUnblocked": False}
    return event("follow", **options)


def unfollow(**options: Any) -> dict[str, Any]:
    return event("unfollow", reply=False, **options)


def postback(data: str, *, full: bool = True, **options: Any) -> dict[str, Any]:
    content: dict[str, Any] = {"data": data}
    if full:
        content["params"] = {}
    return event("postback", postback=content, **options)


def join(source: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    return event("join", source=source or {"type": "group", "groupId": GROUP}, **options)


def leave(source: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    return event("leave", source=source or {"type": "group", "groupId": GROUP}, reply=False, **options)


class WebhookMixin:
    """Sets the channel secret and posts signed bodies to the webhook; with a LINE stand-in (`self.line`), each
    event's reply token is issued there first, as LINE issues one with each event it delivers."""

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        overrides = override_settings(LINE_CHANNEL_SECRET=SECRET)
        overrides.enable()
        self.addCleanup(overrides.disable)  # type: ignore[attr-defined]

    def deliver(self, *events: dict[str, Any], signature: str | None = None, raw: bytes | None = None) -> Any:
        data = raw if raw is not None else body(*events)
        line = getattr(self, "line", None)
        for one in events:
            user = (one.get("source") or {}).get("userId")
            first = not (one.get("deliveryContext") or {}).get("isRedelivery")
            if line is not None and one.get("replyToken") and user and first:
                line.reply_token_issue(one["replyToken"], to=user)
        headers = {} if signature == "" else {"x-line-signature": signature or sign(data)}
        return self.client.post(  # type: ignore[attr-defined]
            "/line/webhook", data=data, content_type="application/json", headers=headers
        )
