"""The LINE chat simulator (development only, RAKSA_LINE_SIMULATOR): a person in a browser plays a LINE user.

What she does becomes the webhook event LINE would send (`simulated_event`): a fresh `webhookEventId` (a ULID,
as LINE's are), a reply token issued on the LINE stand-in at LINE_API_BASE (`POST /_reply_tokens`, as LINE issues
one with each event), the body signed with LINE_CHANNEL_SECRET by the stand-in's own code and posted to the app's
own `/line/webhook` (`simulator_deliver`). The webhook cannot tell it from LINE. What the bot answers is read back
from what the stand-in recorded for her user id (`simulator_received`), replies and pushes alike.

The rich menu panel (`rich_menu_panel`) is made from the real rich menu's panels (richmenu.py, whose actions are
the welcome's quick replies' postback data in messages.py), so a tap on it sends what the real one sends.
"""

from __future__ import annotations

import secrets
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from raksa.core.errors import INVALID_CHOICE, OUT_OF_RANGE, REQUIRED, TOO_LONG
from raksa.core.http import HttpError, get_json, post_json
from raksa.intake.line import messages
from raksa.intake.line.richmenu import panels
from raksa.notify.standins import (
    PROFILES_PATH,
    REPLY_TOKENS_PATH,
    line_event_id,
    line_user_event,
    line_webhook_post,
)

# LINE's limits: a text message's length (UTF-16 units, here counted in characters), a postback's data.
TEXT_MAX = 5000
POSTBACK_DATA_MAX = 300
PLACE_MAX = 100
# The hosts of the real Messaging API: the simulator never talks to them.
_REAL_LINE_HOSTS = ("line.me", "line-apps.com")
STAND_IN_TIMEOUT = 3.0
# The stand-in's content store: what `GET /v2/bot/message/{messageId}/content` answers.
CONTENT_PATH = "/_content/"
WEBHOOK_TIMEOUT = 10.0


class SimulatorUnavailable(Exception):
    """The simulator cannot work: no channel secret, no stand-in at LINE_API_BASE, or it did not answer."""


def simulator_user_new() -> str:
    """A LINE user id: U and 32 hexadecimal digits."""
    return "U" + secrets.token_hex(16)


def _message_id() -> str:
    return str(secrets.randbelow(9 * 10**17) + 10**17)  # 18 digits, as LINE's message ids


def _text(data: dict[str, Any], name: str, what_th: str, what_en: str, limit: int, *, required: bool) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise REQUIRED.error(field=name, what_th=what_th, what_en=what_en)
        return ""
    if not isinstance(value, str):
        raise INVALID_CHOICE.error(field=name, what_th=what_th, what_en=what_en, value=type(value).__name__)
    if required and not value.strip():
        raise REQUIRED.error(field=name, what_th=what_th, what_en=what_en)
    if len(value) > limit:
        raise TOO_LONG.error(field=name, what_th=what_th, what_en=what_en, limit=limit)
    return value


def _coordinate(data: dict[str, Any], name: str, what_th: str, what_en: str, bound: float) -> float:
    raw = data.get(name)
    if raw is None or raw == "":
        raise REQUIRED.error(field=name, what_th=what_th, what_en=what_en)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise OUT_OF_RANGE.error(
            field=name, what_th=what_th, what_en=what_en, low=-bound, high=bound
        ) from None
    if isinstance(raw, bool) or not -bound <= value <= bound:
        raise OUT_OF_RANGE.error(field=name, what_th=what_th, what_en=what_en, low=-bound, high=bound)
    return value


