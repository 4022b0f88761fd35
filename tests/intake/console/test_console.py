"""The console page: the caller's history and risk flags at once, the triage fill, and every way a call ends
(a new case, a report added to her open case, an emergency for dispatch, advice, silent, prank)."""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from pathlib import Path
from unittest import mock

from raksa.cases.access import Action
from raksa.cases.models import AccessLog, Case, CaseParty
from raksa.cases.services import case_create
from raksa.intake.console.services import call_event
from raksa.intake.models import Call, Report
from raksa.people.services import person_create
from raksa.tracking.models import Subscription
from raksa.triage.corrections import corrections_export
from tests.base import BANGKOK, CHIANG_MAI
from tests.intake.console.helpers import ConsoleTestCase

CONSOLE = "/console/"
SUBMIT = "/console/submit"
CALLER = "0812345678"
NOTES = "แม่ถูกพ่อทำร้ายร่างกายที่บ้าน เขตบางกะปิ กรุงเทพ เบอร์ติดต่อ 0898765432"


class ConsoleCase(ConsoleTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.caller = person_create(
            actor=self.call_taker, first_name_th="มาลี", last_name_th="สุขใจ", phones=[CALLER]
        )
        self.earlier = case_create(
            actor=self.call_taker,
            channel="hotline",
            summary="ถูกสามีทำร้ายร่างกาย",
            category="family_violence",
            subject=self.caller,
            province_code=BANGKOK,
            owning_unit=self.bkk_office,
        )
        self.client.force_login(self.call_taker)

    def form(self, response) -> dict[str, str]:
        """The hidden fields the page rendered (its idempotency key and call id)."""
        html = response.content.decode()
        key = re.search(r'name="idempotency_key" value="([^"]+)"', html)
        call = re.search(r'name="call_id" value="([^"]*)"', html)
        return {"idempotency_key": key.group(1), "call_id": call.group(1) if call else ""}

    def submit(self, action: str, **fields: str):
        page = self.client.get(CONSOLE, {"caller": fields.get("caller", CALLER)})
        data = {**self.form(page), "caller": CALLER, "text": NOTES, "action": action, **fields}
        return self.client.post(SUBMIT, data), data


class CallerPanelTests(ConsoleCase):
    def test_a_known_caller_appears_with_her_cases_and_risk_flags_and_is_logged(self):
        child = person_create(actor=self.call_taker, first_name_th="น้องฝน", birth_date="2019-05-01")
        other_case = case_create(
            actor=self.call_taker,
            channel="line",
            summary="เด็กถูกทิ้งไว้ลำพัง",
            category="other",
            subject=child,
            reporter=self.caller,
            province_code=CHIANG_MAI,
            owning_unit=self.cm_office,
        )
        response = self.client.get(CONSOLE, {"caller": "081-234-5678"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "มาลี สุขใจ")
        self.assertContains(response, self.earlier.number)
        self.assertContains(response, other_case.number)  # across agencies
        self.assertContains(response, "เคยมีเรื่องความรุนแรง")
        self.assertContains(response, "มีเด็กเกี่ยวข้อง")
        self.assertNotContains(response, "มีเหตุฉุกเฉินที่ยังเปิดอยู่")
        logged = AccessLog.objects.filter(user=self.call_taker, person=self.caller, action=Action.PERSON_VIEW)
        self.assertEqual(logged.count(), 1)

    def test_an_open_emergency_is_flagged(self):
        case_create(
            actor=self.call_taker,
            channel="hotline",
            summary="ถูกขู่ฆ่า",
            category="family_violence",
            emergency_type="threat",
            subject=self.caller,
            province_code=BANGKOK,
        )
        response = self.client.get("/console/caller", {"phone": CALLER})
        self.assertContains(response, "มีเหตุฉุกเฉินที่ยังเปิดอยู่")

    def test_a_repeat_caller_is_flagged_with_her_earlier_calls(self):
        call_event(agent_username="call_taker_2", call_id="old-1", caller=CALLER, event="answered")
        call_event(agent_username="call_taker_2", call_id="old-2", caller=CALLER, event="ended")
        call_event(agent_username="call_taker", call_id="now", caller=CALLER, event="ringing")
        response = self.client.get(CONSOLE, {"caller": CALLER, "call_id": "now"})
        self.assertContains(response, "โทรซ้ำ: เคยโทรมาแล้ว 2 ครั้ง")
        self.assertContains(response, "สายหลุด")  # old-2 rang and ended unanswered
        first_time = self.client.get("/console/caller", {"phone": "0899999999"})
        self.assertNotContains(first_time, "โทรซ้ำ")

    def test_an_unknown_number_says_so_and_logs_the_search(self):
        response = self.client.get("/console/caller", {"phone": "0899999999"})
        self.assertContains(response, "ยังไม่มีบุคคลที่ใช้หมายเลขนี้")
        self.assertTrue(
            AccessLog.objects.filter(user=self.call_taker, action=Action.PERSON_SEARCH, person=None).exists()
        )
        bad = self.client.get("/console/caller", {"phone": "12ab"})
        self.assertContains(bad, "ไม่ใช่หมายเลขโทรศัพท์ไทย")

    def test_the_page_opens_on_her_ringing_call(self):
        call_event(agent_username="call_taker", call_id="pbx-3", caller=CALLER, event="ringing")
        response = self.client.get(CONSOLE)
        self.assertContains(response, 'data-call-id="pbx-3"')
        self.assertContains(response, "มาลี สุขใจ")

    def test_others_are_refused(self):
        for user in (self.case_worker, self.supervisor, self.responder):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(CONSOLE, {"caller": CALLER}).status_code, 403)
        self.assertFalse(AccessLog.objects.filter(person=self.caller).exists())


class TriageFillTests(ConsoleCase):
    def test_it_suggests_every_field_from_the_notes(self):
        response = self.client.post("/console/triage", {"text": NOTES})
        self.assertEqual(response.status_code, 200)
        triage = response.json()["triage"]
        self.assertEqual(triage["category"], "family_violence")
        self.assertIsNone(triage["emergency_type"])
        self.assertEqual(triage["urgency"], "normal")
        self.assertEqual(triage["entities"]["phones"], ["0898765432"])
        self.assertEqual(triage["entities"]["province_codes"], [BANGKOK])
        self.assertIn("1006", triage["entities"]["district_codes"])

    def test_an_emergency_in_the_notes_is_suggested_as_one(self):
        triage = self.client.post("/console/triage", {"text": "มีคนถือมีดขู่จะฆ่าอยู่หน้าบ้าน"}).json()["triage"]
        self.assertEqual((triage["emergency_type"], triage["urgency"]), ("threat", "emergency"))

    def test_empty_notes_suggest_nothing(self):
        self.assertIsNone(self.client.post("/console/triage", {"text": "  "}).json()["triage"])


class NewCaseTests(ConsoleCase):
    def test_a_new_case_from_the_call_through_the_pipeline(self):
        call_event(agent_username="call_taker", call_id="pbx-5", caller=CALLER, event="answered")
        response, _ = self.submit(
            "new_case", category="family_violence", subject_name="สมหญิง สุขใจ", province_code=BANGKOK
        )
        report = Report.objects.get()
        self.assertRedirects(response, f"/console/result/{report.public_id}/")
        self.assertEqual((report.channel, report.source), ("hotline", f"console:{self.call_taker.pk}"))
        self.assertEqual(report.submitted_by, self.call_taker)
        self.assertEqual(report.payload["call_id"], "pbx-5")
        case = report.case
        self.assertEqual(case.category, "family_violence")
        self.assertEqual(case.parties.get(role=CaseParty.Role.REPORTER).person, self.caller)
        call = Call.objects.get(call_id="pbx-5")
        self.assertEqual((call.outcome, call.case, call.report), ("new_case", case, report))
        result = self.client.get(response["Location"])
        self.assertContains(result, case.number)
        self.assertContains(result, case.tracking_code)
        self.assertContains(result, "ศูนย์" if "0" in case.tracking_code else "spelled-word")

    def test_a_double_submit_makes_one_report_and_one_case(self):
        page = self.client.get(CONSOLE, {"caller": CALLER})
        data = {**self.form(page), "caller": CALLER, "text": NOTES, "action": "new_case"}
        first = self.client.post(SUBMIT, data)
        again = self.client.post(SUBMIT, data)
        self.assertEqual(first["Location"], again["Location"])
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(Case.objects.count(), 2)  # the earlier one and this one

    def test_a_call_without_telephony_is_logged_when_the_case_is_made(self):
        response, _ = self.submit("new_case")
        self.assertEqual(response.status_code, 302)
        call = Call.objects.get()
        self.assertTrue(call.call_id.startswith("console-"))
        self.assertEqual((call.caller, call.agent, call.outcome), (CALLER, self.call_taker, "new_case"))

    def test_bad_input_comes_back_on_its_field_and_saves_nothing(self):
        response, _ = self.submit("new_case", subject_national_id="1101700203451")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "เลขประจำตัวประชาชน", status_code=400)
        self.assertFalse(Report.objects.exists())
        self.assertEqual(Case.objects.count(), 1)

    def test_the_urgency_she_chose_is_the_cases(self):
        self.submit("new_case", urgency="urgent")
        self.assertEqual(Report.objects.get().case.urgency, "urgent")

    def test_another_agent_cannot_open_her_result(self):
        response, _ = self.submit("new_case")
        self.client.force_login(self.second_taker)
        self.assertEqual(self.client.get(response["Location"]).status_code, 404)


