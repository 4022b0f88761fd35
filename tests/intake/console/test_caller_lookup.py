"""The caller look-up: exact phone match, bounded work however many people and cases exist."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from raksa.cases.services import case_create
from raksa.intake.console.selectors import HISTORY_LIMIT, caller_lookup
from raksa.people.services import person_create, person_merge
from tests.base import BANGKOK
from tests.intake.console.helpers import ConsoleTestCase


class CallerLookupTests(ConsoleTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.malee = person_create(actor=self.call_taker, first_name_th="มาลี", phones=["0812345678"])
        for n in range(3):
            case_create(
                actor=self.call_taker,
                channel="hotline",
                summary=f"เรื่องที่ {n}",
                category="elderly_care",
                subject=self.malee,
                province_code=BANGKOK,
            )

    def test_it_finds_the_person_by_any_form_of_the_number(self):
        for typed in ("0812345678", "+66 81 234 5678", "๐๘๑๒๓๔๕๖๗๘", "081-234-5678"):
            with self.subTest(typed=typed):
                lookup = caller_lookup(user=self.call_taker, phone=typed)
                self.assertEqual(lookup.phone, "0812345678")
                self.assertEqual([p.person for p in lookup.people], [self.malee])
                self.assertEqual(len(lookup.people[0].history), 3)
                self.assertEqual(len(lookup.open_cases), 3)

    def test_a_partial_or_other_number_finds_nobody(self):
        self.assertEqual(caller_lookup(user=self.call_taker, phone="081234567").people, [])
        self.assertEqual(caller_lookup(user=self.call_taker, phone="0812345679").people, [])
        self.assertEqual(caller_lookup(user=self.call_taker, phone="hello").phone, "")

    def test_a_merged_record_shows_as_its_survivor(self):
        survivor = person_create(actor=self.call_taker, first_name_th="มาลี", last_name_th="สุขใจ")
        person_merge(actor=self.admin_user, survivor=survivor, merged=self.malee, reason="คนเดียวกัน")
        lookup = caller_lookup(user=self.call_taker, phone="0812345678")
        self.assertEqual([p.person.pk for p in lookup.people], [survivor.pk])

    def test_its_queries_do_not_grow_with_the_cases(self):
        with CaptureQueriesContext(connection) as few:
            caller_lookup(user=self.call_taker, phone="0812345678")
        for n in range(HISTORY_LIMIT + 5):
            case_create(
                actor=self.call_taker,
                channel="hotline",
                summary=f"อีกเรื่อง {n}",
                category="other",
                subject=self.malee,
                province_code=BANGKOK,
            )
        with CaptureQueriesContext(connection) as many:
            lookup = caller_lookup(user=self.call_taker, phone="0812345678")
        self.assertEqual(len(many.captured_queries), len(few.captured_queries))
        self.assertLessEqual(len(many.captured_queries), 8)
        self.assertEqual(len(lookup.people[0].history), HISTORY_LIMIT)
