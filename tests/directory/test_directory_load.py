from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

import geothai
from django.core.management import CommandError, call_command

from raksa.core.errors import InvalidInput
from raksa.directory.models import Agency, Contact, RoutingRule, ServiceArea, Unit
from raksa.directory.routing import RoutingTable
from raksa.directory.services import directory_load, unit_area_codes
from tests.base import RaksaTestCase


def packaged() -> dict[str, Any]:
    path = Path(__file__).resolve().parents[2] / "src" / "raksa" / "directory" / "data" / "directory.json"
    return json.loads(path.read_text(encoding="utf-8"))


def counts() -> tuple[int, int, int, int, int]:
    return (
        Agency.objects.count(),
        Unit.objects.count(),
        ServiceArea.objects.count(),
        Contact.objects.count(),
        RoutingRule.objects.count(),
    )


class DirectoryLoadTests(RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.stats = directory_load()

    def test_it_loads_an_office_and_a_rapid_unit_for_every_province(self) -> None:
        provinces = {p.code for p in geothai.provinces()}
        self.assertEqual(len(provinces), 77)
        offices = Unit.objects.filter(kind=Unit.Kind.PROVINCIAL_OFFICE, agency__code="ops")
        rapid = Unit.objects.filter(kind=Unit.Kind.RAPID_RESPONSE, agency__code="centre")
        self.assertEqual({u.province_code for u in offices}, provinces)
        self.assertEqual({u.province_code for u in rapid}, provinces)
        cm = Unit.objects.get(code="pso-50")
        self.assertEqual(cm.name_th, "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดเชียงใหม่ (พมจ.เชียงใหม่)")
        self.assertEqual(unit_area_codes(cm), ["50"])
        self.assertEqual(Unit.objects.get(code="rru-50").name_th, "ศูนย์ช่วยเหลือสังคม ทีมเคลื่อนที่เร็ว จังหวัดเชียงใหม่")

    def test_it_loads_the_centre_the_headquarters_and_a_rule_for_every_category(self) -> None:
        self.assertEqual(
            set(Agency.objects.values_list("code", flat=True)),
            {"centre", "ops", "dcy", "dwf", "dop", "dep", "dsdw", "atd"},
        )
        self.assertTrue(Unit.objects.get(code="centre-1300").is_centre)
        hqs = set(Unit.objects.filter(kind=Unit.Kind.HEADQUARTERS).values_list("code", flat=True))
        self.assertEqual(hqs, {"ops-hq", "dcy-hq", "dwf-hq", "dop-hq", "dep-hq", "dsdw-hq", "atd-hq"})
        rules = dict(RoutingRule.objects.values_list("category", "agency__code"))
        self.assertEqual(rules["family_violence"], "dwf")
        self.assertEqual(rules["human_trafficking"], "atd")
        self.assertEqual(rules["child_protection"], "dcy")
        self.assertEqual(len(rules), 12)
        self.assertTrue(all(RoutingRule.objects.values_list("note", flat=True)))

    def test_it_gives_rapid_units_an_on_call_line_group_and_phone(self) -> None:
        rapid = Unit.objects.get(code="rru-40")
        on_call = {c.kind: c.value for c in rapid.contacts.filter(on_call=True)}
        self.assertRegex(on_call["line_group"], r"^C[0-9a-f]{32}$")
        self.assertRegex(on_call["phone"], r"^0[689]\d{8}$")
        office_phone = Unit.objects.get(code="pso-40").contacts.get(kind="phone").value
        self.assertRegex(office_phone, r"^0[2-57]\d{7}$")
        self.assertTrue(Unit.objects.get(code="pso-40").contacts.filter(value="pso40@raksa.example").exists())

    def test_it_keeps_the_people_already_in_units(self) -> None:
        self.case_worker.refresh_from_db()
        self.assertEqual(self.case_worker.unit.code, "pso-10")
        self.assertTrue(self.case_worker.unit.name_th.startswith("สำนักงานพัฒนาสังคม"))

    def test_it_matches_the_pure_routing_table_read_from_the_file(self) -> None:
        from raksa.directory.selectors import route_for

        table = RoutingTable.from_file()
        for category, province in [("family_violence", "50"), ("child_protection", None), ("other", "96")]:
            route = table.suggest(category, province_code=province)
            self.assertEqual(route_for(category=category, province_code=province).code, route.unit_code)

    def test_it_changes_nothing_when_loaded_again(self) -> None:
        before = counts()
        stats = directory_load()
        self.assertFalse(stats.changed, stats.summary())
        self.assertEqual(counts(), before)

    def test_it_restores_edits_from_the_file(self) -> None:
        unit = Unit.objects.get(code="pso-50")
        unit.name_th = "ชื่อที่แก้ในหน้าผู้ดูแล"
        unit.save()
        unit.areas.all().delete()
        ServiceArea.objects.create(unit=unit, area_code="5001")
        Contact.objects.create(unit=unit, kind="phone", value="0899999999")
        unit.contacts.filter(kind="email").update(label="old label")

        stats = directory_load()

        unit.refresh_from_db()
        self.assertTrue(unit.name_th.startswith("สำนักงานพัฒนาสังคม"))
        self.assertEqual(unit_area_codes(unit), ["50"])
        self.assertFalse(unit.contacts.filter(value="0899999999").exists())
        self.assertEqual(unit.contacts.get(kind="email").label, "อีเมลสำนักงาน")
        self.assertEqual(stats.updated["units"], 1)

    def test_it_deactivates_a_unit_that_left_the_file_but_keeps_it(self) -> None:
        shelter = Unit.objects.create(
            code="shelter-x",
            agency=self.dcy,
            name_th="บ้านพักเดิม",
            name_en="Old shelter",
            kind=Unit.Kind.SHELTER,
        )
        stats = directory_load()
        shelter.refresh_from_db()
        self.assertFalse(shelter.is_active)
        self.assertEqual(stats.deactivated, ["shelter-x"])

    def test_the_command_loads_and_reports(self) -> None:
        out = StringIO()
        call_command("load_directory", stdout=out)
        self.assertIn("created: nothing", out.getvalue())


class DirectoryValidationTests(RaksaTestCase):
    def load_edited(self, edit: Any) -> None:
        data = packaged()
        edit(data)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "directory.json"
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            directory_load(path=path)

    def unit(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        return next(u for u in data["units"] if u["code"] == code)

    def test_it_rejects_an_unknown_district_naming_the_unit_and_field_and_saves_nothing(self) -> None:
        before = counts()
        with self.assertRaises(InvalidInput) as raised:
            self.load_edited(lambda d: self.unit(d, "pso-50")["areas"].append("5099"))
        self.assertEqual(raised.exception.field, "unit 'pso-50'.areas")
        self.assertIn("5099", raised.exception.message_en)
        self.assertIn("pso-50", raised.exception.message_th)
        self.assertEqual(counts(), before)
        self.assertEqual(Unit.objects.get(code="pso-50").name_th, "หน่วย pso-50")

    def test_it_rejects_an_unknown_province(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            self.load_edited(lambda d: self.unit(d, "rru-96").update(province_code="99"))
        self.assertEqual(raised.exception.field, "unit 'rru-96'.province_code")
        self.assertFalse(Unit.objects.filter(code="rru-96").exists())

    def test_it_rejects_a_contact_that_is_not_a_phone(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            self.load_edited(lambda d: self.unit(d, "pso-40")["contacts"][0].update(value="12345"))
        self.assertEqual(raised.exception.field, "unit 'pso-40'.contacts")

    def test_the_command_explains_a_bad_file_in_thai_and_english(self) -> None:
        before = counts()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "directory.json"
            data = packaged()
            self.unit(data, "pso-10")["areas"] = ["1099"]
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            with self.assertRaises(CommandError) as raised:
                call_command("load_directory", "--path", str(path), stdout=StringIO())
        self.assertIn("ไม่พบอำเภอรหัส 1099", str(raised.exception))
        self.assertIn("Unknown district code 1099", str(raised.exception))
        self.assertEqual(counts(), before)
