"""The timeline kinds dispatch records (declared here, never in cases)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from raksa.cases.events import event_type_declare, unit_field

TEAM = unit_field("unit", pgettext_lazy("timeline", "ทีม: %s"))

DISPATCH_AWAITING = event_type_declare(kind="dispatch_awaiting", title=_("รอส่งต่อทีมช่วยเหลือ"), fields=(TEAM,))
