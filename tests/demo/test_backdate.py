from __future__ import annotations

import datetime as dt
import pathlib
import re
from typing import Any

from django.utils import timezone

from raksa.cases.models import Case, CaseParty, Note, Referral
from raksa.cases.selectors import case_timeline
from raksa.cases.services import (
    case_change_status,
    case_close,
    case_create,
    note_add,
    referral_accept,
    referral_create,
)
from raksa.demo.backdate import backdate_cases
from raksa.people.models import Person
from tests.base import RaksaTestCase

SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "raksa"
IMPORTS_BACKDATE = re.compile(r"raksa\.demo\.backdate|from raksa\.demo import [^\n]*\bbackdate\b")


def timeline(case: Case) -> list[tuple[Any, ...]]:
    """The timeline as staff read it, without its times: what happened, in which order, by whom."""
    return [(e.pk, e.kind, e.data, e.actor_id, e.unit_id) for e in case_timeline(case=case)]


class BackdateTests(RaksaTestCase):
    def setUp(self) -> None:
        subject = Person.objects.create(first_name_th="สมศรี", last_name_th="ใจดี")
        self.case = case_create(
            actor=self.call_taker,
            channel="hotline",
            summary="เด็กถูกทิ้งให้อยู่ลำพัง",
            category="child_protection",
            subject=subject,
            reporter=Person.objects.create(first_name_th="มานี", last_name_th="มีนา"),
            province_code="10",
            owning_unit=self.bkk_office,
        )
        case_change_status(actor=self.case_worker, case=self.case, status="screening")
        case_change_status(actor=self.case_worker, case=self.case, status="active")
        note_add(actor=self.case_worker, case=self.case, body="เยี่ยมบ้านแล้ว")
        referral = referral_create(
            actor=self.case_worker, case=self.case, to_unit=self.dcy_hq, reason="ต้องการบ้านพักเด็ก"
        )
        referral_accept(actor=self.dcy_worker, referral=referral)
        note_add(actor=self.dcy_worker, case=self.case, body="รับเด็กเข้าบ้านพักแล้ว")
        case_close(actor=self.case_worker, case=self.case, outcome="เด็กได้รับการดูแล")
        self.written = timeline(self.case)
        self.case.refresh_from_db()
        self.opened = timezone.now() - dt.timedelta(days=30)

    def hours(self, *steps: float) -> tuple[dt.datetime, list[dt.datetime]]:
        return self.opened, [self.opened + dt.timedelta(hours=h) for h in steps]

    def test_it_keeps_the_timeline_and_public_stage_the_services_wrote_only_earlier(self) -> None:
        opened, times = self.hours(*range(len(self.written)))
        backdate_cases(cases=[self.case], schedule=lambda case, kinds: (opened, times))

        self.assertEqual(timeline(self.case), self.written)
        events = case_timeline(case=self.case)
        self.assertEqual([e.created_at for e in events], times)
        now = timezone.now()
        self.assertTrue(all(e.created_at < now - dt.timedelta(days=20) for e in events))
        case = Case.objects.get(pk=self.case.pk)
        self.assertEqual((case.status, case.public_stage), (self.case.status, self.case.public_stage))
        self.assertEqual((case.status, case.public_stage), ("closed", "closed"))
        self.assertEqual(case.created_at, opened)
        self.assertEqual(case.closed_at, times[-1])
        self.assertEqual(case.updated_at, times[-1])

    def test_it_dates_the_rows_an_event_recorded_with_that_event(self) -> None:
        opened, times = self.hours(*range(len(self.written)))
        backdate_cases(cases=[self.case], schedule=lambda case, kinds: (opened, times))

        events = case_timeline(case=self.case)

        def when(kind: str) -> list[dt.datetime]:
            return [e.created_at for e in events if e.kind == kind]

        notes = Note.objects.filter(case=self.case).order_by("id")
        self.assertEqual([n.created_at for n in notes], when("note_added"))
        parties = CaseParty.objects.filter(case=self.case).order_by("id")
        self.assertEqual([p.created_at for p in parties], when("party_added"))
        referral = Referral.objects.get(case=self.case)
        self.assertEqual([referral.created_at], when("referral_created"))
        self.assertEqual([referral.decided_at], when("referral_accepted"))
        self.assertEqual(referral.updated_at, referral.decided_at)

    def test_it_keeps_events_given_the_same_time_in_the_order_they_were_written(self) -> None:
        opened, times = self.hours(*([0] * len(self.written)))
        backdate_cases(cases=[self.case], schedule=lambda case, kinds: (opened, times))
        self.assertEqual(timeline(self.case), self.written)

    def test_it_passes_the_kinds_of_the_events_in_timeline_order(self) -> None:
        seen: list[str] = []

        def schedule(case: Case, kinds: list[str]) -> tuple[dt.datetime, list[dt.datetime]]:
            seen.extend(kinds)
            return self.hours(*range(len(kinds)))

        backdate_cases(cases=[self.case], schedule=schedule)
        self.assertEqual(seen, [row[1] for row in self.written])

    def test_it_refuses_times_that_would_reorder_the_timeline_and_changes_nothing(self) -> None:
        before = [e.created_at for e in case_timeline(case=self.case)]
        steps = list(range(len(self.written)))
        steps[2], steps[3] = steps[3], steps[2]
        opened, times = self.hours(*steps)
        with self.assertRaises(ValueError):
            backdate_cases(cases=[self.case], schedule=lambda case, kinds: (opened, times))
        self.assertEqual([e.created_at for e in case_timeline(case=self.case)], before)
        self.assertEqual(timeline(self.case), self.written)

    def test_it_refuses_events_before_the_case_was_opened(self) -> None:
        opened, times = self.hours(*range(len(self.written)))
        with self.assertRaises(ValueError):
            backdate_cases(
                cases=[self.case], schedule=lambda case, kinds: (opened + dt.timedelta(hours=1), times)
            )

    def test_it_refuses_times_in_the_future(self) -> None:
        opened, times = self.hours(*range(len(self.written)))
        times[-1] = timezone.now() + dt.timedelta(minutes=5)
        with self.assertRaises(ValueError):
            backdate_cases(cases=[self.case], schedule=lambda case, kinds: (opened, times))

    def test_it_refuses_a_schedule_without_one_time_per_event(self) -> None:
        opened, times = self.hours(*range(len(self.written) - 1))
        with self.assertRaises(ValueError):
            backdate_cases(cases=[self.case], schedule=lambda case, kinds: (opened, times))

    def test_it_is_used_by_the_demo_alone(self) -> None:
        self.assertTrue((SRC / "demo" / "backdate.py").is_file())
        importers = [
            path.relative_to(SRC.parent).as_posix()
            for root in (SRC, SRC.parents[1] / "bench")
            for path in root.rglob("*.py")
            if IMPORTS_BACKDATE.search(path.read_text(encoding="utf-8"))
        ]
        self.assertEqual([path for path in importers if not path.startswith("raksa/demo/")], [])
