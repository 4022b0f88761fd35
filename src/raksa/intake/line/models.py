"""What LINE sent (each webhook event once), each LINE user's conversation state, and the groups the account is in."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from raksa.cases.models import EmergencyType
from raksa.core.models import TimeStampedModel


class LineEvent(TimeStampedModel):
    """One webhook event exactly as LINE sent it, stored once (unique on its webhookEventId), then processed by
    the worker. A redelivery keeps its webhookEventId, so it finds the row already there and adds nothing."""

    class State(models.TextChoices):
        RECEIVED = "received", _("รับแล้ว รอดำเนินการ")
        PROCESSED = "processed", _("ดำเนินการแล้ว")
        FAILED = "failed", _("ดำเนินการไม่สำเร็จ รอลองใหม่")
        IGNORED = "ignored", _("ไม่ต้องดำเนินการ")

    webhook_event_id = models.CharField(max_length=64, unique=True)
    type = models.CharField(max_length=32)
    mode = models.CharField(max_length=16, blank=True)
    source_type = models.CharField(max_length=16, blank=True)
    user_id = models.CharField(max_length=64, blank=True, db_index=True)
    group_id = models.CharField(max_length=64, blank=True)
    redelivered = models.BooleanField(default=False)
    raw = models.JSONField()
    received_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="line_event_due")]

    def __str__(self) -> str:
        return f"{self.webhook_event_id} {self.type} ({self.state})"


class LineChat(TimeStampedModel):
    """One LINE user's conversation with the account: her language, her case, and an emergency waiting for its
    location (`pending_*`), which the worker submits without one once `pending_until` has passed."""

    user_id = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=8, default="th")
    following = models.BooleanField(default=True)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    pending_emergency = models.CharField(max_length=16, choices=EmergencyType.choices, blank=True)
    pending_event_id = models.CharField(max_length=64, blank=True)
    pending_until = models.DateTimeField(null=True, blank=True, db_index=True)
    # A question waiting for her tap (the same pending_* minute): "confirm" (a text triage read as the emergency
    # in pending_emergency: send help now?) or "same" (is this about her open case?). Her text is already stored
    # as `pending_report`, held from processing until she answers or the minute is up.
    pending_question = models.CharField(max_length=8, blank=True)
    pending_report = models.ForeignKey(
        "intake.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Triage's confidence in the emergency it read: at CONFIRM_CONFIDENT or more, no answer sends help anyway.
    pending_confidence = models.FloatField(null=True, blank=True)
    # The short guided intake ("another problem"): the category she chose; her next text is a new case of it.
    intake_category = models.CharField(max_length=24, blank=True)
    # When she last told the chat something about her case (a report, or "the same matter"): a text long after
    # it asks whether it is still the same matter.
    last_said_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.user_id


class LineGroup(TimeStampedModel):
    """A LINE group or multi-person chat the account was invited to (a field team's): an admin attaches it to its
    unit, which makes it that unit's LINE group contact for alerts."""

    group_id = models.CharField(max_length=64, unique=True)
    source_type = models.CharField(max_length=16, default="group")
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="line_groups"
    )

    class Meta:
        ordering = ["-joined_at"]

    def __str__(self) -> str:
        return self.group_id
