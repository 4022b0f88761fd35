"""The partner API: police, hospital OSCC and the 1111 line send reports into the one intake pipeline."""

from __future__ import annotations

import json
import threading
from typing import Any
from unittest import mock

from django.db import connections
from django.test import Client, TransactionTestCase

from raksa.accounts.models import Role, Service
from raksa.accounts.services import token_create
from raksa.cases.models import AccessLog, Case, CaseParty
from raksa.cases.services import case_close
from raksa.directory.models import Agency, Unit
from raksa.intake.models import Report
from raksa.intake.services import REPORT_TEXT_MAX, report_sweep
from tests.api.base import BAD_NATIONAL_ID, NATIONAL_ID, ApiTestCase
from tests.base import BANGKOK, make_unit, make_user

REPORTS = "/api/v1/reports"
TEXT = "แม่ถูกพ่อทำร้ายร่างกายที่บ้าน เขตบางกะปิ กรุงเทพ"
ANSWER_KEYS = {
    "report_id",
    "state",
    "case_number",
    "tracking_code",
    "public_stage",
    "emergency_type",
    "category",
    "owning_unit",
    "external_ref",
    "triage",
}


class ReportsApiTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        police = Agency.objects.create(
            code="rtp", name_th="สำนักงานตำรวจแห่งชาติ", name_en="Royal Thai Police", kind=Agency.Kind.OFFICE
        )
        cls.police_unit = make_unit("police-10", police, Unit.Kind.OTHER, BANGKOK)
        cls.police = make_user("police_bkk", Role.CASE_WORKER, cls.police_unit)
        cls.hospital = make_user("oscc_bkk", Role.CASE_WORKER, cls.police_unit)

    def send(
        self, body: dict[str, Any], *, key: str | None = "key-1", user: Any = None, raw: str | None = None
    ):
        headers = self.auth(user or self.police)
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(REPORTS, data, content_type="application/json", **headers)

    def assertFieldErrors(
        self, response, expected: list[tuple[str, str]], code: str = "invalid_input"
    ) -> None:
        body = self.assertError(response, 400, code)
        self.assertEqual([(e["field"], e["code"]) for e in body["errors"]], expected)
        for error in body["errors"]:
            self.assertTrue(error["message_th"] and error["message_en"], error)


