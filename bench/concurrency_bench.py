#!/usr/bin/env python
"""A crowd on a real `raksa serve`: 50 clients writing notes and reading the case list, beside a bare endpoint.

    .venv/bin/python bench/concurrency_bench.py                      # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/raksa_bench .venv/bin/python bench/concurrency_bench.py

For each server shape asked for (--processes, default: one web process, then `raksa serve`'s default):
1. a fresh temporary database: SQLite in a temporary folder, or, with DATABASE_URL, a PostgreSQL database named
   after it with `_concurrency` appended (created, and dropped at the end; the one named is never touched);
   `raksa migrate`, `raksa load_directory`, API tokens from `raksa token create` for a 1300 call-taker and case
   workers of three provincial offices, and 50 cases per office opened through the API;
2. `raksa serve` on 127.0.0.1 (a free port) with that many web processes;
3. the bare phase: every client asks GET /healthz (Django's whole stack and one `SELECT 1`) as fast as it is
   answered; then the application phase: every client, with its own token and kept-alive connection, adds a
   note to one of its cases (POST /api/v1/cases/{number}/notes) and reads its case list (GET /api/v1/cases), in
   turn. Each phase runs --warmup seconds unmeasured, then --duration seconds measured;
4. checks that every note the server acknowledged is in the case timelines, and stops the server.
Prints throughput, median and p95 latency per phase, the application/bare ratio, and every error (there must be
none); writes the figures to bench/out/concurrency_results.json. The clients run on the same machine as the
server (several processes, so Python's lock does not throttle them), and share its cores.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RAKSA = [sys.executable, "-m", "raksa.cli"]
HOST = "127.0.0.1"  # never anything else: the bench talks to the server it started
OFFICES = ("pso-10", "pso-50", "pso-40")
PROVINCES = {"pso-10": "10", "pso-50": "50", "pso-40": "40"}
CASES_PER_OFFICE = 50
MAX_DURATION = 600
MAX_CLIENTS = 200
MAX_REQUESTS = 2_000_000  # across all clients and phases: a bound whatever the machine


# --- the server ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def raksa(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run([*RAKSA, *args], env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise SystemExit(f"raksa {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


@contextlib.contextmanager
def fresh_database(url: str) -> Iterator[dict[str, str]]:
    """The environment of a `raksa` command on a new, empty database (removed afterwards)."""
    env = {**os.environ}
    env.pop("DATABASE_URL", None)
    var_dir = tempfile.mkdtemp(prefix="raksa-concurrency-")
    env["RAKSA_VAR_DIR"] = var_dir
    if not url:
        try:
            yield env
        finally:
            shutil.rmtree(var_dir, ignore_errors=True)
        return
    import psycopg  # the project's PostgreSQL driver

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_concurrency"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield env
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(var_dir, ignore_errors=True)


def api(method: str, url: str, token: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def seed(env: dict[str, str]) -> list[dict[str, Any]]:
    """Directory, users and tokens (through the `raksa` command), as an operator would set them up."""
    raksa("migrate", "--no-input", env=env)
    raksa("load_directory", env=env)
    users = [{"name": "bench_call_taker", "role": "call_taker", "unit": None}]
    users += [{"name": f"bench_{unit}", "role": "case_worker", "unit": unit} for unit in OFFICES]
    for user in users:
        args = ["token", "create", "--user", user["name"], "--role", user["role"]]
        if user["unit"]:
            args += ["--unit", user["unit"]]
        user["token"] = raksa(*args, env=env).strip()
    return users


def open_cases(base: str, users: list[dict[str, Any]]) -> None:
    """50 cases per provincial office, opened by the call-taker through the API; each user's writable cases."""
    call_taker = users[0]
    call_taker["cases"] = []
    for user in users[1:]:
        user["cases"] = []
        for n in range(CASES_PER_OFFICE):
            case = api(
                "POST",
                f"{base}/api/v1/cases",
                call_taker["token"],
                {
                    "summary": f"แม่ถูกสามีทำร้าย ({user['unit']} {n})",
                    "channel": "hotline",
                    "category": "family_violence",
                    "province_code": PROVINCES[user["unit"]],
                },
            )
            if case["owning_unit"] != user["unit"]:
                raise SystemExit(f"a case for {user['unit']} went to {case['owning_unit']}: routing changed?")
            user["cases"].append(case["number"])
            call_taker["cases"].append(case["number"])


