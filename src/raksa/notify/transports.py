"""The transports: each sends one message one way and says, when it cannot, whether trying again can help.

A transport's `send(message)` returns the provider's reference for what it accepted, or raises `TransportError`
whose `permanent` is True when the same request can never succeed (a bad address, a refused token, a transport
that is not configured) and False when a later try may (a timeout, a refused connection, a 5xx or a 429).
`check(to=..., payload=...)` refuses, with ValueError, what the transport could never send, so a mistake shows
at the caller's `message_queue` rather than as a failed message later.

Every transport reads its settings when it sends, so a test points it at a local stand-in by settings alone
(`LINE_API_BASE`, `RAKSA_SMS_GATEWAY_URL`, a webhook's own URL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import smtplib
import time
import uuid
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    FlexContainer,
    FlexMessage,
    MessagingApi,
    PushMessageRequest,
    QuickReply,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)

from raksa.core import http
from raksa.core.identifiers import normalize_phone

if TYPE_CHECKING:
    from raksa.notify.models import Message

__all__ = [
    "Transport",
    "TransportError",
    "line_loading_show",
    "line_profile_language",
    "line_retry_key",
    "transport_for",
    "transport_kinds",
    "webhook_signature",
    "webhook_signature_verify",
]

# Asked too early or too often, or the server's own trouble: the same request may succeed later.
_RETRYABLE_STATUSES = frozenset({408, 425, 429})
# LINE's limits (Messaging API reference), counted as LINE counts them, in UTF-16 code units: a text message's
# text, a flex message's alternative text.
LINE_TEXT_MAX = 5000
LINE_ALT_TEXT_MAX = 1500
# Quick reply: at most 13 buttons under a message, each label at most 20 characters.
LINE_QUICK_REPLY_MAX = 13
LINE_QUICK_REPLY_LABEL_MAX = 20
# A user (U), group (C) or multi-person chat (R) id, as the Messaging API's webhooks give them.
LINE_RECIPIENT = re.compile(r"^[UCR][0-9a-f]{32}$")
# X-Line-Retry-Key is a UUID; ours are derived from the message, in this namespace.
_RETRY_KEY_NAMESPACE = uuid.UUID("5b8f7c1e-3d2a-5e4f-9a6b-0c1d2e3f4a5b")
SMS_TEXT_MAX = 1000


class TransportError(Exception):
    """A message not sent: `permanent` says that trying again cannot help."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    kind: str

    def check(self, *, to: str, payload: dict[str, Any]) -> None: ...

    def send(self, message: Message) -> str: ...


def _text(payload: dict[str, Any]) -> str:
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("payload must have a non-empty 'text'")
    return text


def utf16_length(text: str) -> int:
    """A text's length as LINE counts it: an emoji outside the BMP is two."""
    return len(text.encode("utf-16-le")) // 2


def _status_permanent(status: int) -> bool:
    return 400 <= status < 500 and status not in _RETRYABLE_STATUSES


def _timeout() -> float:
    return float(settings.RAKSA_NOTIFY_TIMEOUT_SECONDS)


def line_retry_key(message: Message) -> str:
    """The X-Line-Retry-Key of a message: the same for every attempt, so LINE runs a resent push only once.

    A UUID5 of the message's key and the moment its row was made: the key alone would repeat after a database
    is rebuilt (a demo reset), and LINE, remembering the old key for a day, would swallow the new message.
    """
    created = message.created_at.astimezone(dt.UTC).isoformat()
    return str(uuid.uuid5(_RETRY_KEY_NAMESPACE, f"{message.key}@{created}"))


@lru_cache(maxsize=8)
def _line_client(host: str, token: str) -> ApiClient:
    """One client (and its pool of kept-alive connections) per API host and token, shared by every send."""
    configuration = Configuration(host=host, access_token=token)
    # The outbox retries, later and with the same retry key; urllib3 retrying at once would only add delay.
    configuration.retries = False
    return ApiClient(configuration)


