from __future__ import annotations

from raksa.cases.selectors import case_list, case_timeline, cases_for_person, referrals_incoming
from raksa.cases.services import case_assign
from raksa.people.models import Identifier
from tests.base import RaksaTestCase
from tests.cases.helpers import open_case, person, refer


class CaseListTests(RaksaTestCase):
    def test_it_lists_newest_first_with_filters(self):
        older = open_case(self.call_taker, self.bkk_office, category="drugs")
        newer = open_case(self.call_taker, self.bkk_office, emergency_type="threat")
        open_case(self.call_taker, self.cm_office)
        self.assertEqual(list(case_list(user=self.case_worker)), [newer, older])
        self.assertEqual(list(case_list(user=self.case_worker, category="drugs")), [older])
        self.assertEqual(list(case_list(user=self.case_worker, emergency_type="threat")), [newer])
        self.assertEqual(list(case_list(user=self.case_worker, status="closed")), [])
        self.assertEqual(case_list(user=self.call_taker, province_code="50").count(), 1)

    def test_it_lists_my_cases(self):
        mine = open_case(self.call_taker, self.bkk_office)
        open_case(self.call_taker, self.bkk_office)
        case_assign(actor=self.supervisor, case=mine, assignee=self.case_worker)
        self.assertEqual(list(case_list(user=self.case_worker, mine=True)), [mine])

    def test_it_finds_cases_by_number_tracking_code_phone_id_and_name(self):
        victim = person("มะลิ", "ศรีสุข")
        Identifier.objects.create(person=victim, kind="phone", value="0812345678")
        Identifier.objects.create(person=victim, kind="national_id", value="1101700203450")
        victim.name_key, victim.last_name_key = "มะลิ ศรีสุข", "ศรีสุข"
        victim.save()
        case = open_case(self.call_taker, self.bkk_office, subject=victim)
        open_case(self.call_taker, self.bkk_office)
        for q in (
            case.number,
            case.tracking_code.lower().replace("-", ""),
            "+66 81 234 5678",
            "1-1017-00203-45-0",
            "มะลิ",
            "ศรีสุข",
        ):
            with self.subTest(q=q):
                self.assertEqual(list(case_list(user=self.case_worker, q=q)), [case])
        self.assertEqual(list(case_list(user=self.other_province_worker, q=case.number)), [])

    def test_it_does_not_count_rows_or_query_per_row(self):
        for _ in range(5):
            case = open_case(self.call_taker, self.bkk_office)
            case_assign(actor=self.supervisor, case=case, assignee=self.case_worker)
        user = type(self.case_worker).objects.get(pk=self.case_worker.pk)
        # The user's unit, the unit's open referrals, the page: no count, nothing per row.
        with self.assertNumQueries(3):
            rows = [(c.number, c.owning_unit.code, c.assigned_to.username) for c in case_list(user=user)[:50]]
        self.assertEqual(len(rows), 5)

    def test_it_lists_a_persons_cases_across_agencies_that_the_user_may_see(self):
        someone = person()
        bkk = open_case(self.call_taker, self.bkk_office, subject=someone)
        cm = open_case(self.call_taker, self.cm_office, reporter=someone)
        self.assertEqual(list(cases_for_person(user=self.call_taker, person=someone)), [cm, bkk])
        self.assertEqual(list(cases_for_person(user=self.case_worker, person=someone)), [bkk])
        self.assertEqual(list(cases_for_person(user=self.outsider, person=someone)), [])

    def test_it_shows_a_unit_its_pending_referrals(self):
        case = open_case(self.call_taker, self.bkk_office)
        referral = refer(case, by=self.case_worker, to_unit=self.dcy_hq)
        self.assertEqual(list(referrals_incoming(user=self.dcy_worker)), [referral])
        self.assertEqual(list(referrals_incoming(user=self.case_worker)), [])

    def test_it_gives_the_timeline_oldest_first(self):
        case = open_case(self.call_taker, self.bkk_office, subject=person())
        self.assertEqual([e.kind for e in case_timeline(case=case)], ["created", "party_added"])
