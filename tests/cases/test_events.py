from __future__ import annotations

import importlib
import tempfile

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from raksa.accounts.models import Notice
from raksa.cases.events import (
    event_describe,
    event_record,
    event_type_declare,
    event_type_of,
    event_types,
    stage_change_register,
    stage_change_unregister,
    text_field,
)
from raksa.cases.models import CaseEvent, PublicStage
from raksa.cases.services import (
    attachment_add,
    case_add_party,
    case_assign,
    case_change_status,
    case_close,
    case_reopen,
    note_add,
    referral_accept,
    referral_create,
    referral_decline,
)
from tests.base import RaksaTestCase
from tests.cases import dispatch_events
from tests.cases.helpers import kinds, open_case, person

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

# A kind of this test module's own, declared at import as any app outside cases declares its kinds.
CALLBACK_REQUESTED = event_type_declare(
    kind="callback_requested", title="ขอให้โทรกลับ", fields=(text_field("phone", "โทร: %s"),)
)


class EventTimelineTests(RaksaTestCase):
    def test_it_leaves_one_event_per_change_in_order(self):
        import tempfile

        case = open_case(self.call_taker, self.bkk_office, subject=person())
        case = case_change_status(actor=self.call_taker, case=case, status="screening")
        case = case_change_status(actor=self.case_worker, case=case, status="active")
        case = case_assign(actor=self.supervisor, case=case, assignee=self.case_worker)
        case_add_party(actor=self.case_worker, case=case, person=person("ลุง", "ข้างบ้าน"), role="guardian")
        note_add(actor=self.case_worker, case=case, body="โทรติดตามแล้ว")
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            attachment_add(actor=self.case_worker, case=case, uploaded_file=SimpleUploadedFile("a.png", PNG))
        declined = referral_create(actor=self.case_worker, case=case, to_unit=self.dcy_hq, reason="เด็ก")
        referral_decline(actor=self.dcy_worker, referral=declined, reason="อายุเกิน 18")
        accepted = referral_create(
            actor=self.case_worker, case=case, to_unit=self.kk_office, reason="ย้ายไปขอนแก่น"
        )
        referral_accept(actor=self.other_supervisor, referral=accepted)
        case = case_close(actor=self.case_worker, case=case, outcome="ได้ที่พักแล้ว")
        case_reopen(actor=self.supervisor, case=case, reason="กลับมาอีก")
        self.assertEqual(
            kinds(case),
            [
                "created",
                "party_added",
                "status_changed",
                "status_changed",
                "assigned",
                "party_added",
                "note_added",
                "attachment_added",
                "referral_created",
                "referral_declined",
                "referral_created",
                "referral_accepted",
                "closed",
                "reopened",
            ],
        )
        actors = list(case.events.values_list("actor__username", flat=True))
        self.assertEqual(actors[3:5], ["worker_bkk", "supervisor_bkk"])
        self.assertEqual(case.events.get(kind="referral_accepted").unit, self.kk_office)

    def test_it_refuses_to_change_or_delete_an_event(self):
        case = open_case(self.call_taker, self.bkk_office)
        event = case.events.get()
        event.kind = "tampered"
        with self.assertRaises(RuntimeError):
            event.save()
        with self.assertRaises(RuntimeError):
            event.delete()
        self.assertEqual(CaseEvent.objects.get(pk=event.pk).kind, "created")

    def test_it_moves_the_public_stage_forward_with_dispatch_events(self):
        case = open_case(self.call_taker, self.bkk_rapid, emergency_type="threat")
        event_record(case=case, kind="forwarded", data={"unit": "rru-10"})
        case.refresh_from_db()
        self.assertEqual(case.public_stage, PublicStage.FORWARDED)
        case = case_change_status(actor=self.responder, case=case, status="active")
        # active is "in_progress", which comes after on_scene in the public order
        self.assertEqual(case.public_stage, PublicStage.IN_PROGRESS)

    def test_it_never_moves_the_public_stage_back(self):
        case = open_case(self.call_taker, self.bkk_rapid, emergency_type="threat")
        event_record(case=case, kind="on_scene")
        case.refresh_from_db()
        case = case_change_status(actor=self.responder, case=case, status="screening")
        self.assertEqual(case.public_stage, PublicStage.ON_SCENE)
        case.refresh_from_db()
        self.assertEqual(case.public_stage, PublicStage.ON_SCENE)

    def test_it_keeps_referred_showing_after_a_declined_referral(self):
        case = open_case(self.call_taker, self.bkk_office)
        referral = referral_create(actor=self.case_worker, case=case, to_unit=self.dcy_hq, reason="เด็ก")
        referral_decline(actor=self.dcy_worker, referral=referral, reason="ไม่ใช่งานของกรม")
        case.refresh_from_db()
        self.assertEqual((case.status, case.public_stage), ("active", PublicStage.REFERRED))

    def test_it_records_nothing_when_assigning_the_same_worker_again(self):
        case = open_case(self.call_taker, self.bkk_office)
        case = case_assign(actor=self.supervisor, case=case, assignee=self.case_worker)
        case_assign(actor=self.supervisor, case=case, assignee=self.case_worker)
        self.assertEqual(kinds(case), ["created", "assigned"])