class AddToCaseTests(ConsoleCase):
    def test_the_report_joins_her_open_case(self):
        page = self.client.get(CONSOLE, {"caller": CALLER})
        self.assertContains(page, f'name="attach_to" value="{self.earlier.number}"')
        response, _ = self.submit("attach", attach_to=self.earlier.number)
        report = Report.objects.get()
        self.assertRedirects(response, f"/console/result/{report.public_id}/")
        self.assertEqual(report.case, self.earlier)
        self.assertTrue(self.earlier.events.filter(kind="report_added").exists())
        self.assertEqual(Call.objects.get().outcome, "added_to_case")
        self.assertEqual(Case.objects.count(), 1)

    def test_without_a_chosen_case_it_asks_for_one(self):
        response, _ = self.submit("attach")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "เลือกเรื่องเดิม", status_code=400)
        self.assertFalse(Report.objects.exists())


class DispatchTests(ConsoleCase):
    def test_dispatch_now_makes_an_emergency_and_hands_it_to_dispatch(self):
        response, _ = self.submit("dispatch", emergency_type="threat", text="มีคนถือมีดขู่จะฆ่าอยู่หน้าบ้าน")
        self.assertEqual(response.status_code, 302)
        case = Report.objects.get().case
        self.assertEqual((case.emergency_type, case.urgency), ("threat", "emergency"))
        self.assertTrue(case.dispatches.exists())  # handed to dispatch

    def test_dispatch_needs_an_emergency_type(self):
        response, _ = self.submit("dispatch")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "เลือกประเภทเหตุฉุกเฉินก่อนส่งทีม", status_code=400)
        self.assertFalse(Report.objects.exists())

    def test_a_nearby_emergency_is_offered_and_joined(self):
        first = case_create(
            actor=self.call_taker,
            channel="line",
            summary="ชายคลุ้มคลั่งถือมีด",
            category="other",
            emergency_type="frenzy",
            latitude="13.7563",
            longitude="100.5018",
            province_code=BANGKOK,
        )
        response, _ = self.submit(
            "dispatch",
            emergency_type="frenzy",
            text="ชายคลุ้มคลั่งไล่ทำร้ายคน",
            latitude="13.7565",
            longitude="100.5020",
            province_code=BANGKOK,
        )
        result = self.client.get(response["Location"])
        self.assertContains(result, first.number)
        self.assertContains(result, "อาจเป็นเหตุการณ์เดียวกับเรื่องฉุกเฉิน")
        new = Report.objects.get().case
        joined = self.client.post(response["Location"] + "join", {"into": first.number})
        self.assertRedirects(joined, response["Location"])
        new.refresh_from_db()
        self.assertEqual(new.status, "closed")
        self.assertEqual(Report.objects.get().case, first)


