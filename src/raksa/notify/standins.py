"""Local stand-ins for the providers notify talks to: the LINE Messaging API's push endpoint and an SMS gateway.

Each is a small HTTP server on a thread of its own that speaks the real protocol (what it checks, what it answers,
the errors in the provider's own shape), so tests and the demo drive the real transports over a real socket and
nothing reaches the network. Each records what it accepted, per recipient, once per message (a retried request
with the same retry key or Idempotency-Key is answered as the provider would, not recorded again), and shows it
as a Python API (`received()`) and as `GET /_received`; its other control endpoints (`/_...`, such as the LINE
stand-in's `POST /_reply_tokens`) let another process drive it. It can be told to fail the next requests with a
status, or to drop the connection before or after accepting them, to exercise retries.

    with LineStandIn() as line:                  # started on a free port
        ...LINE_API_BASE=line.base_url, LINE_CHANNEL_ACCESS_TOKEN=line.token...
        line.fail_next(2, status=500)
        line.received("C0123...")                 # what that group got

`raksa standins` runs both in the foreground (for the demo).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import re
import secrets
import signal
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlsplit
from urllib.request import Request as UrlRequest
from urllib.request import urlopen

from raksa.core.identifiers import normalize_phone

__all__ = [
    "LineStandIn",
    "Request",
    "SmsStandIn",
    "StandIn",
    "line_event_id",
    "line_signature",
    "line_user_event",
    "line_webhook_post",
]

LINE_TOKEN = "standin-line-channel-access-token"
SMS_TOKEN = "standin-sms-gateway-token"
PUSH_PATH = "/v2/bot/message/push"
REPLY_PATH = "/v2/bot/message/reply"
LOADING_PATH = "/v2/bot/chat/loading/start"
PROFILE_PATH = "/v2/bot/profile/"
# The content API (api-data.line.me): what a user sent in an image, video, audio or file message.
CONTENT_PATH = re.compile(r"^/v2/bot/message/([^/]+)/content$")
# Where a test or the simulator, from another process, puts a message's content for the stand-in to serve.
CONTENT_PUT_PATH = re.compile(r"^/_content/([^/]+)$")
# Rich menus: the objects on api.line.me, their images on api-data.line.me (both served here on one base).
RICH_MENU_PATH = "/v2/bot/richmenu"
RICH_MENU_DEFAULT_PATH = "/v2/bot/user/all/richmenu"
RICH_MENU_IMAGE_MAX_BYTES = 1024 * 1024
# A reply token is good for about a minute after its event, and for one reply.
REPLY_TOKEN_SECONDS = 60
SMS_PATH = "/v1/messages"
RECEIVED_PATH = "/_received"
# Control endpoints (a stand-in's own, not the provider's) start with this; they are neither recorded nor failed.
CONTROL_PREFIX = "/_"
# `POST /_reply_tokens` {"replyToken", "to", "seconds"?}: reply_token_issue from another process (the simulator).
REPLY_TOKENS_PATH = "/_reply_tokens"
# `POST /_profiles` {"userId", "displayName"?, "language"?}: profile_set from another process.
PROFILES_PATH = "/_profiles"
# How often the server loop looks for a stop request: stop() waits up to this long (tests stop many servers).
SHUTDOWN_POLL_SECONDS = 0.02


@dataclass(frozen=True)
class Request:
    """One request as it reached a stand-in, whatever was answered."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as it is (a photo), with its own Content-Type in `headers`; else JSON


# What `answer_get` returns to close the connection without an answer.
DROP = Answer(0, None)


@dataclass
class _Failure:
    status: int = 500
    drop: bool = False  # close the connection without an answer
    after_accept: bool = False  # ...after the request was accepted (its answer lost on the way back)


