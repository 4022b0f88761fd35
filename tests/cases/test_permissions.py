"""Who sees and changes which case: every role against cases owned by their unit, by another province's unit,
and referred to their unit (pending and accepted)."""

from __future__ import annotations

from raksa.accounts.models import Role
from raksa.cases.access import can_manage, can_view, can_write, cases_visible_to
from raksa.cases.models import Case, Note
from raksa.cases.selectors import case_get, case_list
from raksa.cases.services import case_change_status, note_add
from raksa.core.errors import Forbidden, NotFound
from tests.base import RaksaTestCase, make_user
from tests.cases.helpers import open_case, refer

SEE = "see"  # read and write
READ = "read"  # read only: write is Forbidden
NONE = "none"  # NotFound for both

# role -> (own unit, other province's unit, referred to their unit (pending), referred (accepted))
MATRIX = {
    "call_taker": (SEE, SEE, SEE, SEE),  # the 1300 centre sees every case
    "responder": (SEE, NONE, READ, SEE),
    "case_worker": (SEE, NONE, READ, SEE),
    "supervisor": (SEE, NONE, READ, SEE),
    "admin": (SEE, SEE, SEE, SEE),  # at the centre
}
COLUMNS = ("own_unit", "other_province", "referred_pending", "referred_accepted")


