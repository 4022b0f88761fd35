"""The timeline kinds intake records (declared here, never in cases)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from raksa.cases.events import choice_field, event_type_declare, kept, text_field
from raksa.cases.models import Channel, EmergencyType

REPORT_ADDED = event_type_declare(
    kind="report_added",
    title=_("รับแจ้งเพิ่มเติม"),
    fields=(choice_field("channel", Channel, pgettext_lazy("timeline", "ช่องทาง: %s")), kept("report_id")),
)
INCIDENT_JOINED = event_type_declare(
    kind="incident_joined",
    title=_("รวมเรื่องจากเหตุการณ์เดียวกัน"),
    fields=(text_field("joined_number", pgettext_lazy("timeline", "เรื่องที่รวม: %s")), kept("reports")),
)
JOINED_INTO = event_type_declare(
    kind="joined_into",
    title=_("รวมเข้ากับเรื่องของเหตุการณ์เดียวกัน"),
    fields=(text_field("into_number", pgettext_lazy("timeline", "รวมเข้ากับเรื่อง: %s")),),
)
LOCATION_ADDED = event_type_declare(
    kind="location_added",
    title=_("ได้รับตำแหน่งของเหตุ"),
    fields=(
        text_field("location_text", pgettext_lazy("timeline", "สถานที่: %s")),
        kept("latitude"),
        kept("longitude"),
        kept("report_id"),
    ),
)
EMERGENCY_UNCONFIRMED = event_type_declare(
    kind="emergency_unconfirmed",
    title=_("อาจเป็นเหตุฉุกเฉิน ผู้แจ้งไม่ได้ยืนยัน รอเจ้าหน้าที่พิจารณา"),
    fields=(
        choice_field("emergency_type", EmergencyType, pgettext_lazy("timeline", "ระบบคัดกรองอ่านว่า: %s")),
        kept("confidence"),
        kept("report_id"),
    ),
)
