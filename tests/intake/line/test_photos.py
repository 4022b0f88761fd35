"""Photos sent in the LINE chat: fetched from LINE's content API (the stand-in's), kept as attachments on her case
with the web form's type sniffing and size limit, refused with a clear answer and nothing saved, and never lost
when LINE's content API is down (the event fails and is retried)."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
from typing import Any

from django.test import override_settings

from raksa.cases.models import Attachment, Case
from raksa.dispatch.models import Dispatch
from raksa.intake.line.models import LineEvent
from raksa.intake.line.services import PURPOSE, line_event_sweep
from raksa.intake.models import Report
from raksa.notify.models import Message
from tests.intake.line.support import event, location_message, postback, text_message
from tests.intake.line.test_conversation import DAY, NEED, ConversationTestCase

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
GIF = b"GIF89a" + b"\x00" * 32
MESSAGE_ID = "354718705033693859"
IMAGE_SET = "E005D41A7288F41B65593ED38FF6E9834B046AB36A37921A56BC236F13A91855"


def image(
    message_id: str = MESSAGE_ID,
    *,
    provider: dict[str, Any] | None = None,
    image_set: tuple[int, int] | None = None,
    quote: bool = True,
    **options: Any,
) -> dict[str, Any]:
    """An image message event as the Messaging API reference shows it; `provider` None leaves contentProvider
    out (optional in older payloads), `image_set` (index, total) adds imageSet as for photos sent together."""
    message: dict[str, Any] = {"id": message_id, "type": "image"}
    if quote:
        message["quoteToken"] = "q3Plxr4AgKd7wEpRXPjbKKVHWgrVQqcWEJuWN0UORmomMjE8FvgZxzc4ks"
    if provider is not None:
        message["contentProvider"] = provider
    if image_set is not None:
        message["imageSet"] = {"id": IMAGE_SET, "index": image_set[0], "total": image_set[1]}
    return event("message", message=message, **options)


LINE_PROVIDER = {"type": "line"}


class PhotoTestCase(ConversationTestCase):
    def setUp(self) -> None:
        super().setUp()
        media = tempfile.mkdtemp(prefix="raksa-line-photos-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        overrides = override_settings(MEDIA_ROOT=media)
        overrides.enable()
        self.addCleanup(overrides.disable)

    def open_case(self) -> Case:
        self.says(text_message(NEED))
        case = Report.objects.get().case
        assert case is not None
        return case

    def content_requests(self) -> list[str]:
        return [r.path for r in self.line.requests if r.method == "GET" and r.path.endswith("/content")]


class PhotoTests(PhotoTestCase):
    def test_a_photo_in_her_open_case_is_fetched_and_kept_as_an_attachment_on_its_timeline(self):
        case = self.open_case()
        self.line.content_put(MESSAGE_ID, JPEG, "image/jpeg")
        self.says(image(provider=LINE_PROVIDER))
        self.assertEqual(self.content_requests(), [f"/v2/bot/message/{MESSAGE_ID}/content"])
        [attachment] = Attachment.objects.filter(case=case)
        self.assertEqual(attachment.content_type, "image/jpeg")
        self.assertEqual(attachment.sha256, hashlib.sha256(JPEG).hexdigest())
        with attachment.file.open("rb") as handle:
            self.assertEqual(handle.read(), JPEG)
        self.assertIsNone(attachment.uploaded_by)
        kinds = list(case.events.values_list("kind", flat=True))
        self.assertIn("attachment_added", kinds)
        self.assertIn("report_added", kinds)
        self.assertEqual(case.reports.count(), 2)
        self.assertIn(f"เพิ่มในเรื่อง {case.tracking_code}", self.last_answer()["text"])
        self.assertEqual(LineEvent.objects.get(type="message", raw__message__type="image").state, "processed")

    def test_a_photo_without_its_optional_fields_is_kept_too(self):
        case = self.open_case()
        self.line.content_put(MESSAGE_ID, PNG, "image/png")
        self.says(image(quote=False))  # no contentProvider, no quoteToken, no imageSet
        self.assertEqual(Attachment.objects.get(case=case).content_type, "image/png")

    def test_a_photo_as_her_first_message_starts_a_report_and_offers_the_emergencies(self):
        self.line.content_put(MESSAGE_ID, JPEG, "image/jpeg")
        self.says(image(provider=LINE_PROVIDER))
        report = Report.objects.get()
        case = report.case
        assert case is not None
        self.assertEqual(report.files.count(), 1)
        self.assertEqual(Attachment.objects.get(case=case).content_type, "image/jpeg")
        answer = self.last_answer()
        self.assertIn(case.tracking_code, answer["text"])
        actions = [item["action"] for item in answer["quickReply"]["items"]]
        self.assertEqual(actions[0]["data"], "emergency=threat")

    def test_photos_sent_together_join_one_case_and_get_one_answer(self):
        self.line.content_put("1001", JPEG, "image/jpeg")
        self.line.content_put("1002", PNG, "image/png")
        self.says(
            image("1001", provider=LINE_PROVIDER, image_set=(1, 2)),
            image("1002", provider=LINE_PROVIDER, image_set=(2, 2)),
        )
        self.assertEqual(Case.objects.count(), 1)
        case = Case.objects.get()
        self.assertEqual(Attachment.objects.filter(case=case).count(), 2)
        self.assertEqual(len(self.answers()), 1)

    def test_the_same_photo_sent_twice_is_one_attachment(self):
        case = self.open_case()
        self.line.content_put("1001", JPEG, "image/jpeg")
        self.line.content_put("1002", JPEG, "image/jpeg")
        self.says(image("1001"), image("1002"))
        self.assertEqual(Attachment.objects.filter(case=case).count(), 1)

    def test_a_photo_while_the_location_is_awaited_sends_the_emergency_with_it(self):
        self.says(postback("emergency=abuse_risk"))
        self.line.content_put(MESSAGE_ID, JPEG, "image/jpeg")
        self.says(image(provider=LINE_PROVIDER))
        case = Case.objects.get()
        self.assertEqual(case.emergency_type, "abuse_risk")
        self.assertEqual(Dispatch.objects.filter(case=case).count(), 1)
        self.assertEqual(Attachment.objects.filter(case=case).count(), 1)
        texts = [a["text"] for a in self.answers()]
        self.assertTrue(any("ส่งเรื่องเหตุฉุกเฉิน" in t for t in texts), texts)
        self.assertTrue(any("ได้รับรูปภาพแล้ว" in t for t in texts), texts)

    def test_a_redelivered_photo_is_fetched_and_kept_once(self):
        case = self.open_case()
        self.line.content_put(MESSAGE_ID, JPEG, "image/jpeg")
        photo = image(provider=LINE_PROVIDER)
        self.says(photo)
        self.says(dict(photo, deliveryContext={"isRedelivery": True}))
        self.assertEqual(len(self.content_requests()), 1)
        self.assertEqual(Attachment.objects.filter(case=case).count(), 1)
        self.assertEqual(case.reports.count(), 2)


class RefusedPhotoTests(PhotoTestCase):
    def assert_nothing_kept(self, case: Case) -> None:
        self.assertFalse(Attachment.objects.exists())
        self.assertEqual(case.reports.count(), 1)
        self.assertEqual(LineEvent.objects.get(raw__message__type="image").state, "processed")

    def test_a_photo_over_the_web_forms_limit_is_refused_clearly_and_nothing_is_saved(self):
        case = self.open_case()
        with override_settings(RAKSA_REPORT_FILE_MAX_BYTES=1024):
            self.line.content_put(MESSAGE_ID, JPEG + b"\x00" * 2048, "image/jpeg")
            self.says(image(provider=LINE_PROVIDER))
        self.assert_nothing_kept(case)
        text = self.last_answer()["text"]
        self.assertIn("รูปนี้มีขนาดเกิน", text)
        self.assertIn("1300", text)

    def test_a_refused_photo_while_the_location_is_awaited_still_sends_the_emergency(self):
        self.says(postback("emergency=detention"))
        self.line.content_put(MESSAGE_ID, GIF, "image/gif")
        self.says(image(provider=LINE_PROVIDER))
        case = Case.objects.get()
        self.assertEqual(Dispatch.objects.filter(case=case).count(), 1)
        self.assertFalse(Attachment.objects.exists())
        texts = [a["text"] for a in self.answers()]
        self.assertTrue(any("ส่งเรื่องเหตุฉุกเฉิน" in t for t in texts), texts)
        self.assertIn("เก็บไม่ได้", texts[-1])

    def test_a_file_that_is_not_a_picture_is_refused_by_its_bytes_whatever_line_calls_it(self):
        case = self.open_case()
        self.line.content_put(MESSAGE_ID, GIF, "image/jpeg")  # a GIF, said to be a JPEG
        self.says(image(provider=LINE_PROVIDER))
        self.assert_nothing_kept(case)
        self.assertIn("JPEG PNG WebP หรือ HEIC", self.last_answer()["text"])

    def test_a_photo_line_no_longer_has_is_answered_and_not_retried(self):
        case = self.open_case()
        self.says(image(provider=LINE_PROVIDER))  # nothing put there: LINE's 404
        self.assert_nothing_kept(case)
        self.assertIn("ส่งรูปอีกครั้ง", self.last_answer()["text"])

    def test_a_refused_photo_is_answered_in_english_for_an_english_chat(self):
        self.says(text_message("My grandmother lives alone with no income and needs help", full=False))
        self.says(image(provider=LINE_PROVIDER))
        self.assertTrue(self.last_answer()["text"].startswith("We could not get this photo"))


class ExternalPhotoTests(PhotoTestCase):
    def test_an_external_images_https_link_is_kept_in_the_report_and_nothing_is_fetched(self):
        case = self.open_case()
        url = "https://example.com/photos/original.jpg"
        provider = {"type": "external", "originalContentUrl": url, "previewImageUrl": url + "?preview"}
        self.says(image(provider=provider))
        self.assertEqual(self.content_requests(), [])
        self.assertFalse(Attachment.objects.exists())
        report = case.reports.order_by("-id").first()
        assert report is not None
        self.assertIn(url, report.text)

    def test_an_external_link_that_is_not_https_is_not_kept(self):
        case = self.open_case()
        provider = {"type": "external", "originalContentUrl": "http://10.0.0.1/admin"}
        self.says(image(provider=provider))
        report = case.reports.order_by("-id").first()
        assert report is not None
        self.assertNotIn("10.0.0.1", report.text)
        self.assertIn("ไม่ใช่ https", report.text)


class PhotoFailureTests(PhotoTestCase):
    def test_line_answering_500_fails_the_event_which_is_retried_and_the_photo_kept(self):
        case = self.open_case()
        self.line.content_put(MESSAGE_ID, JPEG, "image/jpeg")
        # The loading animation's call, then the content's: both find LINE down.
        self.line.fail_next(2, status=500)
        self.says(image(provider=LINE_PROVIDER))
        photo = LineEvent.objects.get(raw__message__type="image")
        self.assertEqual((photo.state, photo.attempts), ("failed", 1))
        self.assertIn("500", photo.last_error)
        self.assertFalse(Attachment.objects.exists())
        self.assertEqual(case.reports.count(), 1)  # nothing half-saved
        self.assertFalse(Message.objects.filter(purpose=PURPOSE, key__contains="photo").exists())

        self.at(DAY + dt.timedelta(seconds=11))  # the first retry is due after 10 s
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(line_event_sweep(), 1)
        photo.refresh_from_db()
        self.assertEqual(photo.state, "processed")
        self.assertEqual(Attachment.objects.filter(case=case).count(), 1)
        self.assertIn("ได้รับรูปภาพแล้ว", self.last_answer()["text"])

    def test_line_not_answering_fails_the_event_for_a_retry(self):
        self.open_case()
        self.line.content_put(MESSAGE_ID, JPEG, "image/jpeg")
        self.line.fail_next(1, status=500)  # the loading animation: quiet for a minute after it
        self.line.drop_next(1)  # the content: the connection closes with no answer
        self.says(image(provider=LINE_PROVIDER))
        photo = LineEvent.objects.get(raw__message__type="image")
        self.assertEqual(photo.state, "failed")
        self.assertIn("did not answer", photo.last_error)

    def test_a_failed_photo_does_not_hold_up_her_next_message_and_joins_on_its_retry(self):
        case = self.open_case()
        self.line.content_put(MESSAGE_ID, JPEG, "image/jpeg")
        self.line.fail_next(2, status=500)
        self.says(image(provider=LINE_PROVIDER))
        self.says(location_message())
        self.assertEqual(case.reports.count(), 2)
        self.at(DAY + dt.timedelta(seconds=11))
        with self.captureOnCommitCallbacks(execute=True):
            line_event_sweep()
        self.assertEqual(case.reports.count(), 3)
        self.assertEqual(Attachment.objects.filter(case=case).count(), 1)
