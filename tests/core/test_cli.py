import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

RAKSA = [sys.executable, "-m", "raksa.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(url: str, proc: subprocess.Popen, attempts: int = 300) -> dict:
    last_error: Exception | None = None
    for _ in range(attempts):
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.stdout.read() if proc.stdout else ''}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return json.loads(response.read())
        except OSError as exc:
            last_error = exc
            with contextlib.suppress(subprocess.TimeoutExpired):  # give the server a moment to come up
                proc.wait(timeout=0.1)
    raise AssertionError(f"no answer from {url}: {last_error}")


class ServeCommandTests:
    def test_it_migrates_then_serves_health_and_stops_cleanly(self, tmp_path: Path):
        env = {**os.environ, "RAKSA_VAR_DIR": str(tmp_path)}
        env.pop("DATABASE_URL", None)
        migrate = subprocess.run(
            [*RAKSA, "migrate", "--no-input"], env=env, capture_output=True, text=True, timeout=300
        )
        assert migrate.returncode == 0, migrate.stderr
        assert (tmp_path / "raksa.sqlite3").exists()

        port = free_port()
        proc = subprocess.Popen(
            [*RAKSA, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert wait_for_health(f"http://127.0.0.1:{port}/healthz", proc) == {
                "status": "ok",
                "database": "ok",
            }
            # The styled pages need their static files, served by the same process.
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/raksa/app.css", timeout=5) as css:
                assert css.headers["Content-Type"].startswith("text/css")
        finally:
            proc.send_signal(signal.SIGTERM)
            output, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, output
        assert "worker on" in output

    def test_it_passes_other_commands_through_to_django(self, tmp_path: Path):
        env = {**os.environ, "RAKSA_VAR_DIR": str(tmp_path)}
        env.pop("DATABASE_URL", None)
        result = subprocess.run([*RAKSA, "check"], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert "no issues" in result.stdout