class StandIn:
    """A ThreadingHTTPServer in a daemon thread, with what every stand-in shares: the record, planned failures,
    a hook before each answer, `GET /_received`. Subclasses answer `POST`s in `answer()`."""

    name = "stand-in"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._lock = threading.Lock()
        self._failures: deque[_Failure] = deque()
        self._received: list[dict[str, Any]] = []
        self.requests: list[Request] = []
        # Called with each POST before it is answered, in the server's thread (a test looks at the database
        # from there while the client waits).
        self.before_answer: Callable[[Request], None] | None = None
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- running

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name=f"standin-{self.name}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- what tests and the demo ask

    def received(self, to: str | None = None) -> list[dict[str, Any]]:
        """What was accepted, oldest first: everything, or what one recipient got."""
        with self._lock:
            return [dict(item) for item in self._received if to is None or item["to"] == to]

    def received_by_recipient(self) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for item in self.received():
            grouped.setdefault(item["to"], []).append(item)
        return grouped

    def fail_next(self, count: int = 1, *, status: int = 500) -> None:
        """Answer the next `count` POSTs (and the LINE stand-in's content GETs) with this status (in the
        provider's error shape), accepting nothing."""
        with self._lock:
            self._failures.extend(_Failure(status=status) for _ in range(count))

    def drop_next(self, count: int = 1, *, after_accept: bool = False) -> None:
        """Close the connection on the next `count` POSTs without answering; with `after_accept`, only after
        accepting them (the provider sent the message, the answer was lost)."""
        with self._lock:
            self._failures.extend(_Failure(drop=True, after_accept=after_accept) for _ in range(count))

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._received.clear()
            self.requests.clear()
            self._forget()

    # -- for subclasses

    def answer(self, request: Request) -> Answer:
        raise NotImplementedError

    def answer_get(self, request: Request) -> Answer | None:
        """A GET of the provider's API (None: not one it has, 404)."""
        return None

    def error_body(self, status: int) -> Any:
        return {"message": f"status {status}"}

    def control(self, request: Request) -> Answer | None:
        """A POST to one of the stand-in's own control endpoints (CONTROL_PREFIX), answered here, neither
        recorded nor failed; None: not one of these (the POST is then handled as any other)."""
        return None

    def _forget(self) -> None:
        """Forget what the subclass remembers (accepted keys), under the lock."""

    def _record(self, item: dict[str, Any]) -> None:
        self._received.append(item)  # under the lock, from answer()

    # -- the server

    def _handle_post(self, request: Request) -> Answer | None:
        with self._lock:
            self.requests.append(request)
        if self.before_answer is not None:
            self.before_answer(request)
        with self._lock:
            failure = self._failures.popleft() if self._failures else None
        if failure is not None and not failure.after_accept:
            return None if failure.drop else Answer(failure.status, self.error_body(failure.status))
        answer = self.answer(request)
        return None if failure is not None else answer

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real APIs do (the LINE SDK pools connections)
            # The headers and the body go out in two writes: with Nagle's algorithm the body would wait for the
            # client's delayed ACK, about 40 ms on every answer, which no provider's own server adds.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {name.lower(): value for name, value in self.headers.items()}
                request = Request(method="POST", path=self.path, headers=headers, body=body)
                control = (
                    stand_in.control(request) if urlsplit(self.path).path.startswith(CONTROL_PREFIX) else None
                )
                if control is not None:
                    self._reply(control)
                    return
                answer = stand_in._handle_post(request)
                if answer is None:
                    self.close_connection = True  # the client sees the connection close, no answer
                    return
                self._reply(answer)

            def do_DELETE(self) -> None:  # noqa: N802 (LINE deletes rich menus so; planned failures apply)
                headers = {name.lower(): value for name, value in self.headers.items()}
                request = Request(method="DELETE", path=self.path, headers=headers, body=b"")
                answer = stand_in._handle_post(request)
                if answer is None:
                    self.close_connection = True
                    return
                self._reply(answer)

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                if parts.path != RECEIVED_PATH:
                    headers = {name.lower(): value for name, value in self.headers.items()}
                    request = Request(method="GET", path=self.path, headers=headers, body=b"")
                    answer = stand_in.answer_get(request)
                    if answer is DROP:
                        self.close_connection = True  # the client sees the connection close, no answer
                        return
                    self._reply(answer or Answer(404, stand_in.error_body(404)))
                    return
                to = parse_qs(parts.query).get("to", [None])[0]
                if to is None:
                    self._reply(Answer(200, stand_in.received_by_recipient()))
                else:
                    self._reply(Answer(200, {to: stand_in.received(to)}))

            def _reply(self, answer: Answer) -> None:
                if answer.raw is not None:
                    data = answer.raw
                    kind = answer.headers.get("Content-Type", "application/octet-stream")
                else:
                    data = json.dumps(answer.body, ensure_ascii=False).encode("utf-8")
                    kind = "application/json; charset=utf-8"
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in answer.headers.items():
                        if name == "Content-Type":
                            continue
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (its timeout)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


# The message types of the Messaging API and the properties each must have.
_LINE_REQUIRED: dict[str, tuple[str, ...]] = {
    "text": ("text",),
    "sticker": ("packageId", "stickerId"),
    "image": ("originalContentUrl", "previewImageUrl"),
    "video": ("originalContentUrl", "previewImageUrl"),
    "audio": ("originalContentUrl", "duration"),
    "location": ("title", "address", "latitude", "longitude"),
    "imagemap": ("baseUrl", "altText", "baseSize", "actions"),
    "template": ("altText", "template"),
    "flex": ("altText", "contents"),
}
_LINE_TO = re.compile(r"^[UCR][0-9a-f]{32}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_LINE_ERRORS = {
    400: "The request body has 1 error(s)",
    401: "Authentication failed. Confirm that the access token in the authorization header is valid.",
    403: "The channel does not have permission for this operation.",
    404: "Not found",
    429: "The API rate limit has been exceeded. Try again later.",
    500: "An error occurred in the internal server.",
}


def run_in_foreground(stand_ins: list[StandIn], say: Callable[[str], None], lines: list[str]) -> None:
    """What `raksa standins` and `raksa line stand-in` do: serve the stand-ins, print `lines` (their settings),
    and keep serving until Ctrl-C or SIGTERM."""
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():  # signals reach only the main thread
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with ExitStack() as serving:
        for stand_in in stand_ins:
            serving.enter_context(stand_in)
        for line in lines:
            say(line)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def line_event_id(now_ms: int, random_bits: int) -> str:
    """A `webhookEventId` as LINE makes them: a ULID, 48 bits of milliseconds then 80 random bits, 26 characters
    of Crockford's base 32."""
    value = (now_ms << 80) | (random_bits & ((1 << 80) - 1))
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in range(25, -1, -1))


