"""Police stations and hospitals: the hand-written list is real places, the derived names resolve."""

from __future__ import annotations

import json
from pathlib import Path

import geothai
import pytest

from raksa.triage.gazetteer import KINDS, read_gazetteer
from raksa.triage.places import find_places
from raksa.triage.wordlists import WordListError, data_file


def places(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found = find_places(text)
    return found.province_codes, found.district_codes


class HandWrittenListTests:
    def test_each_entry_is_a_real_district_of_its_province_in_geothai(self) -> None:
        data = read_gazetteer(data_file("gazetteer.json"))
        for kind in KINDS:
            for record in data[kind]:
                names = {d.name_th.removeprefix("เขต") for d in geothai.districts(record["province"])}
                assert record["district"] in names, (kind, record)

    def test_it_says_where_it_comes_from(self) -> None:
        comment = read_gazetteer(data_file("gazetteer.json"))["_comment"]
        assert "geothai" in comment and "by hand" in comment

    def test_it_refuses_a_name_given_twice_in_one_list(self, tmp_path: Path) -> None:
        record = {"names": ["สวนปรุง"], "province": "50", "district": "เมืองเชียงใหม่"}
        data = {"stations": [], "metropolitan_stations": [], "hospitals": [record, record], "ambiguous": []}
        path = tmp_path / "gazetteer.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(WordListError, match="สวนปรุง"):
            read_gazetteer(path)


class StationTests:
    def test_it_reads_a_provincial_station_named_after_its_district(self) -> None:
        assert places("แจ้งความที่สภ.บ้านไผ่แล้วค่ะ") == (("40",), ("4010",))
        assert places("สถานีตำรวจภูธรบ้านไผ่") == (("40",), ("4010",))
        assert places("สภ.เมืองขอนแก่น") == (("40",), ("4001",))

    def test_it_reads_a_provincial_station_named_after_its_subdistrict(self) -> None:
        found = find_places("ไปลงบันทึกประจำวันที่ สภ.คอหงส์")
        assert found.province_codes == ("90",)
        assert found.subdistrict_codes == ("901104",)

    def test_a_metropolitan_station_is_in_bangkok(self) -> None:
        assert places("สน.จอมทอง") == (("10",), ("1035",))
        assert places("สน.ลุมพินี")[0] == ("10",)
        assert places("สน.ทองหล่อ") == (("10",), ("1039",))
        # A name geothai has not got still says Bangkok.
        assert places("สน.ประชาชื่น")[0] == ("10",)

    def test_a_provincial_station_is_outside_bangkok(self) -> None:
        assert places("สภ.จอมทอง") == (("50",), ("5002",))

    def test_it_reads_a_station_whose_name_is_not_its_place(self) -> None:
        assert places("สภ.ภูพิงคราชนิเวศน์") == (("50",), ("5001",))
        assert places("สภ.เมืองพัทยา") == (("20",), ("2004",))

    def test_it_needs_the_province_for_a_name_found_in_several(self) -> None:
        assert places("สภ.ในเมือง") == ((), ())
        assert places("สภ.ในเมือง จ.บุรีรัมย์") == (("31",), ("3101",))


class HospitalTests:
    def test_it_reads_hospitals_whose_names_are_not_their_place(self) -> None:
        assert places("ลูกเคยรักษาที่รพ.สวนปรุง") == (("50",), ("5001",))
        assert places("โรงพยาบาลศรีธัญญา") == (("12",), ("1201",))
        assert places("รพ.จิตเวชขอนแก่นราชนครินทร์") == (("40",), ("4001",))
        assert places("รพ.พระศรีมหาโพธิ์")[0] == ("34",)
        assert places("รพ.ตากสิน") == (("10",), ("1018",))

    def test_it_reads_a_community_hospital_named_after_its_district(self) -> None:
        assert places("โรงพยาบาลบ้านไผ่ค่ะ") == (("40",), ("4010",))
        assert places("รพ.เลย")[0] == ("42",)

    def test_it_reads_no_place_from_words_that_are_not_names(self) -> None:
        for text in ("ส่งตัวไปรพ.แล้ว", "ไปรพ.ใกล้บ้าน", "รพ.สต.บ้านหนองบัว", "รพ.สิรินธร", "สภ.ว่าไง"):
            assert places(text)[0] == (), text
        # "แสน โดน" holds "สน " (a metropolitan station) only inside a word.
        assert places("หนี้สามแสน โดนฟ้องแล้ว")[0] == ()

    def test_a_name_shared_by_many_hospitals_leaves_the_place_to_what_follows(self) -> None:
        assert places("รพ.สมเด็จพระยุพราชสว่างแดนดิน")[0] == ("47",)
        assert places("รพ.สมเด็จพระเจ้าตากสินมหาราช")[0] == ("63",)
