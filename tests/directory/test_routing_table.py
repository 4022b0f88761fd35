import json

from raksa.directory.routing import Route, RoutingTable

AGENCIES = [{"code": code} for code in ("centre", "ops", "dcy", "dwf", "dop")]
UNITS = [
    {"code": "centre-1300", "agency": "centre", "kind": "centre", "province_code": "", "areas": []},
    {"code": "dcy-hq", "agency": "dcy", "kind": "headquarters", "province_code": "", "areas": []},
    {"code": "dwf-hq", "agency": "dwf", "kind": "headquarters", "province_code": "", "areas": []},
    {"code": "pso-10", "agency": "ops", "kind": "provincial_office", "province_code": "10", "areas": ["10"]},
    {"code": "rru-10", "agency": "centre", "kind": "rapid_response", "province_code": "10", "areas": ["10"]},
    {"code": "pso-50", "agency": "ops", "kind": "provincial_office", "province_code": "50", "areas": ["50"]},
    {"code": "rru-50", "agency": "centre", "kind": "rapid_response", "province_code": "50", "areas": ["50"]},
    {"code": "dcy-shelter-bkk", "agency": "dcy", "kind": "shelter", "province_code": "10", "areas": ["10"]},
    {"code": "dcy-bangrak", "agency": "dcy", "kind": "other", "province_code": "10", "areas": ["1004"]},
]
ROUTING = [
    {"category": "child_protection", "agency": "dcy"},
    {"category": "family_violence", "agency": "dwf"},
    {"category": "elderly_care", "agency": "dop"},
    {"category": "other", "agency": "centre"},
]


def table() -> RoutingTable:
    return RoutingTable.from_rows(AGENCIES, UNITS, ROUTING)


class RoutingTableTests:
    def test_it_sends_an_emergency_to_the_provinces_rapid_response_unit(self):
        route = table().suggest("family_violence", "50", None, emergency=True)
        assert route == Route("centre", "rru-50", route.reason)

    def test_it_sends_an_emergency_without_a_province_to_the_centre(self):
        assert table().suggest("other", None, None, emergency=True).unit_code == "centre-1300"

    def test_it_prefers_the_agencys_unit_serving_the_district(self):
        route = table().suggest("child_protection", "10", "1004", emergency=False)
        assert (route.agency_code, route.unit_code) == ("dcy", "dcy-bangrak")

    def test_it_falls_back_to_the_agencys_unit_serving_the_province(self):
        route = table().suggest("child_protection", "10", "1007", emergency=False)
        assert route.unit_code == "dcy-shelter-bkk"

    def test_it_falls_back_to_the_provincial_office(self):
        route = table().suggest("child_protection", "50", "5001", emergency=False)
        assert (route.agency_code, route.unit_code) == ("dcy", "pso-50")

    def test_it_falls_back_to_the_agency_headquarters_when_the_province_has_no_office(self):
        assert table().suggest("family_violence", "40", None, emergency=False).unit_code == "dwf-hq"

    def test_it_sends_a_report_without_a_province_to_the_agency_headquarters(self):
        assert table().suggest("child_protection", None, None, emergency=False).unit_code == "dcy-hq"

    def test_it_sends_other_without_a_province_to_the_centre(self):
        route = table().suggest("other", None, None, emergency=False)
        assert (route.agency_code, route.unit_code) == ("centre", "centre-1300")

    def test_it_never_gives_a_normal_case_to_a_rapid_response_unit(self):
        assert table().suggest("other", "50", None, emergency=False).unit_code == "pso-50"

    def test_it_treats_an_unknown_category_as_other(self):
        assert table().suggest("no_such_category", None, None, emergency=False).agency_code == "centre"

    def test_it_reads_the_province_from_a_district_alone(self):
        assert table().suggest("other", None, "5001", emergency=True).unit_code == "rru-50"

    def test_it_explains_its_choice(self):
        reason = table().suggest("child_protection", "50", None, emergency=False).reason
        assert "dcy" in reason and "50" in reason

    def test_it_loads_a_directory_file(self, tmp_path):
        path = tmp_path / "directory.json"
        path.write_text(
            json.dumps({"agencies": AGENCIES, "units": UNITS, "routing": ROUTING}), encoding="utf-8"
        )
        assert (
            RoutingTable.from_file(path).suggest("family_violence", "10", None, emergency=True).unit_code
            == "rru-10"
        )
