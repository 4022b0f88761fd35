"""A first free text that triage reads as an emergency: stored at once, then one tap confirms it (help sent), or
says it is not one (a normal case); with no answer in the minute help is sent anyway when triage is sure, else
the case waits for a person."""

from __future__ import annotations

import datetime as dt

from raksa.cases.models import Case, Urgency
from raksa.dispatch.models import Dispatch
from raksa.intake.line.models import LineChat
from raksa.intake.line.services import CONFIRM_CONFIDENT, PURPOSE, line_pending_sweep
from raksa.intake.models import Report
from raksa.intake.services import report_sweep
from raksa.notify.models import Message
from raksa.triage import triage
from tests.intake.line.support import location_message, postback, text_message
from tests.intake.line.test_conversation import DAY, NEED, SECOND, ConversationTestCase

# Triage reads the first as a threat with a confidence near 1, the second as an emergency under 0.6 (its type is
# the model's, read in the tests that need it).
SURE = "ช่วยด้วย มีคนถือมีดขู่จะฆ่าฉัน อยู่หน้าบ้าน"
UNSURE = "กลัวมาก เขาอยู่ข้างนอก"
SURE_EN = "Help, my husband is threatening me with a knife"


class ConfirmTestCase(ConversationTestCase):
    def sweep_pending(self) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            return line_pending_sweep()

    def asked(self, text: str = SURE) -> Report:
        self.says(text_message(text))
        return Report.objects.get()


