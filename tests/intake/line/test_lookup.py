"""A tracking code typed in the chat follows the tracking page's rules for a code alone: her own LINE cases'
stage, the page's link for any other code (known or not, the same answer), and the page's limit per requester,
her LINE user id standing for the page's address. Stage names in her language."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings

from raksa.cases.models import PublicStage
from raksa.cases.stages import words
from raksa.core.ids import new_tracking_code
from raksa.core.models import RateCount
from raksa.core.ratelimit import rate_key
from raksa.intake.models import Report
from tests.intake.line.support import OTHER_USER, USER, follow, postback, text_message, user_source
from tests.intake.line.test_conversation import DAY, NEED, ConversationTestCase


@override_settings(RAKSA_TRACK_FAILURES=3, RAKSA_TRACK_FAILURE_MINUTES=10)
class LookupTests(ConversationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.says(text_message(NEED, source=user_source(OTHER_USER)))
        self.others = Report.objects.get().case
        self.says(text_message(NEED))
        self.mine = Report.objects.get(payload__reporter__line_user_id=USER).case

    def test_her_own_code_answers_its_stage_and_counts_nothing(self):
        assert self.mine is not None
        for _ in range(5):
            self.says(text_message(self.mine.tracking_code))
        text = self.last_answer()["text"]
        self.assertEqual(
            text.splitlines()[0], f"เรื่อง {self.mine.tracking_code}: {PublicStage.RECEIVED.label}"
        )
        self.assertFalse(RateCount.objects.exists())

    def test_another_persons_code_and_an_unknown_code_get_the_same_answer_and_count_the_same(self):
        assert self.others is not None
        self.says(text_message(self.others.tracking_code))
        known = self.last_answer()["text"]
        nobodys = new_tracking_code()
        self.says(text_message(nobodys))
        unknown = self.last_answer()["text"]
        self.assertEqual(known.replace(self.others.tracking_code, "CODE"), unknown.replace(nobodys, "CODE"))
        self.assertNotIn(str(PublicStage(self.others.public_stage).label), known)
        counted = RateCount.objects.filter(key=rate_key(f"line:{USER}"), seconds=600).get()
        self.assertEqual(counted.count, 2)

    def test_over_the_limit_she_is_told_to_wait_even_for_her_own_code(self):
        assert self.mine is not None
        for _ in range(3):
            self.says(text_message(new_tracking_code()))
        self.says(text_message(new_tracking_code()))
        refused = self.last_answer()["text"]
        self.assertIn("ขอดูสถานะหลายครั้งเกินไป", refused)
        self.assertNotIn("/track/?code=", refused)
        self.says(text_message(self.mine.tracking_code))
        self.assertIn("ขอดูสถานะหลายครั้งเกินไป", self.last_answer()["text"])
        # The limit is hers: someone else in the same moment is answered.
        self.says(text_message(self.mine.tracking_code, source=user_source(OTHER_USER)))
        self.assertIn("/track/?code=", self.last_answer(OTHER_USER)["text"])
        # ...and it is the page's window: after it, she is answered again.
        self.at(DAY + dt.timedelta(minutes=11))
        self.says(text_message(self.mine.tracking_code))
        self.assertTrue(self.last_answer()["text"].startswith(f"เรื่อง {self.mine.tracking_code}: "))

    def test_in_english_the_stage_has_its_english_name(self):
        assert self.mine is not None
        self.line.profile_set(USER, language="en")
        self.says(follow())
        self.says(text_message(self.mine.tracking_code))
        text = self.last_answer()["text"]
        self.assertEqual(
            text.splitlines()[0], f"Case {self.mine.tracking_code}: {words(PublicStage.RECEIVED).name_en}"
        )
        self.assertNotRegex(text, r"[\u0e00-\u0e7f]")
        self.says(postback("action=track"))
        self.assertNotRegex(self.last_answer()["text"], r"[\u0e00-\u0e7f]")
        self.says(text_message(new_tracking_code()))
        self.assertTrue(self.last_answer()["text"].startswith("See the status of this case at "))