def simulated_event(kind: str, *, user: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The webhook event LINE sends when a user does `kind` (follow, text, postback, location, image), its
    content taken from `data` as the page sent it. Raises RaksaError naming the field for bad input."""
    data = data or {}
    now_ms = int(time.time() * 1000)
    event = line_user_event(
        "message",
        user=user,
        now_ms=now_ms,
        event_id=line_event_id(now_ms, secrets.randbits(80)),
        reply_token=secrets.token_hex(16),
    )
    quote = secrets.token_urlsafe(42)
    if kind == "follow":
        event["type"] = "follow"
        event["follow"] = {"isUnblocked": False}
    elif kind == "text":
        text = _text(data, "text", "ข้อความ", "The text", TEXT_MAX, required=True)
        event["message"] = {"id": _message_id(), "type": "text", "quoteToken": quote, "text": text}
    elif kind == "postback":
        event["type"] = "postback"
        postback = _text(data, "data", "ข้อมูลของปุ่ม", "The postback data", POSTBACK_DATA_MAX, required=True)
        event["postback"] = {"data": postback}
    elif kind == "location":
        message: dict[str, Any] = {
            "id": _message_id(),
            "type": "location",
            "latitude": _coordinate(data, "latitude", "ละติจูด", "The latitude", 90),
            "longitude": _coordinate(data, "longitude", "ลองจิจูด", "The longitude", 180),
        }
        # LINE sends a title and an address when the app knows them (a named place); a bare pin has none.
        for name, what_th, what_en in (("title", "ชื่อสถานที่", "The title"), ("address", "ที่อยู่", "The address")):
            value = _text(data, name, what_th, what_en, PLACE_MAX, required=False).strip()
            if value:
                message[name] = value
        event["message"] = message
    elif kind == "image":
        message_id = _text(data, "id", "รหัสรูป", "The image id", 32, required=True)
        event["message"] = {
            "id": message_id,
            "type": "image",
            "quoteToken": quote,
            "contentProvider": {"type": "line"},
        }
    else:
        raise INVALID_CHOICE.error(field="type", what_th="ประเภท", what_en="type", value=str(kind)[:32])
    return event


def stand_in_base() -> str:
    """LINE_API_BASE, when it is a stand-in (the simulator needs one: it issues the reply tokens there)."""
    base = settings.LINE_API_BASE.rstrip("/")
    host = (urlsplit(base).hostname or "").lower()
    if any(host == real or host.endswith("." + real) for real in _REAL_LINE_HOSTS):
        raise SimulatorUnavailable(f"LINE_API_BASE is the real LINE API ({base}): point it at a stand-in")
    return base


def simulator_deliver(*, event: dict[str, Any], webhook_url: str) -> int:
    """Issue the event's reply token on the stand-in, then post the event to the webhook signed as LINE signs
    it; the status the webhook answered."""
    secret = settings.LINE_CHANNEL_SECRET
    if not secret:
        raise SimulatorUnavailable("LINE_CHANNEL_SECRET is not set: the webhook would refuse every event")
    base = stand_in_base()
    token = event.get("replyToken")
    if token:
        try:
            post_json(
                base + REPLY_TOKENS_PATH,
                {"replyToken": token, "to": event["source"]["userId"]},
                timeout=STAND_IN_TIMEOUT,
            )
        except HttpError as exc:
            raise SimulatorUnavailable(f"the LINE stand-in did not issue the reply token: {exc}") from exc
    try:
        return line_webhook_post(webhook_url, [event], secret=secret, timeout=WEBHOOK_TIMEOUT)
    except OSError as exc:  # refused, timed out
        raise SimulatorUnavailable(f"the webhook did not answer: {exc}") from exc


def simulator_profile_set(*, user: str, language: str) -> None:
    """Her LINE profile on the stand-in (`POST /_profiles`), which the app asks for when she adds the account:
    her LINE app's language is the simulator page's."""
    name = "ผู้ใช้ทดลอง" if language == messages.THAI else "Test user"
    try:
        post_json(
            stand_in_base() + PROFILES_PATH,
            {"userId": user, "displayName": name, "language": language},
            timeout=STAND_IN_TIMEOUT,
        )
    except HttpError as exc:
        raise SimulatorUnavailable(f"the LINE stand-in did not take the profile: {exc}") from exc


def simulator_content_put(*, data: bytes, content_type: str) -> str:
    """Keep a photo in the stand-in's content store (`POST /_content/{messageId}`, the raw bytes), where the
    app's content API call will find it; the new message id."""
    message_id = _message_id()
    request = urllib.request.Request(
        f"{stand_in_base()}{CONTENT_PATH}{message_id}",
        data=data,
        method="POST",
        headers={"Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=STAND_IN_TIMEOUT):
            pass
    except urllib.error.HTTPError as exc:
        raise SimulatorUnavailable(f"the LINE stand-in did not keep the photo: HTTP {exc.code}") from exc
    except OSError as exc:
        raise SimulatorUnavailable(f"the LINE stand-in did not answer: {exc}") from exc
    return message_id


def simulator_received(*, user: str, after: int = 0) -> tuple[list[dict[str, Any]], int]:
    """What the bot sent her, replies and pushes, oldest first, from the `after`-th on; and how many in all."""
    try:
        answer = get_json(f"{stand_in_base()}/_received?to={user}", timeout=STAND_IN_TIMEOUT)
    except HttpError as exc:
        raise SimulatorUnavailable(f"the LINE stand-in did not answer: {exc}") from exc
    items = (answer or {}).get(user) or []
    shown = [
        {"via": item.get("via", "push"), "messages": item.get("messages", [])}
        for item in items[max(after, 0) :]
        if isinstance(item, dict)
    ]
    return shown, len(items)


def rich_menu_panel() -> list[dict[str, Any]]:
    """The rich menu's panels as the simulator draws them, in the real menu's order and layout (richmenu.py:
    three emergencies above, two below, and track / other / 1300 stacked in the last), each with the very action
    the real menu sends and its Thai and English names as its picture shows them."""
    areas = []
    for panel in panels():
        action = panel.action
        data = str(action.get("data", ""))
        if data.startswith("emergency="):
            kind = data.split("=", 1)[1]
        else:
            kind = {messages.TRACK: "track", messages.OTHER: "other"}.get(data, "call")
        areas.append({"thai": panel.thai, "english": panel.english, "kind": kind, "action": dict(action)})
    return areas
