from __future__ import annotations

from raksa.cases.models import Case, PublicStage, Status
from raksa.cases.services import case_change_status, case_close, case_reopen, referral_create
from raksa.cases.statuses import TRANSITIONS, is_allowed
from raksa.core.errors import Conflict, InvalidInput
from tests.base import RaksaTestCase
from tests.cases.helpers import kinds, open_case

ALL = [s.value for s in Status]


class StatusMachineTests(RaksaTestCase):
    def case_in(self, status: str) -> Case:
        case = open_case(self.call_taker, self.bkk_office)
        path = {
            "new": [],
            "screening": ["screening"],
            "active": ["active"],
            "referred": ["active", "referred"],
            "closed": ["closed"],
        }[status]
        for step in path:
            if step == "referred":
                referral_create(actor=self.case_worker, case=case, to_unit=self.dcy_hq, reason="ส่งต่อ")
            elif step == "closed":
                case_close(actor=self.case_worker, case=case, outcome="ช่วยเหลือแล้ว")
            else:
                case_change_status(actor=self.case_worker, case=case, status=step)
        case.refresh_from_db()
        self.assertEqual(case.status, status)
        return case

    def test_it_allows_exactly_the_documented_moves(self):
        allowed = {
            ("new", "screening"),
            ("new", "active"),
            ("screening", "active"),
            ("active", "referred"),
            ("referred", "active"),
            ("new", "closed"),
            ("screening", "closed"),
            ("active", "closed"),
            ("referred", "closed"),
            ("closed", "active"),
        }
        table = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
        self.assertEqual(table, allowed)
        for a in ALL:
            self.assertFalse(is_allowed(a, a))

    def test_it_refuses_every_illegal_move_leaving_no_change_and_no_event(self):
        for start in ALL:
            for target in ALL:
                if is_allowed(start, target):
                    continue
                with self.subTest(start=start, target=target):
                    case = self.case_in(start)
                    before = kinds(case)
                    with self.assertRaises(Conflict) as caught:
                        case_change_status(actor=self.case_worker, case=case, status=target, reason="ลอง")
                    error = caught.exception
                    self.assertEqual(
                        (error.status, error.code, error.field), (409, "illegal_transition", "status")
                    )
                    self.assertIn(f"'{start}'", error.message_en)
                    self.assertIn(f"'{target}'", error.message_en)
                    self.assertTrue(error.message_th)
                    case.refresh_from_db()
                    self.assertEqual(case.status, start)
                    self.assertEqual(kinds(case), before)

    def test_it_names_both_statuses_in_thai(self):
        case = self.case_in("screening")
        with self.assertRaises(Conflict) as caught:
            case_change_status(actor=self.case_worker, case=case, status="screening")
        self.assertIn("คัดกรอง", caught.exception.message_th)

    def test_it_moves_along_legal_moves_with_one_event_each(self):
        case = self.case_in("new")
        case = case_change_status(actor=self.case_worker, case=case, status="screening", reason="ตรวจสอบ")
        self.assertEqual(case.public_stage, PublicStage.SCREENING)
        case = case_change_status(actor=self.case_worker, case=case, status="active")
        self.assertEqual(case.public_stage, PublicStage.IN_PROGRESS)
        self.assertEqual(kinds(case), ["created", "status_changed", "status_changed"])
        last = case.events.last()
        self.assertEqual(last.data, {"from": "screening", "to": "active", "reason": ""})
        self.assertEqual(last.actor, self.case_worker)
        self.assertEqual(last.unit, self.bkk_office)

    def test_it_refuses_referred_without_a_referral(self):
        case = self.case_in("active")
        with self.assertRaises(Conflict) as caught:
            case_change_status(actor=self.case_worker, case=case, status="referred")
        self.assertEqual(caught.exception.code, "referral_required")
        case.refresh_from_db()
        self.assertEqual(case.status, "active")

    def test_it_refuses_an_unknown_status(self):
        case = self.case_in("new")
        with self.assertRaises(InvalidInput) as caught:
            case_change_status(actor=self.case_worker, case=case, status="done")
        self.assertEqual(caught.exception.field, "status")

    def test_it_closes_only_with_an_outcome(self):
        case = self.case_in("active")
        with self.assertRaises(InvalidInput) as caught:
            case_close(actor=self.case_worker, case=case, outcome="  ")
        self.assertEqual(caught.exception.field, "outcome")
        with self.assertRaises(InvalidInput):
            case_change_status(actor=self.case_worker, case=case, status="closed")
        case.refresh_from_db()
        self.assertEqual(case.status, "active")
        case = case_change_status(actor=self.case_worker, case=case, status="closed", reason="ส่งเข้าบ้านพักแล้ว")
        self.assertEqual(
            (case.status, case.outcome, case.public_stage), ("closed", "ส่งเข้าบ้านพักแล้ว", "closed")
        )
        self.assertIsNotNone(case.closed_at)
        self.assertEqual(kinds(case)[-1], "closed")

    def test_it_reopens_a_closed_case_with_a_reason(self):
        case = self.case_in("closed")
        with self.assertRaises(InvalidInput) as caught:
            case_reopen(actor=self.case_worker, case=case, reason="")
        self.assertEqual(caught.exception.field, "reason")
        case = case_reopen(actor=self.case_worker, case=case, reason="ผู้แจ้งโทรกลับมา")
        self.assertEqual((case.status, case.outcome, case.closed_at), ("active", "", None))
        # Reopening is the one move that takes the public stage back.
        self.assertEqual(case.public_stage, PublicStage.IN_PROGRESS)
        reopened = case.events.last()
        self.assertEqual(reopened.kind, "reopened")
        self.assertEqual(reopened.data["previous_outcome"], "ช่วยเหลือแล้ว")

    def test_it_refuses_to_reopen_an_open_case(self):
        case = self.case_in("active")
        with self.assertRaises(Conflict) as caught:
            case_reopen(actor=self.case_worker, case=case, reason="ลอง")
        self.assertEqual(caught.exception.code, "illegal_transition")

    def test_it_lets_change_status_reopen_a_closed_case(self):
        case = self.case_in("closed")
        case = case_change_status(actor=self.case_worker, case=case, status="active", reason="พบข้อมูลใหม่")
        self.assertEqual(case.status, "active")
        self.assertEqual(kinds(case)[-1], "reopened")
