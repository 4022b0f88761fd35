from raksa.directory.routing import RoutingTable
from raksa.triage.entities import extract_entities
from raksa.triage.routing import routing_table, suggest_routing
from raksa.triage.types import Entities

TABLE = RoutingTable.from_rows(
    [{"code": "centre"}, {"code": "ops"}, {"code": "dcy"}],
    [
        {"code": "centre-1300", "agency": "centre", "kind": "centre", "province_code": "", "areas": []},
        {"code": "dcy-hq", "agency": "dcy", "kind": "headquarters", "province_code": "", "areas": []},
        {
            "code": "pso-40",
            "agency": "ops",
            "kind": "provincial_office",
            "province_code": "40",
            "areas": ["40"],
        },
        {
            "code": "rru-40",
            "agency": "centre",
            "kind": "rapid_response",
            "province_code": "40",
            "areas": ["40"],
        },
    ],
    [{"category": "child_protection", "agency": "dcy"}, {"category": "other", "agency": "centre"}],
)


class SuggestRoutingTests:
    def test_it_routes_an_emergency_to_the_area_from_the_text(self):
        routing = suggest_routing("other", True, extract_entities("ผัวถือมีดขู่ อ.เมือง จ.ขอนแก่น"), TABLE)
        assert (routing.agency_code, routing.unit_code) == ("centre", "rru-40")
        assert (routing.province_code, routing.district_code) == ("40", "4001")

    def test_it_routes_a_category_to_its_agency_in_the_province(self):
        routing = suggest_routing("child_protection", False, Entities(province_codes=("40",)), TABLE)
        assert (routing.agency_code, routing.unit_code) == ("dcy", "pso-40")

    def test_it_uses_the_first_province_and_a_district_inside_it(self):
        entities = Entities(province_codes=("40", "50"), district_codes=("5001", "4001"))
        routing = suggest_routing("child_protection", False, entities, TABLE)
        assert (routing.province_code, routing.district_code) == ("40", "4001")

    def test_it_routes_without_a_place_to_the_headquarters(self):
        routing = suggest_routing("child_protection", False, Entities(), TABLE)
        assert (routing.unit_code, routing.province_code) == ("dcy-hq", None)

    def test_it_uses_the_packaged_directory_by_default(self):
        assert routing_table() is routing_table()
        routing = suggest_routing("family_violence", True, Entities(province_codes=("50",)))
        assert (routing.agency_code, routing.unit_code) == ("centre", "rru-50")
        routing = suggest_routing("family_violence", False, Entities(province_codes=("50",)))
        assert (routing.agency_code, routing.unit_code) == ("dwf", "pso-50")
