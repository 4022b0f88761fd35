"""raksa.dispatch.geo: known places, the sea, abroad, bad input, the packaged data, and loading it once."""

from __future__ import annotations

import csv
import gzip
import json
import math
import random
import threading
from collections import Counter
from importlib.resources import files
from pathlib import Path
from unittest import mock

import geothai
import pytest
import shapely

from raksa.dispatch import geo

KNOWN_POINTS = Path(__file__).parent / "data" / "known_points.csv"


def district(latitude, longitude):
    area = geo.point_area(latitude, longitude)
    return area.district_code if area else None


def packaged_features():
    raw = files("raksa.dispatch").joinpath("data", "districts.geojson.gz").read_bytes()
    return json.loads(gzip.decompress(raw))["features"]


class PointAreaTests:
    def test_it_finds_known_places_across_the_country(self):
        places = {
            "Grand Palace, Bangkok": (13.7500, 100.4913, "1001"),
            "Chiang Mai provincial hall": (18.8372, 98.9700, "5001"),
            "Hat Yai": (7.0084, 100.4747, "9011"),
            "Nathon, Ko Samui": (9.5330, 99.9360, "8404"),
            "Chaweng, Ko Samui": (9.5300, 100.0600, "8404"),
            "Suvarnabhumi airport": (13.6900, 100.7501, "1103"),
            "Khon Kaen city": (16.4322, 102.8236, "4001"),
            "Phuket Town": (7.8804, 98.3923, "8301"),
            "Pattaya": (12.9236, 100.8825, "2004"),
            "Ubon Ratchathani city": (15.2287, 104.8564, "3401"),
            "Betong": (5.7730, 101.0720, "9502"),
            "Mae Sai": (20.4330, 99.8760, "5709"),
        }
        for name, (latitude, longitude, code) in places.items():
            assert district(latitude, longitude) == code, name

    def test_it_names_the_province_of_the_district(self):
        area = geo.point_area(18.8372, 98.9700)
        assert area == geo.PointArea(province_code="50", district_code="5001", snapped_m=0.0)

    def test_it_finds_bangkok_khet(self):
        assert district(13.7999, 100.5500) == "1030"  # Chatuchak weekend market
        assert district(13.7649, 100.5383) == "1037"  # Victory Monument, Ratchathewi
        assert district(13.7462, 100.5347) == "1007"  # Siam, Pathum Wan

    def test_it_answers_none_at_sea(self):
        assert geo.point_area(12.0, 101.0) is None  # Gulf of Thailand
        assert geo.point_area(8.0, 97.8) is None  # Andaman Sea, west of Phuket

    def test_it_answers_none_abroad(self):
        assert geo.point_area(17.9757, 102.6331) is None  # Vientiane
        assert geo.point_area(11.5564, 104.9282) is None  # Phnom Penh
        assert geo.point_area(16.8409, 96.1735) is None  # Yangon
        assert geo.point_area(3.1390, 101.6869) is None  # Kuala Lumpur

    def test_it_answers_none_for_numbers_that_are_no_position(self):
        for latitude, longitude in [
            (math.nan, 100.5),
            (13.75, math.nan),
            (math.inf, 100.5),
            (13.75, -math.inf),
            (91.0, 100.5),
            (-90.5, 100.5),
            (13.75, 180.5),
        ]:
            assert geo.point_area(latitude, longitude) is None, (latitude, longitude)

    def test_it_answers_none_for_what_is_not_a_number(self):
        for value in ("13.75", None, True, b"13.75", [13.75]):
            assert geo.point_area(value, 100.4913) is None, value  # type: ignore[arg-type]

    def test_it_takes_integers_and_decimals(self):
        from decimal import Decimal

        assert district(Decimal("13.7500"), Decimal("100.4913")) == "1001"
        assert geo.point_area(13, 101) is not None

    def test_it_snaps_a_point_just_off_the_coast_and_says_how_far(self):
        area = geo.point_area(7.895, 98.29)  # in Patong bay, just off the beach
        assert area is not None
        assert area.district_code == "8302"  # Kathu, Phuket
        assert 0 < area.snapped_m <= geo.SNAP_METRES

    def test_it_never_snaps_beyond_the_snap_distance(self):
        # Walk west from the same beach: the answer stops where the snap distance ends, never beyond it.
        last = None
        for step in range(40):
            area = geo.point_area(7.895, 98.29 - step * 0.0005)
            if area is None:
                break
            assert area.snapped_m <= geo.SNAP_METRES
            last = area
        assert area is None and last is not None

    def test_it_gives_an_overlap_to_the_district_the_point_lies_deepest_in(self):
        # Two overlapping squares: the point is 0.8 inside the first and 0.2 inside the second.
        first = shapely.box(100.0, 10.0, 100.02, 10.02)
        second = shapely.box(100.01, 10.0, 100.03, 10.02)
        for codes, outlines in ((["1001", "1002"], [first, second]), (["1002", "1001"], [second, first])):
            index = geo._Districts(codes, outlines)
            area = index.find(10.01, 100.012)
            assert area is not None and area.district_code == "1001"

    def test_it_resolves_real_overlaps_whatever_the_order_of_the_data(self):
        features = packaged_features()
        codes = [f["properties"]["code"] for f in features]
        outlines = [shapely.geometry.shape(f["geometry"]) for f in features]
        forward = geo._Districts(codes, outlines)
        backward = geo._Districts(codes[::-1], outlines[::-1])
        # Huai Khwang and Din Daeng overlap here.
        latitude, longitude = 13.78599, 100.57289
        point = shapely.Point(longitude, latitude)
        containing = sorted(c for c, g in zip(codes, outlines, strict=True) if g.intersects(point))
        assert containing == ["1017", "1026"]
        assert forward.find(latitude, longitude) == backward.find(latitude, longitude)
        assert forward.find(latitude, longitude) == geo.point_area(latitude, longitude)

    def test_it_keeps_the_known_points_right(self):
        # bench/routing_accuracy.py prints the details; this guards a rebuilt data file against a regression.
        with KNOWN_POINTS.open(encoding="utf-8", newline="") as fh:
            points = list(csv.DictReader(fh))
        assert len(points) > 1000
        right = sum(
            (district(float(p["latitude"]), float(p["longitude"])) or "") == p["expected_district_code"]
            for p in points
        )
        assert right / len(points) >= 0.99


