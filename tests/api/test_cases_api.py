from django.db import connection
from django.test.utils import CaptureQueriesContext

from raksa.cases.models import AccessLog, Case, CaseParty, Note, Referral
from raksa.cases.services import referral_accept
from tests.api.base import ApiTestCase
from tests.base import CHIANG_MAI


class CaseListApiTests(ApiTestCase):
    def test_it_lists_only_visible_cases_newest_first(self):
        older = self.make_case()
        newer = self.make_case()
        self.make_case(owner=self.cm_office, province=CHIANG_MAI)

        response = self.get("/api/v1/cases", self.case_worker)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual([c["number"] for c in body["items"]], [newer.number, older.number])
        self.assertIsNone(body["next_cursor"])
        self.assertEqual(body["items"][0]["owning_unit"], "pso-10")

    def test_it_pages_with_a_cursor_without_gaps_or_repeats(self):
        numbers = [self.make_case().number for _ in range(5)]
        seen, cursor, pages = [], None, 0
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            body = self.get("/api/v1/cases", self.case_worker, **params).json()
            seen += [c["number"] for c in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
        self.assertEqual(seen, list(reversed(numbers)))
        self.assertEqual(pages, 3)

    def test_it_reads_a_page_in_the_same_few_queries_however_long_it_is(self):
        def queries(limit: int) -> list[str]:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.get("/api/v1/cases", self.case_worker, limit=limit).status_code, 200)
            return [q["sql"].upper() for q in captured.captured_queries]

        for _ in range(6):
            self.make_case()
        queries(1)  # the token's first use is recorded once; not part of reading a page
        self.assertEqual(len(queries(2)), len(queries(6)))
        self.assertFalse([sql for sql in queries(6) if "COUNT(" in sql])

    def test_it_filters(self):
        violence = self.make_case(category="family_violence")
        elderly = self.make_case(category="elderly_care")
        self.make_case(owner=self.cm_office, province=CHIANG_MAI, category="elderly_care")

        def numbers(**params):
            return [c["number"] for c in self.get("/api/v1/cases", self.call_taker, **params).json()["items"]]

        self.assertEqual(numbers(category="family_violence"), [violence.number])
        self.assertEqual(numbers(category="elderly_care", province="10"), [elderly.number])
        self.assertEqual(numbers(q=violence.number), [violence.number])
        self.assertEqual(numbers(status="closed"), [])
        self.assertEqual(numbers(mine="true"), [])


class CaseReadApiTests(ApiTestCase):
    def test_it_shows_a_case_and_logs_the_read(self):
        person = self.make_person()
        case = self.make_case(subject=person)
        response = self.get(f"/api/v1/cases/{case.number}", self.case_worker)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["number"], case.number)
        self.assertEqual(body["tracking_code"], case.tracking_code)
        self.assertEqual(body["parties"], [{"role": "subject", "person": body["parties"][0]["person"]}])
        self.assertEqual(body["parties"][0]["person"]["id"], person.public_id)

        log = AccessLog.objects.get(case=case)
        self.assertEqual((log.user, log.action, log.channel), (self.case_worker, "case_view", "api"))

    def test_it_hides_another_provinces_case_exactly_like_a_missing_one(self):
        case = self.make_case()
        hidden = self.get(f"/api/v1/cases/{case.number}", self.other_province_worker)
        missing = self.get("/api/v1/cases/2500-999999", self.other_province_worker)
        self.assertError(hidden, 404, "not_found")
        self.assertEqual(hidden.json(), missing.json())
        for suffix in ("/events",):
            self.assertEqual(
                self.get(f"/api/v1/cases/{case.number}{suffix}", self.other_province_worker).json(),
                missing.json(),
            )
        note = self.post(f"/api/v1/cases/{case.number}/notes", self.other_province_worker, {"body": "ดู"})
        self.assertEqual((note.status_code, note.json()), (404, missing.json()))
        self.assertFalse(AccessLog.objects.filter(case=case).exists())

    def test_it_shows_the_timeline(self):
        case = self.make_case()
        self.post(f"/api/v1/cases/{case.number}/notes", self.case_worker, {"body": "โทรติดตามแล้ว"})
        response = self.get(f"/api/v1/cases/{case.number}/events", self.case_worker)
        self.assertEqual(response.status_code, 200, response.content)
        kinds = [e["kind"] for e in response.json()]
        self.assertGreaterEqual(len(kinds), 2)
        self.assertEqual(response.json()[-1]["actor"], self.case_worker.username)
        self.assertTrue(AccessLog.objects.filter(case=case, channel="api").exists())


