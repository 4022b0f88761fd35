"""`raksa serve` as an operator runs it: several web processes, one background worker, all gone when stopped,
and a crowd of writers served with no error and nothing lost (SQLite by default, PostgreSQL with DATABASE_URL).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from tests.core.serving import (
    RAKSA,
    children,
    free_port,
    group_alive,
    raksa,
    throwaway_env,
    wait_for_health,
    wait_until,
)

CLIENTS = 50


def start(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*RAKSA, "serve", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: a terminal's Ctrl-C reaches all of it
    )


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> str:
    if proc.poll() is None:
        os.killpg(proc.pid, sig) if sig == signal.SIGINT else proc.send_signal(sig)
    output, _ = proc.communicate(timeout=60)
    return output


def call(method: str, url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


class ServeProcessesTests:
    def test_it_serves_from_several_web_processes_with_one_background_worker(self, tmp_path: Path):
        env = {**os.environ, "RAKSA_VAR_DIR": str(tmp_path), "RAKSA_WEB_PROCESSES": "3"}
        env.pop("DATABASE_URL", None)
        raksa("migrate", "--no-input", env=env)
        port = free_port()
        proc = start(env, "--port", str(port))
        try:
            assert wait_for_health(f"http://127.0.0.1:{port}/healthz", proc)["status"] == "ok"
            # raksa serve -> one web server (gunicorn's arbiter) -> three web processes.
            wait_until(lambda: len(children(proc.pid)) == 1, proc)
            arbiter = children(proc.pid)[0]
            wait_until(lambda: len(children(arbiter)) == 3, proc)
        finally:
            output = stop(proc, signal.SIGINT)  # Ctrl-C
        assert proc.returncode == 0, output
        assert "3 web processes" in output
        assert "Raksa stopped." in output
        # The background worker runs once, in raksa serve itself, never in a web process.
        started = [line for line in output.splitlines() if "Starting worker" in line]
        assert len(started) == 1, output
        assert f"-{proc.pid} " in started[0]
        assert not group_alive(proc.pid), "a process outlived raksa serve"

    def test_it_fails_when_its_web_server_dies(self, tmp_path: Path):
        env = {**os.environ, "RAKSA_VAR_DIR": str(tmp_path)}
        env.pop("DATABASE_URL", None)
        raksa("migrate", "--no-input", env=env)
        port = free_port()
        proc = start(env, "--port", str(port), "--processes", "1")
        try:
            wait_for_health(f"http://127.0.0.1:{port}/healthz", proc)
            os.kill(children(proc.pid)[0], signal.SIGKILL)
            output, _ = proc.communicate(timeout=60)
        finally:
            stop(proc)
        # A supervisor (systemd, a container) sees the failure and restarts the whole thing.
        assert proc.returncode != 0
        assert "the web server exited" in output

    def test_it_refuses_a_malformed_process_count(self, tmp_path: Path):
        env = {**os.environ, "RAKSA_VAR_DIR": str(tmp_path)}
        env.pop("DATABASE_URL", None)
        for extra_env, args, named in [
            ({"RAKSA_WEB_PROCESSES": "many"}, [], "RAKSA_WEB_PROCESSES"),
            ({"RAKSA_WEB_THREADS": "0"}, [], "RAKSA_WEB_THREADS"),
            ({}, ["--processes", "0"], "--processes"),
        ]:
            result = subprocess.run(
                [*RAKSA, "serve", "--port", str(free_port()), *args],
                env={**env, **extra_env},
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert result.returncode != 0, (extra_env, args)
            assert named in result.stderr, result.stderr

    def test_it_says_so_when_the_port_is_taken(self, tmp_path: Path):
        env = {**os.environ, "RAKSA_VAR_DIR": str(tmp_path)}
        env.pop("DATABASE_URL", None)
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = subprocess.run(
                [*RAKSA, "serve", "--port", str(port)], env=env, capture_output=True, text=True, timeout=120
            )
        assert result.returncode != 0
        assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


class ServeCrowdTests:
    def test_it_keeps_every_note_fifty_clients_send_at_once(self, tmp_path: Path):
        with throwaway_env(tmp_path) as env:
            raksa("migrate", "--no-input", env=env)
            raksa("load_directory", env=env)
            token = raksa("token", "create", "--user", "crowd", "--role", "call_taker", env=env).strip()
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            proc = start(env, "--port", str(port), "--processes", "3")
            try:
                wait_for_health(f"{base}/healthz", proc)
                numbers = []
                for n in range(10):
                    status, case = call(
                        "POST", f"{base}/api/v1/cases", token, {"summary": f"เรื่องที่ {n}", "channel": "hotline"}
                    )
                    assert status == 201, case
                    numbers.append(case["number"])

                answers: list[tuple[str, int, Any]] = []
                lock = threading.Lock()
                barrier = threading.Barrier(CLIENTS)

                def client(i: int) -> None:
                    barrier.wait(timeout=60)
                    number = numbers[i % 10]
                    wrote = call("POST", f"{base}/api/v1/cases/{number}/notes", token, {"body": f"บันทึก {i}"})
                    listed = call("GET", f"{base}/api/v1/cases?limit=20", token)
                    with lock:
                        answers.extend([("note", *wrote), ("list", *listed)])

                threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=300)

                failed = [(kind, status, body) for kind, status, body in answers if status >= 300]
                assert failed == []
                assert Counter(kind for kind, _, _ in answers) == {"note": CLIENTS, "list": CLIENTS}
                for number in numbers:
                    status, events = call("GET", f"{base}/api/v1/cases/{number}/events", token)
                    assert status == 200, events
                    kinds = Counter(event["kind"] for event in events)
                    assert kinds == {"created": 1, "note_added": CLIENTS // 10}, (number, kinds)
            finally:
                output = stop(proc)
            assert proc.returncode == 0, output
