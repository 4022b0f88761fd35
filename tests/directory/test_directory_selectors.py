from __future__ import annotations

from raksa.directory.models import Contact
from raksa.directory.selectors import area_name, unit_contacts, unit_get, units_serving
from tests.base import RaksaTestCase


class DirectorySelectorTests(RaksaTestCase):
    def test_it_names_provinces_and_districts(self) -> None:
        self.assertEqual(area_name("50"), "เชียงใหม่")
        self.assertEqual(area_name("5001", lang="en"), "Mueang Chiang Mai")
        self.assertIsNone(area_name("99"))
        self.assertIsNone(area_name("50a1"))

    def test_it_finds_units_serving_a_district_through_its_province(self) -> None:
        codes = set(units_serving(area_code="1001").values_list("code", flat=True))
        self.assertEqual(codes, {"pso-10", "rru-10"})

    def test_it_lists_on_call_contacts_first_by_priority(self) -> None:
        Contact.objects.create(
            unit=self.bkk_rapid, kind="phone", value="0613001000", on_call=True, priority=20
        )
        Contact.objects.create(
            unit=self.bkk_rapid, kind="line_group", value="C" + "a" * 32, on_call=True, priority=10
        )
        Contact.objects.create(unit=self.bkk_rapid, kind="email", value="rru10@raksa.example", priority=30)
        on_call = [c.kind for c in unit_contacts(unit=self.bkk_rapid, on_call=True)]
        self.assertEqual(on_call, ["line_group", "phone"])
        self.assertEqual(unit_get(code="rru-10"), self.bkk_rapid)