class SmsConsentTests(ConsoleCase):
    """The box the call-taker ticks when the caller agrees to texts as her request moves on."""

    def test_the_box_is_on_the_form_unticked(self):
        page = self.client.get(CONSOLE, {"caller": CALLER}).content.decode()
        box = re.search(r'<input[^>]*name="updates_by_sms"[^>]*>', page).group(0)
        self.assertNotIn("checked", box)
        self.assertIn("ส่ง SMS แจ้งความคืบหน้าถึงผู้โทร (ผู้โทรตกลงแล้ว)", page)

    def test_ticked_it_records_the_callers_consent_and_who_recorded_it(self):
        self.submit("new_case", updates_by_sms="on")
        report = Report.objects.get()
        subscription = Subscription.objects.get(case=report.case)
        self.assertEqual(
            (subscription.transport, subscription.address, subscription.method, subscription.recorded_by),
            ("sms", CALLER, "told_staff", self.call_taker),
        )
        self.assertEqual(subscription.report_ref, report.public_id)

    def test_unticked_it_records_nothing(self):
        self.submit("new_case")
        self.assertFalse(Subscription.objects.exists())

    def test_a_report_added_to_her_open_case_subscribes_her_to_that_case(self):
        self.submit("attach", attach_to=self.earlier.number, updates_by_sms="on")
        self.assertEqual(Subscription.objects.get().case, self.earlier)

    def test_ticked_for_a_withheld_number_it_says_so_and_saves_nothing(self):
        response, _ = self.submit("new_case", caller="", updates_by_sms="on")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Give a mobile number to get texts", status_code=400)
        self.assertFalse(Report.objects.exists())


