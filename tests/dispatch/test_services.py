"""Dispatch as a field team and the 1300 centre live it: an emergency alerts the right unit's on-call contact at
once; nobody answering escalates up the chain on a clock the test controls; a team's moves follow the state
table, each on the case's timeline; a failed send moves on to the next contact; a decline goes up at once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from raksa.accounts.models import Notice, Role
from raksa.cases.models import Case, PublicStage
from raksa.cases.services import case_create
from raksa.core.errors import Conflict, InvalidInput, NotFound
from raksa.directory.models import Contact, Unit
from raksa.dispatch.models import Dispatch, DispatchState, DispatchTimer
from raksa.dispatch.services import (
    dispatch_acknowledge,
    dispatch_alert_outcome,
    dispatch_cancel,
    dispatch_decline,
    dispatch_en_route,
    dispatch_location_known,
    dispatch_move_register,
    dispatch_move_unregister,
    dispatch_on_scene,
    dispatch_request,
    dispatch_resolve,
    dispatch_timer_sweep,
    timer_minutes,
)
from raksa.notify.models import Message
from tests.base import BANGKOK, RaksaTestCase, at_most_queries, make_unit, make_user

S = DispatchState
# LINE group ids as LINE writes them: "C" and 32 hex digits.
RAPID_GROUP = "C" + "a1" * 16
OFFICE_GROUP = "C" + "b2" * 16
CENTRE_GROUP = "C" + "c3" * 16


class DispatchTestCase(RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Contact.objects.create(
            unit=cls.bkk_rapid, kind=Contact.Kind.LINE_GROUP, value=RAPID_GROUP, on_call=True, priority=10
        )
        Contact.objects.create(
            unit=cls.bkk_rapid, kind=Contact.Kind.PHONE, value="0613001000", on_call=True, priority=20
        )
        Contact.objects.create(
            unit=cls.bkk_office, kind=Contact.Kind.LINE_GROUP, value=OFFICE_GROUP, on_call=True, priority=10
        )
        Contact.objects.create(
            unit=cls.centre, kind=Contact.Kind.LINE_GROUP, value=CENTRE_GROUP, on_call=True
        )

    def emergency(self, **fields) -> Case:
        fields.setdefault("province_code", BANGKOK)
        return case_create(
            actor=self.call_taker,
            channel="hotline",
            summary=fields.pop("summary", "ผู้หญิงถูกขู่ด้วยมีด"),
            emergency_type=fields.pop("emergency_type", "threat"),
            **fields,
        )

    def sent(self, dispatch: Dispatch) -> list[Message]:
        return list(Message.objects.filter(purpose="dispatch_alert", ref=str(dispatch.pk)).order_by("id"))


class DispatchRequestTests(DispatchTestCase):
    def test_it_dispatches_a_new_case_in_at_most_ten_statements(self):
        case = self.emergency()
        # Route, contacts, timers, the dispatch inserted already alerted, the alert queued, its event, the case's
        # new stage, and the stage's notice (in its savepoint) finding nobody subscribed.
        with at_most_queries(self, 10):
            dispatch = dispatch_request(case=case, new_case=True)
        self.assertEqual((dispatch.state, dispatch.unit), (S.ALERTED, self.bkk_rapid))
        self.assertIsNotNone(dispatch.alerted_at)
        self.assertEqual(len(self.sent(dispatch)), 1)
        self.assertEqual(dispatch_request(case=case), dispatch)  # a second call finds it

    def test_it_alerts_the_provinces_rapid_response_units_first_on_call_contact(self):
        case = self.emergency()
        dispatch = dispatch_request(case=case)
        self.assertEqual((dispatch.unit, dispatch.state, dispatch.level), (self.bkk_rapid, S.ALERTED, 0))
        [message] = self.sent(dispatch)
        self.assertEqual((message.transport, message.to), ("line", RAPID_GROUP))
        self.assertIn(case.number, message.payload["text"])
        self.assertIn("/dispatch/", message.payload["link"])
        self.assertEqual(message.payload["flex"]["type"], "bubble")
        case.refresh_from_db()
        self.assertEqual(case.public_stage, PublicStage.FORWARDED)
        self.assertTrue(case.events.filter(kind="dispatch_alerted").exists())
        self.assertAlmostEqual((dispatch.ack_due_at - timezone.now()).total_seconds(), 5 * 60, delta=30)

    def test_asking_twice_sends_nothing_more(self):
        case = self.emergency()
        first = dispatch_request(case=case)
        self.assertEqual(dispatch_request(case=case), first)
        self.assertEqual(len(self.sent(first)), 1)

    def test_a_case_that_is_no_emergency_is_refused(self):
        case = case_create(actor=self.call_taker, channel="hotline", summary="ขอข้อมูล", province_code=BANGKOK)
        with self.assertRaises(ValueError):
            dispatch_request(case=case)

    def test_a_unit_with_no_contacts_escalates_at_once(self):
        Contact.objects.filter(unit=self.bkk_rapid).delete()
        dispatch = dispatch_request(case=self.emergency())
        dispatch.refresh_from_db()
        self.assertEqual(dispatch.state, S.ESCALATED)
        self.assertTrue(dispatch.alert_failed)
        higher = Dispatch.objects.get(escalated_from=dispatch)
        self.assertEqual((higher.unit, higher.state, higher.level), (self.bkk_office, S.ALERTED, 1))
        self.assertEqual(self.sent(higher)[0].to, OFFICE_GROUP)

    def test_a_case_with_no_province_goes_to_the_centre(self):
        dispatch = dispatch_request(case=self.emergency(province_code=""))
        self.assertEqual(dispatch.unit, self.centre)
        self.assertEqual(self.sent(dispatch)[0].to, CENTRE_GROUP)


class TimerTests(DispatchTestCase):
    def test_nobody_acknowledging_climbs_the_chain_to_the_centre_and_keeps_alerting_it(self):
        first = dispatch_request(case=self.emergency())
        now = timezone.now()
        self.assertEqual(dispatch_timer_sweep(now=now), 0)  # not yet

        later = now + dt.timedelta(minutes=5, seconds=1)
        self.assertEqual(dispatch_timer_sweep(now=later), 1)
        first.refresh_from_db()
        self.assertEqual((first.state, first.ack_due_at), (S.ESCALATED, None))
        office = Dispatch.objects.get(escalated_from=first)
        self.assertEqual(office.unit, self.bkk_office)

        later += dt.timedelta(minutes=5, seconds=1)
        self.assertEqual(dispatch_timer_sweep(now=later), 1)
        centre = Dispatch.objects.get(escalated_from=office)
        self.assertEqual((centre.unit, centre.level), (self.centre, 2))

        later += dt.timedelta(minutes=5, seconds=1)
        self.assertEqual(dispatch_timer_sweep(now=later), 1)
        centre.refresh_from_db()
        self.assertEqual(centre.state, S.ALERTED)  # nowhere higher: alerted again
        self.assertEqual(len(self.sent(centre)), 2)
        self.assertGreater(centre.ack_due_at, later)

    def test_the_areas_supervisor_is_told_each_time_it_goes_up_and_once_at_the_top(self):
        first = dispatch_request(case=self.emergency())
        self.assertFalse(Notice.objects.exists())  # alerted, not yet late: nobody else bothered
        later = timezone.now()
        for _ in range(4):  # office, centre, then the centre alerted again twice
            later += dt.timedelta(minutes=5, seconds=1)
            dispatch_timer_sweep(now=later)
        notices = list(Notice.objects.filter(kind="dispatch_escalated").order_by("id"))
        self.assertEqual([n.recipient for n in notices], [self.supervisor] * 3)
        self.assertIn(first.case.number, notices[0].message_th)
        self.assertIn(self.bkk_office.name_th, notices[0].message_th)
        self.assertIn("ถูกข่มขู่", notices[0].message_th)
        self.assertIn("(threatened)", notices[0].message_en.lower())
        self.assertNotIn("มีด", notices[0].message_th)  # the summary stays in the case, not in the notice
        self.assertEqual(notices[0].url, f"/dispatch/{first.pk}/")
        self.assertNotIn(self.other_supervisor, {n.recipient for n in Notice.objects.all()})

    def test_with_no_supervisor_in_the_area_the_centres_are_told(self):
        centre_supervisor = make_user("supervisor_1300", Role.SUPERVISOR, self.centre)
        self.supervisor.delete()
        dispatch_request(case=self.emergency())
        dispatch_timer_sweep(now=timezone.now() + dt.timedelta(minutes=6))
        self.assertEqual(
            [n.recipient for n in Notice.objects.filter(kind="dispatch_escalated")], [centre_supervisor]
        )

    def test_a_second_pass_over_the_same_timer_does_nothing(self):
        dispatch_request(case=self.emergency())
        later = timezone.now() + dt.timedelta(minutes=6)
        self.assertEqual(dispatch_timer_sweep(now=later), 1)
        self.assertEqual(dispatch_timer_sweep(now=later), 0)
        self.assertEqual(Dispatch.objects.count(), 2)

    def test_acknowledging_stops_the_climb_and_starts_the_on_scene_clock(self):
        first = dispatch_request(case=self.emergency())
        dispatch_timer_sweep(now=timezone.now() + dt.timedelta(minutes=6))
        office = Dispatch.objects.get(escalated_from=first)
        # The first team answers late: it still may, and the office's alert stops.
        first = dispatch_acknowledge(dispatch=first, actor=self.responder)
        office.refresh_from_db()
        self.assertEqual(office.state, S.CANCELLED)
        self.assertIsNone(office.ack_due_at)
        self.assertAlmostEqual((first.on_scene_due_at - timezone.now()).total_seconds(), 30 * 60, delta=30)
        self.assertEqual(dispatch_timer_sweep(now=timezone.now() + dt.timedelta(minutes=20)), 0)

    def test_a_team_late_on_scene_alerts_the_next_level_and_keeps_its_dispatch(self):
        first = dispatch_acknowledge(dispatch=dispatch_request(case=self.emergency()), actor=self.responder)
        self.assertEqual(dispatch_timer_sweep(now=timezone.now() + dt.timedelta(minutes=31)), 1)
        first.refresh_from_db()
        self.assertEqual(first.state, S.ACKNOWLEDGED)
        self.assertTrue(first.case.events.filter(kind="dispatch_overdue").exists())
        self.assertEqual(Dispatch.objects.get(escalated_from=first).unit, self.bkk_office)

    def test_timers_are_set_per_emergency_type_and_province(self):
        case = self.emergency(emergency_type="frenzy")
        self.assertEqual(timer_minutes(case), (5, 30))
        DispatchTimer.objects.create(
            emergency_type="", province_code=BANGKOK, ack_minutes=3, on_scene_minutes=20
        )
        self.assertEqual(timer_minutes(case), (3, 20))
        DispatchTimer.objects.create(
            emergency_type="frenzy", province_code=BANGKOK, ack_minutes=2, on_scene_minutes=15
        )
        self.assertEqual(timer_minutes(case), (2, 15))
        self.assertEqual(timer_minutes(self.emergency(emergency_type="threat")), (3, 20))


class MoveTests(DispatchTestCase):
    def test_a_team_goes_from_acknowledged_to_resolved_and_the_public_stage_follows(self):
        dispatch = dispatch_request(case=self.emergency())
        dispatch = dispatch_acknowledge(dispatch=dispatch, actor=self.responder)
        self.assertEqual(dispatch.acknowledged_by, self.responder)
        dispatch = dispatch_en_route(dispatch=dispatch, actor=self.responder)
        dispatch = dispatch_on_scene(dispatch=dispatch, actor=self.responder)
        case = Case.objects.get(pk=dispatch.case_id)
        self.assertEqual(case.public_stage, PublicStage.ON_SCENE)
        dispatch = dispatch_resolve(dispatch=dispatch, actor=self.responder, outcome="ผู้ก่อเหตุถูกควบคุมตัว")
        self.assertEqual((dispatch.state, dispatch.outcome), (S.RESOLVED, "ผู้ก่อเหตุถูกควบคุมตัว"))
        kinds = list(case.events.order_by("id").values_list("kind", flat=True))
        self.assertEqual(
            [k for k in kinds if k.startswith("dispatch_")],
            [
                "dispatch_alerted",
                "dispatch_acknowledged",
                "dispatch_en_route",
                "dispatch_on_scene",
                "dispatch_resolved",
            ],
        )

    def test_illegal_moves_are_refused_and_change_nothing(self):
        dispatch = dispatch_request(case=self.emergency())
        with self.assertRaises(Conflict) as caught:
            dispatch_on_scene(dispatch=dispatch, actor=self.responder)  # not acknowledged yet
        self.assertEqual(caught.exception.code, "illegal_transition")
        dispatch = dispatch_resolve(
            dispatch=dispatch_acknowledge(dispatch=dispatch, actor=self.responder),
            actor=self.responder,
            outcome="เรียบร้อย",
        )
        for move in (dispatch_acknowledge, dispatch_en_route, dispatch_on_scene):
            with self.assertRaises(Conflict):
                move(dispatch=dispatch, actor=self.responder)
        dispatch.refresh_from_db()
        self.assertEqual(dispatch.state, S.RESOLVED)

    def test_resolving_needs_an_outcome_and_declining_a_reason(self):
        dispatch = dispatch_acknowledge(
            dispatch=dispatch_request(case=self.emergency()), actor=self.responder
        )
        with self.assertRaises(InvalidInput) as caught:
            dispatch_resolve(dispatch=dispatch, actor=self.responder, outcome="  ")
        self.assertEqual(caught.exception.field, "outcome")
        with self.assertRaises(InvalidInput):
            dispatch_decline(dispatch=dispatch, actor=self.responder, reason="")
        dispatch.refresh_from_db()
        self.assertEqual(dispatch.state, S.ACKNOWLEDGED)

    def test_a_decline_sends_the_case_up_at_once(self):
        dispatch = dispatch_request(case=self.emergency())
        dispatch_decline(dispatch=dispatch, actor=self.responder, reason="ทีมติดภารกิจอื่น")
        higher = Dispatch.objects.get(escalated_from=dispatch)
        self.assertEqual((higher.unit, higher.state), (self.bkk_office, S.ALERTED))
        self.assertIn("ทีมติดภารกิจอื่น", higher.reason)

    def test_someone_else_s_team_cannot_see_the_dispatch(self):
        dispatch = dispatch_request(case=self.emergency())
        for outsider in (self.other_province_worker, self.outsider, self.other_supervisor):
            with self.assertRaises(NotFound):
                dispatch_acknowledge(dispatch=dispatch, actor=outsider)
        dispatch.refresh_from_db()
        self.assertEqual(dispatch.state, S.ALERTED)

    def test_the_centre_and_the_area_supervisor_may_cancel(self):
        dispatch = dispatch_request(case=self.emergency())
        dispatch_cancel(dispatch=dispatch, actor=self.supervisor, reason="แจ้งเหตุซ้ำ")
        dispatch.refresh_from_db()
        self.assertEqual((dispatch.state, dispatch.ack_due_at), (S.CANCELLED, None))
        self.assertEqual(dispatch_timer_sweep(now=timezone.now() + dt.timedelta(hours=1)), 0)


class FailedAlertTests(DispatchTestCase):
    def fail(self, message: Message) -> None:
        Message.objects.filter(pk=message.pk).update(state="failed", last_error="400 invalid group")
        message.refresh_from_db()
        dispatch_alert_outcome(message, "failed")

    def test_a_send_that_fails_for_good_moves_on_to_the_next_contact_then_up(self):
        dispatch = dispatch_request(case=self.emergency())
        self.fail(self.sent(dispatch)[0])
        dispatch.refresh_from_db()
        self.assertTrue(dispatch.alert_failed)
        self.assertEqual([m.to for m in self.sent(dispatch)], [RAPID_GROUP, "0613001000"])
        self.assertEqual(self.sent(dispatch)[1].transport, "sms")
        self.fail(self.sent(dispatch)[1])
        dispatch.refresh_from_db()
        self.assertEqual(dispatch.state, S.ESCALATED)
        self.assertEqual(Dispatch.objects.get(escalated_from=dispatch).unit, self.bkk_office)

    def test_an_old_contact_failing_late_changes_nothing(self):
        dispatch = dispatch_request(case=self.emergency())
        first = self.sent(dispatch)[0]
        self.fail(first)
        dispatch_alert_outcome(first, "failed")  # told twice
        self.assertEqual(len(self.sent(dispatch)), 2)

    def test_an_inactive_unit_is_skipped_on_the_way_up(self):
        Unit.objects.filter(pk=self.bkk_office.pk).update(is_active=False)
        make_unit("rru-10b", self.centre_agency, Unit.Kind.RAPID_RESPONSE, BANGKOK, (BANGKOK,))
        dispatch = dispatch_request(case=self.emergency())
        dispatch_timer_sweep(now=timezone.now() + dt.timedelta(minutes=6))
        self.assertEqual(Dispatch.objects.get(escalated_from=dispatch).unit.code, "rru-10b")


class LateLocationTests(DispatchTestCase):
    """An emergency alerted without a place (the reporter's pin never came in time) whose place is learnt later."""

    def located(self, case: Case) -> Case:
        case.latitude, case.longitude, case.location_text = 13.7465, 100.5347, "ถนนพระรามที่ 1 ปทุมวัน"
        case.save(update_fields=["latitude", "longitude", "location_text"])
        return case

    def told(self, dispatch: Dispatch) -> list[Message]:
        return list(Message.objects.filter(purpose="dispatch_location", ref=str(dispatch.pk)))

    def test_the_alerted_team_is_told_the_place_once_through_the_contact_its_alert_went_to(self):
        case = self.emergency()
        dispatch = dispatch_request(case=case)
        self.assertNotIn("แผนที่", self.sent(dispatch)[0].payload["text"])  # alerted with no place
        self.assertEqual(dispatch_location_known(case=self.located(case)), 1)
        self.assertEqual(dispatch_location_known(case=case), 1)  # asked again: the same message
        [message] = self.told(dispatch)
        self.assertEqual((message.transport, message.to), ("line", RAPID_GROUP))
        self.assertIn(case.number, message.payload["text"])
        self.assertIn("ปทุมวัน", message.payload["text"])
        self.assertIn("13.7465", message.payload["map"])
        self.assertIn(message.payload["map"], message.payload["text"])
        self.assertIn("/dispatch/", message.payload["link"])

    def test_a_team_that_took_it_is_told_and_one_on_the_scene_is_not(self):
        case = self.emergency()
        taken = dispatch_acknowledge(dispatch=dispatch_request(case=case), actor=self.responder)
        self.assertEqual(dispatch_location_known(case=self.located(case)), 1)
        self.assertEqual(len(self.told(taken)), 1)
        other = self.emergency()
        done = dispatch_on_scene(
            dispatch=dispatch_acknowledge(dispatch=dispatch_request(case=other), actor=self.responder),
            actor=self.responder,
        )
        self.assertEqual(dispatch_location_known(case=self.located(other)), 0)
        self.assertEqual(self.told(done), [])

    def test_a_case_still_without_a_point_tells_nobody(self):
        case = self.emergency()
        dispatch_request(case=case)
        self.assertEqual(dispatch_location_known(case=case), 0)


class MoveHandlerTests(DispatchTestCase):
    def test_a_handler_hears_each_move_and_one_that_fails_does_not_undo_it(self):
        heard: list[tuple[int, str]] = []

        def listen(dispatch: Dispatch, state: str) -> None:
            heard.append((dispatch.pk, state))

        def broken(dispatch: Dispatch, state: str) -> None:
            Message.objects.create(key="half-done", transport="line", to=RAPID_GROUP, payload={"text": "x"})
            raise RuntimeError("the handler's own trouble")

        for fn in (broken, listen):
            dispatch_move_register(fn)
            self.addCleanup(dispatch_move_unregister, fn)
        dispatch_move_register(listen)  # twice: heard once
        dispatch = dispatch_request(case=self.emergency())
        with self.assertLogs("raksa.dispatch.services", level="ERROR"):
            dispatch = dispatch_acknowledge(dispatch=dispatch, actor=self.responder)
        self.assertEqual(dispatch.state, S.ACKNOWLEDGED)
        self.assertEqual(heard, [(dispatch.pk, S.ACKNOWLEDGED)])
        self.assertFalse(Message.objects.filter(key="half-done").exists())  # its savepoint rolled back