class PermissionMatrixTests(RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.personas = {
            "call_taker": cls.call_taker,
            "responder": cls.responder,
            "case_worker": cls.case_worker,
            "supervisor": cls.supervisor,
            "admin": cls.admin_user,
        }

    def cases_for(self, user):
        """The four cases of one matrix row, relative to the user's unit."""
        own = open_case(self.call_taker, user.unit)
        other = open_case(self.call_taker, self.cm_office)
        if user.unit.is_centre:
            # A centre user's "referred" cases are other units' cases referred to the centre.
            pending = open_case(self.call_taker, self.cm_office)
            refer(pending, by=self.call_taker, to_unit=self.centre)
            accepted = open_case(self.call_taker, self.kk_office)
            refer(accepted, by=self.call_taker, to_unit=self.centre, accept_by=self.call_taker)
        else:
            pending = open_case(self.call_taker, self.cm_office)
            refer(pending, by=self.other_province_worker, to_unit=user.unit)
            accepted = open_case(self.call_taker, self.cm_office)
            refer(accepted, by=self.other_province_worker, to_unit=user.unit, accept_by=user)
        return own, other, pending, accepted

    def test_it_follows_the_matrix_for_reads_and_writes(self):
        for role, expected_row in MATRIX.items():
            user = self.personas[role]
            self.assertEqual(user.role, role)
            cases = self.cases_for(user)
            for column, case, expected in zip(COLUMNS, cases, expected_row, strict=True):
                with self.subTest(role=role, case=column, expect=expected):
                    self.check(user, case, expected)

    def check(self, user, case: Case, expected: str) -> None:
        if expected == NONE:
            with self.assertRaises(NotFound):
                case_get(user=user, pk=case.pk)
            with self.assertRaises(NotFound):
                note_add(actor=user, case=case, body="บันทึก")
            self.assertFalse(case_list(user=user).filter(pk=case.pk).exists())
            self.assertFalse(can_view(user, case))
            return
        self.assertEqual(case_get(user=user, pk=case.pk), case)
        self.assertTrue(case_list(user=user).filter(pk=case.pk).exists())
        if expected == SEE:
            note = note_add(actor=user, case=case, body="เยี่ยมบ้านแล้ว")
            self.assertEqual(note.author, user)
        else:
            with self.assertRaises(Forbidden) as caught:
                note_add(actor=user, case=case, body="เยี่ยมบ้านแล้ว")
            self.assertEqual((caught.exception.status, caught.exception.code), (403, "forbidden"))
            self.assertFalse(Note.objects.filter(case=case, author=user).exists())


class VisibilityTests(RaksaTestCase):
    def test_it_hides_a_case_from_another_province_exactly_like_a_missing_one(self):
        case = open_case(self.case_worker, self.bkk_office)
        with self.assertRaises(NotFound) as hidden:
            case_get(user=self.other_province_worker, pk=case.pk)
        with self.assertRaises(NotFound) as missing:
            case_get(user=self.other_province_worker, pk=case.pk + 1000)
        self.assertEqual(hidden.exception.as_dict(), missing.exception.as_dict())
        with self.assertRaises(NotFound) as by_number:
            case_get(user=self.other_province_worker, number=case.number)
        self.assertEqual(by_number.exception.as_dict(), missing.exception.as_dict())

    def test_it_shows_an_outsider_nothing(self):
        case = open_case(self.call_taker, self.bkk_office)
        self.assertFalse(case_list(user=self.outsider).exists())
        with self.assertRaises(NotFound):
            case_get(user=self.outsider, pk=case.pk)
        with self.assertRaises(NotFound):
            note_add(actor=self.outsider, case=case, body="x")

    def test_it_lets_area_supervisors_manage_every_case_in_their_province(self):
        rapid_case = open_case(self.call_taker, self.bkk_rapid)
        self.assertTrue(can_manage(self.supervisor, rapid_case))
        case_change_status(actor=self.supervisor, case=rapid_case, status="active")
        # A case worker of the same office is not a supervisor: another unit's case stays hidden.
        self.assertFalse(can_view(self.case_worker, rapid_case))
        # A supervisor elsewhere sees nothing of Bangkok.
        self.assertFalse(can_view(self.other_supervisor, rapid_case))

    def test_it_lets_supervisors_serving_a_district_see_that_district(self):
        from raksa.directory.models import ServiceArea

        ServiceArea.objects.create(unit=self.kk_office, area_code="5001")
        in_district = open_case(self.call_taker, self.cm_office, district_code="5001")
        elsewhere = open_case(self.call_taker, self.cm_office, district_code="5002")
        self.assertTrue(can_view(self.other_supervisor, in_district))
        self.assertFalse(can_view(self.other_supervisor, elsewhere))
        self.assertEqual(
            set(case_list(user=self.other_supervisor).values_list("pk", flat=True)), {in_district.pk}
        )

    def test_it_gives_an_admin_outside_the_centre_only_their_units_rules(self):
        admin_bkk = make_user("admin_bkk", Role.ADMIN, self.bkk_office)
        own = open_case(self.call_taker, self.bkk_office)
        rapid = open_case(self.call_taker, self.bkk_rapid)
        self.assertTrue(can_manage(admin_bkk, own))
        self.assertFalse(can_view(admin_bkk, rapid))

    def test_it_lets_only_managers_change_status(self):
        case = open_case(self.call_taker, self.cm_office)
        refer(case, by=self.other_province_worker, to_unit=self.dcy_hq, accept_by=self.dcy_worker)
        self.assertTrue(can_write(self.dcy_worker, case))
        self.assertFalse(can_manage(self.dcy_worker, case))
        with self.assertRaises(Forbidden):
            case_change_status(actor=self.dcy_worker, case=case, status="active")
        case.refresh_from_db()
        self.assertEqual(case.status, "referred")

    def test_it_hides_a_case_again_after_the_referral_is_declined(self):
        from raksa.cases.services import referral_decline

        case = open_case(self.call_taker, self.cm_office)
        referral = refer(case, by=self.other_province_worker, to_unit=self.dcy_hq)
        self.assertTrue(can_view(self.dcy_worker, case))
        referral_decline(actor=self.dcy_worker, referral=referral, reason="ไม่ใช่เด็ก")
        self.assertFalse(can_view(self.dcy_worker, case))

    def test_it_agrees_between_the_list_filter_and_the_single_case_check(self):
        cases = [
            open_case(self.call_taker, unit)
            for unit in (
                self.centre,
                self.bkk_office,
                self.bkk_rapid,
                self.cm_office,
                self.kk_office,
                self.dcy_hq,
            )
        ]
        refer(cases[3], by=self.other_province_worker, to_unit=self.dcy_hq)
        people = [
            self.call_taker,
            self.responder,
            self.case_worker,
            self.supervisor,
            self.other_province_worker,
            self.other_supervisor,
            self.dcy_worker,
            self.admin_user,
            self.outsider,
        ]
        for user in people:
            listed = set(cases_visible_to(user).values_list("pk", flat=True))
            checked = {case.pk for case in cases if can_view(user, case)}
            with self.subTest(user=user.username):
                self.assertEqual(listed, checked)
