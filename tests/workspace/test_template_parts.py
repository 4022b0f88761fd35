"""The parts other screens include (the 1300 console, the dispatch board): each renders from its documented
context alone, without the page around it."""

from __future__ import annotations

from django.template.loader import render_to_string

from raksa.cases import services
from raksa.cases.selectors import case_history, case_parties
from raksa.people.services import person_create
from tests.base import BANGKOK, CHIANG_MAI, RaksaTestCase


class TemplatePartTests(RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = person_create(
            actor=cls.call_taker, first_name_th="บุญมี", last_name_th="รักดี", phones=["0898765432"]
        )
        cls.bkk_case = services.case_create(
            actor=cls.call_taker,
            channel="hotline",
            summary="ไม่มีรายได้ ค่าเช่าค้าง",
            category="financial_hardship",
            subject=cls.person,
            province_code=BANGKOK,
            owning_unit=cls.bkk_office,
        )
        cls.cm_case = services.case_create(
            actor=cls.call_taker,
            channel="hotline",
            summary="เร่ร่อนในเมือง",
            category="homelessness",
            emergency_type="threat",
            subject=cls.person,
            province_code=CHIANG_MAI,
            owning_unit=cls.cm_office,
        )

    def test_it_renders_a_person_card_with_identifiers_and_history(self) -> None:
        (party,) = case_parties(case=self.bkk_case)
        history = case_history(user=self.call_taker, person=party.person, limit=10)
        html = render_to_string(
            "workspace/_person_card.html",
            {"person": party.person, "role": "ผู้ประสบปัญหา", "history": history, "current_case": self.bkk_case},
        )
        self.assertIn("บุญมี รักดี", html)
        self.assertIn("ผู้ประสบปัญหา", html)
        self.assertIn("0898765432", html)
        self.assertIn(f"/cases/{self.cm_case.number}/", html)
        # The case on screen is named, not linked to itself.
        self.assertIn(f"<strong>{self.bkk_case.number}</strong>", html)
        self.assertNotIn(f"/cases/{self.bkk_case.number}/", html)

    def test_it_leaves_the_history_out_of_a_card_given_none(self) -> None:
        html = render_to_string("workspace/_person_card.html", {"person": self.person})
        self.assertIn("บุญมี รักดี", html)
        self.assertNotIn("เรื่องทั้งหมดของบุคคลนี้", html)

    def test_it_lists_a_history_with_summaries_and_says_when_there_is_none(self) -> None:
        history = case_history(user=self.case_worker, person=self.person, limit=10)
        html = render_to_string("workspace/_case_history.html", {"cases": history})
        self.assertIn(f"/cases/{self.bkk_case.number}/", html)
        self.assertIn("ไม่มีรายได้ ค่าเช่าค้าง", html)
        self.assertNotIn(self.cm_case.number, html)

        html = render_to_string("workspace/_case_history.html", {"cases": []})
        self.assertIn("ไม่มีเรื่องที่คุณมีสิทธิ์เห็น", html)
