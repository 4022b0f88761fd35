#!/usr/bin/env python
"""What one report costs the process that takes it: SQL statements and Python CPU, by kind of report.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/raksa_line_worker_bench .venv/bin/python bench/report_cost.py

Needs a database with the directory and the units' on-call contacts loaded (`line_worker_bench.py --events 100
--keep` leaves `raksa_line_worker_bench`, which has them). In this one process, after a warm-up of each kind
(triage's model, the place indexes, the directory's routing), `--runs` (50) calls of `report_submit` per kind,
each with its own idempotency key and its own reporter:
- emergency: a LINE chat's emergency with a location (stored, triaged, a case, a subscription, dispatched);
- text: a web report of a problem that is not an emergency, from a new caller by phone who wants SMS updates;
- subject: a partner's report naming the person it is about, by name and phone.
Each call is timed with `time.process_time()` (this process's CPU only; the database's is not in it) and its
statements counted with CaptureQueriesContext. It prints the median and the range per kind.
`--queries KIND` prints the statements of one more call of that kind; `--profile KIND` profiles the runs of
that kind (cProfile, by own time and by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/raksa_line_worker_bench"


_CONSONANTS = "กขคงจฉชซดตถทนบปผพฟมยรลวสหอฮ"
_VOWELS = ("า", "ิ", "ี", "ุ", "ู", "ั", "ำ", "")


def _phone() -> str:
    return "08" + str(uuid.uuid4().int)[:8]


def _name() -> str:
    """A name nobody in the index has (so the reporter is created, not left for review as a fuzzy match)."""

    def word() -> str:
        return "".join(random.choice(_CONSONANTS) + random.choice(_VOWELS) for _ in range(3))

    return f"{word()} {word()}"


def emergency() -> dict[str, Any]:
    return {
        "channel": "line",
        "source": "line",
        "idempotency_key": str(uuid.uuid4()),
        "text": "มีคนถือมีดขู่อยู่หน้าบ้าน",
        "reporter": {"line_user_id": "U" + uuid.uuid4().hex},
        "emergency_type": "threat",
        "location": {"latitude": 13.75, "longitude": 100.53},
    }


def text() -> dict[str, Any]:
    return {
        "channel": "web",
        "source": "web",
        "idempotency_key": str(uuid.uuid4()),
        "text": "ยายอายุ 80 ปี อยู่บ้านคนเดียวที่อำเภอเมืองขอนแก่น ไม่มีคนดูแล ไม่มีเงินซื้ออาหาร",
        "reporter": {"name": _name(), "phone": _phone()},
        "updates_by_sms": True,
    }


def subject() -> dict[str, Any]:
    return {
        "channel": "api",
        "source": "api:report-cost",
        "idempotency_key": str(uuid.uuid4()),
        "text": "เด็กหญิงอายุ 12 ปี ถูกทิ้งให้อยู่บ้านคนเดียวหลายวัน ไม่ได้ไปโรงเรียน จังหวัดเชียงใหม่",
        "category": "child_protection",
        "reporter": {"name": _name(), "phone": _phone()},
        "subject": {"name": "ด.ญ. " + _name(), "phone": _phone()},
        "location": {"province_code": "50"},
    }


KINDS: dict[str, Callable[[], dict[str, Any]]] = {"emergency": emergency, "text": text, "subject": subject}


def one(kind: str) -> tuple[int, float, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from raksa.intake.services import report_submit

    kw = KINDS[kind]()
    with CaptureQueriesContext(connection) as ctx:
        began = time.process_time()
        submitted = report_submit(**kw)
        spent = time.process_time() - began
    report = submitted.report
    if report.state != "processed":
        raise SystemExit(f"{kind}: the report was not processed: {report.last_error}")
    if report.review:
        print(f"{kind}: a name matched someone already in the index (left for review); counted all the same")
    return len(ctx.captured_queries), spent, [q["sql"] for q in ctx.captured_queries]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated, of: " + ", ".join(KINDS))
    parser.add_argument(
        "--queries", choices=list(KINDS), help="print the statements of one report of this kind"
    )
    parser.add_argument("--profile", choices=list(KINDS), help="profile the runs of this kind")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raksa.settings")
    os.environ.setdefault("RAKSA_VAR_DIR", "/tmp/raksa-report-cost")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()

    kinds = [k for k in args.kinds.split(",") if k]
    for kind in kinds:  # warm-up: triage's model and indexes, the directory, the first sequence look-up
        for _ in range(3):
            one(kind)
    if args.queries:
        count, spent, statements = one(args.queries)
        for number, sql in enumerate(statements, 1):
            print(f"{number:3d} {sql[:220]}")
        print(f"{args.queries}: {count} statements, {spent * 1000:.1f} ms CPU")
    for kind in kinds:
        profiler = cProfile.Profile(time.process_time) if args.profile == kind else None
        counts, cpu = [], []
        for _ in range(args.runs):
            if profiler is not None:
                profiler.enable()
            count, spent, _statements = one(kind)
            if profiler is not None:
                profiler.disable()
            counts.append(count)
            cpu.append(spent * 1000)
        print(
            f"{kind:10s} statements median {statistics.median(counts):.0f} ({min(counts)}-{max(counts)}), "
            f"CPU median {statistics.median(cpu):.1f} ms ({min(cpu):.1f}-{max(cpu):.1f}), {args.runs} reports"
        )
        if profiler is not None:
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(45)
                print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
