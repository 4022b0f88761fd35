"""What the tracking tests share: a case reported by a mother about her child, with everything that must never
reach the public written down, a clock at a rate window's first second, and reading the page as text."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from raksa.cases.models import Case
from raksa.cases.services import case_create
from raksa.core.identifiers import make_national_id
from raksa.people.models import Person
from raksa.people.services import person_create
from raksa.tracking.services import tracking_pin_issue
from tests.base import BANGKOK, RaksaTestCase

HOME = "203.0.113.10"
ELSEWHERE = "198.51.100.20"
REPORTER_PHONE = "0812345678"
REPORTER_NATIONAL_ID = make_national_id("110170020345")
CHILD_NATIONAL_ID = make_national_id("120990012345")
SUMMARY = "ลูกสาววัย 8 ขวบถูกพ่อเลี้ยงทำร้าย"
DESCRIPTION = "น้องฝนมีรอยช้ำที่แขน บ้านเลขที่ 99/1 ซอยลาดพร้าว 101"
PUBLIC_NOTE = "นัดเยี่ยมบ้านวันที่ 5 เวลา 10 โมง"
TRACK = "/track/"


def api_path(code: str) -> str:
    return f"/api/v1/track/{code}"


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


class TrackingCase(RaksaTestCase):
    """Starts at a 10-minute window's first second, the clock running, so a test's failures all count in one
    window; the usual-wait figures are cached per process, so each test starts without them."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # A real office's name: the personas' names hold their unit codes, which no public answer may.
        cls.bkk_office.name_th = "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์ กรุงเทพมหานคร"
        cls.bkk_office.name_en = "Bangkok Office of Social Development and Human Security"
        cls.bkk_office.save(update_fields=["name_th", "name_en"])

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        now = timezone.now()
        self.window_start = now.replace(minute=now.minute - now.minute % 10, second=1, microsecond=0)
        clock = time_machine.travel(self.window_start)
        clock.start()
        self.addCleanup(clock.stop)
        self.public = Client(REMOTE_ADDR=HOME)

    def people(self) -> tuple[Person, Person]:
        """The mother who reports, and her daughter of 8: made once, the same two on every case of a test."""
        if not hasattr(self, "_people"):
            mother = person_create(
                actor=self.call_taker,
                first_name_th="มาลี",
                last_name_th="สุขใจ",
                phones=[REPORTER_PHONE],
                national_id=REPORTER_NATIONAL_ID,
            )
            child = person_create(
                actor=self.call_taker,
                first_name_th="ฝน",
                last_name_th="สุขใจ",
                nickname="น้องฝน",
                birth_date=(timezone.localdate() - dt.timedelta(days=8 * 366)).isoformat(),
                national_id=CHILD_NATIONAL_ID,
            )
            self._people = (mother, child)
        return self._people

    def reported(self, **fields: Any) -> Case:
        """A mother's report about her 8-year-old daughter, opened by the 1300 centre, owned by Bangkok's office."""
        mother, child = self.people()
        fields.setdefault("channel", "hotline")
        fields.setdefault("summary", SUMMARY)
        fields.setdefault("description", DESCRIPTION)
        fields.setdefault("category", "child_protection")
        fields.setdefault("province_code", BANGKOK)
        fields.setdefault("owning_unit", self.bkk_office)
        return case_create(actor=self.call_taker, subject=child, reporter=mother, **fields)

    def pin_for(self, case: Case) -> str:
        pin = tracking_pin_issue(case=case)
        assert pin is not None
        return pin

    def secrets_of(self, case: Case) -> list[str]:
        """Everything about the case and its people that no public answer may hold."""
        case.refresh_from_db()
        return [
            "มาลี",
            "ฝน",
            "สุขใจ",
            REPORTER_PHONE,
            REPORTER_NATIONAL_ID,
            CHILD_NATIONAL_ID,
            SUMMARY,
            DESCRIPTION,
            "ลูกสาว",
            "ซอยลาดพร้าว",
            case.number,
            case.owning_unit.code,
            f'"{case.pk}"',
            case.tracking_pin,
            "child_protection",
            "คุ้มครองเด็ก",
        ]

    def assertShowsNothingPrivate(self, body: str, case: Case) -> None:
        for secret in self.secrets_of(case):
            if secret:
                self.assertNotIn(secret, body)

    def assertPrivateAnswer(self, response: Any) -> None:
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow, noarchive")
        self.assertEqual(response["Referrer-Policy"], "no-referrer")
        cache_control = response["Cache-Control"]
        for part in ("no-store", "private", "no-cache"):
            self.assertIn(part, cache_control)
