"""A dispatch: one field unit sent to one emergency case, with its timers; and the timer settings per type and area."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from raksa.cases.models import EmergencyType
from raksa.core.models import TimeStampedModel


class DispatchState(models.TextChoices):
    PENDING = "pending", _("รอส่งแจ้งเตือน")
    ALERTED = "alerted", _("แจ้งเตือนทีมแล้ว รอรับเรื่อง")
    ACKNOWLEDGED = "acknowledged", _("ทีมรับเรื่องแล้ว")
    EN_ROUTE = "en_route", _("ทีมกำลังเดินทาง")
    ON_SCENE = "on_scene", _("ทีมถึงที่เกิดเหตุแล้ว")
    RESOLVED = "resolved", _("ระงับเหตุแล้ว")
    ESCALATED = "escalated", _("ไม่มีผู้รับเรื่องทันเวลา ส่งต่อระดับสูงขึ้นแล้ว")
    DECLINED = "declined", _("ทีมปฏิเสธ")
    CANCELLED = "cancelled", _("ยกเลิก")


class Dispatch(TimeStampedModel):
    """One unit sent to one emergency case (one row per case and unit).

    `level` counts escalations: 0 for the unit the point routed to, then one more for each level up (the province's
    other units, the region's, the national centre). The timers are the two due times: `ack_due_at` while the unit
    has not acknowledged, `on_scene_due_at` while it has not arrived; the worker's sweep acts on the ones that have
    passed. `contact_index` is the on-call contact being tried (the next one when a send fails for good).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="dispatches")
    unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="dispatches")
    state = models.CharField(max_length=12, choices=DispatchState.choices, default=DispatchState.PENDING)
    level = models.PositiveSmallIntegerField(default=0)
    escalated_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="escalations"
    )
    # Why this unit: the routing's reason, in words a supervisor reads on the board.
    reason = models.CharField(max_length=300, blank=True)
    contact_index = models.PositiveSmallIntegerField(default=0)
    alert_failed = models.BooleanField(default=False)
    ack_due_at = models.DateTimeField(null=True, blank=True)
    on_scene_due_at = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    en_route_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "unit"], name="dispatch_case_unit_unique")]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="dispatch_state_recent"),
            models.Index(fields=["-updated_at"], name="dispatch_recently_changed"),
            models.Index(
                fields=["ack_due_at"], name="dispatch_ack_due", condition=models.Q(ack_due_at__isnull=False)
            ),
            models.Index(
                fields=["on_scene_due_at"],
                name="dispatch_on_scene_due",
                condition=models.Q(on_scene_due_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} -> {self.unit_id} ({self.state})"


class DispatchTimer(models.Model):
    """How long a unit has to acknowledge and to arrive, for one emergency type and/or one province.

    Blank means any: the most specific row wins (type and province, then province, then type), else the settings'
    defaults (RAKSA_DISPATCH_ACK_MINUTES, RAKSA_DISPATCH_ON_SCENE_MINUTES).
    """

    emergency_type = models.CharField(max_length=12, choices=EmergencyType.choices, blank=True)
    province_code = models.CharField(max_length=2, blank=True)
    ack_minutes = models.PositiveSmallIntegerField()
    on_scene_minutes = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["emergency_type", "province_code"], name="dispatch_timer_unique"),
            models.CheckConstraint(
                condition=models.Q(ack_minutes__gte=1, on_scene_minutes__gte=1),
                name="dispatch_timer_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.emergency_type or '*'}/{self.province_code or '*'}: {self.ack_minutes}/{self.on_scene_minutes}"
