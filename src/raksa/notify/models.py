"""The outbox: one row per message to send, kept after it is sent as the record of what went out."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from raksa.core.models import TimeStampedModel


class Message(TimeStampedModel):
    """One message to one recipient through one transport, and how its sending went.

    `key` is the caller's idempotency key ("dispatch:12:contact:3:1"): queueing the same key again finds this row.
    `purpose` and `ref` are the caller's own words for what the message is about ("dispatch_alert", "12"), so it
    can find its object again when told the outcome.

        pending -> sending          claimed by a sweep (attempts + 1, claimed_until = the end of its lease)
        sending -> sent             the transport accepted it (sent_at, provider_ref)
        sending -> pending          a transient failure: tried again at next_attempt_at
        sending -> failed           a permanent failure, or the last allowed attempt failed (last_error)
        sending (lease run out)     the worker died mid-send: a later sweep claims it again
    """

    class State(models.TextChoices):
        PENDING = "pending", _("รอส่ง")
        SENDING = "sending", _("กำลังส่ง")
        SENT = "sent", _("ส่งแล้ว")
        FAILED = "failed", _("ส่งไม่สำเร็จ")

    class Transport(models.TextChoices):
        LINE = "line", _("LINE")
        LINE_REPLY = "line_reply", _("LINE (ตอบกลับ หรือส่งเมื่อหมดเวลาตอบ)")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("อีเมล")
        WEBHOOK = "webhook", _("เว็บฮุก")

    key = models.CharField(_("รหัสป้องกันการส่งซ้ำ"), max_length=200, unique=True)
    transport = models.CharField(_("ช่องทาง"), max_length=10, choices=Transport.choices)
    # A LINE user or group id, a phone number, an email address or a URL, by transport.
    to = models.CharField(_("ผู้รับ"), max_length=1000)
    # What the transport needs: `text` always; for LINE an optional `flex` container and its `alt_text`; for
    # email an optional `subject`; a webhook posts the whole payload.
    payload = models.JSONField(_("เนื้อหา"), default=dict)
    purpose = models.CharField(_("วัตถุประสงค์"), max_length=64, blank=True)
    ref = models.CharField(_("อ้างอิง"), max_length=100, blank=True)
    state = models.CharField(_("สถานะ"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("จำนวนครั้งที่ส่ง"), default=0)
    next_attempt_at = models.DateTimeField(_("ส่งครั้งต่อไป"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("กำลังส่งถึง"), null=True, blank=True)
    last_error = models.TextField(_("ข้อผิดพลาดล่าสุด"), blank=True)
    sent_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)
    # LINE's x-line-request-id, the SMS gateway's id, the email's Message-ID.
    provider_ref = models.CharField(_("รหัสจากผู้ให้บริการ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ข้อความแจ้งเตือน")
        verbose_name_plural = _("ข้อความแจ้งเตือน")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep's query, four times a second on every worker: only unsent rows are in this index, so
            # it stays small however many sent messages the table keeps.
            models.Index(
                fields=["state", "next_attempt_at"],
                name="notify_message_due",
                condition=models.Q(state__in=["pending", "sending"]),
            ),
            models.Index(fields=["purpose", "ref"], name="notify_message_purpose_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.transport} to {self.to}, {self.state})"
