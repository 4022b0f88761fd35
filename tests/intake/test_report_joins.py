"""A channel adds a report to its reporter's own open case (`joins`): no staff check, never a closed case, and the
first point it brings becomes the case's location."""

from __future__ import annotations

from raksa.cases.models import Case
from raksa.cases.services import case_close
from raksa.core.errors import RaksaError
from raksa.intake.services import report_submit
from tests.base import RaksaTestCase
from tests.notify.support import line_id

USER = line_id("U", 0xACE)


class ReportJoinsTests(RaksaTestCase):
    def first(self) -> Case:
        report = report_submit(
            channel="line",
            source="line",
            idempotency_key="first",
            emergency_type="detention",
            reporter={"line_user_id": USER},
        ).report
        assert report.case is not None
        return report.case

    def test_it_adds_the_report_to_the_case_and_gives_it_the_point_it_lacked(self):
        case = self.first()
        self.assertIsNone(case.latitude)
        joined = report_submit(
            channel="line",
            source="line",
            idempotency_key="second",
            text="อยู่ชั้นสอง",
            reporter={"line_user_id": USER},
            location={"latitude": 13.7465, "longitude": 100.5347, "text": "ปทุมวัน"},
            joins=case,
        ).report
        self.assertEqual(joined.case, case)
        case.refresh_from_db()
        self.assertEqual(
            (str(case.latitude), str(case.longitude), case.location_text),
            ("13.746500", "100.534700", "ปทุมวัน"),
        )
        self.assertEqual(
            list(
                case.events.filter(kind__in=("report_added", "location_added")).values_list("kind", flat=True)
            ),
            ["report_added", "location_added"],
        )
        self.assertEqual(case.dispatches.count(), 1)  # joining dispatches nothing again

    def test_a_closed_case_is_refused(self):
        case = self.first()
        case_close(actor=self.admin_user, case=case, outcome="ช่วยเหลือแล้ว")
        with self.assertRaises(RaksaError) as caught:
            report_submit(
                channel="line",
                source="line",
                idempotency_key="late",
                text="ขอบคุณค่ะ",
                reporter={"line_user_id": USER},
                joins=case,
            )
        self.assertEqual(caught.exception.code, "case_not_open")
