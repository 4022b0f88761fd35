"""The logbook: cases, who is involved, and the append-only timeline of everything that happened."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from raksa.core.models import TimeStampedModel
from raksa.directory.models import Category


class EmergencyType(models.TextChoices):
    THREAT = "threat", _("ถูกข่มขู่")
    DETENTION = "detention", _("ถูกกักขัง")
    ABUSE_RISK = "abuse_risk", _("เสี่ยงถูกล่วงละเมิด")
    FRENZY = "frenzy", _("ผู้คลุ้มคลั่ง")
    GATHERING = "gathering", _("มั่วสุม")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("ฉุกเฉิน")
    URGENT = "urgent", _("เร่งด่วน")
    NORMAL = "normal", _("ปกติ")


class Channel(models.TextChoices):
    LINE = "line", _("LINE")
    HOTLINE = "hotline", _("สายด่วน 1300")
    WEB = "web", _("เว็บไซต์")
    API = "api", _("API")
    WALK_IN = "walk_in", _("ติดต่อด้วยตนเอง")
    VOLUNTEER = "volunteer", _("อาสาสมัคร อพม.")


class Status(models.TextChoices):
    NEW = "new", _("รับเรื่องใหม่")
    SCREENING = "screening", _("คัดกรอง")
    ACTIVE = "active", _("กำลังช่วยเหลือ")
    REFERRED = "referred", _("ส่งต่อ")
    CLOSED = "closed", _("ปิดเรื่อง")


class PublicStage(models.TextChoices):
    """What the public sees (DESIGN.md), in this order."""

    RECEIVED = "received", "รับเรื่องแล้ว"
    SCREENING = "screening", "กำลังตรวจสอบข้อมูล"
    FORWARDED = "forwarded", "ส่งต่อทีมช่วยเหลือแล้ว"
    ON_SCENE = "on_scene", "เจ้าหน้าที่ลงพื้นที่แล้ว"
    IN_PROGRESS = "in_progress", "อยู่ระหว่างให้ความช่วยเหลือ"
    REFERRED = "referred", "ส่งต่อหน่วยงานที่เกี่ยวข้องแล้ว"
    CLOSED = "closed", "ดำเนินการเสร็จสิ้น"


class CaseSequence(models.Model):
    """Next case number per Buddhist-era year on SQLite (rows are locked while a number is taken); on PostgreSQL
    a database sequence per year takes over, started after this row (see cases.services.case_number_next)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(TimeStampedModel):
    number = models.CharField(max_length=16, unique=True)
    tracking_code = models.CharField(max_length=16, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    public_stage = models.CharField(max_length=12, choices=PublicStage.choices, default=PublicStage.RECEIVED)
    emergency_type = models.CharField(max_length=12, choices=EmergencyType.choices, blank=True, db_index=True)
    category = models.CharField(
        max_length=32, choices=Category.choices, default=Category.OTHER, db_index=True
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    summary = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location_text = models.CharField(max_length=500, blank=True)
    province_code = models.CharField(max_length=2, blank=True, db_index=True)
    district_code = models.CharField(max_length=4, blank=True)
    subdistrict_code = models.CharField(max_length=6, blank=True)
    owning_unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="owned_cases")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The tracking page's 6-digit PIN, keyed and salted (raksa.tracking.factors), never the PIN itself; empty
    # until the reporter was shown one.
    tracking_pin = models.CharField(max_length=128, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owning_unit", "-created_at"], name="case_unit_recent"),
            models.Index(fields=["province_code", "-created_at"], name="case_province_recent"),
            # Supervisors whose unit serves single districts (4-digit service areas).
            models.Index(fields=["district_code", "-created_at"], name="case_district_recent"),
            models.Index(fields=["assigned_to", "-created_at"], name="case_assignee_recent"),
            # The centre's list filtered by one column, newest first, without sorting a whole status or category.
            models.Index(fields=["status", "-created_at"], name="case_status_recent"),
            models.Index(fields=["emergency_type", "-created_at"], name="case_emergency_recent"),
            models.Index(fields=["category", "-created_at"], name="case_category_recent"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_emergency(self) -> bool:
        return bool(self.emergency_type)


class CaseParty(TimeStampedModel):
    class Role(models.TextChoices):
        SUBJECT = "subject", _("ผู้ประสบปัญหา")
        REPORTER = "reporter", _("ผู้แจ้ง")
        ALLEGED_PERPETRATOR = "alleged_perpetrator", _("ผู้ถูกกล่าวหา")
        GUARDIAN = "guardian", _("ผู้ปกครอง")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_parties")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "person", "role"], name="uniq_case_party")]
        indexes = [models.Index(fields=["person", "case"], name="party_person_case")]


class CaseEvent(models.Model):
    """One line of a case's timeline. Append-only: written by cases.events.event_record, never changed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)
    # The public stage this event moved the case into; empty when it left the stage as it was. The tracking page
    # reads a case's stages and their dates from these, and each unit's usual time from one stage to the next.
    stage = models.CharField(max_length=12, choices=PublicStage.choices, blank=True, default="")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="event_case_time")]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("CaseEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("CaseEvent is append-only")


class Note(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case_id}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Attachment(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    extension = models.CharField(max_length=8)
    # Empty for a file that came with a public report (web form, LINE): the reporter sent it, no staff member.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Not a column: cases.services.attachment_add sets it on the row it returns when these bytes were already on
    # the case, so that a page can say "already attached" instead of "attached".
    is_duplicate = False

    class Meta:
        ordering = ["created_at", "id"]
        # One file once per case: the same photo sent twice (a double tap, a resend on LINE) is one attachment.
        constraints = [models.UniqueConstraint(fields=["case", "sha256"], name="uniq_attachment_case_sha256")]


class Referral(TimeStampedModel):
    class State(models.TextChoices):
        PENDING = "pending", _("รอตอบรับ")
        ACCEPTED = "accepted", _("ตอบรับแล้ว")
        DECLINED = "declined", _("ปฏิเสธ")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="referrals_out")
    to_unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="referrals_in")
    reason = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["to_unit", "case"], name="referral_to_unit_case")]


class AccessLog(models.Model):
    """Who looked at whose personal data, and when (PDPA). Written on every view, never edited.

    One row names one case or one person (see cases/access.py). `user` is empty only for a command run on the
    server itself (`raksa person export` without --by), whose command line is then the `path`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    channel = models.CharField(max_length=8, default="web")  # web | api | admin | cli
    path = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)
    # Set when the person was shown only because the user broke the glass (the grant holds the written reason).
    break_glass = models.ForeignKey(
        "cases.BreakGlass", on_delete=models.PROTECT, null=True, blank=True, related_name="access_rows"
    )

    class Meta:
        ordering = ["-at", "-id"]
        # The PDPA questions: who saw this case, who saw this person, what did this user look at.
        indexes = [
            models.Index(fields=["case", "-at"], name="accesslog_case_recent"),
            models.Index(fields=["person", "-at"], name="accesslog_person_recent"),
            models.Index(fields=["user", "-at"], name="accesslog_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} @ {self.at:%Y-%m-%d %H:%M}"


class BreakGlass(models.Model):
    """A user opened a person's full record, which the rule would not show them, with a written reason.

    The record stays open to that user until `expires_at` (raksa.cases.person_access says who may and how long).
    Never edited: a second look after expiry is a new grant with its own reason.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "person", "-expires_at"], name="breakglass_user_person"),
            models.Index(fields=["person", "-created_at"], name="breakglass_person_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.person_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class PersonViewCount(models.Model):
    """How many person responses (pages, API reads, searches) one user asked for in one clock hour.

    One row per user and hour, counted up in place; `alerted_at` is claimed once, by the first request refused in
    that hour, so the supervisors are told once. A user's older rows are deleted when a new hour starts.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "window_start"], name="uniq_person_view_window")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
