import datetime as dt
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.utils import translation

from raksa.cases.services import attachment_add, case_assign, referral_create
from raksa.workspace.templatetags.case_tags import be_year, event_description, unit_codes, when
from tests.base import RaksaTestCase
from tests.cases.helpers import open_case

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class WhenFilterTests(SimpleTestCase):
    moment = dt.datetime(2026, 11, 24, 6, 25, tzinfo=dt.UTC)  # 13:25 in Bangkok

    def test_it_writes_thai_dates_with_the_buddhist_era_year_in_bangkok_time(self):
        with translation.override("th"):
            assert when(self.moment) == "24 พ.ย. 2569 13:25"
            assert when(self.moment, "date") == "24 พ.ย. 2569"
            assert when(dt.date(1990, 1, 5)) == "5 ม.ค. 2533"
            assert be_year(1990) == "2533"

    def test_it_keeps_gregorian_years_in_english(self):
        with translation.override("en"):
            assert when(self.moment) == "24 Nov 2026 13:25"
            assert be_year(1990) == "1990"

    def test_it_shows_nothing_for_no_date(self):
        assert when(None) == ""


class EventDescriptionTests(RaksaTestCase):
    def test_it_tells_a_new_case_by_its_emergency_category_channel_and_unit(self):
        case = open_case(self.call_taker, self.bkk_rapid, emergency_type="threat")
        event = case.events.get()
        units = {self.bkk_rapid.code: self.bkk_rapid}
        with translation.override("th"):
            self.assertEqual(
                event_description(event, units),
                (
                    "รับเรื่อง",
                    f"ฉุกเฉิน: ถูกข่มขู่ · ความรุนแรงในครอบครัว · ช่องทาง: สายด่วน 1300 · หน่วยงาน: {self.bkk_rapid.name_th}",
                ),
            )
        with translation.override("en"):
            self.assertEqual(
                event_description(event, units),
                (
                    "Case opened",
                    f"Emergency: Threatened · Family violence · Channel: 1300 hotline · Unit: {self.bkk_rapid.name_en}",
                ),
            )

    def test_it_names_the_assignee_and_the_attached_file(self):
        case = open_case(self.call_taker, self.bkk_office)
        case_assign(actor=self.supervisor, case=case, assignee=self.case_worker)
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            attachment_add(
                actor=self.case_worker, case=case, uploaded_file=SimpleUploadedFile("บ้าน.png", PNG)
            )
        with translation.override("th"):
            self.assertEqual(
                event_description(case.events.get(kind="assigned")),
                ("มอบหมายผู้รับผิดชอบแล้ว", f"ผู้รับผิดชอบ: {self.case_worker}"),
            )
            self.assertEqual(
                event_description(case.events.get(kind="attachment_added")), ("แนบไฟล์แล้ว", "บ้าน.png")
            )

    def test_it_gathers_the_units_that_the_declared_unit_fields_name(self):
        case = open_case(self.call_taker, self.bkk_office)
        referral_create(actor=self.case_worker, case=case, to_unit=self.dcy_hq, reason="เด็ก")
        self.assertEqual(unit_codes(list(case.events.all())), {"pso-10", "dcy-hq"})
