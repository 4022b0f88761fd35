from raksa.cases.models import Case, CaseEvent, CaseParty
from raksa.people.models import Address, Identifier, Person
from tests.api.base import BAD_NATIONAL_ID, NATIONAL_ID, ApiTestCase


class ApiErrorTests(ApiTestCase):
    def counts(self) -> dict[str, int]:
        return {
            model.__name__: model.objects.count()
            for model in (Person, Identifier, Address, Case, CaseParty, CaseEvent)
        }

    def test_it_names_an_invalid_national_id_in_thai_and_english(self):
        before = self.counts()
        response = self.post(
            "/api/v1/people",
            self.call_taker,
            {"first_name_th": "สมชาย", "national_id": BAD_NATIONAL_ID, "phones": ["0812345678"]},
        )
        body = self.assertError(response, 400, "invalid_national_id")
        self.assertEqual(body["errors"][0]["field"], "national_id")
        self.assertTrue(body["errors"][0]["message_th"])
        self.assertTrue(body["errors"][0]["message_en"])
        self.assertEqual(self.counts(), before)

    def test_it_answers_409_when_an_identifier_belongs_to_someone_else(self):
        self.make_person(national_id=NATIONAL_ID)
        before = self.counts()
        response = self.post(
            "/api/v1/people",
            self.call_taker,
            {"first_name_th": "สมชาย", "national_id": NATIONAL_ID, "phones": ["0899999999"]},
        )
        body = self.assertError(response, 409, "identifier_in_use")
        self.assertEqual(body["errors"][0]["field"], "national_id")
        self.assertEqual(self.counts(), before)

    def test_it_rejects_an_unknown_province_code_naming_the_field(self):
        before = self.counts()
        response = self.post(
            "/api/v1/cases", self.call_taker, {"summary": "ขอความช่วยเหลือ", "province_code": "99"}
        )
        body = self.assertError(response, 400, "unknown_area")
        self.assertEqual(body["errors"][0]["field"], "province_code")
        self.assertEqual(self.counts(), before)

    def test_it_refuses_an_illegal_status_change_with_409(self):
        case = self.make_case()
        response = self.post(f"/api/v1/cases/{case.number}/status", self.case_worker, {"status": "referred"})
        body = self.assertError(response, 409, "illegal_transition")
        self.assertEqual(body["errors"][0]["field"], "status")
        case.refresh_from_db()
        self.assertEqual(case.status, "new")

    def test_it_answers_malformed_json_with_400(self):
        before = self.counts()
        response = self.post("/api/v1/people", self.call_taker, raw='{"first_name_th": "สมชาย",')
        self.assertError(response, 400, "malformed_body")
        self.assertEqual(self.counts(), before)

    def test_it_rejects_a_json_body_that_is_not_an_object(self):
        response = self.post("/api/v1/people", self.call_taker, raw='["สมชาย"]')
        self.assertEqual(response.status_code, 400)
        self.assertIn(response.json()["code"], {"invalid_input", "malformed_body"})
        self.assertFalse(Person.objects.exists())

    def test_it_names_unknown_fields_instead_of_dropping_them(self):
        response = self.post(
            "/api/v1/people", self.call_taker, {"first_name_th": "สมชาย", "nationalid": NATIONAL_ID}
        )
        body = self.assertError(response, 400, "invalid_input")
        self.assertEqual(body["message_th"], "ข้อมูลไม่ถูกต้อง")
        self.assertEqual(body["message_en"], "Invalid input")
        self.assertIn("ข้อมูลไม่ถูกต้อง".encode(), response.content)  # readable UTF-8, not \u escapes
        self.assertEqual([(e["field"], e["code"]) for e in body["errors"]], [("nationalid", "unknown_field")])
        self.assertFalse(Person.objects.exists())

    def test_it_names_each_bad_field_with_thai_and_english(self):
        response = self.post(
            "/api/v1/cases",
            self.call_taker,
            {"category": "aliens", "parties": [{"person_id": 1, "role": "friend"}]},
        )
        body = self.assertError(response, 400, "invalid_input")
        errors = {e["field"]: e for e in body["errors"]}
        self.assertEqual(set(errors), {"summary", "category", "parties.0.role"})
        self.assertEqual(errors["summary"]["code"], "required")
        self.assertEqual(errors["category"]["code"], "invalid_choice")
        for error in body["errors"]:
            self.assertTrue(error["message_th"] and error["message_en"])

    def test_it_validates_query_parameters(self):
        body = self.assertError(self.get("/api/v1/cases", self.call_taker, limit=0), 400, "invalid_input")
        self.assertEqual(body["errors"][0]["field"], "limit")
        body = self.assertError(
            self.get("/api/v1/cases", self.call_taker, status="lost"), 400, "invalid_input"
        )
        self.assertEqual(body["errors"][0]["field"], "status")
        body = self.assertError(self.get("/api/v1/people", self.call_taker), 400, "invalid_input")
        self.assertEqual(body["errors"][0]["field"], "q")

    def test_it_rejects_a_cursor_it_did_not_issue(self):
        body = self.assertError(
            self.get("/api/v1/cases", self.call_taker, cursor="bm9wZQ"), 400, "invalid_cursor"
        )
        self.assertEqual(body["errors"][0]["field"], "cursor")

    def test_it_answers_unknown_paths_and_wrong_methods_in_json(self):
        self.assertError(self.get("/api/v1/nowhere", self.call_taker), 404, "not_found")
        self.assertError(self.get("/api/v1/people/not-a-number", self.call_taker), 404, "not_found")
        self.assertError(self.post("/api/v1/nowhere", self.call_taker, {}), 404, "not_found")
        response = self.client.delete("/api/v1/people", **self.auth(self.call_taker))
        self.assertError(response, 405, "method_not_allowed")
        self.assertIn("GET", response["Allow"])

    def test_it_refuses_a_referral_to_an_unknown_unit(self):
        case = self.make_case()
        response = self.post(
            f"/api/v1/cases/{case.number}/referrals", self.case_worker, {"to_unit": "nowhere", "reason": "x"}
        )
        body = self.assertError(response, 400, "unknown_unit")
        self.assertEqual(body["errors"][0]["field"], "to_unit")
        self.assertFalse(case.referrals.exists())

    def test_it_refuses_a_case_about_an_unknown_person(self):
        before = self.counts()
        response = self.post(
            "/api/v1/cases", self.call_taker, {"summary": "ขอความช่วยเหลือ", "subject_id": 999999}
        )
        body = self.assertError(response, 400, "unknown_person")
        self.assertEqual(body["errors"][0]["field"], "subject_id")
        self.assertEqual(self.counts(), before)
