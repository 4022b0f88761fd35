#!/usr/bin/env python
"""The LINE webhook's speed: 500 events/s for a minute, signed as LINE signs them, acknowledged within 100 ms at
p99, then every event, report and answer counted; and the webhook's ceiling beside a bare insert.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/line_webhook_bench.py

1. A throw-away database `raksa_line_bench` beside the one DATABASE_URL names (dropped at the end; --keep keeps
   it): `raksa migrate` and `raksa demo` (the directory, and every province's rapid-response unit with an on-call
   LINE group, so an emergency's alert goes somewhere). It is small: the webhook stores events and the worker
   makes reports, neither of which reads the 1,000,000 people of people_cases_bench.py.
2. The LINE platform stand-in (raksa.notify.standins.LineStandIn) in this process: the worker's replies, pushes,
   loading animations and profile look-ups go to it (LINE_API_BASE). `raksa serve` (its default web processes
   and threads, and its worker) with LINE_CHANNEL_SECRET set and RAKSA_BENCH_ENDPOINTS=1.
3. The load, planned and signed before the clock starts: LINE users, each in one of four conversations (an
   emergency tapped then a location shared; the silent emergency, a tap and nothing more; a first free text from
   data/triage; an emergency, its location and a text later), after a follow; a user's events seconds apart, in
   order. Events in bodies of 1 to 3, as LINE batches them, each body signed exactly as LINE signs it
   (`x-line-signature`: Base64 of HMAC-SHA256 of the raw bytes, keyed with the channel secret:
   `line_signature` of the stand-in). Every event has its reply token, issued at the stand-in as LINE issues
   one. --redeliveries (5%) of the events are sent again later (1 to 20 s) in bodies of their own, the same
   webhookEventId with `deliveryContext.isRedelivery: true`; --duplicates (1%) of the bodies are sent twice at
   the same moment on two connections. --rate (500) first deliveries per second, open loop (each body leaves at
   its time whatever became of the ones before it), for --warmup (10 s) unmeasured then --duration (60 s)
   measured, from --client-processes (3) processes with kept-alive connections. Latency is the client's: from
   sending a body to reading LINE's 200 (and from when it was due, which adds the client's own lateness).
4. Afterwards, the worker drains (progress printed every 10 s; --drain-workers extra `raksa worker` processes
   help it, and --drain-timeout bounds it), then the counts: every distinct event stored exactly once; none left
   unprocessed; a report for every emergency tapped and every free text, a shared location on its emergency's
   report or in a report of its own (never both, never neither), no report twice and none unasked for, one case
   per emergency or first text; and every answer: each outbox message to LINE arrived at the stand-in exactly
   once (a reply by its token, a push by its X-Line-Retry-Key), each answered event (follow, tap, location,
   text) answered by exactly one message.
5. ceiling: --clients (16) closed-loop clients, for --ceiling-duration seconds after 3 s, against `POST
   /bench/insert` (Django's stack and one insert into the reports table) and against `POST /line/webhook` (fresh
   signed bodies of 1 to 3 standby events: verified, parsed and stored like any, and nothing for the worker),
   in turn, --rounds times: requests/s, events/s, p50/p95, the ratio webhook/bare (medians).
Targets (issue 11): p99 <= 100 ms at >= 500 events/s with no error; zero events lost or stored twice; zero
reports lost or duplicated; zero replies or pushes duplicated. Prints every figure and writes them to
bench/out/line_webhook_results.json; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from concurrency_bench import group_cpu_seconds, machine_cpu_seconds  # noqa: E402  (not a package)
from dispatch_bench import PLACES, TEXTS, database  # noqa: E402
from intake_bench import RAKSA, ROOT, log, raksa, serving, summary, texts  # noqa: E402
from loadgen import closed_loop, open_loop  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))
from raksa.notify.standins import LineStandIn, line_event_id, line_signature, line_user_event  # noqa: E402

OUT = ROOT / "bench" / "out" / "line_webhook_results.json"
TARGET_RATE = 500.0  # events per second, first deliveries
TARGET_P99_MS = 100.0
SECRET = "bench-line-channel-secret"
BOT_ID = "U" + "b" * 32  # the destination: the account's own user id
EMERGENCIES = [kind for kind, _ in TEXTS]  # the five emergencies, as the buttons' postbacks name them
# The conversations: (name, share of users, the events after the follow).
SCRIPTS = [
    ("follow_only", 0.25, ()),
    ("emergency_location", 0.30, ("tap", "location")),
    ("silent_emergency", 0.10, ("tap",)),
    ("free_text", 0.25, ("text",)),
    ("emergency_location_text", 0.10, ("tap", "location", "text")),
]
GAPS = {"tap": (2.0, 6.0), "location": (3.0, 15.0), "text": (3.0, 20.0)}  # seconds after the event before
MAX_RATE = 1000
MAX_DURATION = 300
MAX_CLIENTS = 200
TIMELINE_SECONDS = 5
CEILING_MAX_RATE = 3000  # webhook requests a second the ceiling's bodies suffice for
# --- the events, as LINE sends them ------------------------------------------------------------------------


def line_event(
    rng: random.Random, kind: str, user: str, at_ms: int, *, text: str = "", place: tuple | None = None
) -> dict[str, Any]:
    """One webhook event of the Messaging API: follow, a postback of an emergency (`kind` "tap:<type>"), a
    location message or a text message, from a user in a one-to-one chat, with its reply token."""
    event = line_user_event(
        "follow",
        user=user,
        now_ms=at_ms,
        event_id=line_event_id(at_ms, rng.getrandbits(80)),
        reply_token=f"{rng.getrandbits(128):032x}",
    )
    message_id = str(rng.randrange(10**17, 10**18))
    if kind == "follow":
        event["follow"] = {"isUnblocked": False}
    elif kind.startswith("tap:"):
        event["type"] = "postback"
        event["postback"] = {"data": f"emergency={kind[4:]}"}
    elif kind == "location":
        assert place is not None
        _province, lat, lon = place
        event["type"] = "message"
        event["message"] = {
            "id": message_id,
            "type": "location",
            "title": "ตำแหน่งของฉัน",
            "address": "ประเทศไทย",
            "latitude": round(lat + rng.uniform(-0.02, 0.02), 6),
            "longitude": round(lon + rng.uniform(-0.02, 0.02), 6),
        }
    elif kind == "text":
        event["type"] = "message"
        event["message"] = {
            "id": message_id,
            "type": "text",
            "quoteToken": "q" + f"{rng.getrandbits(160):040x}",
            "text": text,
        }
    else:
        raise ValueError(f"unknown event kind {kind!r}")
    return event


def standby_event(rng: random.Random, at_ms: int) -> dict[str, Any]:
    """A text message in standby mode (another channel holds the chat): stored and left alone, for the ceiling."""
    event = line_user_event(
        "message",
        user=f"U{rng.getrandbits(128):032x}",
        now_ms=at_ms,
        event_id=line_event_id(at_ms, rng.getrandbits(80)),
        mode="standby",
    )
    return {
        **event,
        "message": {
            "id": str(rng.randrange(10**17, 10**18)),
            "type": "text",
            "quoteToken": "q",
            "text": "ok",
        },
    }


def signed_body(events: list[dict[str, Any]], *, secret: str) -> tuple[bytes, dict[str, str]]:
    """A webhook body and its headers, as LINE sends them: the exact bytes, and their signature over them."""
    body = json.dumps({"destination": BOT_ID, "events": events}, ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "x-line-signature": line_signature(body, secret=secret),
        "User-Agent": "LineBotWebhook/2.0",
    }
    return body, headers


def batches(rng: random.Random, items: list[Any]) -> list[list[Any]]:
    """Items in order, in groups of 1 to 3, as LINE batches events in one body."""
    out, i = [], 0
    while i < len(items):
        size = rng.choice((1, 2, 3))
        out.append(items[i : i + size])
        i += size
    return out


def plan(
    rng: random.Random,
    *,
    rate: float,
    seconds: float,
    corpus: list[str],
    redeliveries: float = 0.05,
    duplicates: float = 0.01,
) -> dict[str, Any]:
    """What is sent when, before any of it is: `rate * seconds` events (first deliveries) of users in the
    conversations of SCRIPTS, in bodies of 1 to 3; then the redeliveries and the duplicated bodies.

    Returns `events` (webhookEventId -> {kind, user, script, token, seq}), `users` (user -> script), and
    `bodies`: dicts with `at` (seconds from the start), `events` (the event dicts, as sent), `kind` (first,
    redelivery, duplicate), `twin` (the index of the body a duplicate repeats).
    """
    count = int(rate * seconds)
    mean = sum(share * (1 + len(steps)) for _, share, steps in SCRIPTS)
    user_rate = rate / mean
    timed: list[tuple[float, int, dict[str, Any], dict[str, Any]]] = []
    events: dict[str, dict[str, Any]] = {}
    users: dict[str, str] = {}
    n_user = 0
    # Users keep coming until there are more events than the stream holds; the last ones' are cut short.
    while len(timed) < count * 1.1 + 10:
        t = n_user / user_rate
        user = f"U{rng.getrandbits(128):032x}"
        roll, script = rng.random(), SCRIPTS[-1]
        for candidate in SCRIPTS:
            roll -= candidate[1]
            if roll < 0:
                script = candidate
                break
        name, _share, steps = script
        users[user] = name
        emergency = rng.choice(EMERGENCIES)
        place = rng.choice(PLACES)
        for seq, step in enumerate(("follow", *steps)):
            if seq:
                t += rng.uniform(*GAPS[step])
            kind = f"tap:{emergency}" if step == "tap" else step
            event = line_event(
                rng, kind, user, 0, text=rng.choice(corpus) if step == "text" else "", place=place
            )
            timed.append((t, len(timed), event, {"kind": step, "user": user, "script": name, "seq": seq}))
        n_user += 1
    timed.sort(key=lambda item: (item[0], item[1]))
    chosen = timed[:count]
    # Each event's place in the stream sets its time: exactly `rate` events a second.
    order = []
    for index, (_t, _n, event, meta) in enumerate(chosen):
        at = index / rate
        event["timestamp"] = int(at * 1000)  # made absolute when the clock starts
        events[event["webhookEventId"]] = {**meta, "token": event["replyToken"], "index": index, "at": at}
        order.append(event)
    bodies: list[dict[str, Any]] = []
    for group in batches(rng, order):
        first = events[group[0]["webhookEventId"]]["at"]
        bodies.append({"at": first, "events": group, "kind": "first"})
    # Redeliveries: LINE sends an event again later, same webhookEventId, isRedelivery true.
    again = []
    for event in order:
        at = events[event["webhookEventId"]]["at"]
        room = seconds - at
        if room > 1.0 and rng.random() < redeliveries:
            again.append((at + rng.uniform(1.0, min(20.0, room)), event))
    again.sort(key=lambda item: item[0])
    for group in batches(rng, again):
        redelivered = [{**event, "deliveryContext": {"isRedelivery": True}} for _, event in group]
        bodies.append({"at": group[0][0], "events": redelivered, "kind": "redelivery"})
    # Duplicated deliveries: the same body (bytes and signature) twice at the same moment.
    firsts = [i for i, body in enumerate(bodies) if body["kind"] == "first"]
    for i in firsts:
        if rng.random() < duplicates:
            bodies.append({**bodies[i], "kind": "duplicate", "twin": i})
    return {"events": events, "users": users, "bodies": bodies}


def schedule(
    planned: dict[str, Any], *, start_at: float, secret: str, port: int, processes: int
) -> list[list[dict[str, Any]]]:
    """The planned bodies signed, timed from `start_at`, and shared out to the client processes (a duplicate
    goes to another process than its twin, so the two arrive at once on two connections)."""
    shares: list[list[dict[str, Any]]] = [[] for _ in range(processes)]
    encoded: dict[int, tuple[bytes, dict[str, str]]] = {}
    for n, body in enumerate(planned["bodies"]):
        twin = body.get("twin")
        if twin is not None and twin in encoded:
            raw, headers = encoded[twin]
        else:
            for event in body["events"]:
                event["timestamp"] = int((start_at + planned["events"][event["webhookEventId"]]["at"]) * 1000)
            raw, headers = signed_body(body["events"], secret=secret)
            encoded[n] = (raw, headers)
        item = {
            "n": n,
            "due": start_at + body["at"],
            "method": "POST",
            "path": "/line/webhook",
            "body": raw,
            "headers": headers,
        }
        share = (twin if twin is not None else n) % processes
        shares[(share + 1) % processes if twin is not None else share].append(item)
    for share in shares:
        share.sort(key=lambda item: item["due"])
    return shares


# --- the counting ------------------------------------------------------------------------------------------


def count_events(stored: dict[str, int], planned: dict[str, Any], acknowledged: set[str]) -> dict[str, int]:
    """Every distinct event sent must be stored exactly once. `stored`: webhookEventId -> rows found."""
    sent = set(planned["events"])
    return {
        "distinct_sent": len(sent),
        "acknowledged": len(acknowledged),
        "stored": sum(1 for key in sent if stored.get(key)),
        "lost": sum(1 for key in acknowledged if not stored.get(key)),
        "stored_twice": sum(count - 1 for count in stored.values() if count > 1),
        "stored_not_sent": sum(1 for key in stored if key not in sent),
    }


def count_reports(
    planned: dict[str, Any], reports: dict[str, dict[str, Any]], order: dict[str, int]
) -> dict[str, Any]:
    """Reports against what the conversations asked for. `reports`: idempotency key -> {case, located, n} of the
    LINE reports; `order`: webhookEventId -> the stored row's id (the order the worker took them in).

    An emergency tapped has a report keyed by the tap (with the location, or without when its minute ran out
    first, or when its location was stored before it); a free text, one keyed by the text; a location, the
    tap's report has it or it has a report of its own, never both. Anything else is a duplicate.
    """
    events = planned["events"]
    by_user: dict[str, dict[str, str]] = {}
    for key, meta in events.items():
        by_user.setdefault(meta["user"], {})[meta["kind"]] = key
    lost: Counter[str] = Counter()
    duplicated: Counter[str] = Counter()
    expected: set[str] = set()
    overtaken = on_tap_count = joined_later = 0
    opening_cases: list[Any] = []
    for steps in by_user.values():
        tap, location, text = steps.get("tap"), steps.get("location"), steps.get("text")
        if tap:
            expected.add(tap)
            if tap not in reports:
                lost["emergency"] += 1
            else:
                opening_cases.append(reports[tap]["case"])
        if location and tap:
            own = location in reports
            on_tap = bool(reports.get(tap, {}).get("located"))
            if own:
                expected.add(location)
            on_tap_count += on_tap and not own
            joined_later += own and not on_tap
            if own and on_tap:
                duplicated["location"] += 1
            elif not own and not on_tap:
                if order.get(location, 0) < order.get(tap, 0):
                    overtaken += 1  # stored before its tap: she got the buttons, and the tap went without it
                else:
                    lost["location"] += 1
        if text:
            expected.add(text)
            if text not in reports:
                lost["text"] += 1
            elif not tap:
                opening_cases.append(reports[text]["case"])
    for key, report in reports.items():
        if key not in expected:
            duplicated["unasked"] += 1
        if report["n"] > 1:
            duplicated["same_key"] += report["n"] - 1
    opened = [case for case in opening_cases if case is not None]
    return {
        "reports": sum(r["n"] for r in reports.values()),
        "expected": len(expected),
        "cases_opened": len(opened),
        "lost": sum(lost.values()),
        "lost_by_kind": dict(lost),
        "duplicated": sum(duplicated.values()) + len(opened) - len(set(opened)),
        "duplicated_by_kind": dict(duplicated),
        "location_before_its_tap": overtaken,
        # Where the shared locations went: on the emergency's own report (within its minute), or in a report
        # joining its case after the minute ran out (the worker was that far behind).
        "location_on_the_emergency": on_tap_count,
        "location_joined_later": joined_later,
    }


def count_answers(
    planned: dict[str, Any],
    messages: list[dict[str, Any]],
    arrived: list[dict[str, Any]],
    *,
    waiting: set[str] | None = None,
) -> dict[str, Any]:
    """Answers at the stand-in against the outbox, by the answers' keys.

    `messages`: the outbox's LINE messages, each {key, purpose, state, retry_key, reply_token}; `arrived`: what
    the stand-in accepted, each {via, retry_key, reply_token}. Every message sent must have arrived once (a
    reply by its token, a push by its retry key); every event that asks for an answer has exactly one message
    carrying its reply token or, for a push that has none, its webhookEventId in the key. Messages to the users
    in `waiting` (the worker is not done with them) are left out.
    """
    waiting = waiting or set()
    messages = [m for m in messages if m["to"] not in waiting]
    arrived = [item for item in arrived if item["to"] not in waiting]
    by_retry = {m["retry_key"]: m["key"] for m in messages}
    by_token: dict[str, list[str]] = {}
    for m in messages:
        if m["reply_token"]:
            by_token.setdefault(m["reply_token"], []).append(m["key"])
    arrivals: Counter[str] = Counter()
    unmatched = 0
    for item in arrived:
        keys = by_token.get(item.get("reply_token") or "") if item["via"] == "reply" else None
        key = keys[0] if keys else by_retry.get(item.get("retry_key") or "")
        if key is None:
            unmatched += 1
        else:
            arrivals[key] += 1
    sent = [m for m in messages if m["state"] == "sent"]
    answers = [m for m in messages if m["purpose"] == "line_answer"]
    answering: Counter[str] = Counter()
    token_event = {meta["token"]: key for key, meta in planned["events"].items()}
    for m in answers:
        event = token_event.get(m["reply_token"] or "")
        if event is None:  # a push with no token: the event is the one its key names
            event = m["key"].split(":")[1] if m["key"].count(":") >= 2 else ""
            if m["key"].endswith(":sent") and event in planned["events"]:
                continue  # the silent minute's answer: the tap's second, asked for by no event
        if event in planned["events"]:
            answering[event] += 1
    unanswered = [key for key in planned["events"] if not answering.get(key)]
    return {
        "messages": len(messages),
        "by_purpose": dict(Counter(m["purpose"] for m in messages)),
        "by_state": dict(Counter(m["state"] for m in messages)),
        "arrived": len(arrived),
        "arrived_by_way": dict(Counter(item["via"] for item in arrived)),
        "sent_not_arrived": sum(1 for m in sent if not arrivals.get(m["key"])),
        "arrived_twice": sum(count - 1 for count in arrivals.values() if count > 1),
        "arrived_unmatched": unmatched,
        "events_unanswered": len(unanswered),
        "events_answered_twice": sum(count - 1 for count in answering.values() if count > 1),
        "lost": sum(1 for m in sent if not arrivals.get(m["key"]))
        + sum(1 for m in messages if m["state"] == "failed")
        + len(unanswered),
        "duplicated": sum(count - 1 for count in arrivals.values() if count > 1)
        + unmatched
        + sum(count - 1 for count in answering.values() if count > 1),
    }


def settled_plan(planned: dict[str, Any], waiting: set[str]) -> dict[str, Any]:
    """The plan without the users the worker has not finished with (`waiting`)."""
    events = {key: meta for key, meta in planned["events"].items() if meta["user"] not in waiting}
    return {**planned, "events": events}


# --- the database, read afterwards -------------------------------------------------------------------------


def django_ready(env: dict[str, str]) -> None:
    for name in ("DATABASE_URL", "RAKSA_VAR_DIR", "RAKSA_MEDIA_ROOT", "LINE_API_BASE", "LINE_CHANNEL_SECRET"):
        os.environ[name] = env[name]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raksa.settings")
    import django

    django.setup()


def progress(keys: list[str], users: list[str], since: float) -> dict[str, int]:
    import datetime as dt

    from raksa.intake.line.models import LineChat, LineEvent
    from raksa.notify.models import Message

    # Every event and chat in this database is the bench's: the states' index answers without a list of ids.
    states = Counter(
        LineEvent.objects.filter(state__in=("received", "failed")).values_list("state", flat=True).iterator()
    )
    return {
        "received": states.get("received", 0),
        "failed": states.get("failed", 0),
        "pending_emergencies": LineChat.objects.exclude(pending_emergency="").count(),
        # LINE's messages only: the demo's SMS and e-mail have no gateway here and wait for ever.
        "outbox_waiting": Message.objects.filter(
            transport__in=("line", "line_reply"),
            state__in=("pending", "sending"),
            created_at__gte=dt.datetime.fromtimestamp(since, dt.UTC),
        ).count(),
    }


def drain(keys: list[str], users: list[str], since: float, *, limit: float) -> tuple[float, dict[str, int]]:
    """Wait until the worker has processed every event, submitted every silent emergency and sent every message;
    print where it is every 10 s. Returns the seconds waited and what was left."""
    started = time.monotonic()
    shown = 0.0
    while True:
        left = progress(keys, users, since)
        waited = time.monotonic() - started
        if not any(left.values()):
            return waited, left
        if waited >= limit:
            log(f"drain: gave up after {waited:.0f} s with {left}")
            return waited, left
        if waited - shown >= 10:
            log(f"drain: {waited:.0f} s, {left}")
            shown = waited
        time.sleep(1)


def unsettled_users(planned: dict[str, Any], since: float) -> set[str]:
    """Users with an event not yet processed, an emergency still waiting for its minute, or an answer unsent."""
    import datetime as dt

    from raksa.intake.line.models import LineChat, LineEvent
    from raksa.notify.models import Message

    users = {meta["user"] for meta in planned["events"].values()}
    waiting = set(
        LineEvent.objects.filter(webhook_event_id__in=list(planned["events"]))
        .filter(state__in=("received", "failed"))
        .values_list("user_id", flat=True)
    )
    waiting |= set(
        LineChat.objects.filter(user_id__in=list(users))
        .exclude(pending_emergency="")
        .values_list("user_id", flat=True)
    )
    waiting |= set(
        Message.objects.filter(
            transport__in=("line", "line_reply"),
            state__in=("pending", "sending"),
            created_at__gte=dt.datetime.fromtimestamp(since, dt.UTC),
        ).values_list("to", flat=True)
    )
    return waiting & users


def stored_rows(
    keys: list[str], *, standby: bool = False
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    from django.db.models import Count, Min

    from raksa.intake.line.models import LineEvent

    stored: dict[str, int] = {}
    order: dict[str, int] = {}
    # The ceiling's events are standby ones; with --standby the load's are, and there is no ceiling.
    rows = LineEvent.objects.all() if standby else LineEvent.objects.exclude(mode="standby")
    for row in rows.values("webhook_event_id").annotate(n=Count("id"), first=Min("id")).iterator():
        stored[row["webhook_event_id"]] = row["n"]
        order[row["webhook_event_id"]] = row["first"]
    states = Counter(LineEvent.objects.filter(webhook_event_id__in=keys).values_list("state", flat=True))
    return stored, order, dict(states)


def line_reports(since: float) -> dict[str, dict[str, Any]]:
    import datetime as dt

    from raksa.intake.models import Report

    found: dict[str, dict[str, Any]] = {}
    rows = Report.objects.filter(source="line", created_at__gte=dt.datetime.fromtimestamp(since, dt.UTC))
    for key, case, payload in rows.values_list("idempotency_key", "case_id", "payload").iterator():
        located = bool(((payload or {}).get("location") or {}).get("latitude"))
        if key in found:
            found[key]["n"] += 1
        else:
            found[key] = {"case": case, "located": located, "n": 1}
    return found


def line_messages(since: float) -> list[dict[str, Any]]:
    import datetime as dt

    from raksa.notify.models import Message
    from raksa.notify.transports import line_retry_key

    rows = Message.objects.filter(
        transport__in=("line", "line_reply"), created_at__gte=dt.datetime.fromtimestamp(since, dt.UTC)
    )
    return [
        {
            "key": m.key,
            "to": m.to,
            "purpose": m.purpose,
            "state": m.state,
            "retry_key": line_retry_key(m),
            "reply_token": (m.payload or {}).get("reply_token"),
        }
        for m in rows.iterator()
    ]


def bare_rows_delete(url: str) -> int:
    """Delete the bare endpoint's rows (raksa.intake.bench.BENCH_SOURCE) right after its round: they are reports
    left `received`, and a minute later the worker's safety net (`report_sweep`) would take them for stalled
    reports and run them through the pipeline, its CPU taken from the load and the drain that follow."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("DELETE FROM intake_report WHERE source = 'bench:bare'").rowcount


