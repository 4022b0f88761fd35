from __future__ import annotations

from raksa.cases.models import Referral
from raksa.cases.services import (
    case_change_status,
    case_close,
    referral_accept,
    referral_create,
    referral_decline,
)
from raksa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.base import RaksaTestCase
from tests.cases.helpers import kinds, open_case


class ReferralTests(RaksaTestCase):
    def setUp(self) -> None:
        self.case = open_case(self.call_taker, self.bkk_office)
        self.case = case_change_status(actor=self.case_worker, case=self.case, status="active")

    def refer(self, to_unit=None, actor=None, reason="เด็กต้องการที่พัก"):
        return referral_create(
            actor=actor or self.case_worker, case=self.case, to_unit=to_unit or self.dcy_hq, reason=reason
        )

    def test_it_refers_an_active_case_and_marks_it_referred(self):
        referral = self.refer()
        self.case.refresh_from_db()
        self.assertEqual(
            (referral.state, referral.from_unit, referral.to_unit), ("pending", self.bkk_office, self.dcy_hq)
        )
        self.assertEqual((self.case.status, self.case.public_stage), ("referred", "referred"))
        event = self.case.events.last()
        self.assertEqual(event.kind, "referral_created")
        self.assertEqual(event.data["to_unit"], "dcy-hq")
        self.assertEqual(event.data["from_status"], "active")

    def test_it_takes_on_and_refers_a_new_case_in_one_step(self):
        fresh = open_case(self.call_taker, self.bkk_office)
        referral_create(actor=self.call_taker, case=fresh, to_unit=self.dcy_hq, reason="เด็ก")
        fresh.refresh_from_db()
        self.assertEqual(fresh.status, "referred")
        self.assertEqual(kinds(fresh), ["created", "referral_created"])
        self.assertEqual(fresh.events.last().data["from_status"], "new")

    def test_it_refuses_a_referral_to_the_owning_unit(self):
        with self.assertRaises(InvalidInput) as caught:
            self.refer(to_unit=self.bkk_office)
        self.assertEqual((caught.exception.field, caught.exception.code), ("to_unit", "same_unit"))
        self.assertFalse(Referral.objects.exists())

    def test_it_refuses_a_second_open_referral_to_the_same_unit(self):
        self.refer()
        with self.assertRaises(Conflict) as caught:
            self.refer()
        self.assertEqual((caught.exception.code, caught.exception.status), ("duplicate_referral", 409))
        self.assertEqual(Referral.objects.count(), 1)
        self.assertEqual(kinds(self.case).count("referral_created"), 1)

    def test_it_requires_a_reason(self):
        with self.assertRaises(InvalidInput) as caught:
            self.refer(reason=" ")
        self.assertEqual(caught.exception.field, "reason")

    def test_it_refuses_to_refer_a_closed_case(self):
        case_close(actor=self.case_worker, case=self.case, outcome="เสร็จ")
        with self.assertRaises(Conflict) as caught:
            self.refer()
        self.assertEqual(caught.exception.code, "illegal_transition")

    def test_it_lets_only_the_receiving_unit_decide(self):
        referral = self.refer()
        with self.assertRaises(Forbidden):
            referral_accept(actor=self.case_worker, referral=referral)  # the sender
        with self.assertRaises(Forbidden):
            referral_accept(
                actor=self.call_taker, referral=referral
            )  # the centre sees it, but is not the receiver
        with self.assertRaises(NotFound):
            referral_accept(actor=self.other_province_worker, referral=referral)
        referral.refresh_from_db()
        self.assertEqual(referral.state, "pending")
        accepted = referral_accept(actor=self.dcy_worker, referral=referral)
        self.assertEqual((accepted.state, accepted.decided_by), ("accepted", self.dcy_worker))
        self.assertIsNotNone(accepted.decided_at)

    def test_it_decides_a_referral_only_once(self):
        referral = self.refer()
        referral_accept(actor=self.dcy_worker, referral=referral)
        with self.assertRaises(Conflict):
            referral_decline(actor=self.dcy_worker, referral=referral, reason="เปลี่ยนใจ")
        self.assertEqual(kinds(self.case)[-1], "referral_accepted")

    def test_it_requires_a_reason_to_decline(self):
        referral = self.refer()
        with self.assertRaises(InvalidInput) as caught:
            referral_decline(actor=self.dcy_worker, referral=referral, reason="")
        self.assertEqual(caught.exception.field, "reason")
        referral.refresh_from_db()
        self.assertEqual(referral.state, "pending")

    def test_it_returns_the_case_to_active_when_the_last_referral_is_declined(self):
        first = self.refer()
        second = self.refer(to_unit=self.kk_office)
        referral_decline(actor=self.dcy_worker, referral=first, reason="ไม่ใช่เด็ก")
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "referred")
        declined = referral_decline(actor=self.other_supervisor, referral=second, reason="นอกพื้นที่")
        self.assertEqual((declined.state, declined.decline_reason), ("declined", "นอกพื้นที่"))
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "active")
        self.assertEqual(self.case.events.last().data["status"], "active")

    def test_it_gives_an_accepted_referral_unit_write_access(self):
        from raksa.cases.services import note_add

        referral = self.refer()
        with self.assertRaises(Forbidden):
            note_add(actor=self.dcy_worker, case=self.case, body="รับทราบ")
        referral_accept(actor=self.dcy_worker, referral=referral)
        note = note_add(actor=self.dcy_worker, case=self.case, body="รับเด็กเข้าบ้านพักแล้ว")
        self.assertEqual(note.case, self.case)
