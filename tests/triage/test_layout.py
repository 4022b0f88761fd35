"""Thai typed with the keyboard in English layout is read as the Thai that was meant; nothing else is touched."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pythainlp.util import thai_to_eng

from raksa.triage.classifier import classify_offline
from raksa.triage.layout import read_layout


class LayoutReaderTests:
    @pytest.mark.parametrize(
        "thai",
        [
            "ช่วยด้วย",
            "ผัวเมาตีแม่ ช่วยด้วยค่ะ",
            "มีคนถือมีดอยู่หน้าบ้าน",
            "โดนขังอยู่ในห้อง ออกไม่ได้",
        ],
    )
    def test_it_reads_thai_typed_on_latin_keys(self, thai: str) -> None:
        assert read_layout(thai_to_eng(thai)) == thai

    def test_it_reads_a_word_with_a_number_typed_inside_it(self) -> None:
        # Digits typed in the middle of a Thai word ("อายุ13ขวบ") stay digits; the Thai around them is read.
        keys = thai_to_eng("ลูกสาวอายุ") + "13" + thai_to_eng("ขวบ")
        assert read_layout(keys) == "ลูกสาวอายุ13ขวบ"
        # Digit keys that are letters in a word stay letters: ค is on the 8 key.
        assert read_layout(thai_to_eng("บุคคลนี้ ช่วยด้วย")) == "บุคคลนี้ ช่วยด้วย"
        assert read_layout("i have 4g data on my phone") == "i have 4g data on my phone"

    def test_it_keeps_a_stretched_word_and_closing_marks(self) -> None:
        assert read_layout(thai_to_eng("ช่วยด้วยยยย") + "!!") == "ช่วยด้วยยยย!!"

    def test_it_reads_the_latin_part_of_a_mixed_message(self) -> None:
        typed = "ช่วยด้วย " + thai_to_eng("มีคนถือมีดอยู่หน้าบ้าน") + " 0812345678"
        assert read_layout(typed) == "ช่วยด้วย มีคนถือมีดอยู่หน้าบ้าน 0812345678"

    def test_it_reads_a_run_beside_an_english_word(self) -> None:
        assert read_layout("help " + thai_to_eng("ช่วยด้วย")) == "help ช่วยด้วย"

    @pytest.mark.parametrize(
        "text",
        [
            "My neighbour is shouting again, please send someone tonight.",
            "he shouts a lo,t and i want counselling",
            "https://www.facebook.com/share/p/1AbC9xYz/",
            "abc.def@gmail.com",
            "081-234-5678",
            "+66 81 234 5678",
            "โทร 0812345678 นะคะ",
            "ok",
            "chuay duay mee kon tue meed",
            "mao laew tee mae",
            "my niece chats with someone on TikTok every night",
            "LINE ID: somchai_88",
            "ขอบคุณค่ะ 555",
        ],
    )
    def test_it_leaves_english_romanised_thai_addresses_and_numbers_alone(self, text: str) -> None:
        assert read_layout(text) == text

    def test_it_lets_the_cues_of_a_mislayouted_message_fire(self) -> None:
        result = classify_offline(thai_to_eng("ช่วยด้วย มีคนถือมีดจะฆ่าแม่อยู่หน้าบ้าน"))
        assert result.emergency_type == "threat"
        assert any("มีด" in phrase for phrase in result.evidence)


OFFLINE_PROBE = """
import socket

def refuse(*args, **kwargs):
    raise OSError("no network at run time")

socket.socket = refuse
socket.create_connection = refuse
from raksa.triage import triage
for text in ("=j;pfh;p ,u8o5nv,ufvp^jsohk[hko", "chuay duay phua mao tee mae", "ถ้ามีคนขู่ ต้องโทรหาใคร"):
    triage(text)
print("offline")
"""


class OfflineTests:
    def test_the_readers_need_no_network(self) -> None:
        out = subprocess.run(
            [sys.executable, "-c", OFFLINE_PROBE], capture_output=True, text=True, timeout=120
        )
        assert (out.returncode, out.stdout.strip()) == (0, "offline"), out.stderr


class LayoutEntitiesTests:
    def test_it_finds_the_place_of_a_mislayouted_report_and_keeps_its_phone(self) -> None:
        from raksa.triage import triage

        typed = thai_to_eng("ช่วยด้วย ผัวถือมีด บ้านอยู่ อำเภอสันทราย จังหวัดเชียงใหม่") + " 081-234-5678"
        result = triage(typed)
        assert result.emergency_type == "threat"
        assert result.entities.province_codes == ("50",)
        assert result.entities.phones == ("0812345678",)