def line_user_event(
    kind: str, *, user: str, now_ms: int, event_id: str, mode: str = "active", reply_token: str | None = None
) -> dict[str, Any]:
    """The part every webhook event from a user in a one-to-one chat carries; the caller adds its content."""
    event: dict[str, Any] = {
        "type": kind,
        "mode": mode,
        "timestamp": now_ms,
        "source": {"type": "user", "userId": user},
        "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": False},
    }
    if reply_token is not None:
        event["replyToken"] = reply_token
    return event


def line_signature(body: bytes, *, secret: str) -> str:
    """`x-line-signature` as LINE computes it: Base64 of the HMAC-SHA256 of the exact bytes, keyed with the
    channel secret."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode()


def line_webhook_post(
    url: str,
    events: list[dict[str, Any]],
    *,
    secret: str,
    redelivery: bool = False,
    destination: str = "U" + "0" * 32,
    timeout: float = 5,
) -> int:
    """POST events to a bot's webhook as LINE does (its body, its signature, its User-Agent); the status the
    bot answered. Each event's `deliveryContext.isRedelivery` is set to `redelivery`. Issuing the events' reply
    tokens is the caller's part (LineStandIn.webhook_deliver, or `POST /_reply_tokens` on a stand-in)."""
    sent = [{**one, "deliveryContext": {"isRedelivery": redelivery}} for one in events]
    body = json.dumps({"destination": destination, "events": sent}, ensure_ascii=False).encode("utf-8")
    request = UrlRequest(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "x-line-signature": line_signature(body, secret=secret),
            "User-Agent": "LineBotWebhook/2.0",
        },
    )
    try:
        with urlopen(request, timeout=timeout) as answer:
            return int(answer.status)
    except HTTPError as exc:
        return int(exc.code)


