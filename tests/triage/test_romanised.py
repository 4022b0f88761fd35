"""Romanised Thai is read as the Thai words the lexicon knows, so the cues fire; English stays as written."""

from __future__ import annotations

import pytest

from raksa.triage import lexicon
from raksa.triage.classifier import classify_offline
from raksa.triage.normalize import normalize
from raksa.triage.romanised import parse_spellings, read_romanised, spellings
from raksa.triage.wordlists import WordListError


def _read(text: str) -> str:
    return read_romanised(normalize(text))


class RomanisedReaderTests:
    @pytest.mark.parametrize("spelling", ["chuay duay", "Chuay dua", "chuai duai", "chuayduay", "CHUAY DOAY"])
    def test_it_reads_each_spelling_of_a_call_for_help(self, spelling: str) -> None:
        assert _read(spelling) == "ช่วยด้วย"

    def test_it_joins_neighbouring_words_into_one_thai_run(self) -> None:
        assert _read("phua mao tee mae krub") == "ผัวเมาตีแม่ครับ"

    def test_it_reads_a_short_word_only_beside_a_sure_one(self) -> None:
        assert "มีด" in _read("chuay duay mee kon tue mid")
        assert _read("the mid term exams start on monday") == "the mid term exams start on monday"
        assert _read("i bought a tee shirt for my son") == "i bought a tee shirt for my son"

    @pytest.mark.parametrize(
        ("text", "thai"),
        [
            ("dek kang baan mai dai pai rong rian", "ข้างบ้าน"),  # next door, not confined
            ("kao ja ma ha tee baan chuay duay", "ที่บ้าน"),  # at home, not hit
            ("sami pai tam ngan tee korea laew", "ทำงานที่"),
            ("mai tor ma 2 duan laew chuay duay", "เดือน"),  # months, not urgent
        ],
    )
    def test_it_reads_the_words_that_are_spelt_like_danger(self, text: str, thai: str) -> None:
        read = _read(text)
        assert thai in read
        assert not lexicon.read(read).emergency

    def test_it_keeps_place_names_that_hold_a_word(self) -> None:
        assert (
            _read("my aunt lives in khon kaen, mae rim is far")
            == "my aunt lives in khon kaen, mae rim is far"
        )

    @pytest.mark.parametrize(
        "text",
        [
            "my husband hit me last week and i am staying with a friend",
            "someone high on yaba is attacking people at the night market",
            "https://example.com/ban/mid",
            "0812345678",
        ],
    )
    def test_it_leaves_english_alone(self, text: str) -> None:
        assert _read(text) == normalize(text)

    def test_it_lists_each_spelling_once(self) -> None:
        table = spellings()
        assert len(table) >= 150
        assert {s.thai for s in table.values()} >= {"ช่วยด้วย", "มีด", "ขัง", "ตี", "เมา", "บ้า", "แข่งรถ"}

    def test_it_maps_emergency_words_to_cues_the_lexicon_knows(self) -> None:
        cues = {p for phrases in lexicon.EMERGENCY_CUES.values() for p in phrases}
        cues |= set(lexicon.HELP_CALLS)
        for thai in ("ช่วยด้วย", "ถือมีด", "โดนขัง", "ขังไว้", "ลวนลาม", "อาละวาด", "แข่งรถ", "เด็กแว้น", "ข่มขืน"):
            assert thai in cues, thai

    def test_it_refuses_a_spelling_listed_twice(self) -> None:
        with pytest.raises(WordListError, match="chuay"):
            parse_spellings("ช่วย = chuay\nช่วยด้วย = chuay duay, chuay\n", "test.txt")

    def test_it_refuses_a_line_without_thai(self) -> None:
        with pytest.raises(WordListError, match="line 1"):
            parse_spellings("= chuay\n", "test.txt")


class RomanisedTriageTests:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("chuay duay mee kon tue meed yu na baan", "threat"),
            ("dohn khang yoo nai hong ok mai dai chuay duay", "detention"),
            ("mee kon luan lam nai rot tu chuay duay ka", "abuse_risk"),
            ("sami mao lao alawat ton nee klua mak", "frenzy"),
            ("mee dek waen kaeng rot na baan tuk keun ton nee", "gathering"),
        ],
    )
    def test_its_cues_fire_on_a_romanised_emergency(self, text: str, expected: str) -> None:
        result = classify_offline(text)
        assert result.emergency_type == expected, result
        assert result.evidence

    def test_a_romanised_request_without_danger_is_no_emergency(self) -> None:
        result = classify_offline("mai mee ngern sue nom hai luk krub, phom tok ngan")
        assert result.emergency_type is None
