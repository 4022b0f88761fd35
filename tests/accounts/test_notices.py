"""Notices to staff: one per active recipient, emailed only when email is configured, and a mail server that
fails never fails the action that raised the notice."""

from __future__ import annotations

from django.core import mail
from django.test import override_settings

from raksa.accounts.models import Notice
from raksa.accounts.selectors import notices_of_user, notices_unread_count
from raksa.accounts.services import notice_send, notices_mark_read
from tests.base import RaksaTestCase


class NoticeTests(RaksaTestCase):
    def send(self, *recipients):
        return notice_send(
            recipients=recipients, kind="test", message_th="มีเรื่องต้องแจ้ง", message_en="Something to tell"
        )

    def test_it_writes_one_notice_per_active_recipient(self) -> None:
        self.other_supervisor.is_active = False
        self.other_supervisor.save()
        self.send(self.supervisor, self.supervisor, self.other_supervisor)
        self.assertEqual(list(Notice.objects.values_list("recipient", flat=True)), [self.supervisor.pk])
        self.assertEqual(notices_unread_count(user=self.supervisor), 1)

    def test_it_marks_notices_read(self) -> None:
        self.send(self.supervisor)
        self.send(self.supervisor)
        self.assertEqual(notices_mark_read(user=self.supervisor), 2)
        self.assertEqual(notices_unread_count(user=self.supervisor), 0)
        self.assertEqual(len(notices_of_user(user=self.supervisor)), 2)

    @override_settings(RAKSA_NOTICE_EMAIL=True)
    def test_it_emails_recipients_with_an_address_after_commit(self) -> None:
        self.supervisor.email = "sup@example.org"
        self.supervisor.save()
        with self.captureOnCommitCallbacks(execute=True):
            self.send(self.supervisor, self.other_supervisor)
            self.assertEqual(mail.outbox, [])
        (message,) = mail.outbox
        self.assertEqual(message.to, ["sup@example.org"])
        self.assertIn("มีเรื่องต้องแจ้ง", message.subject)
        self.assertIn("Something to tell", message.body)

    @override_settings(
        RAKSA_NOTICE_EMAIL=True,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=9,
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=2,
    )
    def test_it_keeps_the_notice_when_the_mail_server_fails(self) -> None:
        self.supervisor.email = "sup@example.org"
        self.supervisor.save()
        with self.assertLogs("raksa.accounts.services", "ERROR"), self.captureOnCommitCallbacks(execute=True):
            self.send(self.supervisor)
        self.assertEqual(Notice.objects.count(), 1)
