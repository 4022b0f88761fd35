import os
import signal
import sqlite3
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from tests.core.serving import RAKSA, free_port, group_alive, wait_for_health
from tests.intake.line.support import SECRET, body, follow, sign


def post(url: str, data: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


class ServeCommandTests:
    def test_it_migrates_then_serves_health_and_stops_cleanly(self, tmp_path: Path):
        env = {**os.environ, "RAKSA_VAR_DIR": str(tmp_path), "LINE_CHANNEL_SECRET": SECRET}
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
            start_new_session=True,  # its own process group, to see that nothing of it outlives it
        )
        try:
            assert wait_for_health(f"http://127.0.0.1:{port}/healthz", proc) == {
                "status": "ok",
                "database": "ok",
            }
            # The styled pages need their static files, served by the same process.
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/raksa/app.css", timeout=5) as css:
                assert css.headers["Content-Type"].startswith("text/css")
            # LINE's webhook, answered in front of Django by the served application: signed, stored once.
            hook = f"http://127.0.0.1:{port}/line/webhook"
            data = body(follow(mode="standby"))  # left alone by the worker: nothing to send anywhere
            json_type = {"Content-Type": "application/json"}
            assert post(hook, data, {**json_type, "X-Line-Signature": sign(data)}) == 200
            assert post(hook, data, {**json_type, "X-Line-Signature": sign(data)}) == 200
            assert post(hook, data, {**json_type, "X-Line-Signature": sign(data, "not-it")}) == 400
        finally:
            proc.send_signal(signal.SIGTERM)
            output, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, output
        assert "worker on" in output
        assert not group_alive(proc.pid), "a web process outlived raksa serve"
        with sqlite3.connect(tmp_path / "raksa.sqlite3") as db:
            assert db.execute("SELECT count(*) FROM line_lineevent").fetchone() == (1,)

    def test_it_passes_other_commands_through_to_django(self, tmp_path: Path):
        env = {**os.environ, "RAKSA_VAR_DIR": str(tmp_path)}
        env.pop("DATABASE_URL", None)
        result = subprocess.run([*RAKSA, "check"], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert "no issues" in result.stdout
