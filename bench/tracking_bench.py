#!/usr/bin/env python
"""e-Tracking's speed at national scale: public look-ups by tracking code, their ceiling beside a bare read.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/raksa_bench .venv/bin/python bench/tracking_bench.py

1. The database DATABASE_URL names must hold people_cases_bench.py's 1,000,000 people and 2,000,000 cases (run
   that first). It is copied (`CREATE DATABASE <name>_intake TEMPLATE <name>`, as intake_bench.py does) and the
   copy migrated, so the original keeps exactly the foundation bench's data; --keep keeps the copy.
2. `raksa serve` (its default processes and threads, and its worker) with RAKSA_BENCH_ENDPOINTS=1, which mounts
   `GET /bench/read/<code>`: Django's whole stack and one case row read by its code (raksa.tracking.bench).
3. ceiling: --connections closed-loop clients in --client-processes processes, for --ceiling-duration seconds,
   against `GET /api/v1/track/{code}` (no second factor: the public answer) and against the bare read, in turn,
   --rounds times; codes drawn from a sample of the cases' real codes. Throughput, p50/p99, ratio (medians).
4. rate: --rate look-ups per second, open loop, for --duration seconds against the API, or the rate the ceiling
   says the server can take (80% of it) when that is lower; p50/p95/p99 and how late the client ran.
Target (issue "e-Tracking"): 1,000 look-ups/s with p99 <= 30 ms, or, where the server cannot reach 1,000/s, the
ratio to the bare read; both printed. Figures to bench/out/tracking_results.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake_bench import (  # noqa: E402  (the bench directory is not a package)
    HOST,
    ROOT,
    database_copy,
    log,
    raksa,
    serving,
    source_size,
    summary,
)

OUT = ROOT / "bench" / "out" / "tracking_results.json"
TARGET_RATE = 1000
TARGET_P99_MS = 30.0


def sample_codes(url: str, count: int) -> list[str]:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT tracking_code FROM cases_case TABLESAMPLE SYSTEM (1) LIMIT %s", (count,)
        ).fetchall()
    codes = [row[0] for row in rows]
    random.Random(7).shuffle(codes)
    return codes


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, http.client.HTTPConnection]:
    for _attempt in range(2):
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            return response.status, conn
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(HOST, conn.port, timeout=30)
    return 0, conn


def closed_loop(job: dict[str, Any]) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(HOST, job["port"], timeout=30)
        mine: list[float] = []
        time.sleep(max(0.0, job["start_at"] - time.time()))
        while time.time() < job["stop_at"]:
            code = job["codes"][rng.randrange(len(job["codes"]))]
            began_wall, began = time.time(), time.perf_counter()
            status, conn = _get(conn, job["path"].format(code=code))
            elapsed = time.perf_counter() - began
            if status != 200:
                with lock:
                    errors[str(status)] = errors.get(str(status), 0) + 1
            elif began_wall >= job["measure_from"]:
                mine.append(elapsed)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in job["seeds"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors}


def open_loop(job: dict[str, Any]) -> dict[str, Any]:
    """This process's share of the schedule: request i at start_at + i / rate, whatever came back before."""
    latencies: list[float] = []
    late: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    schedule = job["schedule"]
    cursor = [0]
    local = threading.local()

    def sender() -> None:
        local.conn = http.client.HTTPConnection(HOST, job["port"], timeout=30)
        while True:
            with lock:
                if cursor[0] >= len(schedule):
                    break
                due, code = schedule[cursor[0]]
                cursor[0] += 1
            wait = due - time.time()
            if wait > 0:
                time.sleep(wait)
            began = time.perf_counter()
            status, local.conn = _get(local.conn, job["path"].format(code=code))
            elapsed = time.perf_counter() - began
            with lock:
                late.append(max(0.0, -wait))
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1

    threads = [threading.Thread(target=sender) for _ in range(job["threads"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "late": late, "errors": errors}


def merged(outs: list[dict[str, Any]]) -> tuple[list[float], dict[str, int]]:
    errors: dict[str, int] = {}
    for out in outs:
        for key, count in out["errors"].items():
            errors[key] = errors.get(key, 0) + count
    return [v for out in outs for v in out["latencies"]], errors


def ceiling(
    path: str, port: int, codes: list[str], args: argparse.Namespace, pool: ProcessPoolExecutor
) -> dict:
    start_at = time.time() + 2
    job = {
        "path": path,
        "port": port,
        "codes": codes,
        "start_at": start_at,
        "measure_from": start_at + 3,
        "stop_at": start_at + 3 + args.ceiling_duration,
    }
    seeds = list(range(args.connections))
    shares = [seeds[i :: args.client_processes] for i in range(args.client_processes)]
    latencies, errors = merged(list(pool.map(closed_loop, [{**job, "seeds": s} for s in shares if s])))
    return {"path": path, **summary(latencies, args.ceiling_duration), "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=TARGET_RATE)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--ceiling-duration", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--codes", type=int, default=20000)
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name the PostgreSQL database of bench/people_cases_bench.py")
    size = source_size(url)
    if not size or size[1] < 1_000_000:
        raise SystemExit(f"{url} holds {size} (people, cases): run bench/people_cases_bench.py on it first")
    log(f"{os.cpu_count()} CPUs shared by server, clients and PostgreSQL; load {os.getloadavg()[0]:.1f}")
    log(f"source: {size[0]:,} people, {size[1]:,} cases")
    var_dir = ROOT / "var" / "tracking-bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"cpus": os.cpu_count(), "people": size[0], "cases": size[1]}
    with database_copy(url, keep=args.keep) as copy:
        env = {
            **os.environ,
            "DATABASE_URL": copy,
            "RAKSA_VAR_DIR": str(var_dir),
            "RAKSA_BENCH_ENDPOINTS": "1",
            "PYTHONPATH": str(ROOT / "src"),
        }
        raksa("migrate", "--no-input", env=env)
        codes = sample_codes(copy, args.codes)
        log(f"{len(codes):,} tracking codes sampled from the cases")
        with (
            serving(env, args.processes, args.threads) as (port, banner),
            ProcessPoolExecutor(args.client_processes, mp_context=get_context("spawn")) as pool,
        ):
            log(banner)
            api_path, bare_path = "/api/v1/track/{code}", "/bench/read/{code}"
            rounds = []
            for round_ in range(args.rounds):
                for path in (bare_path, api_path):
                    figures = ceiling(path, port, codes, args, pool)
                    rounds.append(figures)
                    log(f"round {round_} ceiling {path}: {figures}")
            api = [r for r in rounds if r["path"] == api_path]
            bare = [r for r in rounds if r["path"] == bare_path]
            api_ceiling = statistics.median(r.get("per_second", 0) for r in api)
            bare_ceiling = statistics.median(r.get("per_second", 0) for r in bare)
            results["ceiling"] = {
                "rounds": rounds,
                "api_per_second": api_ceiling,
                "bare_per_second": bare_ceiling,
                "api_over_bare": round(api_ceiling / bare_ceiling, 2) if bare_ceiling else None,
                "api_p99_ms": statistics.median(r["p99_ms"] for r in api),
                "bare_p99_ms": statistics.median(r["p99_ms"] for r in bare),
            }
            rate = min(args.rate, round(api_ceiling * 0.8)) if api_ceiling else args.rate
            start_at = time.time() + 2
            total = int(rate * args.duration)
            rng = random.Random(11)
            schedule = [(start_at + i / rate, codes[rng.randrange(len(codes))]) for i in range(total)]
            shares = [schedule[i :: args.client_processes] for i in range(args.client_processes)]
            # Enough senders that none waits for an answer before its next turn (a quarter second of latency each).
            threads = max(8, int(rate * 0.25 / args.client_processes) + 4)
            outs = list(
                pool.map(
                    open_loop,
                    [{"path": api_path, "port": port, "schedule": s, "threads": threads} for s in shares],
                )
            )
            latencies, errors = merged(outs)
            late = [v for out in outs for v in out["late"]]
            results["rate"] = {
                "asked_per_second": args.rate,
                "sent_per_second": rate,
                **summary(latencies, args.duration),
                "errors": errors,
                "late_p99_ms": round(sorted(late)[int(len(late) * 0.99)] * 1000, 1) if late else 0.0,
            }
            log(f"open loop at {rate:g}/s for {args.duration:g} s: {results['rate']}")
    c = results["ceiling"]
    log(
        f"ceiling: API {c['api_per_second']:g}/s (p99 {c['api_p99_ms']} ms), bare read {c['bare_per_second']:g}/s "
        f"(p99 {c['bare_p99_ms']} ms): API / bare {c['api_over_bare']}"
    )
    met = results["rate"]["sent_per_second"] >= TARGET_RATE and results["rate"]["p99_ms"] <= TARGET_P99_MS
    log(
        f"target 1,000/s with p99 <= {TARGET_P99_MS:g} ms: "
        + (
            "met"
            if met
            else f"not reached on this machine; the ratio to the bare read is {c['api_over_bare']}"
        )
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    log(f"figures: {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