def _line_error(exc: ApiException) -> str:
    detail = ""
    body = exc.body if isinstance(exc.body, str) else ""
    try:
        answer = json.loads(body) if body else {}
        if isinstance(answer, dict):
            detail = str(answer.get("message", ""))
            details = answer.get("details") or []
            if isinstance(details, list) and details:
                detail += ": " + "; ".join(
                    f"{d.get('property', '')} {d.get('message', '')}".strip()
                    for d in details
                    if isinstance(d, dict)
                )
    except ValueError:
        detail = body[:300]
    return f"LINE answered {exc.status}" + (f": {detail}" if detail else f" ({exc.reason})")


def _quick_reply(raw: Any) -> QuickReply | None:
    if raw is None:
        return None
    items = raw.get("items") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= LINE_QUICK_REPLY_MAX:
        raise ValueError(
            f"payload 'quick_reply' must be {{'items': [...]}} with 1 to {LINE_QUICK_REPLY_MAX} items"
        )
    for item in items:
        label = (item.get("action") or {}).get("label", "") if isinstance(item, dict) else ""
        if not isinstance(label, str) or utf16_length(label) > LINE_QUICK_REPLY_LABEL_MAX:
            raise ValueError(
                f"a quick reply button's label holds at most {LINE_QUICK_REPLY_LABEL_MAX} characters"
            )
    try:
        return QuickReply.from_dict(raw)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:  # the SDK's pydantic checks
        raise ValueError(f"payload 'quick_reply' is not a valid quick reply: {exc}") from exc


class LineTransport:
    """A push message through the LINE Messaging API (line-bot-sdk v3): a text message, or a flex message when
    the payload has `flex` (a bubble or carousel; `alt_text`, else the text, is what a notification shows).
    `quick_reply` (LINE's quick reply object, `{"items": [...]}`, at most 13) puts buttons under it.

    LINE answers 409 with `x-line-accepted-request-id` when the retry key was accepted before (an earlier attempt
    got through but its answer was lost): that is the success of that attempt, and its id is the reference.
    """

    kind = "line"

    def check(self, *, to: str, payload: dict[str, Any]) -> None:
        if not LINE_RECIPIENT.match(to):
            raise ValueError(f"not a LINE user, group or room id: {to!r}")
        self._message(payload)

    def _message(self, payload: dict[str, Any]) -> TextMessage | FlexMessage:
        text = _text(payload)
        flex = payload.get("flex")
        quick_reply = _quick_reply(payload.get("quick_reply"))
        if flex is None:
            if utf16_length(text) > LINE_TEXT_MAX:
                raise ValueError(f"a LINE text message holds at most {LINE_TEXT_MAX} characters")
            return TextMessage(text=text, quick_reply=quick_reply)
        if not isinstance(flex, dict):
            raise ValueError("payload 'flex' must be a flex container (a bubble or a carousel)")
        alt_text = payload.get("alt_text") or text
        if not isinstance(alt_text, str) or utf16_length(alt_text) > LINE_ALT_TEXT_MAX:
            raise ValueError(f"a flex message's alt_text is a text of at most {LINE_ALT_TEXT_MAX} characters")
        try:
            contents = FlexContainer.from_dict(flex)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:  # the SDK's pydantic checks
            raise ValueError(f"payload 'flex' is not a valid flex container: {exc}") from exc
        return FlexMessage(alt_text=alt_text, contents=contents, quick_reply=quick_reply)

    def send(self, message: Message) -> str:
        token = settings.LINE_CHANNEL_ACCESS_TOKEN
        if not token:
            raise TransportError("LINE is not configured: LINE_CHANNEL_ACCESS_TOKEN is empty", permanent=True)
        try:
            request = PushMessageRequest(to=message.to, messages=[self._message(message.payload)])
        except ValueError as exc:
            raise TransportError(f"cannot make a LINE message: {exc}", permanent=True) from exc
        api = MessagingApi(_line_client(settings.LINE_API_BASE, token))
        try:
            response = api.push_message_with_http_info(
                request, x_line_retry_key=line_retry_key(message), _request_timeout=(_timeout(), _timeout())
            )
        except ApiException as exc:
            headers = exc.headers or {}
            accepted = headers.get("x-line-accepted-request-id")
            if exc.status == 409 and accepted:
                return str(accepted)
            # status 0: the SDK could not make the request (TLS trouble): perhaps better next time.
            permanent = bool(exc.status) and _status_permanent(int(exc.status))
            raise TransportError(_line_error(exc), permanent=permanent) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:  # refused, timed out, cut off mid-answer
            raise TransportError(f"LINE did not answer: {exc}", permanent=False) from exc
        return str((response.headers or {}).get("x-line-request-id", ""))


