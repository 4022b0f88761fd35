"""The volunteer's forms. They parse fields; intake.report_submit checks everything (phones, national ID check
digits, lengths, areas, photos) and its errors come back on the field they name (FIELDS below), in Thai and
English, so the page, the API and every other channel refuse the same input with the same words."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import geothai
from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from raksa.cases.models import EmergencyType
from raksa.cases.services import NOTE_MAX
from raksa.core.forms import bilingual, required_message
from raksa.directory.models import Category
from raksa.intake.models import Consent
from raksa.intake.services import (
    CONSENT_BY_MAX,
    LOCATION_TEXT_MAX,
    NAME_MAX,
    REPORT_FILES_MAX,
    REPORT_TEXT_MAX,
)

BANGKOK_TZ = ZoneInfo("Asia/Bangkok")
EMERGENCY_PREFIX = "emergency:"
CATEGORY_PREFIX = "category:"
GIVEN_AT_FORMAT = "%Y-%m-%dT%H:%M"

# report_submit's field names -> this form's.
FIELDS = {
    "subject.name": "subject_name",
    "subject.phone": "subject_phone",
    "subject.national_id": "subject_national_id",
    "text": "text",
    "emergency_type": "kind",
    "category": "kind",
    "location.text": "place",
    "location.province_code": "province",
    "location.district_code": "district",
    "files": "photos",
    **{f"files.{i}": "photos" for i in range(REPORT_FILES_MAX + 1)},
    "consent.given_by": "consent_given_by",
    "consent.method": "consent_method",
    "consent.given_at": "consent_given_at",
}


class _Bilingual:
    """A form error message rendered when shown, in that request's language."""

    def __init__(self, message_th: str, message_en: str) -> None:
        self.message_th, self.message_en = message_th, message_en

    def __str__(self) -> str:
        return bilingual(self.message_th, self.message_en)

    def __mod__(self, params: Any) -> _Bilingual:
        return self


NOT_OFFERED: Any = _Bilingual(
    "ค่าที่ส่งมาไม่อยู่ในตัวเลือก กรุณาเลือกใหม่", "That is not one of the choices; please choose again"
)


INVALID_DATETIME: Any = _Bilingual("วันเวลาไม่ถูกต้อง", "Not a date and time")


def _english() -> bool:
    return (get_language() or "th").startswith("en")


def province_choices() -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [
        (p.code, p.name_en if _english() else p.name_th) for p in geothai.provinces()
    ]
    return [("", _("ไม่ระบุ")), *sorted(rows, key=lambda row: row[1])]


def district_choices(province_code: str) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    if province_code and geothai.province(province_code) is not None:
        rows = [(d.code, d.name_en if _english() else d.name_th) for d in geothai.districts(province_code)]
    return [("", _("ไม่ระบุ")), *sorted(rows, key=lambda row: row[1])]