@contextlib.contextmanager
def serving(
    env: dict[str, str], processes: int | None, threads: int | None
) -> Iterator[tuple[int, str, int]]:
    port = free_port()
    args = ["serve", "--host", HOST, "--port", str(port)]
    if processes:
        args += ["--processes", str(processes)]
    if threads:
        args += ["--threads", str(threads)]
    log_path = Path(env["RAKSA_VAR_DIR"]) / "serve.log"
    with log_path.open("a") as log:  # appended to by the server; read here through a file of our own
        proc = subprocess.Popen(
            [*RAKSA, *args], env=env, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
    try:
        for _ in range(600):
            if proc.poll() is not None:
                raise SystemExit(f"raksa serve exited:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        banner = next(
            (line.strip() for line in log_path.read_text().splitlines() if "serving on" in line), ""
        )
        yield port, banner, proc.pid  # its own process group
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        with contextlib.suppress(ProcessLookupError):  # nothing of it may outlive the bench
            os.killpg(proc.pid, signal.SIGKILL)
    if proc.returncode != 0:
        raise SystemExit(
            f"raksa serve did not stop cleanly (code {proc.returncode}):\n{log_path.read_text()}"
        )


# --- the clients (run in separate processes) ----------------------------------------------------------------


def run_clients(job: dict[str, Any]) -> dict[str, Any]:
    """Some of the clients, as threads of one process; latencies of the measured requests, and the errors."""
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    noted: Counter[str] = Counter()
    lock = threading.Lock()
    start_at, measure_from, stop_at = job["start_at"], job["measure_from"], job["stop_at"]

    def client(spec: dict[str, Any]) -> None:
        rng = random.Random(spec["seed"])
        headers = {"Authorization": f"Bearer {spec['token']}", "Content-Type": "application/json"}
        connection = http.client.HTTPConnection(HOST, job["port"], timeout=120)
        mine: dict[str, list[float]] = {}
        my_errors: list[str] = []
        my_notes: Counter[str] = Counter()
        sent = 0
        time.sleep(max(0.0, start_at - time.time()))
        while sent < job["max_requests"]:
            began_wall = time.time()
            if began_wall >= stop_at:
                break
            if job["phase"] == "bare":
                kind, method, path, body = "healthz", "GET", "/healthz", None
            elif sent % 2 == 0:
                number = rng.choice(spec["cases"])
                kind, method, path = "note", "POST", f"/api/v1/cases/{number}/notes"
                body = json.dumps({"body": f"บันทึกการเยี่ยมบ้าน {spec['seed']}-{sent}"})
            else:
                kind, method, path, body = "case_list", "GET", "/api/v1/cases?limit=20", None
            began = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status, payload = 0, repr(exc).encode()
                connection.close()
                connection = http.client.HTTPConnection(HOST, job["port"], timeout=120)
            elapsed = time.perf_counter() - began
            sent += 1
            if status not in (200, 201):
                my_errors.append(f"{kind} {method} {path}: {status} {payload[:300].decode(errors='replace')}")
            elif kind == "note":
                my_notes[path.split("/")[4]] += 1
            if began_wall >= measure_from:
                mine.setdefault(kind, []).append(elapsed)
        connection.close()
        with lock:
            for kind, values in mine.items():
                latencies.setdefault(kind, []).extend(values)
            errors.extend(my_errors)
            noted.update(my_notes)

    threads = [threading.Thread(target=client, args=(spec,)) for spec in job["clients"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors, "noted": dict(noted)}


def group_cpu_seconds(pgid: int) -> float:
    """CPU time used so far by the live processes of one process group (the server: serve, gunicorn, workers)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # state, ppid, pgrp, ...; utime and stime are the 12th and 13th
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values[:8]) - idle) / tick, sum(values[:8]) / tick


def phase(
    name: str,
    port: int,
    pgid: int,
    users: list[dict[str, Any]],
    args: argparse.Namespace,
    pool: ProcessPoolExecutor,
) -> dict[str, Any]:
    specs = []
    for i in range(args.clients):
        user = users[i % len(users)]
        specs.append({"seed": i, "token": user["token"], "cases": user["cases"]})
    start_at = time.time() + 2  # every client process is up and connected by then
    job = {
        "phase": name,
        "port": port,
        "start_at": start_at,
        "measure_from": start_at + args.warmup,
        "stop_at": start_at + args.warmup + args.duration,
        "max_requests": MAX_REQUESTS // (2 * args.clients * len(args.shapes) * args.rounds),
    }
    shares = [specs[i :: args.client_processes] for i in range(args.client_processes)]
    cpu: dict[str, Any] = {}

    def sample() -> None:
        # Where the machine's time went during the measured window: the server's share, and how busy it was.
        time.sleep(max(0.0, job["measure_from"] - time.time()))
        server, machine = group_cpu_seconds(pgid), machine_cpu_seconds()
        time.sleep(max(0.0, job["stop_at"] - time.time()))
        server_after, machine_after = group_cpu_seconds(pgid), machine_cpu_seconds()
        cpu["server_cores"] = round((server_after - server) / args.duration, 2)
        busy, total = machine_after[0] - machine[0], machine_after[1] - machine[1]
        cpu["machine_busy"] = round(busy / total, 2) if total else 0.0

    sampler = threading.Thread(target=sample)
    sampler.start()
    results = list(pool.map(run_clients, [{**job, "clients": share} for share in shares if share]))
    sampler.join()
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    noted: Counter[str] = Counter()
    for result in results:
        for kind, values in result["latencies"].items():
            latencies.setdefault(kind, []).extend(values)
        errors.extend(result["errors"])
        noted.update(result["noted"])
    return {"latencies": latencies, "errors": errors, "noted": noted, "cpu": cpu}


# --- figures ------------------------------------------------------------------------------------------------


def summary(values: list[float], duration: float) -> dict[str, float]:
    if not values:
        return {"requests": 0, "per_second": 0.0, "p50_ms": 0.0, "p95_ms": 0.0}
    ordered = sorted(values)
    return {
        "requests": len(values),
        "per_second": round(len(values) / duration, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1),
    }


def notes_in_timelines(base: str, users: list[dict[str, Any]]) -> int:
    token = users[0]["token"]
    return sum(
        sum(
            1
            for event in api("GET", f"{base}/api/v1/cases/{number}/events", token)
            if event["kind"] == "note_added"
        )
        for number in users[0]["cases"]
    )


def run_shape(shape: str, url: str, args: argparse.Namespace, pool: ProcessPoolExecutor) -> dict[str, Any]:
    processes = None if shape == "default" else int(shape)
    with fresh_database(url) as env:
        users = seed(env)
        with serving(env, processes, args.threads) as (port, banner, pgid):
            base = f"http://{HOST}:{port}"
            open_cases(base, users)
            print(f"  {banner}", flush=True)
            bare = phase("bare", port, pgid, users, args, pool)
            app = phase("app", port, pgid, users, args, pool)
            acknowledged = sum(app["noted"].values())
            stored = notes_in_timelines(base, users)
    figures = {
        "shape": shape,
        "server": banner,
        "bare": summary(bare["latencies"].get("healthz", []), args.duration),
        "app": summary([v for values in app["latencies"].values() for v in values], args.duration),
        "note": summary(app["latencies"].get("note", []), args.duration),
        "case_list": summary(app["latencies"].get("case_list", []), args.duration),
        "notes_acknowledged": acknowledged,
        "notes_in_timelines": stored,
        "cpu": {"bare": bare["cpu"], "app": app["cpu"]},
        "errors": bare["errors"] + app["errors"],
    }
    figures["ratio"] = round(figures["app"]["per_second"] / (figures["bare"]["per_second"] or 1), 3)
    return figures


def print_shape(figures: dict[str, Any]) -> None:
    def row(label: str, s: dict[str, float]) -> str:
        return f"    {label:<22} {s['per_second']:>8.1f}/s  p50 {s['p50_ms']:>7.1f} ms  p95 {s['p95_ms']:>7.1f} ms"

    print(row("bare GET /healthz", figures["bare"]))
    print(row("notes + case list", figures["app"]))
    print(row("  POST note", figures["note"]))
    print(row("  GET case list", figures["case_list"]))
    for part in ("bare", "app"):
        cpu = figures["cpu"][part]
        print(
            f"    {part}: server used {cpu['server_cores']:.2f} cores; machine {cpu['machine_busy']:.0%} busy "
            "(clients, database server and everything else included)"
        )
    print(f"    application / bare throughput: {figures['ratio']:.2f}")
    print(
        f"    notes acknowledged {figures['notes_acknowledged']}, in the timelines {figures['notes_in_timelines']}"
    )
    errors = figures["errors"]
    print(f"    errors: {len(errors)}")
    for message, count in Counter(errors).most_common(20):
        print(f"      {count} x {message}")


def medians(results: list[dict[str, Any]], shapes: list[str]) -> dict[str, dict[str, float]]:
    """Per shape, the median over the rounds of each figure, and of its ratios (to bare, to the first shape)."""
    out: dict[str, dict[str, float]] = {}
    first = {r["round"]: r for r in results if r["shape"] == shapes[0]}
    for shape in shapes:
        rounds = [r for r in results if r["shape"] == shape]
        figures: dict[str, float] = {}
        for part in ("bare", "app", "note", "case_list"):
            for key in ("per_second", "p50_ms", "p95_ms"):
                figures[f"{part}_{key}"] = round(statistics.median(r[part][key] for r in rounds), 1)
        figures["app_to_bare"] = round(statistics.median(r["ratio"] for r in rounds), 3)
        figures["app_to_first_shape"] = round(
            statistics.median(
                r["app"]["per_second"] / (first[r["round"]]["app"]["per_second"] or 1) for r in rounds
            ),
            3,
        )
        figures["app_server_cores"] = statistics.median(r["cpu"]["app"]["server_cores"] for r in rounds)
        figures["app_machine_busy"] = statistics.median(r["cpu"]["app"]["machine_busy"] for r in rounds)
        figures["errors"] = sum(len(r["errors"]) for r in rounds)
        out[shape] = figures
    return out


def print_medians(results: list[dict[str, Any]], shapes: list[str]) -> None:
    rounds = max(r["round"] for r in results)
    print(
        f"\nmedians over {rounds} round(s); cores: the server's CPU use while notes and lists ran; busy: machine"
    )
    print(
        f"  {'web processes':<14} {'bare/s':>8} {'app/s':>8} {'app/bare':>8} {'vs ' + shapes[0]:>8} "
        f"{'note p50':>9} {'note p95':>9} {'list p50':>9} {'list p95':>9} {'cores':>5} {'busy':>5} {'errors':>6}"
    )
    for shape, m in medians(results, shapes).items():
        print(
            f"  {shape:<14} {m['bare_per_second']:>8.1f} {m['app_per_second']:>8.1f} {m['app_to_bare']:>8.2f} "
            f"{m['app_to_first_shape']:>8.2f} {m['note_p50_ms']:>7.1f}ms {m['note_p95_ms']:>7.1f}ms "
            f"{m['case_list_p50_ms']:>7.1f}ms {m['case_list_p95_ms']:>7.1f}ms {m['app_server_cores']:>5.2f} "
            f"{m['app_machine_busy']:>5.0%} {m['errors']:>6}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=float, default=60.0, help="measured seconds per phase (default 60)"
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds before each phase")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--processes",
        default="1,default",
        help="web process counts to compare, comma-separated; 'default' is raksa serve's own (default: 1,default)",
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="threads per web process (raksa serve's default)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="times each shape is measured, in turn (max 9)")
    parser.add_argument(
        "--client-processes", type=int, default=4, help="processes the clients are spread over"
    )
    args = parser.parse_args()
    if not 0 < args.duration <= MAX_DURATION or not 0 <= args.warmup <= 60:
        parser.error(f"--duration must be in (0, {MAX_DURATION}] and --warmup in [0, 60]")
    if not 0 < args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be in 1..{MAX_CLIENTS}")
    if not 1 <= args.rounds <= 9:
        parser.error("--rounds must be in 1..9")
    args.shapes = [s.strip() for s in args.processes.split(",") if s.strip()]
    if not args.shapes or any(s != "default" and not s.isdigit() for s in args.shapes):
        parser.error("--processes takes numbers and 'default', e.g. 1,default")
    args.client_processes = max(1, min(args.client_processes, args.clients))

    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must be a PostgreSQL URL (leave it unset for SQLite)")
    database = "PostgreSQL" if url else "SQLite (file, WAL)"
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"{database}; {args.clients} clients over {args.client_processes} processes; {args.warmup:g} s warm-up, "
        f"{args.duration:g} s measured per phase; {cpus} CPUs, shared by server and clients; "
        f"load average {os.getloadavg()[0]:.1f} at start",
        flush=True,
    )
    results = []
    with ProcessPoolExecutor(max_workers=args.client_processes, mp_context=get_context("spawn")) as pool:
        # Shapes take turns, round after round, so that whatever else the machine does falls on each alike.
        for round_ in range(1, args.rounds + 1):
            for shape in args.shapes:
                print(f"\nround {round_}, web processes: {shape}", flush=True)
                figures = {"round": round_, **run_shape(shape, url, args, pool)}
                print_shape(figures)
                results.append(figures)
    print_medians(results, args.shapes)
    OUT.mkdir(parents=True, exist_ok=True)
    name = "concurrency_results_postgresql.json" if url else "concurrency_results_sqlite.json"
    record = {
        "database": database,
        "cpus": cpus,
        "clients": args.clients,
        "duration": args.duration,
        "rounds": args.rounds,
        "medians": medians(results, args.shapes),
    }
    (OUT / name).write_text(json.dumps({**record, "results": results}, ensure_ascii=False, indent=2))
    failed = any(r["errors"] or r["notes_acknowledged"] != r["notes_in_timelines"] for r in results)
    print(f"\nfigures in {OUT / name}" + ("; FAILED: errors or lost notes above" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