class ConfirmTests(ConfirmTestCase):
    def test_the_texts_read_as_triage_reads_them(self):
        sure, unsure = triage(SURE), triage(UNSURE)
        self.assertEqual(sure.emergency_type, "threat")
        self.assertGreaterEqual(sure.confidence, CONFIRM_CONFIDENT)
        self.assertIsNotNone(unsure.emergency_type)
        self.assertLess(unsure.confidence, CONFIRM_CONFIDENT)
        self.assertIsNone(triage(NEED).emergency_type)

    def test_an_emergency_read_in_a_first_text_is_stored_then_asked_about(self):
        report = self.asked()
        self.assertEqual(
            (report.state, report.case), (Report.State.RECEIVED, None)
        )  # kept, not yet processed
        self.assertEqual(report.text, SURE)
        self.assertFalse(Dispatch.objects.exists())
        question = self.last_answer()
        self.assertIn("ถูกข่มขู่", question["text"])
        self.assertIn("ภายใน 1 นาทีอยู่ดี", question["text"])  # she is told what happens without an answer
        actions = self.quick_replies(question)
        self.assertEqual(
            [(a["type"], a["data"]) for a in actions],
            [("postback", "confirm=yes"), ("postback", "confirm=no")],
        )
        self.assertTrue(all(len(a["label"]) <= 20 for a in actions))
        chat = LineChat.objects.get()
        self.assertEqual((chat.pending_question, chat.pending_emergency), ("confirm", "threat"))
        # The worker's safety net for reports leaves it while she is asked.
        self.at(DAY + 61 * SECOND)
        self.assertEqual(report_sweep(), 0)

    def test_yes_sends_help_at_once_and_answers_with_the_code_and_the_pin(self):
        report = self.asked()
        self.at(DAY + 5 * SECOND)
        self.says(postback("confirm=yes"))
        report.refresh_from_db()
        case = report.case
        assert case is not None
        self.assertEqual((case.emergency_type, report.payload["emergency_type"]), ("threat", "threat"))
        self.assertEqual(Dispatch.objects.filter(case=case).count(), 1)
        self.send_out()
        [sent] = [m for i in self.line.received() for m in i["messages"] if case.tracking_code in m["text"]]
        self.assertIn(f"รหัสติดตามเรื่อง: {case.tracking_code}", sent["text"])
        self.assertRegex(sent["text"], r"รหัส PIN สำหรับดูรายละเอียดในหน้าติดตามเรื่อง: \d{6}")
        self.assertIn("เจ้าหน้าที่จะติดต่อกลับหรือไปหาคุณ", sent["text"])  # what happens next
        self.assertEqual(self.quick_replies(sent)[0]["type"], "location")  # where is she?
        self.assertEqual(LineChat.objects.get().case, case)
        # Settled once: the minute running out does nothing more.
        self.at(DAY + 2 * 60 * SECOND)
        self.assertEqual(self.sweep_pending(), 0)
        self.assertEqual(Dispatch.objects.count(), 1)

    def test_a_redelivered_yes_sends_one_team_and_answers_once(self):
        self.asked()
        yes = postback("confirm=yes")
        self.says(yes)
        self.says(dict(yes, deliveryContext={"isRedelivery": True}))
        self.assertEqual(Dispatch.objects.filter(level=0).count(), 1)
        self.assertEqual(Message.objects.filter(purpose=PURPOSE, key__endswith=":sent").count(), 1)
        self.assertEqual(Message.objects.filter(purpose=PURPOSE, key__endswith=":late").count(), 0)

    def test_her_location_then_joins_the_case_and_gives_it_its_place(self):
        self.asked()
        self.says(postback("confirm=yes"))
        self.says(location_message())
        case = Case.objects.get()
        self.assertIsNotNone(case.latitude)
        self.assertEqual(case.reports.count(), 2)

    def test_no_keeps_it_a_normal_case_with_her_word_on_the_report(self):
        report = self.asked()
        self.says(postback("confirm=no"))
        report.refresh_from_db()
        case = report.case
        assert case is not None
        self.assertEqual((case.emergency_type, report.payload["emergency_type"]), ("", ""))
        self.assertNotEqual(case.urgency, Urgency.EMERGENCY)
        self.assertEqual(report.triage["emergency_type"], "threat")  # what triage read stays for staff to see
        self.assertFalse(Dispatch.objects.exists())
        text = self.last_answer()["text"]
        self.assertTrue(text.startswith("รับเรื่องแล้ว\n"), text)
        self.assertIn(case.tracking_code, text)
        self.assertIn("PIN", text)
        self.at(DAY + 2 * 60 * SECOND)
        self.assertEqual(self.sweep_pending(), 0)
        self.assertFalse(Dispatch.objects.exists())

    def test_no_answer_from_a_sure_reading_sends_help_after_the_minute(self):
        report = self.asked()
        self.at(DAY + 59 * SECOND)
        self.assertEqual(self.sweep_pending(), 0)
        self.assertIsNone(Report.objects.get().case)
        self.at(DAY + 61 * SECOND)
        self.assertEqual(self.sweep_pending(), 1)
        self.assertEqual(self.sweep_pending(), 0)  # once
        report.refresh_from_db()
        case = report.case
        assert case is not None
        self.assertEqual(case.emergency_type, "threat")
        self.assertIsNone(report.payload["emergency_type"])  # triage decided: she said nothing
        self.assertEqual(Dispatch.objects.filter(case=case).count(), 1)
        self.send_out()
        [pushed] = [i for i in self.line.received() if case.tracking_code in i["messages"][0]["text"]]
        self.assertEqual(pushed["via"], "push")  # nothing to reply to
        # Her tap after that is late: the buttons again, and no second team.
        self.says(postback("confirm=yes"))
        self.assertEqual(self.quick_replies(self.last_answer())[0]["data"], "emergency=threat")
        self.assertEqual(Dispatch.objects.count(), 1)

    def test_no_answer_from_an_unsure_reading_leaves_an_urgent_case_for_a_person(self):
        report = self.asked(UNSURE)
        self.assertIn("เจ้าหน้าที่จะอ่านและพิจารณา", self.last_answer()["text"])
        self.at(DAY + 61 * SECOND)
        self.assertEqual(self.sweep_pending(), 1)
        report.refresh_from_db()
        case = report.case
        assert case is not None
        self.assertEqual((case.emergency_type, case.urgency), ("", Urgency.URGENT))
        self.assertFalse(Dispatch.objects.exists())
        event = case.events.get(kind="emergency_unconfirmed")
        self.assertEqual(event.data["emergency_type"], triage(UNSURE).emergency_type)
        self.assertLess(event.data["confidence"], CONFIRM_CONFIDENT)
        told = self.last_answer()
        self.assertIn(case.tracking_code, told["text"])
        self.assertEqual(self.quick_replies(told)[0]["data"], "emergency=threat")  # help is one tap away

    def test_yes_to_an_unsure_reading_sends_help(self):
        self.asked(UNSURE)
        self.says(postback("confirm=yes"))
        case = Case.objects.get()
        self.assertEqual(case.emergency_type, triage(UNSURE).emergency_type)
        self.assertEqual(Dispatch.objects.filter(case=case).count(), 1)

    def test_an_emergency_tapped_instead_is_her_yes_with_that_type(self):
        self.asked()
        self.says(postback("emergency=detention"))
        case = Case.objects.get()
        self.assertEqual(case.emergency_type, "detention")
        self.assertEqual(Dispatch.objects.count(), 1)
        self.assertFalse(LineChat.objects.get().pending_emergency)  # not asked for a place a second time

    def test_a_text_instead_of_a_tap_settles_it_as_unanswered_and_joins_the_case(self):
        self.asked()
        self.says(text_message("เขาอยู่หน้าประตูห้อง"))
        case = Case.objects.get()
        self.assertEqual(case.emergency_type, "threat")  # sure enough: sent
        self.assertEqual(case.reports.count(), 2)
        self.assertEqual(Dispatch.objects.count(), 1)

    def test_a_place_instead_of_a_tap_joins_the_case_it_made(self):
        self.asked(UNSURE)
        self.says(location_message())
        case = Case.objects.get()
        self.assertEqual(case.urgency, Urgency.URGENT)
        self.assertIsNotNone(case.latitude)

    def test_a_text_triage_does_not_read_as_an_emergency_is_not_asked_about(self):
        self.says(text_message(NEED))
        self.assertIsNotNone(Report.objects.get().case)
        self.assertEqual(LineChat.objects.get().pending_question, "")

    def test_in_english(self):
        self.says(text_message(SURE_EN))
        question = self.last_answer()
        self.assertTrue(question["text"].startswith("Your message reads like an emergency (Threatened)."))
        self.assertEqual(
            [a["label"] for a in self.quick_replies(question)], ["Yes, send help now", "No, not an emergency"]
        )
        self.says(postback("confirm=yes"))
        text = self.last_answer()["text"]
        self.assertTrue(text.startswith("Your emergency (Threatened) has been sent to a help team."), text)
        self.assertIn("Your PIN, to see the details on the tracking page: ", text)

    def test_if_the_worker_never_comes_back_the_report_is_processed_by_intakes_safety_net(self):
        report = self.asked()
        LineChat.objects.update(pending_until=None)  # the LINE side lost it
        self.at(DAY + dt.timedelta(seconds=181))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(report_sweep(), 1)
        report.refresh_from_db()
        self.assertEqual(report.case.emergency_type if report.case else None, "threat")  # as triage reads it