class DistrictDataTests:
    def test_it_has_every_geothai_district_exactly_once(self):
        features = packaged_features()
        codes = Counter(f["properties"]["code"] for f in features)
        expected = {d.code for p in geothai.provinces() for d in geothai.districts(p.code)}
        assert len(expected) == 928
        assert set(codes) == expected
        assert set(codes.values()) == {1}

    def test_it_gives_each_district_its_province_and_a_valid_outline(self):
        for feature in packaged_features():
            properties = feature["properties"]
            assert set(properties) == {"code", "province_code"}
            assert properties["province_code"] == properties["code"][:2]
            outline = shapely.geometry.shape(feature["geometry"])
            assert outline.geom_type in ("Polygon", "MultiPolygon") and outline.is_valid, properties["code"]

    def test_it_ships_the_attribution_the_licence_requires(self):
        text = files("raksa.dispatch").joinpath("data", "ATTRIBUTION.md").read_text(encoding="utf-8")
        assert "geoBoundaries" in text
        assert "CC BY 3.0 IGO" in text
        assert "Royal Thai Survey Department" in text


class LoadingTests:
    @pytest.fixture
    def counted_loads(self):
        """A process that has not loaded the outlines yet, with a count of how often they are loaded."""
        loads = []
        real_load = geo._load

        def counted_load():
            loads.append(threading.get_ident())
            return real_load()

        with mock.patch.object(geo, "_districts", None), mock.patch.object(geo, "_load", counted_load):
            yield loads

    def test_it_loads_once_when_the_first_calls_come_together(self, counted_loads):
        threads_n = 8
        # Every thread is running before anyone may load: the loading lock is held until all have passed the
        # barrier, so they meet it at once instead of one after another.
        barrier = threading.Barrier(threads_n + 1)
        answers = []

        def ask():
            barrier.wait()
            answers.append(geo.point_area(13.7500, 100.4913))

        threads = [threading.Thread(target=ask) for _ in range(threads_n)]
        with geo._lock:
            for thread in threads:
                thread.start()
            barrier.wait()
        for thread in threads:
            thread.join(timeout=30)
        assert len(counted_loads) == 1
        assert [a.district_code if a else None for a in answers] == ["1001"] * threads_n

    def test_it_answers_threads_asking_together_as_it_answers_one(self):
        rng = random.Random(7)
        points = [(rng.uniform(5.6, 20.5), rng.uniform(97.3, 105.7)) for _ in range(1500)]
        # The threads meet a freshly loaded index first; one thread alone asks afterwards.
        with mock.patch.object(geo, "_districts", None):
            threads_n = 6
            barrier = threading.Barrier(threads_n)
            answers: dict[int, list] = {}

            def ask(n):
                barrier.wait()
                answers[n] = [geo.point_area(*point) for point in points]

            threads = [threading.Thread(target=ask, args=(n,)) for n in range(threads_n)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            alone = [geo.point_area(*point) for point in points]
        assert sum(a is not None for a in alone) > 300
        assert all(answers[n] == alone for n in range(threads_n))

    def test_it_loads_nothing_at_the_first_lookup_after_warming(self, counted_loads):
        geo.geo_warm()
        assert len(counted_loads) == 1
        assert district(16.4322, 102.8236) == "4001"
        geo.geo_warm()
        assert len(counted_loads) == 1

    def test_it_loads_nothing_at_import_or_for_bad_input(self, counted_loads):
        assert geo.point_area(math.nan, 100.0) is None
        assert counted_loads == []
