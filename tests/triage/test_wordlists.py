"""The curated data files triage reads: the shipped ones load, and a duplicate is refused by name and file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from raksa.triage import lexicon
from raksa.triage.places import find_places, read_places
from raksa.triage.wordlists import WordListError, data_file, read_json, read_word_lists


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def place(names: list[str], province: str = "10") -> dict:
    return {"names": names, "province": province, "district": "", "subdistrict": "", "mode": "bare"}


class ShippedFilesTests:
    def test_it_loads_the_lexicon(self) -> None:
        assert set(lexicon.EMERGENCY_CUES) == {"threat", "detention", "abuse_risk", "frenzy", "gathering"}
        assert all(lexicon.EMERGENCY_CUES.values()) and all(lexicon.CATEGORY_CUES.values())
        assert "ถือมีด" in lexicon.STRONG_CUES["threat"]
        assert "not " in lexicon.NEGATIONS  # a quoted phrase keeps its space
        assert lexicon.CUE_WEIGHTS["threat"]["ขู่ฆ่า"] == 2

    def test_it_loads_the_place_lists_and_records(self) -> None:
        lists = read_word_lists(data_file("places.txt"))
        assert "หาดใหญ่" in lists.phrases("well_known_districts")
        data = read_places(data_file("places.json"))
        assert data["short_province_names"]["english"]["korat"] == "30"
        assert find_places("ไปเที่ยวพัทยา").province_codes == ("20",)


class WordListTests:
    def test_it_refuses_a_phrase_listed_twice_in_one_section(self, tmp_path: Path) -> None:
        path = write(tmp_path / "lexicon.txt", "[emergency.threat]\nขู่ฆ่า\nถือมีด\n# again\nขู่ฆ่า\n")
        with pytest.raises(WordListError) as caught:
            read_word_lists(path)
        message = str(caught.value)
        assert "ขู่ฆ่า" in message and str(path) in message and "[emergency.threat]" in message
        assert "lines 2 and 5" in message

    def test_it_lets_one_phrase_serve_two_sections(self, tmp_path: Path) -> None:
        lists = read_word_lists(
            write(tmp_path / "l.txt", "[emergency.detention]\nจับตัว\n[emergency.abuse_risk]\nจับตัว\n")
        )
        assert lists.phrases("emergency.detention") == lists.phrases("emergency.abuse_risk") == ("จับตัว",)

    def test_it_refuses_a_section_given_twice(self, tmp_path: Path) -> None:
        with pytest.raises(WordListError, match=r"\[negations\] appears twice"):
            read_word_lists(write(tmp_path / "l.txt", "[negations]\nไม่ได้\n[negations]\nไม่มี\n"))

    def test_it_refuses_a_phrase_outside_any_section(self, tmp_path: Path) -> None:
        with pytest.raises(WordListError, match="before any"):
            read_word_lists(write(tmp_path / "l.txt", "# comment\nไม่ได้\n[negations]\n"))

    def test_it_reads_quoted_phrases_and_weights(self, tmp_path: Path) -> None:
        lists = read_word_lists(write(tmp_path / "l.txt", '[category.drugs]\n"ice "\nยาบ้า *2\n"ex " *3\n'))
        drugs = lists.weighted("category.drugs")
        assert drugs.phrases == ("ice ", "ยาบ้า", "ex ")
        assert dict(drugs.weights) == {"ยาบ้า": 2, "ex ": 3}

    def test_it_refuses_a_weight_where_none_counts(self, tmp_path: Path) -> None:
        lists = read_word_lists(write(tmp_path / "l.txt", "[help_calls]\nช่วยด้วย *2\n"))
        with pytest.raises(WordListError, match="ช่วยด้วย"):
            lists.phrases("help_calls")

    def test_it_refuses_a_misspelt_section(self, tmp_path: Path) -> None:
        lists = read_word_lists(write(tmp_path / "l.txt", "[negation]\nไม่ได้\n"))
        with pytest.raises(WordListError, match="negation"):
            lists.expect(["negations"])


class JsonFileTests:
    def test_it_refuses_a_key_given_twice(self, tmp_path: Path) -> None:
        path = write(tmp_path / "places.json", '{"bare": {"โคราช": "30", "โคราช": "31"}}')
        with pytest.raises(WordListError) as caught:
            read_json(path)
        assert "โคราช" in str(caught.value) and str(path) in str(caught.value)

    def test_it_refuses_a_string_given_twice_in_one_list(self, tmp_path: Path) -> None:
        with pytest.raises(WordListError, match="ถนนเพชรบุรี"):
            read_json(write(tmp_path / "p.json", '{"roads": ["ถนนเพชรบุรี", "ถนนเพชรบุรี"]}'))

    def test_it_refuses_a_place_name_given_to_two_places(self, tmp_path: Path) -> None:
        data = {
            "short_province_names": {"bare": {"โคราช": "30"}},
            "places": [place(["งามวงศ์วาน", "kasetsart"]), place(["เมืองทองธานี", "งามวงศ์วาน"], "12")],
        }
        path = write(tmp_path / "places.json", json.dumps(data, ensure_ascii=False))
        with pytest.raises(WordListError) as caught:
            read_places(path)
        assert "งามวงศ์วาน" in str(caught.value) and str(path) in str(caught.value)

    def test_it_refuses_a_place_named_like_a_short_province_name(self, tmp_path: Path) -> None:
        data = {"short_province_names": {"bare": {"โคราช": "30"}}, "places": [place(["โคราช"], "30")]}
        with pytest.raises(WordListError, match="โคราช"):
            read_places(write(tmp_path / "places.json", json.dumps(data, ensure_ascii=False)))

    def test_it_counts_a_spaced_name_and_its_joined_spelling_as_one(self, tmp_path: Path) -> None:
        data = {"short_province_names": {}, "places": [place(["พระราม 9", "พระราม9"])]}
        with pytest.raises(WordListError, match="พระราม9"):
            read_places(write(tmp_path / "places.json", json.dumps(data, ensure_ascii=False)))
