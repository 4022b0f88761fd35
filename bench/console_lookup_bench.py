#!/usr/bin/env python
"""Speed of the 1300 console's caller look-up at national scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/raksa_console_bench .venv/bin/python bench/console_lookup_bench.py

The issue's target: the console's caller look-up by phone answers with p95 <= 100 ms server time, on the
foundation benchmark's 1,000,000 people (and 2,000,000 cases).

1. The same database as people_cases_bench.py builds (its own, made if missing; the same generator, skipped when
   the database already holds that many people and cases), plus a call log: --calls calls (default 200,000) from
   the people's phones over the last 90 days, a tenth of the numbers calling again, so the repeat-caller query
   has real rows to find.
2. Times, for a 1300 centre call-taker, on phones sampled at random (N after a warm-up):
   - `caller_lookup` alone (the people, their cases across agencies, risk flags, earlier calls);
   - what the console's caller panel does per request: the look-up, the access-log rows and the hourly count
     (services.caller_shown_log), and the HTML fragment rendered (intake/console/_caller.html);
   - the caller pop's poll (`call_current`, the one query of GET /console/live).
   Prints p50/p95/p99 in ms against the target, writes EXPLAIN (ANALYZE, BUFFERS) of each query of one look-up to
   bench/out/console_lookup_explain.txt and the figures to bench/out/console_lookup_results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from people_cases_bench import (  # noqa: E402  (a sibling script, not a package)
    OUT,
    analyze,
    current_size,
    ensure_database,
    explain,
    generate,
    log,
    percentile,
    sample_values,
    setup_django,
    time_calls,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/raksa_console_bench"
TARGET_MS = 100.0
POLL_TARGET_MS = 10.0


def calls_ensure(count: int, seed: int) -> int:
    """A call log of `count` calls from the people's phones (bulk insert; topped up to the count)."""
    from django.utils import timezone

    from raksa.accounts.models import User
    from raksa.intake.models import Call

    have = Call.objects.filter(call_id__startswith="bench-").count()
    if have >= count:
        return 0
    rng = random.Random(seed)
    phones = sample_values(
        "SELECT value FROM people_identifier WHERE kind = 'phone' ORDER BY random() LIMIT %s", (count,)
    )
    repeaters = phones[: max(1, len(phones) // 10)]
    agents = list(User.objects.filter(username__startswith="bench_call_taker"))
    now = timezone.now()
    rows = []
    for n in range(have, count):
        phone = rng.choice(repeaters) if rng.random() < 0.3 else phones[n % len(phones)]
        rang = now - dt.timedelta(seconds=rng.randrange(90 * 86400))
        answered = rang + dt.timedelta(seconds=rng.randrange(3, 40)) if rng.random() < 0.9 else None
        ended = (answered or rang) + dt.timedelta(seconds=rng.randrange(20, 900))
        rows.append(
            Call(
                call_id=f"bench-{n}",
                caller=phone,
                agent=agents[n % len(agents)],
                rang_at=rang,
                answered_at=answered,
                ended_at=ended,
                outcome=rng.choice(["new_case", "advice", "silent", "prank", ""]) if answered else "",
            )
        )
    Call.objects.bulk_create(rows, batch_size=5000)
    # created_at is set to now by the model: spread it like the ring times, as a real log would be.
    sample_values(
        "UPDATE intake_call SET created_at = rang_at, updated_at = rang_at WHERE call_id LIKE 'bench-%%' "
        "RETURNING 1"
    )
    return count - have


def agents_ensure() -> list[Any]:
    from raksa.accounts.services import user_ensure

    return [user_ensure(username=f"bench_call_taker_{n}", role="call_taker") for n in range(10)]


def measure(*, queries: int, warmup: int) -> tuple[list[dict[str, Any]], str]:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from raksa.intake.console.selectors import call_current, caller_lookup
    from raksa.intake.console.services import caller_shown_log

    n = queries + warmup
    phones = sample_values(
        "SELECT value, person_id FROM people_identifier WHERE kind = 'phone' ORDER BY random() LIMIT %s", (n,)
    )
    repeat = sample_values(
        "SELECT caller FROM intake_call GROUP BY caller HAVING count(*) > 3 ORDER BY random() LIMIT %s", (n,)
    )
    agents = agents_ensure()
    agent = agents[0]
    factory = RequestFactory()

    def lookup(arg: Any) -> Any:
        return caller_lookup(user=agent, phone=arg[0] if isinstance(arg, tuple) else arg)

    def panel(arg: Any) -> Any:
        phone = arg[0] if isinstance(arg, tuple) else arg
        request = factory.get("/console/caller", {"phone": phone})
        request.user = agent
        found = caller_lookup(user=agent, phone=phone)
        caller_shown_log(user=agent, lookup=found, request=request)
        render_to_string("intake/console/_caller.html", {"lookup": found, "asked": phone}, request=request)
        return found

    def poll(user: Any) -> Any:
        return call_current(agent=user)

    kinds = [
        ("caller_lookup, a person's phone", TARGET_MS, lookup, phones),
        ("caller_lookup, a repeat caller", TARGET_MS, lookup, repeat),
        ("caller panel: look-up + access log + HTML", TARGET_MS, panel, phones),
        ("caller pop poll (call_current)", POLL_TARGET_MS, poll, [agents[i % len(agents)] for i in range(n)]),
    ]
    results, plans = [], []
    for label, target, call, args in kinds:
        timings = time_calls(call, args, warmup)
        row: dict[str, Any] = {
            "query": label,
            "n": len(timings),
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(percentile(timings, 95), 2),
            "p99_ms": round(percentile(timings, 99), 2),
            "target_p95_ms": target,
        }
        row["p95_over_target"] = round(row["p95_ms"] / target, 3)
        if call is lookup and args and isinstance(args[0], tuple):
            found = sum(arg[1] in {p.person.pk for p in lookup(arg).people} for arg in args[warmup:])
            row["found_share"] = round(found / len(timings), 3)
        results.append(row)
        log(f"{label}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, p99 {row['p99_ms']} ms")
        if call is not panel:
            example = args[warmup]
            plans.append(f"=== {label}\n")
            plans.append(explain(lambda call=call, example=example: call(example)))
    return results, "\n".join(plans)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=300, help="timed look-ups per kind (default 300)")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument("--regenerate", action="store_true", help="generate again even if already at size")
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must point at PostgreSQL (postgres://...)")
    log(f"database {urlsplit(url)._replace(netloc=urlsplit(url).hostname or '').geturl()}")
    ensure_database(url)
    setup_django(url)
    # Each look-up counts against the person-view limit meant for a person at a screen; the bench makes hundreds.
    from django.conf import settings
    from django.core.management import call_command

    from raksa.directory.services import directory_load

    settings.RAKSA_PERSON_VIEWS_PER_HOUR = 100_000
    call_command("migrate", verbosity=0, interactive=False)
    directory_load()
    agents_ensure()
    if args.regenerate or current_size() != (args.people, args.cases):
        seconds = generate(url, people=args.people, cases=args.cases, seed=args.seed)
        log(f"generated in {seconds:.0f} s")
    made = calls_ensure(args.calls, args.seed)
    log(f"call log: {made:,} calls added")
    analyze(url)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE intake_call")
    results, plans = measure(queries=args.queries, warmup=args.warmup)
    print()
    print(f"{'query':44} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'target':>7} {'p95/target':>10}")
    for r in results:
        extra = f"  {r['found_share']:.0%} found" if "found_share" in r else ""
        print(
            f"{r['query']:44} {r['n']:>4} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} {r['p99_ms']:>8.2f} "
            f"{r['target_p95_ms']:>7.0f} {r['p95_over_target']:>10.2f}{extra}"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "console_lookup_explain.txt").write_text(plans, encoding="utf-8")
    summary = {"people": args.people, "cases": args.cases, "calls": args.calls, "results": results}
    (OUT / "console_lookup_results.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False), "utf-8"
    )
    print(f"\nplans: {OUT / 'console_lookup_explain.txt'}\nfigures: {OUT / 'console_lookup_results.json'}")
    missed = [r["query"] for r in results if r["p95_over_target"] > 1]
    if missed:
        print("p95 over target: " + ", ".join(missed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
