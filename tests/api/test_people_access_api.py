"""The people API under the need-to-know rule: full or limited answers saying which, public ids only, breaking
the glass, and the hourly limit in the API's error shape."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import SimpleTestCase, override_settings

from raksa.accounts.models import Notice, Role
from raksa.cases.models import AccessLog, BreakGlass
from tests.api.base import NATIONAL_ID, ApiTestCase
from tests.base import BANGKOK, make_user

PHONE = "0812345678"
ADDRESS = "12 ถนนพระราม 4"
REASON = "ผู้ป่วยถูกส่งตัวมาที่เชียงใหม่ ต้องติดต่อญาติตามที่อยู่เดิม"
NOON = dt.datetime(2026, 3, 2, 12, 10, tzinfo=dt.UTC)


class PeopleAccessApiCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.person = self.make_person(
            nickname="ศรี",
            sex="female",
            birth_date="1980-05-01",
            national_id=NATIONAL_ID,
            phones=[PHONE],
            address={"text": ADDRESS, "province_code": BANGKOK},
        )
        self.case = self.make_case(subject=self.person)
        self.url = f"/api/v1/people/{self.person.public_id}"

    def assertNothingIdentifying(self, response) -> None:
        raw = response.content.decode()
        for secret in (
            NATIONAL_ID,
            PHONE,
            ADDRESS,
            self.case.number,
            self.case.tracking_code,
            "family_violence",
        ):
            self.assertNotIn(secret, raw)
        for key in ('"identifiers"', '"addresses"', '"cases"', '"nickname": "', '"birth_date"'):
            self.assertNotIn(key, raw)


class PeopleAccessApiTests(PeopleAccessApiCase):
    def test_it_answers_the_full_record_and_says_so(self) -> None:
        body = self.get(self.url, self.case_worker).json()
        self.assertEqual(body["access"], "full")
        self.assertEqual(body["id"], self.person.public_id)
        self.assertIn(("national_id", NATIONAL_ID), {(i["kind"], i["value"]) for i in body["identifiers"]})
        self.assertEqual([c["number"] for c in body["cases"]], [self.case.number])
        self.assertIsNone(body["break_glass_until"])

    def test_it_answers_a_limited_view_to_a_worker_in_another_province(self) -> None:
        response = self.get(self.url, self.other_province_worker)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(
            {k: body[k] for k in ("access", "id", "display_name", "birth_year", "province_code")},
            {
                "access": "limited",
                "id": self.person.public_id,
                "display_name": "สมศรี ใจดี",
                "birth_year": 1980,
                "province_code": BANGKOK,
            },
        )
        self.assertEqual(
            body["agencies"], [{"code": "ops", "name_th": self.ops.name_th, "name_en": self.ops.name_en}]
        )
        self.assertNothingIdentifying(response)
        log = AccessLog.objects.get(user=self.other_province_worker)
        self.assertEqual((log.action, log.person, log.channel), ("person_view_limited", self.person, "api"))

    def test_it_answers_404_for_a_row_id_and_for_a_responder_or_outsider(self) -> None:
        for path in (f"/api/v1/people/{self.person.pk}", "/api/v1/people/1", "/api/v1/people/2"):
            with self.subTest(path=path):
                self.assertError(self.get(path, self.call_taker), 404, "not_found")
        self.assertError(self.get(self.url, self.responder), 404, "not_found")
        self.assertError(self.get(self.url, self.outsider), 403, "forbidden")  # no unit: no API at all
        self.assertFalse(AccessLog.objects.exists())

    def test_it_marks_each_search_result_with_what_the_caller_may_see(self) -> None:
        response = self.get("/api/v1/people", self.other_province_worker, q=PHONE)
        self.assertEqual(response.status_code, 200, response.content)
        (found,) = response.json()
        self.assertEqual((found["id"], found["access"]), (self.person.public_id, "limited"))
        self.assertEqual((found["nickname"], found["sex"]), (None, None))
        self.assertNothingIdentifying(response)

        (full,) = self.get("/api/v1/people", self.case_worker, q=PHONE).json()
        self.assertEqual((full["access"], full["nickname"], full["sex"]), ("full", "ศรี", "female"))

    def test_it_finds_for_a_responder_only_the_people_on_their_cases(self) -> None:
        self.assertEqual(self.get("/api/v1/people", self.responder, q=NATIONAL_ID).json(), [])
        self.assertEqual(self.get("/api/v1/people", self.responder, q="สมศรี").json(), [])

    def test_it_takes_public_ids_for_the_people_on_a_new_case(self) -> None:
        row_id = self.post(
            "/api/v1/cases", self.call_taker, {"summary": "ขอความช่วยเหลือ", "subject_id": str(self.person.pk)}
        )
        self.assertEqual(self.assertError(row_id, 400, "unknown_person")["errors"][0]["field"], "subject_id")
        ok = self.post(
            "/api/v1/cases",
            self.call_taker,
            {"summary": "ขอความช่วยเหลือ", "subject_id": self.person.public_id},
        )
        self.assertEqual(ok.status_code, 201, ok.content)
        self.assertEqual(ok.json()["parties"][0]["person"]["id"], self.person.public_id)


class BreakGlassApiTests(PeopleAccessApiCase):
    def glass(self, user, reason: str = REASON):
        return self.post(f"{self.url}/break-glass", user, {"reason": reason})

    def test_it_refuses_a_short_reason_with_thai_and_english(self) -> None:
        body = self.assertError(self.glass(self.other_province_worker, "ด่วน"), 400, "invalid_input")
        self.assertEqual([e["field"] for e in body["errors"]], ["reason"])
        self.assertIn("10 characters", body["errors"][0]["message_en"])
        self.assertError(self.glass(self.other_province_worker, ""), 400, "invalid_input")
        # Long enough as sent, not as read: the schema cannot count invisible characters, the service does.
        body = self.assertError(
            self.glass(self.other_province_worker, "ด่วน" + "\u200b" * 10), 400, "too_short"
        )
        self.assertEqual(body["errors"][0]["field"], "reason")
        self.assertFalse(BreakGlass.objects.exists())

    def test_it_opens_the_full_record_until_the_grant_expires(self) -> None:
        with time_machine.travel(NOON, tick=False):
            response = self.glass(self.other_province_worker)
            self.assertEqual(response.status_code, 201, response.content)
            body = response.json()
            self.assertEqual(body["access"], "full")
            self.assertIn(("phone", PHONE), {(i["kind"], i["value"]) for i in body["identifiers"]})
            self.assertEqual(body["cases"], [])  # the case stays Bangkok's
            self.assertEqual(
                dt.datetime.fromisoformat(body["break_glass_until"]), NOON + dt.timedelta(hours=4)
            )
            again = self.get(self.url, self.other_province_worker).json()
            self.assertEqual(again["access"], "full")
        with time_machine.travel(NOON + dt.timedelta(hours=4), tick=False):
            self.assertEqual(self.get(self.url, self.other_province_worker).json()["access"], "limited")
        grant = BreakGlass.objects.get()
        marked = AccessLog.objects.filter(break_glass=grant).values_list("action", "channel")
        self.assertEqual(list(marked.order_by("id")), [("break_glass", "api"), ("person_view", "api")])
        self.assertEqual(list(Notice.objects.values_list("recipient", flat=True)), [self.supervisor.pk])

    def test_it_answers_409_when_the_caller_already_sees_the_record(self) -> None:
        self.assertError(self.glass(self.case_worker), 409, "break_glass_not_needed")

    def test_it_answers_404_for_a_responder(self) -> None:
        self.assertError(self.glass(self.responder), 404, "not_found")


@override_settings(RAKSA_PERSON_VIEWS_PER_HOUR=2)
class PersonViewLimitApiTests(PeopleAccessApiCase):
    def test_it_answers_429_in_the_error_shape_and_alerts_once(self) -> None:
        cm_supervisor = make_user("supervisor_cm", Role.SUPERVISOR, self.cm_office)
        with time_machine.travel(NOON, tick=False):
            self.assertEqual(self.get(self.url, self.other_province_worker).status_code, 200)
            self.assertEqual(
                self.get("/api/v1/people", self.other_province_worker, q="สมศรี").status_code, 200
            )
            response = self.get(self.url, self.other_province_worker)
            body = self.assertError(response, 429, "too_many_person_views")
            self.assertEqual(response["Retry-After"], str(50 * 60))
            self.assertIn("ครั้งในชั่วโมงนี้", body["message_th"])
            self.assertIn("this hour", body["message_en"])
            self.assertError(
                self.get("/api/v1/people", self.other_province_worker, q="x"), 429, "too_many_person_views"
            )
            # Guessing ids is counted and refused as well.
            self.assertError(
                self.get("/api/v1/people/1", self.other_province_worker), 429, "too_many_person_views"
            )
        self.assertEqual(
            list(Notice.objects.values_list("recipient", "kind")), [(cm_supervisor.pk, "person_views_limit")]
        )


class PeopleAccessSchemaTests(SimpleTestCase):
    def test_it_documents_both_views_and_breaking_the_glass(self) -> None:
        schema = self.client.get("/api/v1/openapi.json").json()
        get = schema["paths"]["/api/v1/people/{person_id}"]["get"]
        views = get["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"]
        self.assertEqual(
            {v["$ref"] for v in views},
            {"#/components/schemas/PersonOut", "#/components/schemas/PersonLimitedOut"},
        )
        self.assertIn("429", get["responses"])
        components = schema["components"]["schemas"]
        self.assertEqual(components["PersonLimitedOut"]["properties"]["access"]["const"], "limited")
        self.assertEqual(components["PersonOut"]["properties"]["access"]["const"], "full")
        for forbidden in ("identifiers", "addresses", "cases", "nickname", "birth_date"):
            self.assertNotIn(forbidden, components["PersonLimitedOut"]["properties"])
        self.assertEqual(set(schema["paths"]["/api/v1/people/{person_id}/break-glass"]), {"post"})
        self.assertIn("`too_many_person_views`", schema["info"]["description"])
