"""A volunteer in Chiang Mai and in Bangkok, and a way to report as one through the real service."""

from __future__ import annotations

from typing import Any

from raksa.accounts.models import Role
from raksa.intake.volunteer.services import volunteer_report_submit
from tests.base import CHIANG_MAI, RaksaTestCase, make_user

# A valid national ID (check digit computed as the DOPA rule does) and the same with its last digit changed.
NATIONAL_ID = "1101700230708"
BAD_NATIONAL_ID = "1101700230709"
ELDERLY_STORY = "ยายอายุ 82 ปี อยู่บ้านคนเดียว ไม่มีคนดูแล ต้องการเบี้ยยังชีพและผู้ดูแล"


class VolunteerTestCase(RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.volunteer = make_user("volunteer_cm", Role.VOLUNTEER, cls.cm_office)
        cls.other_volunteer = make_user("volunteer_bkk", Role.VOLUNTEER, cls.bkk_office)

    def report_as(self, volunteer: Any, key: str = "k-1", **fields: Any):
        fields.setdefault("text", ELDERLY_STORY)
        fields.setdefault("category", "elderly_care")
        fields.setdefault("subject", {"name": "บัวคำ ใจงาม", "phone": "0812345678"})
        fields.setdefault("location", {"text": "บ้านเลขที่ 5 หมู่ 3", "province_code": CHIANG_MAI})
        fields.setdefault("consent", {"given_by": "", "method": "verbal"})
        return volunteer_report_submit(volunteer=volunteer, idempotency_key=key, **fields).report