class LineReplyTransport:
    """An answer to a LINE webhook event: a reply with its reply token while the token is fresh, else a push.

    The payload is a `line` one plus `reply_token` and `reply_by` (an ISO time, a little inside the token's
    minute). Until `reply_by` the message goes by `POST /v2/bot/message/reply`; LINE's 400 (an invalid, used or
    expired token) and any attempt after `reply_by` push it instead to `to`, with the message's own
    X-Line-Retry-Key, so a push retried after a lost answer still arrives once. A reply has no retry key: a
    reply LINE accepted whose answer was lost is retried as a push, and arrives twice (the only duplicate).
    Replies are free of the push quota, which is why they come first.
    """

    kind = "line_reply"

    def check(self, *, to: str, payload: dict[str, Any]) -> None:
        LineTransport().check(to=to, payload=payload)
        if not isinstance(payload.get("reply_token"), str) or not payload["reply_token"]:
            raise ValueError("payload must have the event's 'reply_token'")
        _reply_by(payload)

    def send(self, message: Message) -> str:
        token = settings.LINE_CHANNEL_ACCESS_TOKEN
        push = LineTransport()
        if not token or timezone.now() >= _reply_by(message.payload):
            return push.send(message)
        try:
            request = ReplyMessageRequest(
                reply_token=message.payload["reply_token"], messages=[push._message(message.payload)]
            )
        except ValueError as exc:
            raise TransportError(f"cannot make a LINE message: {exc}", permanent=True) from exc
        api = MessagingApi(_line_client(settings.LINE_API_BASE, token))
        try:
            response = api.reply_message_with_http_info(request, _request_timeout=(_timeout(), _timeout()))
        except ApiException as exc:
            if exc.status == 400:  # the token is spent or stale: the push carries it instead
                return push.send(message)
            permanent = bool(exc.status) and _status_permanent(int(exc.status))
            raise TransportError(_line_error(exc), permanent=permanent) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise TransportError(f"LINE did not answer: {exc}", permanent=False) from exc
        return "reply:" + str((response.headers or {}).get("x-line-request-id", ""))


# The loading animation: a short call that must never hold up the work it decorates. After a failure it is
# not tried again for a while, so a LINE that does not answer costs one timeout a minute, not one per event.
LINE_LOADING_TIMEOUT_SECONDS = 1.0
LINE_LOADING_QUIET_SECONDS = 60.0
_loading_quiet_until = 0.0


def line_loading_show(*, chat_id: str, seconds: int = 10) -> bool:
    """Show the "..." loading animation in a LINE user's chat (`POST /v2/bot/chat/loading/start`) while an
    answer is being made; whether LINE took it. Best effort: it is not a message and is never retried, so any
    failure (not configured, a group id, LINE slow or down) is False and nothing else."""
    global _loading_quiet_until
    token = settings.LINE_CHANNEL_ACCESS_TOKEN
    if not token or not chat_id.startswith("U") or not LINE_RECIPIENT.match(chat_id):
        return False
    if time.monotonic() < _loading_quiet_until:
        return False
    api = MessagingApi(_line_client(settings.LINE_API_BASE, token))
    try:
        api.show_loading_animation_with_http_info(
            ShowLoadingAnimationRequest(chat_id=chat_id, loading_seconds=seconds),
            _request_timeout=(LINE_LOADING_TIMEOUT_SECONDS, LINE_LOADING_TIMEOUT_SECONDS),
        )
    except ApiException as exc:
        if not exc.status or exc.status >= 500 or exc.status == 429:
            _loading_quiet_until = time.monotonic() + LINE_LOADING_QUIET_SECONDS
        return False
    except (urllib3.exceptions.HTTPError, OSError, ValueError):
        _loading_quiet_until = time.monotonic() + LINE_LOADING_QUIET_SECONDS
        return False
    return True


