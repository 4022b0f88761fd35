"""The outbox in the admin: failed messages first, filtered by state and transport, never edited."""

from __future__ import annotations

from django.urls import reverse

from raksa.accounts.models import User
from raksa.notify.models import Message
from raksa.notify.services import message_queue
from tests.base import RaksaTestCase
from tests.notify.support import GROUP, PHONE


class MessageAdminTests(RaksaTestCase):
    def setUp(self) -> None:
        self.root = User.objects.create_superuser(username="root", password="correct-horse-battery")
        self.client.force_login(self.root)
        self.failed = message_queue(key="admin:failed", transport="sms", to=PHONE, payload={"text": "x"})
        Message.objects.filter(pk=self.failed.pk).update(state="failed", last_error="gateway said no")
        self.sent = message_queue(key="admin:sent", transport="line", to=GROUP, payload={"text": "y"})
        Message.objects.filter(pk=self.sent.pk).update(state="sent")
        self.url = reverse("admin:notify_message_changelist")

    def test_it_lists_failed_messages_first(self) -> None:
        page = self.client.get(self.url)
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertLess(html.index("admin:failed"), html.index("admin:sent"))  # though the newer is sent

    def test_it_filters_by_state_and_transport(self) -> None:
        page = self.client.get(self.url + "?state__exact=failed")
        self.assertContains(page, "admin:failed")
        self.assertNotContains(page, "admin:sent")
        page = self.client.get(self.url + "?transport__exact=line")
        self.assertContains(page, "admin:sent")
        self.assertNotContains(page, "admin:failed")

    def test_a_message_is_shown_and_never_changed(self) -> None:
        change = reverse("admin:notify_message_change", args=[self.failed.pk])
        self.assertContains(self.client.get(change), "gateway said no")
        self.assertEqual(self.client.post(change, {"to": "0899999999"}).status_code, 403)
        self.assertEqual(self.client.get(reverse("admin:notify_message_add")).status_code, 403)
        self.failed.refresh_from_db()
        self.assertEqual(self.failed.to, PHONE)
