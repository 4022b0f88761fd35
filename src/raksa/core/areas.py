"""Thai administrative areas (DOPA codes via geothai): one check used by every address and location field."""

from __future__ import annotations

from dataclasses import dataclass

import geothai


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
    return AreaProblem(
        field,
        "unknown_area",
        f"ไม่พบรหัสพื้นที่ {value} ในทะเบียนพื้นที่",
        f"Unknown area code {value} for {field} (not a DOPA code)",
    )


def _mismatch(field: str, value: str, parent_field: str, parent: str) -> AreaProblem:
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
    that is not five digits or not the subdistrict's), each naming its field.
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
    return Area(province, district, subdistrict, postal), problems
