"""Who can help, where: agencies, their units, the areas each unit serves, how to reach them, and which agency
answers for which kind of problem."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from raksa.core.models import TimeStampedModel


class Category(models.TextChoices):
    """The 1300 hotline's own problem list, plus livelihood (DESIGN.md)."""

    FAMILY_VIOLENCE = "family_violence", _("ความรุนแรงในครอบครัว")
    UNPLANNED_PREGNANCY = "unplanned_pregnancy", _("ตั้งครรภ์ไม่พร้อม")
    HUMAN_TRAFFICKING = "human_trafficking", _("การค้ามนุษย์")
    DRUGS = "drugs", _("ยาเสพติด")
    HOMELESSNESS = "homelessness", _("คนไร้ที่พึ่ง")
    BEGGING = "begging", _("ขอทาน")
    CHILD_PROTECTION = "child_protection", _("คุ้มครองเด็ก")
    MISSING_PERSON = "missing_person", _("คนหาย")
    ELDERLY_CARE = "elderly_care", _("ผู้สูงอายุ")
    DISABILITY_SUPPORT = "disability_support", _("คนพิการ")
    FINANCIAL_HARDSHIP = "financial_hardship", _("ปัญหาการเงินและการดำรงชีพ")
    OTHER = "other", _("อื่น ๆ")


class Agency(TimeStampedModel):
    class Kind(models.TextChoices):
        CENTRE = "centre", _("ศูนย์ช่วยเหลือสังคม")
        DEPARTMENT = "department", _("กรม")
        DIVISION = "division", _("กอง")
        OFFICE = "office", _("สำนักงาน")

    code = models.SlugField(max_length=32, unique=True)
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    short_name_th = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name_th


class Unit(TimeStampedModel):
    class Kind(models.TextChoices):
        CENTRE = "centre", _("ศูนย์ 1300")
        HEADQUARTERS = "headquarters", _("ส่วนกลาง")
        PROVINCIAL_OFFICE = "provincial_office", _("สำนักงานจังหวัด")
        RAPID_RESPONSE = "rapid_response", _("ทีมเคลื่อนที่เร็ว")
        SHELTER = "shelter", _("บ้านพัก / สถานคุ้มครอง")
        OTHER = "other", _("อื่น ๆ")

    code = models.SlugField(max_length=32, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Home province (2-digit DOPA code); empty for national units.
    province_code = models.CharField(max_length=2, blank=True, db_index=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_th

    @property
    def is_centre(self) -> bool:
        return self.kind == self.Kind.CENTRE


class ServiceArea(models.Model):
    """A province (2 digits) or district (4 digits) a unit serves, as a geothai/DOPA code."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="areas")
    area_code = models.CharField(max_length=4, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "area_code"], name="uniq_unit_area")]
        ordering = ["area_code"]

    def __str__(self) -> str:
        return f"{self.unit.code}:{self.area_code}"

    @property
    def province_code(self) -> str:
        return self.area_code[:2]


class Contact(TimeStampedModel):
    class Kind(models.TextChoices):
        PHONE = "phone", _("โทรศัพท์")
        EMAIL = "email", _("อีเมล")
        LINE_GROUP = "line_group", _("กลุ่มไลน์")
        WEBHOOK = "webhook", _("ระบบรับแจ้งเหตุ (webhook)")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=200)
    label = models.CharField(max_length=200, blank=True)
    on_call = models.BooleanField(default=False, help_text="Alerted first for emergencies")
    priority = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["unit", "priority", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "value"], name="uniq_unit_contact")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class RoutingRule(TimeStampedModel):
    """Which agency answers for a problem category."""

    category = models.CharField(max_length=32, choices=Category.choices, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="routing_rules")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["category"]

    def __str__(self) -> str:
        return f"{self.category} -> {self.agency.code}"