class OutcomeOnlyTests(ConsoleCase):
    def test_silent_and_prank_calls_are_logged_not_made_into_cases_and_counted(self):
        for call_id, action in (("s-1", "silent"), ("p-1", "prank"), ("p-2", "prank"), ("a-1", "advice")):
            call_event(agent_username="call_taker", call_id=call_id, caller=CALLER, event="answered")
            page = self.client.get(CONSOLE, {"caller": CALLER, "call_id": call_id})
            data = {**self.form(page), "caller": CALLER, "action": action}
            self.assertRedirects(self.client.post(SUBMIT, data), CONSOLE)
        self.assertEqual(Call.objects.get(call_id="s-1").outcome, "silent")
        self.assertEqual(Call.objects.get(call_id="a-1").outcome, "advice")
        self.assertFalse(Report.objects.exists())
        self.assertEqual(Case.objects.count(), 1)
        page = self.client.get(CONSOLE).content.decode()
        self.assertRegex(page, r'id="count-silent">1<')
        self.assertRegex(page, r'id="count-prank">2<')
        self.assertRegex(page, r'id="count-answered">4<')


class CorrectionsTests(ConsoleCase):
    def setUp(self) -> None:
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.store = Path(folder.name) / "corrections.jsonl"
        patcher = mock.patch.dict(os.environ, {"RAKSA_TRIAGE_CORRECTIONS": str(self.store)})
        patcher.start()
        self.addCleanup(patcher.stop)

    def predicted(self) -> str:
        suggestion = self.client.post("/console/triage", {"text": NOTES}).json()["triage"]
        return json.dumps({k: suggestion[k] for k in ("emergency_type", "category", "urgency")})

    def test_a_changed_suggestion_is_recorded_for_retraining(self):
        self.submit("new_case", predicted=self.predicted(), category="child_protection", urgency="normal")
        report = Report.objects.get()
        rows = [json.loads(line) for line in self.store.read_text(encoding="utf-8").splitlines()]
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row["report_id"], report.public_id)
        self.assertEqual(
            (row["category"], row["emergency_type"], row["urgency"]), ("child_protection", None, "normal")
        )
        self.assertEqual(row["predicted"]["category"], "family_violence")
        self.assertEqual(row["corrected_by"], "call_taker")
        self.assertEqual(row["text"], NOTES)
        # `raksa triage export-corrections` reads the same file.
        out = io.StringIO()
        self.assertEqual(corrections_export(out), 1)
        self.assertIn("child_protection", out.getvalue())
        self.assertEqual(report.case.category, "child_protection")

    def test_an_accepted_suggestion_records_nothing(self):
        self.submit("new_case", predicted=self.predicted(), category="family_violence", urgency="normal")
        self.assertFalse(self.store.exists())


class MenuTests(ConsoleCase):
    def test_the_centres_intake_staff_find_the_console_in_the_menu_and_others_do_not(self):
        self.assertContains(self.client.get("/cases/"), 'href="/console/"')
        self.client.force_login(self.case_worker)
        self.assertNotContains(self.client.get("/cases/"), 'href="/console/"')


class NotAnEmergencyTests(ConsoleCase):
    def test_not_an_emergency_is_her_call_and_triage_does_not_overrule_it(self):
        self.submit("new_case", emergency_type="", text="มีคนถือมีดขู่จะฆ่าอยู่หน้าบ้าน")
        self.assertEqual(Report.objects.get().case.emergency_type, "")


class EnglishTests(ConsoleCase):
    def test_the_console_reads_in_english_when_asked(self):
        self.client.post("/i18n/setlang/", {"language": "en", "next": CONSOLE})
        response = self.client.get(CONSOLE, {"caller": CALLER})
        self.assertContains(response, "New case")
        self.assertContains(response, "Earlier violence")
        self.assertContains(response, "Not an emergency")
        self.assertContains(response, "Text the caller as the request moves on (the caller agreed)")