class ReportCreateTests(ReportsApiTestCase):
    def test_it_opens_a_routed_case_and_answers_what_a_partner_needs(self):
        response = self.send(
            {
                "text": TEXT,
                "category": "family_violence",
                "location": {"province_code": BANGKOK, "text": "ซอยลาดพร้าว 101"},
                "external_ref": "POL-812",
            }
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(set(body), ANSWER_KEYS)
        report = Report.objects.get()
        case = Case.objects.get()
        self.assertEqual(body["report_id"], report.public_id)
        self.assertEqual(body["state"], "processed")
        self.assertEqual(body["case_number"], case.number)
        self.assertEqual(body["tracking_code"], case.tracking_code)
        self.assertEqual(body["public_stage"], "received")
        self.assertIsNone(body["emergency_type"])
        self.assertEqual(body["category"], "family_violence")
        self.assertEqual(body["owning_unit"], "pso-10")  # routed by area, not owned by the police unit
        self.assertEqual(body["external_ref"], "POL-812")
        self.assertEqual(body["triage"], report.triage)
        self.assertEqual(body["triage"]["category"], "family_violence")
        self.assertEqual((report.channel, report.source), ("api", f"api:{self.police.pk}"))
        self.assertEqual(report.submitted_by, self.police)
        self.assertEqual(case.channel, "api")

    def test_the_same_key_and_body_again_answer_200_with_the_same_body_and_make_nothing_new(self):
        body = {"text": TEXT, "reporter": {"name": "สมศรี ใจดี", "phone": "0812345678"}}
        first = self.send(body)
        self.assertEqual(first.status_code, 201, first.content)
        for _ in range(2):
            again = self.send(body)
            self.assertEqual(again.status_code, 200, again.content)
            self.assertEqual(again.json(), first.json())
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(Case.objects.count(), 1)

    def test_the_same_key_with_another_body_is_a_conflict_and_changes_nothing(self):
        first = self.send({"text": TEXT})
        response = self.send({"text": TEXT + " ตอนนี้ยังอยู่ในบ้าน"})
        body = self.assertError(response, 409, "idempotency_key_reused")
        self.assertEqual([e["field"] for e in body["errors"]], ["Idempotency-Key"])
        self.assertIn("idempotency key", body["message_en"].lower())
        self.assertEqual(Report.objects.get().public_id, first.json()["report_id"])
        self.assertEqual(Case.objects.count(), 1)
        # What counts is the report as sent: a different emergency type is a different report too.
        self.assertError(self.send({"text": TEXT, "emergency_type": "threat"}), 409, "idempotency_key_reused")
        self.assertEqual(Report.objects.count(), 1)

    def test_keys_belong_to_each_client(self):
        police = self.send({"text": TEXT}, user=self.police)
        hospital = self.send({"text": TEXT}, user=self.hospital)
        self.assertEqual((police.status_code, hospital.status_code), (201, 201))
        self.assertNotEqual(police.json()["report_id"], hospital.json()["report_id"])
        self.assertEqual(Case.objects.count(), 2)

    def test_it_refuses_a_missing_empty_overlong_or_unprintable_key_naming_the_header(self):
        for key, code in ((None, "required"), ("", "required"), ("k" * 201, "too_long"), ("a\tb", "invalid")):
            with self.subTest(key=key and key[:5]):
                self.assertFieldErrors(self.send({"text": TEXT}, key=key), [("Idempotency-Key", code)])
        self.assertFalse(Report.objects.exists())
        self.assertEqual(
            self.send({"text": TEXT}, key="k" * 200).status_code, 201, "200 characters are allowed"
        )
        self.assertEqual(self.send({"text": TEXT}, key="POL 2569/812").status_code, 201, "spaces inside are")

    def test_it_links_the_reporter_to_the_person_already_known_by_phone(self):
        known = self.make_person(first_name_th="มาลี", last_name_th="สุขใจ", phones=["0891234567"])
        response = self.send({"text": TEXT, "reporter": {"name": "มาลี สุขใจ", "phone": "+66 89 123 4567"}})
        self.assertEqual(response.status_code, 201, response.content)
        case = Case.objects.get(number=response.json()["case_number"])
        self.assertEqual(case.parties.get(role=CaseParty.Role.REPORTER).person, known)
        # The answer names nobody: the partner gets the case, not the person index.
        self.assertNotIn(known.public_id, response.content.decode())
        self.assertNotIn("0891234567", response.content.decode())

    def test_an_anonymous_report_records_no_reporter(self):
        response = self.send({"text": TEXT, "anonymous": True, "reporter": {"phone": "0812345678"}})
        case = Case.objects.get(number=response.json()["case_number"])
        self.assertFalse(case.parties.filter(role=CaseParty.Role.REPORTER).exists())

    def test_an_emergency_with_no_words_opens_a_case_awaiting_dispatch(self):
        response = self.send(
            {
                "text": "",
                "emergency_type": "frenzy",
                "location": {"latitude": 13.7563, "longitude": 100.5018, "text": "ตลาดบางกะปิ"},
            }
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["emergency_type"], "frenzy")
        self.assertIsNone(body["triage"])  # nothing to read
        case = Case.objects.get(number=body["case_number"])
        self.assertEqual(case.urgency, "emergency")
        self.assertEqual(str(case.latitude), "13.756300")
        self.assertEqual(body["owning_unit"], case.owning_unit.code)
        # Handed to dispatch: sent to the unit its point routes to (this test directory gives it no contacts,
        # so the alert climbs at once, as tests/dispatch shows).
        self.assertEqual(case.dispatches.get(level=0).unit, case.owning_unit)

    def test_volunteers_and_telephony_accounts_may_not_use_it(self):
        volunteer = make_user("volunteer_bkk", Role.VOLUNTEER, self.bkk_office)
        telephony = make_user("pbx", Role.CALL_TAKER, self.centre)
        telephony.service = Service.TELEPHONY
        telephony.save()
        for user in (volunteer, telephony):
            with self.subTest(user=user.username):
                self.assertError(self.send({"text": TEXT}, user=user), 403, "forbidden")
        self.assertFalse(Report.objects.exists())

    def test_it_needs_a_staff_token(self):
        response = self.client.post(
            REPORTS, json.dumps({"text": TEXT}), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
        )
        self.assertError(response, 401, "unauthorized")
        self.assertError(self.send({"text": TEXT}, user=self.outsider), 403, "forbidden")
        self.assertFalse(Report.objects.exists())


class ReportInputTests(ReportsApiTestCase):
    def assertRefused(self, body: dict[str, Any], expected: list[tuple[str, str]], code: str) -> None:
        self.assertFieldErrors(self.send(body), expected, code)
        self.assertFalse(Report.objects.exists())
        self.assertFalse(Case.objects.exists())

    def test_it_refuses_unknown_fields_at_any_depth(self):
        self.assertRefused(
            {"text": TEXT, "urgent": True, "reporter": {"nationalid": NATIONAL_ID}},
            [("reporter.nationalid", "unknown_field"), ("urgent", "unknown_field")],
            "invalid_input",
        )

    def test_it_refuses_a_missing_text_and_wrong_types(self):
        self.assertRefused({}, [("text", "required")], "invalid_input")
        self.assertRefused(
            {"text": TEXT, "anonymous": "yes", "location": {"latitude": "13.7", "longitude": 100.5}},
            [("location.latitude", "invalid"), ("anonymous", "invalid")],
            "invalid_input",
        )
        self.assertRefused({"text": "   "}, [("text", "required")], "required")

    def test_it_refuses_an_unknown_emergency_type_or_category(self):
        self.assertRefused(
            {"text": TEXT, "emergency_type": "fire", "category": "noise"},
            [("emergency_type", "invalid_choice"), ("category", "invalid_choice")],
            "invalid_input",
        )

    def test_it_refuses_a_national_id_with_a_wrong_check_digit(self):
        self.assertRefused(
            {"text": TEXT, "subject": {"name": "สมศรี ใจดี", "national_id": BAD_NATIONAL_ID}},
            [("subject.national_id", "invalid_national_id")],
            "invalid_national_id",
        )

    def test_it_refuses_a_malformed_phone(self):
        self.assertRefused(
            {"text": TEXT, "reporter": {"phone": "08123"}},
            [("reporter.phone", "invalid_phone")],
            "invalid_phone",
        )

    def test_it_names_every_bad_field_at_once(self):
        response = self.send(
            {
                "text": TEXT,
                "reporter": {"phone": "12345", "national_id": BAD_NATIONAL_ID},
                "subject": {"phone": "0812"},
            }
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            sorted(e["field"] for e in response.json()["errors"]),
            ["reporter.national_id", "reporter.phone", "subject.phone"],
        )

    def test_it_refuses_coordinates_out_of_range(self):
        self.assertRefused(
            {"text": TEXT, "location": {"latitude": 91, "longitude": -181}},
            [("location.latitude", "out_of_range"), ("location.longitude", "out_of_range")],
            "invalid_input",
        )

    def test_it_refuses_coordinates_outside_thailand(self):
        for latitude, longitude in ((48.8566, 2.3522), (1.3521, 103.8198), (13.75, 95.0)):
            with self.subTest(latitude=latitude, longitude=longitude):
                self.assertRefused(
                    {"text": TEXT, "location": {"latitude": latitude, "longitude": longitude}},
                    [("location.latitude", "outside_thailand")],
                    "outside_thailand",
                )

    def test_it_refuses_one_coordinate_without_the_other(self):
        self.assertRefused(
            {"text": TEXT, "location": {"latitude": 13.75}}, [("location.longitude", "required")], "required"
        )

    def test_it_refuses_area_codes_geothai_does_not_know(self):
        self.assertRefused(
            {"text": TEXT, "location": {"province_code": "99"}},
            [("location.province_code", "unknown_area")],
            "unknown_area",
        )
        self.assertRefused(
            {"text": TEXT, "location": {"province_code": BANGKOK, "district_code": "1099"}},
            [("location.district_code", "unknown_area")],
            "unknown_area",
        )
        self.assertRefused(
            {"text": TEXT, "location": {"province_code": "1"}},
            [("location.province_code", "invalid")],
            "invalid_input",
        )

    def test_it_refuses_text_over_the_limit_without_echoing_it(self):
        self.assertRefused({"text": "ก" * (REPORT_TEXT_MAX + 1)}, [("text", "too_long")], "invalid_input")
        self.assertNotIn("กกกกกกกกกก", self.send({"text": "ก" * (REPORT_TEXT_MAX + 1)}).content.decode())
        self.assertRefused(
            {"text": TEXT, "location": {"text": "ก" * 501}}, [("location.text", "too_long")], "invalid_input"
        )
        self.assertEqual(self.send({"text": "ก" * REPORT_TEXT_MAX}).status_code, 201)

    def test_it_answers_in_thai_and_english(self):
        body = self.assertError(
            self.send({"text": TEXT, "location": {"latitude": 48.85, "longitude": 2.35}}),
            400,
            "outside_thailand",
        )
        self.assertIn("ประเทศไทย", body["errors"][0]["message_th"])
        self.assertIn("Thailand", body["errors"][0]["message_en"])

    def test_a_body_that_is_not_json_is_refused(self):
        self.assertError(self.send({}, raw="{text:"), 400, "malformed_body")
        self.assertFalse(Report.objects.exists())


class ReportFailureTests(ReportsApiTestCase):
    def test_a_processing_failure_keeps_the_report_and_answers_without_a_case(self):
        body = {"text": "มีคนคลุ้มคลั่งทุบรถ", "emergency_type": "frenzy", "location": {"province_code": BANGKOK}}
        with mock.patch(
            "raksa.intake.services.dispatch_request", side_effect=RuntimeError("dispatch is down")
        ):
            response = self.send(body)
        self.assertEqual(response.status_code, 201, response.content)
        answer = response.json()
        self.assertEqual(answer["state"], "failed")
        self.assertEqual(
            [answer[k] for k in ("case_number", "tracking_code", "public_stage", "owning_unit", "triage")],
            [None] * 5,
        )
        self.assertEqual(answer["emergency_type"], "frenzy")  # as sent, until a case exists
        self.assertFalse(Case.objects.exists())

        # The partner retries with the same key: still the one report, not yet a case.
        with mock.patch("raksa.intake.services.dispatch_request", side_effect=RuntimeError("still down")):
            again = self.send(body)
        self.assertEqual((again.status_code, again.json()["state"]), (200, "failed"))

        report_sweep(now=Report.objects.get().next_attempt_at)  # the worker's retry
        read = self.get(f"{REPORTS}/{answer['report_id']}", self.police).json()
        self.assertEqual(read["state"], "processed")
        self.assertEqual(read["case_number"], Case.objects.get().number)
        self.assertEqual(self.send(body).json(), read)  # and the key now answers with the case
        self.assertEqual(Report.objects.count(), 1)

    def test_a_report_stored_by_a_request_that_died_is_processed_by_the_retry(self):
        from raksa.intake.services import report_submit

        stored = report_submit(
            channel="api",
            source=f"api:{self.police.pk}",
            idempotency_key="key-1",
            text=TEXT,
            actor=self.police,
            process=False,
        ).report
        self.assertEqual(stored.state, Report.State.RECEIVED)
        response = self.send({"text": TEXT})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["state"], "processed")
        self.assertEqual(Case.objects.count(), 1)


