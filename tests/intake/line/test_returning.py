"""Someone with an open case who starts again is asked whether it is the same matter (her text stored first);
"another problem" is a short guided intake: the kind of problem, what happened, then a case and its code."""

from __future__ import annotations

import datetime as dt

from raksa.cases.models import Case
from raksa.dispatch.models import Dispatch
from raksa.intake.line.models import LineChat
from raksa.intake.line.services import line_pending_sweep
from raksa.intake.models import Report
from raksa.people.models import Person
from tests.intake.line.support import OTHER_USER, USER, follow, postback, text_message, user_source
from tests.intake.line.test_confirm import SURE
from tests.intake.line.test_conversation import DAY, NEED, ConversationTestCase

LATER = DAY + dt.timedelta(hours=2)
AGAIN = "ขอสอบถามเรื่องเงินช่วยเหลืออีกครั้ง ยังไม่ได้รับเลย"
NEW = "มีเรื่องใหม่ ขอคำปรึกษาเรื่องหนี้นอกระบบ"


class ReturningTests(ConversationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.says(text_message(NEED))
        self.case = Case.objects.get()

    def sweep_pending(self) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            return line_pending_sweep()

    def test_a_text_soon_after_joins_her_case_without_a_question(self):
        self.at(DAY + dt.timedelta(minutes=10))
        self.says(text_message(AGAIN))
        self.assertEqual(self.case.reports.count(), 2)
        self.assertEqual(LineChat.objects.get().pending_question, "")

    def test_a_text_long_after_is_stored_and_she_is_asked_whether_it_is_the_same_matter(self):
        self.at(LATER)
        self.says(text_message(AGAIN))
        held = Report.objects.get(text=AGAIN)
        self.assertEqual((held.state, held.case), (Report.State.RECEIVED, None))
        question = self.last_answer()
        self.assertIn(f"คุณมีเรื่อง {self.case.tracking_code} ที่ยังดำเนินการอยู่", question["text"])
        self.assertEqual([a["data"] for a in self.quick_replies(question)], ["same=yes", "same=no"])
        self.assertTrue(all(len(a["label"]) <= 20 for a in self.quick_replies(question)))

    def test_the_same_matter_joins_her_case(self):
        self.at(LATER)
        self.says(text_message(AGAIN))
        self.says(postback("same=yes"))
        self.assertEqual(Case.objects.count(), 1)
        self.assertEqual(Report.objects.get(text=AGAIN).case, self.case)
        self.assertTrue(self.case.events.filter(kind="report_added").exists())
        self.assertIn(f"เพิ่มข้อมูลในเรื่อง {self.case.tracking_code}", self.last_answer()["text"])
        # ...and what she says next joins it too, without asking again.
        self.says(text_message("ตอนนี้ยายไม่สบายด้วย"))
        self.assertEqual(self.case.reports.count(), 3)

    def test_something_new_is_a_new_case_with_its_own_code_and_pin(self):
        self.at(LATER)
        self.says(text_message(NEW))
        self.says(postback("same=no"))
        self.assertEqual(Case.objects.count(), 2)
        new = Report.objects.get(text=NEW).case
        assert new is not None and new != self.case
        text = self.last_answer()["text"]
        self.assertIn(new.tracking_code, text)
        self.assertIn("PIN", text)
        self.assertEqual(LineChat.objects.get().case, new)

    def test_no_answer_joins_her_case_after_the_minute(self):
        self.at(LATER)
        self.says(text_message(AGAIN))
        self.at(LATER + dt.timedelta(seconds=61))
        self.assertEqual(self.sweep_pending(), 1)
        self.assertEqual(Report.objects.get(text=AGAIN).case, self.case)
        self.assertIn(self.case.tracking_code, self.last_answer()["text"])

    def test_an_emergency_read_in_a_returning_text_is_confirmed_first(self):
        self.at(LATER)
        self.says(text_message(SURE))
        self.assertIn("confirm=yes", [a["data"] for a in self.quick_replies(self.last_answer())])
        self.says(postback("confirm=yes"))
        emergency = Report.objects.get(text=SURE).case
        assert emergency is not None and emergency != self.case
        self.assertEqual(Dispatch.objects.filter(case=emergency).count(), 1)

    def test_not_an_emergency_then_asks_whether_it_is_the_same_matter(self):
        self.at(LATER)
        self.says(text_message(SURE))
        self.says(postback("confirm=no"))
        self.assertEqual(self.quick_replies(self.last_answer())[0]["data"], "same=yes")
        self.says(postback("same=yes"))
        report = Report.objects.get(text=SURE)
        self.assertEqual((report.case, report.payload["emergency_type"]), (self.case, ""))
        self.assertFalse(Dispatch.objects.exists())

    def test_another_problem_with_an_open_case_asks_first(self):
        self.says(postback("action=other"))
        self.assertEqual(self.quick_replies(self.last_answer())[0]["data"], "same=yes")
        self.says(postback("same=yes"))
        self.assertIn(f"เราจะเพิ่มในเรื่อง {self.case.tracking_code}", self.last_answer()["text"])
        self.at(LATER)  # long after her report, but she has just said: the same matter
        self.says(postback("action=other"), postback("same=yes"), text_message(AGAIN))
        self.assertEqual(Report.objects.get(text=AGAIN).case, self.case)

    def test_another_problem_unanswered_is_simply_dropped_after_the_minute(self):
        self.says(postback("action=other"))
        self.at(DAY + dt.timedelta(seconds=61))
        self.assertEqual(self.sweep_pending(), 1)
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(LineChat.objects.get().pending_question, "")
        self.says(text_message(AGAIN))  # soon after her report: it joins, as before
        self.assertEqual(self.case.reports.count(), 2)

    def test_another_problem_then_something_new_is_the_guided_intake(self):
        self.says(postback("action=other"), postback("same=no"))
        self.assertEqual(self.quick_replies(self.last_answer())[0]["data"], "category=family_violence")

    def test_the_same_emergency_tapped_again_joins_at_once_without_a_question(self):
        self.says(postback("emergency=threat"), postback("action=send_now"))
        emergency = Case.objects.get(emergency_type="threat")
        self.at(LATER)
        self.says(postback("emergency=threat"), postback("action=send_now"))
        self.assertEqual(emergency.reports.count(), 2)
        self.assertEqual(Dispatch.objects.count(), 1)
        self.assertIn("อยู่กับทีมช่วยเหลือแล้ว", self.last_answer()["text"])

    def test_a_closed_case_is_not_asked_about(self):
        from raksa.cases.services import case_close

        with self.captureOnCommitCallbacks(execute=True):
            case_close(actor=self.admin_user, case=self.case, outcome="ช่วยเหลือแล้ว")
        self.at(LATER)
        self.says(text_message(NEW))
        self.assertEqual(Case.objects.count(), 2)
        self.assertEqual(LineChat.objects.get().pending_question, "")

    def test_in_english(self):
        self.at(LATER)
        self.says(text_message("I want to ask about the allowance again, it has not come"))
        question = self.last_answer()
        self.assertTrue(question["text"].startswith(f"You have a case open, {self.case.tracking_code}."))
        self.assertEqual(
            [a["label"] for a in self.quick_replies(question)],
            ["Same matter", "Something new"],
        )


class ProfileNameTests(ConversationTestCase):
    def test_the_same_display_name_never_links_two_people(self):
        for user in (self.user_a, self.user_b):
            self.line.profile_set(user, display_name="สมศรี ใจดี")
        self.says(follow(source=user_source(self.user_a)), follow(source=user_source(self.user_b)))
        self.says(
            text_message(NEED, source=user_source(self.user_a)),
            text_message(NEED, source=user_source(self.user_b)),
        )
        first, second = (
            Report.objects.get(payload__reporter__line_user_id=u).case for u in (self.user_a, self.user_b)
        )
        assert first is not None and second is not None
        self.assertNotEqual(first, second)
        people = {p.person_id for case in (first, second) for p in case.parties.all()}
        self.assertEqual(len(people), 2)
        self.assertFalse(
            Person.objects.filter(first_name_th="สมศรี").exists()
        )  # the name was not taken as hers

    user_a, user_b = USER, OTHER_USER


class GuidedIntakeTests(ConversationTestCase):
    def test_another_problem_the_kind_then_what_happened_then_a_case_and_its_code(self):
        self.says(postback("action=other"))
        choice = self.last_answer()
        actions = self.quick_replies(choice)
        self.assertEqual(len(actions), 12)  # LINE allows 13 quick replies
        self.assertTrue(all(a["type"] == "postback" and len(a["label"]) <= 20 for a in actions))
        self.assertIn(("ผู้สูงอายุ", "category=elderly_care"), [(a["label"], a["data"]) for a in actions])
        self.says(postback("category=elderly_care"))
        self.assertIn("เรื่อง: ผู้สูงอายุ\nพิมพ์เล่าเรื่องที่เกิดขึ้น", self.last_answer()["text"])
        self.assertEqual(LineChat.objects.get().intake_category, "elderly_care")
        self.says(text_message("ยายอยู่คนเดียว ต้องการคนดูแล"))
        report = Report.objects.get()
        case = report.case
        assert case is not None
        self.assertEqual((report.payload["category"], case.category), ("elderly_care", "elderly_care"))
        text = self.last_answer()["text"]
        self.assertIn(f"รหัสติดตามเรื่อง: {case.tracking_code}", text)
        self.assertIn("PIN", text)
        self.assertEqual(LineChat.objects.get().intake_category, "")

    def test_an_emergency_in_the_story_is_still_confirmed_by_one_tap(self):
        self.says(postback("action=other"), postback("category=family_violence"), text_message(SURE))
        self.assertIn("confirm=yes", [a["data"] for a in self.quick_replies(self.last_answer())])
        self.says(postback("confirm=yes"))
        case = Case.objects.get()
        self.assertEqual((case.emergency_type, case.category), ("threat", "family_violence"))

    def test_an_emergency_tapped_instead_of_the_story_drops_the_choice(self):
        self.says(postback("action=other"), postback("category=drugs"), postback("emergency=frenzy"))
        self.assertEqual(LineChat.objects.get().intake_category, "")
        self.says(postback("action=send_now"))
        self.assertEqual(Case.objects.get().emergency_type, "frenzy")

    def test_in_english(self):
        self.line.profile_set(USER, language="en")
        self.says(follow())
        self.says(postback("action=other"))
        choice = self.last_answer()
        self.assertTrue(choice["text"].startswith("What is it about?"))
        self.assertEqual(self.quick_replies(choice)[2]["label"], "Older person")