class StageChangeTests(RaksaTestCase):
    """The registry through which apps above cases hear of a new public stage (tracking tells the reporter): each
    handler runs in the change's transaction, so what it writes commits with the change or not at all."""

    def setUp(self) -> None:
        super().setUp()
        stage_change_register(self.remember)
        stage_change_register(self.remember)  # twice: told once
        self.addCleanup(stage_change_unregister, self.remember)

    def remember(self, case, stage: str) -> None:
        # A row, as a real handler writes one (a message in the outbox): it shares the change's fate.
        Notice.objects.create(
            recipient=self.supervisor,
            kind="stage",
            message_th=f"{case.number} {stage}",
            created_at=timezone.now(),
        )

    def told(self) -> list[str]:
        return list(Notice.objects.filter(kind="stage").order_by("id").values_list("message_th", flat=True))

    def test_it_tells_a_new_stage_once(self):
        case = open_case(self.call_taker, self.bkk_rapid, emergency_type="threat")
        event_record(case=case, kind="forwarded", data={"unit": "rru-10"})
        self.assertEqual(self.told(), [f"{case.number} {PublicStage.FORWARDED}"])

    def test_it_tells_nothing_when_the_stage_stays(self):
        case = open_case(self.call_taker, self.bkk_office)  # "received", as a new case starts
        note_add(actor=self.call_taker, case=case, body="โทรกลับแล้ว")
        self.assertEqual(self.told(), [])
        case_change_status(actor=self.call_taker, case=case, status="screening")
        self.assertEqual(self.told(), [f"{case.number} {PublicStage.SCREENING}"])

    def test_what_it_wrote_goes_with_a_change_rolled_back(self):
        case = open_case(self.call_taker, self.bkk_rapid, emergency_type="threat")
        with self.assertRaises(RuntimeError), transaction.atomic():
            event_record(case=case, kind="on_scene")
            self.assertEqual(len(self.told()), 1)
            raise RuntimeError("the caller's own change failed")
        self.assertEqual(self.told(), [])

    def test_a_failing_handler_neither_stops_the_others_nor_fails_the_change(self):
        def broken(case, stage: str) -> None:
            Notice.objects.create(
                recipient=self.supervisor, kind="stage", message_th="half-written", created_at=timezone.now()
            )
            raise ValueError("a bug in a handler")

        stage_change_unregister(self.remember)
        stage_change_register(broken)
        self.addCleanup(stage_change_unregister, broken)
        stage_change_register(self.remember)
        case = open_case(self.call_taker, self.bkk_rapid, emergency_type="threat")
        with self.assertLogs("raksa.cases.events", "ERROR"):
            event_record(case=case, kind="forwarded", data={"unit": "rru-10"})
        self.assertEqual(self.told(), [f"{case.number} {PublicStage.FORWARDED}"])  # not the broken one's row
        case.refresh_from_db()
        self.assertEqual(case.public_stage, PublicStage.FORWARDED)