class ReportReadTests(ReportsApiTestCase):
    def test_the_client_reads_its_report_back_and_the_read_is_logged(self):
        made = self.send({"text": TEXT, "reporter": {"phone": "0812345678"}}).json()
        response = self.get(f"{REPORTS}/{made['report_id']}", self.police)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), made)
        case = Case.objects.get()
        logged = AccessLog.objects.filter(user=self.police, case=case)
        self.assertEqual(list(logged.values_list("action", "channel")), [("case_view", "api")])

    def test_it_follows_the_case_as_it_moves(self):
        made = self.send({"text": TEXT}).json()
        case_close(actor=self.case_worker, case=Case.objects.get(), outcome="ช่วยเหลือแล้ว")
        self.assertEqual(
            self.get(f"{REPORTS}/{made['report_id']}", self.police).json()["public_stage"], "closed"
        )

    def test_staff_who_see_the_case_may_read_it_and_no_one_else(self):
        made = self.send({"text": TEXT}).json()
        path = f"{REPORTS}/{made['report_id']}"
        self.assertEqual(self.get(path, self.case_worker).status_code, 200)  # the owning office
        self.assertEqual(self.get(path, self.call_taker).status_code, 200)  # the 1300 centre
        missing = self.assertError(self.get(f"{REPORTS}/nosuchreport0000000", self.police), 404, "not_found")
        for user in (self.hospital, self.other_province_worker):
            with self.subTest(user=user.username):
                hidden = self.assertError(self.get(path, user), 404, "not_found")
                self.assertEqual(hidden, missing)  # a hidden report looks exactly like a missing one
        self.assertFalse(
            AccessLog.objects.filter(user__in=[self.hospital, self.other_province_worker]).exists()
        )

    def test_a_report_not_yet_a_case_is_only_for_its_client(self):
        with mock.patch("raksa.intake.services.dispatch_request", side_effect=RuntimeError("down")):
            made = self.send({"text": "", "emergency_type": "threat"}).json()
        path = f"{REPORTS}/{made['report_id']}"
        self.assertEqual(self.get(path, self.police).json()["state"], "failed")
        self.assertError(self.get(path, self.call_taker), 404, "not_found")
        self.assertFalse(AccessLog.objects.exists())  # no case was shown


