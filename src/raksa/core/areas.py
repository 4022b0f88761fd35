"""Thai administrative areas (DOPA codes via geothai): one check used by every address and location field."""

from __future__ import annotations

from dataclasses import dataclass

import geothai

from raksa.core.text import shown


@dataclass(frozen=True)
class AreaProblem:
    field: str  # province_code | district_code | subdistrict_code | postal_code
    code: str  # unknown_area | area_mismatch | invalid_postal_code
    message_th: str
    message_en: str


@dataclass(frozen=True)
class Area:
    province_code: str = ""
    district_code: str = ""
    subdistrict_code: str = ""
    postal_code: str = ""


def _unknown(field: str, value: str) -> AreaProblem:
    value = shown(value)
    return AreaProblem(
        field,
        "unknown_area",
        f"ไม่พบรหัสพื้นที่ {value} ในทะเบียนพื้นที่",
        f"Unknown area code {value} for {field} (not a DOPA code)",
    )


def _mismatch(field: str, value: str, parent_field: str, parent: str) -> AreaProblem:
    value, parent = shown(value), shown(parent)
    return AreaProblem(
        field,
        "area_mismatch",
        f"รหัสพื้นที่ {value} ไม่อยู่ในพื้นที่ {parent}",
        f"Area code {value} in {field} is not inside {parent_field} {parent}",
    )


def area_check(
    province_code: str = "", district_code: str = "", subdistrict_code: str = "", postal_code: str = ""
) -> tuple[Area, list[AreaProblem]]:
    """Check the codes against geothai and fill the larger areas from the smaller ones.

    Returns the completed area and every problem found (unknown codes, codes that do not nest, a postal code
    that is not five digits, or not used in the subdistrict, else the district, else the province given), each
    naming its field.
    """
    province = (province_code or "").strip()
    district = (district_code or "").strip()
    subdistrict = (subdistrict_code or "").strip()
    postal = (postal_code or "").strip()
    problems: list[AreaProblem] = []
    if postal and not (len(postal) == 5 and postal.isdigit()):
        problems.append(
            AreaProblem(
                "postal_code", "invalid_postal_code", "รหัสไปรษณีย์ต้องมี 5 หลัก", "A postal code has 5 digits"
            )
        )
        postal_ok = False
    else:
        postal_ok = True
    if subdistrict:
        found_sub = geothai.subdistrict(subdistrict)
        if found_sub is None:
            problems.append(_unknown("subdistrict_code", subdistrict))
        else:
            if district and found_sub.district_code != district:
                problems.append(_mismatch("subdistrict_code", subdistrict, "district_code", district))
            district = district or found_sub.district_code
            if postal and postal_ok and postal not in found_sub.postal_codes:
                problems.append(
                    AreaProblem(
                        "postal_code",
                        "area_mismatch",
                        f"รหัสไปรษณีย์ {postal} ไม่ตรงกับตำบล/แขวง {found_sub.name_th}",
                        f"Postal code {postal} does not belong to subdistrict {found_sub.name_en}",
                    )
                )
    if district:
        found_district = geothai.district(district)
        if found_district is None:
            problems.append(_unknown("district_code", district))
        else:
            if province and found_district.province_code != province:
                problems.append(_mismatch("district_code", district, "province_code", province))
            province = province or found_district.province_code
    if province and geothai.province(province) is None:
        problems.append(_unknown("province_code", province))
    if postal and postal_ok and not subdistrict:
        problem = _postal_problem(postal, district, province)
        if problem is not None:
            problems.append(problem)
    return Area(province, district, subdistrict, postal), problems


def _postal_problem(postal: str, district: str, province: str) -> AreaProblem | None:
    """Without a subdistrict, a postal code must still be one Thailand Post uses inside the district or province
    given (50000 is Chiang Mai's, never Bangkok's)."""
    served = geothai.by_postal_code(postal)
    if not served:
        return AreaProblem(
            "postal_code",
            "unknown_area",
            f"ไม่พบรหัสไปรษณีย์ {postal}",
            f"Unknown postal code {postal} (Thailand Post does not use it)",
        )
    if district and all(sub.district_code != district for sub in served):
        return AreaProblem(
            "postal_code",
            "area_mismatch",
            f"รหัสไปรษณีย์ {postal} ไม่อยู่ในอำเภอ/เขต {district}",
            f"Postal code {postal} is not used in district {district}",
        )
    if province and all(sub.province_code != province for sub in served):
        return AreaProblem(
            "postal_code",
            "area_mismatch",
            f"รหัสไปรษณีย์ {postal} ไม่อยู่ในจังหวัด {province}",
            f"Postal code {postal} is not used in province {province}",
        )
    return None