# --- where the CPU went ---


def server_group(port: int) -> int:
    """The process group of the `raksa serve` listening on `port` (serve, gunicorn and its web processes)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in argv and str(port).encode() in argv:
            return os.getpgid(int(entry))
    raise SystemExit(f"no raksa serve found on port {port}")


def postgres_cpu_seconds() -> float:
    """CPU time used so far by PostgreSQL (every database's: the machine is shared): its live processes', and
    what the ones that exited used (the postmaster's reaped children's time), so a closed session's CPU stays."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if stat.split("(", 1)[1].split(")", 1)[0] == "postgres":
            fields = stat.rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """The CPU seconds the server, PostgreSQL and the whole machine used between start() and stop()."""

    def __init__(self, pgid: int) -> None:
        self.pgid = pgid
        self.began = (0.0, 0.0, 0.0, 0.0)

    def start(self) -> None:
        self.began = (group_cpu_seconds(self.pgid), postgres_cpu_seconds(), *machine_cpu_seconds())

    def stop(self, requests: int) -> dict[str, float]:
        busy, total = machine_cpu_seconds()
        server = group_cpu_seconds(self.pgid) - self.began[0]
        postgres = postgres_cpu_seconds() - self.began[1]
        return {
            "server_cpu_s": round(server, 1),
            "postgres_cpu_s": round(postgres, 1),
            "server_cpu_ms_per_request": round(1000 * server / max(1, requests), 2),
            "postgres_cpu_ms_per_request": round(1000 * postgres / max(1, requests), 2),
            "machine_busy": round((busy - self.began[2]) / max(1e-9, total - self.began[3]), 2),
        }


# --- the phases --------------------------------------------------------------------------------------------


def load_phase(
    planned: dict[str, Any], port: int, args: argparse.Namespace, pool: ProcessPoolExecutor, meter: CpuMeter
) -> dict[str, Any]:
    start_at = time.time() + 6  # the bodies signed and every client process holding its share by then
    shares = schedule(planned, start_at=start_at, secret=SECRET, port=port, processes=args.client_processes)
    jobs = [{"port": port, "threads": args.client_threads, "items": share} for share in shares]
    meter.start()
    outs = list(pool.map(open_loop, jobs))
    results = [r for out in outs for r in out["results"]]
    cpu = meter.stop(len(results))
    # The load generator's own cost: what it needs of the two CPUs to keep to its schedule.
    cpu["clients_cpu_s"] = round(sum(out["cpu_seconds"] for out in outs), 1)
    cpu["clients_cpu_ms_per_request"] = round(1000 * cpu["clients_cpu_s"] / max(1, len(results)), 2)
    measure_from = start_at + args.warmup
    bodies = planned["bodies"]
    measured = [r for r in results if r["due"] >= measure_from]
    ok = [r for r in measured if r["status"] == 200]
    # The rate: first deliveries due in the measured window whose body was answered 200.
    window = (args.warmup, args.warmup + args.duration)
    first_events = sum(
        1
        for r in results
        if r["status"] == 200 and bodies[r["n"]]["kind"] == "first"
        for event in bodies[r["n"]]["events"]
        if window[0] <= planned["events"][event["webhookEventId"]]["at"] < window[1]
    )
    all_events = sum(len(bodies[r["n"]]["events"]) for r in measured)
    buckets: dict[int, list[float]] = {}
    for r in results:
        if r["status"] == 200:
            buckets.setdefault(int((r["due"] - start_at) // TIMELINE_SECONDS), []).append(r["seconds"])
    timeline = []
    for step, seconds in sorted(buckets.items()):
        figures = summary(seconds)
        timeline.append(
            {"from_s": step * TIMELINE_SECONDS, **{k: figures[k] for k in ("n", "p50_ms", "p99_ms")}}
        )
    acknowledged = {
        event["webhookEventId"] for r in results if r["status"] == 200 for event in bodies[r["n"]]["events"]
    }
    errors = [f"{r['status']} {(r['error'] or '')[:200]}" for r in results if r["status"] != 200]
    return {
        "start_at": start_at,
        "bodies_sent": len(results),
        "bodies_by_kind": dict(Counter(b["kind"] for b in bodies)),
        "measured_bodies": len(measured),
        "measured_first_events_per_second": round(first_events / args.duration, 1),
        "measured_events_per_second": round(all_events / args.duration, 1),
        "measured_bodies_per_second": round(len(measured) / args.duration, 1),
        "latency": summary([r["seconds"] for r in ok]),
        "latency_from_due": summary([r["seconds"] + r["late"] for r in ok]),
        "late_max_ms": round(max((r["late"] for r in measured), default=0) * 1000, 1),
        "timeline": timeline,
        "cpu": cpu,  # the whole phase, warm-up included; the worker's share is in the server's
        "errors": len(errors),
        "error_samples": [f"{count} x {e}" for e, count in Counter(errors).most_common(5)],
        "statuses": dict(Counter(r["status"] for r in results)),
        "acknowledged": acknowledged,
    }


def ceiling_round(
    path: str,
    port: int,
    args: argparse.Namespace,
    pool: ProcessPoolExecutor,
    rng: random.Random,
    meter: CpuMeter,
) -> dict[str, Any]:
    seeds = list(range(args.clients))
    shares = [seeds[i :: args.client_processes] for i in range(args.client_processes)]
    shares = [share for share in shares if share]
    events_per_request = 1.0
    if path == "/line/webhook":
        # Fresh events for every request (a repeated one would be skipped, cheaper than the real thing): enough
        # for CEILING_MAX_RATE requests a second, more than this server answers; each process gets its own.
        total = int((args.ceiling_duration + 3) * CEILING_MAX_RATE)
        now_ms = int(time.time() * 1000)
        stream = batches(rng, [standby_event(rng, now_ms) for _ in range(total * 2)])[:total]
        events_per_request = sum(len(group) for group in stream) / max(1, len(stream))
        signed = [signed_body(group, secret=SECRET) for group in stream]
        per_process = [signed[i :: len(shares)] for i in range(len(shares))]
    else:
        body = json.dumps({"text": "bench"}).encode()
        per_process = [[(body, {"Content-Type": "application/json"})] for _ in shares]
    start_at = time.time() + 3
    job = {
        "path": path,
        "port": port,
        "once": path == "/line/webhook",
        "start_at": start_at,
        "measure_from": start_at + 3,
        "stop_at": start_at + 3 + args.ceiling_duration,
    }
    jobs = [
        {**job, "seeds": share, "requests": mine} for share, mine in zip(shares, per_process, strict=True)
    ]
    meter.start()
    outs = list(pool.map(closed_loop, jobs))
    latencies = [v for out in outs for v in out["latencies"]]
    errors = [e for out in outs for e in out["errors"]]
    figures = summary(latencies, args.ceiling_duration)
    # Over the whole round (its 3 s of warm-up too), per request at the measured rate: a rough share.
    cpu = meter.stop(int(len(latencies) * (args.ceiling_duration + 3) / args.ceiling_duration))
    return {
        "path": path,
        **figures,
        **cpu,
        "events_per_second": round(figures.get("per_second", 0) * events_per_request, 1),
        "errors": len(errors),
        "error_samples": errors[:5],
        "ran_out": sum(out["ran_out"] for out in outs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rate", type=float, default=TARGET_RATE, help="events per second (first deliveries)"
    )
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds at that rate")
    parser.add_argument("--warmup", type=float, default=10.0, help="unmeasured seconds at that rate first")
    parser.add_argument("--redeliveries", type=float, default=0.05, help="share of events redelivered later")
    parser.add_argument("--duplicates", type=float, default=0.01, help="share of bodies sent twice at once")
    parser.add_argument("--client-processes", type=int, default=3)
    parser.add_argument("--client-threads", type=int, default=64, help="senders per client process")
    parser.add_argument("--drain-workers", type=int, default=1, help="extra `raksa worker`s for the drain")
    parser.add_argument("--drain-timeout", type=float, default=1200.0, help="seconds the drain may take")
    parser.add_argument("--clients", type=int, default=16, help="closed-loop clients for the ceiling")
    parser.add_argument("--ceiling-duration", type=float, default=15.0, help="measured seconds per target")
    parser.add_argument("--rounds", type=int, default=3, help="ceiling rounds, bare and webhook in turn")
    parser.add_argument("--processes", type=int, default=None, help="raksa serve --processes (its default)")
    parser.add_argument("--threads", type=int, default=None, help="raksa serve --threads (its default)")
    parser.add_argument("--only", default="load,ceiling", help="phases to run, comma-separated")
    parser.add_argument(
        "--standby",
        action="store_true",
        help="a diagnosis: every event in standby mode (stored, left alone), so the worker has nothing to do; "
        "the load alone, events counted, no reports or answers",
    )
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args(argv)
    if not 0 < args.rate <= MAX_RATE or not 0 < args.duration <= MAX_DURATION or not 0 <= args.warmup <= 120:
        parser.error(f"--rate in (0, {MAX_RATE}], --duration in (0, {MAX_DURATION}], --warmup in [0, 120]")
    if not 0 < args.clients <= MAX_CLIENTS or not 1 <= args.rounds <= 9 or not 0 <= args.drain_workers <= 4:
        parser.error(f"--clients in 1..{MAX_CLIENTS}, --rounds in 1..9, --drain-workers in 0..4")
    if not 1 <= args.client_processes <= 8 or not 1 <= args.client_threads <= 200:
        parser.error("--client-processes in 1..8, --client-threads in 1..200")
    phases = {p.strip() for p in args.only.split(",") if p.strip()}
    if args.standby:
        phases.discard("ceiling")  # its standby events would count as the load's
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must point at PostgreSQL (postgres://...)")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    figures: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": cpus,
        "args": vars(args),
        "load_average": {"start": os.getloadavg()},
    }
    log(f"{cpus} CPUs shared by server, worker, clients, the stand-in and PostgreSQL; load {os.getloadavg()}")
    rng = random.Random(args.seed)
    planned = plan(
        rng,
        rate=args.rate,
        seconds=args.warmup + args.duration,
        corpus=texts(),
        redeliveries=args.redeliveries,
        duplicates=args.duplicates,
    )
    if args.standby:
        for body in planned["bodies"]:
            for event in body["events"]:
                event["mode"] = "standby"
    log(
        f"planned {len(planned['events'])} events of {len(planned['users'])} users in "
        f"{len(planned['bodies'])} bodies {dict(Counter(b['kind'] for b in planned['bodies']))}"
    )
    failed: list[str] = []
    var_dir = tempfile.mkdtemp(prefix="raksa-line-bench-")
    with database(url, keep=args.keep, name="raksa_line_bench") as db_url, LineStandIn() as line:
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "RAKSA_VAR_DIR": var_dir,
            "RAKSA_MEDIA_ROOT": str(Path(var_dir) / "media"),
            "RAKSA_BENCH_ENDPOINTS": "1",
            "RAKSA_DEBUG": "false",
            "RAKSA_DEMO_PASSWORD": "bench-password-line",
            "LINE_CHANNEL_SECRET": SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": line.token,
            "LINE_API_BASE": line.base_url,
            "PYTHONPATH": str(ROOT / "src"),
        }
        raksa("migrate", "--no-input", env=env)
        raksa("demo", "--people", "1", "--cases", "0", env=env)  # the directory and its LINE groups, no cases
        log(
            f"database {db_url.rsplit('/', 1)[-1]} migrated, with the demo's directory; stand-in at {line.base_url}"
        )
        since = time.time() - 1
        with (
            serving(env, args.processes, args.threads) as (port, banner),
            ProcessPoolExecutor(max_workers=args.client_processes, mp_context=get_context("spawn")) as pool,
        ):
            log(f"server: {banner}")
            meter = CpuMeter(server_group(port))
            if "ceiling" in phases:
                ceiling_rng = random.Random(args.seed + 1)
                rounds = []
                for round_ in range(1, args.rounds + 1):
                    for path in ("/bench/insert", "/line/webhook"):
                        result = ceiling_round(path, port, args, pool, ceiling_rng, meter)
                        log(
                            f"ceiling round {round_} {path}: {result.get('per_second')} requests/s "
                            f"({result['events_per_second']} events/s) with {args.clients} clients, p50 "
                            f"{result['p50_ms']} ms, p95 {result['p95_ms']} ms, errors {result['errors']}; CPU per "
                            f"request: server {result['server_cpu_ms_per_request']} ms, PostgreSQL "
                            f"{result['postgres_cpu_ms_per_request']} ms; machine {result['machine_busy']:.0%} busy"
                        )
                        rounds.append({"round": round_, **result})
                        if path == "/bench/insert":
                            bare_rows_delete(db_url)
                bare = [r.get("per_second", 0.0) for r in rounds if r["path"] == "/bench/insert"]
                hook = [r.get("per_second", 0.0) for r in rounds if r["path"] == "/line/webhook"]
                hook_events = [r["events_per_second"] for r in rounds if r["path"] == "/line/webhook"]
                ratios = [h / b for h, b in zip(hook, bare, strict=True) if b]
                figures["ceiling"] = {
                    "clients": args.clients,
                    "bare_per_second": round(statistics.median(bare), 1),
                    "webhook_per_second": round(statistics.median(hook), 1),
                    "webhook_events_per_second": round(statistics.median(hook_events), 1),
                    "ratio": round(statistics.median(ratios), 3) if ratios else None,
                    "rounds": rounds,
                }
                c = figures["ceiling"]
                log(
                    f"ceiling (medians of {args.rounds}): bare insert {c['bare_per_second']}/s, webhook "
                    f"{c['webhook_per_second']} requests/s ({c['webhook_events_per_second']} events/s), "
                    f"ratio {c['ratio']}"
                )
                if any(r["errors"] for r in rounds):
                    failed.append("ceiling: errors")
                if any(r["ran_out"] for r in rounds):
                    failed.append("ceiling: a client ran out of bodies (make more)")
            if "load" in phases:
                # LINE issues a reply token with each event, good for about a minute from it.
                lead = 15  # the seconds from now until the clock starts, and some
                for _key, meta in planned["events"].items():
                    line.reply_token_issue(meta["token"], to=meta["user"], seconds=lead + meta["at"] + 60)
                log(
                    f"load: {args.rate:g} events/s to POST /line/webhook, {args.warmup:g} s warm-up + "
                    f"{args.duration:g} s, from {args.client_processes} client processes"
                )
                figures["load_average"]["before_load"] = os.getloadavg()
                load = load_phase(planned, port, args, pool, meter)
                figures["load_average"]["after_load"] = os.getloadavg()
                acknowledged = load.pop("acknowledged")
                figures["load"] = {k: v for k, v in load.items() if k != "start_at"}
                lat, due = load["latency"], load["latency_from_due"]
                log(
                    f"load: {load['measured_first_events_per_second']} events/s measured (first deliveries; "
                    f"{load['measured_events_per_second']} with redeliveries and duplicates, "
                    f"{load['measured_bodies_per_second']} bodies/s); ack p50 {lat['p50_ms']} ms, p95 "
                    f"{lat['p95_ms']} ms, p99 {lat['p99_ms']} ms, max {lat['max_ms']} ms; from when due: p99 "
                    f"{due['p99_ms']} ms; latest departure {load['late_max_ms']} ms behind; errors {load['errors']}"
                )
                for sample in load["error_samples"]:
                    log(f"    {sample}")
                log(f"  CPU over the phase: {load['cpu']}")
                steps = ", ".join(
                    f"{t['from_s']}s {t['p50_ms']:.0f}/{t['p99_ms']:.0f}" for t in load["timeline"]
                )
                log(f"  p50/p99 ms by {TIMELINE_SECONDS} s of the schedule (warm-up first): {steps}")
                django_ready(env)
                keys = list(planned["events"])
                extra = [[*RAKSA, "worker", "--interval", "0.2"] for _ in range(args.drain_workers)]
                log_path = Path(var_dir) / "drain-workers.log"
                with log_path.open("a") as out:
                    helpers = [
                        subprocess.Popen(
                            c, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                        )
                        for c in extra
                    ]
                try:
                    log(
                        f"drain: the server's worker and {len(helpers)} more; at most {args.drain_timeout:g} s"
                    )
                    users = sorted({meta["user"] for meta in planned["events"].values()})
                    limit = 0.0 if args.standby else args.drain_timeout
                    waited, left = drain(keys, users, since, limit=limit)
                finally:
                    for helper in helpers:
                        helper.terminate()
                    for helper in helpers:
                        try:
                            helper.wait(timeout=60)
                        except subprocess.TimeoutExpired:
                            helper.kill()
                            helper.wait()
                time.sleep(3)  # an answer sent a moment ago is recorded at the stand-in
                figures["drain"] = {"seconds": round(waited, 1), "left": left}
                log(f"drain: done in {waited:.0f} s; left {left}")
                stored, order, states = stored_rows(keys, standby=args.standby)
                events = count_events(stored, planned, acknowledged)
                events["states"] = states
                # Counted over the users the worker has finished with: all of them once it drained; after a
                # time-out, the others' events are stored and waiting (not lost) and their reports not yet made.
                reports: dict[str, Any] = {"lost": 0, "duplicated": 0, "skipped": "--standby"}
                answers: dict[str, Any] = {"lost": 0, "duplicated": 0, "skipped": "--standby"}
                if not args.standby:
                    waiting = unsettled_users(planned, since)
                    settled = settled_plan(planned, waiting)
                    found = {
                        key: report
                        for key, report in line_reports(since).items()
                        if planned["events"].get(key, {}).get("user") not in waiting
                    }
                    reports = count_reports(settled, found, order)
                    reports["users_counted"] = len({m["user"] for m in settled["events"].values()})
                    reports["users_not_yet_done"] = len(waiting)
                    answers = count_answers(settled, line_messages(since), line.received(), waiting=waiting)
                    answers["loading_animations"] = len(line.loading)
                figures.update(events=events, reports=reports, answers=answers)
                log(f"events: {events}")
                log(f"reports: {reports}")
                log(f"answers: {answers}")
                if load["errors"]:
                    failed.append(f"{load['errors']} webhook requests not answered 200")
                if lat["p99_ms"] > TARGET_P99_MS:
                    failed.append(f"ack p99 {lat['p99_ms']} ms over {TARGET_P99_MS:g}")
                if load["measured_first_events_per_second"] < TARGET_RATE:
                    failed.append(
                        f"{load['measured_first_events_per_second']} events/s under {TARGET_RATE:g}"
                    )
                if events["lost"] or events["stored_twice"] or events["stored_not_sent"]:
                    failed.append("events lost or stored twice")
                if args.standby:
                    failed.append("--standby is a diagnosis: no reports or answers were asked for")
                elif any(left.values()):
                    failed.append(f"the worker did not drain in {args.drain_timeout:g} s: {left}")
                if reports["lost"] or reports["duplicated"]:
                    failed.append(f"reports lost {reports['lost']}, duplicated {reports['duplicated']}")
                if answers["lost"] or answers["duplicated"]:
                    failed.append(f"answers lost {answers['lost']}, duplicated {answers['duplicated']}")
    figures["load_average"]["end"] = os.getloadavg()
    figures["failed"] = failed
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")
    log(f"load average {figures['load_average']}")
    log(f"figures: {OUT}; " + ("FAILED: " + "; ".join(failed) if failed else "all targets met"))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
