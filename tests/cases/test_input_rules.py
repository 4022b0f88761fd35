"""What the case services refuse or clean in a text, for every channel alike."""

from __future__ import annotations

from raksa.cases.models import Case, Note
from raksa.cases.services import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    STATUS_REASON_MAX,
    case_change_status,
    case_close,
    case_create,
    case_reopen,
    note_add,
    referral_create,
)
from raksa.core.errors import InvalidInput
from tests.base import RaksaTestCase
from tests.cases.helpers import kinds, open_case


class CaseTextTests(RaksaTestCase):
    def create(self, **fields) -> Case:
        fields.setdefault("summary", "เด็กถูกทิ้งไว้คนเดียว")
        return case_create(actor=self.call_taker, channel="hotline", owning_unit=self.bkk_office, **fields)

    def refused(self, **fields) -> InvalidInput:
        with self.assertRaises(InvalidInput) as caught:
            self.create(**fields)
        self.assertFalse(Case.objects.exists())
        return caught.exception

    def test_it_refuses_nul_in_a_summary_and_a_description(self) -> None:
        error = self.refused(summary="ขอความช่วยเหลือ\x00")
        self.assertEqual((error.field, error.code), ("summary", "control_character"))
        error = self.refused(description="รายละเอียด\x00")
        self.assertEqual((error.field, error.code), ("description", "control_character"))

    def test_it_refuses_a_description_longer_than_its_limit_without_quoting_it(self) -> None:
        error = self.refused(description="x" * (DESCRIPTION_MAX + 1))
        self.assertEqual((error.field, error.code), ("description", "too_long"))
        self.assertLess(len(str(error.as_dict())), 1000)
        self.assertEqual(len(self.create(description="ก" * DESCRIPTION_MAX).description), DESCRIPTION_MAX)

    def test_it_keeps_the_lines_of_a_description_and_drops_invisible_characters(self) -> None:
        case = self.create(summary="\u202eสรุป\u200b", description="บรรทัดหนึ่ง\r\n\tบรรทัดสอง\u2066")
        self.assertEqual((case.summary, case.description), ("สรุป", "บรรทัดหนึ่ง\n\tบรรทัดสอง"))

    def test_it_refuses_a_summary_of_invisible_characters_as_missing(self) -> None:
        error = self.refused(summary="\u200b\u200c\u200d\u2060\ufeff")
        self.assertEqual((error.field, error.code), ("summary", "required"))

    def test_it_refuses_a_note_of_zero_width_characters_and_one_over_the_limit(self) -> None:
        case = open_case(self.call_taker, self.bkk_office)
        for body, code in (
            ("\u200b\u200b\u200b", "required"),
            ("ก" * (NOTE_MAX + 1), "too_long"),
            ("a\x00", "control_character"),
        ):
            with self.subTest(code=code), self.assertRaises(InvalidInput) as caught:
                note_add(actor=self.case_worker, case=case, body=body)
            self.assertEqual((caught.exception.field, caught.exception.code), ("body", code))
        self.assertFalse(Note.objects.exists())
        self.assertEqual(kinds(case), ["created"])

    def test_it_limits_a_status_reason_and_a_reopen_reason_alike(self) -> None:
        case = open_case(self.call_taker, self.bkk_office)
        with self.assertRaises(InvalidInput) as caught:
            case_change_status(
                actor=self.case_worker, case=case, status="screening", reason="ก" * (STATUS_REASON_MAX + 1)
            )
        self.assertEqual((caught.exception.field, caught.exception.code), ("reason", "too_long"))
        case_change_status(actor=self.case_worker, case=case, status="screening", reason="\u200eโทรยืนยันแล้ว")
        self.assertEqual(case.events.last().data["reason"], "โทรยืนยันแล้ว")
        case_close(actor=self.case_worker, case=case, outcome="ส่งเข้าบ้านพักแล้ว")
        with self.assertRaises(InvalidInput) as caught:
            case_reopen(actor=self.case_worker, case=case, reason="ก" * (STATUS_REASON_MAX + 1))
        self.assertEqual(caught.exception.code, "too_long")

    def test_it_refuses_a_referral_reason_of_control_characters(self) -> None:
        case = open_case(self.call_taker, self.bkk_office)
        with self.assertRaises(InvalidInput) as caught:
            referral_create(actor=self.case_worker, case=case, to_unit=self.dcy_hq, reason="\x07\x07")
        self.assertEqual((caught.exception.field, caught.exception.code), ("reason", "control_character"))
        self.assertFalse(case.referrals.exists())
