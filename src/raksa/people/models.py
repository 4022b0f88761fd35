"""The master person index: one record per human being, whichever agency met them first."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from raksa.core.models import TimeStampedModel


class Sex(models.TextChoices):
    FEMALE = "female", _("หญิง")
    MALE = "male", _("ชาย")
    OTHER = "other", _("อื่น ๆ")
    UNKNOWN = "unknown", _("ไม่ทราบ")


class CitizenshipStatus(models.TextChoices):
    THAI = "thai", _("สัญชาติไทย")
    MIGRANT = "migrant", _("แรงงานข้ามชาติ")
    STATELESS = "stateless", _("ไร้สัญชาติ / ไร้สถานะ")
    FOREIGN = "foreign", _("ชาวต่างชาติ")
    UNKNOWN = "unknown", _("ไม่ทราบ")


# Lower-case Crockford base 32 (no i, l, o, u): read aloud or copied by hand, a character is not misread.
PUBLIC_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
# 100 random bits: guessing one person's id is hopeless, and counting through them impossible.
PUBLIC_ID_LENGTH = 20


def new_public_id() -> str:
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


def is_public_id(value: str) -> bool:
    return len(value) == PUBLIC_ID_LENGTH and all(c in PUBLIC_ID_ALPHABET for c in value)


class Person(TimeStampedModel):
    # What URLs, the API and pages call a person. The integer primary key stays inside: sequential ids let anyone
    # read the index by counting (issue 7).
    public_id = models.CharField(
        max_length=PUBLIC_ID_LENGTH, unique=True, default=new_public_id, editable=False
    )
    title = models.CharField(max_length=40, blank=True)
    first_name_th = models.CharField(max_length=100, blank=True)
    last_name_th = models.CharField(max_length=100, blank=True)
    first_name_en = models.CharField(max_length=100, blank=True)
    last_name_en = models.CharField(max_length=100, blank=True)
    nickname = models.CharField(max_length=60, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(null=True, blank=True)
    # Known from the birth date, or estimated from a stated age ("about 40").
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_year_estimated = models.BooleanField(default=False)
    nationality = models.CharField(max_length=2, blank=True, default="TH", help_text="ISO 3166 alpha-2")
    status = models.CharField(
        max_length=12, choices=CitizenshipStatus.choices, default=CitizenshipStatus.UNKNOWN
    )
    # Home province (2-digit DOPA code), from the current address; used to rank name matches.
    province_code = models.CharField(max_length=2, blank=True, db_index=True)
    # Search keys derived from the names (titles stripped, spaces folded, lower-case), written only by
    # services.person._refresh_keys.
    name_key = models.CharField(max_length=220, blank=True, db_index=True)
    last_name_key = models.CharField(max_length=110, blank=True, db_index=True)
    name_soundex = models.CharField(max_length=40, blank=True, db_index=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_people"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["name_soundex", "birth_year"], name="person_soundex_year")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        th = " ".join(p for p in (self.title, self.first_name_th, self.last_name_th) if p).strip()
        en = " ".join(p for p in (self.first_name_en, self.last_name_en) if p).strip()
        # A person known only by an identifier still needs a handle; the row id would tell how many people exist.
        return th or en or f"#{self.public_id}"


class Identifier(TimeStampedModel):
    class Kind(models.TextChoices):
        NATIONAL_ID = "national_id", _("เลขประจำตัวประชาชน")
        PASSPORT = "passport", _("หนังสือเดินทาง")
        PHONE = "phone", _("โทรศัพท์")
        LINE_USER = "line_user", _("LINE user id")
        OTHER_ID = "other_id", _("เอกสารอื่น")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    value = models.CharField(max_length=64)
    label = models.CharField(max_length=100, blank=True, help_text="e.g. the issuing country of a passport")

    class Meta:
        ordering = ["kind", "id"]
        # One identifier belongs to one person: that is what makes the exact match exact.
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="uniq_identifier")]
        indexes = [models.Index(fields=["value"], name="identifier_value")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Address(TimeStampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    text = models.CharField(max_length=500, blank=True)
    province_code = models.CharField(max_length=2, blank=True)
    district_code = models.CharField(max_length=4, blank=True)
    subdistrict_code = models.CharField(max_length=6, blank=True)
    postal_code = models.CharField(max_length=5, blank=True)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_current", "-id"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return self.text or self.subdistrict_code or self.district_code or self.province_code


class PersonMerge(TimeStampedModel):
    """A merge of `merged` into `survivor`, with every row it moved, so that it can be undone exactly."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    # People's own: {"identifiers": [ids], "addresses": [{id, is_current}], "fields": {name: old survivor value},
    # "fields_new": {name: value the merge gave}}; beside them each app's undo data (people.signals), and
    # "apps": {app label: [its keys]}.
    moved = models.JSONField(default=dict)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
