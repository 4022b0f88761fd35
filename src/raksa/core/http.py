"""Outbound HTTP with JSON in and out, for every integration: triage's LLM back-end now, notify and LINE next.

Standard library only and no Django import, so the pure triage library can use it too. Every call has a
timeout (per connect and per read, as sockets measure it), and every failure comes out as one `HttpError`
whose `permanent` says whether trying again can help: a 4xx answer (except 408 and 429), a redirect, a URL
that cannot be sent are permanent; timeouts, refused connections, 5xx answers and bodies that are not JSON
are not. Redirects are not followed: an API that moves is a configuration to fix, and following one would turn
a POST into a GET.

Every request goes through `_send`, the one choke point: `stand_in(base_url)` sends every request, whatever
host it names, to a local server instead, so a test drives the real client against a real socket (no mocks)
and cannot reach the network by mistake.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

__all__ = ["DEFAULT_TIMEOUT", "HttpError", "get_json", "post_json", "request_json", "stand_in"]

DEFAULT_TIMEOUT = 10.0
# Answers larger than this are refused rather than read into memory: no JSON API we call sends more.
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
USER_AGENT = "raksa"
# Asked too early or too often: the same request may succeed later.
_RETRYABLE_4XX = frozenset({408, 425, 429})


class HttpError(Exception):
    """A request that did not give a JSON answer: `status` is the HTTP status when the server answered."""

    def __init__(self, message: str, *, url: str, status: int | None = None, permanent: bool, body: str = ""):
        super().__init__(f"{message} ({url})")
        self.url = url
        self.status = status
        self.permanent = permanent
        self.body = body


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None  # urllib then raises HTTPError with the 3xx status


_opener = urllib.request.build_opener(_NoRedirect)
_lock = threading.Lock()
_stand_in_base: str | None = None


@contextmanager
def stand_in(base_url: str) -> Iterator[None]:
    """Send every request to `base_url` (its scheme, host and port; the request keeps its path and query).

    For tests and local demos: process-wide while the block runs, and blocks do not nest.
    """
    global _stand_in_base
    with _lock:
        if _stand_in_base is not None:
            raise RuntimeError("http.stand_in is already active")
        _stand_in_base = base_url.rstrip("/")
    try:
        yield
    finally:
        with _lock:
            _stand_in_base = None


def _route(url: str) -> str:
    base = _stand_in_base
    if base is None:
        return url
    parts = urllib.parse.urlsplit(url)
    target = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit((target.scheme, target.netloc, target.path + parts.path, parts.query, ""))


def _send(request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    """The one place a request leaves the process."""
    with _opener.open(request, timeout=timeout) as response:
        body = response.read(MAX_RESPONSE_BYTES + 1)
        return response.status, body


def _text(body: bytes, limit: int = 500) -> str:
    return body[:limit].decode("utf-8", errors="replace")


def request_json(
    method: str,
    url: str,
    *,
    payload: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Any:
    """Send `payload` (if any) as JSON and return the decoded JSON answer (None for an empty body)."""
    target = _route(url)
    data = None
    all_headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if payload is not None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        all_headers["Content-Type"] = "application/json; charset=utf-8"
    all_headers.update(headers or {})
    try:
        request = urllib.request.Request(target, data=data, headers=all_headers, method=method)
        status, body = _send(request, timeout)
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read(MAX_RESPONSE_BYTES) if exc.fp is not None else b""
        except (OSError, http.client.HTTPException):
            body = b""
        permanent = exc.code < 500 and exc.code not in _RETRYABLE_4XX
        raise HttpError(
            f"HTTP {exc.code}", url=url, status=exc.code, permanent=permanent, body=_text(body)
        ) from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:  # refused, timed out, cut off
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise HttpError(f"no answer: {reason}", url=url, permanent=False) from exc
    except ValueError as exc:  # a URL urllib cannot send ("unknown url type")
        raise HttpError(f"cannot send: {exc}", url=url, permanent=True) from exc
    if len(body) > MAX_RESPONSE_BYTES:
        raise HttpError("answer too large", url=url, status=status, permanent=True)
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError as exc:  # not JSON, or not UTF-8
        raise HttpError(
            "answer is not JSON", url=url, status=status, permanent=False, body=_text(body)
        ) from exc


def post_json(
    url: str, payload: Any, *, headers: Mapping[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Any:
    return request_json("POST", url, payload=payload, headers=headers, timeout=timeout)


def get_json(url: str, *, headers: Mapping[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT) -> Any:
    return request_json("GET", url, headers=headers, timeout=timeout)
