"""Which agency and unit should answer a report: a pure table read from the packaged directory.json.

No Django imports: triage (a pure library) and the case services both call this, and the same rule must give the
same answer with or without a database.

The rule, each step pinned by tests/directory/test_routing_table.py: an emergency goes to the province's
rapid-response unit (rru-PP). Anything else goes to the category's agency (the file's `routing` section): its
unit serving the district, then its unit serving the province, then the province's social development office
(pso-PP, which handles every category locally), then the agency's headquarters. Without a province it goes to
the agency's headquarters (the 1300 centre for "other").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

CENTRE_AGENCY = "centre"
CENTRE_UNIT = "centre-1300"
FALLBACK_CATEGORY = "other"
# Units of these kinds never own a non-emergency case: a rapid-response team is for the five emergencies.
_EMERGENCY_ONLY_KINDS = frozenset({"rapid_response"})


@dataclass(frozen=True)
class Route:
    agency_code: str
    unit_code: str | None
    reason: str


@dataclass(frozen=True)
class _Unit:
    code: str
    agency: str
    kind: str
    province_code: str
    areas: tuple[str, ...]


class RoutingTable:
    """Agencies, units and the category -> agency rules, indexed for constant-time look-ups."""

    def __init__(self, agencies: Iterable[str], units: Iterable[_Unit], rules: Mapping[str, str]) -> None:
        self._agencies = frozenset(agencies)
        self._units: dict[str, _Unit] = {}
        # (agency, area code) -> units in file order, so the first listed unit wins a tie.
        self._by_agency_area: dict[tuple[str, str], list[_Unit]] = {}
        self._hq: dict[str, str] = {}
        for unit in units:
            self._units[unit.code] = unit
            for area in unit.areas:
                self._by_agency_area.setdefault((unit.agency, area), []).append(unit)
            if unit.kind in ("headquarters", "centre") and not unit.province_code:
                self._hq.setdefault(unit.agency, unit.code)
        self._rules = dict(rules)

    @classmethod
    def from_rows(
        cls,
        agencies: Iterable[Mapping[str, Any]],
        units: Iterable[Mapping[str, Any]],
        routing: Iterable[Mapping[str, Any]],
    ) -> RoutingTable:
        """Build from lists of dicts shaped like directory.json's "agencies", "units" and "routing"."""
        return cls(
            agencies=(str(a["code"]) for a in agencies),
            units=(
                _Unit(
                    code=str(u["code"]),
                    agency=str(u["agency"]),
                    kind=str(u.get("kind", "")),
                    province_code=str(u.get("province_code", "") or ""),
                    areas=tuple(str(a) for a in u.get("areas", ())),
                )
                for u in units
            ),
            rules={str(r["category"]): str(r["agency"]) for r in routing},
        )

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> RoutingTable:
        if path is None:
            text = files("raksa.directory").joinpath("data", "directory.json").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text)
        return cls.from_rows(data.get("agencies", ()), data.get("units", ()), data.get("routing", ()))

    def agency_for(self, category: str) -> str:
        agency = self._rules.get(category) or self._rules.get(FALLBACK_CATEGORY) or CENTRE_AGENCY
        return agency

    def headquarters(self, agency: str) -> str | None:
        if agency in self._hq:
            return self._hq[agency]
        code = CENTRE_UNIT if agency == CENTRE_AGENCY else f"{agency}-hq"
        return code if code in self._units else None

    def _serving(self, agency: str, area: str) -> _Unit | None:
        for unit in self._by_agency_area.get((agency, area), ()):
            if unit.kind not in _EMERGENCY_ONLY_KINDS:
                return unit
        return None

    def suggest(
        self,
        category: str,
        province_code: str | None = None,
        district_code: str | None = None,
        emergency: bool = False,
    ) -> Route:
        province = province_code or (district_code[:2] if district_code else None)
        if emergency:
            if province and f"rru-{province}" in self._units:
                return Route(
                    CENTRE_AGENCY, f"rru-{province}", f"emergency: rapid-response unit of {province}"
                )
            return Route(CENTRE_AGENCY, self.headquarters(CENTRE_AGENCY), "emergency: no province known")

        agency = self.agency_for(category)
        rule = f"{category} -> {agency}"
        if province:
            if district_code:
                unit = self._serving(agency, district_code)
                if unit is not None:
                    return Route(agency, unit.code, f"{rule}: unit serving district {district_code}")
            unit = self._serving(agency, province)
            if unit is not None:
                return Route(agency, unit.code, f"{rule}: unit serving province {province}")
            if f"pso-{province}" in self._units:
                return Route(agency, f"pso-{province}", f"{rule}: provincial office of {province}")
            return Route(agency, self.headquarters(agency), f"{rule}: no unit in province {province}")
        return Route(agency, self.headquarters(agency), f"{rule}: no province known")
