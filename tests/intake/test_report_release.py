"""A report stored held (`hold_until`) and processed with its reporter's answer (`report_release`), or by the
safety net as given once the hold has passed."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from raksa.cases.models import Case, Urgency
from raksa.core.errors import RaksaError
from raksa.intake.models import Report
from raksa.intake.services import report_release, report_submit, report_sweep
from tests.base import RaksaTestCase
from tests.notify.support import line_id

USER = line_id("U", 0xBEEF)
THREAT = "ช่วยด้วย มีคนถือมีดขู่จะฆ่าฉัน อยู่หน้าบ้าน"
NEED = "ยายอยู่คนเดียว ไม่มีรายได้ ต้องการเบี้ยยังชีพ ซอยลาดพร้าว 101 กรุงเทพ"


class ReportReleaseTests(RaksaTestCase):
    def held(self, text: str = THREAT, key: str = "held") -> Report:
        until = timezone.now() + dt.timedelta(minutes=3)
        report = report_submit(
            channel="line",
            source="line",
            idempotency_key=key,
            text=text,
            reporter={"line_user_id": USER},
            hold_until=until,
        ).report
        self.assertEqual((report.state, report.case), (Report.State.RECEIVED, None))
        return report

    def test_held_it_is_stored_and_left_by_the_safety_net_until_the_hold_passes(self):
        report = self.held()
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
            self.assertEqual(report_sweep(), 0)
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=4)):
            self.assertEqual(report_sweep(), 1)
        report.refresh_from_db()
        assert report.case is not None
        self.assertEqual(report.case.emergency_type, "threat")  # as given: triage decided
        self.assertEqual(report.case.dispatches.filter(level=0).count(), 1)

    def test_her_yes_is_the_emergency_type(self):
        report = report_release(report=self.held(NEED), emergency_type="detention")
        assert report.case is not None
        self.assertEqual(
            (report.payload["emergency_type"], report.case.emergency_type), ("detention", "detention")
        )
        self.assertEqual(report.case.dispatches.filter(level=0).count(), 1)

    def test_her_no_is_a_normal_case(self):
        report = report_release(report=self.held(), emergency_type="")
        assert report.case is not None
        self.assertEqual(report.case.emergency_type, "")
        self.assertNotEqual(report.case.urgency, Urgency.EMERGENCY)
        self.assertEqual(report.case.dispatches.count(), 0)

    def test_unconfirmed_is_an_urgent_case_a_human_must_look_at(self):
        report = report_release(report=self.held(), unconfirmed="threat", confidence=0.42)
        case = report.case
        assert case is not None
        self.assertEqual(
            (case.emergency_type, case.urgency, case.dispatches.count()), ("", Urgency.URGENT, 0)
        )
        event = case.events.get(kind="emergency_unconfirmed")
        self.assertEqual(
            event.data, {"emergency_type": "threat", "confidence": 0.42, "report_id": report.public_id}
        )

    def test_the_same_matter_joins_her_open_case(self):
        first = report_submit(
            channel="line", source="line", idempotency_key="first", text=NEED, reporter={"line_user_id": USER}
        ).report
        report = report_release(report=self.held(NEED), joins=first.case)
        self.assertEqual(report.case, first.case)
        self.assertEqual(Case.objects.count(), 1)

    def test_an_answer_kept_for_a_later_question_keeps_it_held(self):
        report = report_release(report=self.held(), emergency_type="", process=False)
        self.assertEqual((report.state, report.payload["emergency_type"]), (Report.State.RECEIVED, ""))
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=4)):
            report_sweep()
        report.refresh_from_db()
        assert report.case is not None
        self.assertEqual(report.case.emergency_type, "")  # the safety net honours her answer

    def test_released_twice_it_is_processed_once(self):
        report = self.held()
        first = report_release(report=report, emergency_type="threat")
        again = report_release(report=report, emergency_type="")
        self.assertEqual(first.case, again.case)
        self.assertEqual(Case.objects.count(), 1)

    def test_a_bad_answer_is_refused_naming_the_field(self):
        with self.assertRaises(RaksaError) as caught:
            report_release(report=self.held(), emergency_type="fire")
        self.assertEqual(caught.exception.errors[0].field, "emergency_type")
        self.assertEqual(Report.objects.get().state, Report.State.RECEIVED)
