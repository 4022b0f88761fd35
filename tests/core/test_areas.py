import geothai

from raksa.core.areas import area_check


class AreaCheckTests:
    def test_it_fills_district_and_province_from_a_subdistrict(self):
        sub = geothai.by_postal_code("10500")[0]
        area, problems = area_check(subdistrict_code=sub.code, postal_code="10500")
        assert problems == []
        assert (area.province_code, area.district_code, area.subdistrict_code) == (
            "10",
            sub.code[:4],
            sub.code,
        )

    def test_it_names_each_unknown_code_and_mismatch(self):
        _, problems = area_check(province_code="99")
        assert [(p.field, p.code) for p in problems] == [("province_code", "unknown_area")]
        assert "99" in problems[0].message_th and "99" in problems[0].message_en

        chiang_mai_district = geothai.districts("50")[0].code
        _, problems = area_check(province_code="10", district_code=chiang_mai_district)
        assert [(p.field, p.code) for p in problems] == [("district_code", "area_mismatch")]

    def test_it_checks_the_postal_code_against_the_subdistrict(self):
        sub = geothai.by_postal_code("10500")[0]
        _, problems = area_check(subdistrict_code=sub.code, postal_code="50200")
        assert [(p.field, p.code) for p in problems] == [("postal_code", "area_mismatch")]
        _, problems = area_check(postal_code="105")
        assert [(p.field, p.code) for p in problems] == [("postal_code", "invalid_postal_code")]
