"""The timeline kinds dispatch records (declared here, never in cases).

Each dispatch change is one event on the case, so a case worker in another province reads what the field team
did without asking. The public stage each one shows (`forwarded`, `on_scene`, ...) is cases/stages.py's table's, by
the dispatch state the event enters.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from raksa.cases.events import event_type_declare, kept, text_field, unit_field
from raksa.cases.stages import dispatch_stage
from raksa.dispatch.models import DispatchState

TEAM = unit_field("unit", pgettext_lazy("timeline", "ทีม: %s"))
DISPATCH = kept("dispatch_id")

# Kept for the cases handed over before dispatch sent alerts itself.
DISPATCH_AWAITING = event_type_declare(kind="dispatch_awaiting", title=_("รอส่งต่อทีมช่วยเหลือ"), fields=(TEAM,))
DISPATCH_ALERTED = event_type_declare(
    kind="dispatch_alerted",
    title=_("แจ้งเตือนทีมช่วยเหลือแล้ว"),
    fields=(TEAM, DISPATCH, text_field("reason", pgettext_lazy("timeline", "เหตุผล: %s")), kept("level")),
    stage=dispatch_stage(DispatchState.ALERTED),
)
DISPATCH_ALERT_FAILED = event_type_declare(
    kind="dispatch_alert_failed",
    title=_("ส่งแจ้งเตือนทีมไม่สำเร็จ"),
    fields=(TEAM, DISPATCH, text_field("error", pgettext_lazy("timeline", "สาเหตุ: %s"))),
)
DISPATCH_ESCALATED = event_type_declare(
    kind="dispatch_escalated",
    title=_("ส่งต่อระดับสูงขึ้น"),
    fields=(
        TEAM,
        DISPATCH,
        text_field("why", pgettext_lazy("timeline", "เหตุผล: %s")),
        unit_field("to_unit", pgettext_lazy("timeline", "ส่งต่อถึง: %s")),
    ),
)
DISPATCH_ACKNOWLEDGED = event_type_declare(
    kind="dispatch_acknowledged",
    title=_("ทีมรับเรื่องแล้ว"),
    fields=(TEAM, DISPATCH),
    stage=dispatch_stage(DispatchState.ACKNOWLEDGED),
)
DISPATCH_EN_ROUTE = event_type_declare(
    kind="dispatch_en_route",
    title=_("ทีมกำลังเดินทาง"),
    fields=(TEAM, DISPATCH),
    stage=dispatch_stage(DispatchState.EN_ROUTE),
)
DISPATCH_ON_SCENE = event_type_declare(
    kind="dispatch_on_scene",
    title=_("ทีมถึงที่เกิดเหตุแล้ว"),
    fields=(TEAM, DISPATCH),
    stage=dispatch_stage(DispatchState.ON_SCENE),
)
DISPATCH_OVERDUE = event_type_declare(
    kind="dispatch_overdue", title=_("ทีมยังไม่ถึงที่เกิดเหตุตามเวลา"), fields=(TEAM, DISPATCH)
)
DISPATCH_RESOLVED = event_type_declare(
    kind="dispatch_resolved",
    title=_("ทีมระงับเหตุแล้ว"),
    fields=(
        TEAM,
        DISPATCH,
        text_field("outcome", pgettext_lazy("timeline", "ผล: %s")),
        text_field("note", pgettext_lazy("timeline", "บันทึก: %s")),
    ),
    stage=dispatch_stage(DispatchState.RESOLVED),
)
DISPATCH_DECLINED = event_type_declare(
    kind="dispatch_declined",
    title=_("ทีมปฏิเสธ"),
    fields=(TEAM, DISPATCH, text_field("reason", pgettext_lazy("timeline", "เหตุผล: %s"))),
)
DISPATCH_CANCELLED = event_type_declare(
    kind="dispatch_cancelled",
    title=_("ยกเลิกการส่งทีม"),
    fields=(TEAM, DISPATCH, text_field("reason", pgettext_lazy("timeline", "เหตุผล: %s"))),
)
