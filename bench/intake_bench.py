#!/usr/bin/env python
"""The intake's speed on PostgreSQL at national scale: partner reports at 50/s, their ceiling, caller look-up.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/raksa_bench .venv/bin/python bench/intake_bench.py

1. The database DATABASE_URL names must hold people_cases_bench.py's 1,000,000 people and 2,000,000 cases (the
   bench runs that generator first when it does not). It is never written to: the bench copies it
   (`CREATE DATABASE <name>_intake TEMPLATE <name>`, about a minute), works on the copy and drops it at the end
   (--keep keeps it). `raksa migrate`, then bearer tokens from `raksa token create`: a partner (a case worker of
   Bangkok's provincial office, as a hospital's social worker would be) and a 1300 call-taker.
2. `raksa serve` (gunicorn, its default processes and threads, web + worker + timers) on 127.0.0.1 at a free
   port, with RAKSA_BENCH_ENDPOINTS=1 for the bare endpoint and the web form's per-address limits raised (every
   request comes from 127.0.0.1).
3. submit: --rate submissions per second (open loop: each is sent at its time whatever the answers before it)
   for --warmup seconds unmeasured, then --duration seconds measured, to `POST /api/v1/reports`, each with its
   own Idempotency-Key, a Thai text from data/triage (real wording, the five emergencies and every category),
   a third with the phone of a person already in the index, some with a new caller, a place or coordinates,
   anonymous. Latency is measured by the client, in separate processes on the same machine, from sending the
   request to reading the whole answer (so it includes the server's queueing); `late` says how far behind its
   schedule the most delayed request was sent. Then the database is counted: every acknowledged key has exactly
   one report and the report one case, no report or case beyond them (zero lost, zero duplicated); a sample of
   keys is sent again (the answer must be 200 with the same report) and nothing new may appear.
   The same for the public web form (`/report/`, a page read for its form, then the post) when the server has
   it; the bench says when it does not. The target is the post (the submit); page and post together are printed
   beside it, as the person waits for both.
4. ceiling: --clients closed-loop clients (each sends as soon as its answer comes) for --ceiling-duration
   seconds, against `POST /bench/insert` (Django's stack and one insert into the reports table) and against
   `POST /api/v1/reports`, in turn, --rounds times; throughput, p50/p95, and the ratio report/bare (medians).
5. lookup: the console's caller look-up by phone, in this process on the copy (server time, as a page pays it):
   `raksa.intake.console.selectors.caller_lookup` when it exists, else what the console does with the selectors
   of the foundation (`person_search` by the phone, then `case_history` of each person found); 90% of the phones
   are people's in the index, 10% unknown. --lookups timed calls after a warm-up.
Targets: submit p95 <= 200 ms at 50/s with zero errors, lost and duplicated; caller look-up p95 <= 100 ms.
Prints every figure and writes them to bench/out/intake_results.json.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import HOST, closed_loop, connection, send  # noqa: E402  (the bench directory is not a package)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RAKSA = [sys.executable, "-m", "raksa.cli"]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/raksa_bench"
PEOPLE, CASES = 1_000_000, 2_000_000
TARGETS_MS = {"submit_p95": 200.0, "lookup_p95": 100.0}
PARTNER_UNIT = "pso-10"
HISTORY_LIMIT = 20  # the console's history length, when the bench stands in for its selector
MAX_RATE = 500
MAX_DURATION = 600
MAX_CLIENTS = 200
ANSWERED = (200, 201, 302)  # a report made or found (API), or the web form's redirect to its thank-you page
TIMELINE_SECONDS = 5  # the width of one step of the latency timeline


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def summary(values: list[float], seconds: float | None = None) -> dict[str, float]:
    ordered = sorted(values)
    figures = {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else 0.0,
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 1),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else 0.0,
    }
    if seconds:
        figures["per_second"] = round(len(ordered) / seconds, 1)
    return figures


# --- the databases ------------------------------------------------------------------------------------------


def admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def source_size(url: str) -> tuple[int, int] | None:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            people = conn.execute("SELECT count(*) FROM people_person").fetchone()
            cases = conn.execute("SELECT count(*) FROM cases_case").fetchone()
    except psycopg.Error:
        return None
    return (people[0] if people else 0, cases[0] if cases else 0)


@contextlib.contextmanager
def database_copy(url: str, *, keep: bool) -> Iterator[str]:
    """A copy of the bench database to write into; the original keeps exactly the foundation bench's data."""
    import psycopg

    name = db_name(url) + "_intake"
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        started = time.monotonic()
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{db_name(url)}"')
    log(f"copied {db_name(url)} to {name} in {time.monotonic() - started:.0f} s")
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        if keep:
            log(f"kept {name}")
        else:
            with psycopg.connect(admin_url(url), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def raksa(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run([*RAKSA, *args], env=env, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise SystemExit(f"raksa {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def sample_phones(url: str, count: int, seed: int) -> list[str]:
    """Phones of people in the index, spread over the whole table (a block sample, then a seeded pick)."""
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("SELECT setseed(%s)", (((seed % 1000) / 1000),))
        rows = conn.execute(
            "SELECT value FROM people_identifier TABLESAMPLE BERNOULLI (2) WHERE kind = 'phone' LIMIT %s",
            (count * 3,),
        ).fetchall()
    phones = [row[0] for row in rows]
    random.Random(seed).shuffle(phones)
    return phones[:count]


# --- the server ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(env: dict[str, str], processes: int | None, threads: int | None) -> Iterator[tuple[int, str]]:
    port = free_port()
    shape = [
        *(["--processes", str(processes)] if processes else []),
        *(["--threads", str(threads)] if threads else []),
    ]
    log_path = Path(env["RAKSA_VAR_DIR"]) / "serve.log"
    with log_path.open("a") as out:
        proc = subprocess.Popen(
            [*RAKSA, "serve", "--host", HOST, "--port", str(port), *shape],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's workers stop with it
        )
    try:
        for _ in range(1200):
            if proc.poll() is not None:
                raise SystemExit(f"raksa serve exited:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        banner = next((ln.strip() for ln in log_path.read_text().splitlines() if "serving on" in ln), "")
        yield port, banner
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


# --- what is sent -------------------------------------------------------------------------------------------

NEW_NAMES = ["สมหญิง รักดี", "วันเพ็ญ ศรีสุข", "ประยุทธ แก้วมณี", "มาลัย ทองคำ", "อรทัย บุญมา", "Aung Min"]
PLACES = [
    ("10", "ตลาดบางกะปิ", (13.7650, 100.6430)),
    ("50", "ตลาดวโรรส", (18.7900, 98.9990)),
    ("40", "บขส. ขอนแก่น", (16.4320, 102.8350)),
    ("83", "หาดป่าตอง", (7.8960, 98.2960)),
    ("90", "ตลาดกิมหยง หาดใหญ่", (7.0080, 100.4740)),
]


def texts() -> list[str]:
    found = []
    for name in ("dev.jsonl", "train.jsonl"):
        with (ROOT / "data" / "triage" / name).open(encoding="utf-8") as handle:
            found.extend(json.loads(line)["text"] for line in handle if line.strip())
    return found


def report_body(rng: random.Random, corpus: list[str], phones: list[str]) -> dict[str, Any]:
    """One partner report: a real text, and the people and place a partner would add to it."""
    body: dict[str, Any] = {"text": rng.choice(corpus)}
    roll = rng.random()
    if roll < 0.33 and phones:
        body["reporter"] = {"phone": rng.choice(phones)}  # someone the index knows
    elif roll < 0.5:
        body["reporter"] = {"name": rng.choice(NEW_NAMES), "phone": f"08{rng.randrange(10**8):08d}"}
    province, place, (lat, lon) = rng.choice(PLACES)
    roll = rng.random()
    if roll < 0.3:
        body["location"] = {
            "latitude": round(lat + rng.uniform(-0.01, 0.01), 6),
            "longitude": round(lon + rng.uniform(-0.01, 0.01), 6),
            "text": place,
        }
    elif roll < 0.8:
        body["location"] = {"province_code": province, "text": place}
    if rng.random() < 0.05:
        body["anonymous"] = True
    if rng.random() < 0.5:
        body["external_ref"] = f"OSCC-{rng.randrange(10**6):06d}"
    return body


# --- the clients (separate processes; threads inside) -------------------------------------------------------


def open_loop(job: dict[str, Any]) -> dict[str, Any]:
    """This process's share of an open-loop schedule: each request leaves at its time, whatever became of the ones
    before it (a pool of threads, each with its own kept-alive connection, takes them as they fall due)."""
    from concurrent.futures import ThreadPoolExecutor

    local = threading.local()

    def one(item: dict[str, Any]) -> dict[str, Any]:
        conn = getattr(local, "conn", None) or connection(job["port"])
        local.conn = conn
        sent = time.time()
        began = time.perf_counter()
        post_seconds = None
        if job["kind"] == "web":
            status, payload, post_seconds = web_submit(conn, job["port"], item)
        else:
            headers = {
                "Authorization": f"Bearer {job['token']}",
                "Content-Type": "application/json",
                "Idempotency-Key": item["key"],
            }
            status, payload, _ = send(conn, "POST", "/api/v1/reports", item["body"].encode(), headers)
        elapsed = time.perf_counter() - began
        report_id = None
        if job["kind"] == "api" and status in (200, 201):
            report_id = json.loads(payload).get("report_id")
        elif status == 302:  # the thank-you page names the report: /report/sent/<public id>/
            report_id = payload.decode().split("/report/sent/", 1)[1].split("/", 1)[0]
        return {
            "key": item["key"],
            "due": item["due"],
            "late": sent - item["due"],
            "seconds": elapsed,
            "post_seconds": post_seconds,
            "status": status,
            "report_id": report_id,
            "error": None if status in ANSWERED else payload[:300].decode(errors="replace"),
        }

    with ThreadPoolExecutor(max_workers=job["threads"]) as pool:
        futures = []
        for item in job["items"]:
            time.sleep(max(0.0, item["due"] - time.time()))
            futures.append(pool.submit(one, item))
        results = [future.result() for future in futures]
    return {"results": results}


_HIDDEN = re.compile(r"<input[^>]*>", re.I)
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def web_submit(
    conn: http.client.HTTPConnection, port: int, item: dict[str, Any]
) -> tuple[int, bytes, float | None]:
    """A person on the web form: the page (its CSRF cookie and form token), then the post. Both are timed together
    (the person waits for both) and the post alone (the submit itself). 302 to the thank-you page is success."""
    status, page, cookie = send(conn, "GET", "/report/", None, {})
    if status != 200:
        return status, page, None
    html = page.decode("utf-8", errors="replace")
    start = html.find('name="text"')
    form_start = html.rfind("<form", 0, start)
    form_html = html[form_start : html.find("</form>", start)]
    fields: dict[str, str] = {}
    for tag in _HIDDEN.findall(form_html):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("type") == "hidden" and attrs.get("name"):
            fields[attrs["name"]] = attrs.get("value", "")
    body = item["form"]
    fields.update(body)
    cookies = "; ".join(part.split(";", 1)[0] for part in re.split(r",(?=\s*\w+=)", cookie) if "=" in part)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookies,
        "Referer": f"http://{HOST}:{port}/report/",
        "Origin": f"http://{HOST}:{port}",
    }
    began = time.perf_counter()
    try:
        conn.request("POST", "/report/", body=urllib.parse.urlencode(fields).encode(), headers=headers)
        response = conn.getresponse()
        payload = response.read()
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        return 0, repr(exc).encode(), None
    post_seconds = time.perf_counter() - began
    location = response.getheader("Location") or ""
    if response.status == 302 and "/report/sent/" in location:
        return 302, location.encode(), post_seconds
    # A form shown again (an error) or anything else: not a report.
    return (response.status if response.status != 302 else 303), payload[:300], post_seconds


# --- the phases ---------------------------------------------------------------------------------------------


def submit_phase(
    kind: str, port: int, token: str, args: argparse.Namespace, pool: ProcessPoolExecutor, bodies: list[dict]
) -> dict[str, Any]:
    total_seconds = args.warmup + args.duration
    count = int(args.rate * total_seconds)
    start_at = time.time() + 3  # every client process is up by then
    measure_from = start_at + args.warmup
    run = uuid.uuid4().hex[:8]
    items = []
    for i in range(count):
        body = bodies[i % len(bodies)]
        item: dict[str, Any] = {"key": f"bench-{kind}-{run}-{i}", "due": start_at + i / args.rate}
        if kind == "web":
            item["form"] = web_fields(body)
            item["key"] = f"web-{run}-{i}"
        else:
            item["body"] = json.dumps(body, ensure_ascii=False)
        items.append(item)
    # Enough threads that slow answers do not hold up departures: 10 s of requests in flight at once.
    threads = max(8, int(args.rate * 10) // args.client_processes)
    shares = [items[i :: args.client_processes] for i in range(args.client_processes)]
    jobs = [{"kind": kind, "port": port, "token": token, "threads": threads, "items": s} for s in shares]
    results = [r for out in pool.map(open_loop, jobs) for r in out["results"]]
    measured = [r for r in results if r["due"] >= measure_from]
    ok = [r for r in measured if r["status"] in ANSWERED]
    # Latency through the run, by when each request was due: a queue that builds shows here, a stall as a bump.
    buckets: dict[int, list[float]] = {}
    for r in results:
        if r["status"] in ANSWERED:
            buckets.setdefault(int((r["due"] - start_at) // TIMELINE_SECONDS), []).append(r["seconds"])
    timeline = []
    for step, seconds in sorted(buckets.items()):
        figures = summary(seconds)
        timeline.append(
            {"from_s": step * TIMELINE_SECONDS, **{k: figures[k] for k in ("n", "p50_ms", "p95_ms")}}
        )
    return {
        "kind": kind,
        "rate": args.rate,
        "sent": len(results),
        "measured": len(measured),
        "latency": summary([r["seconds"] for r in ok]),
        **({"post_latency": summary([r["post_seconds"] for r in ok])} if kind == "web" else {}),
        "timeline": timeline,
        "late_max_ms": round(max((r["late"] for r in measured), default=0) * 1000, 1),
        "errors": [f"{r['status']} {r['error']}" for r in results if r["status"] not in ANSWERED],
        "statuses": dict(Counter(r["status"] for r in results)),
        "acknowledged": {r["key"]: r["report_id"] for r in results if r["status"] in (200, 201)},
        "items": items,
        "results": results,
    }


def web_fields(body: dict[str, Any]) -> dict[str, str]:
    """The problem form as a person fills it in from a partner report's content."""
    fields = {"text": body["text"], "category": "other", "website": ""}
    location = body.get("location") or {}
    if location.get("province_code"):
        fields["province"] = location["province_code"]
    if location.get("text"):
        fields["place"] = location["text"]
    reporter = body.get("reporter") or {}
    if reporter.get("phone"):
        fields["phone"] = reporter["phone"]
    if reporter.get("name"):
        fields["name"] = reporter["name"]
    return fields


def count_reports(url: str, source: str, since: float) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            """
            SELECT count(*), count(DISTINCT idempotency_key), count(*) FILTER (WHERE state = 'processed'),
                   count(*) FILTER (WHERE state = 'failed'), count(*) FILTER (WHERE state = 'received'),
                   count(case_id), count(DISTINCT case_id)
            FROM intake_report WHERE source = %s AND created_at >= to_timestamp(%s)
            """,
            (source, since),
        ).fetchone()
        channel = "api" if source.startswith("api:") else "web"
        cases = conn.execute(
            "SELECT count(*) FROM cases_case WHERE channel = %s AND created_at >= to_timestamp(%s)",
            (channel, since),
        ).fetchone()
    assert row is not None and cases is not None
    keys = ("reports", "distinct_keys", "processed", "failed", "received", "with_case", "distinct_cases")
    return {**dict(zip(keys, row, strict=True)), "cases_opened": cases[0]}


def stored_keys(url: str, source: str, keys: list[str]) -> dict[str, str]:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT idempotency_key, public_id FROM intake_report WHERE source = %s AND idempotency_key = ANY(%s)",
            (source, keys),
        ).fetchall()
    return dict(rows)


def stored_ids(url: str, public_ids: list[str]) -> set[str]:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT public_id FROM intake_report WHERE public_id = ANY(%s)", (public_ids,)
        ).fetchall()
    return {row[0] for row in rows}


def resend(port: int, token: str, phase: dict[str, Any], sample: int, seed: int) -> dict[str, Any]:
    """Send a sample of acknowledged requests again, as a partner retrying would: each must answer 200 with the
    report it made the first time."""
    rng = random.Random(seed)
    keys = list(phase["acknowledged"])
    chosen = set(rng.sample(keys, min(sample, len(keys))))
    conn = connection(port)
    answers: Counter[str] = Counter()
    for item in phase["items"]:
        if item["key"] not in chosen:
            continue
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": item["key"],
        }
        status, payload, _ = send(conn, "POST", "/api/v1/reports", item["body"].encode(), headers)
        same = status == 200 and json.loads(payload).get("report_id") == phase["acknowledged"][item["key"]]
        answers["200 same report" if same else f"{status} other"] += 1
    conn.close()
    return {"resent": len(chosen), "answers": dict(answers)}


def drained(url: str, source: str, since: float, *, quiet: float = 5.0, limit: float = 600.0) -> float:
    """Wait until the server has finished what it was sent (requests a client gave up on still run): the count of
    reports and of unprocessed ones unchanged for `quiet` seconds. Returns the seconds waited."""
    started = time.monotonic()
    last, stable_since = None, time.monotonic()
    while time.monotonic() - started < limit:
        counts = count_reports(url, source, since)
        now = (counts["reports"], counts["received"])
        if now != last:
            last, stable_since = now, time.monotonic()
        elif time.monotonic() - stable_since >= quiet:
            break
        time.sleep(1)
    return time.monotonic() - started


def check_counts(
    url: str, source: str, since: float, phase: dict[str, Any], before: dict[str, int] | None = None
) -> dict[str, Any]:
    counts = count_reports(url, source, since)
    acked = phase["acknowledged"]
    keys = [item["key"] for item in phase["items"]]
    stored = stored_keys(url, source, keys)
    lost = [key for key in acked if key not in stored]
    mismatched = [key for key, rid in acked.items() if rid is not None and stored.get(key) != rid]
    unacknowledged_stored = [key for key in stored if key not in acked]
    return {
        **counts,
        "sent": len(keys),
        "acknowledged": len(acked),
        "lost": len(lost) + len(mismatched),
        "duplicated": counts["reports"]
        - counts["distinct_keys"]
        + max(0, counts["cases_opened"] - counts["distinct_cases"])
        + (counts["with_case"] - counts["distinct_cases"]),
        "stored_without_answer": len(unacknowledged_stored),
    }


def ceiling_phase(
    path: str, port: int, token: str, args: argparse.Namespace, pool: ProcessPoolExecutor, bodies: list[str]
) -> dict[str, Any]:
    start_at = time.time() + 3
    headers = {"Content-Type": "application/json"}
    if path == "/api/v1/reports":
        headers["Authorization"] = f"Bearer {token}"
    job = {
        "path": path,
        "port": port,
        "requests": [(body.encode(), headers) for body in bodies],
        # Every report its own key, as a partner's; the bare insert takes none.
        "key_header": "Idempotency-Key" if path == "/api/v1/reports" else None,
        "prefix": f"ceiling-{uuid.uuid4().hex[:8]}",
        "start_at": start_at,
        "measure_from": start_at + 5,
        "stop_at": start_at + 5 + args.ceiling_duration,
    }
    seeds = list(range(args.clients))
    shares = [seeds[i :: args.client_processes] for i in range(args.client_processes)]
    outs = list(pool.map(closed_loop, [{**job, "seeds": s} for s in shares if s]))
    latencies = [v for out in outs for v in out["latencies"]]
    errors = [e for out in outs for e in out["errors"]]
    return {"path": path, **summary(latencies, args.ceiling_duration), "errors": errors}


def lookup_phase(
    url: str, env: dict[str, str], args: argparse.Namespace, phones: list[str]
) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = url
    os.environ["RAKSA_VAR_DIR"] = env["RAKSA_VAR_DIR"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raksa.settings")
    import django

    django.setup()
    from django.db import connection

    from raksa.accounts.models import User

    user = User.objects.get(username="bench_call_taker")
    try:
        from raksa.intake.console.selectors import caller_lookup  # type: ignore[import-not-found]

        def lookup(phone: str) -> int:
            found = caller_lookup(user=user, phone=phone)
            return len(getattr(found, "people", []) or [])

        how = "raksa.intake.console.selectors.caller_lookup"
    except ImportError:
        from raksa.cases.selectors import case_history
        from raksa.people.selectors import person_search

        def lookup(phone: str) -> int:
            people = person_search(query=phone, limit=20)
            for person in people:
                list(case_history(user=user, person=person, limit=HISTORY_LIMIT))
            return len(people)

        how = (
            "stand-in: people.selectors.person_search(phone) + cases.selectors.case_history(limit=20) per person "
            "(raksa.intake.console is not in this tree)"
        )
    rng = random.Random(args.seed)
    calls = [phone if rng.random() < 0.9 else f"09{rng.randrange(10**8):08d}" for phone in phones]
    calls = (calls * (1 + (args.lookups + 20) // max(1, len(calls))))[: args.lookups + 20]
    for phone in calls[:20]:
        lookup(phone)
    timings, found = [], 0
    for phone in calls[20:]:
        began = time.perf_counter()
        found += 1 if lookup(phone) else 0
        timings.append(time.perf_counter() - began)
    connection.close()
    return {"how": how, **summary(timings), "found_share": round(found / max(1, len(timings)), 2)}


# --- the run ------------------------------------------------------------------------------------------------


def print_submit(name: str, figures: dict[str, Any]) -> None:
    lat = figures["latency"]
    log(
        f"{name}: {figures['measured']} measured of {figures['sent']} sent at {figures['rate']:g}/s; "
        f"p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, p99 {lat['p99_ms']} ms, max {lat['max_ms']} ms; "
        f"latest departure {figures['late_max_ms']} ms behind schedule; errors {len(figures['errors'])}; "
        f"the server finished {figures.get('drain_seconds', 0)} s after the last answer"
    )
    for message, count in Counter(figures["errors"]).most_common(10):
        log(f"    {count} x {message[:200]}")
    post = figures.get("post_latency")
    if post:
        log(
            f"  the post alone (the submit): p50 {post['p50_ms']} ms, p95 {post['p95_ms']} ms, p99 {post['p99_ms']} ms"
        )
    if figures.get("timeline"):
        steps = ", ".join(f"{t['from_s']}s {t['p50_ms']:.0f}/{t['p95_ms']:.0f}" for t in figures["timeline"])
        log(f"  p50/p95 ms by {TIMELINE_SECONDS} s of the schedule (warm-up first): {steps}")
    counts = figures.get("counts")
    if counts:
        log(
            f"  counted: {counts['reports']} reports ({counts['processed']} processed, {counts['failed']} failed, "
            f"{counts['received']} received), {counts['cases_opened']} cases opened, for {counts['acknowledged']} "
            f"acknowledged of {counts['sent']} sent; lost {counts['lost']}, duplicated {counts['duplicated']}; "
            f"stored but not answered in time {counts.get('stored_without_answer', 0)}"
        )
    if figures.get("resend"):
        resent, after = figures["resend"], figures["after_resend"]
        log(
            f"  resent {resent['resent']} keys: {resent['answers']}; afterwards {after['reports']} reports and "
            f"{after['cases_opened']} cases"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="submissions per second (default 50)")
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds at that rate")
    parser.add_argument("--warmup", type=float, default=10.0, help="unmeasured seconds at that rate first")
    parser.add_argument("--resend", type=int, default=200, help="acknowledged keys sent again (default 200)")
    parser.add_argument("--clients", type=int, default=16, help="closed-loop clients for the ceiling")
    parser.add_argument("--ceiling-duration", type=float, default=20.0, help="measured seconds per target")
    parser.add_argument("--rounds", type=int, default=2, help="ceiling rounds, bare and report in turn")
    parser.add_argument("--lookups", type=int, default=200, help="timed caller look-ups (default 200)")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--processes", type=int, default=None, help="raksa serve --processes (its default)")
    parser.add_argument("--threads", type=int, default=None, help="raksa serve --threads (its default)")
    parser.add_argument("--only", default="submit,web,ceiling,lookup", help="phases to run, comma-separated")
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument("--keep", action="store_true", help="keep the copied database")
    parser.add_argument(
        "--min-people", type=int, default=PEOPLE, help="people the database must hold (smaller: a trial run)"
    )
    args = parser.parse_args(argv)
    if not 0 < args.rate <= MAX_RATE or not 0 < args.duration <= MAX_DURATION or not 0 <= args.warmup <= 120:
        parser.error(f"--rate in (0, {MAX_RATE}], --duration in (0, {MAX_DURATION}], --warmup in [0, 120]")
    if not 0 < args.clients <= MAX_CLIENTS or not 1 <= args.rounds <= 9:
        parser.error(f"--clients in 1..{MAX_CLIENTS}, --rounds in 1..9")
    phases = {p.strip() for p in args.only.split(",") if p.strip()}

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must point at PostgreSQL (postgres://...)")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    log(
        f"database {db_name(url)}; {cpus} CPUs shared by server, clients and PostgreSQL; load {os.getloadavg()[0]:.1f}"
    )
    size = source_size(url)
    if size is None or size[0] < args.min_people or size[1] < args.min_people * CASES // PEOPLE:
        log(f"{db_name(url)} holds {size}: running bench/people_cases_bench.py to generate the data first")
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "people_cases_bench.py"), "--queries", "20"],
            env={**os.environ, "DATABASE_URL": url},
            check=True,
        )
    phones = sample_phones(url, 2000, args.seed)
    corpus = texts()
    rng = random.Random(args.seed)
    bodies = [report_body(rng, corpus, phones) for _ in range(4000)]
    figures: dict[str, Any] = {"database": db_name(url), "cpus": cpus, "args": vars(args)}
    failed: list[str] = []

    var_dir = tempfile.mkdtemp(prefix="raksa-intake-bench-")
    with database_copy(url, keep=args.keep) as copy_url:
        env = {
            **os.environ,
            "DATABASE_URL": copy_url,
            "RAKSA_VAR_DIR": var_dir,
            "RAKSA_MEDIA_ROOT": str(Path(var_dir) / "media"),
            "RAKSA_BENCH_ENDPOINTS": "1",
            # Every request comes from 127.0.0.1: the web form's per-address limits would stop the crowd at five.
            "RAKSA_REPORT_RATE_SHORT": "100000000",
            "RAKSA_REPORT_RATE_DAY": "100000000",
            "RAKSA_DEBUG": "false",
        }
        raksa("migrate", "--no-input", env=env)
        token = raksa(
            "token",
            "create",
            "--user",
            "bench_partner",
            "--role",
            "case_worker",
            "--unit",
            PARTNER_UNIT,
            env=env,
        ).strip()
        raksa("token", "create", "--user", "bench_call_taker", "--role", "call_taker", env=env)
        import psycopg

        with psycopg.connect(copy_url) as conn:
            row = conn.execute("SELECT id FROM accounts_user WHERE username = 'bench_partner'").fetchone()
        assert row is not None
        source = f"api:{row[0]}"

        with (
            serving(env, args.processes, args.threads) as (port, banner),
            ProcessPoolExecutor(max_workers=args.client_processes, mp_context=get_context("spawn")) as pool,
        ):
            log(f"server: {banner}")
            if "submit" in phases:
                since = time.time() - 1
                log(
                    f"submit: POST /api/v1/reports at {args.rate:g}/s, {args.warmup:g} s warm-up + {args.duration:g} s"
                )
                api = submit_phase("api", port, token, args, pool, bodies)
                api["drain_seconds"] = round(drained(copy_url, source, since), 1)
                api["counts"] = check_counts(copy_url, source, since, api)
                api["resend"] = resend(port, token, api, args.resend, args.seed)
                api["after_resend"] = count_reports(copy_url, source, since)
                print_submit("partner API", api)
                figures["submit_api"] = {
                    k: v for k, v in api.items() if k not in ("items", "results", "acknowledged")
                }
                c, after = api["counts"], api["after_resend"]
                if c["processed"] != c["reports"]:
                    failed.append("partner API: reports stored but not made into cases (see last_error)")
                if api["errors"] or c["lost"] or c["duplicated"] or after["reports"] != c["reports"]:
                    failed.append("partner API: errors, lost or duplicated reports")
                if (
                    after["cases_opened"] != c["cases_opened"]
                    or api["resend"]["answers"].get("200 same report", 0) != api["resend"]["resent"]
                ):
                    failed.append("partner API: a resent key made something new or answered otherwise")
                if api["latency"]["p95_ms"] > TARGETS_MS["submit_p95"]:
                    failed.append(
                        f"partner API p95 {api['latency']['p95_ms']} ms over {TARGETS_MS['submit_p95']:g}"
                    )
            if "web" in phases:
                try:
                    with urllib.request.urlopen(f"http://{HOST}:{port}/report/", timeout=10) as response:
                        has_form = response.status == 200 and b'name="text"' in response.read()
                except OSError:
                    has_form = False
                if not has_form:
                    log("web: /report/ is not served by this tree: the web form was not measured")
                    figures["submit_web"] = "not in this tree"
                else:
                    since = time.time() - 1
                    log(
                        f"web: GET + POST /report/ at {args.rate:g}/s, {args.warmup:g} s warm-up + {args.duration:g} s"
                    )
                    web = submit_phase("web", port, token, args, pool, bodies)
                    web["drain_seconds"] = round(drained(copy_url, "web", since), 1)
                    counts = count_reports(copy_url, "web", since)
                    thanked = [r["report_id"] for r in web["results"] if r["status"] == 302]
                    found = stored_ids(copy_url, thanked)
                    web["counts"] = {
                        **counts,
                        "sent": web["sent"],
                        "acknowledged": len(thanked),
                        "lost": len(thanked) - len(found),
                        # The form's own token is the key: one report per token, one case per report.
                        "duplicated": counts["reports"]
                        - counts["distinct_keys"]
                        + max(0, counts["cases_opened"] - counts["distinct_cases"]),
                        "stored_without_answer": counts["reports"] - len(found),
                    }
                    print_submit("web form", web)
                    figures["submit_web"] = {
                        k: v for k, v in web.items() if k not in ("items", "results", "acknowledged")
                    }
                    if web["errors"] or web["counts"]["lost"] or web["counts"]["duplicated"]:
                        failed.append("web form: errors, lost or duplicated reports")
                    # The target is the submit (the post); the page before it is load, and printed beside it.
                    if web["post_latency"]["p95_ms"] > TARGETS_MS["submit_p95"]:
                        failed.append(
                            f"web submit p95 {web['post_latency']['p95_ms']} ms over {TARGETS_MS['submit_p95']:g}"
                        )
            ceiling_rounds: list[dict[str, Any]] = []
            if "ceiling" in phases:
                raw = [json.dumps(b, ensure_ascii=False) for b in bodies]
                for round_ in range(1, args.rounds + 1):
                    for path in ("/bench/insert", "/api/v1/reports"):
                        result = ceiling_phase(path, port, token, args, pool, raw)
                        log(
                            f"ceiling round {round_} {path}: {result['per_second']}/s with {args.clients} clients, "
                            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, errors {len(result['errors'])}"
                        )
                        ceiling_rounds.append({"round": round_, **result, "errors": result["errors"][:20]})
                bare = [r["per_second"] for r in ceiling_rounds if r["path"] == "/bench/insert"]
                rep = [r["per_second"] for r in ceiling_rounds if r["path"] == "/api/v1/reports"]
                ratios = [r / b for r, b in zip(rep, bare, strict=True) if b]
                figures["ceiling"] = {
                    "clients": args.clients,
                    "bare_per_second": round(statistics.median(bare), 1),
                    "reports_per_second": round(statistics.median(rep), 1),
                    "ratio": round(statistics.median(ratios), 3) if ratios else None,
                    "rounds": ceiling_rounds,
                }
                log(
                    f"ceiling (medians of {args.rounds}): bare insert {figures['ceiling']['bare_per_second']}/s, "
                    f"POST /api/v1/reports {figures['ceiling']['reports_per_second']}/s, ratio {figures['ceiling']['ratio']}"
                )
                if any(r["errors"] for r in ceiling_rounds):
                    failed.append("ceiling: errors")
        if "lookup" in phases:
            result = lookup_phase(copy_url, env, args, phones)
            figures["lookup"] = result
            log(
                f"caller look-up ({result['how']}): p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
                f"p99 {result['p99_ms']} ms over {result['n']}, found {result['found_share']:.0%}"
            )
            if result["p95_ms"] > TARGETS_MS["lookup_p95"]:
                failed.append(f"caller look-up p95 {result['p95_ms']} ms over {TARGETS_MS['lookup_p95']:g}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "intake_results.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False), "utf-8")
    log(f"figures: {OUT / 'intake_results.json'}" + (f"; FAILED: {'; '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
