#!/usr/bin/env python
"""Live screens against the API: does having 100 dispatch boards and 100 consoles open slow the API down?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/live_screens_bench.py

The board (`/dispatch/live`, every 1.5 s) and the 1300 console's caller pop (`/console/live`, every 1 s) are
conditional polls: the page sends the ETag it has and mostly gets a 304 from one indexed query. This bench puts a
number on what they cost the rest of the server.

1. A throw-away database `raksa_live_bench` beside the one DATABASE_URL names (dropped at the end; --keep keeps
   it): `raksa migrate`, `raksa demo`, a partner's bearer token. `raksa serve --no-worker` (its default number
   of web processes) and one `raksa worker`, as a small deployment runs them.
2. The API probe, open loop at --rate requests/s all the time: `GET /api/v1/cases` (a unit's newest cases) and,
   one request in --report-every, `POST /api/v1/reports` with an emergency (so the boards have something new to
   fetch now and then, as on a real night).
3. Blocks of --block seconds, alternately quiet (no screens) and busy (--boards boards polling every 1.5 s and
   --consoles consoles every 1 s, each with its own connection and ETag, as the pages poll), --rounds of each.
   Alternating blocks, not one long run of each, so that whatever else the machine is doing falls on both alike.
   The pages run in a process of their own, so their threads never hold up the probe's own timing; they still
   share the machine's CPUs with the server, as nothing else can be arranged on one machine.
4. Per block: the probe's p50/p95; then the median over blocks of each kind, and the busy/quiet ratio; the
   screens' own poll round trip and how many answers were 304.
Target (issue "Emergency forwarding"): the API's latency unchanged with the screens open. Figures to
bench/out/live_screens_results.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dispatch_bench import (  # noqa: E402  (the bench directory is not a package)
    HOST,
    PLACES,
    RAKSA,
    ROOT,
    TEXTS,
    database,
    figures,
    free_port,
    log,
    login,
    processes,
    raksa,
    wait_healthy,
)

OUT = ROOT / "bench" / "out" / "live_screens_results.json"
BOARD_POLL_S = 1.5  # as dispatch.js polls
CONSOLE_POLL_S = 1.0
SETTLE_S = 3.0


class Screens:
    """`count` pages polling `path` every `every` seconds while `on` is set, each on its own connection."""

    def __init__(
        self, port: int, cookies: str, path: str, every: float, count: int, on: threading.Event
    ) -> None:
        self.port, self.cookies, self.path, self.every, self.on = port, cookies, path, every, on
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.round_trips: list[float] = []
        self.statuses: dict[int, int] = {}
        self.threads = [threading.Thread(target=self._page, daemon=True) for _ in range(count)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def take(self) -> tuple[list[float], dict[int, int]]:
        with self.lock:
            taken = (self.round_trips, self.statuses)
            self.round_trips, self.statuses = [], {}
        return taken

    def _page(self) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        etag = since = ""
        while not self.stop.is_set():
            if not self.on.wait(0.5):
                continue
            time.sleep(random.uniform(0, self.every))  # pages opened at different moments  # noqa: S311
            while self.on.is_set() and not self.stop.is_set():
                began = time.perf_counter()
                headers = {"Cookie": self.cookies, "Accept": "application/json"}
                if etag:
                    headers["If-None-Match"] = etag
                path = self.path + (f"?since={since}" if "dispatch" in self.path and since else "")
                status = 0
                for _attempt in range(2):  # a keep-alive connection the server closed: a browser retries once
                    try:
                        conn.request("GET", path, headers=headers)
                        response = conn.getresponse()
                        response.read()
                    except (OSError, http.client.HTTPException):
                        conn.close()
                        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                        continue
                    status = response.status
                    since = response.getheader("X-Board-Since") or since  # as the board's page takes it
                    if status == 200:
                        etag = response.getheader("ETag") or etag
                    break
                took = time.perf_counter() - began
                with self.lock:
                    self.round_trips.append(took)
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                time.sleep(max(0.0, self.every - took))


def screens_process(port: int, cookies: str, boards: int, consoles: int, on: Any, pipe: Any) -> None:
    """The open pages, in a process of their own: their threads must not hold the probe's interpreter lock."""
    pages = [
        Screens(port, cookies, "/dispatch/live", BOARD_POLL_S, boards, on),
        Screens(port, cookies, "/console/live", CONSOLE_POLL_S, consoles, on),
    ]
    for screens in pages:
        screens.start()
    while (asked := pipe.recv()) != "stop":
        assert asked == "take"
        pipe.send([screens.take() for screens in pages])
    for screens in pages:
        screens.stop.set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=10.0, help="API probe requests per second")
    parser.add_argument("--report-every", type=int, default=50)
    parser.add_argument("--boards", type=int, default=100)
    parser.add_argument("--consoles", type=int, default=100)
    parser.add_argument("--block", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=None, help="web processes (raksa serve's default)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must point at PostgreSQL")
    from raksa.notify.standins import LineStandIn

    var_dir = ROOT / "var" / "live-bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    log(
        f"{os.cpu_count()} CPUs shared by server, worker, clients and PostgreSQL; load {os.getloadavg()[0]:.1f}"
    )
    blocks: list[dict] = []
    with database(url, keep=args.keep, name="raksa_live_bench") as db_url, LineStandIn() as line:
        port = free_port()
        password = "bench-password-live"
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
        commands = [
            [*RAKSA, "serve", "--no-worker", "--host", HOST, "--port", str(port), *shape],
            [*RAKSA, "worker", "--interval", "0.5"],
        ]
        with processes(commands, env, var_dir) as procs:
            wait_healthy(port, procs)
            cookies = login(port, "demo_call_taker", password)
            on = multiprocessing.Event()
            pipe, their_end = multiprocessing.Pipe()
            pages = multiprocessing.Process(
                target=screens_process,
                args=(port, cookies, args.boards, args.consoles, on, their_end),
                daemon=True,
            )
            pages.start()
            probe: list[tuple[float, float, int]] = []  # (sent at, seconds, status)
            probe_lock = threading.Lock()
            local = threading.local()
            stop_probe = threading.Event()

            def request(i: int) -> None:
                conn = getattr(local, "conn", None) or http.client.HTTPConnection(HOST, port, timeout=30)
                local.conn = conn
                headers = {"Authorization": f"Bearer {token}"}
                if i % args.report_every == 0:
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
                    headers |= {"Content-Type": "application/json", "Idempotency-Key": f"live-bench-{i}"}
                    method, path = "POST", "/api/v1/reports"
                else:
                    body, method, path = None, "GET", "/api/v1/cases?limit=20"
                began = time.perf_counter()
                sent_at = time.time()
                status = 0
                for _attempt in range(
                    2
                ):  # a keep-alive connection the server closed: retried once, as a client does
                    try:
                        conn.request(method, path, body=body, headers=headers)
                        response = conn.getresponse()
                        response.read()
                    except (OSError, http.client.HTTPException):
                        conn.close()
                        conn = local.conn = http.client.HTTPConnection(HOST, port, timeout=30)
                        continue
                    status = response.status
                    break
                with probe_lock:
                    probe.append((sent_at, time.perf_counter() - began, status))

            def probe_loop() -> None:
                with ThreadPoolExecutor(max_workers=max(8, int(args.rate * 2))) as pool:
                    start = time.time()
                    i = 0
                    while not stop_probe.is_set():
                        time.sleep(max(0.0, start + i / args.rate - time.time()))
                        pool.submit(request, i)
                        i += 1

            probe_thread = threading.Thread(target=probe_loop, daemon=True)
            probe_thread.start()
            total = args.boards + args.consoles
            log(
                f"serving on {port}; probe {args.rate:g}/s; {args.rounds} rounds of {args.block:g} s quiet / "
                f"{args.block:g} s with {args.boards} boards + {args.consoles} consoles"
            )
            for round_ in range(args.rounds):
                for busy in (False, True):
                    if busy:
                        on.set()
                    else:
                        on.clear()
                    began = time.time()
                    time.sleep(args.block)
                    ended = time.time()
                    with probe_lock:
                        mine = [(s, st) for at, s, st in probe if began + SETTLE_S <= at < ended]
                    pipe.send("take")
                    (trips, statuses), (c_trips, c_statuses) = pipe.recv()
                    block = {
                        "round": round_,
                        "screens": total if busy else 0,
                        "probe": figures([s for s, st in mine if st in (200, 201)]),
                        "probe_errors": sum(1 for _, st in mine if st not in (200, 201)),
                        "board_poll": figures(trips),
                        "board_statuses": statuses,
                        "console_poll": figures(c_trips),
                        "console_statuses": c_statuses,
                    }
                    blocks.append(block)
                    log(
                        f"round {round_} {'busy ' if busy else 'quiet'}: probe {block['probe']}"
                        + (f"; board poll {block['board_poll']} {statuses}" if busy else "")
                        + (f"; console poll {block['console_poll']} {c_statuses}" if busy else "")
                    )
            on.clear()
            stop_probe.set()
            pipe.send("stop")
            pages.join(timeout=30)
            probe_thread.join(timeout=30)

    def median_of(kind: bool, key: str) -> float:
        values = [b["probe"].get(key) for b in blocks if (b["screens"] > 0) == kind and b["probe"].get("n")]
        return round(statistics.median(values), 1) if values else float("nan")

    quiet = {k: median_of(False, k) for k in ("p50_ms", "p95_ms")}
    busy = {k: median_of(True, k) for k in ("p50_ms", "p95_ms")}
    ratio = {k: round(busy[k] / quiet[k], 2) if quiet[k] else float("nan") for k in quiet}
    polls = [b for b in blocks if b["screens"]]
    results = {
        "cpus": os.cpu_count(),
        "rate": args.rate,
        "boards": args.boards,
        "consoles": args.consoles,
        "block_s": args.block,
        "rounds": args.rounds,
        "blocks": blocks,
        "quiet_median": quiet,
        "busy_median": busy,
        "busy_over_quiet": ratio,
        "board_poll_p95_median_ms": statistics.median(b["board_poll"].get("p95_ms", 0) for b in polls),
        "console_poll_p95_median_ms": statistics.median(b["console_poll"].get("p95_ms", 0) for b in polls),
        "probe_errors": sum(b["probe_errors"] for b in blocks),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    log(f"API probe, median of blocks: quiet {quiet}, with {args.boards + args.consoles} screens {busy}")
    log(f"busy / quiet: {ratio}; probe errors {results['probe_errors']}; figures: {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
