"""Telling the reporter: a consenting reporter gets one short SMS or LINE push at each new public stage of her case,
sent by the outbox's real sweep to the local stand-ins; never at night unless it is an emergency, never the first
stage, never twice for one stage, and never anything about the person or the case."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.utils import timezone

from raksa.cases import services as case_services
from raksa.cases.events import event_record
from raksa.cases.models import Case, PublicStage
from raksa.cases.services import case_change_status, case_close, case_reopen
from raksa.directory.models import Contact
from raksa.dispatch.models import Dispatch
from raksa.dispatch.services import dispatch_acknowledge, dispatch_on_scene
from raksa.intake.services import report_submit
from raksa.notify.models import Message
from raksa.notify.services import outbox_sweep
from raksa.people.models import Identifier
from raksa.tracking.models import Subscription
from raksa.tracking.services import (
    PURPOSE,
    line_user_subscribe,
    quiet_until,
    stage_notify,
    subscription_create,
    subscriptions_stop,
)
from tests.base import BANGKOK, RaksaTestCase
from tests.notify.support import GROUP, StandInsMixin, line_id

BKK = ZoneInfo("Asia/Bangkok")
DAY = dt.datetime(2026, 3, 10, 10, 0, tzinfo=BKK)
NIGHT = dt.datetime(2026, 3, 10, 23, 0, tzinfo=BKK)
MORNING = dt.datetime(2026, 3, 11, 7, 0, tzinfo=BKK)
SECOND = dt.timedelta(seconds=1)

NAME = "สมศรี ใจดี"
PHONE = "0812345678"
LINE_USER = line_id("U", 0x5E6F)
STORY = "สามีถือมีดขู่จะทำร้ายที่บ้าน ซอยลาดพร้าว 101"
NEED = "ยายอยู่คนเดียว ไม่มีรายได้ ต้องการเบี้ยยังชีพ ซอยลาดพร้าว 101"
PLACE = "ซอยลาดพร้าว 101"
CHILD_NAME = "เด็กชายภูมิ ใจดี"
CHILD_ID = "1101700203450"  # a valid check digit


class NoticeTestCase(StandInsMixin, RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Contact.objects.create(unit=cls.bkk_rapid, kind=Contact.Kind.LINE_GROUP, value=GROUP, on_call=True)

    def setUp(self) -> None:
        super().setUp()
        self.clock = time_machine.travel(DAY)
        self.clock.start()
        self.addCleanup(self.clock.stop)
        # Commit callbacks run here inside the test's transaction, which is then rolled back, and with it a year's
        # case-number sequence made in it (PostgreSQL): the process must not remember having seen that sequence.
        self.addCleanup(case_services._SEQUENCES_SEEN.clear)

    def at(self, when: dt.datetime) -> None:
        self.clock.stop()
        self.clock = time_machine.travel(when)
        self.clock.start()

    def report(self, **fields: Any) -> Case:
        """A report through the one pipeline, committed (its stage change told, as after a real commit)."""
        fields.setdefault("channel", "web")
        fields.setdefault("source", "web")
        fields.setdefault("idempotency_key", f"key-{Case.objects.count() + 1}")
        fields.setdefault("text", STORY)
        fields.setdefault("location", {"text": PLACE, "province_code": BANGKOK})
        with self.captureOnCommitCallbacks(execute=True):
            submitted = report_submit(**fields)
        case = submitted.report.case
        self.assertIsNotNone(case, submitted.report.last_error)
        return case

    def consenting_emergency(self, **fields: Any) -> Case:
        fields.setdefault("reporter", {"name": NAME, "phone": PHONE})
        return self.report(emergency_type="threat", updates_by_sms=True, **fields)

    def consenting_problem(self, **fields: Any) -> Case:
        """No emergency: the person said so (emergency_type ""), whatever triage would read in the text."""
        fields.setdefault("reporter", {"name": NAME, "phone": PHONE})
        fields.setdefault("text", NEED)
        fields.setdefault("category", "elderly_care")
        return self.report(emergency_type="", updates_by_sms=True, **fields)

    def committed(self, change: Any, *args: Any, **kwargs: Any) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return change(*args, **kwargs)

    def sweep(self, now: dt.datetime | None = None) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            return outbox_sweep(now=now)

    def texts(self, to: str = PHONE) -> list[str]:
        return [item["text"] for item in self.sms.received(to)]

    def pushes(self, to: str = LINE_USER) -> list[str]:
        return [m["text"] for item in self.line.received(to) for m in item["messages"] if m["type"] == "text"]

    def notices(self, case: Case) -> list[Message]:
        return list(Message.objects.filter(purpose=PURPOSE, ref=str(case.pk)).order_by("id"))

    def assert_tells_nothing_personal(self, text: str, case: Case, *also: str) -> None:
        self.assertIn(case.tracking_code, text)
        self.assertIn(f"{settings.RAKSA_PUBLIC_URL}/track/?code={case.tracking_code}", text)
        self.assertIn("1300", text)
        for secret in (*NAME.split(), PHONE, LINE_USER, case.number, case.summary, STORY, NEED, PLACE, *also):
            self.assertNotIn(secret, text)


class SmsNoticeTests(NoticeTestCase):
    def test_a_consenting_reporters_emergency_forwarded_sends_her_one_sms_with_the_code_and_nothing_else(
        self,
    ):
        case = self.consenting_emergency()
        self.assertEqual(case.public_stage, PublicStage.FORWARDED)  # dispatch alerted the team at once
        subscription = Subscription.objects.get(case=case)
        self.assertEqual(
            (subscription.transport, subscription.address, subscription.method, subscription.report_ref),
            ("sms", PHONE, "web_form", case.reports.get().public_id),
        )
        self.assertEqual(self.sweep(), 2)  # the team's alert and her text
        [text] = self.texts()
        self.assertTrue(text.startswith(f"รักษา: เรื่อง {case.tracking_code} ส่งต่อทีมช่วยเหลือแล้ว"), text)
        self.assertIn("passed to a help team", text)
        self.assert_tells_nothing_personal(text, case)
        self.assertEqual(len(self.line.received(GROUP)), 1)  # the team's own alert went as before

    def test_the_team_on_scene_is_the_next_text(self):
        case = self.consenting_emergency()
        self.sweep()
        dispatch = Dispatch.objects.get(case=case)
        dispatch = self.committed(dispatch_acknowledge, dispatch=dispatch, actor=self.responder)
        self.committed(dispatch_on_scene, dispatch=dispatch, actor=self.responder)
        self.sweep()
        self.assertEqual(len(self.texts()), 2)
        self.assertIn("เจ้าหน้าที่ลงพื้นที่แล้ว", self.texts()[1])
        self.assert_tells_nothing_personal(self.texts()[1], case)

    def test_without_consent_nothing_is_sent(self):
        case = self.report(emergency_type="threat", reporter={"name": NAME, "phone": PHONE})
        self.assertEqual(case.public_stage, PublicStage.FORWARDED)
        self.assertFalse(Subscription.objects.exists())
        self.sweep()
        self.assertEqual(self.sms.received(), [])
        self.assertEqual(self.notices(case), [])

    def test_the_first_stage_is_not_sent(self):
        case = self.consenting_problem()
        self.assertEqual(case.public_stage, PublicStage.RECEIVED)
        self.assertTrue(Subscription.objects.filter(case=case).exists())
        self.assertEqual(self.sweep(), 0)
        self.assertEqual(self.notices(case), [])

    def test_two_events_to_the_same_stage_send_one_text(self):
        case = self.consenting_emergency()
        # A second alert (an escalation, the next contact) moves nothing: the case is already "forwarded".
        self.committed(event_record, case=case, kind="dispatch_alerted", data={"unit": "rru-10"})
        self.sweep()
        self.assertEqual(len(self.texts()), 1)
        # Told again by hand (a handler run twice), the key keeps it to one message.
        self.assertEqual(stage_notify(case, PublicStage.FORWARDED), 1)
        self.sweep()
        self.assertEqual(len(self.notices(case)), 1)
        self.assertEqual(len(self.texts()), 1)

    def test_a_stage_reached_again_after_a_reopen_is_not_told_again(self):
        case = self.consenting_problem()
        case = self.committed(case_change_status, actor=self.admin_user, case=case, status="active")
        case = self.committed(case_close, actor=self.admin_user, case=case, outcome="ช่วยเหลือแล้ว")
        self.committed(case_reopen, actor=self.admin_user, case=case, reason="ติดตามต่อ")
        case.refresh_from_db()
        self.assertEqual(case.public_stage, PublicStage.IN_PROGRESS)
        self.sweep()
        # Sent side by side by the sweep's pool: in either order.
        stages = sorted(text.splitlines()[0].rsplit(" ", 1)[-1] for text in self.texts())
        self.assertEqual(stages, ["ดำเนินการเสร็จสิ้น", "อยู่ระหว่างให้ความช่วยเหลือ"])

    def test_a_stopped_subscription_is_told_nothing_more(self):
        case = self.consenting_problem()
        self.assertEqual(subscriptions_stop(transport="sms", address=PHONE), 1)
        self.committed(case_change_status, actor=self.admin_user, case=case, status="screening")
        self.sweep()
        self.assertEqual(self.texts(), [])


class NightTests(NoticeTestCase):
    def test_a_stage_change_at_night_that_is_no_emergency_waits_for_seven_in_the_morning(self):
        case = self.consenting_problem()
        self.at(NIGHT)
        self.committed(case_change_status, actor=self.admin_user, case=case, status="screening")
        [notice] = self.notices(case)
        self.assertEqual(notice.next_attempt_at, MORNING)
        self.assertEqual(self.sweep(NIGHT + SECOND), 0)
        self.assertEqual(self.sweep(MORNING - SECOND), 0)
        self.assertEqual(self.texts(), [])
        self.assertEqual(self.sweep(MORNING), 1)
        [text] = self.texts()
        self.assertIn("กำลังตรวจสอบข้อมูล", text)

    def test_an_emergency_at_night_is_told_at_once(self):
        self.at(NIGHT)
        case = self.consenting_emergency()
        [notice] = self.notices(case)
        self.assertIsNone(notice.next_attempt_at)
        self.sweep(NIGHT + SECOND)
        self.assertEqual(len(self.texts()), 1)

    def test_the_quiet_hours_are_bangkoks_from_ten_at_night_to_seven(self):
        self.assertIsNone(quiet_until(dt.datetime(2026, 3, 10, 21, 59, 59, tzinfo=BKK)))
        self.assertEqual(quiet_until(dt.datetime(2026, 3, 10, 22, 0, tzinfo=BKK)), MORNING)
        self.assertEqual(quiet_until(dt.datetime(2026, 3, 11, 6, 59, tzinfo=BKK)), MORNING)
        self.assertIsNone(quiet_until(MORNING))
        # 23:30 in Bangkok is 16:30 UTC: the hours are Bangkok's, whatever the server's zone.
        self.assertEqual(quiet_until(dt.datetime(2026, 3, 10, 16, 30, tzinfo=dt.UTC)), MORNING)


class LineNoticeTests(NoticeTestCase):
    def test_a_reporter_who_came_through_line_gets_a_push(self):
        case = self.report(
            channel="line", source="line", emergency_type="threat", reporter={"line_user_id": LINE_USER}
        )
        self.assertEqual(Subscription.objects.get(case=case).method, "line_chat")
        self.sweep()
        [push] = self.pushes()
        self.assertIn("ส่งต่อทีมช่วยเหลือแล้ว", push)
        self.assert_tells_nothing_personal(push, case)
        [item] = self.line.received(LINE_USER)
        self.assertEqual([m["type"] for m in item["messages"]], ["text"])

    def test_a_partners_reporter_line_id_subscribes_her(self):
        case = self.report(
            channel="api",
            source="api:oscc",
            emergency_type="threat",
            reporter={"name": NAME, "line_user_id": LINE_USER},
        )
        self.assertEqual(Subscription.objects.get(case=case).method, "partner")
        self.sweep()
        self.assertEqual(len(self.pushes()), 1)

    def test_an_anonymous_report_is_told_only_in_its_own_line_chat(self):
        through_line = self.report(
            channel="line", source="line", anonymous=True, reporter={"line_user_id": LINE_USER}
        )
        self.assertTrue(Subscription.objects.filter(case=through_line).exists())
        from_partner = self.report(
            channel="api", source="api:oscc", anonymous=True, reporter={"line_user_id": line_id("U", 7)}
        )
        self.assertFalse(Subscription.objects.filter(case=from_partner).exists())

    def test_a_line_id_that_cannot_be_pushed_to_is_left_alone(self):
        case = self.report(channel="api", source="api:oscc", reporter={"line_user_id": "somsri-line"})
        self.assertFalse(Subscription.objects.filter(case=case).exists())

    def test_the_line_webhook_subscribes_a_user_to_a_case(self):
        case = self.report(emergency_type="", text=NEED)
        subscription = line_user_subscribe(case=case, line_user_id=LINE_USER)
        self.assertEqual((subscription.transport, subscription.method), ("line", "line_request"))
        self.assertEqual(line_user_subscribe(case=case, line_user_id=LINE_USER).pk, subscription.pk)
        self.committed(case_change_status, actor=self.admin_user, case=case, status="screening")
        self.sweep()
        [push] = self.pushes()
        self.assertIn("กำลังตรวจสอบข้อมูล", push)
        with self.assertRaises(ValueError):  # a notice goes to one person, never a group
            line_user_subscribe(case=case, line_user_id=GROUP)

    def test_sms_and_line_of_one_reporter_each_get_one(self):
        case = self.consenting_emergency(
            channel="api",
            source="api:oscc",
            reporter={"name": NAME, "phone": PHONE, "line_user_id": LINE_USER},
        )
        self.assertEqual(Subscription.objects.filter(case=case).count(), 2)
        self.sweep()
        self.assertEqual((len(self.texts()), len(self.pushes())), (1, 1))


class ChildCaseTests(NoticeTestCase):
    def test_a_case_about_a_child_says_nothing_that_identifies_anyone(self):
        case = self.report(
            emergency_type="",
            category="child_protection",
            text=f"{CHILD_NAME} อายุ 9 ขวบ ถูกทิ้งไว้ที่บ้านคนเดียว {PLACE}",
            reporter={"name": NAME, "phone": PHONE},
            subject={"name": CHILD_NAME, "national_id": CHILD_ID},
            updates_by_sms=True,
        )
        self.assertTrue(Identifier.objects.filter(value=CHILD_ID).exists())
        self.committed(case_change_status, actor=self.admin_user, case=case, status="screening")
        self.sweep()
        [text] = self.texts()
        self.assert_tells_nothing_personal(text, case, *CHILD_NAME.split(), CHILD_ID, "9 ขวบ", "เด็ก")


class SubscriptionTests(NoticeTestCase):
    def test_an_sms_goes_only_to_a_mobile(self):
        case = self.report(emergency_type="", text=NEED)
        with self.assertRaises(ValueError):
            subscription_create(case=case, transport="sms", address="021234567", method="told_staff")
        with self.assertRaises(ValueError):
            subscription_create(case=case, transport="email", address="a@example.org", method="told_staff")

    def test_a_new_subscription_is_one_statement_and_a_repeat_keeps_the_first(self):
        case = self.report(emergency_type="", text=NEED)
        with self.assertNumQueries(1):
            first = subscription_create(case=case, transport="sms", address="0812223333", method="told_staff")
        again = subscription_create(case=case, transport="sms", address="0812223333", method="web_form")
        self.assertEqual((again.pk, again.method), (first.pk, "told_staff"))
        Subscription.objects.filter(pk=first.pk).update(stopped_at=timezone.now())
        restarted = subscription_create(case=case, transport="sms", address="0812223333", method="web_form")
        self.assertEqual(restarted.pk, first.pk)
        self.assertIsNone(restarted.stopped_at)
