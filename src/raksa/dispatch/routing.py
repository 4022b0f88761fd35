"""Where an emergency goes: from a point (or, without one, the address codes) to the field unit that can act.

The rule, in order, each step giving its reason in words a supervisor reads on the board and the dry-run page:
1. The area. Coordinates are placed in a district offline (`raksa.dispatch.geo`, boundaries shipped with the
   code); a point outside every district (at sea, abroad) falls back to the address codes given, and then to none.
2. The unit: an active unit whose service area is that very district (a rapid-response team first), else the
   province's rapid-response unit (any active rapid-response unit serving the whole province), else the national
   1300 centre.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from raksa.directory.models import Unit
from raksa.directory.routing import CENTRE_UNIT
from raksa.directory.selectors import active_units_serving, area_name
from raksa.dispatch import geo


@dataclass(frozen=True)
class DispatchRoute:
    unit: Unit
    province_code: str
    district_code: str
    # How the area was found: "point", "address" or "" (none), and the reason for the unit, in Thai and English.
    area_source: str
    reason_th: str
    reason_en: str


# The active units and their areas come from the directory's cache (directory.selectors), checked against the
# database by its one fingerprint query.


def _district_units(units: list[Unit]) -> list[Unit]:
    return sorted(units, key=lambda u: (u.kind != Unit.Kind.RAPID_RESPONSE, u.code))


def _province_rapid_unit(units: list[Unit]) -> Unit | None:
    return min((u for u in units if u.kind == Unit.Kind.RAPID_RESPONSE), key=lambda u: u.code, default=None)


def dispatch_route(
    *,
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    province_code: str = "",
    district_code: str = "",
) -> DispatchRoute:
    """The unit an emergency at this point (or this address) goes to, and why."""
    source = ""
    province, district = "", ""
    if latitude is not None and longitude is not None:
        found = geo.point_area(float(latitude), float(longitude))
        if found is not None:
            province, district, source = found.province_code, found.district_code, "point"
    if not source and (province_code or district_code):
        province = province_code or district_code[:2]
        district = district_code if district_code.startswith(province) else ""
        source = "address"
    codes = [code for code in (district, province) if code]
    serving = active_units_serving(area_codes=codes) if codes else {}
    if district:
        units = _district_units(serving[district])
        if units:
            name = area_name(district) or district
            name_en = area_name(district, lang="en") or district
            return DispatchRoute(
                units[0],
                province,
                district,
                source,
                f"หน่วยที่รับผิดชอบพื้นที่ {name}",
                f"the unit serving {name_en}",
            )
    if province:
        unit = _province_rapid_unit(serving[province])
        if unit is not None:
            name = area_name(province) or province
            name_en = area_name(province, lang="en") or province
            return DispatchRoute(
                unit,
                province,
                district,
                source,
                f"ทีมเคลื่อนที่เร็วของจังหวัด{name}",
                f"the rapid-response unit of {name_en}",
            )
    centre = (
        Unit.objects.filter(code=CENTRE_UNIT).first() or Unit.objects.filter(kind=Unit.Kind.CENTRE).first()
    )
    if centre is None:
        raise Unit.DoesNotExist("the directory has no 1300 centre to send emergencies to")
    if source:
        why_th, why_en = "ไม่มีทีมในพื้นที่นี้ ส่งศูนย์ 1300", "no unit serves this area: the 1300 centre"
    else:
        why_th, why_en = "ไม่ทราบพื้นที่ ส่งศูนย์ 1300", "the place is not known: the 1300 centre"
    return DispatchRoute(centre, province, district, source, why_th, why_en)
