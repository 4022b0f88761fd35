"""The background worker as `raksa worker` and `raksa serve` run it: the apps' sweeps run beside its task loop,
so a report whose request died before processing it still becomes a case."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable

from django.core.management import call_command
from django.db import connections
from django.test import SimpleTestCase, TransactionTestCase
from django.utils import timezone

from raksa.cases.models import Case
from raksa.core.worker import build_worker, priority_lower
from raksa.directory.models import Agency, Unit
from raksa.intake.models import Report
from raksa.intake.services import SAFETY_NET_SECONDS, report_submit
from tests.base import BANGKOK, make_unit

TEXT = "แม่ถูกพ่อทำร้ายร่างกายที่บ้าน เขตบางกะปิ กรุงเทพ"


class WorkerSweepTests(TransactionTestCase):
    def setUp(self) -> None:
        ops = Agency.objects.create(code="ops", name_th="สำนักงาน", name_en="Office", kind=Agency.Kind.OFFICE)
        make_unit("pso-10", ops, Unit.Kind.PROVINCIAL_OFFICE, BANGKOK, (BANGKOK,))

    def stalled_report(self, key: str = "k1") -> Report:
        report = report_submit(
            channel="api", source="api:test", idempotency_key=key, text=TEXT, process=False
        ).report
        # Stored more than a minute ago, and nobody processed it: the request died in between.
        then = timezone.now() - dt.timedelta(seconds=SAFETY_NET_SECONDS + 1)
        Report.objects.filter(pk=report.pk).update(created_at=then)
        return report

    def test_the_batch_worker_sweeps_up_a_stalled_report_and_exits(self):
        report = self.stalled_report()
        call_command("worker", "--batch")
        report.refresh_from_db()
        self.assertEqual(report.state, Report.State.PROCESSED)
        self.assertEqual(Case.objects.get().reports.get(), report)

    def test_the_running_worker_sweeps_in_its_own_thread(self):
        report = self.stalled_report()
        worker = build_worker(interval=0.1)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        try:
            self.assertTrue(worker.swept["raksa.intake.services.report_sweep"].wait(30))
            report.refresh_from_db()
        finally:
            worker.running = False
            thread.join(timeout=10)
            connections.close_all()
        self.assertEqual(report.state, Report.State.PROCESSED)
        self.assertFalse(thread.is_alive())

    def test_a_fresh_report_is_left_to_the_request_that_stored_it(self):
        report = report_submit(
            channel="api", source="api:test", idempotency_key="k2", text=TEXT, process=False
        ).report
        call_command("worker", "--batch")
        report.refresh_from_db()
        self.assertEqual(report.state, Report.State.RECEIVED)
        self.assertFalse(Case.objects.exists())


def _nice_of(thread_id: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, thread_id)


class WorkerPriorityTests(SimpleTestCase):
    """When every CPU is busy the web processes go first: the worker's threads run at a higher nice value."""

    def in_thread(self, target: Callable[[], None]) -> dict[str, int]:
        seen: dict[str, int] = {}

        def run() -> None:
            target()
            seen["worker"] = _nice_of(threading.get_native_id())
            child = threading.Thread(target=lambda: seen.update(child=_nice_of(threading.get_native_id())))
            child.start()
            child.join()

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        return seen

    def test_the_worker_thread_and_its_sweeps_yield_to_the_web_and_the_caller_keeps_its_priority(self):
        caller = _nice_of(threading.get_native_id())
        with self.settings(RAKSA_WORKER_NICE=5):
            seen = self.in_thread(priority_lower)
        expected = min(caller + 5, 19)
        self.assertEqual(seen, {"worker": expected, "child": expected})
        self.assertEqual(_nice_of(threading.get_native_id()), caller)

    def test_zero_leaves_the_priority_alone(self):
        caller = _nice_of(threading.get_native_id())
        with self.settings(RAKSA_WORKER_NICE=0):
            seen = self.in_thread(priority_lower)
        self.assertEqual(seen, {"worker": caller, "child": caller})
