"""Thai administrative areas (DOPA codes via geothai): one check used by every address and location field."""

from __future__ import annotations

from dataclasses import dataclass

import geothai

from raksa.core.errors import (
    AREA_MISMATCH,
    INVALID_POSTAL_CODE,
    POSTAL_CODE_MISMATCH,
    POSTAL_NOT_IN_DISTRICT,
    POSTAL_NOT_IN_PROVINCE,
    UNKNOWN_AREA,
    UNKNOWN_POSTAL_CODE,
    FieldError,
)
from raksa.core.text import shown


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
    that is not five digits, or not used in the subdistrict, else the district, else the province given), each
    naming its field.
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
            problems.append(UNKNOWN_AREA.field_error("subdistrict_code", value=shown(subdistrict)))
        else:
            if district and found_sub.district_code != district:
                problems.append(
                    AREA_MISMATCH.field_error(
                        "subdistrict_code",
                        value=shown(subdistrict),
                        parent_field="district_code",
                        parent=shown(district),
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
            problems.append(UNKNOWN_AREA.field_error("district_code", value=shown(district)))
        else:
            if province and found_district.province_code != province:
                problems.append(
                    AREA_MISMATCH.field_error(
                        "district_code",
                        value=shown(district),
                        parent_field="province_code",
                        parent=shown(province),
                    )
                )
            province = province or found_district.province_code
    if province and geothai.province(province) is None:
        problems.append(UNKNOWN_AREA.field_error("province_code", value=shown(province)))
    if postal and postal_ok and not subdistrict:
        problem = _postal_problem(postal, district, province)
        if problem is not None:
            problems.append(problem)
    return Area(province, district, subdistrict, postal), problems


def _postal_problem(postal: str, district: str, province: str) -> FieldError | None:
    """Without a subdistrict, a postal code must still be one Thailand Post uses inside the district or province
    given (50000 is Chiang Mai's, never Bangkok's)."""
    served = geothai.by_postal_code(postal)
    if not served:
        return UNKNOWN_POSTAL_CODE.field_error("postal_code", postal=postal)
    if district and all(sub.district_code != district for sub in served):
        return POSTAL_NOT_IN_DISTRICT.field_error("postal_code", postal=postal, district=district)
    if province and all(sub.province_code != province for sub in served):
        return POSTAL_NOT_IN_PROVINCE.field_error("postal_code", postal=postal, province=province)
    return None
