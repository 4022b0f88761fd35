"""Who asked to be told when a case moves on: one subscription per case, transport and address."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from raksa.cases.models import Case
from raksa.core.models import TimeStampedModel


class Subscription(TimeStampedModel):
    """A reporter (or a LINE user) who agreed to an SMS or a LINE push each time `case` reaches a new public stage.

    The record of the consent is the row itself: `method` says how it was given, `consented_at` when,
    `report_ref` by which report (an intake report's public id: intake sits above tracking, so it is not a
    foreign key), `recorded_by` the staff member who recorded it for a caller. Which stages each was told is the
    notify outbox's: one message per key `stage:<case id>:<stage>:<subscription id>` (tracking.services).
    """

    class Transport(models.TextChoices):
        SMS = "sms", _("SMS")
        LINE = "line", _("LINE")

    class Method(models.TextChoices):
        WEB_FORM = "web_form", _("เลือกรับ SMS ในแบบฟอร์มแจ้งเรื่องบนเว็บ")
        TOLD_STAFF = "told_staff", _("ผู้แจ้งตกลงรับ SMS กับเจ้าหน้าที่ (เช่น สายด่วน 1300) เจ้าหน้าที่บันทึกให้")
        LINE_CHAT = "line_chat", _("แจ้งเรื่องผ่าน LINE")
        LINE_REQUEST = "line_request", _("ขอรับความคืบหน้าผ่าน LINE")
        PARTNER = "partner", _("หน่วยงานภาคีส่ง LINE ของผู้แจ้งมากับเรื่อง")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notice_subscriptions")
    transport = models.CharField(_("ช่องทาง"), max_length=8, choices=Transport.choices)
    # A Thai mobile number in national form (sms), or a LINE user id (line).
    address = models.CharField(_("ผู้รับ"), max_length=64)
    method = models.CharField(_("วิธีให้ความยินยอม"), max_length=16, choices=Method.choices)
    consented_at = models.DateTimeField(_("ยินยอมเมื่อ"))
    report_ref = models.CharField(_("การแจ้งที่ให้ความยินยอม"), max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when the person no longer wants them (a LINE user who blocked the account); nothing is sent after.
    stopped_at = models.DateTimeField(_("หยุดแจ้งเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("การรับแจ้งความคืบหน้า")
        verbose_name_plural = _("การรับแจ้งความคืบหน้า")
        ordering = ["case", "id"]
        constraints = [
            # Also the index of the one look-up a stage change makes (case first).
            models.UniqueConstraint(
                fields=["case", "transport", "address"], name="tracking_subscription_unique"
            ),
        ]
        indexes = [models.Index(fields=["transport", "address"], name="tracking_subscription_address")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.transport} ({self.method})"
