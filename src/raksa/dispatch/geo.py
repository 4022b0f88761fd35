"""Placeholder until the district boundaries land: no point is placed, so routing uses the address codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PointArea:
    province_code: str
    district_code: str
    snapped_m: float = 0.0


def point_area(latitude: float, longitude: float) -> PointArea | None:
    return None


def geo_warm() -> None:
    return None
