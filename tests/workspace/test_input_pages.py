"""What the workspace's pages refuse, in the words of the services, and how a case file is handed back."""

from __future__ import annotations

import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from raksa.cases.models import Attachment, CaseEvent, Note
from raksa.cases.services import NOTE_MAX
from tests.core.test_filetypes import HTML_PAGE, SVG_WITH_SCRIPT
from tests.workspace.test_views import WorkspaceTestCase

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 64
PDF = b"%PDF-1.7\n" + b"1 0 obj\n" * 8


class NotePageInputTests(WorkspaceTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.case_worker)
        self.url = reverse("cases:note_add", args=[self.bkk_case.number])

    def test_it_refuses_a_note_of_zero_width_characters_in_both_languages(self) -> None:
        response = self.client.post(self.url, {"body": "\u200b\u200b\u200d"})
        self.assertContains(response, "กรุณาระบุข้อความบันทึก", status_code=400)
        self.assertContains(response, "Note is required", status_code=400)
        self.assertFalse(Note.objects.filter(case=self.bkk_case).exists())

    def test_it_refuses_a_nul_and_a_note_over_the_limit(self) -> None:
        for body in ("บันทึก\x00", "ก" * (NOTE_MAX + 1)):
            with self.subTest(length=len(body)):
                response = self.client.post(self.url, {"body": body})
                self.assertEqual(response.status_code, 400)
        self.assertFalse(Note.objects.filter(case=self.bkk_case).exists())

    def test_it_takes_a_note_as_long_as_the_api_does(self) -> None:
        response = self.client.post(self.url, {"body": "ก" * NOTE_MAX})
        self.assertRedirects(response, reverse("cases:detail", args=[self.bkk_case.number]))
        self.assertEqual(len(Note.objects.get(case=self.bkk_case).body), NOTE_MAX)


class AttachmentPageTests(WorkspaceTestCase):
    def setUp(self) -> None:
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, True)
        overrider = override_settings(MEDIA_ROOT=media)
        overrider.enable()
        self.addCleanup(overrider.disable)
        self.client.force_login(self.case_worker)
        self.url = reverse("cases:attachment_add", args=[self.bkk_case.number])

    def upload(self, name: str, data: bytes, content_type: str = "image/png"):
        return self.client.post(self.url, {"file": SimpleUploadedFile(name, data, content_type=content_type)})

    def download(self, attachment: Attachment):
        return self.client.get(
            reverse("cases:attachment_download", args=[self.bkk_case.number, attachment.pk])
        )

    def test_it_refuses_an_svg_with_a_script_and_a_page_named_png_in_both_languages(self) -> None:
        for data in (SVG_WITH_SCRIPT, HTML_PAGE):
            response = self.upload("photo.png", data)
            self.assertContains(response, "ไฟล์นี้เป็นหน้าเว็บหรือภาพ SVG", status_code=400)
            self.assertContains(response, "This file is a web page or an SVG image", status_code=400)
        self.assertFalse(Attachment.objects.exists())

    def test_it_serves_a_file_under_a_generated_name_as_a_download_of_its_sniffed_type(self) -> None:
        self.upload("evil.svg.jpg", JPEG, content_type="image/svg+xml")
        self.upload("รายงาน.pdf", PDF)
        self.upload("call.txt", "โทรแจ้ง 10:30".encode(), content_type="text/html")
        photo, report, text = Attachment.objects.filter(case=self.bkk_case).order_by("id")
        number = self.bkk_case.number
        for attachment, name, content_type in (
            (photo, f"{number}-1.jpg", "image/jpeg"),
            (report, f"{number}-2.pdf", "application/pdf"),
            (text, f"{number}-3.txt", "text/plain; charset=utf-8"),
        ):
            with self.subTest(name=name):
                response = self.download(attachment)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Disposition"], f'attachment; filename="{name}"')
                self.assertEqual(response["Content-Type"], content_type)
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertEqual(b"".join(self.download(photo).streaming_content), JPEG)
        # The uploader's name is still what the case page lists the file by.
        page = self.client.get(reverse("cases:detail", args=[number]))
        self.assertContains(page, "evil.svg.jpg")

    def test_it_keeps_the_same_file_once_and_says_so(self) -> None:
        self.upload("a.jpg", JPEG)
        response = self.upload("a-again.jpg", JPEG)
        self.assertRedirects(
            response, reverse("cases:detail", args=[self.bkk_case.number]), fetch_redirect_response=False
        )
        page = self.client.get(response["Location"])
        self.assertContains(page, "ไฟล์นี้แนบไว้ในเรื่องนี้แล้ว (a.jpg)")
        self.assertEqual(Attachment.objects.filter(case=self.bkk_case).count(), 1)
        self.assertEqual(CaseEvent.objects.filter(case=self.bkk_case, kind="attachment_added").count(), 1)
