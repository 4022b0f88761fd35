"""Thai administrative areas (DOPA codes via geothai): one check used by every address and location field."""

from __future__ import annotations

from dataclasses import dataclass

import geothai

from raksa.core.errors import (
    AREA_MISMATCH,
    INVALID_POSTAL_CODE,
    POSTAL_CODE_MISMATCH,
    UNKNOWN_AREA,
    FieldError,
)


@dataclass(frozen=True)
class Area:
    province_code: str = ""
    district_code: str = ""
    subdistrict_code: str = ""
    postal_code: str = ""


def area_check(
    province_code: str = "", district_code: str = "", subdistrict_code: str = "", postal_code: str = ""
) -> tuple[Area, list[FieldError]]:
    """Check the codes against geothai and fill the larger areas from the smaller ones.

    Returns the completed area and every problem found (unknown codes, codes that do not nest, a postal code
    that is not five digits or not the subdistrict's), each naming its field.
    """
    province = (province_code or "").strip()
    district = (district_code or "").strip()
    subdistrict = (subdistrict_code or "").strip()
    postal = (postal_code or "").strip()
    problems: list[FieldError] = []
    if postal and not (len(postal) == 5 and postal.isdigit()):
        problems.append(INVALID_POSTAL_CODE.field_error("postal_code"))
        postal_ok = False
    else:
        postal_ok = True
    if subdistrict:
        found_sub = geothai.subdistrict(subdistrict)
        if found_sub is None:
            problems.append(UNKNOWN_AREA.field_error("subdistrict_code", value=subdistrict))
        else:
            if district and found_sub.district_code != district:
                problems.append(
                    AREA_MISMATCH.field_error(
                        "subdistrict_code", value=subdistrict, parent_field="district_code", parent=district
                    )
                )
            district = district or found_sub.district_code
            if postal and postal_ok and postal not in found_sub.postal_codes:
                problems.append(
                    POSTAL_CODE_MISMATCH.field_error(
                        "postal_code",
                        postal=postal,
                        subdistrict_th=found_sub.name_th,
                        subdistrict_en=found_sub.name_en,
                    )
                )
    if district:
        found_district = geothai.district(district)
        if found_district is None:
            problems.append(UNKNOWN_AREA.field_error("district_code", value=district))
        else:
            if province and found_district.province_code != province:
                problems.append(
                    AREA_MISMATCH.field_error(
                        "district_code", value=district, parent_field="province_code", parent=province
                    )
                )
            province = province or found_district.province_code
    if province and geothai.province(province) is None:
        problems.append(UNKNOWN_AREA.field_error("province_code", value=province))
    return Area(province, district, subdistrict, postal), problems
