from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from raksa.cases.events import event_record
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
from tests.cases.helpers import kinds, open_case, person

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


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