class LineStandIn(StandIn):
    """`POST /v2/bot/message/push`, `POST /v2/bot/message/reply` and `POST /v2/bot/chat/loading/start` of the
    LINE Messaging API.

    Requires `Authorization: Bearer <token>`; checks the body (`to` a user, group or room id; `messages` 1 to 5,
    each of a known type with its required properties, texts within LINE's limits) and answers 400 or 401 in
    LINE's error shape, `{"message": ..., "details": [{"message": ..., "property": ...}]}`. Accepted: 200
    `{"sentMessages": [{"id", "quoteToken"}]}` with `x-line-request-id`. A repeated `X-Line-Retry-Key` is
    answered 409 with `x-line-accepted-request-id` (the first request's id) and not recorded again.

    A reply needs a token the stand-in issued (`reply_token_issue`, as LINE issues one with each webhook event
    that can be answered): good for one reply within REPLY_TOKEN_SECONDS; an unknown, used or expired token is
    answered 400 `{"message": "Invalid reply token"}`, as LINE does. Accepted replies are recorded like pushes,
    `to` being the user the token was issued for and `via` "reply" (a push's is "push"). A loading animation
    (`chatId` a user id, `loadingSeconds` 5 to 60 in steps of 5) is answered 202 and kept in `loading`.
    `GET /v2/bot/profile/{userId}` answers what `profile_set` gave for that user, else 404.

    The content API (api-data.line.me, served on the same port: point LINE_API_DATA_BASE here too):
    `GET /v2/bot/message/{messageId}/content` answers the bytes `content_put(message_id, data, content_type)`
    gave, with that Content-Type, else 404 `{"message": "Not found"}`; `fail_next` and `drop_next` apply to it.
    Another process (the chat simulator) puts content with `POST /_content/{messageId}`, the raw bytes as body
    and their type as Content-Type: a control call, never recorded, never failed. So are `POST /_reply_tokens`
    (`reply_token_issue`) and `POST /_profiles` (`profile_set`), with which the simulator plays LINE's part.
    Rich menus (`_rich_menu_answer`): create, upload the image, list, get, delete, set, get and cancel the default,
    checked as LINE checks them; kept in `rich_menus` (id -> the object with its `richMenuId`), their images in
    `rich_menu_images` (id -> (content type, bytes)), the default in `rich_menu_default`, and every call in
    `rich_menu_calls` ("METHOD path status"). `rich_menu_add` puts one there as if made another way.
    """

    name = "line"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, token: str = LINE_TOKEN) -> None:
        super().__init__(host=host, port=port)
        self.token = token
        self._accepted: dict[str, dict[str, Any]] = {}
        self._reply_tokens: dict[str, tuple[str, float]] = {}  # token -> (user, good until), until used
        self.loading: list[dict[str, Any]] = []  # the loading animations asked for, oldest first
        self.profiles: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, tuple[bytes, str]] = {}  # message id -> (bytes, content type)
        self.rich_menus: dict[str, dict[str, Any]] = {}
        self.rich_menu_images: dict[str, tuple[str, bytes]] = {}
        self.rich_menu_default: str | None = None
        self.rich_menu_calls: list[str] = []

    def profile_set(self, user: str, *, display_name: str = "ผู้ใช้ LINE", language: str | None = "th") -> None:
        """What `GET /v2/bot/profile/{user}` answers for a user (who then counts as a friend of the account)."""
        profile: dict[str, Any] = {"userId": user, "displayName": display_name}
        if language is not None:
            profile["language"] = language
        with self._lock:
            self.profiles[user] = profile

    def answer_get(self, request: Request) -> Answer | None:
        path = urlsplit(request.path).path
        if CONTENT_PATH.match(path):
            return self._content_get(request)
        if path.startswith((RICH_MENU_PATH, RICH_MENU_DEFAULT_PATH)):
            return self._rich_menu_answer(request)
        if not path.startswith(PROFILE_PATH):
            return None
        ids = {"x-line-request-id": str(uuid.uuid4())}
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Answer(401, {"message": _LINE_ERRORS[401]}, ids)
        with self._lock:
            profile = self.profiles.get(path[len(PROFILE_PATH) :])
        if profile is None:  # not a friend, blocked, or no such user: LINE's 404
            return Answer(404, {"message": "Not found"}, ids)
        return Answer(200, profile, ids)

    def reply_token_issue(self, token: str, *, to: str, seconds: float = REPLY_TOKEN_SECONDS) -> str:
        """Make `token` good for one reply to `to` for `seconds` from now (by time.time())."""
        with self._lock:
            self._reply_tokens[token] = (to, time.time() + seconds)
        return token

    def error_body(self, status: int) -> Any:
        return {"message": _LINE_ERRORS.get(status, "An error occurred."), "details": []}

    def control(self, request: Request) -> Answer | None:
        path = urlsplit(request.path).path
        if path == REPLY_TOKENS_PATH:
            return self._reply_tokens_post(request)
        if path == PROFILES_PATH:
            return self._profiles_post(request)
        return None

    def _profiles_post(self, request: Request) -> Answer:
        """`POST /_profiles` {"userId", "displayName"?, "language"?}: as profile_set, for another process (the
        chat simulator: her LINE app's language). 201 with the profile `GET /v2/bot/profile/{userId}` answers."""
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return Answer(400, {"message": "The request body must be a JSON object", "details": []})
        user, name = body.get("userId"), body.get("displayName", "ผู้ใช้ LINE")
        language = body.get("language", "th")
        problems = []
        if not isinstance(user, str) or not re.match(r"^U[0-9a-f]{32}$", user):
            problems.append(("userId", "must be a user ID"))
        if not isinstance(name, str) or not name.strip():
            problems.append(("displayName", "must be specified"))
        if language is not None and (
            not isinstance(language, str) or not re.match(r"^[a-z]{2}(-[A-Za-z]+)?$", language)
        ):
            problems.append(("language", "must be a language code"))
        if problems:
            details = [{"message": message, "property": prop} for prop, message in problems]
            return Answer(
                400, {"message": f"The request body has {len(details)} error(s)", "details": details}
            )
        self.profile_set(str(user), display_name=str(name), language=language)
        with self._lock:
            return Answer(201, dict(self.profiles[str(user)]))

    def _reply_tokens_post(self, request: Request) -> Answer:
        """`POST /_reply_tokens` {"replyToken", "to", "seconds"?}: as reply_token_issue, for a process that
        delivers its own webhook events (the chat simulator). 201 `{"replyToken", "to", "expiresIn"}`."""
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return Answer(400, {"message": "The request body must be a JSON object", "details": []})
        token, to, seconds = body.get("replyToken"), body.get("to"), body.get("seconds", REPLY_TOKEN_SECONDS)
        problems = []
        if not isinstance(token, str) or not token:
            problems.append(("replyToken", "must be specified"))
        if not isinstance(to, str) or not re.match(r"^U[0-9a-f]{32}$", to):
            problems.append(("to", "must be a user ID"))
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds <= 3600:
            problems.append(("seconds", "must be a number of seconds between 0 and 3600"))
        if problems:
            details = [{"message": message, "property": prop} for prop, message in problems]
            return Answer(
                400, {"message": f"The request body has {len(details)} error(s)", "details": details}
            )
        self.reply_token_issue(str(token), to=str(to), seconds=float(seconds))
        return Answer(201, {"replyToken": token, "to": to, "expiresIn": seconds})

    def _forget(self) -> None:
        self._accepted.clear()
        self._reply_tokens.clear()
        self.loading.clear()
        self.profiles.clear()
        self.contents.clear()
        self._rich_menus_forget()

    # -- the content API

    def content_put(self, message_id: str, data: bytes, content_type: str) -> None:
        """What `GET /v2/bot/message/{message_id}/content` answers: the bytes a user sent in that message."""
        with self._lock:
            self.contents[message_id] = (bytes(data), content_type)

    def _handle_post(self, request: Request) -> Answer | None:
        put = CONTENT_PUT_PATH.match(urlsplit(request.path).path)
        if put is None:
            return super()._handle_post(request)
        # A control call, not LINE's API: not recorded, and planned failures are not spent on it.
        kind = request.headers.get("content-type") or "application/octet-stream"
        self.content_put(put.group(1), request.body, kind)
        return Answer(200, {})

    def _content_get(self, request: Request) -> Answer | None:
        """`GET /v2/bot/message/{messageId}/content` of api-data.line.me: the bytes with their Content-Type, or
        404 `{"message": "Not found"}` for a message it has nothing for. The failures planned with `fail_next`
        and `drop_next` apply to it as to the POSTs (LINE's content API down or slow)."""
        with self._lock:
            self.requests.append(request)
            failure = self._failures.popleft() if self._failures else None
        ids = {"x-line-request-id": str(uuid.uuid4())}
        if failure is not None:
            if failure.drop:
                return DROP
            return Answer(failure.status, self.error_body(failure.status), ids)
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Answer(401, {"message": _LINE_ERRORS[401]}, ids)
        match = CONTENT_PATH.match(urlsplit(request.path).path)
        with self._lock:
            found = self.contents.get(match.group(1)) if match else None
        if found is None:
            return Answer(404, {"message": "Not found"}, ids)
        data, kind = found
        return Answer(200, None, {**ids, "Content-Type": kind}, raw=data)

    def webhook_deliver(
        self,
        url: str,
        events: list[dict[str, Any]],
        *,
        secret: str,
        redelivery: bool = False,
        destination: str = "U" + "0" * 32,
        timeout: float = 5,
    ) -> int:
        """Deliver events to a bot's webhook as LINE does; the status it answered.

        The body is `{"destination", "events"}`, signed in `x-line-signature` (Base64 of the HMAC-SHA256 of the
        exact bytes, keyed with the channel secret). Each event's `deliveryContext.isRedelivery` is set to
        `redelivery`; on a first delivery, each event's reply token is issued here, so the bot can reply to it.
        """
        if not redelivery:
            for one in events:
                user = (one.get("source") or {}).get("userId")
                if one.get("replyToken") and user:
                    self.reply_token_issue(str(one["replyToken"]), to=str(user))
        return line_webhook_post(
            url, events, secret=secret, redelivery=redelivery, destination=destination, timeout=timeout
        )

    def answer(self, request: Request) -> Answer:
        request_id = str(uuid.uuid4())
        ids = {"x-line-request-id": request_id}
        path = urlsplit(request.path).path
        if path.startswith((RICH_MENU_PATH, RICH_MENU_DEFAULT_PATH)):
            return self._rich_menu_answer(request)
        if path not in (PUSH_PATH, REPLY_PATH, LOADING_PATH):
            return Answer(404, self.error_body(404), ids)
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Answer(401, {"message": _LINE_ERRORS[401]}, ids)
        if path == REPLY_PATH:
            return self._reply(request, request_id)
        if path == LOADING_PATH:
            return self._loading(request, request_id)
        retry_key = request.headers.get("x-line-retry-key")
        if retry_key is not None and not _UUID.match(retry_key):
            return Answer(400, {"message": "The value for the 'X-Line-Retry-Key' header is invalid"}, ids)
        try:
            body = request.json()
        except ValueError:
            return Answer(400, {"message": "The request body is not valid JSON", "details": []}, ids)
        problems = self._check(body)
        if problems:
            details = [{"message": message, "property": prop} for prop, message in problems]
            return Answer(
                400, {"message": f"The request body has {len(details)} error(s)", "details": details}, ids
            )
        with self._lock:
            if retry_key is not None and retry_key in self._accepted:
                first = self._accepted[retry_key]
                return Answer(
                    409,
                    {"message": "The retry key is already accepted", "sentMessages": first["sentMessages"]},
                    {**ids, "x-line-accepted-request-id": first["request_id"]},
                )
            sent = [
                {"id": str(secrets.randbelow(9 * 10**17) + 10**17), "quoteToken": secrets.token_urlsafe(24)}
                for _ in body["messages"]
            ]
            item = {
                "to": body["to"],
                "messages": body["messages"],
                "retry_key": retry_key,
                "request_id": request_id,
                "sentMessages": sent,
                "via": "push",
            }
            if retry_key is not None:
                self._accepted[retry_key] = item
            self._record(item)
        return Answer(200, {"sentMessages": sent}, ids)

    def _loading(self, request: Request, request_id: str) -> Answer:
        ids = {"x-line-request-id": request_id}
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return Answer(400, {"message": "The request body has 1 error(s)", "details": []}, ids)
        problems = []
        chat_id = body.get("chatId")
        if not isinstance(chat_id, str) or not re.match(r"^U[0-9a-f]{32}$", chat_id):
            problems.append(("chatId", "must be a user ID"))
        seconds = body.get("loadingSeconds", 20)
        if not isinstance(seconds, int) or not 5 <= seconds <= 60 or seconds % 5:
            problems.append(("loadingSeconds", "must be a multiple of 5 between 5 and 60"))
        if problems:
            details = [{"message": message, "property": prop} for prop, message in problems]
            return Answer(
                400, {"message": f"The request body has {len(details)} error(s)", "details": details}, ids
            )
        with self._lock:
            self.loading.append({"chatId": chat_id, "loadingSeconds": seconds})
        return Answer(202, {}, ids)

    def _reply(self, request: Request, request_id: str) -> Answer:
        ids = {"x-line-request-id": request_id}
        try:
            body = request.json()
        except ValueError:
            return Answer(400, {"message": "The request body is not valid JSON", "details": []}, ids)
        if not isinstance(body, dict):
            return Answer(400, {"message": "The request body has 1 error(s)", "details": []}, ids)
        problems = [] if body.get("replyToken") else [("replyToken", "must be specified")]
        problems += self._check_messages(body)
        if problems:
            details = [{"message": message, "property": prop} for prop, message in problems]
            return Answer(
                400, {"message": f"The request body has {len(details)} error(s)", "details": details}, ids
            )
        with self._lock:
            issued = self._reply_tokens.pop(str(body["replyToken"]), None)
            if issued is None or issued[1] < time.time():
                return Answer(400, {"message": "Invalid reply token"}, ids)
            sent = [
                {"id": str(secrets.randbelow(9 * 10**17) + 10**17), "quoteToken": secrets.token_urlsafe(24)}
                for _ in body["messages"]
            ]
            self._record(
                {
                    "to": issued[0],
                    "messages": body["messages"],
                    "retry_key": None,
                    "request_id": request_id,
                    "sentMessages": sent,
                    "via": "reply",
                    "reply_token": body["replyToken"],
                }
            )
        return Answer(200, {"sentMessages": sent}, ids)

    def _check(self, body: Any) -> list[tuple[str, str]]:
        if not isinstance(body, dict):
            return [("", "must be an object")]
        problems = []
        to = body.get("to")
        if not isinstance(to, str) or not to:
            problems.append(("to", "must be specified"))
        elif not _LINE_TO.match(to):
            problems.append(("to", "The property, 'to', in the request body is invalid"))
        return problems + self._check_messages(body)

    def _check_messages(self, body: dict[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            problems.append(("messages", "must be specified"))
            return problems
        if len(messages) > 5:
            problems.append(("messages", "Size must be between 1 and 5"))
        for index, message in enumerate(messages):
            where = f"messages[{index}]"
            if not isinstance(message, dict):
                problems.append((where, "must be an object"))
                continue
            kind = message.get("type")
            if kind not in _LINE_REQUIRED:
                problems.append((f"{where}.type", "Type not supported"))
                continue
            for prop in _LINE_REQUIRED[kind]:
                if message.get(prop) in (None, "", [], {}):
                    problems.append((f"{where}.{prop}", "must be specified"))
            if kind == "text" and isinstance(message.get("text"), str) and _utf16(message["text"]) > 5000:
                problems.append((f"{where}.text", "Length must be between 0 and 5000"))
            if kind == "flex":
                alt = message.get("altText")
                if isinstance(alt, str) and _utf16(alt) > 1500:
                    problems.append((f"{where}.altText", "Length must be between 0 and 1500"))
                contents = message.get("contents")
                if isinstance(contents, dict) and contents.get("type") not in ("bubble", "carousel"):
                    problems.append((f"{where}.contents.type", "Type not supported"))
        return problems

    # -- rich menus (api.line.me's objects, api-data.line.me's images)

    def rich_menu_add(
        self, menu: dict[str, Any], *, image: bytes | None = None, default: bool = False
    ) -> str:
        """Keep a rich menu as if it had been made another way (the console, another tool); its id."""
        rich_menu_id = "richmenu-" + secrets.token_hex(16)
        with self._lock:
            self.rich_menus[rich_menu_id] = {"richMenuId": rich_menu_id, **menu}
            if image is not None:
                self.rich_menu_images[rich_menu_id] = ("image/png", image)
            if default:
                self.rich_menu_default = rich_menu_id
        return rich_menu_id

    def _rich_menus_forget(self) -> None:
        self.rich_menus.clear()
        self.rich_menu_images.clear()
        self.rich_menu_default = None
        self.rich_menu_calls.clear()

    def _rich_menu_answer(self, request: Request) -> Answer:
        answer = self._rich_menu_route(request)
        with self._lock:
            self.rich_menu_calls.append(f"{request.method} {urlsplit(request.path).path} {answer.status}")
        return answer

    def _rich_menu_route(self, request: Request) -> Answer:
        ids = {"x-line-request-id": str(uuid.uuid4())}
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Answer(401, {"message": _LINE_ERRORS[401]}, ids)
        path = urlsplit(request.path).path
        method = request.method
        parts = path.split("/")  # "", "v2", "bot", ...
        if path == RICH_MENU_PATH and method == "POST":
            return self._rich_menu_create(request, ids)
        if path == RICH_MENU_PATH + "/list" and method == "GET":
            with self._lock:
                menus = [dict(menu) for menu in self.rich_menus.values()]
            return Answer(200, {"richmenus": menus}, ids)
        if path == RICH_MENU_DEFAULT_PATH and method in ("GET", "DELETE"):
            with self._lock:
                if method == "DELETE":
                    self.rich_menu_default = None
                    return Answer(200, {}, ids)
                default = self.rich_menu_default
            if default is None:
                return Answer(404, {"message": "no default richmenu"}, ids)
            return Answer(200, {"richMenuId": default}, ids)
        if path.startswith(RICH_MENU_DEFAULT_PATH + "/") and len(parts) == 7 and method == "POST":
            return self._rich_menu_set_default(parts[6], ids)
        if path.startswith(RICH_MENU_PATH + "/") and len(parts) == 5:
            rich_menu_id = parts[4]
            with self._lock:
                menu = self.rich_menus.get(rich_menu_id)
                if menu is not None and method == "DELETE":
                    del self.rich_menus[rich_menu_id]
                    self.rich_menu_images.pop(rich_menu_id, None)
                    if self.rich_menu_default == rich_menu_id:
                        self.rich_menu_default = None
            if menu is None:
                return Answer(404, {"message": "Not found"}, ids)
            if method == "GET":
                return Answer(200, dict(menu), ids)
            if method == "DELETE":
                return Answer(200, {}, ids)
        if (
            path.startswith(RICH_MENU_PATH + "/")
            and len(parts) == 6
            and parts[5] == "content"
            and method == "POST"
        ):
            return self._rich_menu_image_upload(parts[4], request, ids)
        return Answer(404, {"message": "Not found"}, ids)

    def _rich_menu_create(self, request: Request, ids: dict[str, str]) -> Answer:
        try:
            body = request.json()
        except ValueError:
            return Answer(400, {"message": "The request body is not valid JSON", "details": []}, ids)
        problems = _rich_menu_problems(body)
        if problems:
            details = [{"message": message, "property": prop} for prop, message in problems]
            return Answer(
                400, {"message": f"The request body has {len(details)} error(s)", "details": details}, ids
            )
        rich_menu_id = "richmenu-" + secrets.token_hex(16)
        menu = {"richMenuId": rich_menu_id, **{key: body[key] for key in _RICH_MENU_KEYS}}
        with self._lock:
            self.rich_menus[rich_menu_id] = menu
        return Answer(200, {"richMenuId": rich_menu_id}, ids)

    def _rich_menu_image_upload(self, rich_menu_id: str, request: Request, ids: dict[str, str]) -> Answer:
        with self._lock:
            menu = self.rich_menus.get(rich_menu_id)
            uploaded = rich_menu_id in self.rich_menu_images
        if menu is None:
            return Answer(404, {"message": "Not found"}, ids)
        kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if kind not in ("image/png", "image/jpeg"):
            return Answer(
                415, {"message": "The content type is not supported: use image/png or image/jpeg"}, ids
            )
        if len(request.body) > RICH_MENU_IMAGE_MAX_BYTES:
            return Answer(413, {"message": "The image is larger than 1 MB"}, ids)
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(request.body)) as image:
                found, size = image.format, image.size
        except (UnidentifiedImageError, OSError):
            return Answer(400, {"message": "The image could not be read"}, ids)
        if found != ("PNG" if kind == "image/png" else "JPEG"):
            return Answer(400, {"message": "The image could not be read"}, ids)
        if size != (menu["size"]["width"], menu["size"]["height"]):
            return Answer(400, {"message": "The image size does not match the rich menu's size"}, ids)
        with self._lock:
            if uploaded or rich_menu_id in self.rich_menu_images:
                return Answer(400, {"message": "An image has already been uploaded to the richmenu"}, ids)
            self.rich_menu_images[rich_menu_id] = (kind, request.body)
        return Answer(200, {}, ids)

    def _rich_menu_set_default(self, rich_menu_id: str, ids: dict[str, str]) -> Answer:
        with self._lock:
            if rich_menu_id not in self.rich_menus:
                return Answer(404, {"message": "Not found"}, ids)
            if rich_menu_id not in self.rich_menu_images:
                return Answer(400, {"message": "must upload richmenu image before applying it to user"}, ids)
            self.rich_menu_default = rich_menu_id
        return Answer(200, {}, ids)


_RICH_MENU_KEYS = ("size", "selected", "name", "chatBarText", "areas")
_RICH_MENU_ACTIONS = {
    "postback": ("data",),
    "message": ("text",),
    "uri": ("uri",),
    "datetimepicker": ("data", "mode"),
    "richmenuswitch": ("richMenuAliasId", "data"),
    "camera": (),
    "cameraRoll": (),
    "location": (),
    "clipboard": ("clipboardText",),
}


def _rich_menu_problems(body: Any) -> list[tuple[str, str]]:
    """What LINE refuses in a rich menu object: the size (width 800 to 2500, height 250 or more, at least 1.45
    times as wide as high), the name (1 to 300), the chat bar text (1 to 14), 1 to 20 areas, each within the
    menu and with an action LINE knows carrying what that action needs."""
    if not isinstance(body, dict):
        return [("", "must be an object")]
    problems: list[tuple[str, str]] = [
        (key, "must be specified") for key in _RICH_MENU_KEYS if key not in body
    ]
    size = body.get("size")
    width = height = None
    if isinstance(size, dict):
        width, height = size.get("width"), size.get("height")
        if not isinstance(width, int) or not 800 <= width <= 2500:
            problems.append(("size.width", "must be between 800 and 2500"))
            width = None
        if not isinstance(height, int) or height < 250:
            problems.append(("size.height", "must be 250 or more"))
            height = None
        if width and height and width / height < 1.45:
            problems.append(("size", "The aspect ratio (width / height) must be 1.45 or more"))
    elif "size" in body:
        problems.append(("size", "must be an object"))
    if "selected" in body and not isinstance(body["selected"], bool):
        problems.append(("selected", "must be a boolean"))
    for key, most in (("name", 300), ("chatBarText", 14)):
        value = body.get(key)
        if key in body and (not isinstance(value, str) or not 1 <= len(value) <= most):
            problems.append((key, f"Length must be between 1 and {most}"))
    areas = body.get("areas")
    if "areas" in body and (not isinstance(areas, list) or not 1 <= len(areas) <= 20):
        problems.append(("areas", "Size must be between 1 and 20"))
    for index, area in enumerate(areas if isinstance(areas, list) else []):
        where = f"areas[{index}]"
        if not isinstance(area, dict):
            problems.append((where, "must be an object"))
            continue
        bounds = area.get("bounds")
        found = [bounds.get(key) for key in ("x", "y", "width", "height")] if isinstance(bounds, dict) else []
        numbers = [n for n in found if isinstance(n, int) and not isinstance(n, bool) and n >= 0]
        if len(numbers) != 4:
            problems.append(
                (f"{where}.bounds", "must have x, y, width and height, whole numbers of 0 or more")
            )
        else:
            x, y, w, h = numbers
            if w == 0 or h == 0 or (width and x + w > width) or (height and y + h > height):
                problems.append((f"{where}.bounds", "The area must lie within the rich menu"))
        action = area.get("action")
        if not isinstance(action, dict) or action.get("type") not in _RICH_MENU_ACTIONS:
            problems.append((f"{where}.action.type", "Type not supported"))
            continue
        for prop in _RICH_MENU_ACTIONS[action["type"]]:
            if action.get(prop) in (None, ""):
                problems.append((f"{where}.action.{prop}", "must be specified"))
        label = action.get("label")
        if label is not None and (not isinstance(label, str) or _utf16(label) > 20):
            problems.append((f"{where}.action.label", "Length must be between 0 and 20"))
        if action["type"] == "postback" and isinstance(action.get("data"), str) and len(action["data"]) > 300:
            problems.append((f"{where}.action.data", "Length must be between 0 and 300"))
        if action["type"] == "uri" and isinstance(action.get("uri"), str):
            uri = action["uri"]
            if len(uri) > 1000 or not uri.startswith(("http://", "https://", "line://", "tel:")):
                problems.append((f"{where}.action.uri", "The URI is invalid"))
    return problems


class SmsStandIn(StandIn):
    """An SMS gateway: `POST /v1/messages` with JSON `{"to", "text", "reference"}`.

    Requires `Authorization: Bearer <token>` (else 401) and an `Idempotency-Key` (else 400); `to` a Thai phone in
    national form and a non-empty `text` (else 400, `{"error": ..., "message": ...}`). Accepted: 201 `{"id": ...,
    "status": "queued"}`; the same Idempotency-Key again answers 200 with the same id and is not recorded again.
    """

    name = "sms"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, token: str = SMS_TOKEN) -> None:
        super().__init__(host=host, port=port)
        self.token = token
        self._accepted: dict[str, dict[str, Any]] = {}
        self._count = 0

    @property
    def url(self) -> str:
        """What RAKSA_SMS_GATEWAY_URL is set to."""
        return self.base_url + SMS_PATH

    def error_body(self, status: int) -> Any:
        codes = {401: "unauthorized", 404: "not_found", 429: "rate_limited"}
        return {"error": codes.get(status, "bad_request" if status < 500 else "unavailable"), "message": ""}

    def _forget(self) -> None:
        self._accepted.clear()

    def answer(self, request: Request) -> Answer:
        if urlsplit(request.path).path != SMS_PATH:
            return Answer(404, self.error_body(404))
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Answer(401, {"error": "unauthorized", "message": "missing or wrong bearer token"})
        key = request.headers.get("idempotency-key", "")
        if not key:
            return Answer(400, {"error": "bad_request", "message": "Idempotency-Key header is required"})
        try:
            body = request.json()
        except ValueError:
            return Answer(400, {"error": "bad_request", "message": "body is not JSON"})
        if not isinstance(body, dict):
            return Answer(400, {"error": "bad_request", "message": "body must be an object"})
        to, text = body.get("to"), body.get("text")
        if not isinstance(to, str) or normalize_phone(to) != to:
            return Answer(
                400, {"error": "invalid_to", "message": "to must be a Thai phone number, digits only"}
            )
        if not isinstance(text, str) or not text.strip():
            return Answer(400, {"error": "invalid_text", "message": "text is required"})
        with self._lock:
            if key in self._accepted:
                return Answer(200, {"id": self._accepted[key]["id"], "status": "queued"})
            self._count += 1
            item = {
                "id": f"sms-{self._count:06d}",
                "to": to,
                "text": text,
                "reference": body.get("reference"),
                "idempotency_key": key,
            }
            self._accepted[key] = item
            self._record(item)
        return Answer(201, {"id": item["id"], "status": "queued"})
