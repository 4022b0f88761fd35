"""The optional LLM back-end, against a local stand-in speaking the chat-completions response shape."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from raksa.triage import triage
from raksa.triage.cli import main
from raksa.triage.llm import LlmSettingsError, parse_answer


class StandIn:
    """A tiny OpenAI-compatible server; `mode` decides how it answers the next requests."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.answer: dict = {}
        self.requests: list[dict] = []
        self.release = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length))
                stand_in.requests.append(
                    {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
                )
                if stand_in.mode == "slow":
                    stand_in.release.wait(5)  # held until the test ends; the client gives up first
                if stand_in.mode == "error":
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"internal error")
                    return
                content = "this is not json {" if stand_in.mode == "garbage" else json.dumps(stand_in.answer)
                payload = {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "model": body.get("model"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "stop",
                        }
                    ],
                }
                data = json.dumps(payload).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    server = StandIn()
    server.thread.start()
    monkeypatch.setenv("RAKSA_TRIAGE_LLM_URL", server.url)
    monkeypatch.setenv("RAKSA_TRIAGE_LLM_MODEL", "triage-test")
    monkeypatch.setenv("RAKSA_TRIAGE_LLM_KEY", "secret-key")
    monkeypatch.setenv("RAKSA_TRIAGE_LLM_TIMEOUT", "2")
    yield server
    server.release.set()
    server.server.shutdown()
    server.server.server_close()


class LlmBackendTests:
    def test_it_is_off_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("RAKSA_TRIAGE_LLM_URL", raising=False)
        assert triage("อยากทำบัตรคนพิการ").backend == "offline"

    def test_it_uses_the_llm_answer(self, stand_in: StandIn) -> None:
        stand_in.answer = {
            "emergency_type": None,
            "category": "elderly_care",
            "urgency": "urgent",
            "confidence": 0.8,
            "evidence": ["ยายอยู่คนเดียว"],
        }
        result = triage("ยายอยู่คนเดียว ไม่มีข้าวกิน จ.เชียงใหม่")
        assert result.backend == "llm"
        assert result.category == "elderly_care"
        assert result.urgency == "urgent"
        assert result.evidence == ("ยายอยู่คนเดียว",)
        assert result.entities.province_codes == ("50",)  # entities still come from the offline extractor
        request = stand_in.requests[0]
        assert request["path"] == "/v1/chat/completions"
        assert request["body"]["model"] == "triage-test"
        assert request["auth"] == "Bearer secret-key"
        assert request["body"]["messages"][-1]["content"].startswith("ยายอยู่คนเดียว")

    def test_it_keeps_an_emergency_the_llm_missed(self, stand_in: StandIn) -> None:
        stand_in.answer = {
            "emergency_type": None,
            "category": "family_violence",
            "urgency": "normal",
            "confidence": 0.9,
        }
        result = triage("ผัวถือมีดขู่จะฆ่า ตอนนี้อยู่หน้าห้อง")
        assert result.backend == "llm"
        assert result.emergency_type == "threat"
        assert result.urgency == "emergency"
        assert result.confidence <= 0.5

    def test_it_falls_back_on_a_server_error(self, stand_in: StandIn) -> None:
        stand_in.mode = "error"
        result = triage("มีคนถือมีดขู่อยู่หน้าเซเว่น")
        assert result.backend == "offline-fallback"
        assert result.emergency_type == "threat"

    def test_it_falls_back_on_a_timeout(self, stand_in: StandIn, monkeypatch: pytest.MonkeyPatch) -> None:
        stand_in.mode = "slow"
        monkeypatch.setenv("RAKSA_TRIAGE_LLM_TIMEOUT", "0.2")
        result = triage("มีคนถือมีดขู่อยู่หน้าเซเว่น")
        assert result.backend == "offline-fallback"
        assert result.emergency_type == "threat"

    def test_it_falls_back_on_garbage(self, stand_in: StandIn) -> None:
        stand_in.mode = "garbage"
        assert triage("อยากทำบัตรคนพิการ").backend == "offline-fallback"

    def test_it_falls_back_on_unknown_codes(self, stand_in: StandIn) -> None:
        stand_in.answer = {"emergency_type": "fire", "category": "other", "urgency": "emergency"}
        assert triage("อยากทำบัตรคนพิการ").backend == "offline-fallback"

    def test_it_falls_back_when_nothing_listens(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("RAKSA_TRIAGE_LLM_URL", "http://127.0.0.1:9/v1")
        assert triage("อยากทำบัตรคนพิการ").backend == "offline-fallback"


class LlmSettingsTests:
    BAD_TIMEOUTS = ("five", "0", "-2", "nan", "inf")

    def test_it_refuses_a_bad_timeout_naming_the_variable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("RAKSA_TRIAGE_LLM_URL", "http://127.0.0.1:9/v1")
        for value in self.BAD_TIMEOUTS:
            monkeypatch.setenv("RAKSA_TRIAGE_LLM_TIMEOUT", value)
            with pytest.raises(LlmSettingsError, match="RAKSA_TRIAGE_LLM_TIMEOUT"):
                triage("อยากทำบัตรคนพิการ")

    def test_it_refuses_a_bad_timeout_even_while_the_backend_is_off(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("RAKSA_TRIAGE_LLM_URL", raising=False)
        monkeypatch.setenv("RAKSA_TRIAGE_LLM_TIMEOUT", "5s")
        with pytest.raises(LlmSettingsError, match="RAKSA_TRIAGE_LLM_TIMEOUT"):
            triage("อยากทำบัตรคนพิการ")

    def test_it_stops_the_command_before_any_line(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("RAKSA_TRIAGE_LLM_TIMEOUT", "-1")
        out = io.StringIO()
        monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 1, "text": "อยากทำบัตรคนพิการ"}\n'))
        monkeypatch.setattr("sys.stdout", out)
        assert main([]) == 2
        assert out.getvalue() == ""
        assert "RAKSA_TRIAGE_LLM_TIMEOUT" in capsys.readouterr().err

    def test_it_accepts_a_fraction_of_a_second(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("RAKSA_TRIAGE_LLM_URL", "http://127.0.0.1:9/v1")
        monkeypatch.setenv("RAKSA_TRIAGE_LLM_TIMEOUT", "0.5")
        assert triage("อยากทำบัตรคนพิการ").backend == "offline-fallback"


class ParseAnswerTests:
    def test_it_accepts_a_fenced_answer(self) -> None:
        answer = parse_answer(
            '```json\n{"emergency_type": "threat", "category": "other", "confidence": 0.7}\n```'
        )
        assert answer is not None
        assert answer["emergency_type"] == "threat"
        assert answer["urgency"] == "emergency"

    def test_it_refuses_a_non_object(self) -> None:
        assert parse_answer("[1, 2]") is None
        assert parse_answer('{"category": "nonsense"}') is None