class ConcurrentReportTests(TransactionTestCase):
    """A partner's retry racing its first request (a timeout on its side): exactly one report and one case."""

    CLIENTS = 8

    def setUp(self) -> None:
        ops = Agency.objects.create(code="ops", name_th="สำนักงาน", name_en="Office", kind=Agency.Kind.OFFICE)
        police = Agency.objects.create(code="rtp", name_th="ตำรวจ", name_en="Police", kind=Agency.Kind.OFFICE)
        make_unit("pso-10", ops, Unit.Kind.PROVINCIAL_OFFICE, BANGKOK, (BANGKOK,))
        self.police = make_user(
            "police_bkk", Role.CASE_WORKER, make_unit("police-10", police, Unit.Kind.OTHER)
        )
        self.token = token_create(user=self.police, name="tests")

    def test_identical_requests_at_once_make_one_report(self):
        body = json.dumps(
            {"text": TEXT, "reporter": {"phone": "0812345678"}, "location": {"province_code": "10"}}
        )
        barrier = threading.Barrier(self.CLIENTS)
        answers: list[tuple[int, dict]] = []
        failures: list[str] = []
        lock = threading.Lock()

        def send() -> None:
            try:
                client = Client()
                barrier.wait(timeout=60)
                response = client.post(
                    REPORTS,
                    body,
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {self.token}",
                    HTTP_IDEMPOTENCY_KEY="ticket-812",
                )
                with lock:
                    answers.append((response.status_code, response.json()))
            except Exception as exc:  # every failure is the test's finding
                with lock:
                    failures.append(f"{type(exc).__name__}: {exc}")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=send) for _ in range(self.CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        self.assertEqual(failures, [])
        self.assertEqual(sorted(status for status, _ in answers), [200] * (self.CLIENTS - 1) + [201])
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(Case.objects.count(), 1)
        report = Report.objects.get()
        case = Case.objects.get()
        for _, answer in answers:
            self.assertEqual(answer["report_id"], report.public_id)
            self.assertEqual((answer["state"], answer["case_number"]), ("processed", case.number))


class ReportDocumentationTests(ReportsApiTestCase):
    def test_the_schema_requires_the_header_and_its_examples_are_accepted(self):
        operation = self.client.get("/api/v1/openapi.json").json()["paths"][REPORTS]["post"]
        header = next(p for p in operation["parameters"] if p["in"] == "header")
        self.assertEqual((header["name"], header["required"]), ("Idempotency-Key", True))
        self.assertIn("idempotency_key_reused", operation["responses"]["409"]["description"])
        examples = operation["requestBody"]["content"]["application/json"]["examples"]
        self.assertEqual(set(examples), {"emergency", "referral"})
        for name, example in examples.items():
            with self.subTest(example=name):
                response = self.send(example["value"], key=f"example-{name}")
                self.assertEqual(response.status_code, 201, response.content)
                self.assertEqual(response.json()["state"], "processed")
