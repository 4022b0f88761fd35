"""Which files a case keeps, told from their bytes, and each file once per case."""

from __future__ import annotations

import importlib
import shutil
import tempfile
from pathlib import Path
from unittest import skipUnless

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from raksa.cases.models import Attachment
from raksa.cases.services import attachment_add
from raksa.core.errors import InvalidInput
from tests.base import RaksaTestCase
from tests.cases.helpers import kinds, open_case
from tests.core.test_filetypes import HEIC, HTML_PAGE, SVG_WITH_SCRIPT

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 64


class AttachmentTypeTests(RaksaTestCase):
    def setUp(self) -> None:
        self.media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.media, True)
        overrider = override_settings(MEDIA_ROOT=self.media)
        overrider.enable()
        self.addCleanup(overrider.disable)
        self.case = open_case(self.call_taker, self.bkk_office)

    def add(self, name: str, data: bytes, content_type: str = "image/png", case=None) -> Attachment:
        upload = SimpleUploadedFile(name, data, content_type=content_type)
        return attachment_add(actor=self.case_worker, case=case or self.case, uploaded_file=upload)

    def files_on_disk(self) -> list[Path]:
        return [p for p in Path(self.media).rglob("*") if p.is_file()]

    def assertRefused(self, name: str, data: bytes, code: str) -> InvalidInput:
        with self.assertRaises(InvalidInput) as caught:
            self.add(name, data)
        self.assertEqual((caught.exception.field, caught.exception.code), ("file", code))
        self.assertTrue(caught.exception.message_th and caught.exception.message_en)
        self.assertFalse(Attachment.objects.exists())
        self.assertEqual(self.files_on_disk(), [])
        self.assertEqual(kinds(self.case), ["created"])
        return caught.exception

    def test_it_refuses_an_svg_with_a_script_and_a_page_named_png(self) -> None:
        self.assertRefused("photo.png", SVG_WITH_SCRIPT, "file_markup_not_allowed")
        error = self.assertRefused("photo.png", HTML_PAGE, "file_markup_not_allowed")
        self.assertIn("PDF", error.message_en)

    def test_it_refuses_text_that_is_not_really_text(self) -> None:
        self.assertRefused("notes.txt", b"call at 10:30\x00\x01\x02", "file_type_not_allowed")
        self.assertRefused("notes.txt", "บันทึก".encode("cp874"), "file_type_not_allowed")

    def test_it_refuses_office_documents_it_cannot_check(self) -> None:
        docx = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64
        self.assertRefused("report.docx", docx, "file_type_not_allowed")

    def test_it_keeps_a_heic_photo_and_plain_text(self) -> None:
        self.assertEqual(self.add("IMG_0001.HEIC", HEIC).content_type, "image/heic")
        text = self.add("call.txt", "โทรแจ้ง 10:30 น.\n<somchai@example.com>".encode())
        self.assertEqual((text.content_type, text.extension), ("text/plain", ".txt"))

    def test_it_keeps_the_uploaders_name_only_as_a_clean_label(self) -> None:
        attachment = self.add("../../รูป\u202egpj.exe\x07", JPEG)
        self.assertEqual(attachment.original_name, "รูปgpj.exe")
        self.assertTrue(attachment.file.name.endswith(f"{attachment.sha256}.jpg"))

    def test_it_keeps_one_row_per_file_per_case(self) -> None:
        first = self.add("a.jpg", JPEG)
        self.assertFalse(first.is_duplicate)
        again = self.add("same-photo-again.jpg", JPEG)
        self.assertEqual(again.pk, first.pk)
        self.assertTrue(again.is_duplicate)
        self.assertEqual(again.original_name, "a.jpg")
        self.assertEqual(Attachment.objects.count(), 1)
        self.assertEqual(kinds(self.case), ["created", "attachment_added"])
        self.assertEqual(len(self.files_on_disk()), 1)

    def test_it_keeps_the_same_file_on_two_cases(self) -> None:
        other = open_case(self.call_taker, self.bkk_office)
        self.add("a.jpg", JPEG)
        self.assertFalse(self.add("a.jpg", JPEG, case=other).is_duplicate)
        self.assertEqual(Attachment.objects.count(), 2)

    def test_it_holds_one_file_per_case_in_the_database_too(self) -> None:
        first = self.add("a.jpg", JPEG)
        copy = Attachment(
            case=self.case,
            original_name="b.jpg",
            content_type=first.content_type,
            size=first.size,
            sha256=first.sha256,
            extension=first.extension,
            uploaded_by=self.case_worker,
            file=first.file.name,
        )
        with self.assertRaises(IntegrityError), transaction.atomic():
            copy.save()


@skipUnless(
    connection.vendor == "postgresql", "drops a constraint inside the test's transaction (PostgreSQL DDL)"
)
class AttachmentFoldMigrationTests(RaksaTestCase):
    migration = importlib.import_module("raksa.cases.migrations.0006_attachment_unique_per_case")

    def test_it_folds_copies_of_a_file_on_a_case_into_the_first(self) -> None:
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, True)
        constraint = next(c for c in Attachment._meta.constraints if c.name == "uniq_attachment_case_sha256")
        # Before any row is written (PostgreSQL alters no table with checks pending); the test's rollback puts
        # the constraint back.
        with connection.schema_editor() as editor:
            editor.remove_constraint(Attachment, constraint)
        with override_settings(MEDIA_ROOT=media):
            case = open_case(self.call_taker, self.bkk_office)
            other = open_case(self.call_taker, self.bkk_office)
            upload = SimpleUploadedFile("a.jpg", JPEG)
            first = attachment_add(actor=self.case_worker, case=case, uploaded_file=upload)
            on_other = attachment_add(actor=self.case_worker, case=other, uploaded_file=upload)
            copy = Attachment.objects.create(
                case=case,
                original_name="a-again.jpg",
                content_type=first.content_type,
                size=first.size,
                sha256=first.sha256,
                extension=first.extension,
                uploaded_by=self.case_worker,
                file=ContentFile(JPEG, name="copy.jpg"),
            )
            copy_path = Path(copy.file.path)
            self.assertTrue(copy_path.exists())

            self.migration.fold_duplicates(apps, None)

            self.assertEqual(
                sorted(Attachment.objects.values_list("pk", flat=True)), sorted([first.pk, on_other.pk])
            )
            self.assertFalse(copy_path.exists())
            self.assertTrue(Path(first.file.path).exists())
