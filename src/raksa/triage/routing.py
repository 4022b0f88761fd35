"""Suggested agency and unit for a triaged report: the directory's routing table applied to the entities."""

from __future__ import annotations

from functools import cache

from raksa.directory.routing import RoutingTable
from raksa.triage.types import Entities, Routing

__all__ = ["routing_table", "suggest_routing"]


@cache
def routing_table() -> RoutingTable:
    """The packaged directory (src/raksa/directory/data/directory.json), read once."""
    return RoutingTable.from_file()


def suggest_routing(
    category: str, emergency: bool, entities: Entities, table: RoutingTable | None = None
) -> Routing:
    """Route by the first province (and first district inside it) the report names.

    A district named in another province than the first one is not used: the first province wins, because
    reports name where the person is before where they come from.
    """
    province = entities.province_codes[0] if entities.province_codes else None
    district = next((d for d in entities.district_codes if province and d.startswith(province)), None)
    if province is None and entities.district_codes:
        district = entities.district_codes[0]
        province = district[:2]
    route = (table or routing_table()).suggest(category, province, district, emergency)
    return Routing(
        agency_code=route.agency_code,
        unit_code=route.unit_code,
        province_code=province,
        district_code=district,
        reason=route.reason,
    )
