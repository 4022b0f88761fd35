"""The lexicon's dialect forms: northern (คำเมือง), Isan and southern emergency words read as their central
Thai cues are. Examples written for these tests, one set per dialect; the figures on such reports come from a
sealed set, not from here."""

from __future__ import annotations

import pytest

from raksa.triage import triage
from raksa.triage.classifier import normalize_for_model
from raksa.triage.lexicon import read


def live_labels(text: str) -> set[str]:
    return {c.label for c in read(normalize_for_model(text)).emergency if c.live}


class NorthernTests:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("จ้วยกำเจ้า ป้อเมาเหล้ามาตุ๊บแม่ ยามนี้ยังบ่หยุด", "threat"),
            ("ลูกชายเมาแล้วฮ้าย ห้ามบ่อยู่ ทุบข้าวของในเฮือน", "frenzy"),
            ("ผัวขังข้าเจ้าไว้ในห้อง บ่หื้อออกไปไหนเลย", "detention"),
            ("มันขู่ว่าจะฆ่าหื้อต๋ายคืนนี้", "threat"),
        ],
    )
    def test_it_reads_northern_emergencies(self, text: str, expected: str) -> None:
        assert expected in live_labels(text)
        assert triage(text).urgency == "emergency"

    def test_it_reads_a_northern_call_for_help(self) -> None:
        assert read(normalize_for_model("มาจ้วยกำ")).help_call


class IsanTests:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("ซ่อยแด่ อีพ่อเมาเหล้ามาตีอีแม่ ตอนนี่ยังตีอยู่", "threat"),
            ("ผัวสิฆ่าข่อย ถือพร้าอยู่หน้าเฮือน", "threat"),
            ("อ้ายเมาบ้า เว้าบ่รู้เรื่อง ไล่ทุบของในบ้าน", "frenzy"),
            ("นายจ้างขังข่อยไว้ บ่ให้ไปไส", "detention"),
        ],
    )
    def test_it_reads_isan_emergencies(self, text: str, expected: str) -> None:
        assert expected in live_labels(text)
        assert triage(text).urgency == "emergency"

    def test_it_reads_an_isan_call_for_help(self) -> None:
        assert read(normalize_for_model("ช่อยแด่")).help_call

    def test_it_reads_an_isan_denial_as_a_denial(self) -> None:
        result = triage("บ่มีไผขังข่อยดอก อยากถามเรื่องเบี้ยผู้สูงอายุ")
        assert result.emergency_type is None


class SouthernTests:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("ช่วยแหน่ พ่อเมาแล้วบ้า ถือมีดไล่ตีแม่อยู่หวางนี้", "threat"),
            ("ลูกชายเมาแล้วอาละวาด แหลงไม่รู้เรื่อง ทุบกระจกบ้าน", "frenzy"),
            ("ผัวเมาซัดแม่หนิ หวางนี้ยังตีอยู่", "threat"),
        ],
    )
    def test_it_reads_southern_emergencies(self, text: str, expected: str) -> None:
        assert expected in live_labels(text)
        assert triage(text).urgency == "emergency"

    def test_it_reads_a_southern_call_for_help(self) -> None:
        assert read(normalize_for_model("ช่วยแหน่")).help_call


class MatchingTests:
    """The cue matcher (one trie-shaped regex) keeps the rules of a longest-first alternation."""

    def test_it_takes_the_longest_phrase(self) -> None:
        phrases = [c.phrase for c in read("มันขู่จะฆ่าหนู").emergency]
        assert phrases == ["ขู่จะฆ่า"]

    def test_an_english_cue_starts_a_word_and_a_short_one_ends_it(self) -> None:
        assert not [c for c in read("the police came").emergency if c.phrase == "ice"]
        assert not [c for c in read("it has begun").emergency if c.phrase.startswith("gun")]
        assert [c.phrase for c in read("two guns in the car").emergency if c.label == "threat"] == ["guns"]


class MindAndDemandTests:
    def test_it_reads_a_mind_out_of_reach(self) -> None:
        assert read(normalize_for_model("พ่อเมาแล้วตีแม่")).mind
        assert read(normalize_for_model("my brother is high on meth")).mind
        assert not read(normalize_for_model("พ่อถือมีดขู่แม่")).mind

    def test_it_does_not_read_a_drunken_past_as_a_mind_out_of_reach_now(self) -> None:
        assert not read(normalize_for_model("เมื่อปีที่แล้ว พ่อเคยเมาแล้วอาละวาด")).mind

    def test_it_reads_money_demanded(self) -> None:
        assert read(normalize_for_model("ขู่ว่าถ้าไม่จ่ายจะเผาร้าน")).demand
        assert not read(normalize_for_model("ขอเงินสงเคราะห์บุตร")).demand


class LocalPastTests:
    def test_it_reads_a_cue_beside_its_own_past_as_past_in_a_story_told_now(self) -> None:
        reading = read(normalize_for_model("ตอนเด็กผมเคยถูกน้าขังไว้ในห้องเก็บของ ตอนนี้ผมทำงานแล้ว อยากขอใบประวัติ"))
        assert reading.emergency and not any(c.live for c in reading.emergency)

    def test_it_keeps_a_cue_with_now_beside_it_live(self) -> None:
        reading = read(normalize_for_model("เคยถูกขังมาแล้วครั้งนึง ตอนนี้ถูกขังอีกแล้ว"))
        assert any(c.live and c.label == "detention" for c in reading.emergency)

    def test_it_does_not_take_an_orphan_for_a_machete(self) -> None:
        assert not read(normalize_for_model("ขอเงินอุดหนุนเด็กกำพร้าค่ะ")).emergency