class CaseWriteApiTests(ApiTestCase):
    def test_it_creates_a_case_with_its_people(self):
        subject = self.make_person()
        reporter = self.make_person(first_name_th="มานะ")
        response = self.post(
            "/api/v1/cases",
            self.call_taker,
            {
                "summary": "เด็กถูกทิ้งไว้ลำพัง",
                "category": "child_protection",
                "province_code": "10",
                "subject_id": subject.public_id,
                "reporter_id": reporter.public_id,
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        case = Case.objects.get(number=body["number"])
        self.assertEqual(
            (case.channel, case.created_by, case.category), ("api", self.call_taker, "child_protection")
        )
        self.assertEqual(
            set(CaseParty.objects.filter(case=case).values_list("person_id", "role")),
            {(subject.pk, "subject"), (reporter.pk, "reporter")},
        )
        self.assertRegex(body["number"], r"^\d{4}-\d{6}$")

    def test_it_moves_a_case_through_its_statuses(self):
        case = self.make_case()
        url = f"/api/v1/cases/{case.number}/status"
        response = self.post(url, self.case_worker, {"status": "active", "reason": "รับเรื่องแล้ว"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "active")

        closed = self.post(url, self.case_worker, {"status": "closed", "outcome": "ส่งเข้าบ้านพักแล้ว"}).json()
        self.assertEqual((closed["status"], closed["outcome"]), ("closed", "ส่งเข้าบ้านพักแล้ว"))

        reopened = self.post(url, self.case_worker, {"status": "active", "reason": "ผู้ประสบปัญหาติดต่อกลับมา"})
        self.assertEqual(reopened.status_code, 200, reopened.content)
        self.assertEqual(reopened.json()["status"], "active")

    def test_it_adds_a_note(self):
        case = self.make_case()
        response = self.post(f"/api/v1/cases/{case.number}/notes", self.case_worker, {"body": "เยี่ยมบ้านแล้ว"})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["author"], self.case_worker.username)
        self.assertEqual(Note.objects.get(case=case).body, "เยี่ยมบ้านแล้ว")

    def test_it_refers_a_case_and_the_referred_unit_can_read_it(self):
        case = self.make_case()
        self.assertEqual(self.get(f"/api/v1/cases/{case.number}", self.dcy_worker).status_code, 404)

        response = self.post(
            f"/api/v1/cases/{case.number}/referrals",
            self.case_worker,
            {"to_unit": "dcy-hq", "reason": "ต้องการนักจิตวิทยาเด็ก"},
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["from_unit"], body["to_unit"], body["state"]), ("pso-10", "dcy-hq", "pending"))

        read = self.get(f"/api/v1/cases/{case.number}", self.dcy_worker)
        self.assertEqual(read.status_code, 200, read.content)
        self.assertEqual(read.json()["referrals"][0]["to_unit"], "dcy-hq")

    def test_a_unit_with_a_pending_referral_may_read_but_not_write(self):
        case = self.make_case()
        self.post(
            f"/api/v1/cases/{case.number}/referrals", self.case_worker, {"to_unit": "dcy-hq", "reason": "x"}
        )

        note = self.post(f"/api/v1/cases/{case.number}/notes", self.dcy_worker, {"body": "รับทราบ"})
        self.assertError(note, 403, "forbidden")
        status = self.post(f"/api/v1/cases/{case.number}/status", self.dcy_worker, {"status": "active"})
        self.assertError(status, 403, "forbidden")
        self.assertFalse(Note.objects.filter(case=case).exists())

        referral_accept(actor=self.dcy_worker, referral=Referral.objects.get(case=case))
        note = self.post(f"/api/v1/cases/{case.number}/notes", self.dcy_worker, {"body": "รับทราบ"})
        self.assertEqual(note.status_code, 201, note.content)