class EventCatalogueTests(RaksaTestCase):
    def test_it_refuses_a_kind_nobody_declared(self):
        case = open_case(self.call_taker, self.bkk_office)
        with self.assertRaises(ValueError):
            event_record(case=case, kind="made_up", actor=self.case_worker)
        self.assertEqual(kinds(case), ["created"])

    def test_it_refuses_a_payload_key_its_kind_does_not_declare(self):
        case = open_case(self.call_taker, self.bkk_office)
        with self.assertRaises(ValueError) as caught:
            event_record(
                case=case, kind="note_added", actor=self.case_worker, data={"note_id": 1, "body": "x"}
            )
        self.assertIn("body", str(caught.exception))
        self.assertEqual(kinds(case), ["created"])

    def test_it_refuses_to_declare_a_kind_twice(self):
        with self.assertRaises(ValueError):
            event_type_declare(kind="closed", title="ปิด")
        with self.assertRaises(ValueError):
            event_type_declare(kind="nowhere_stage", title="x", stage="nowhere")

    def test_it_declares_every_kind_the_case_services_write_with_a_title(self):
        case = open_case(self.call_taker, self.bkk_office, subject=person())
        case = case_assign(actor=self.supervisor, case=case, assignee=self.case_worker)
        referral = referral_create(actor=self.case_worker, case=case, to_unit=self.dcy_hq, reason="เด็ก")
        referral_accept(actor=self.dcy_worker, referral=referral)
        case = case_close(actor=self.case_worker, case=case, outcome="เสร็จ")
        case_reopen(actor=self.supervisor, case=case, reason="กลับมาอีก")
        declared = {event_type.kind for event_type in event_types()}
        for event in case.events.all():
            self.assertIn(event.kind, declared)
            title, _detail = event_describe(event)
            self.assertNotEqual(title, event.kind.replace("_", " "))

    def test_it_shows_a_stored_kind_nobody_declares_by_its_name(self):
        case = open_case(self.call_taker, self.bkk_office)
        # A row left by an app that has since been removed: written straight to the table, as it once was.
        event = CaseEvent.objects.create(
            case=case, kind="line_pushed", data={"to": "x"}, created_at=timezone.now()
        )
        self.assertEqual(event_describe(event), ("line pushed", ""))

    def test_it_renders_a_kind_declared_outside_cases_on_the_timeline(self):
        # tests/cases/dispatch_events.py declares "forwarded" the way the dispatch app will: cases does not name it.
        case = open_case(self.call_taker, self.bkk_rapid, emergency_type="threat")
        event_record(
            case=case,
            kind=dispatch_events.FORWARDED.kind,
            unit=self.centre,
            data={"unit": self.bkk_rapid.code},
        )
        case.refresh_from_db()
        self.assertEqual(case.public_stage, PublicStage.FORWARDED)
        self.client.force_login(self.responder)
        page = self.client.get(reverse("cases:detail", args=[case.number]))
        self.assertContains(page, "แจ้งทีมช่วยเหลือแล้ว")
        self.assertContains(page, f"ทีม: {self.bkk_rapid.name_th}")

    def test_it_takes_a_kind_a_test_module_declares_with_its_own_fields(self):
        kind = CALLBACK_REQUESTED
        case = open_case(self.call_taker, self.bkk_office)
        event = event_record(case=case, kind=kind.kind, actor=self.call_taker, data={"phone": "0812345678"})
        self.assertEqual(event_describe(event), ("ขอให้โทรกลับ", "โทร: 0812345678"))
        with self.assertRaises(ValueError):
            event_record(case=case, kind=kind.kind, data={"phone": "0812345678", "email": "a@b.c"})


class EventPayloadMigrationTests(RaksaTestCase):
    migration = importlib.import_module("raksa.cases.migrations.0003_event_payload_keys")

    def old_row(self, case, kind, data):
        return CaseEvent.objects.create(case=case, kind=kind, data=data, created_at=timezone.now())

    def test_it_moves_old_payloads_to_the_declared_keys_and_back(self):
        case = open_case(self.call_taker, self.bkk_office)
        attached = self.old_row(
            case,
            "attachment_added",
            {"attachment_id": 7, "name": "บ้าน.jpg", "content_type": "image/jpeg", "size": 3, "sha256": "ab"},
        )
        assigned = self.old_row(
            case,
            "assigned",
            {"assignee_id": self.case_worker.pk, "assignee": "worker_bkk", "previous_id": None},
        )
        gone = self.old_row(
            case, "assigned", {"assignee_id": 999_999, "assignee": "left_staff", "previous_id": 4}
        )
        untouched = CaseEvent.objects.get(case=case, kind="created").data

        self.migration.forwards(apps, None)
        attached.refresh_from_db()
        assigned.refresh_from_db()
        gone.refresh_from_db()
        self.assertEqual(attached.data["original_name"], "บ้าน.jpg")
        self.assertNotIn("name", attached.data)
        self.assertEqual(
            assigned.data,
            {
                "assignee_id": self.case_worker.pk,
                "assignee": "worker_bkk",
                "assignee_name": str(self.case_worker),
                "previous_assignee_id": None,
            },
        )
        self.assertEqual((gone.data["assignee_name"], gone.data["previous_assignee_id"]), ("left_staff", 4))
        self.assertEqual(CaseEvent.objects.get(case=case, kind="created").data, untouched)
        with translation.override("th"):
            self.assertEqual(event_describe(attached), ("แนบไฟล์แล้ว", "บ้าน.jpg"))
            self.assertEqual(event_describe(assigned)[1], f"ผู้รับผิดชอบ: {self.case_worker}")
        # Every migrated row is one event_record would accept today.
        for event in (attached, assigned, gone):
            self.assertLessEqual(set(event.data), set(event_type_of(event.kind).keys))

        self.migration.backwards(apps, None)
        attached.refresh_from_db()
        assigned.refresh_from_db()
        self.assertEqual(attached.data["name"], "บ้าน.jpg")
        self.assertEqual(
            assigned.data, {"assignee_id": self.case_worker.pk, "assignee": "worker_bkk", "previous_id": None}
        )

    def test_it_writes_new_events_under_the_declared_keys(self):
        case = open_case(self.call_taker, self.bkk_office)
        case_assign(actor=self.supervisor, case=case, assignee=self.case_worker)
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            attachment_add(actor=self.case_worker, case=case, uploaded_file=SimpleUploadedFile("a.png", PNG))
        for event in case.events.all():
            self.assertLessEqual(set(event.data), set(event_type_of(event.kind).keys), event.kind)
        self.assertEqual(case.events.get(kind="attachment_added").data["original_name"], "a.png")
