"""What the published schema says the API takes, it takes, and what it forbids is refused (found by fuzzing)."""

from decimal import Decimal

from raksa.cases.models import Case, CaseEvent, Note, Referral
from raksa.people.models import Person
from tests.api.base import ApiTestCase


class ApiInputSchemaTests(ApiTestCase):
    def assertRefused(self, response, field: str) -> None:
        body = self.assertError(response, 400, "invalid_input")
        self.assertIn(field, [error["field"] for error in body["errors"]])

    def test_it_refuses_numbers_and_dates_sent_as_other_json_types(self):
        # pydantic alone would read `false` as age 0, "45" as 45 and 0 as 1 January 1970.
        self.assertRefused(self.post("/api/v1/people", self.call_taker, {"age": False}), "age")
        self.assertRefused(self.post("/api/v1/people", self.call_taker, {"age": "45"}), "age")
        self.assertRefused(self.post("/api/v1/people", self.call_taker, {"birth_date": 0}), "birth_date")
        self.make_person()
        for field, value in (("subject_id", True), ("latitude", "13.75"), ("longitude", True)):
            with self.subTest(field=field):
                case = {"summary": "ขอความช่วยเหลือ", field: value}
                self.assertRefused(self.post("/api/v1/cases", self.call_taker, case), field)
        self.assertEqual(Person.objects.count(), 1)
        self.assertFalse(Case.objects.exists())

    def test_it_still_takes_whole_numbers_and_iso_dates(self):
        response = self.post(
            "/api/v1/people", self.call_taker, {"first_name_th": "มะลิ", "age": 9, "birth_date": None}
        )
        self.assertEqual(response.status_code, 201, response.content)
        response = self.post(
            "/api/v1/people", self.call_taker, {"first_name_th": "บุญมี", "birth_date": "1950-03-01"}
        )
        self.assertEqual(response.json()["birth_year"], 1950)

    def test_it_keeps_a_phones_coordinates_to_six_places(self):
        response = self.post(
            "/api/v1/cases",
            self.call_taker,
            {"summary": "ขอความช่วยเหลือ", "latitude": 18.788312345678, "longitude": 99},
        )
        self.assertEqual(response.status_code, 201, response.content)
        case = Case.objects.get(number=response.json()["number"])
        self.assertEqual((case.latitude, case.longitude), (Decimal("18.788312"), Decimal("99.000000")))

    def test_it_measures_a_limit_on_the_text_as_sent(self):
        case = self.make_case()
        # 20,000 is the limit; trailing spaces count, as the schema's maxLength says they do.
        response = self.post(
            f"/api/v1/cases/{case.number}/notes", self.call_taker, {"body": "ก" + " " * 20_000}
        )
        body = self.assertError(response, 400, "invalid_input")
        self.assertEqual([(e["field"], e["code"]) for e in body["errors"]], [("body", "too_long")])
        self.assertFalse(Note.objects.exists())

    def test_it_holds_reasons_to_the_limits_the_services_keep(self):
        case = self.make_case()
        response = self.post(
            f"/api/v1/cases/{case.number}/status", self.call_taker, {"status": "active", "reason": "ก" * 501}
        )
        self.assertRefused(response, "reason")
        response = self.post(
            f"/api/v1/cases/{case.number}/referrals",
            self.call_taker,
            {"to_unit": self.cm_office.code, "reason": "ก" * 2001},
        )
        self.assertRefused(response, "reason")
        case.refresh_from_db()
        self.assertEqual(case.status, "new")
        self.assertFalse(Referral.objects.exists())

    def test_it_refuses_area_codes_that_are_not_codes(self):
        for field, value in (
            ("province_code", "ab"),
            ("district_code", "10"),
            ("subdistrict_code", "1001-1"),
        ):
            with self.subTest(field=field):
                case = {"summary": "ขอความช่วยเหลือ", field: value}
                self.assertRefused(self.post("/api/v1/cases", self.call_taker, case), field)
        address = {"province_code": "10", "postal_code": "1020"}
        self.assertRefused(
            self.post("/api/v1/people", self.call_taker, {"first_name_th": "มะลิ", "address": address}),
            "address.postal_code",
        )
        self.assertRefused(self.get("/api/v1/cases", self.call_taker, province="1"), "province")
        self.assertFalse(Case.objects.exists())

    def test_it_refuses_nul_anywhere_instead_of_failing_on_postgresql(self):
        case = self.make_case()
        events = CaseEvent.objects.count()
        self.assertRefused(
            self.post("/api/v1/people", self.call_taker, {"first_name_th": "สม\x00ชาย"}), "first_name_th"
        )
        self.assertRefused(
            self.post("/api/v1/cases", self.call_taker, {"summary": "ขอ\x00ความช่วยเหลือ"}), "summary"
        )
        self.assertRefused(
            self.post(f"/api/v1/cases/{case.number}/notes", self.call_taker, {"body": "a\x00"}), "body"
        )
        self.assertRefused(self.get("/api/v1/people", self.call_taker, q="08\x00"), "q")
        self.assertRefused(self.get("/api/v1/cases", self.call_taker, q="\x00"), "q")
        self.assertRefused(self.get(f"/api/v1/cases/{case.number}\x00", self.call_taker), "number")
        self.assertRefused(self.get(f"/api/v1/cases/{case.number}\x00/events", self.call_taker), "number")
        self.assertRefused(
            self.post(f"/api/v1/cases/{case.number}\x00/notes", self.call_taker, {"body": "x"}), "number"
        )
        self.assertEqual(Person.objects.count(), 0)
        self.assertEqual(Case.objects.count(), 1)
        self.assertEqual(CaseEvent.objects.count(), events)
