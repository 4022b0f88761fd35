from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from raksa.cases.models import Attachment, Note
from raksa.cases.services import attachment_add, note_add, sniff_content_type
from raksa.core.errors import Forbidden, InvalidInput
from tests.base import RaksaTestCase
from tests.cases.helpers import kinds, open_case

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 64
PDF = b"%PDF-1.7\n" + b"1 0 obj\n" * 8
SAMPLES = {
    "image/jpeg": JPEG,
    "image/png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 16,
    "image/webp": b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 16,
    "application/pdf": PDF,
    "audio/mpeg": b"ID3\x04\x00" + b"\x00" * 16,
    "audio/mp4": b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 16,
    "text/plain": "บันทึกการโทร 10:30".encode(),
}


class NoteTests(RaksaTestCase):
    def test_it_adds_a_note_with_its_event(self):
        case = open_case(self.call_taker, self.bkk_office)
        note = note_add(actor=self.case_worker, case=case, body="  เยี่ยมบ้านแล้ว  ")
        self.assertEqual((note.body, note.author), ("เยี่ยมบ้านแล้ว", self.case_worker))
        self.assertEqual(kinds(case), ["created", "note_added"])
        self.assertEqual(case.events.last().data, {"note_id": note.pk})

    def test_it_refuses_an_empty_note(self):
        case = open_case(self.call_taker, self.bkk_office)
        with self.assertRaises(InvalidInput) as caught:
            note_add(actor=self.case_worker, case=case, body=" ")
        self.assertEqual(caught.exception.field, "body")
        self.assertFalse(Note.objects.exists())
        self.assertEqual(kinds(case), ["created"])


class AttachmentTests(RaksaTestCase):
    def setUp(self) -> None:
        self.media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.media, True)
        overrider = override_settings(MEDIA_ROOT=self.media, RAKSA_ATTACHMENT_MAX_BYTES=1024)
        overrider.enable()
        self.addCleanup(overrider.disable)
        self.case = open_case(self.call_taker, self.bkk_office)

    def files_on_disk(self) -> list[Path]:
        return [p for p in Path(self.media).rglob("*") if p.is_file()]

    def add(self, name: str, data: bytes, content_type: str = "application/octet-stream", actor=None):
        upload = SimpleUploadedFile(name, data, content_type=content_type)
        return attachment_add(actor=actor or self.case_worker, case=self.case, uploaded_file=upload)

    def test_it_stores_a_file_with_its_hash_type_and_event(self):
        attachment = self.add("../../บ้าน.jpg", JPEG, content_type="text/html")
        self.assertEqual(attachment.content_type, "image/jpeg")  # from the bytes, not the client
        self.assertEqual(attachment.size, len(JPEG))
        self.assertEqual(attachment.sha256, hashlib.sha256(JPEG).hexdigest())
        self.assertEqual(attachment.original_name, "บ้าน.jpg")
        self.assertTrue(attachment.file.name.endswith(".jpg"))
        self.assertTrue(attachment.file.name.startswith(f"cases/{self.case.pk}/"))
        with attachment.file.open("rb") as stored:
            self.assertEqual(stored.read(), JPEG)
        self.assertEqual(kinds(self.case), ["created", "attachment_added"])
        self.assertEqual(self.case.events.last().data["attachment_id"], attachment.pk)

    def test_it_recognises_every_allowed_type_by_its_bytes(self):
        for content_type, data in SAMPLES.items():
            with self.subTest(content_type=content_type):
                self.assertEqual(sniff_content_type(data), content_type)
                self.assertEqual(self.add("f.bin", data).content_type, content_type)

    def test_it_refuses_a_file_that_is_too_large(self):
        with self.assertRaises(InvalidInput) as caught:
            self.add("big.pdf", PDF + b"x" * 1024)
        self.assertEqual((caught.exception.field, caught.exception.code), ("file", "file_too_large"))
        self.assertFalse(Attachment.objects.exists())
        self.assertEqual(self.files_on_disk(), [])

    def test_it_refuses_types_outside_the_list_whatever_the_name_says(self):
        for name, data in (("virus.jpg", b"MZ\x90\x00\x03\x00\x00\x00"), ("page.pdf", b"\x00\x01binary\x00")):
            with self.subTest(name=name):
                with self.assertRaises(InvalidInput) as caught:
                    self.add(name, data, content_type="image/jpeg")
                self.assertEqual(caught.exception.code, "file_type_not_allowed")
        self.assertFalse(Attachment.objects.exists())
        self.assertEqual(kinds(self.case), ["created"])

    def test_it_refuses_an_allowed_format_that_settings_do_not_list(self):
        with (
            override_settings(RAKSA_ATTACHMENT_TYPES={"application/pdf": ".pdf"}),
            self.assertRaises(InvalidInput),
        ):
            self.add("photo.jpg", JPEG)

    def test_it_removes_the_stored_file_when_saving_the_row_fails(self):
        with (
            mock.patch("raksa.cases.events.event_record", side_effect=RuntimeError("database went away")),
            self.assertRaises(RuntimeError),
        ):
            self.add("a.jpg", JPEG)
        self.assertFalse(Attachment.objects.exists())
        self.assertEqual(self.files_on_disk(), [])

    def test_it_lets_a_pending_referral_unit_read_but_not_attach(self):
        from raksa.cases.services import referral_create

        referral_create(actor=self.case_worker, case=self.case, to_unit=self.dcy_hq, reason="เด็ก")
        with self.assertRaises(Forbidden):
            self.add("a.jpg", JPEG, actor=self.dcy_worker)
        self.assertEqual(self.files_on_disk(), [])
