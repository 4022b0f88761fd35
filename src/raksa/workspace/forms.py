"""Forms of the case workspace. They parse and check simple fields; the services decide everything else and
raise RaksaError, which raksa.core.forms.add_service_error turns into a form error in both languages. Each text
field's max_length is the service's own constant, so the page and the API refuse at the same length."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import geothai
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from raksa.accounts.models import User
from raksa.cases.models import EmergencyType, Status
from raksa.cases.person_access import BREAK_GLASS_REASON_MAX
from raksa.cases.services import (
    DECLINE_REASON_MAX,
    NOTE_MAX,
    OUTCOME_MAX,
    PUBLIC_NOTE_MAX,
    REFERRAL_REASON_MAX,
    STATUS_REASON_MAX,
)
from raksa.core.forms import bilingual, required_message
from raksa.directory.models import Category, Unit


def province_choices() -> list[tuple[str, str]]:
    english = (get_language() or "th").startswith("en")
    rows = [(p.code, p.name_en if english else p.name_th) for p in geothai.provinces()]
    return sorted(rows, key=lambda row: row[1])


class _NotOffered:
    """The error for a value the page did not offer (only a hand-made request sends one), in both languages.
    Django formats choice errors with the value ("%(value)s"); this message names no value, so it ignores it."""

    def __str__(self) -> str:
        return bilingual(
            "ค่าที่ส่งมาไม่อยู่ในตัวเลือก กรุณาเลือกใหม่", "That is not one of the choices; please choose again"
        )

    def __mod__(self, params: Any) -> _NotOffered:
        return self


NOT_OFFERED: Any = _NotOffered()  # used where Django expects a str


def _any(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("ทั้งหมด")), *choices]


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("ค้นหา"),
        required=False,
        max_length=100,
        help_text=_("เลขเรื่อง รหัสติดตาม ชื่อ เบอร์โทรศัพท์ หรือเลขประจำตัวประชาชน"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )
    # Callables: evaluated per request, so the labels follow the language being shown.
    status = forms.ChoiceField(label=_("สถานะ"), required=False, choices=lambda: _any(Status.choices))
    category = forms.ChoiceField(
        label=_("ประเภทปัญหา"), required=False, choices=lambda: _any(Category.choices)
    )
    emergency_type = forms.ChoiceField(
        label=_("เหตุฉุกเฉิน"), required=False, choices=lambda: _any(EmergencyType.choices)
    )
    province = forms.ChoiceField(label=_("จังหวัด"), required=False, choices=lambda: _any(province_choices()))
    mine = forms.BooleanField(label=_("เฉพาะเรื่องของฉัน"), required=False)

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for cases.selectors.case_list; empty values mean "no filter"."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or None,
            "category": data.get("category") or None,
            "emergency_type": data.get("emergency_type") or None,
            "province_code": data.get("province") or None,
            "mine": bool(data.get("mine")),
            "q": (data.get("q") or "").strip() or None,
        }


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("บันทึก"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=required_message("กรุณาเขียนบันทึกก่อนบันทึก", "Please write the note first"),
    )


class PublicNoteForm(forms.Form):
    text = forms.CharField(
        label=_("ข้อความถึงผู้แจ้ง"),
        max_length=PUBLIC_NOTE_MAX,
        help_text=_(
            "แสดงในหน้าติดตามเรื่องแก่ผู้แจ้งที่ยืนยันตัวตนแล้ว เขียนสั้น ๆ เช่น “นัดเยี่ยมบ้านวันที่ 5” "
            "ห้ามใส่ชื่อ ที่อยู่ เบอร์โทรศัพท์ หรือรายละเอียดของเรื่อง โดยเฉพาะสิ่งที่อาจระบุตัวเด็กได้"
        ),
        error_messages=required_message("กรุณาเขียนข้อความถึงผู้แจ้งก่อน", "Please write the message first"),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์"),
        error_messages=required_message("กรุณาเลือกไฟล์", "Please choose a file"),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("สถานะใหม่"),
        choices=Status.choices,
        error_messages={
            **required_message("กรุณาเลือกสถานะ", "Please choose a status"),
            "invalid_choice": NOT_OFFERED,
        },
    )
    reason = forms.CharField(label=_("เหตุผล"), required=False, max_length=STATUS_REASON_MAX)


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("ผลการดำเนินงาน"),
        max_length=OUTCOME_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=required_message(
            "ต้องระบุผลการดำเนินงานก่อนปิดเรื่อง", "An outcome is needed to close the case"
        ),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("เหตุผลที่เปิดเรื่องอีกครั้ง"),
        max_length=STATUS_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=required_message("ต้องระบุเหตุผลที่เปิดเรื่องอีกครั้ง", "A reason is needed to reopen the case"),
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("ผู้รับผิดชอบ"),
        queryset=User.objects.none(),
        error_messages={
            **required_message("กรุณาเลือกผู้รับผิดชอบ", "Please choose who takes the case"),
            "invalid_choice": NOT_OFFERED,
        },
    )

    def __init__(self, *args: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(unit=unit, is_active=True).order_by("display_name", "username")
            if unit is not None
            else User.objects.none()
        )


class ReferralForm(forms.Form):
    to_unit = forms.ModelChoiceField(
        label=_("ส่งต่อไปยังหน่วยงาน"),
        queryset=Unit.objects.none(),
        error_messages={
            **required_message("กรุณาเลือกหน่วยงานที่จะส่งต่อ", "Please choose the unit to refer to"),
            "invalid_choice": NOT_OFFERED,
        },
    )
    reason = forms.CharField(
        label=_("เหตุผลในการส่งต่อ"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REFERRAL_REASON_MAX,
        error_messages=required_message("ต้องระบุเหตุผลในการส่งต่อ", "A reason for the referral is needed"),
    )

    def __init__(self, *args: Any, exclude_unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(is_active=True).select_related("agency").order_by("agency__code", "code")
        if exclude_unit is not None:
            units = units.exclude(pk=exclude_unit.pk)
        field = self.fields["to_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
        english = (get_language() or "th").startswith("en")
        # One group per agency: the directory has ~160 units and a flat list is unreadable on a phone.
        groups: dict[str, list[tuple[int, str]]] = {}
        for unit in units:
            agency = unit.agency.name_en if english else unit.agency.name_th
            groups.setdefault(agency, []).append((unit.pk, unit.name_en if english else unit.name_th))
        field.choices = [("", _("— เลือกหน่วยงาน —")), *groups.items()]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("เหตุผลที่ปฏิเสธ"),
        max_length=DECLINE_REASON_MAX,
        error_messages=required_message("ต้องระบุเหตุผลที่ปฏิเสธ", "A reason for declining is needed"),
    )


class BreakGlassForm(forms.Form):
    # The shortest reason is person_break_glass's rule (it counts visible characters); the longest is the one the
    # API's schema states too.
    reason = forms.CharField(
        label=_("เหตุผลที่ต้องเปิดดูข้อมูลเต็ม"),
        max_length=BREAK_GLASS_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=required_message(
            "กรุณาเขียนเหตุผลที่ต้องเปิดดูข้อมูลเต็มของบุคคลนี้", "Write why you need to open this person's full record."
        ),
    )


class JoinForm(forms.Form):
    """Fold this case into another open emergency of the same incident (its number)."""

    into = forms.CharField(
        label=_("รวมเข้ากับเรื่องเลขที่"),
        max_length=16,
        error_messages=required_message("ต้องระบุเลขที่เรื่องที่จะรวมเข้า", "Give the number of the case to join"),
    )
