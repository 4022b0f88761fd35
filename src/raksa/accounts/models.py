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


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CASE_WORKER)
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
