"""What a LINE user sent in a photo: its bytes, from LINE's content API (api-data.line.me, LINE_API_DATA_BASE).

`line_content_fetch` asks `GET /v2/bot/message/{messageId}/content` through line-bot-sdk v3's MessagingApiBlob
(which reads the whole answer: LINE's photos are a few megabytes) and refuses what is past the limit it is
given. It is a network call, made outside any transaction.

- `LineContent` holds the bytes and the type LINE gave (the pipeline sniffs the bytes again; LINE's word is only
  a hint), or says they were too large, or that LINE has nothing for that message (404: it keeps content for a
  limited time only), when asking again cannot help.
- `ContentUnavailable`: LINE could not be asked or did not answer (5xx, 429, a timeout, a refused token, not
  configured): the event fails and is retried with its backoff, so the photo is never lost to a bad minute.
"""

from __future__ import annotations

from dataclasses import dataclass

import urllib3
from django.conf import settings
from linebot.v3.messaging import ApiException, MessagingApiBlob

from raksa.notify.transports import _line_client

# Connecting, then reading: a photo is a few megabytes at most.
CONTENT_TIMEOUT_SECONDS = (5.0, 15.0)


@dataclass(frozen=True)
class LineContent:
    data: bytes = b""  # empty when too large or gone
    content_type: str = ""
    too_large: bool = False
    gone: bool = False  # LINE has no content for this message (never had, or no longer keeps it)


class ContentUnavailable(Exception):
    """The content could not be had now; a later try may get it."""


def line_content_fetch(*, message_id: str, max_bytes: int) -> LineContent:
    """The bytes of a user's image (video, audio, file) message, read up to `max_bytes`; see the module."""
    token = settings.LINE_CHANNEL_ACCESS_TOKEN
    if not token:
        raise ContentUnavailable("LINE is not configured: LINE_CHANNEL_ACCESS_TOKEN is empty")
    # The SDK names api-data.line.me for this call; the client's configured host (LINE_API_DATA_BASE) wins.
    api = MessagingApiBlob(_line_client(settings.LINE_API_DATA_BASE, token))
    try:
        response = api.get_message_content_with_http_info(
            message_id, _request_timeout=CONTENT_TIMEOUT_SECONDS
        )
    except ApiException as exc:
        if exc.status == 404:
            return LineContent(gone=True)
        raise ContentUnavailable(f"LINE's content API answered {exc.status}: {exc.reason}") from exc
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:  # refused, timed out, cut off
        raise ContentUnavailable(f"LINE's content API did not answer: {exc}") from exc
    data = bytes(response.data or b"")
    content_type = str((response.headers or {}).get("Content-Type") or "").split(";")[0].strip()
    if len(data) > max_bytes:
        return LineContent(content_type=content_type, too_large=True)
    return LineContent(data=data, content_type=content_type)
