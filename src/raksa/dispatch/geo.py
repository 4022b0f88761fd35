"""Where a point is: the district (อำเภอ, or Bangkok's เขต) and province of a latitude and longitude, offline.

`point_area(latitude, longitude)` answers with DOPA codes (`district_code` "1001", `province_code` "10"), or
None. The rule:

- Numbers that are not finite, or outside -90..90 / -180..180, give None, as does anything not a number.
- A point inside one district's outline (its boundary included) is in that district, `snapped_m` 0.
- A point inside two or more outlines (neighbours overlap where the outlines were simplified) is in the one
  whose boundary is farthest from it: the one it lies deepest inside. Equal depths, which only happen on a
  shared edge, go to the lower district code, so the answer never depends on the order of the data.
- A point inside no outline is in the nearest district when that one is at most SNAP_METRES (550 m) away, and
  `snapped_m` says how far it was, rounded to the metre (at least 1). This closes the slivers the
  simplification left between neighbours (from the middle of the widest, an outline is about 410 m away) and
  takes in a pier or a beach the coarse coastline left out. Farther than that, at sea or abroad, the answer is
  None. Distances are on the sphere (mean Earth radius), to the outline's nearest point as drawn in degrees.

Known accuracy (bench/routing_accuracy.py, on 1,221 points that do not come from these outlines: 909
GeoNames positions of Thai towns named after their district, 92 of them within 3 km of another province, and
312 places abroad or at sea): the right district for 99.7% of the points in Thailand (906 of 909; in Bangkok,
whose เขต are small, 46 of 48), the right province for all 909, and none for 309 of the 312 outside (three Lao
towns on the Mekong bank, 249-531 m from a Thai outline, are snapped into Thailand). Those towns lie mostly
well inside their districts, so the figure flatters a caller's position: the outlines are off by up to a few
hundred metres, 4.3% of the land is within 250 m of a district boundary and 8.4% within 500 m, and there a
point may get the neighbouring district. Dispatch should treat the answer as "where to send first", never as a legal
finding, and let a call-taker correct it.

Data: `data/districts.geojson.gz`, built by scripts/build_districts.py from geoBoundaries gbOpen THA-ADM2
(OCHA's COD-AB for Thailand, Royal Thai Survey Department, 2019), licensed CC BY 3.0 IGO: the credit in
data/ATTRIBUTION.md must go with the data and with any map drawn from it.

The outlines are read once per process, on first use, under a lock, so threads asking together at start-up
load them once; `geo_warm()` loads them now, and a pre-forking server calls it before it forks so its
processes share them. A pure module: no Django, no database, no network.
"""

from __future__ import annotations

import gzip
import json
import math
import threading
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import numpy as np
import shapely

__all__ = ["SNAP_METRES", "PointArea", "geo_warm", "point_area"]

SNAP_METRES = 550.0
EARTH_RADIUS_METRES = 6_371_008.8
_METRES_PER_DEGREE = math.pi * EARTH_RADIUS_METRES / 180


@dataclass(frozen=True)
class PointArea:
    province_code: str
    district_code: str
    snapped_m: float  # 0 inside an outline; else how far the nearest district was, in metres


class _Districts:
    """The outlines with their codes and an STRtree over them.

    The outlines are not prepared (shapely.prepare): GEOS builds a prepared geometry's index lazily, on its
    first test, and not safely across threads, while shapely releases the GIL during array operations. With
    some 44 vertices per outline a plain point-in-polygon test is as fast anyway.
    """

    def __init__(self, codes: list[str], geometries: list[Any]) -> None:
        self.codes = codes
        self.geometries = np.array(geometries, dtype=object)
        self.boundaries = shapely.boundary(self.geometries)
        self.tree = shapely.STRtree(self.geometries)

    def find(self, latitude: float, longitude: float) -> PointArea | None:
        point = shapely.Point(longitude, latitude)
        candidates = self.tree.query(point)
        inside = candidates[shapely.intersects(self.geometries[candidates], point)]
        if len(inside):
            if len(inside) == 1:
                return self._area(int(inside[0]), 0.0)
            depths = [(-self._metres_to(self.boundaries[i], point), self.codes[i], int(i)) for i in inside]
            return self._area(min(depths)[2], 0.0)
        # A degree of longitude is shorter than one of latitude: search the wider radius, measure exactly.
        radius = SNAP_METRES / (_METRES_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
        near = self.tree.query(point, predicate="dwithin", distance=radius)
        if not len(near):
            return None
        metres, _code, index = min(
            (self._metres_to(self.geometries[i], point), self.codes[i], int(i)) for i in near
        )
        if metres > SNAP_METRES:
            return None
        return self._area(index, float(round(metres)) or 1.0)

    def _area(self, index: int, snapped_m: float) -> PointArea:
        code = self.codes[index]
        return PointArea(province_code=code[:2], district_code=code, snapped_m=snapped_m)

    @staticmethod
    def _metres_to(geometry: Any, point: Any) -> float:
        nearest = shapely.get_coordinates(shapely.shortest_line(geometry, point))[0]
        return _haversine_metres(point.y, point.x, float(nearest[1]), float(nearest[0]))


def _haversine_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(half)))


def _load() -> _Districts:
    raw = files("raksa.dispatch").joinpath("data", "districts.geojson.gz").read_bytes()
    collection = json.loads(gzip.decompress(raw))
    codes = [feature["properties"]["code"] for feature in collection["features"]]
    geometries = [shapely.geometry.shape(feature["geometry"]) for feature in collection["features"]]
    return _Districts(codes, geometries)


_districts: _Districts | None = None
_lock = threading.Lock()


def _get() -> _Districts:
    global _districts
    districts = _districts
    if districts is None:
        with _lock:
            if _districts is None:
                _districts = _load()
            districts = _districts
    return districts


def _coordinate(value: object, limit: float) -> float | None:
    if isinstance(value, str | bytes | bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


def point_area(latitude: float, longitude: float) -> PointArea | None:
    """The district and province of a point (WGS 84 degrees), by the rule in the module docstring, or None."""
    lat = _coordinate(latitude, 90.0)
    lon = _coordinate(longitude, 180.0)
    if lat is None or lon is None:
        return None
    return _get().find(lat, lon)


def geo_warm() -> None:
    """Load the district outlines now, not at the first lookup (a server calls it before it forks)."""
    _get()
