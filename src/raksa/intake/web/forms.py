"""The public report forms. They only parse: every rule (lengths, phones, areas, photos by their bytes) is
intake.services.report_submit's, whose RaksaError is put back on the field it names (`service_errors_add`)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from typing import Any

import geothai
from django import forms
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from raksa.cases.models import EmergencyType
from raksa.core.errors import RaksaError
from raksa.core.forms import QuickSelect, bilingual
from raksa.directory.models import Category
from raksa.intake import services as intake

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# The honeypot's name: a field a person never sees (hidden by CSS) and a form-filling robot fills.
HONEYPOT = "website"


def new_token() -> str:
    """The form's idempotency key: a double click or a resent form makes one report."""
    return secrets.token_urlsafe(18)


def _english() -> bool:
    return (get_language() or "th").startswith("en")


def province_choices() -> list[tuple[str, Any]]:
    english = _english()
    rows = [(p.code, p.name_en if english else p.name_th) for p in geothai.provinces()]
    return [("", _("— ไม่ระบุ —")), *sorted(rows, key=lambda row: row[1])]


def district_choices(province_code: str) -> list[tuple[str, Any]]:
    english = _english()
    rows = []
    if province_code and geothai.province(province_code) is not None:
        rows = [(d.code, d.name_en if english else d.name_th) for d in geothai.districts(province_code)]
    return [("", _("— ไม่ระบุ —")), *sorted(rows, key=lambda row: row[1])]


class _NotOffered:
    """A value the page did not offer (only a hand-made request sends one), in both languages."""

    def __str__(self) -> str:
        return bilingual(
            "ค่าที่ส่งมาไม่อยู่ในตัวเลือก กรุณาเลือกใหม่", "That is not one of the choices; please choose again"
        )

    def __mod__(self, params: Any) -> _NotOffered:
        return self


NOT_OFFERED: Any = _NotOffered()


