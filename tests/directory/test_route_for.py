from __future__ import annotations

from raksa.core.errors import NotFound
from raksa.directory.models import Agency, RoutingRule, Unit
from raksa.directory.selectors import route_for, route_suggest
from raksa.directory.services import directory_load
from tests.base import CHIANG_MAI, RaksaTestCase, make_unit


class RouteForTests(RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        directory_load()
        cls.dwf = Agency.objects.get(code="dwf")

    def test_it_sends_an_emergency_to_the_provinces_rapid_unit(self) -> None:
        unit = route_for(category="family_violence", province_code=CHIANG_MAI, emergency=True)
        self.assertEqual(unit.code, "rru-50")
        self.assertEqual(route_for(category="other", district_code="4001", emergency=True).code, "rru-40")

    def test_it_sends_an_emergency_without_a_place_to_the_centre(self) -> None:
        self.assertEqual(route_for(category="drugs", emergency=True).code, "centre-1300")

    def test_it_sends_a_provincial_case_to_the_provincial_office_when_the_agency_has_no_unit_there(
        self,
    ) -> None:
        unit = route_for(category="family_violence", province_code=CHIANG_MAI)
        self.assertEqual(unit.code, "pso-50")
        self.assertIsInstance(unit, Unit)

    def test_it_prefers_a_unit_serving_the_district_over_one_serving_the_province(self) -> None:
        make_unit("dwf-cm", self.dwf, Unit.Kind.OTHER, CHIANG_MAI, (CHIANG_MAI,))
        make_unit("dwf-cm-mueang", self.dwf, Unit.Kind.SHELTER, CHIANG_MAI, ("5001",))
        self.assertEqual(route_for(category="family_violence", district_code="5001").code, "dwf-cm-mueang")
        self.assertEqual(
            route_for(category="family_violence", province_code=CHIANG_MAI, district_code="5002").code,
            "dwf-cm",
        )
        self.assertEqual(route_for(category="family_violence", province_code=CHIANG_MAI).code, "dwf-cm")

    def test_it_falls_back_to_the_agency_headquarters_without_a_place(self) -> None:
        self.assertEqual(route_for(category="child_protection").code, "dcy-hq")
        self.assertEqual(route_for(category="human_trafficking").code, "atd-hq")
        self.assertEqual(route_for(category="other").code, "centre-1300")

    def test_it_skips_deactivated_units(self) -> None:
        Unit.objects.filter(code="pso-50").update(is_active=False)
        self.assertEqual(route_for(category="family_violence", province_code=CHIANG_MAI).code, "dwf-hq")

    def test_it_sees_a_rule_changed_in_the_admin_straight_away(self) -> None:
        self.assertEqual(route_for(category="begging").code, "dsdw-hq")
        rule = RoutingRule.objects.get(category="begging")
        rule.agency = Agency.objects.get(code="dcy")
        rule.save()
        self.assertEqual(route_for(category="begging").code, "dcy-hq")

    def test_it_answers_from_the_cache_in_one_statement_a_call_and_each_caller_gets_its_own_unit(
        self,
    ) -> None:
        route_for(category="family_violence", province_code=CHIANG_MAI)  # the cache, built once
        with self.assertNumQueries(2):  # the fingerprint for each, nothing more
            first = route_for(category="family_violence", province_code=CHIANG_MAI)
            second = route_for(category="family_violence", province_code=CHIANG_MAI)
        self.assertEqual((first, first.agency.code), (Unit.objects.get(code="pso-50"), "ops"))
        self.assertIsNot(first, second)
        first.name_th = "เปลี่ยนในหน่วยความจำ"
        self.assertNotEqual(
            route_for(category="family_violence", province_code=CHIANG_MAI).name_th, first.name_th
        )

    def test_it_sees_a_unit_renamed_straight_away(self) -> None:
        route_for(category="family_violence", province_code=CHIANG_MAI)
        unit = Unit.objects.get(code="pso-50")
        unit.name_th = "สำนักงานใหม่"
        unit.save()
        self.assertEqual(
            route_for(category="family_violence", province_code=CHIANG_MAI).name_th, "สำนักงานใหม่"
        )

    def test_it_explains_its_choice(self) -> None:
        route = route_suggest(category="child_protection", province_code="40")
        self.assertEqual((route.agency_code, route.unit_code), ("dcy", "pso-40"))
        self.assertIn("40", route.reason)


class RouteWithoutLoadedDirectoryTests(RaksaTestCase):
    def test_it_uses_the_provincial_office_when_there_are_no_rules(self) -> None:
        self.assertEqual(route_for(category="family_violence", province_code="10").code, "pso-10")
        self.assertEqual(route_for(category="other").code, "centre-1300")

    def test_it_says_the_directory_is_missing_when_there_is_no_centre(self) -> None:
        Unit.objects.all().update(is_active=False)
        with self.assertRaises(NotFound) as raised:
            route_for(category="other")
        self.assertIn("load_directory", raised.exception.message_en)
