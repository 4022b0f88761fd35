"""A message to the reporter: staff who may write on a case write a short public note from its workspace page; it
is a timeline event, the only free text the tracking page shows, and only after the second factor."""

from __future__ import annotations

from raksa.cases.events import PUBLIC_NOTE_ADDED
from raksa.cases.models import CaseEvent
from raksa.cases.services import PUBLIC_NOTE_MAX, public_note_add
from raksa.core.errors import RaksaError
from tests.cases.helpers import refer
from tests.tracking.helpers import (
    CHILD_NATIONAL_ID,
    PUBLIC_NOTE,
    REPORTER_PHONE,
    TRACK,
    TrackingCase,
    api_path,
    text_of,
)


class PublicNoteServiceTests(TrackingCase):
    def setUp(self) -> None:
        super().setUp()
        self.case = self.reported()

    def test_it_is_an_event_of_its_own_kind_that_moves_no_stage(self):
        event = public_note_add(actor=self.case_worker, case=self.case, text=f"  {PUBLIC_NOTE} ")
        self.assertEqual(
            (event.kind, event.data, event.stage), (PUBLIC_NOTE_ADDED.kind, {"text": PUBLIC_NOTE}, "")
        )
        self.assertEqual(event.unit, self.bkk_office)
        self.case.refresh_from_db()
        self.assertEqual(self.case.public_stage, "received")

    def test_whoever_may_write_notes_may_write_one(self):
        refer(self.case, by=self.case_worker, to_unit=self.dcy_hq, accept_by=self.dcy_worker)
        public_note_add(actor=self.dcy_worker, case=self.case, text="กรมรับเรื่องแล้ว จะโทรหาภายในสัปดาห์นี้")
        public_note_add(actor=self.call_taker, case=self.case, text="ศูนย์ 1300 รับทราบแล้ว")

    def test_a_worker_elsewhere_finds_no_case_and_a_pending_referral_may_only_read(self):
        with self.assertRaises(RaksaError) as hidden:
            public_note_add(actor=self.other_province_worker, case=self.case, text=PUBLIC_NOTE)
        self.assertEqual(hidden.exception.status, 404)
        refer(self.case, by=self.case_worker, to_unit=self.dcy_hq)
        with self.assertRaises(RaksaError) as read_only:
            public_note_add(actor=self.dcy_worker, case=self.case, text=PUBLIC_NOTE)
        self.assertEqual(read_only.exception.status, 403)
        self.assertFalse(CaseEvent.objects.filter(kind=PUBLIC_NOTE_ADDED.kind).exists())

    def test_it_is_short_one_line_and_never_empty(self):
        for text, code in (
            ("", "required"),
            ("   ", "required"),
            ("ก" * (PUBLIC_NOTE_MAX + 1), "too_long"),
            ("บรรทัดหนึ่ง\nสอง", "control_character"),
        ):
            with self.assertRaises(RaksaError) as caught:
                public_note_add(actor=self.case_worker, case=self.case, text=text)
            self.assertEqual((caught.exception.code, caught.exception.field), (code, "text"), text)

    def test_it_refuses_a_national_id_or_the_phone_of_someone_on_the_case(self):
        spaced = f"{CHILD_NATIONAL_ID[0]} {CHILD_NATIONAL_ID[1:5]} {CHILD_NATIONAL_ID[5:10]} {CHILD_NATIONAL_ID[10:]}"
        for text in (
            f"ติดต่อแม่ที่เบอร์ {REPORTER_PHONE[:3]}-{REPORTER_PHONE[3:6]}-{REPORTER_PHONE[6:]}",
            f"เลขประจำตัวเด็ก {spaced}",
            "โทรกลับ " + REPORTER_PHONE.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")),
        ):
            with self.assertRaises(RaksaError) as caught:
                public_note_add(actor=self.case_worker, case=self.case, text=text)
            self.assertEqual(caught.exception.code, "public_note_personal_data", text)
        # The office's own number is no one's personal data.
        public_note_add(actor=self.case_worker, case=self.case, text="สอบถามได้ที่สำนักงาน 021234567 หรือ 1300")


class PublicNotePageTests(TrackingCase):
    def setUp(self) -> None:
        super().setUp()
        self.case = self.reported()
        self.client.force_login(self.case_worker)

    def test_staff_write_it_from_the_case_page_and_the_reporter_reads_it_after_the_second_factor(self):
        page = self.client.get(f"/cases/{self.case.number}/").content.decode()
        self.assertIn('id="public-notes"', page)
        self.assertIn(f'action="/cases/{self.case.number}/public-notes/"', page)
        response = self.client.post(f"/cases/{self.case.number}/public-notes/", {"text": PUBLIC_NOTE})
        self.assertRedirects(response, f"/cases/{self.case.number}/")
        page = self.client.get(f"/cases/{self.case.number}/").content.decode()
        self.assertIn(PUBLIC_NOTE, page)
        self.assertIn("ข้อความถึงผู้แจ้ง (แสดงในหน้าติดตามเรื่อง)", page)  # in the timeline, too

        code = self.case.tracking_code
        self.assertNotIn(PUBLIC_NOTE, self.public.get(TRACK, {"code": code}).content.decode())
        self.assertNotIn("public_notes", self.public.get(api_path(code)).json())
        verified = self.public.post(f"{TRACK}?code={code}", {"code": code, "secret": REPORTER_PHONE[-4:]})
        self.assertIn(PUBLIC_NOTE, text_of(verified.content.decode()))
        answer = self.public.get(api_path(code), HTTP_X_TRACKING_SECRET=REPORTER_PHONE[-4:]).json()
        self.assertEqual([note["text"] for note in answer["public_notes"]], [PUBLIC_NOTE])

    def test_a_refused_note_comes_back_on_its_field_in_both_languages(self):
        response = self.client.post(
            f"/cases/{self.case.number}/public-notes/", {"text": f"โทร {REPORTER_PHONE}"}
        )
        self.assertEqual(response.status_code, 400)
        page = response.content.decode()
        self.assertIn("ห้ามใส่เลขประจำตัวประชาชนหรือเบอร์โทรศัพท์", page)
        self.assertIn("may not hold a national ID", page)
        self.assertIn('id="public-note" open', page)
        self.assertFalse(CaseEvent.objects.filter(kind=PUBLIC_NOTE_ADDED.kind).exists())

    def test_a_reader_without_the_right_to_write_is_not_offered_the_form(self):
        refer(self.case, by=self.case_worker, to_unit=self.dcy_hq)
        self.client.force_login(self.dcy_worker)
        page = self.client.get(f"/cases/{self.case.number}/").content.decode()
        self.assertNotIn(f'action="/cases/{self.case.number}/public-notes/"', page)
        response = self.client.post(f"/cases/{self.case.number}/public-notes/", {"text": PUBLIC_NOTE})
        self.assertEqual(response.status_code, 403)

    def test_a_worker_elsewhere_gets_404(self):
        self.client.force_login(self.other_province_worker)
        response = self.client.post(f"/cases/{self.case.number}/public-notes/", {"text": PUBLIC_NOTE})
        self.assertEqual(response.status_code, 404)
