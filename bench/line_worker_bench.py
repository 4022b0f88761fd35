#!/usr/bin/env python
"""How fast the worker gets through LINE's events: events processed per second and CPU per event, by kind.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/line_worker_bench.py

1. A throw-away database `raksa_line_worker_bench` beside the one DATABASE_URL names (dropped at the end; --keep
   keeps it): `raksa migrate` and `raksa demo` (the directory and every province's unit with an on-call LINE
   group), as line_webhook_bench.py makes it.
2. The LINE stand-in in a process of its own (so this process's CPU is the worker's alone); Django set up in
   this process against that database.
3. --events (1,000) events of line_webhook_bench.py's conversations (follow; an emergency tapped and its
   location; the silent emergency; a first free text from data/triage; an emergency, location and a text), each
   with its reply token issued at the stand-in, stored as the webhook stores them (`line_events_store`, bodies
   of 1 to 3), all at once: the worker's backlog after a burst.
4. The worker's sweeps, as `raksa worker` runs them but one after another in this one thread, until every event
   is processed and the outbox is empty; then the silent emergencies' minute is made to pass and the sweeps run
   again. Timed: wall and CPU of this process, and of PostgreSQL's backends; CPU per event by the event's kind
   (from the time spent in `line_event_process_attempt` and the loading and profile calls before it); what the
   outbox sent.
--profile prints the functions with the most cumulative time (cProfile) over the drain.
Writes bench/out/line_worker_results.json.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from multiprocessing import get_context
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dispatch_bench import database  # noqa: E402  (not a package)
from intake_bench import ROOT, log, raksa, texts  # noqa: E402
from line_webhook_bench import BOT_ID, SECRET, batches, plan, postgres_cpu_seconds  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))
from raksa.notify.standins import REPLY_TOKENS_PATH, LineStandIn  # noqa: E402

OUT = ROOT / "bench" / "out" / "line_worker_results.json"


def kind_of(event: Any) -> str:
    if event.type == "message":
        return f"message:{(event.raw.get('message') or {}).get('type')}"
    return str(event.type)


def drain(*, limit: float, timings: dict[str, list[float]]) -> int:
    """Run the sweeps until no event is left to process and the outbox is empty; how many passes it took."""
    from django.db import connection

    from raksa.intake.line import services as line
    from raksa.intake.line.models import LineEvent
    from raksa.notify.models import Message
    from raksa.notify.services import outbox_sweep

    attempt = line.line_event_process_attempt

    def timed(*, event: Any, now: Any = None) -> Any:
        began = time.process_time()
        try:
            return attempt(event=event, now=now)
        finally:
            timings[kind_of(event)].append(time.process_time() - began)

    line.line_event_process_attempt = timed  # type: ignore[assignment]
    passes = 0
    deadline = time.monotonic() + limit
    try:
        while time.monotonic() < deadline:
            passes += 1
            began = time.process_time()
            took = line.line_event_sweep()
            timings["sweep:line_event_sweep"].append(time.process_time() - began)
            began = time.process_time()
            line.line_pending_sweep()
            timings["sweep:line_pending_sweep"].append(time.process_time() - began)
            began = time.process_time()
            sent = outbox_sweep()
            timings["sweep:outbox_sweep"].append(time.process_time() - began)
            waiting = LineEvent.objects.filter(state__in=("received", "failed")).exists()
            queued = Message.objects.filter(state__in=("pending", "sending")).exists()
            if not took and not sent and not waiting and not queued:
                break
    finally:
        line.line_event_process_attempt = attempt  # type: ignore[assignment]
        connection.close()
    return passes


@contextlib.contextmanager
def stand_in_apart() -> Iterator[tuple[str, str]]:
    """The LINE stand-in served by a child process: its base URL and access token."""
    ours, theirs = get_context("fork").Pipe()

    def serve(conn: Any) -> None:
        with LineStandIn() as line:
            conn.send((line.base_url, line.token))
            conn.recv()  # anything: stop

    child = get_context("fork").Process(target=serve, args=(theirs,), daemon=True)
    child.start()
    try:
        yield ours.recv()
    finally:
        ours.send("stop")
        child.join(10)


def reply_token_issue(base_url: str, token: str, to: str) -> None:
    data = json.dumps({"replyToken": token, "to": to, "seconds": 3600}).encode()
    request = urllib.request.Request(
        base_url + REPLY_TOKENS_PATH, data=data, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201, answer.status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1000, help="events in the backlog")
    parser.add_argument("--limit", type=float, default=1200.0, help="seconds the drain may take")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database (the bench makes its own beside it)")
    rng = random.Random(args.seed)
    planned = plan(rng, rate=100.0, seconds=args.events / 100.0, corpus=texts(), redeliveries=0, duplicates=0)
    var_dir = tempfile.mkdtemp(prefix="raksa-line-worker-bench-")
    with (
        database(url, keep=args.keep, name="raksa_line_worker_bench") as db_url,
        stand_in_apart() as (
            line_base,
            line_token,
        ),
    ):
        env = {
            "DATABASE_URL": db_url,
            "RAKSA_VAR_DIR": var_dir,
            "RAKSA_MEDIA_ROOT": str(Path(var_dir) / "media"),
            "RAKSA_DEBUG": "false",
            "RAKSA_DEMO_PASSWORD": "bench-password-line",
            "LINE_CHANNEL_SECRET": SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": line_token,
            "LINE_API_BASE": line_base,
            "PYTHONPATH": str(ROOT / "src"),
        }
        raksa("migrate", "--no-input", env={**os.environ, **env})
        raksa("demo", "--people", "1", "--cases", "0", env={**os.environ, **env})
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raksa.settings")
        import django

        django.setup()
        from django.utils import timezone

        from raksa.intake.line.models import LineEvent
        from raksa.intake.line.services import line_events_store
        from raksa.notify.models import Message
        from raksa.triage import triage_warm

        triage_warm()
        start_ms = int(time.time() * 1000)
        order = []
        for meta in sorted(planned["events"].values(), key=lambda m: m["index"]):
            reply_token_issue(line_base, meta["token"], meta["user"])
        for body in planned["bodies"]:
            for event in body["events"]:
                event["timestamp"] += start_ms
                order.append(event)
        for group in batches(rng, order):
            line_events_store(events=group)
        stored = LineEvent.objects.count()
        log(f"stored {stored} events of {len(planned['users'])} users (destination {BOT_ID[:6]}...)")

        timings: dict[str, list[float]] = defaultdict(list)
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        pg_before = postgres_cpu_seconds()
        wall, cpu = time.monotonic(), time.process_time()
        if profiler:
            profiler.enable()
        passes = drain(limit=args.limit, timings=timings)
        # The silent emergencies: their minute passes, and they are sent without a location.
        from raksa.intake.line import services as line

        line.line_pending_sweep(now=timezone.now() + dt.timedelta(seconds=61))
        passes += drain(limit=args.limit, timings=timings)
        if profiler:
            profiler.disable()
        wall, cpu = time.monotonic() - wall, time.process_time() - cpu
        pg = postgres_cpu_seconds() - pg_before
        states = Counter(LineEvent.objects.values_list("state", flat=True))
        sent = Counter(Message.objects.values_list("state", flat=True))
        per_kind = {
            kind: {
                "events": len(values),
                "cpu_ms_median": round(statistics.median(values) * 1000, 2),
                "cpu_ms_mean": round(statistics.fmean(values) * 1000, 2),
                "cpu_s_total": round(sum(values), 3),
            }
            for kind, values in sorted(timings.items())
        }
        figures: dict[str, Any] = {
            "events": stored,
            "passes": passes,
            "wall_s": round(wall, 2),
            "events_per_second": round(stored / wall, 1) if wall else None,
            "process_cpu_s": round(cpu, 2),
            "process_cpu_ms_per_event": round(cpu / stored * 1000, 2) if stored else None,
            "postgres_cpu_ms_per_event": round(pg / stored * 1000, 2) if stored else None,
            "states": dict(states),
            "outbox": dict(sent),
            "per_kind": per_kind,
            "load_average": os.getloadavg(),
        }
        log(
            f"{stored} events in {wall:.1f} s: {figures['events_per_second']} events/s in one thread; CPU per "
            f"event {figures['process_cpu_ms_per_event']} ms here, {figures['postgres_cpu_ms_per_event']} ms in "
            f"PostgreSQL; states {dict(states)}; outbox {dict(sent)}"
        )
        for kind, row in per_kind.items():
            log(
                f"  {kind}: {row['events']} events, CPU median {row['cpu_ms_median']} ms, mean {row['cpu_ms_mean']}, total {row['cpu_s_total']} s"
            )
        if profiler:
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(45)
            print(text.getvalue())
        OUT.parent.mkdir(exist_ok=True)
        OUT.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
