"""False alarms: a question about procedure, a joke, a game or a film, a blanket denial lower the emergency
reading, but never when a clause outside the frame says danger is happening now."""

from __future__ import annotations

import pytest

from raksa.triage.classifier import classify_offline
from raksa.triage.hypothetical import read_frame
from raksa.triage.lexicon import read
from raksa.triage.normalize import normalize


def _frame_kind(text: str) -> str | None:
    normalized = normalize(text)
    frame = read_frame(normalized, read(normalized))
    return frame.kind if frame else None


class FrameReaderTests:
    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("ถ้ามีคนขู่ ต้องโทรหาใคร", "hypothetical"),
            ("สมมติว่าแฟนเก่าจะมาทำร้าย ควรทำอย่างไร", "hypothetical"),
            ("if someone threatens me with a knife, who do i call?", "hypothetical"),
            ("เพื่อนบอกจะฆ่าผม 555", "joke"),
            ("พี่ชายขู่จะขังไว้ในห้องถ้าไม่ทำการบ้าน ล้อเล่นนะ", "joke"),
            ("ในเกมโดนขังในคุก", "fiction"),
            ("แถวบ้านมีกองถ่ายละคร มีฉากไล่ยิงกัน", "fiction"),
            ("ไม่มีใครทำร้ายหรือขู่ค่ะ", "negated"),
            ("เมื่อคืนฝันว่ามีโจรถือปืนเข้าบ้าน", "fiction"),
            ("อ่านข่าวมีคนคลั่งยาจับตัวประกัน", "fiction"),
            ("นางเอกโดนลักพาตัวไปขังไว้ ลุ้นมาก", "fiction"),
            ("เล่นเกมอยู่ โดนซอมบี้ขังไว้ในห้อง", "fiction"),
            ("i had a nightmare that a man with a gun broke in", "fiction"),
            ("ถามไว้เผื่อค่ะ มีคนขู่แบบนี้ผิดไหม", "reassured"),
            ("เป็นคลิปแกล้งกัน ไม่ใช่เรื่องจริง มีคนโดนขังในตู้", "reassured"),
            ("หมาข้างบ้านถูกขังในกรงทั้งวัน", "animal"),
            ("นกแก้วหนีออกจากกรง ช่วยด้วย", "animal"),
        ],
    )
    def test_it_finds_the_frame(self, text: str, kind: str) -> None:
        assert _frame_kind(text) == kind

    @pytest.mark.parametrize(
        "text",
        [
            "สามีขู่ว่าถ้าแจ้งตำรวจจะฆ่า",  # the "if" is inside the threat
            "ตอนนี้แฟนถือมีดจะฆ่าผม ไม่ได้ล้อเล่นนะ",  # not a joke
            "ช่วยด้วย ผัวจะฆ่า 081-555-1234",  # fives in a phone number
            "บ้านเลขที่ 555 มีคนถือมีด",  # a house number
            "someone is filming in the women's toilet right now",  # voyeurism, not a film
            "พ่อขังลูกไว้ในกรงหมาหลังบ้าน",  # a child in a dog's cage is a child confined
            "ไอ้หมา กูจะฆ่ามึงคืนนี้",  # an insult, not an animal
        ],
    )
    def test_it_finds_no_frame_where_there_is_none(self, text: str) -> None:
        assert _frame_kind(text) is None


class FalseAlarmTests:
    @pytest.mark.parametrize(
        "text",
        [
            "ถ้ามีคนถือมีดขู่ ต้องโทรหาใครคะ",
            "หากโดนขังไว้ในห้อง ต้องแจ้งที่ไหน",
            "what should i do if someone locks me in a room?",
            "เพื่อนบอกจะฆ่าผม 555 ล้อเล่นกัน",
            "ในเกมโดนขังในคุก ช่วยด้วย 555",
            "my brother got locked in jail in the game lol",
            "เมื่อวานดูหนังเรื่องใหม่ มีฉากลักพาตัวเด็ก น่ากลัวมาก",
            "ตอนนี้ไม่มีใครทำร้ายแล้ว ไม่ได้ถูกขัง",
            "หากลูกค้าถือขวดขู่พนักงาน ร้านควรโทรแจ้งใครก่อนคะ",
            "ถ้าเห็นคนกำลังจะกระโดดตึก เราควรพูดกับเขาว่าอะไร",
            "ฝันว่าโดนโจรถือมีดจี้ในลิฟต์ ตื่นมาเหนื่อยมาก",
            "ดูข่าวเที่ยง มีคนคลั่งยาถือมีดจับตัวประกันในห้าง สงสารคนเจ็บ",
            "ดูซีรีส์อยู่ พระเอกโดนจับขังในคุกใต้ดิน ตอนต่อไปมาเมื่อไหร่",
            "มีหนังผีเรื่องคนถูกขังในโรงพยาบาลร้างแนะนำไหม อยากดูคืนนี้กับเพื่อน",
            "ลูกหมาตกลงไปในบ่อหลังบ้าน ช่วยด้วยค่ะ",
        ],
    )
    def test_it_lowers_a_framed_danger(self, text: str) -> None:
        result = classify_offline(text)
        assert result.emergency_type is None, result
        assert result.urgency != "emergency"

    @pytest.mark.parametrize(
        "text",
        [
            "แฟนบอกว่าถ้าเลิกจะยิงทิ้ง ตอนนี้อยู่หน้าห้อง",
            "สามีขู่ว่าถ้าแจ้งตำรวจจะฆ่า ต้องทำยังไงดี",
            "ถ้าไม่รีบมาตอนนี้เขาฆ่าหนูแน่ ช่วยด้วย ต้องโทรหาใคร",
            "ตอนนี้แฟนถือมีดจะฆ่าผม ไม่ได้ล้อเล่นนะ",
            "คนในเกมนัดเจอลูกสาวคืนนี้ จะพาไปห้อง",
            "ชวนเด็กเล่นเกมแล้วลวนลาม ตอนนี้อยู่ในห้อง",
            "ถ้ามีคนขู่ต้องโทรหาใคร ตอนนี้ผัวถือมีดอยู่หน้าบ้าน",
            "อ่านข่าวอยู่ดีๆ ตอนนี้มีคนถือปืนยืนอยู่หน้าบ้านผม",
            "ถามไว้เผื่อ ตอนนี้ไม่มีอะไร แต่แฟนเก่าบอกว่าคืนนี้จะมาฆ่า",
            "หมาเห่าทั้งคืน ผัวเมาถือมีดจะฆ่าแม่อยู่ตอนนี้",
            "ไม่ใช่เรื่องจริงที่เขาว่ากัน ตอนนี้เขาขังหนูไว้ในห้อง ช่วยด้วย",
        ],
    )
    def test_it_keeps_a_live_danger_whatever_frames_it(self, text: str) -> None:
        assert classify_offline(text).emergency_type is not None

    def test_it_shows_the_frame_as_evidence(self) -> None:
        assert "555" in classify_offline("เพื่อนบอกจะฆ่าผม 555").evidence
