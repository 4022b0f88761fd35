"""The console's intake form. It parses simple fields; report_submit and the call services check the rest and
raise RaksaError, which add_service_error puts back on the field (FIELD_NAMES maps the services' names)."""

from __future__ import annotations

import json
from typing import Any

import geothai
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from raksa.cases.models import EmergencyType, Urgency
from raksa.directory.models import Category
from raksa.intake.services import IDEMPOTENCY_KEY_MAX, LOCATION_TEXT_MAX, NAME_MAX, REPORT_TEXT_MAX

ACTIONS = {
    "new_case": _("เปิดเรื่องใหม่"),
    "attach": _("เพิ่มในเรื่องเดิม"),
    "dispatch": _("ส่งทีมทันที"),
    "advice": _("ให้คำปรึกษาเท่านั้น"),
    "silent": _("สายเงียบ"),
    "prank": _("สายก่อกวน"),
}
CASE_ACTIONS = ("new_case", "attach", "dispatch")
# The services' field names -> this form's.
FIELD_NAMES = {
    "text": "text",
    "reporter.name": "reporter_name",
    "reporter.phone": "caller",
    "caller": "caller",
    "subject.name": "subject_name",
    "subject.phone": "subject_phone",
    "subject.national_id": "subject_national_id",
    "location.province_code": "province_code",
    "location.district_code": "district_code",
    "location.text": "location_text",
    "location.latitude": "latitude",
    "location.longitude": "longitude",
    "attach_to": "attach_to",
    "emergency_type": "emergency_type",
    "category": "category",
    "urgency": "urgency",
    "call_id": "call_id",
    "updates_by_sms": "updates_by_sms",
}


def _english() -> bool:
    return (get_language() or "th").startswith("en")


def province_choices() -> list[tuple[str, str]]:
    english = _english()
    rows = [(p.code, p.name_en if english else p.name_th) for p in geothai.provinces()]
    return [("", "—"), *sorted(rows, key=lambda row: row[1])]


def district_choices() -> list[tuple[str, Any]]:
    """Every district, grouped by province (the page's script shows only the chosen province's)."""
    english = _english()
    groups: list[tuple[str, Any]] = [("", "—")]
    for province in sorted(geothai.provinces(), key=lambda p: p.code):
        districts = [
            (d.code, d.name_en if english else d.name_th)
            for d in sorted(geothai.districts(province.code), key=lambda d: d.code)
        ]
        groups.append((province.name_en if english else province.name_th, districts))
    return groups


class ConsoleForm(forms.Form):
    idempotency_key = forms.CharField(max_length=IDEMPOTENCY_KEY_MAX, widget=forms.HiddenInput)
    call_id = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    predicted = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    caller = forms.CharField(label=_("หมายเลขผู้โทร"), required=False, max_length=40)
    text = forms.CharField(
        label=_("บันทึกเรื่องที่แจ้ง"),
        required=False,
        max_length=REPORT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
    )
    emergency_type = forms.ChoiceField(
        label=_("ประเภทเหตุฉุกเฉิน"), required=False, choices=[("", _("ไม่ใช่เหตุฉุกเฉิน")), *EmergencyType.choices]
    )
    category = forms.ChoiceField(
        label=_("ประเภทปัญหา"), required=False, choices=[("", _("ให้ระบบเลือก")), *Category.choices]
    )
    urgency = forms.ChoiceField(
        label=_("ความเร่งด่วน"), required=False, choices=[("", _("ให้ระบบเลือก")), *Urgency.choices]
    )
    reporter_name = forms.CharField(label=_("ชื่อผู้โทร"), required=False, max_length=NAME_MAX)
    # Ticked only when the caller says yes: texts about a request for help go to the number she called from.
    updates_by_sms = forms.BooleanField(label=_("ส่ง SMS แจ้งความคืบหน้าถึงผู้โทร (ผู้โทรตกลงแล้ว)"), required=False)
    subject_name = forms.CharField(label=_("ชื่อผู้ประสบปัญหา"), required=False, max_length=NAME_MAX)
    subject_phone = forms.CharField(label=_("โทรศัพท์ผู้ประสบปัญหา"), required=False, max_length=40)
    subject_national_id = forms.CharField(label=_("เลขประจำตัวประชาชน"), required=False, max_length=40)
    province_code = forms.ChoiceField(label=_("จังหวัด"), required=False, choices=province_choices)
    district_code = forms.ChoiceField(label=_("อำเภอ / เขต"), required=False, choices=district_choices)
    location_text = forms.CharField(label=_("สถานที่"), required=False, max_length=LOCATION_TEXT_MAX)
    # From the caller's phone location when the exchange passes it on, or read out by the caller.
    latitude = forms.CharField(label=_("ละติจูด"), required=False, max_length=20)
    longitude = forms.CharField(label=_("ลองจิจูด"), required=False, max_length=20)
    attach_to = forms.CharField(required=False, max_length=32)
    action = forms.ChoiceField(choices=list(ACTIONS.items()))

    def clean_predicted(self) -> dict[str, Any] | None:
        """Triage's suggestion as the page showed it: only known labels are kept (the page wrote it)."""
        raw = self.cleaned_data.get("predicted") or ""
        try:
            value = json.loads(raw) if raw else None
        except ValueError:
            return None
        if not isinstance(value, dict):
            return None
        predicted = {
            "emergency_type": value.get("emergency_type") or None,
            "category": value.get("category"),
            "urgency": value.get("urgency"),
        }
        if predicted["emergency_type"] not in (None, *EmergencyType.values):
            return None
        if predicted["category"] not in Category.values or predicted["urgency"] not in Urgency.values:
            return None
        return predicted

    def party(self, prefix: str) -> dict[str, str] | None:
        data = self.cleaned_data
        if prefix == "reporter":
            party = {"name": data.get("reporter_name", ""), "phone": data.get("caller", "")}
        else:
            party = {
                "name": data.get("subject_name", ""),
                "phone": data.get("subject_phone", ""),
                "national_id": data.get("subject_national_id", ""),
            }
        party = {key: value.strip() for key, value in party.items() if value and value.strip()}
        return party or None

    def location(self) -> dict[str, str] | None:
        data = self.cleaned_data
        location = {
            "province_code": data.get("province_code", ""),
            "district_code": data.get("district_code", ""),
            "text": data.get("location_text", ""),
            "latitude": (data.get("latitude") or "").strip(),
            "longitude": (data.get("longitude") or "").strip(),
        }
        location = {key: value for key, value in location.items() if value}
        return location or None
