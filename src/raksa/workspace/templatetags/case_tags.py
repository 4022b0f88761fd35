"""Readable labels for the case workspace: timeline events, units, provinces, in the current language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import geothai
from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from raksa.cases.access import person_access_scope
from raksa.cases.events import event_describe, event_unit_codes
from raksa.cases.models import CaseEvent
from raksa.core.errors import RaksaError

register = template.Library()


def _english() -> bool:
    return (get_language() or "th").startswith("en")


def _pick(th: str, en: str) -> str:
    return (en or th) if _english() else (th or en)


@register.filter
def local_name(obj: Any) -> str:
    """name_en under English, name_th otherwise (agencies, units, provinces); empty for None."""
    if obj is None or obj == "":
        return ""
    return _pick(getattr(obj, "name_th", "") or "", getattr(obj, "name_en", "") or "")


@register.filter
def province_name(code: str | None) -> str:
    if not code:
        return ""
    province = geothai.province(code)
    return local_name(province) if province is not None else code


def _choice_label(choices: Any, value: Any) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _user_name(user: Any) -> str:
    return str(user) if user is not None else ""


def unit_codes(events: list[CaseEvent]) -> set[str]:
    return event_unit_codes(events)


def event_description(event: CaseEvent, units: dict[str, Any] | None = None) -> tuple[str, str]:
    """(title, detail) for one timeline line, both in the current language, as the event catalogue tells it."""
    return event_describe(event, units)


@register.simple_tag
def event_line(event: CaseEvent, units: dict[str, Any] | None = None) -> SafeString:
    title, detail = event_description(event, units)
    who = _user_name(event.actor)
    unit = local_name(event.unit)
    by = " · ".join(p for p in (who, unit) if p)
    return format_html(
        '<strong class="event-title">{}</strong>{}{}',
        title,
        format_html('<span class="event-detail"> — {}</span>', detail) if detail else "",
        format_html('<span class="muted small event-by"><br>{}</span>', by) if by else "",
    )


def _public_stage_labels() -> dict[str, str]:
    # PublicStage carries the Thai wording the public sees; staff reading in English get it translated here.
    return {
        "received": gettext("รับเรื่องแล้ว"),
        "screening": gettext("กำลังตรวจสอบข้อมูล"),
        "forwarded": gettext("ส่งต่อทีมช่วยเหลือแล้ว"),
        "on_scene": gettext("เจ้าหน้าที่ลงพื้นที่แล้ว"),
        "in_progress": gettext("อยู่ระหว่างให้ความช่วยเหลือ"),
        "referred": gettext("ส่งต่อหน่วยงานที่เกี่ยวข้องแล้ว"),
        "closed": gettext("ดำเนินการเสร็จสิ้น"),
    }


@register.filter
def public_stage_label(value: str) -> str:
    return _public_stage_labels().get(value, value)


@register.filter
def be_year(year: int | None) -> str:
    """A Gregorian year as the Buddhist-era year Thai staff read (2026 -> 2569); English keeps Gregorian."""
    if not year:
        return ""
    return str(year) if _english() else str(int(year) + 543)


THAI_MONTHS = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@register.filter
def when(value: dt.date | dt.datetime | None, part: str = "datetime") -> str:
    """A date as Thai staff write it, with the Buddhist-era year (24 พ.ย. 2569 13:25); English keeps
    Gregorian (24 Nov 2026 13:25). `part` "date" leaves out the time. Datetimes show Bangkok local time."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    english = _english()
    month = (ENGLISH_MONTHS if english else THAI_MONTHS)[value.month - 1]
    text = f"{value.day} {month} {value.year if english else value.year + 543}"
    if part != "date" and isinstance(value, dt.datetime):
        text += f" {value:%H:%M}"
    return text


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.simple_tag
def may_read_person_access(user: Any, person: Any) -> bool:
    """Whether `user` may open the person's access history (the rule in cases.access), for a link to it."""
    try:
        person_access_scope(user, person)
    except RaksaError:
        return False
    return True
