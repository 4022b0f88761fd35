"""Reports as received, their files, a volunteer's record of consent, and the hotline's call log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from raksa.cases.models import Channel
from raksa.core.models import TimeStampedModel
from raksa.people.models import new_public_id


class Report(TimeStampedModel):
    """One report exactly as a channel received it, stored before anything can fail.

    `(source, idempotency_key)` is unique: `source` says whose keys these are (a channel, or an API client), so a
    retried request or a double click finds the report already made. `request_hash` is the SHA-256 of the
    canonical input: the same key with other input is a conflict, not a second report.
    """

    class State(models.TextChoices):
        RECEIVED = "received", _("รับแล้ว รอดำเนินการ")
        PROCESSED = "processed", _("เปิดเรื่องแล้ว")
        FAILED = "failed", _("ดำเนินการไม่สำเร็จ รอลองใหม่")

    public_id = models.CharField(max_length=20, unique=True, default=new_public_id, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    source = models.CharField(max_length=64)
    idempotency_key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    text = models.TextField(blank=True)
    # Everything else as given: emergency_type, category, reporter, subject, location, anonymous, external_ref,
    # attach_to, and what the channel adds (the call it came from, the volunteer's consent).
    payload = models.JSONField(default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    # What the pipeline decided: the triage answer, and the people it found or left for a human.
    triage = models.JSONField(null=True, blank=True)
    review = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "idempotency_key"], name="report_source_key_unique"),
        ]
        indexes = [
            models.Index(fields=["submitted_by", "-created_at"], name="report_submitter_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.channel}, {self.state})"


class ReportFile(TimeStampedModel):
    """A photo or document sent with a report, kept as sent (type sniffed from its bytes on arrival)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="reports/%Y/%m/")
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]


class Consent(TimeStampedModel):
    """A community volunteer's record that the person she reports for agreed: who, how and when."""

    class Method(models.TextChoices):
        VERBAL = "verbal", _("ยินยอมด้วยวาจา")
        WRITTEN = "written", _("ลงลายมือชื่อ")
        GUARDIAN = "guardian", _("ผู้ปกครองหรือผู้ดูแลยินยอมแทน")

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="consent")
    given_by = models.CharField(max_length=200)
    method = models.CharField(max_length=10, choices=Method.choices)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class Call(TimeStampedModel):
    """One hotline call: who called, who took it, when it rang, was answered and ended, and what came of it.

    Opened by the telephony webhook (`POST /api/v1/calls/incoming`) or by the call-taker typing a number.
    A call with `rang_at` and no `answered_at` is abandoned; handling time is `ended_at - answered_at`.
    """

    class Outcome(models.TextChoices):
        NEW_CASE = "new_case", _("เปิดเรื่องใหม่")
        ADDED_TO_CASE = "added_to_case", _("เพิ่มในเรื่องเดิม")
        ADVICE = "advice", _("ให้คำปรึกษาเท่านั้น")
        SILENT = "silent", _("สายเงียบ")
        PRANK = "prank", _("สายก่อกวน")

    call_id = models.CharField(max_length=100, unique=True)
    caller = models.CharField(max_length=20, blank=True, db_index=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    rang_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agent", "-created_at"], name="call_agent_recent"),
            models.Index(fields=["caller", "-created_at"], name="call_caller_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.caller}"
