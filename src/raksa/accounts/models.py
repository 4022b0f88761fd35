from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from raksa.core.models import TimeStampedModel


class Role(models.TextChoices):
    CALL_TAKER = "call_taker", _("เจ้าหน้าที่รับสาย")
    RESPONDER = "responder", _("ทีมปฏิบัติการ")
    CASE_WORKER = "case_worker", _("นักสังคมสงเคราะห์")
    SUPERVISOR = "supervisor", _("หัวหน้างาน")
    ADMIN = "admin", _("ผู้ดูแลระบบ")
    VOLUNTEER = "volunteer", _("อาสาสมัครพัฒนาสังคม (อพม.)")


class Service(models.TextChoices):
    """What a machine account stands for, beside its role: "" for a person."""

    NONE = "", _("บุคคล")
    TELEPHONY = "telephony", _("ระบบโทรศัพท์ (แจ้งสายเข้า)")


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CASE_WORKER)
    # A telephony service user may post call events (POST /api/v1/calls/incoming) and nothing else of a person's.
    service = models.CharField(max_length=16, choices=Service.choices, blank=True, default="")
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    display_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class ApiToken(TimeStampedModel):
    """A bearer token; only its SHA-256 is stored, the prefix lets a user tell tokens apart."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class Notice(models.Model):
    """Something a staff member must be told (a record opened by breaking the glass, a user over a rate limit).

    Written in both languages when it is raised, as errors are, so it reads the same whoever later opens it.
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=32)
    message_th = models.CharField(max_length=500)
    message_en = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True, help_text="A page to open, inside this site")
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} @ {self.created_at:%Y-%m-%d %H:%M}"