class PinAtRestTests(ConfirmTestCase):
    def test_the_pin_leaves_the_stored_answer_once_delivered(self):
        self.asked()
        self.says(postback("confirm=yes"))
        self.send_out()
        # The answer with the PIN; a stage notice queued in the same second may be delivered before or after it.
        texts = [m["messages"][0].get("text", "") for m in self.line.received()]
        delivered = next(text for text in texts if "หน้าติดตามเรื่อง: " in text)
        pin = delivered.split("หน้าติดตามเรื่อง: ")[1][:6]
        self.assertTrue(pin.isdigit())
        stored = Message.objects.get(purpose=PURPOSE, key__endswith=":sent")
        self.assertEqual(stored.state, Message.State.SENT)
        self.assertNotIn(pin, stored.payload["text"])
        self.assertIn("หน้าติดตามเรื่อง: ••••••", stored.payload["text"])
        self.assertNotIn(pin, Case.objects.get().tracking_pin)  # only its hash is kept

    def test_a_pin_waiting_for_line_stays_until_it_is_delivered(self):
        self.asked()
        self.line.fail_next(10, status=500)
        self.says(postback("confirm=yes"))
        self.send_out()
        stored = Message.objects.get(purpose=PURPOSE, key__endswith=":sent")
        self.assertEqual(stored.state, Message.State.PENDING)
        self.assertRegex(stored.payload["text"], r"หน้าติดตามเรื่อง: \d{6}")

    def test_the_pin_is_given_once_per_case(self):
        self.says(postback("emergency=threat"), postback("action=send_now"))
        self.assertIn("PIN", self.last_answer()["text"])
        self.at(DAY + dt.timedelta(minutes=2))
        self.says(postback("emergency=threat"), postback("action=send_now"))  # joins: no second PIN
        self.assertNotIn("PIN", self.last_answer()["text"])
