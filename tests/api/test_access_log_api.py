"""The API writes the same access-log rows as the workspace, and lets supervisors read a case's."""

from __future__ import annotations

from raksa.accounts.models import Role
from raksa.cases.models import AccessLog
from tests.api.base import NATIONAL_ID, ApiTestCase
from tests.base import CHIANG_MAI, make_user


def logged(user) -> set[tuple[str, str, str]]:
    rows = AccessLog.objects.filter(user=user).select_related("case", "person")
    return {(r.action, r.channel, r.case.number if r.case else r.person.display_name) for r in rows}


class ApiAccessLogTests(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.person = self.make_person(national_id=NATIONAL_ID, phones=["0812345678"])
        self.case = self.make_case(subject=self.person)
        self.cm_case = self.make_case(subject=self.person, owner=self.cm_office, province=CHIANG_MAI)

    def test_it_logs_the_cases_and_the_person_a_case_search_shows(self) -> None:
        for query in (NATIONAL_ID, "081-234-5678", "สมศรี"):
            with self.subTest(query=query):
                AccessLog.objects.all().delete()
                response = self.get("/api/v1/cases", self.case_worker, q=query)
                self.assertEqual([c["number"] for c in response.json()["items"]], [self.case.number])
                self.assertEqual(
                    logged(self.case_worker),
                    {("case_search", "api", self.case.number), ("case_search", "api", "สมศรี ใจดี")},
                )

    def test_it_logs_nothing_for_a_list_without_a_search(self) -> None:
        self.get("/api/v1/cases", self.case_worker)
        self.assertFalse(AccessLog.objects.exists())

    def test_it_names_the_people_a_case_read_shows(self) -> None:
        self.get(f"/api/v1/cases/{self.case.number}", self.case_worker)
        self.assertEqual(
            logged(self.case_worker),
            {("case_view", "api", self.case.number), ("case_view", "api", "สมศรี ใจดี")},
        )

    def test_it_logs_the_case_a_status_change_answers_with(self) -> None:
        response = self.post(
            f"/api/v1/cases/{self.case.number}/status", self.case_worker, {"status": "screening"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            logged(self.case_worker),
            {("case_view", "api", self.case.number), ("case_view", "api", "สมศรี ใจดี")},
        )


class ApiCaseAccessHistoryTests(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.case = self.make_case()
        self.url = f"/api/v1/cases/{self.case.number}/access"

    def test_it_shows_the_area_supervisor_who_looked_newest_first_and_logs_the_reading(self) -> None:
        self.get(f"/api/v1/cases/{self.case.number}", self.case_worker)
        response = self.get(self.url, self.supervisor)
        self.assertEqual(response.status_code, 200, response.content)
        items = response.json()["items"]
        self.assertEqual(
            [(i["user"], i["unit"], i["action"], i["channel"]) for i in items],
            [
                ("supervisor_bkk", "pso-10", "access_history", "api"),
                ("worker_bkk", "pso-10", "case_view", "api"),
            ],
        )
        self.assertIsNone(response.json()["next_cursor"])

    def test_it_pages_with_a_cursor(self) -> None:
        for _ in range(3):
            self.get(f"/api/v1/cases/{self.case.number}", self.case_worker)
        first = self.get(self.url, self.supervisor, limit=2).json()
        self.assertEqual(len(first["items"]), 2)
        second = self.get(self.url, self.supervisor, limit=2, cursor=first["next_cursor"]).json()
        # The second read is logged too, at the top; the pages go on from where the first stopped.
        self.assertEqual([i["action"] for i in second["items"]], ["case_view", "case_view"])
        self.assertIsNone(second["next_cursor"])
        self.assertError(self.get(self.url, self.supervisor, cursor="nonsense"), 400, "invalid_cursor")

    def test_it_refuses_whoever_the_rule_leaves_out(self) -> None:
        centre_admin = self.admin_user
        centre_supervisor = make_user("supervisor_1300", Role.SUPERVISOR, self.centre)
        for user, status in (
            (self.supervisor, 200),
            (centre_supervisor, 200),
            (centre_admin, 200),
            (self.case_worker, 403),
            (self.call_taker, 403),
            (self.other_supervisor, 404),
            (self.other_province_worker, 404),
        ):
            with self.subTest(user=user.username):
                self.assertEqual(self.get(self.url, user).status_code, status)
        self.assertEqual(
            set(AccessLog.objects.filter(action="access_history").values_list("user__username", flat=True)),
            {"supervisor_bkk", "supervisor_1300", "admin"},
        )
