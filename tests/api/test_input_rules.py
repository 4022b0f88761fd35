"""Input the API refuses (each of these was saved once), answered in its error shape and never echoed back."""

from __future__ import annotations

import json

from django.test import override_settings

from raksa.cases.models import Case, Note
from raksa.cases.services import DESCRIPTION_MAX
from raksa.people.models import Identifier, Person
from tests.api.base import ApiTestCase


class ApiInputTests(ApiTestCase):
    def test_it_refuses_a_description_of_a_megabyte_without_sending_it_back(self):
        description = "x" * (1024 * 1024)
        response = self.post(
            "/api/v1/cases", self.call_taker, {"summary": "ขอความช่วยเหลือ", "description": description}
        )
        body = self.assertError(response, 400, "invalid_input")
        self.assertEqual([(e["field"], e["code"]) for e in body["errors"]], [("description", "too_long")])
        self.assertLess(len(response.content), 2000)
        self.assertNotIn(b"xxxxxxxxxx", response.content)
        self.assertFalse(Case.objects.exists())
        ok = self.post(
            "/api/v1/cases",
            self.call_taker,
            {"summary": "ขอความช่วยเหลือ", "description": "ก" * DESCRIPTION_MAX},
        )
        self.assertEqual(ok.status_code, 201, ok.content[:500])

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=64 * 1024)
    def test_it_answers_a_body_over_the_limit_in_json_naming_why(self):
        body = json.dumps({"summary": "ขอความช่วยเหลือ", "description": "x" * (100 * 1024)})
        response = self.post("/api/v1/cases", self.call_taker, raw=body)
        self.assertError(response, 400, "request_too_large")
        self.assertFalse(Case.objects.exists())

    def test_it_keeps_a_body_limit_above_the_largest_honest_request(self):
        from django.conf import settings

        largest = json.dumps({"summary": "ก" * 300, "description": "ก" * DESCRIPTION_MAX})  # \u escapes
        self.assertLess(len(largest) * 2, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        self.assertLess(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, 4 * 1024 * 1024)

    def test_it_refuses_an_empty_person(self):
        for payload in ({}, {"first_name_th": "\u200b\u200b", "nickname": "\ufeff"}):
            with self.subTest(payload=payload):
                body = self.assertError(
                    self.post("/api/v1/people", self.call_taker, payload), 400, "name_or_identifier_required"
                )
                self.assertEqual(body["errors"][0]["field"], "first_name_th")
        self.assertFalse(Person.objects.exists())

    def test_it_refuses_nul_in_names_and_summaries(self):
        response = self.post("/api/v1/people", self.call_taker, {"first_name_th": "สม\u0000ศรี"})
        self.assertEqual(response.status_code, 400, response.content[:500])
        self.assertEqual(response.json()["errors"][0]["field"], "first_name_th")
        response = self.post("/api/v1/cases", self.call_taker, {"summary": "ช่วยด้วย\u0000"})
        self.assertEqual(response.status_code, 400, response.content[:500])
        self.assertEqual(response.json()["errors"][0]["field"], "summary")
        self.assertFalse(Person.objects.exists() or Case.objects.exists())

    def test_it_refuses_notes_of_zero_width_characters(self):
        case = self.make_case()
        response = self.post(
            f"/api/v1/cases/{case.number}/notes", self.case_worker, {"body": "\u200b\u200c\u200d"}
        )
        body = self.assertError(response, 400, "required")
        self.assertEqual(body["errors"][0]["field"], "body")
        self.assertFalse(Note.objects.exists())

    def test_it_removes_a_right_to_left_override_so_the_person_is_found(self):
        response = self.post(
            "/api/v1/people", self.call_taker, {"first_name_th": "สม\u202eศรี", "last_name_th": "ใจดี"}
        )
        self.assertEqual(response.status_code, 201, response.content[:500])
        self.assertEqual(response.json()["first_name_th"], "สมศรี")
        found = self.get("/api/v1/people", self.call_taker, q="สมศรี").json()
        self.assertEqual([p["id"] for p in found], [response.json()["id"]])

    def test_it_refuses_a_postal_code_of_another_province(self):
        response = self.post(
            "/api/v1/people",
            self.call_taker,
            {"first_name_th": "สมศรี", "address": {"province_code": "10", "postal_code": "50000"}},
        )
        body = self.assertError(response, 400, "area_mismatch")
        self.assertEqual(body["errors"][0]["field"], "address.postal_code")
        self.assertFalse(Person.objects.exists())

    def test_it_refuses_more_phones_than_a_person_may_have(self):
        phones = [f"08123456{n:02d}" for n in range(6)]
        response = self.post("/api/v1/people", self.call_taker, {"first_name_th": "สมศรี", "phones": phones})
        body = self.assertError(response, 400, "invalid_input")
        self.assertEqual([(e["field"], e["code"]) for e in body["errors"]], [("phones", "too_long")])
        self.assertFalse(Identifier.objects.exists())

    def test_it_names_a_bad_phone_without_echoing_it(self):
        bad = "0812-BAD-PHONE-99"
        response = self.post("/api/v1/people", self.call_taker, {"first_name_th": "สมศรี", "phones": [bad]})
        body = self.assertError(response, 400, "invalid_phone")
        self.assertEqual([(e["field"], e["code"]) for e in body["errors"]], [("phones", "invalid_phone")])
        self.assertNotIn(bad.encode(), response.content)
        self.assertFalse(Person.objects.exists())

    def test_it_names_an_unknown_key_only_in_part(self):
        key = "k" * 10_000
        response = self.post("/api/v1/people", self.call_taker, {"first_name_th": "สมศรี", key: 1})
        body = self.assertError(response, 400, "invalid_input")
        self.assertEqual(body["errors"][0]["code"], "unknown_field")
        self.assertLess(len(response.content), 1000)