def line_profile_language(*, user_id: str) -> str | None:
    """The language of a LINE user's app, from her profile (`GET /v2/bot/profile/{userId}`: "th", "en"...), or
    None when it cannot be known (not configured, not a friend, no language given, LINE slow). Best effort, as
    `line_loading_show`, and quiet with it after a failure."""
    global _loading_quiet_until
    token = settings.LINE_CHANNEL_ACCESS_TOKEN
    if not token or not user_id.startswith("U") or not LINE_RECIPIENT.match(user_id):
        return None
    if time.monotonic() < _loading_quiet_until:
        return None
    api = MessagingApi(_line_client(settings.LINE_API_BASE, token))
    try:
        profile = api.get_profile(
            user_id, _request_timeout=(LINE_LOADING_TIMEOUT_SECONDS, LINE_LOADING_TIMEOUT_SECONDS)
        )
    except ApiException as exc:
        if not exc.status or exc.status >= 500 or exc.status == 429:
            _loading_quiet_until = time.monotonic() + LINE_LOADING_QUIET_SECONDS
        return None
    except (urllib3.exceptions.HTTPError, OSError, ValueError):
        _loading_quiet_until = time.monotonic() + LINE_LOADING_QUIET_SECONDS
        return None
    return profile.language or None


def line_loading_reset() -> None:
    """Forget a recent failure (tests)."""
    global _loading_quiet_until
    _loading_quiet_until = 0.0


def _reply_by(payload: dict[str, Any]) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(str(payload.get("reply_by")))
    except ValueError:
        raise ValueError("payload 'reply_by' must be an ISO date and time") from None
    if timezone.is_naive(when):
        raise ValueError("payload 'reply_by' must have a time zone")
    return when


class SmsTransport:
    """A text message through the SMS gateway at RAKSA_SMS_GATEWAY_URL: a JSON POST of
    `{"to", "text", "reference"}` with the bearer token and the message's key as Idempotency-Key (so the gateway
    sends a retried request once), answered by `{"id": ...}`."""

    kind = "sms"

    def check(self, *, to: str, payload: dict[str, Any]) -> None:
        if normalize_phone(to) != to:
            raise ValueError(f"not a Thai phone number in national form (digits only): {to!r}")
        if len(_text(payload)) > SMS_TEXT_MAX:
            raise ValueError(f"an SMS text holds at most {SMS_TEXT_MAX} characters")

    def send(self, message: Message) -> str:
        url, token = settings.RAKSA_SMS_GATEWAY_URL, settings.RAKSA_SMS_GATEWAY_TOKEN
        if not url or not token:
            raise TransportError(
                "SMS is not configured: RAKSA_SMS_GATEWAY_URL and RAKSA_SMS_GATEWAY_TOKEN must both be set",
                permanent=True,
            )
        body = {"to": message.to, "text": message.payload.get("text", ""), "reference": message.key}
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": message.key}
        return _post("SMS gateway", url, body, headers)


