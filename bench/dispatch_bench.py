#!/usr/bin/env python
"""Emergency forwarding's speed: from an emergency report accepted to its alert at the team's LINE group, and to
the board, at 20 emergencies/s for a minute, with N web processes and M workers on one PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/dispatch_bench.py

1. A throw-away database `raksa_dispatch_bench` beside the one DATABASE_URL names (dropped at the end; --keep
   keeps it): `raksa migrate`, `raksa demo` (the directory: 77 provinces' rapid-response units, each with an
   on-call LINE group), a partner's bearer token, and a centre call-taker for the board.
2. The local LINE stand-in (raksa.notify.standins) in this process, recording when each push arrives; `raksa serve
   --no-worker` (the web processes) and --workers separate `raksa worker` processes, all pointed at it.
3. --rate emergency reports per second (open loop) for --warmup + --duration seconds to `POST /api/v1/reports`,
   each an emergency in a province taken in turn, with coordinates. "Accepted" is when the 201 arrived.
4. Alert latency: the push's arrival at the stand-in minus acceptance, per case (the alert names the case
   number). Board latency: a signed-in call-taker's board polled as its page polls it (a conditional GET for
   the rows changed since the version it has) every --board-poll seconds; the first poll whose rows hold the case
   number, minus acceptance (the page in a browser polls every 2 s: add up to that). With --board-server the
   board is served by a `raksa serve` of its own (one process), as a deployment gives its screens their own web
   node. Then every case is counted: an alert for each (none lost), one each (none twice).
Targets: alert p95 <= 1 s, board p95 <= 2 s, zero lost, zero duplicated. Prints every figure and writes them to
bench/out/dispatch_results.json.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
RAKSA = [sys.executable, "-m", "raksa.cli"]
HOST = "127.0.0.1"
OUT = ROOT / "bench" / "out" / "dispatch_results.json"
TARGETS_MS = {"alert_p95": 1000.0, "board_p95": 2000.0}
CASE_NUMBER = re.compile(r"\d{4}-\d{6}")
# Province codes with a demo rapid-response unit, and a point in each (the provincial hall's neighbourhood).
PLACES = [
    ("10", 13.7563, 100.5018),
    ("50", 18.7883, 98.9853),
    ("40", 16.4419, 102.8360),
    ("83", 7.8804, 98.3923),
    ("90", 7.0086, 100.4747),
    ("30", 14.9799, 102.0978),
    ("20", 13.3611, 100.9847),
    ("65", 16.8211, 100.2659),
]
TEXTS = [
    ("threat", "มีผู้ชายถือมีดขู่จะทำร้ายแม่อยู่หน้าบ้าน"),
    ("detention", "ลูกสาวถูกขังไว้ในห้อง ออกมาไม่ได้"),
    ("abuse_risk", "เด็กหญิงถูกชายแปลกหน้าตามและพยายามดึงขึ้นรถ"),
    ("frenzy", "มีคนคลุ้มคลั่งทุบรถกลางถนน"),
    ("gathering", "วัยรุ่นมั่วสุมเสพยาในบ้านร้าง"),
]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def figures(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(max(ms), 1),
    }


def raksa(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run([*RAKSA, *args], env=env, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise SystemExit(f"raksa {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


@contextlib.contextmanager
def database(url: str, *, keep: bool, name: str = "raksa_dispatch_bench") -> Iterator[str]:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def processes(
    commands: list[list[str]], env: dict[str, str], log_dir: Path
) -> Iterator[list[subprocess.Popen]]:
    procs = []
    try:
        for i, command in enumerate(commands):
            out = (log_dir / f"proc-{i}.log").open("w")
            procs.append(
                subprocess.Popen(
                    command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


def wait_healthy(port: int, procs: list[subprocess.Popen]) -> None:
    for _ in range(1200):
        if any(p.poll() is not None for p in procs):
            raise SystemExit("a process exited while starting: see the logs in the bench's var directory")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server never answered /healthz")


def login(port: int, username: str, password: str) -> str:
    """A signed-in session's cookies, as a browser gets them (the login form with its CSRF token)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", "/login/")
    page = conn.getresponse()
    html = page.read().decode()
    cookies = {
        c.split("=", 1)[0]: c.split("=", 1)[1].split(";", 1)[0]
        for c in page.headers.get_all("Set-Cookie") or []
    }
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if token is None:
        raise SystemExit("no CSRF token on the login page")
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token[1]}
    )
    conn.request(
        "POST",
        "/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Referer": f"http://{HOST}:{port}/login/",
        },
    )
    answer = conn.getresponse()
    answer.read()
    for c in answer.headers.get_all("Set-Cookie") or []:
        cookies[c.split("=", 1)[0]] = c.split("=", 1)[1].split(";", 1)[0]
    if answer.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"sign-in failed ({answer.status})")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--processes", type=int, default=None, help="web processes (raksa serve's default)")
    parser.add_argument("--board-poll", type=float, default=0.25)
    parser.add_argument(
        "--board-server",
        action="store_true",
        help="the board on a `raksa serve` of its own (one process), beside the one taking the reports",
    )
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must point at PostgreSQL")
    from raksa.notify.standins import LineStandIn

    var_dir = ROOT / "var" / "dispatch-bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    log(
        f"{os.cpu_count()} CPUs shared by server, workers, clients, the stand-in and PostgreSQL; load {os.getloadavg()[0]:.1f}"
    )
    with database(url, keep=args.keep) as db_url, LineStandIn() as line:
        arrived: dict[str, list[float]] = {}
        lock = threading.Lock()

        def stamp(request: Any) -> None:
            if request.method != "POST":
                return
            now = time.time()
            body = request.json() or {}
            for message in body.get("messages", []):
                found = CASE_NUMBER.search(message.get("altText") or message.get("text") or "")
                if found:
                    with lock:
                        arrived.setdefault(found[0], []).append(now)

        line.before_answer = stamp
        port = free_port()
        password = "bench-password-dispatch"
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "RAKSA_VAR_DIR": str(var_dir),
            "RAKSA_DEMO_PASSWORD": password,
            "LINE_API_BASE": line.base_url,
            "LINE_CHANNEL_ACCESS_TOKEN": line.token,
            "RAKSA_PUBLIC_URL": f"http://{HOST}:{port}",
            "PYTHONPATH": str(ROOT / "src"),
        }
        raksa("migrate", "--no-input", env=env)
        raksa("demo", env=env)
        token = raksa(
            "token", "create", "--user", "bench_partner", "--role", "case_worker", "--unit", "pso-10", env=env
        ).strip()
        shape = ["--processes", str(args.processes)] if args.processes else []
        commands = [[*RAKSA, "serve", "--no-worker", "--host", HOST, "--port", str(port), *shape]]
        commands += [[*RAKSA, "worker", "--interval", "0.2"] for _ in range(args.workers)]
        board_port = port
        if args.board_server:
            # The screens' own web node (a deployment's second `raksa serve` on the same database): a poll never
            # waits in the queue of a web process busy with reports.
            board_port = free_port()
            commands.append(
                [
                    *RAKSA,
                    "serve",
                    "--no-worker",
                    "--host",
                    HOST,
                    "--port",
                    str(board_port),
                    "--processes",
                    "1",
                ]
            )
        with processes(commands, env, var_dir) as procs:
            wait_healthy(port, procs)
            wait_healthy(board_port, procs)
            cookies = login(board_port, "demo_call_taker", password)
            log(
                f"serving on {port}, {args.workers} workers; sending {args.rate:g}/s for {args.warmup:g} + {args.duration:g} s"
            )
            accepted: dict[str, float] = {}
            errors: list[str] = []
            seen_on_board: dict[str, float] = {}
            polls: list[float] = []
            stop_board = threading.Event()

            def board() -> None:
                conn = http.client.HTTPConnection(HOST, board_port, timeout=10)
                etag = since = ""
                while not stop_board.is_set():
                    headers = {"Cookie": cookies, **({"If-None-Match": etag} if etag else {})}
                    began = time.perf_counter()
                    try:
                        conn.request("GET", f"/dispatch/live?since={since}", headers=headers)
                        response = conn.getresponse()
                        raw = response.read()
                    except (OSError, http.client.HTTPException):
                        conn = http.client.HTTPConnection(HOST, board_port, timeout=10)
                        continue
                    now = time.time()
                    polls.append(time.perf_counter() - began)
                    since = response.getheader("X-Board-Since") or since  # as the page takes it
                    if response.status == 200:
                        etag = response.getheader("ETag") or ""
                        for row in json.loads(raw)["rows"]:
                            for number in CASE_NUMBER.findall(row["html"]):
                                seen_on_board.setdefault(number, now)
                    time.sleep(args.board_poll)

            board_thread = threading.Thread(target=board, daemon=True)
            board_thread.start()
            local = threading.local()

            def send(i: int, due: float) -> None:
                time.sleep(max(0.0, due - time.time()))
                conn = getattr(local, "conn", None) or http.client.HTTPConnection(HOST, port, timeout=30)
                local.conn = conn
                province, lat, lon = PLACES[i % len(PLACES)]
                kind, text = TEXTS[i % len(TEXTS)]
                body = json.dumps(
                    {
                        "text": text,
                        "emergency_type": kind,
                        "location": {"latitude": lat, "longitude": lon, "province_code": province},
                    },
                    ensure_ascii=False,
                ).encode()
                headers = {
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": f"dispatch-bench-{i}",
                }
                try:
                    conn.request("POST", "/api/v1/reports", body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    local.conn = None
                    errors.append(repr(exc))
                    return
                now = time.time()
                if response.status != 201:
                    errors.append(f"{response.status} {payload[:200]!r}")
                    return
                number = json.loads(payload)["case_number"]
                with lock:
                    accepted[number] = now if i >= args.rate * args.warmup else -now

            total = int(args.rate * (args.warmup + args.duration))
            start = time.time() + 1
            with ThreadPoolExecutor(max_workers=max(8, int(args.rate * 3))) as pool:
                for i in range(total):
                    pool.submit(send, i, start + i / args.rate)
            deadline = time.time() + 60
            while time.time() < deadline:
                with lock:
                    done = all(number in arrived for number in accepted)
                if done and all(number in seen_on_board for number in accepted):
                    break
                time.sleep(0.5)
            time.sleep(3)  # a duplicate sent late arrives now
            stop_board.set()
            board_thread.join(timeout=15)

    measured = {n: t for n, t in accepted.items() if t > 0}
    alert = [min(arrived[n]) - t for n, t in measured.items() if n in arrived]
    on_board = [seen_on_board[n] - t for n, t in measured.items() if n in seen_on_board]
    lost = [n for n in accepted if n not in arrived]
    twice = {n: len(ts) for n, ts in arrived.items() if len(ts) > 1}
    results = {
        "rate": args.rate,
        "duration_s": args.duration,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "sent": total,
        "accepted": len(accepted),
        "errors": len(errors),
        "error_samples": [e for e, _ in Counter(errors).most_common(5)],
        "alert": figures(alert),
        "board": figures(on_board),
        "board_poll_s": args.board_poll,
        "board_server": args.board_server,
        "board_poll_round_trip": figures(polls),
        "lost": len(lost),
        "duplicated": sum(count - 1 for count in twice.values()),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    log(f"accepted {len(accepted)} of {total} sent; errors {len(errors)} {results['error_samples'][:2]}")
    a, b = results["alert"], results["board"]
    log(f"alert (accepted -> at the team's LINE group): {a}")
    log(f"board (accepted -> on a board polled every {args.board_poll:g} s): {b}")
    log(f"one board poll, round trip: {results['board_poll_round_trip']}")
    log(f"lost {results['lost']}, duplicated {results['duplicated']}")
    failed = []
    if results["errors"] or results["lost"] or results["duplicated"]:
        failed.append("errors, lost or duplicated alerts")
    if a.get("p95_ms", float("inf")) > TARGETS_MS["alert_p95"]:
        failed.append(f"alert p95 {a.get('p95_ms')} ms over {TARGETS_MS['alert_p95']:g}")
    if b.get("p95_ms", float("inf")) > TARGETS_MS["board_p95"]:
        failed.append(f"board p95 {b.get('p95_ms')} ms over {TARGETS_MS['board_p95']:g}")
    log(f"figures: {OUT}; " + ("FAILED: " + "; ".join(failed) if failed else "all targets met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
