from __future__ import annotations

import datetime as dt
from unittest import mock

from raksa.cases.models import CaseSequence
from raksa.cases.services import case_number_next
from raksa.core.ids import normalize_tracking_code
from tests.base import RaksaTestCase
from tests.cases.helpers import open_case


class CaseNumberTests(RaksaTestCase):
    def test_it_numbers_cases_per_buddhist_year_in_sequence(self):
        first = open_case(self.call_taker, self.bkk_office)
        second = open_case(self.call_taker, self.bkk_office)
        year, seq = first.number.split("-")
        self.assertEqual(len(seq), 6)
        self.assertEqual(second.number, f"{year}-{int(seq) + 1:06d}")

    # Years far from today: on PostgreSQL a year's number sequence made by a test that commits outlives it.
    def test_it_starts_each_year_at_one(self):
        self.assertEqual(case_number_next(today=dt.date(2090, 12, 31)), "2633-000001")
        self.assertEqual(case_number_next(today=dt.date(2090, 12, 31)), "2633-000002")
        self.assertEqual(case_number_next(today=dt.date(2091, 1, 1)), "2634-000001")

    def test_it_continues_after_the_highest_number_already_used(self):
        CaseSequence.objects.create(year=2636, last=41)
        self.assertEqual(case_number_next(today=dt.date(2093, 6, 1)), "2636-000042")
        self.assertEqual(case_number_next(today=dt.date(2093, 6, 1)), "2636-000043")

    def test_it_uses_the_bangkok_date(self):
        # 18:30 UTC on 31 December is already 1 January in Bangkok.
        moment = dt.datetime(2091, 12, 31, 18, 30, tzinfo=dt.UTC)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            self.assertEqual(case_number_next(), "2635-000001")

    def test_it_gives_each_case_a_valid_unique_tracking_code(self):
        codes = {open_case(self.call_taker, self.bkk_office).tracking_code for _ in range(5)}
        self.assertEqual(len(codes), 5)
        for code in codes:
            self.assertEqual(normalize_tracking_code(code), code)

    def test_it_draws_again_when_a_tracking_code_is_taken(self):
        taken = open_case(self.call_taker, self.bkk_office).tracking_code
        fresh = "ABCD-EFGH-" + "0"
        with mock.patch("raksa.cases.services.new_tracking_code", side_effect=[taken, fresh]):
            case = open_case(self.call_taker, self.bkk_office)
        self.assertEqual(case.tracking_code, fresh)