class _ReportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Hidden by CSS (.hp), not by type=hidden: a robot filling every input fills it, a person never sees it.
    website = forms.CharField(
        label=_("เว็บไซต์ (เว้นว่างไว้)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", new_token())

    @property
    def is_honeypot(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())

    def token_value(self) -> str:
        """The key to submit with: the form's own, or a fresh one when a hand-made request sent none."""
        token = (self.data.get("token") or "").strip()
        return token if TOKEN_PATTERN.match(token) else new_token()

    def fresh_token(self) -> None:
        """A new key for the next try (the last one already made a report, with other input)."""
        data = dict(self.data.items())
        data["token"] = new_token()
        self.data = data


class EmergencyForm(_ReportForm):
    """One tap: the emergency's button, and whatever the browser or the person gave for where."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "sos_%s")  # both forms share a page: their ids must differ
        super().__init__(*args, **kwargs)

    emergency_type = forms.ChoiceField(
        choices=EmergencyType.choices,
        error_messages={
            "required": bilingual("กรุณาเลือกประเภทเหตุฉุกเฉิน", "Choose an emergency"),
            "invalid_choice": NOT_OFFERED,
        },
    )
    place = forms.CharField(
        label=_("สถานที่เกิดเหตุ (ถ้าสะดวก)"),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "street-address", "maxlength": intake.LOCATION_TEXT_MAX}
        ),
    )
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    accuracy = forms.CharField(required=False, widget=forms.HiddenInput)

    def submit_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        location = {
            key: value
            for key, value in (
                ("latitude", (data.get("latitude") or "").strip()),
                ("longitude", (data.get("longitude") or "").strip()),
                ("text", data.get("place") or ""),
            )
            if value
        }
        return {"emergency_type": data["emergency_type"], "location": location or None}


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _PhotosField(forms.FileField):
    """Up to five pictures; their number, size and type are the service's to check (by their bytes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", _MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class ProblemForm(_ReportForm):
    """Any other problem: what happened, where, and (if the person wants) how to reach her."""

    category = forms.ChoiceField(
        label=_("เรื่องที่ต้องการแจ้ง"),
        required=False,
        choices=lambda: [("", _("— ไม่แน่ใจ ให้เจ้าหน้าที่เลือก —")), *Category.choices],
        widget=QuickSelect,
        error_messages={"invalid_choice": NOT_OFFERED},
    )
    text = forms.CharField(
        label=_("เล่าเรื่องที่เกิดขึ้น"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": intake.REPORT_TEXT_MAX}),
    )
    place = forms.CharField(
        label=_("สถานที่ (บ้านเลขที่ ถนน ตำบล หรือจุดสังเกต)"),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "street-address", "maxlength": intake.LOCATION_TEXT_MAX}
        ),
    )
    province = forms.ChoiceField(
        label=_("จังหวัด"),
        required=False,
        choices=province_choices,
        widget=QuickSelect,
        error_messages={"invalid_choice": NOT_OFFERED},
    )
    # Any code is let through here: the service checks it against geothai (and against the province).
    district = forms.CharField(label=_("อำเภอ/เขต"), required=False, widget=QuickSelect)
    name = forms.CharField(
        label=_("ชื่อของคุณ"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": intake.NAME_MAX}),
    )
    phone = forms.CharField(
        label=_("เบอร์โทรศัพท์ที่ติดต่อกลับได้"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    # Unticked unless she ticks it: a text about a request for help is for her to ask for (someone else may read
    # her phone). Without a mobile number, or with "anonymous", the service says why it cannot be done.
    updates_by_sms = forms.BooleanField(
        label=_("ส่ง SMS แจ้งเมื่อเรื่องมีความคืบหน้า"),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "sms-help"}),
    )
    anonymous = forms.BooleanField(label=_("ไม่ประสงค์ออกนาม (ไม่เก็บชื่อและเบอร์โทรศัพท์)"), required=False)
    photos = _PhotosField(label=_("รูปภาพ (ไม่บังคับ)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = (self.data.get("province") or "") if self.is_bound else ""
        chosen = self.data.get("district") or "" if self.is_bound else ""
        choices = district_choices(str(province))
        if chosen and chosen not in dict(choices):
            choices.append((chosen, chosen))  # kept, so the service's error about it shows against it
        self.fields["district"].widget.choices = choices
        # With JavaScript on, htmx fills the districts of the province chosen; without it, the typed place is enough.
        self.fields["province"].widget.attrs.update(
            {
                "hx-get": reverse("report:districts"),
                "hx-target": f"#{self['district'].auto_id}",
                "hx-trigger": "change",
            }
        )

    def submit_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        location = {
            key: value
            for key, value in (
                ("text", data.get("place") or ""),
                ("province_code", data.get("province") or ""),
                ("district_code", (data.get("district") or "").strip()),
            )
            if value
        }
        anonymous = bool(data.get("anonymous"))
        reporter = None
        if not anonymous:
            reporter = {
                k: v for k, v in (("name", data.get("name")), ("phone", data.get("phone"))) if v
            } or None
        return {
            "text": data.get("text") or "",
            "category": data.get("category") or None,
            "location": location or None,
            "reporter": reporter,
            "anonymous": anonymous,
            "updates_by_sms": bool(data.get("updates_by_sms")),
            "files": data.get("photos") or [],
        }


# Where each of the service's field names shows on the forms.
SERVICE_FIELDS = {
    "text": "text",
    "category": "category",
    "emergency_type": "emergency_type",
    "location.text": "place",
    "location.latitude": "place",
    "location.longitude": "place",
    "location.province_code": "province",
    "location.district_code": "district",
    "reporter.name": "name",
    "reporter.phone": "phone",
    "updates_by_sms": "updates_by_sms",
    "files": "photos",
}


def service_errors_add(form: forms.Form, error: RaksaError) -> None:
    """Each of the service's errors on the field it names (the whole form when the form has no such field)."""
    items: Iterable[Any] = error.errors or [error]
    for item in items:
        field = item.field or ""
        message_th, message_en = item.message_th, item.message_en
        if field.startswith("files."):
            number = int(field.split(".", 1)[1]) + 1 if field.split(".", 1)[1].isdigit() else 0
            message_th, message_en = f"รูปที่ {number}: {message_th}", f"Picture {number}: {message_en}"
            field = "files"
        name = SERVICE_FIELDS.get(field, "")
        form.add_error(name if name in form.fields else None, bilingual(message_th, message_en))