class EmailTransport:
    """An email through Django's mail (RAKSA_EMAIL_HOST and friends): `subject` (else the text's first line)
    and `text` as the body. Recipients the server refuses, and other 5xx answers, are permanent; a connection
    that fails or a 4xx answer is not. The reference is the email's Message-ID."""

    kind = "email"

    def check(self, *, to: str, payload: dict[str, Any]) -> None:
        try:
            validate_email(to)
        except ValidationError:
            raise ValueError(f"not an email address: {to!r}") from None
        _text(payload)

    def send(self, message: Message) -> str:
        smtp = settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
        if smtp and not settings.EMAIL_HOST:
            raise TransportError("email is not configured: RAKSA_EMAIL_HOST is empty", permanent=True)
        text = str(message.payload.get("text", ""))
        subject = str(message.payload.get("subject") or (text.strip().splitlines() or [""])[0])[:200]
        message_id = f"<notify.{message.pk}.{uuid.uuid4().hex}@{_mail_domain()}>"
        email = EmailMessage(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"Message-ID": message_id},
        )
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            # A 4xx refusal (a full mailbox, greylisting) may pass later; a 5xx one never will.
            codes = [code for code, _ in exc.recipients.values()]
            permanent = any(code >= 500 for code in codes) or not codes
            raise TransportError(
                f"the mail server refused the recipient: {exc.recipients}", permanent=permanent
            ) from exc
        except smtplib.SMTPConnectError as exc:
            raise TransportError(f"cannot reach the mail server: {exc}", permanent=False) from exc
        except smtplib.SMTPResponseException as exc:
            permanent = 500 <= exc.smtp_code < 600
            raise TransportError(
                f"the mail server answered {exc.smtp_code}: {exc.smtp_error!r}", permanent=permanent
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:  # disconnected, refused, timed out
            raise TransportError(f"cannot reach the mail server: {exc}", permanent=False) from exc
        return message_id


def _mail_domain() -> str:
    # Not the host's DNS name, as Django's default Message-ID uses: looking that up can take seconds.
    sender = settings.DEFAULT_FROM_EMAIL.strip().rstrip(">")
    return sender.rpartition("@")[2] or "raksa"


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256, keyed with the secret, of the timestamp, a dot and the raw body."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def webhook_signature_verify(
    *,
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    now: float | None = None,
    tolerance: int = 300,
) -> bool:
    """What a receiver does (docs/notify.md): the signature matches the raw body, compared in constant time,
    and the timestamp is within `tolerance` seconds of its own clock, so a recorded request cannot be replayed
    later."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent_at) > tolerance:
        return False
    expected = webhook_signature(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, signature)


class WebhookTransport:
    """The payload as JSON, POSTed to the message's URL (a police or partner system), signed.

    Headers: `X-Raksa-Timestamp` (Unix seconds), `X-Raksa-Signature` (see `webhook_signature`, with
    RAKSA_WEBHOOK_SECRET) and `Idempotency-Key` (the message's key, the same on every attempt). Any 2xx answer is
    success; its JSON `id`, if any, is the reference.
    """

    kind = "webhook"

    def check(self, *, to: str, payload: dict[str, Any]) -> None:
        try:
            URLValidator(schemes=["http", "https"])(to)
        except ValidationError:
            raise ValueError(f"not an http(s) URL: {to!r}") from None
        _text(payload)

    def send(self, message: Message) -> str:
        secret = settings.RAKSA_WEBHOOK_SECRET
        if not secret:
            raise TransportError("webhooks are not configured: RAKSA_WEBHOOK_SECRET is empty", permanent=True)
        timestamp = str(int(time.time()))
        # Exactly the bytes raksa.core.http sends for this payload: the receiver checks the signature against
        # the raw body it got (tests/notify/test_transports.py verifies it so on a real socket).
        body = json.dumps(message.payload, ensure_ascii=False).encode("utf-8")
        headers = {
            "X-Raksa-Timestamp": timestamp,
            "X-Raksa-Signature": webhook_signature(secret=secret, timestamp=timestamp, body=body),
            "Idempotency-Key": message.key,
        }
        return _post("webhook", message.to, message.payload, headers)


def _post(what: str, url: str, body: Any, headers: dict[str, str]) -> str:
    try:
        answer = http.post_json(url, body, headers=headers, timeout=_timeout())
    except http.HttpError as exc:
        if exc.status is not None and 200 <= exc.status < 300:
            return ""  # accepted, with an answer that is not JSON: sent all the same
        raise TransportError(f"{what}: {exc}", permanent=exc.permanent) from exc
    if isinstance(answer, dict) and answer.get("id") is not None:
        return str(answer["id"])
    return ""


_TRANSPORTS: dict[str, type[Transport]] = {
    LineTransport.kind: LineTransport,
    LineReplyTransport.kind: LineReplyTransport,
    SmsTransport.kind: SmsTransport,
    EmailTransport.kind: EmailTransport,
    WebhookTransport.kind: WebhookTransport,
}


def transport_kinds() -> tuple[str, ...]:
    return tuple(_TRANSPORTS)


def transport_for(kind: str) -> Transport:
    """The transport of this kind (line, line_reply, sms, email, webhook); KeyError for an unknown kind."""
    try:
        return _TRANSPORTS[kind]()
    except KeyError:
        raise KeyError(f"unknown transport {kind!r}; known: {', '.join(_TRANSPORTS)}") from None
