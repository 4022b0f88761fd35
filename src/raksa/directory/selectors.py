"""Reads from the directory: which unit answers, what a unit serves, how to reach it, what an area code names."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import geothai
from django.db import connection
from django.db.models import QuerySet

from raksa.directory.errors import DIRECTORY_EMPTY, UNIT_NOT_FOUND
from raksa.directory.models import Agency, Contact, RoutingRule, ServiceArea, Unit
from raksa.directory.routing import CENTRE_UNIT, Route, RoutingTable

_cache_lock = threading.Lock()


@dataclass(frozen=True)
class _Directory:
    """What routing reads from the directory, as the database had it at `fingerprint`."""

    fingerprint: tuple[Any, ...]
    table: RoutingTable
    # The active units by code (with their agency), and the codes of those serving each area code.
    units: dict[str, Unit]
    serving: dict[str, tuple[str, ...]]


_cached: _Directory | None = None


def _directory_fingerprint() -> tuple[Any, ...]:
    """One cheap query that changes whenever anything routing depends on changes.

    A process-local cache cleared by signals would go stale across web nodes and the worker, and it would survive
    a rolled-back transaction; counts plus the latest change time survive neither.
    """
    unit = Unit._meta.db_table
    area = ServiceArea._meta.db_table
    rule = RoutingRule._meta.db_table
    agency = Agency._meta.db_table
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {unit}), (SELECT MAX(updated_at) FROM {unit}),"
        f" (SELECT COUNT(*) FROM {unit} WHERE is_active = %s),"
        f" (SELECT COUNT(*) FROM {area}), (SELECT MAX(id) FROM {area}),"
        f" (SELECT COUNT(*) FROM {rule}), (SELECT MAX(updated_at) FROM {rule}),"
        f" (SELECT COUNT(*) FROM {agency}), (SELECT MAX(updated_at) FROM {agency})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [True])
        row = cursor.fetchone()
    return (connection.alias, *row) if row else (connection.alias,)


def _build_directory(fingerprint: tuple[Any, ...]) -> _Directory:
    units = list(Unit.objects.filter(is_active=True).select_related("agency").prefetch_related("areas"))
    serving: dict[str, list[str]] = {}
    for unit in units:
        for area in unit.areas.all():
            serving.setdefault(area.area_code, []).append(unit.code)
    table = RoutingTable.from_rows(
        agencies=({"code": code} for code in Agency.objects.values_list("code", flat=True)),
        units=(
            {
                "code": unit.code,
                "agency": unit.agency.code,
                "kind": unit.kind,
                "province_code": unit.province_code,
                "areas": [area.area_code for area in unit.areas.all()],
            }
            for unit in units
        ),
        routing=(
            {"category": category, "agency": agency}
            for category, agency in RoutingRule.objects.values_list("category", "agency__code")
        ),
    )
    for unit in units:
        # The cache keeps units, not the querysets they were read with.
        unit._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    return _Directory(
        fingerprint=fingerprint,
        table=table,
        units={unit.code: unit for unit in units},
        serving={code: tuple(codes) for code, codes in serving.items()},
    )


def _directory() -> _Directory:
    """The directory as routing reads it, rebuilt only when the fingerprint says it changed (one query)."""
    global _cached
    fingerprint = _directory_fingerprint()
    cached = _cached
    if cached is not None and cached.fingerprint == fingerprint:
        return cached
    built = _build_directory(fingerprint)
    with _cache_lock:
        _cached = built
    return built


def routing_table() -> RoutingTable:
    """The routing table as the database has it now (active units only), rebuilt only when the directory changed."""
    return _directory().table


def _own_copy(unit: Unit) -> Unit:
    # Each caller gets its own instance: the cached one is shared by every request of the process.
    return copy.copy(unit)


def active_units_serving(*, area_codes: Iterable[str]) -> dict[str, list[Unit]]:
    """For each area code, the active units whose service areas include exactly that code (a district's units,
    or those serving a whole province), from the cached directory: one query, the fingerprint's."""
    directory = _directory()
    return {
        code: [_own_copy(directory.units[unit]) for unit in directory.serving.get(code, ())]
        for code in area_codes
    }


def route_suggest(
    *,
    category: str,
    province_code: str | None = None,
    district_code: str | None = None,
    emergency: bool = False,
) -> Route:
    return routing_table().suggest(
        category,
        province_code=province_code or None,
        district_code=district_code or None,
        emergency=emergency,
    )


def route_for(
    *,
    category: str,
    province_code: str | None = None,
    district_code: str | None = None,
    emergency: bool = False,
) -> Unit:
    """The unit that should own a case: see raksa.directory.routing for the rule.

    Falls back to the national 1300 centre when the rule names no unit; raises NotFound only when the directory
    has not been loaded at all.
    """
    directory = _directory()  # one query, the fingerprint's: the table and the units come from the cache
    route = directory.table.suggest(
        category,
        province_code=province_code or None,
        district_code=district_code or None,
        emergency=emergency,
    )
    for code in (route.unit_code, CENTRE_UNIT):
        if code and code in directory.units:
            return _own_copy(directory.units[code])
    raise DIRECTORY_EMPTY.error()


def unit_get(*, code: str) -> Unit:
    unit = Unit.objects.select_related("agency").filter(code=code).first()
    if unit is None:
        raise UNIT_NOT_FOUND.error(code=code)
    return unit


def units_by_code(*, codes: Iterable[str]) -> dict[str, Unit]:
    """The units with these codes, keyed by code (one query); codes no unit has are left out."""
    return Unit.objects.in_bulk(sorted(set(codes)), field_name="code")


def unit_area_codes(unit: Unit) -> list[str]:
    """The province (2-digit) and district (4-digit) codes a unit serves, sorted."""
    return sorted(unit.areas.values_list("area_code", flat=True))


def units_serving(*, area_code: str) -> QuerySet[Unit]:
    """Active units serving an area: a district is also served by units serving its whole province."""
    codes = {area_code, area_code[:2]}
    return Unit.objects.filter(is_active=True, areas__area_code__in=codes).distinct().select_related("agency")


def unit_contacts(*, unit: Unit, on_call: bool | None = None) -> QuerySet[Contact]:
    """A unit's contacts, most important first; on_call=True gives who is alerted for an emergency."""
    contacts = unit.contacts.all()
    if on_call is not None:
        contacts = contacts.filter(on_call=on_call)
    return contacts.order_by("priority", "id")


def area_name(code: str, *, lang: str = "th") -> str | None:
    """The name of a province (2 digits) or district (4 digits) code, or None if geothai does not know it."""
    area: Any = None
    if len(code) == 2 and code.isdigit():
        area = geothai.province(code)
    elif len(code) == 4 and code.isdigit():
        area = geothai.district(code)
    if area is None:
        return None
    return str(area.name_en if lang == "en" else area.name_th)