def kind_choices() -> list[tuple[Any, Any]]:
    return [
        ("", _("ไม่แน่ใจ ให้ระบบช่วยจัดประเภทจากเรื่องที่เล่า")),
        (
            _("เหตุฉุกเฉิน (ส่งทีมช่วยเหลือทันที)"),
            [(EMERGENCY_PREFIX + v, label) for v, label in EmergencyType.choices],
        ),
        (_("ประเภทปัญหา"), [(CATEGORY_PREFIX + v, label) for v, label in Category.choices]),
    ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to REPORT_FILES_MAX photos in one input; the count, size and type are report_submit's to check."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _now_local() -> str:
    return timezone.now().astimezone(BANGKOK_TZ).strftime(GIVEN_AT_FORMAT)


class VolunteerReportForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    subject_name = forms.CharField(
        label=_("ชื่อ-นามสกุลของผู้ประสบปัญหา"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": NAME_MAX, "autocomplete": "off"}),
    )
    subject_phone = forms.CharField(
        label=_("เบอร์โทรศัพท์ (ถ้ามี)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "maxlength": 20}),
    )
    subject_national_id = forms.CharField(
        label=_("เลขประจำตัวประชาชน 13 หลัก (ถ้ามี)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 20}),
    )
    kind = forms.ChoiceField(
        label=_("เรื่องนี้เป็นเรื่องอะไร"),
        required=False,
        choices=kind_choices,
        error_messages={"invalid_choice": NOT_OFFERED},
    )
    text = forms.CharField(
        label=_("เกิดอะไรขึ้น"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": REPORT_TEXT_MAX}),
    )
    place = forms.CharField(
        label=_("สถานที่ (บ้านเลขที่ หมู่ ซอย จุดสังเกต)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": LOCATION_TEXT_MAX}),
    )
    province = forms.ChoiceField(
        label=_("จังหวัด"),
        required=False,
        choices=province_choices,
        error_messages={"invalid_choice": NOT_OFFERED},
    )
    # Its choices are the chosen province's districts (set in __init__); the page reloads them when the
    # province changes (htmx), and without JavaScript a district outside the province is refused by name.
    district = forms.ChoiceField(
        label=_("อำเภอ/เขต"), required=False, error_messages={"invalid_choice": NOT_OFFERED}
    )
    photos = MultipleFileField(
        label=_("รูปภาพ (ไม่บังคับ ไม่เกิน 5 รูป)"),
        required=False,
    )
    consent_given_by = forms.CharField(
        label=_("ผู้ให้ความยินยอม"),
        help_text=_("เว้นว่างไว้ ถ้าผู้ประสบปัญหาให้ความยินยอมเอง"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": CONSENT_BY_MAX}),
    )
    consent_method = forms.ChoiceField(
        label=_("ให้ความยินยอมโดย"),
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
        error_messages={
            **required_message("กรุณาระบุวิธีให้ความยินยอม", "Say how consent was given"),
            "invalid_choice": NOT_OFFERED,
        },
    )
    consent_given_at = forms.DateTimeField(
        label=_("วันเวลาที่ให้ความยินยอม"),
        input_formats=[GIVEN_AT_FORMAT, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=GIVEN_AT_FORMAT),
        error_messages={
            **required_message("กรุณาระบุวันเวลาที่ให้ความยินยอม", "Say when consent was given"),
            "invalid": INVALID_DATETIME,
        },
    )

    def __init__(self, *args: Any, default_province: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            self.initial.setdefault("province", default_province)
            self.initial.setdefault("consent_given_at", _now_local())
        province = self.data.get("province", "") if self.is_bound else self.initial.get("province", "")
        district = self.fields["district"]
        assert isinstance(district, forms.ChoiceField)
        district.choices = district_choices(str(province or ""))

    def report_input(self) -> dict[str, Any]:
        """volunteer_report_submit's keyword arguments (but the volunteer), from the cleaned data."""
        data = self.cleaned_data
        kind = data.get("kind") or ""
        subject = {
            "name": data.get("subject_name", ""),
            "phone": data.get("subject_phone", ""),
            "national_id": data.get("subject_national_id", ""),
        }
        location = {
            "text": data.get("place", ""),
            "province_code": data.get("province", ""),
            "district_code": data.get("district", ""),
        }
        given_at: dt.datetime | None = data.get("consent_given_at")
        if given_at is not None and timezone.is_naive(given_at):
            given_at = timezone.make_aware(given_at, BANGKOK_TZ)
        return {
            "idempotency_key": data["idempotency_key"],
            "text": data.get("text", ""),
            # A category chosen leaves the emergency to triage (None), so a story of danger still reaches a team.
            "emergency_type": kind.removeprefix(EMERGENCY_PREFIX)
            if kind.startswith(EMERGENCY_PREFIX)
            else None,
            "category": kind.removeprefix(CATEGORY_PREFIX) if kind.startswith(CATEGORY_PREFIX) else None,
            "subject": subject if any(subject.values()) else None,
            "location": location if any(location.values()) else None,
            "consent": {
                "given_by": data.get("consent_given_by", ""),
                "method": data.get("consent_method", ""),
                "given_at": given_at,
            },
            "files": data.get("photos") or [],
        }


class FollowUpForm(forms.Form):
    body = forms.CharField(
        label=_("บันทึกติดตามผล"),
        help_text=_("เจ้าหน้าที่ที่ดูแลเรื่องนี้จะเห็นบันทึกนี้"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX}),
        error_messages=required_message("กรุณาเขียนบันทึก", "Write the note"),
    )
