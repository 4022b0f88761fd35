"""The conversation on LINE, for someone who may not be able to talk: one tap and a location pin make a case that
is dispatched at once, even when the pin never comes; a typed message is triaged; later messages join the same
case; and every answer goes through the outbox to the LINE stand-in, once."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from raksa.cases import services as case_services
from raksa.cases.models import Case, PublicStage
from raksa.cases.services import case_close
from raksa.core.ids import new_tracking_code
from raksa.directory.models import Contact
from raksa.dispatch.models import Dispatch
from raksa.dispatch.services import dispatch_acknowledge, dispatch_on_scene
from raksa.intake.line.models import LineChat, LineEvent
from raksa.intake.line.services import PURPOSE, line_event_sweep, line_pending_sweep, pin_masked
from raksa.intake.models import Report
from raksa.notify.models import Message
from raksa.notify.services import outbox_sweep
from raksa.notify.transports import line_loading_reset
from raksa.tracking.models import Subscription
from tests.base import RaksaTestCase
from tests.intake.line.support import (
    LATITUDE,
    LONGITUDE,
    OTHER_USER,
    USER,
    WebhookMixin,
    follow,
    image_message,
    location_message,
    postback,
    sticker_message,
    text_message,
    unfollow,
    user_source,
)
from tests.notify.support import GROUP, StandInsMixin

BKK = ZoneInfo("Asia/Bangkok")
DAY = dt.datetime(2026, 3, 10, 10, 0, tzinfo=BKK)
SECOND = dt.timedelta(seconds=1)
NEED = "ยายอยู่คนเดียว ไม่มีรายได้ ต้องการเบี้ยยังชีพ ซอยลาดพร้าว 101 กรุงเทพ"


class ConversationTestCase(WebhookMixin, StandInsMixin, RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Contact.objects.create(unit=cls.bkk_rapid, kind=Contact.Kind.LINE_GROUP, value=GROUP, on_call=True)

    def setUp(self) -> None:
        super().setUp()
        self.clock = time_machine.travel(DAY)
        self.clock.start()
        self.addCleanup(self.clock.stop)
        self.addCleanup(case_services._SEQUENCES_SEEN.clear)
        line_loading_reset()
        self.addCleanup(line_loading_reset)

    def at(self, when: dt.datetime) -> None:
        self.clock.stop()
        self.clock = time_machine.travel(when)
        self.clock.start()

    def says(self, *events: dict[str, Any]) -> None:
        """The user does something: LINE delivers it, and the worker processes it."""
        self.assertEqual(self.deliver(*events).status_code, 200)
        with self.captureOnCommitCallbacks(execute=True):
            line_event_sweep()

    def send_out(self) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            return outbox_sweep()

    def answers(self, user: str = USER) -> list[dict[str, Any]]:
        """What the account said to the user, through the outbox and the stand-in, in the order it was queued
        (the outbox sends side by side; the stage notices tracking sends to the same chat are left out). A stored
        answer keeps no PIN once delivered, so the two are matched with the PIN masked."""
        self.send_out()
        arrived: dict[str, list[dict[str, Any]]] = {}
        for item in self.line.received(user):
            for message in item["messages"]:
                arrived.setdefault(pin_masked(message["text"]), []).append(message)
        ours = Message.objects.filter(purpose=PURPOSE, to=user, state=Message.State.SENT).order_by("id")
        texts = [pin_masked(m.payload["text"]) for m in ours]
        return [arrived[text].pop(0) for text in texts if arrived.get(text)]

    def last_answer(self, user: str = USER) -> dict[str, Any]:
        return self.answers(user)[-1]

    def quick_replies(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        return [item["action"] for item in message["quickReply"]["items"]]


class WelcomeTests(ConversationTestCase):
    def test_a_follow_is_welcomed_with_the_five_emergencies_and_the_other_choices(self):
        self.says(follow())
        [welcome] = self.answers()
        self.assertIn("1300", welcome["text"])
        actions = self.quick_replies(welcome)
        self.assertEqual(
            [(a["type"], a["label"], a.get("data")) for a in actions[:5]],
            [
                ("postback", "ถูกข่มขู่", "emergency=threat"),
                ("postback", "ถูกกักขัง", "emergency=detention"),
                ("postback", "เสี่ยงถูกล่วงละเมิด", "emergency=abuse_risk"),
                ("postback", "ผู้คลุ้มคลั่ง", "emergency=frenzy"),
                ("postback", "มั่วสุม", "emergency=gathering"),
            ],
        )
        self.assertEqual(
            [(a["type"], a["label"]) for a in actions[5:]],
            [("postback", "ปัญหาอื่น"), ("postback", "ติดตามเรื่อง"), ("uri", "โทร 1300")],
        )
        self.assertEqual(actions[7]["uri"], "tel:1300")

    def test_the_loading_animation_shows_while_the_answer_is_made(self):
        self.says(follow(), unfollow())
        self.assertEqual(self.line.loading, [{"chatId": USER, "loadingSeconds": 10}])  # not for the unfollow

    def test_line_not_answering_the_loading_call_does_not_stop_the_answer(self):
        self.line.fail_next(1, status=500)  # the loading call
        self.says(follow(), text_message(NEED))
        self.assertEqual(self.line.loading, [])  # quiet for a minute after the failure
        self.assertEqual(len(self.answers()), 2)

    def test_her_line_apps_language_chooses_the_welcomes(self):
        self.line.profile_set(USER, language="en")
        self.line.profile_set(OTHER_USER, language="th")
        self.says(follow(), follow(source=user_source(OTHER_USER)))
        english = self.last_answer()
        self.assertTrue(english["text"].startswith("Raksa, the 1300 social help centre."), english["text"])
        self.assertEqual(self.quick_replies(english)[0]["label"], "Threatened")
        self.assertTrue(self.last_answer(OTHER_USER)["text"].startswith("รักษา"))

    def test_without_a_profile_she_is_welcomed_in_thai(self):
        self.says(follow())  # the stand-in has no profile for her: LINE's 404
        self.assertTrue(self.last_answer()["text"].startswith("รักษา"))

    def test_a_follow_without_its_optional_detail_is_welcomed_too(self):
        self.says(follow(full=False))
        self.assertEqual(len(self.answers()), 1)

    def test_a_redelivered_follow_is_welcomed_once(self):
        first = follow()
        self.says(first)
        self.says(dict(first, deliveryContext={"isRedelivery": True}))
        self.assertEqual(len(self.answers()), 1)
        self.assertEqual(LineEvent.objects.count(), 1)

    def test_a_sticker_or_a_picture_alone_is_answered_with_the_buttons(self):
        self.says(sticker_message(), image_message(full=False))
        answers = self.answers()
        self.assertEqual(len(answers), 2)
        self.assertEqual(self.quick_replies(answers[0])[0]["data"], "emergency=threat")

    def test_a_sticker_in_an_open_case_is_kept_and_not_answered(self):
        self.says(text_message(NEED))
        self.says(sticker_message())
        self.assertEqual(len(self.answers()), 1)
        self.assertEqual(LineEvent.objects.filter(state="ignored").count(), 1)

    def test_control_characters_in_a_text_do_not_lose_the_report(self):
        self.says(text_message("ช่วยด้วย\x07 ยายอยู่คนเดียว\x00 ไม่มีรายได้"))
        report = Report.objects.get()
        self.assertEqual(report.text, "ช่วยด้วย ยายอยู่คนเดียว ไม่มีรายได้")

    def test_another_problem_asks_what_it_is_about(self):
        self.says(postback("action=other"))
        answer = self.last_answer()
        self.assertIn("เรื่องที่ต้องการแจ้งเกี่ยวกับอะไร", answer["text"])
        self.assertEqual(self.quick_replies(answer)[0]["data"], "category=family_violence")


class EmergencyTests(ConversationTestCase):
    def emergency_tapped(self, kind: str = "threat") -> str:
        tap = postback(f"emergency={kind}")
        self.says(tap)
        return tap["webhookEventId"]

    def test_a_tap_and_a_location_make_a_case_dispatched_at_once_and_answer_with_its_code(self):
        tapped = self.emergency_tapped()
        asked = self.last_answer()
        self.assertIn("ถูกข่มขู่", asked["text"])
        self.assertEqual(self.quick_replies(asked)[0]["type"], "location")
        self.assertFalse(Report.objects.exists())  # waiting for the place, for at most a minute

        self.at(DAY + 20 * SECOND)
        self.says(location_message())
        report = Report.objects.get()
        self.assertEqual((report.channel, report.source, report.idempotency_key), ("line", "line", tapped))
        case = report.case
        assert case is not None
        self.assertEqual(case.emergency_type, "threat")
        self.assertEqual((float(case.latitude or 0), float(case.longitude or 0)), (LATITUDE, LONGITUDE))
        self.assertIn("ปทุมวัน", case.location_text)
        self.assertEqual(case.province_code, "10")
        self.assertEqual(case.public_stage, PublicStage.FORWARDED)
        self.assertEqual(Dispatch.objects.get(case=case).unit, self.bkk_rapid)
        self.assertTrue(case.parties.filter(person__identifiers__value=USER).exists())

        sent = self.last_answer()
        self.assertIn(case.tracking_code, sent["text"])
        self.assertIn("ส่งเรื่องเหตุฉุกเฉิน (ถูกข่มขู่) ให้ทีมช่วยเหลือแล้ว", sent["text"])
        self.assertNotIn("quickReply", sent)  # the place is known: nothing more to ask
        self.assertEqual(len(self.line.received(GROUP)), 1)  # the team's alert went out
        self.assertEqual(LineChat.objects.get(user_id=USER).case, case)

    def test_without_a_location_the_emergency_goes_after_sixty_seconds_anyway(self):
        self.emergency_tapped("detention")
        self.at(DAY + 59 * SECOND)
        self.assertEqual(line_pending_sweep(), 0)
        self.assertFalse(Report.objects.exists())
        self.at(DAY + 61 * SECOND)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(line_pending_sweep(), 1)
            self.assertEqual(line_pending_sweep(), 0)  # once
        case = Report.objects.get().case
        assert case is not None
        self.assertEqual((case.emergency_type, case.latitude), ("detention", None))
        self.assertEqual(Dispatch.objects.filter(case=case).count(), 1)
        sent = self.last_answer()
        self.assertIn(case.tracking_code, sent["text"])
        self.assertIn("ยังไม่ทราบตำแหน่ง", sent["text"])
        self.assertEqual(self.quick_replies(sent)[0]["type"], "location")

        # The place, when it comes, joins the same case.
        self.at(DAY + 90 * SECOND)
        self.says(location_message())
        self.assertEqual(Case.objects.count(), 1)
        self.assertEqual(case.reports.count(), 2)
        self.assertIn(f"เพิ่มข้อมูลในเรื่อง {case.tracking_code}", self.last_answer()["text"])
        # ...and gives the case the point it lacked, on its timeline, so the team sees where to go.
        case.refresh_from_db()
        self.assertEqual((float(case.latitude or 0), float(case.longitude or 0)), (LATITUDE, LONGITUDE))
        self.assertIn("ปทุมวัน", case.location_text)
        self.assertTrue(case.events.filter(kind="location_added").exists())
        # A later pin does not move it.
        self.says(location_message(13.80, 100.55))
        case.refresh_from_db()
        self.assertEqual(float(case.latitude or 0), LATITUDE)

    def test_send_now_sends_the_emergency_without_waiting(self):
        self.emergency_tapped("frenzy")
        self.says(postback("action=send_now"))
        case = Report.objects.get().case
        assert case is not None
        self.assertEqual(case.emergency_type, "frenzy")
        self.at(DAY + 2 * dt.timedelta(minutes=1))
        self.assertEqual(line_pending_sweep(), 0)
        self.assertEqual(Report.objects.count(), 1)

    def test_a_text_typed_while_the_location_is_awaited_goes_with_the_emergency(self):
        self.emergency_tapped("abuse_risk")
        self.says(text_message("อยู่ห้องน้ำชั้นสอง เขาอยู่หน้าประตู"))
        report = Report.objects.get()
        self.assertEqual(report.payload["emergency_type"], "abuse_risk")
        self.assertIn("ห้องน้ำชั้นสอง", report.text)
        self.assertIsNotNone(report.case)

    def test_a_location_outside_thailand_does_not_lose_the_emergency(self):
        self.emergency_tapped()
        self.says(location_message(35.6591, 139.7037))  # Tokyo: the pipeline refuses the point
        case = Report.objects.get().case
        assert case is not None
        self.assertEqual((case.emergency_type, case.latitude), ("threat", None))
        self.assertIn("ปทุมวัน", case.location_text)  # the place's name is kept

    def test_a_redelivered_location_reports_once_and_answers_once(self):
        self.emergency_tapped()
        pin = location_message()
        self.says(pin)
        self.says(dict(pin, deliveryContext={"isRedelivery": True}))
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(len([a for a in self.answers() if "รหัสติดตามเรื่อง" in a["text"]]), 1)

    def test_the_answer_waits_in_the_outbox_while_line_is_down_and_goes_once(self):
        self.emergency_tapped()
        self.send_out()
        self.line.fail_next(5, status=500)
        self.says(location_message())
        self.send_out()
        answer = Message.objects.filter(purpose=PURPOSE).order_by("-id").first()
        assert answer is not None
        self.assertEqual(answer.state, Message.State.PENDING)
        for minutes in (5, 10, 20):  # the outbox's backoff, past the five failures
            self.at(DAY + dt.timedelta(minutes=minutes))
            self.send_out()
        answer.refresh_from_db()
        self.assertEqual(answer.state, Message.State.SENT)
        self.assertEqual(len([a for a in self.answers() if "รหัสติดตามเรื่อง" in a["text"]]), 1)
        # By then the reply token was stale: it went as a push.
        [item] = [i for i in self.line.received(USER) if "รหัสติดตามเรื่อง" in i["messages"][0]["text"]]
        self.assertEqual(item["via"], "push")


class FreeTextTests(ConversationTestCase):
    def test_a_first_free_text_is_triaged_into_a_case_and_answered_with_its_code(self):
        said = text_message(NEED)
        self.says(said)
        report = Report.objects.get()
        self.assertEqual((report.idempotency_key, report.text), (said["webhookEventId"], NEED))
        case = report.case
        assert case is not None
        self.assertIsNotNone(report.triage)
        self.assertEqual(case.emergency_type, "")
        answer = self.last_answer()
        self.assertIn(f"รหัสติดตามเรื่อง: {case.tracking_code}", answer["text"])
        self.assertTrue(answer["text"].startswith("รับเรื่องแล้ว\n"))
        # She can be told of each new stage on LINE.
        self.assertTrue(Subscription.objects.filter(case=case, transport="line", address=USER).exists())

    def test_later_messages_join_her_open_case_and_a_closed_one_starts_a_new_case(self):
        self.says(text_message(NEED))
        case = Report.objects.get().case
        assert case is not None
        self.says(text_message("ตอนนี้ยายไม่สบายด้วย"))
        self.assertEqual(Case.objects.count(), 1)
        self.assertEqual(case.reports.count(), 2)
        self.assertIn(f"เพิ่มข้อมูลในเรื่อง {case.tracking_code}", self.last_answer()["text"])
        self.says(location_message())
        self.assertEqual(case.reports.count(), 3)

        with self.captureOnCommitCallbacks(execute=True):
            case_close(actor=self.admin_user, case=case, outcome="ช่วยเหลือแล้ว")
        self.says(text_message("มีเรื่องใหม่ ขอคำปรึกษาเรื่องหนี้นอกระบบ"))
        self.assertEqual(Case.objects.count(), 2)

    def test_english_is_answered_in_english(self):
        self.says(text_message("My grandmother lives alone with no income and needs help", full=False))
        answer = self.last_answer()
        self.assertTrue(answer["text"].startswith("We have received your report"), answer["text"])
        self.says(postback("action=track"))
        self.assertTrue(self.last_answer()["text"].startswith("Case "))

    def test_track_my_case_answers_with_the_stage_or_the_tracking_page(self):
        self.says(postback("action=track"))
        self.assertIn("/track/", self.last_answer()["text"])
        self.says(text_message(NEED))
        case = Report.objects.get().case
        assert case is not None
        self.says(postback("action=track"))
        text = self.last_answer()["text"]
        self.assertIn(case.tracking_code, text)
        self.assertIn(str(PublicStage(case.public_stage).label), text)

    def test_her_own_tracking_code_typed_answers_its_status(self):
        self.says(text_message(NEED))
        case = Report.objects.get().case
        assert case is not None
        typed = case.tracking_code.replace("-", " ").lower()  # as people type it
        self.says(text_message(typed))
        text = self.last_answer()["text"]
        self.assertTrue(text.startswith(f"เรื่อง {case.tracking_code}: "), text)
        self.assertEqual(Report.objects.count(), 1)  # a question, not a report

    def test_someone_elses_code_gets_only_the_tracking_pages_link(self):
        self.says(text_message(NEED, source=user_source(OTHER_USER)))
        case = Report.objects.get().case
        assert case is not None
        self.says(text_message(case.tracking_code))
        text = self.last_answer()["text"]
        self.assertIn(f"/track/?code={case.tracking_code}", text)
        self.assertNotIn(str(PublicStage(case.public_stage).label), text)
        # A code no case has is answered the same way: the chat is no oracle for codes.
        nobodys = new_tracking_code()
        self.says(text_message(nobodys))
        self.assertIn(f"/track/?code={nobodys}", self.last_answer()["text"])
        self.assertEqual(Report.objects.count(), 1)

    def test_two_users_are_two_conversations(self):
        self.says(text_message(NEED), text_message(NEED, source=user_source(OTHER_USER)))
        self.assertEqual(Case.objects.count(), 2)
        self.assertEqual(len(self.answers(OTHER_USER)), 1)

    def test_unfollowing_stops_her_stage_notices(self):
        self.says(text_message(NEED))
        self.says(unfollow())
        subscription = Subscription.objects.get(address=USER)
        self.assertIsNotNone(subscription.stopped_at)
        self.assertFalse(LineChat.objects.get(user_id=USER).following)
        self.assertEqual(len(self.answers()), 1)  # nothing said to someone who left


class ReplyOrPushTests(ConversationTestCase):
    def arrived(self) -> list[dict[str, Any]]:
        self.send_out()
        return self.line.received(USER)

    def test_an_answer_within_the_minute_is_a_reply_with_the_events_token(self):
        said = follow()
        self.says(said)
        [item] = self.arrived()
        self.assertEqual((item["via"], item["reply_token"]), ("reply", said["replyToken"]))
        message = Message.objects.get(purpose=PURPOSE)
        self.assertEqual(message.transport, "line_reply")
        self.assertTrue(message.provider_ref.startswith("reply:"))

    def test_a_stale_token_falls_back_to_a_push(self):
        self.says(follow())
        self.at(DAY + 55 * SECOND)  # the answer waited (the worker was busy, LINE was down)
        [item] = self.arrived()
        self.assertEqual((item["via"], item["to"]), ("push", USER))
        self.assertIn("quickReply", item["messages"][0])  # the same answer, buttons and all

    def test_a_token_line_refuses_falls_back_to_a_push_and_arrives_once(self):
        self.says(follow())
        self.line.reset()  # LINE no longer knows the token (used, or expired on its clock)
        [item] = self.arrived()
        self.assertEqual(item["via"], "push")
        self.assertTrue(item["retry_key"])
        self.send_out()
        self.assertEqual(len(self.line.received(USER)), 1)

    def test_the_answer_after_the_silent_minute_is_a_push(self):
        self.says(postback("emergency=gathering"))
        self.arrived()
        self.at(DAY + 61 * SECOND)
        with self.captureOnCommitCallbacks(execute=True):
            line_pending_sweep()
        sent = [i for i in self.arrived() if "รหัสติดตามเรื่อง" in i["messages"][0]["text"]]
        self.assertEqual([i["via"] for i in sent], ["push"])
        self.assertEqual(Message.objects.get(key__endswith=":sent").transport, "line")

    def test_a_redelivered_events_answer_is_pushed(self):
        self.says(follow(redelivery=True))  # its first delivery never reached us: its token is old
        [item] = self.arrived()
        self.assertEqual(item["via"], "push")


class EndToEndTests(ConversationTestCase):
    def test_a_tap_and_a_pin_reach_the_team_and_the_teams_progress_reaches_her(self):
        self.says(follow())
        self.says(postback("emergency=threat"))
        self.at(DAY + 10 * SECOND)
        self.says(location_message())
        case = Report.objects.get().case
        assert case is not None
        self.send_out()
        [alert] = self.line.received(GROUP)  # the Bangkok rapid unit's group
        self.assertIn("ถูกข่มขู่", json.dumps(alert["messages"], ensure_ascii=False))
        pushed = [m["text"] for i in self.line.received(USER) for m in i["messages"]]
        self.assertTrue(any(case.tracking_code in text and "ส่งเรื่องเหตุฉุกเฉิน" in text for text in pushed))

        dispatch = Dispatch.objects.get(case=case)
        with self.captureOnCommitCallbacks(execute=True):
            dispatch = dispatch_acknowledge(dispatch=dispatch, actor=self.responder)
        with self.captureOnCommitCallbacks(execute=True):
            dispatch_on_scene(dispatch=dispatch, actor=self.responder)
        self.send_out()
        # Sent side by side with the news that a team took it (test_end_to_end.py): in either order.
        pushed = [m["text"] for i in self.line.received(USER) for m in i["messages"]]
        self.assertTrue(any(case.tracking_code in t and "เจ้าหน้าที่ลงพื้นที่แล้ว" in t for t in pushed), pushed)


class RepeatTests(ConversationTestCase):
    def test_the_same_emergency_tapped_again_while_open_joins_her_case_and_sends_no_second_team(self):
        self.says(postback("emergency=threat"))
        self.says(postback("action=send_now"))
        case = Report.objects.get().case
        assert case is not None
        self.at(DAY + dt.timedelta(minutes=3))
        self.says(postback("emergency=threat"))
        self.says(location_message())
        self.assertEqual(Case.objects.count(), 1)
        self.assertEqual(case.reports.count(), 2)
        self.assertEqual(Dispatch.objects.filter(case=case).count(), 1)
        case.refresh_from_db()
        self.assertIsNotNone(case.latitude)  # the pin of the second tap gave the case its place
        text = self.last_answer()["text"]
        self.assertIn(f"รหัส {case.tracking_code} อยู่กับทีมช่วยเหลือแล้ว", text)

    def test_another_emergency_while_one_is_open_is_a_new_case(self):
        self.says(postback("emergency=threat"), postback("action=send_now"))
        self.says(postback("emergency=frenzy"), postback("action=send_now"))
        self.assertEqual(sorted(Case.objects.values_list("emergency_type", flat=True)), ["frenzy", "threat"])
        self.assertEqual(Dispatch.objects.count(), 2)
