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

    def test_it_checks_a_postal_code_against_the_district_or_province_without_a_subdistrict(self):
        _, problems = area_check(province_code="10", postal_code="50000")
        assert [(p.field, p.code) for p in problems] == [("postal_code", "area_mismatch")]
        assert "province 10" in problems[0].message_en
        _, problems = area_check(district_code="1001", postal_code="50000")
        assert [(p.field, p.code) for p in problems] == [("postal_code", "area_mismatch")]
        assert area_check(province_code="50", postal_code="50000")[1] == []
        assert area_check(district_code="5001", postal_code="50000")[1] == []

    def test_it_refuses_a_postal_code_nobody_uses(self):
        _, problems = area_check(postal_code="00000")
        assert [(p.field, p.code) for p in problems] == [("postal_code", "unknown_area")]

    def test_it_does_not_repeat_a_long_code_back(self):
        _, problems = area_check(province_code="9" * 5000)
        assert [p.code for p in problems] == ["unknown_area"]
        assert len(problems[0].message_en) < 120
