"""The one mapping table from case statuses and dispatch states to public stages (cases/stages.py), the stages a
case's events entered with their dates, and the owning unit's usual time from one stage to the next."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.cache import cache
from django.test import SimpleTestCase
from django.utils import timezone

from raksa.cases.events import EventType, event_record, event_type_of, event_types
from raksa.cases.models import PublicStage, Status
from raksa.cases.services import (
    case_change_status,
    case_close,
    case_reopen,
    note_add,
    referral_create,
    referral_decline,
)
from raksa.cases.stages import DISPATCH, MAPPING, ORDER, STATUS, STATUS_STAGE, WORDS, dispatch_stage
from raksa.dispatch import events as dispatch_events
from raksa.dispatch.models import DispatchState
from raksa.tracking.selectors import stage_entries, stage_ladder, usual_wait, wait_words
from tests.tracking.helpers import TRACK, TrackingCase

# Dispatch states that leave the public stage as it is: nobody has the case yet, or the team gave it back.
STAGE_KEPT = {DispatchState.PENDING, DispatchState.ESCALATED, DispatchState.DECLINED, DispatchState.CANCELLED}
# The dispatch event that enters each state which moves the stage.
ENTERING = {
    DispatchState.ALERTED: dispatch_events.DISPATCH_ALERTED,
    DispatchState.ACKNOWLEDGED: dispatch_events.DISPATCH_ACKNOWLEDGED,
    DispatchState.EN_ROUTE: dispatch_events.DISPATCH_EN_ROUTE,
    DispatchState.ON_SCENE: dispatch_events.DISPATCH_ON_SCENE,
    DispatchState.RESOLVED: dispatch_events.DISPATCH_RESOLVED,
}


class StageMappingTests(SimpleTestCase):
    def test_every_status_has_its_stage(self):
        self.assertEqual(set(STATUS_STAGE), set(Status.values))
        self.assertEqual(
            STATUS_STAGE,
            {
                "new": "received",
                "screening": "screening",
                "active": "in_progress",
                "referred": "referred",
                "closed": "closed",
            },
        )

    def test_every_dispatch_state_either_has_a_stage_or_leaves_it_as_it_is(self):
        mapped = {state for what, state in MAPPING if what == DISPATCH}
        self.assertLessEqual(mapped, set(DispatchState.values))  # the table names dispatch's own states
        self.assertEqual(mapped | STAGE_KEPT, set(DispatchState.values))
        self.assertFalse(mapped & STAGE_KEPT)
        self.assertEqual(
            {state: dispatch_stage(state) for state in DispatchState.values},
            {
                "pending": "",
                "alerted": "forwarded",
                "acknowledged": "forwarded",
                "en_route": "forwarded",
                "on_scene": "on_scene",
                "resolved": "in_progress",
                "escalated": "",
                "declined": "",
                "cancelled": "",
            },
        )

    def test_the_table_holds_only_statuses_dispatch_states_and_public_stages(self):
        for (what, _state), stage in MAPPING.items():
            self.assertIn(what, (STATUS, DISPATCH))
            self.assertIn(stage, PublicStage.values)

    def test_dispatch_declares_its_events_with_the_tables_stages(self):
        for state, event_type in ENTERING.items():
            self.assertEqual(event_type.stage, dispatch_stage(state), event_type.kind)
        others = [t for t in event_types() if t.kind.startswith("dispatch_") and t not in ENTERING.values()]
        self.assertTrue(others)
        for event_type in others:
            self.assertEqual(event_type.stage, "", event_type.kind)

    def test_only_dispatch_moves_a_case_to_forwarded_or_on_scene(self):
        from raksa.cases import events as case_events
        from raksa.intake import events as intake_events

        for module in (case_events, intake_events):
            for event_type in vars(module).values():
                if isinstance(event_type, EventType):
                    self.assertNotIn(event_type.stage, ("forwarded", "on_scene"), event_type.kind)

    def test_every_stage_is_worded_in_plain_thai_and_english(self):
        self.assertEqual(tuple(WORDS), ORDER)
        self.assertEqual(ORDER, tuple(PublicStage.values))
        for stage, said in WORDS.items():
            self.assertEqual(said.name_th, PublicStage(stage).label)
            for text in (said.name_th, said.next_th):
                self.assertTrue(any("\u0e00" <= ch <= "\u0e7f" for ch in text), text)
            for text in (said.name_en, said.next_en):
                self.assertTrue(text.isascii() and text[0].isupper(), text)
            # Words for the public, not the logbook's own.
            for internal in ("status", "dispatch", "case", "สถานะ"):
                self.assertNotIn(internal, f"{said.name_en} {said.next_en} {said.name_th} {said.next_th}")


class StageRecordTests(TrackingCase):
    def stages_of(self, case) -> list[str]:
        return [entry.stage for entry in stage_entries(case)]

    def later(self, minutes: int) -> time_machine.travel:
        return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=False)

    def test_each_event_says_which_stage_it_entered(self):
        case = self.reported()
        note_add(actor=self.case_worker, case=case, body="โทรนัดแล้ว")
        case = case_change_status(actor=self.case_worker, case=case, status="screening")
        rows = list(case.events.order_by("created_at", "id").values_list("kind", "stage"))
        self.assertEqual(
            rows,
            [
                ("created", "received"),
                ("party_added", ""),
                ("party_added", ""),
                ("note_added", ""),
                ("status_changed", "screening"),
            ],
        )

    def test_an_emergency_goes_through_the_field_teams_stages(self):
        case = self.reported(emergency_type="threat", owning_unit=self.bkk_rapid)
        unit = {"unit": self.bkk_rapid.code}
        with self.later(2):
            event_record(case=case, kind="dispatch_alerted", data=unit)
        with self.later(4):
            event_record(case=case, kind="dispatch_acknowledged", data=unit)
        with self.later(20):
            event_record(case=case, kind="dispatch_on_scene", data=unit)
        with self.later(60):
            event_record(case=case, kind="dispatch_resolved", data=unit)
        case.refresh_from_db()
        with self.later(600):
            case_close(actor=self.responder, case=case, outcome="แยกผู้ก่อเหตุแล้ว")
        case.refresh_from_db()
        self.assertEqual(self.stages_of(case), ["received", "forwarded", "on_scene", "in_progress", "closed"])
        ladder = {step.stage: step.at for step in stage_ladder(stage_entries(case))}
        self.assertIsNone(ladder["screening"])  # not needed: emergencies skip it
        self.assertIsNone(ladder["referred"])
        start = timezone.localtime(case.created_at).replace(second=0, microsecond=0)
        self.assertEqual(ladder["received"], start)
        self.assertEqual(ladder["forwarded"] - ladder["received"], dt.timedelta(minutes=2))
        self.assertEqual(ladder["on_scene"] - ladder["received"], dt.timedelta(minutes=20))
        self.assertEqual(ladder["closed"] - ladder["received"], dt.timedelta(minutes=600))

    def test_a_reopened_case_starts_again_from_where_it_was_reopened_to(self):
        case = self.reported()
        case = case_change_status(actor=self.case_worker, case=case, status="active")
        with self.later(60):
            case = case_close(actor=self.case_worker, case=case, outcome="ช่วยเหลือแล้ว")
        with self.later(120):
            case = case_reopen(actor=self.case_worker, case=case, reason="ผู้แจ้งโทรมาอีกครั้ง")
        entries = stage_entries(case)
        self.assertEqual([e.stage for e in entries], ["received", "in_progress", "closed", "in_progress"])
        ladder = {step.stage: step.at for step in stage_ladder(entries)}
        self.assertIsNone(ladder["closed"])
        self.assertEqual(ladder["in_progress"], entries[-1].at)

    def test_a_declined_referral_keeps_showing_referred(self):
        case = self.reported()
        referral = referral_create(
            actor=self.case_worker, case=case, to_unit=self.dcy_hq, reason="เด็กต้องการที่พัก"
        )
        referral_decline(actor=self.dcy_worker, referral=referral, reason="ไม่ใช่งานของกรม")
        case.refresh_from_db()
        self.assertEqual((case.status, case.public_stage), ("active", "referred"))
        self.assertEqual(self.stages_of(case), ["received", "referred"])

    def test_a_case_from_before_stages_were_kept_shows_its_opening_and_where_it_stands(self):
        case = self.reported()
        case = case_change_status(actor=self.case_worker, case=case, status="active")
        case.events.update(stage="")
        self.assertEqual(self.stages_of(case), ["received", "in_progress"])


class UsualWaitTests(TrackingCase):
    def screened_after(self, hours: float, unit=None, **fields):
        case = self.reported(owning_unit=unit or self.bkk_office, **fields)
        with time_machine.travel(timezone.now() + dt.timedelta(hours=hours), tick=False):
            case_change_status(actor=self.call_taker, case=case, status="screening")
        return case

    def test_it_is_the_median_of_the_units_own_cases(self):
        for hours in (1, 2, 3, 4, 30):
            self.screened_after(hours)
        self.screened_after(0.1, unit=self.cm_office, province_code="50")  # another unit: fast, not counted
        wait = usual_wait(unit_id=self.bkk_office.pk, stage="received")
        self.assertEqual(wait, dt.timedelta(hours=3))
        self.assertEqual(wait_words(wait), ("ประมาณ 3 ชั่วโมง", "about 3 hours"))

    def test_too_few_cases_give_no_figure_and_the_page_says_so_plainly(self):
        for hours in (1, 2, 3, 4):
            self.screened_after(hours)
        self.assertIsNone(usual_wait(unit_id=self.bkk_office.pk, stage="received"))
        case = self.reported()
        page = self.public.get(TRACK, {"code": case.tracking_code}).content.decode()
        self.assertIn("ระยะเวลาขึ้นอยู่กับแต่ละเรื่อง", page)
        self.assertIn("โทร 1300", page)

    def test_only_the_last_90_days_count(self):
        with time_machine.travel(timezone.now() - dt.timedelta(days=120), tick=False):
            for _ in range(5):
                self.screened_after(50)
        for hours in (1, 1, 1, 1):
            self.screened_after(hours)
        self.assertIsNone(usual_wait(unit_id=self.bkk_office.pk, stage="received"))
        self.screened_after(1)
        self.assertIsNone(usual_wait(unit_id=self.bkk_office.pk, stage="received"))  # kept for a while
        cache.clear()
        self.assertEqual(usual_wait(unit_id=self.bkk_office.pk, stage="received"), dt.timedelta(hours=1))

    def test_cases_still_waiting_do_not_count(self):
        for hours in (1, 2, 3, 4, 5):
            self.screened_after(hours)
        for _ in range(10):
            self.reported()
        self.assertEqual(usual_wait(unit_id=self.bkk_office.pk, stage="received"), dt.timedelta(hours=3))

    def test_the_page_tells_the_figure_for_the_cases_stage(self):
        for hours in (24, 48, 48, 72, 96):
            self.screened_after(hours)
        case = self.reported()
        page = self.public.get(TRACK, {"code": case.tracking_code}).content.decode()
        self.assertIn("โดยปกติขั้นตอนนี้ใช้เวลาประมาณ 2 วัน", page)
        self.assertIn("90 วัน", page)
        answer = self.public.get(f"/api/v1/track/{case.tracking_code}").json()
        self.assertIn("usually takes about 2 days", answer["next_step_en"])

    def test_a_closed_case_has_nothing_to_wait_for(self):
        case = self.reported()
        case_close(actor=self.case_worker, case=case, outcome="ช่วยเหลือแล้ว")
        answer = self.public.get(f"/api/v1/track/{case.tracking_code}").json()
        self.assertEqual(answer["next_step_th"], WORDS["closed"].next_th)

    def test_waits_are_said_as_people_say_them(self):
        self.assertEqual(wait_words(dt.timedelta(minutes=2)), ("ประมาณ 5 นาที", "about 5 minutes"))
        self.assertEqual(wait_words(dt.timedelta(minutes=38)), ("ประมาณ 40 นาที", "about 40 minutes"))
        self.assertEqual(wait_words(dt.timedelta(minutes=58)), ("ประมาณ 1 ชั่วโมง", "about 1 hour"))
        self.assertEqual(wait_words(dt.timedelta(hours=30)), ("ประมาณ 30 ชั่วโมง", "about 30 hours"))
        self.assertEqual(wait_words(dt.timedelta(hours=40)), ("ประมาณ 2 วัน", "about 2 days"))
        self.assertEqual(wait_words(dt.timedelta(days=1, hours=12)), ("ประมาณ 2 วัน", "about 2 days"))


def test_every_declared_stage_is_a_public_stage():
    for event_type in event_types():
        assert event_type_of(event_type.kind) is event_type
        assert event_type.stage in ("", *PublicStage.values)
