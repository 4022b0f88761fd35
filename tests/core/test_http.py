"""Outbound HTTP as an integration sees it, against a real local server on a thread."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from raksa.core import http


class LocalServer:
    """Answers by path: /echo/... echoes the request as JSON, /status/N answers N, /empty 204, /redirect 302,
    /text plain text, /slow holds the answer until the test ends."""

    def __init__(self) -> None:
        self.seen: list[dict] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                server.seen.append({"method": self.command, "path": self.path, "body": body})
                if self.path.startswith("/slow"):
                    server.release.wait(5)  # held until the test ends; the client gives up first
                if self.path.startswith("/status/"):
                    code = int(self.path.rsplit("/", 1)[1])
                    self.reply(code, json.dumps({"message": f"status {code}"}).encode(), "application/json")
                elif self.path == "/empty":
                    self.reply(204, b"", None)
                elif self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", "/echo/moved")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path == "/text":
                    self.reply(200, b"<html>not json</html>", "text/html")
                else:
                    echo = {
                        "method": self.command,
                        "path": self.path,
                        "content_type": self.headers.get("Content-Type"),
                        "authorization": self.headers.get("Authorization"),
                        "accept": self.headers.get("Accept"),
                        "json": json.loads(body) if body else None,
                    }
                    self.reply(200, json.dumps(echo, ensure_ascii=False).encode(), "application/json")

            def reply(self, code: int, data: bytes, content_type: str | None) -> None:
                try:
                    self.send_response(code)
                    if content_type:
                        self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = answer  # noqa: N815 (http.server naming)
            do_POST = answer  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    local.thread.start()
    yield local
    local.release.set()
    local.server.shutdown()
    local.server.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JsonRequestTests:
    def test_it_posts_json_and_reads_the_json_answer(self, server: LocalServer) -> None:
        answer = http.post_json(
            server.url + "/echo/v1/chat",
            {"text": "ช่วยด้วย", "n": 1},
            headers={"Authorization": "Bearer secret"},
            timeout=2,
        )
        assert answer["method"] == "POST"
        assert answer["path"] == "/echo/v1/chat"
        assert answer["json"] == {"text": "ช่วยด้วย", "n": 1}
        assert answer["content_type"].startswith("application/json")
        assert answer["authorization"] == "Bearer secret"
        assert answer["accept"] == "application/json"

    def test_it_gets_json(self, server: LocalServer) -> None:
        answer = http.get_json(server.url + "/echo/status?code=RK7Q", timeout=2)
        assert answer["method"] == "GET"
        assert answer["path"] == "/echo/status?code=RK7Q"
        assert answer["json"] is None

    def test_it_returns_none_for_an_empty_answer(self, server: LocalServer) -> None:
        assert http.post_json(server.url + "/empty", {"a": 1}, timeout=2) is None


class HttpErrorTests:
    def test_it_marks_a_refusal_as_permanent(self, server: LocalServer) -> None:
        for code in (400, 401, 403, 404, 422):
            with pytest.raises(http.HttpError) as caught:
                http.post_json(server.url + f"/status/{code}", {}, timeout=2)
            assert caught.value.status == code
            assert caught.value.permanent is True
            assert json.loads(caught.value.body) == {"message": f"status {code}"}

    def test_it_marks_a_server_error_or_a_rate_limit_as_worth_retrying(self, server: LocalServer) -> None:
        for code in (500, 502, 503, 429, 408):
            with pytest.raises(http.HttpError) as caught:
                http.post_json(server.url + f"/status/{code}", {}, timeout=2)
            assert caught.value.status == code
            assert caught.value.permanent is False

    def test_it_does_not_follow_a_redirect(self, server: LocalServer) -> None:
        with pytest.raises(http.HttpError) as caught:
            http.post_json(server.url + "/redirect", {"a": 1}, timeout=2)
        assert caught.value.status == 302
        assert caught.value.permanent is True
        assert [r["path"] for r in server.seen] == ["/redirect"]

    def test_it_gives_up_after_its_timeout(self, server: LocalServer) -> None:
        with pytest.raises(http.HttpError) as caught:
            http.post_json(server.url + "/slow", {}, timeout=0.2)
        assert caught.value.status is None
        assert caught.value.permanent is False

    def test_it_reports_that_nothing_listens(self) -> None:
        with pytest.raises(http.HttpError) as caught:
            http.get_json(f"http://127.0.0.1:{closed_port()}/", timeout=2)
        assert caught.value.status is None
        assert caught.value.permanent is False

    def test_it_reports_an_answer_that_is_not_json(self, server: LocalServer) -> None:
        with pytest.raises(http.HttpError) as caught:
            http.get_json(server.url + "/text", timeout=2)
        assert caught.value.status == 200
        assert "not json" in caught.value.body

    def test_it_refuses_a_url_it_cannot_send(self) -> None:
        with pytest.raises(http.HttpError) as caught:
            http.get_json("line-api.example/v2/bot", timeout=2)
        assert caught.value.permanent is True
        assert "line-api.example/v2/bot" in str(caught.value)


class StandInTests:
    def test_it_sends_every_request_to_the_stand_in(self, server: LocalServer) -> None:
        with http.stand_in(server.url):
            answer = http.post_json(
                "https://api.line.me/v2/bot/message/push?retry=1", {"to": "U1"}, timeout=2
            )
        assert answer["path"] == "/v2/bot/message/push?retry=1"
        assert answer["json"] == {"to": "U1"}

    def test_it_stops_at_the_end_of_the_block(self, server: LocalServer) -> None:
        with http.stand_in(f"http://127.0.0.1:{closed_port()}"), pytest.raises(http.HttpError):
            http.get_json(server.url + "/echo/", timeout=2)
        assert http.get_json(server.url + "/echo/", timeout=2)["path"] == "/echo/"
        assert [r["path"] for r in server.seen] == ["/echo/"]

    def test_it_refuses_to_nest(self, server: LocalServer) -> None:
        with http.stand_in(server.url), pytest.raises(RuntimeError), http.stand_in(server.url):
            pass
