"""Event kinds declared outside cases, as the dispatch app's own events.py will declare them: its milestones,
which move the public stage by themselves. Tests that record them import this module; nothing in cases names
them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from raksa.cases.events import event_type_declare, unit_field
from raksa.cases.models import PublicStage

TEAM = unit_field("unit", pgettext_lazy("timeline", "ทีม: %s"))

FORWARDED = event_type_declare(
    kind="forwarded", title=_("แจ้งทีมช่วยเหลือแล้ว"), fields=(TEAM,), stage=PublicStage.FORWARDED
)
ON_SCENE = event_type_declare(
    kind="on_scene", title=_("เจ้าหน้าที่ถึงที่เกิดเหตุ"), fields=(TEAM,), stage=PublicStage.ON_SCENE
)
