"""The one intake pipeline: stored first, idempotent, people found or left for a human, a case made or chosen,
emergencies handed to dispatch, failures kept and retried, several reports of one incident joined."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from raksa.cases.models import Attachment, Case, CaseParty, Status
from raksa.core.errors import Conflict, InvalidInput
from raksa.directory.models import Contact
from raksa.intake.models import Consent, Report, ReportFile
from raksa.intake.selectors import incident_candidates
from raksa.intake.services import (
    SAFETY_NET_SECONDS,
    SWEEP_CLAIM_SECONDS,
    incident_join,
    report_process,
    report_submit,
    report_sweep,
)
from raksa.people.models import Person
from raksa.people.services import person_create
from tests.base import BANGKOK, RaksaTestCase, at_most_queries, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def submit(**fields):
    fields.setdefault("channel", "api")
    fields.setdefault("source", "api:test")
    fields.setdefault("idempotency_key", "key-1")
    fields.setdefault("text", "แม่ถูกพ่อทำร้ายร่างกายที่บ้าน เขตบางกะปิ กรุงเทพ")
    return report_submit(**fields)


class ReportSubmitTests(RaksaTestCase):
    def test_it_stores_the_report_as_received_and_opens_a_case(self):
        result = submit(
            category="family_violence",
            reporter={"name": "สมศรี ใจดี", "phone": "+66 81 234 5678"},
            location={"text": "ซอยลาดพร้าว 101", "province_code": BANGKOK},
            external_ref="OSCC-7",
        )
        report = result.report
        self.assertTrue(result.created)
        self.assertEqual(report.state, Report.State.PROCESSED)
        self.assertEqual(report.text, "แม่ถูกพ่อทำร้ายร่างกายที่บ้าน เขตบางกะปิ กรุงเทพ")
        self.assertEqual(report.payload["reporter"], {"name": "สมศรี ใจดี", "phone": "0812345678"})
        self.assertEqual(report.payload["external_ref"], "OSCC-7")
        case = report.case
        self.assertEqual(case.category, "family_violence")
        self.assertEqual(case.province_code, BANGKOK)
        self.assertEqual(case.channel, "api")
        self.assertEqual(report.triage["category"], "family_violence")
        reporter = case.parties.get(role=CaseParty.Role.REPORTER).person
        self.assertEqual(reporter.first_name_th, "สมศรี")

    def test_the_same_key_and_body_make_one_report_and_one_case(self):
        first = submit()
        again = submit()
        self.assertFalse(again.created)
        self.assertEqual(first.report.pk, again.report.pk)
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(Case.objects.count(), 1)

    def test_the_same_key_with_another_body_is_a_conflict_and_changes_nothing(self):
        first = submit()
        with self.assertRaises(Conflict) as caught:
            submit(text="อีกเรื่องหนึ่ง")
        self.assertEqual(caught.exception.code, "idempotency_key_reused")
        self.assertEqual(Report.objects.get().pk, first.report.pk)
        self.assertEqual(Case.objects.count(), 1)

    def test_keys_of_two_sources_never_collide(self):
        submit(source="api:1")
        submit(source="api:2")
        self.assertEqual(Case.objects.count(), 2)

    def test_it_links_the_reporter_to_the_person_already_known_by_phone(self):
        known = person_create(
            actor=self.call_taker, first_name_th="มาลี", last_name_th="สุขใจ", phones=["0891234567"]
        )
        report = submit(reporter={"name": "มาลี", "phone": "089-123-4567"}).report
        self.assertEqual(report.case.parties.get(role="reporter").person, known)
        self.assertEqual(Person.objects.count(), 1)

    def test_a_similar_name_is_left_for_a_human_not_merged_or_duplicated(self):
        known = person_create(actor=self.call_taker, first_name_th="มาลี", last_name_th="สุขใจ")
        report = submit(subject={"name": "มาลี สุขใจ"}, location={"province_code": BANGKOK}).report
        self.assertEqual(report.state, Report.State.PROCESSED)
        self.assertFalse(report.case.parties.filter(role="subject").exists())
        self.assertEqual(report.review["subject"]["candidates"], [known.public_id])
        self.assertEqual(Person.objects.count(), 1)

    def test_an_anonymous_report_attaches_no_reporter(self):
        report = submit(anonymous=True, reporter={"name": "ไม่ประสงค์ออกนาม", "phone": "0812345678"}).report
        self.assertFalse(report.case.parties.exists())
        self.assertEqual(report.payload["reporter"]["phone"], "0812345678")

    def test_an_emergency_awaits_dispatch(self):
        report = submit(
            text="", emergency_type="threat", location={"latitude": 13.75, "longitude": 100.5}
        ).report
        case = report.case
        self.assertEqual(case.emergency_type, "threat")
        self.assertEqual(case.urgency, "emergency")
        self.assertEqual(str(case.latitude), "13.750000")
        self.assertTrue(case.summary.startswith("แจ้งเหตุฉุกเฉิน"))
        self.assertTrue(case.dispatches.exists())  # handed to dispatch

    def test_an_emergency_with_a_location_from_a_line_chat_is_stored_and_dispatched_in_at_most_34_statements(
        self,
    ):
        # 28 on PostgreSQL outside a transaction (bench/report_cost.py); here, inside the test's transaction, the
        # report's insert takes a savepoint and SQLite numbers cases with a locked row instead of a sequence.
        Contact.objects.create(
            unit=self.bkk_rapid, kind=Contact.Kind.LINE_GROUP, value="C" + "a1" * 16, on_call=True
        )
        submit(idempotency_key="first")  # the directory's cache and the year's number row, made once
        with at_most_queries(self, 34):
            report = submit(
                channel="line",
                source="line",
                text="มีคนถือมีดขู่อยู่หน้าบ้าน",
                reporter={"line_user_id": "U" + "0" * 32},
                emergency_type="threat",
                location={"latitude": 13.75, "longitude": 100.53},
            ).report
        case = report.case
        self.assertEqual((report.state, case.public_stage), (Report.State.PROCESSED, "forwarded"))
        self.assertEqual(case.dispatches.get().state, "alerted")
        self.assertEqual(case.notice_subscriptions.get().address, "U" + "0" * 32)
        self.assertEqual(
            list(case.events.values_list("kind", flat=True)), ["created", "party_added", "dispatch_alerted"]
        )

    def test_triage_finds_an_emergency_nobody_named(self):
        report = submit(text="มีผู้ชายถือมีดขู่จะฆ่าแม่อยู่หน้าบ้าน ช่วยด้วย").report
        self.assertEqual(report.case.emergency_type, "threat")
        self.assertTrue(report.case.dispatches.exists())  # handed to dispatch

    def test_a_person_saying_none_overrides_triage(self):
        report = submit(text="มีผู้ชายถือมีดขู่จะฆ่าแม่อยู่หน้าบ้าน", emergency_type="", category="other").report
        self.assertEqual(report.case.emergency_type, "")
        self.assertEqual(report.case.category, "other")

    def test_photos_are_kept_with_the_report_and_put_on_the_case(self):
        photo = SimpleUploadedFile("หลักฐาน.png", PNG, content_type="image/png")
        report = submit(files=[photo]).report
        self.assertEqual(ReportFile.objects.get(report=report).content_type, "image/png")
        attachment = Attachment.objects.get(case=report.case)
        self.assertIsNone(attachment.uploaded_by)
        self.assertEqual(attachment.original_name, "หลักฐาน.png")

    def test_a_report_without_files_never_reads_the_files_table_and_one_stored_before_the_count_does(self):
        with CaptureQueriesContext(connection) as queries:
            report = submit().report
        self.assertEqual(report.payload["files"], 0)
        self.assertFalse([q for q in queries.captured_queries if "intake_reportfile" in q["sql"]])
        # A report stored before the count was kept, with a photo: processing still finds and attaches it.
        older = submit(
            idempotency_key="key-2",
            files=[SimpleUploadedFile("a.png", PNG, content_type="image/png")],
            process=False,
        ).report
        del older.payload["files"]
        older.save(update_fields=["payload"])
        report_process(report=older)
        older.refresh_from_db()
        self.assertEqual(Attachment.objects.filter(case=older.case).count(), 1)


class ReportInputTests(RaksaTestCase):
    def assert_refused(self, field: str, code: str | None = None, **fields):
        with self.assertRaises(InvalidInput) as caught:
            submit(**fields)
        fields_at_fault = [e.field for e in caught.exception.errors]
        self.assertIn(field, fields_at_fault)
        error = next(e for e in caught.exception.errors if e.field == field)
        if code:
            self.assertEqual(error.code, code)
        self.assertTrue(error.message_th and error.message_en)
        self.assertEqual((Report.objects.count(), Case.objects.count(), Person.objects.count()), (0, 0, 0))

    def test_it_refuses_bad_input_naming_the_field_and_saves_nothing(self):
        self.assert_refused("text", "too_long", text="ก" * 20_001)
        self.assert_refused("text", "required", text="  ")
        self.assert_refused("emergency_type", "invalid_choice", emergency_type="fire")
        self.assert_refused("category", "invalid_choice", category="weather")
        self.assert_refused("reporter.national_id", reporter={"national_id": "1234567890123"})
        self.assert_refused("reporter.phone", reporter={"phone": "12"})
        self.assert_refused("location.latitude", "out_of_range", location={"latitude": 91, "longitude": 100})
        self.assert_refused(
            "location.latitude", "outside_thailand", location={"latitude": 35.6, "longitude": 139.7}
        )
        self.assert_refused("location.longitude", location={"latitude": 13.7})
        self.assert_refused("location.province_code", "unknown_area", location={"province_code": "99"})
        self.assert_refused("idempotency_key", idempotency_key="")

    def test_it_names_every_bad_field_at_once(self):
        with self.assertRaises(InvalidInput) as caught:
            submit(emergency_type="fire", reporter={"phone": "12"}, location={"province_code": "99"})
        self.assertEqual(
            {e.field for e in caught.exception.errors},
            {"emergency_type", "reporter.phone", "location.province_code"},
        )

    def test_it_refuses_a_file_that_is_not_a_picture_by_its_bytes(self):
        fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script>", content_type="image/jpeg")
        self.assert_refused("files.0", "file_type_not_allowed", files=[fake])

    @override_settings(RAKSA_REPORT_FILE_MAX_BYTES=100)
    def test_it_refuses_a_picture_over_the_limit(self):
        big = SimpleUploadedFile("big.png", PNG + b"\x00" * 200, content_type="image/png")
        self.assert_refused("files.0", "file_too_large", files=[big])

    def test_it_refuses_a_sixth_picture(self):
        photos = [
            SimpleUploadedFile(f"{i}.png", PNG + bytes([i]), content_type="image/png") for i in range(6)
        ]
        self.assert_refused("files", "too_many_files", files=photos)


class ProcessingFailureTests(RaksaTestCase):
    def test_a_failure_keeps_the_report_with_its_error_and_the_worker_retries_it(self):
        with mock.patch(
            "raksa.intake.services.dispatch_request", side_effect=RuntimeError("dispatch is down")
        ):
            report = submit(emergency_type="frenzy", text="มีคนคลุ้มคลั่งทุบรถ").report
        report.refresh_from_db()
        self.assertEqual(report.state, Report.State.FAILED)
        self.assertIn("dispatch is down", report.last_error)
        self.assertEqual(report.attempts, 1)
        self.assertIsNotNone(report.next_attempt_at)
        self.assertEqual(
            Case.objects.count(), 0
        )  # the case was rolled back with the failed step, not half-made

        self.assertEqual(report_sweep(), 0)  # not before its retry time
        self.assertEqual(report_sweep(now=report.next_attempt_at), 1)
        report.refresh_from_db()
        self.assertEqual(report.state, Report.State.PROCESSED)
        self.assertEqual(report.last_error, "")
        self.assertEqual(Case.objects.count(), 1)
        self.assertEqual(report_sweep(now=report.created_at + dt.timedelta(days=1)), 0)  # nothing left to do
        self.assertEqual(Case.objects.count(), 1)

    def test_each_failure_waits_longer_before_the_next_try(self):
        with mock.patch("raksa.intake.services.dispatch_request", side_effect=RuntimeError("down")):
            report = submit(emergency_type="frenzy", text="มีคนคลุ้มคลั่ง").report
            waits = []
            for _ in range(3):
                report.refresh_from_db()
                waits.append(report.next_attempt_at - report.updated_at)
                with time_machine.travel(report.next_attempt_at, tick=False):
                    self.assertEqual(report_sweep(), 1)
        report.refresh_from_db()
        self.assertEqual((report.state, report.attempts), (Report.State.FAILED, 4))
        self.assertEqual([round(w.total_seconds()) for w in waits], [30, 120, 480])

    def test_a_retried_submission_of_a_failed_report_makes_no_second_report(self):
        with mock.patch("raksa.intake.services.dispatch_request", side_effect=RuntimeError("down")):
            submit(emergency_type="frenzy", text="มีคนคลุ้มคลั่ง")
            again = submit(emergency_type="frenzy", text="มีคนคลุ้มคลั่ง")
        self.assertFalse(again.created)
        self.assertEqual(Report.objects.count(), 1)

    def test_a_report_whose_request_died_before_processing_is_swept_up_after_a_minute(self):
        report = submit(process=False).report
        self.assertEqual(report.state, Report.State.RECEIVED)
        self.assertEqual(report_sweep(), 0)  # the request that stored it may still be processing it
        later = report.created_at + dt.timedelta(seconds=SAFETY_NET_SECONDS)
        self.assertEqual(report_sweep(now=later), 1)
        report.refresh_from_db()
        self.assertEqual(report.state, Report.State.PROCESSED)
        self.assertEqual(Case.objects.count(), 1)

    def test_a_report_claimed_by_one_sweep_is_left_alone_by_another(self):
        report = submit(process=False).report
        later = report.created_at + dt.timedelta(seconds=SAFETY_NET_SECONDS)
        with mock.patch("raksa.intake.services.report_process_attempt") as other_worker_busy:
            self.assertEqual(report_sweep(now=later), 1)  # claimed; its worker died while processing it
        other_worker_busy.assert_called_once()
        self.assertEqual(report_sweep(now=later + dt.timedelta(seconds=1)), 0)
        # The claim runs out: the report is not lost with the worker that held it.
        self.assertEqual(report_sweep(now=later + dt.timedelta(seconds=SWEEP_CLAIM_SECONDS)), 1)
        report.refresh_from_db()
        self.assertEqual(report.state, Report.State.PROCESSED)


class AttachToCaseTests(RaksaTestCase):
    def test_a_staff_member_adds_a_report_to_an_open_case(self):
        first = submit(actor=self.call_taker, source="console:1").report
        second = submit(
            actor=self.call_taker,
            source="console:1",
            idempotency_key="key-2",
            text="โทรมาอีกครั้ง ยังถูกทำร้ายอยู่",
            reporter={"name": "สมศรี ใจดี", "phone": "0812345678"},
            attach_to=first.case,
        ).report
        self.assertEqual(second.case, first.case)
        self.assertEqual(Case.objects.count(), 1)
        self.assertTrue(first.case.events.filter(kind="report_added").exists())
        self.assertEqual(first.case.parties.get(role="reporter").person.first_name_th, "สมศรี")

    def test_a_closed_case_or_a_hidden_one_cannot_take_a_report(self):
        case = submit(actor=self.call_taker, source="console:1").report.case
        from raksa.core.errors import NotFound

        with self.assertRaises(NotFound):
            submit(actor=self.other_province_worker, source="x", idempotency_key="k2", attach_to=case)
        from raksa.cases.services import case_close

        case_close(actor=self.call_taker, case=case, outcome="ช่วยเหลือแล้ว")
        with self.assertRaises(Conflict):
            submit(actor=self.call_taker, source="console:1", idempotency_key="k3", attach_to=case)


class IncidentJoinTests(RaksaTestCase):
    def frenzy(self, key: str, lat: float, lon: float):
        return submit(
            idempotency_key=key,
            text="",
            emergency_type="frenzy",
            location={"latitude": lat, "longitude": lon},
        ).report.case

    def test_nearby_reports_of_the_same_emergency_are_suggested_and_joined(self):
        first = self.frenzy("w1", 13.7563, 100.5018)
        second = self.frenzy("w2", 13.7580, 100.5020)  # about 190 m away
        far = self.frenzy("w3", 13.90, 100.60)
        self.assertEqual([c for c, _ in incident_candidates(case=second)], [first])
        self.assertEqual(incident_candidates(case=far), [])

        joined = incident_join(actor=self.call_taker, case=second, into=first)
        self.assertEqual(joined, first)
        self.assertEqual(Report.objects.filter(case=first).count(), 2)
        second.refresh_from_db()
        self.assertEqual(second.status, Status.CLOSED)
        self.assertIn(first.number, second.outcome)
        self.assertTrue(first.events.filter(kind="incident_joined").exists())

    def test_an_old_incident_or_another_type_is_not_suggested(self):
        with time_machine.travel(dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC), tick=False):
            old = self.frenzy("o1", 13.7563, 100.5018)
        with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
            new = self.frenzy("o2", 13.7564, 100.5018)
            threat = submit(
                idempotency_key="o3",
                text="",
                emergency_type="threat",
                location={"latitude": 13.7563, "longitude": 100.5018},
            ).report.case
        self.assertEqual(incident_candidates(case=new), [])
        self.assertNotIn(old, [c for c, _ in incident_candidates(case=threat)])

    def test_only_a_manager_of_both_may_join(self):
        first = self.frenzy("m1", 13.7563, 100.5018)
        second = self.frenzy("m2", 13.7564, 100.5018)
        from raksa.core.errors import NotFound

        with self.assertRaises(NotFound):
            incident_join(actor=self.other_province_worker, case=second, into=first)
        self.assertEqual(Report.objects.filter(case=first).count(), 1)


class VolunteerCaseRulesTests(RaksaTestCase):
    def test_a_volunteer_is_not_staff_of_her_office_in_the_case_rules(self):
        from raksa.cases.access import can_view

        volunteer = make_user("volunteer_bkk", "volunteer", self.bkk_office)
        case = submit().report.case
        case.owning_unit = self.bkk_office
        case.save()
        self.assertFalse(can_view(volunteer, case))

    def test_a_volunteer_report_records_consent(self):
        volunteer = make_user("volunteer_bkk", "volunteer", self.bkk_office)
        with self.assertRaises(InvalidInput):
            submit(actor=volunteer, source="volunteer:1")
        report = submit(
            actor=volunteer,
            source="volunteer:1",
            channel="volunteer",
            consent={"given_by": "นางมาลี สุขใจ", "method": "verbal"},
        ).report
        consent = Consent.objects.get(report=report)
        self.assertEqual(
            (consent.given_by, consent.method, consent.recorded_by), ("นางมาลี สุขใจ", "verbal", volunteer)
        )
        self.assertIsNone(report.case.created_by)
