"""What the account says in the chat, in Thai and in English, and the quick reply buttons under it.

Each function gives a notify `line` payload: `text` and, where the person has a choice to make, `quick_reply`
(LINE's quick reply object). Labels are at most 20 characters, as LINE allows. Nothing here reads the database.
"""

from __future__ import annotations

from typing import Any

from raksa.cases.models import EmergencyType

HOTLINE = "1300"
THAI, ENGLISH = "th", "en"
# The five emergencies, as the buttons say them (Thai: the names the ministry uses).
EMERGENCY_LABELS: dict[str, tuple[str, str]] = {
    EmergencyType.THREAT: (str(EmergencyType.THREAT.label), "Threatened"),
    EmergencyType.DETENTION: (str(EmergencyType.DETENTION.label), "Held against my will"),
    EmergencyType.ABUSE_RISK: (str(EmergencyType.ABUSE_RISK.label), "Risk of sexual abuse"),
    EmergencyType.FRENZY: (str(EmergencyType.FRENZY.label), "Person in frenzy"),
    EmergencyType.GATHERING: (str(EmergencyType.GATHERING.label), "Illicit gathering"),
}
# Postback data the buttons send back.
OTHER, TRACK, SEND_NOW = "action=other", "action=track", "action=send_now"


def emergency_data(emergency_type: str) -> str:
    return f"emergency={emergency_type}"


def _pick(language: str, thai: str, english: str) -> str:
    return english if language == ENGLISH else thai


def _postback(label: str, data: str) -> dict[str, Any]:
    return {
        "type": "action",
        "action": {"type": "postback", "label": label, "data": data, "displayText": label},
    }


def _menu(language: str) -> dict[str, Any]:
    items = [
        _postback(_pick(language, thai, english), emergency_data(kind))
        for kind, (thai, english) in EMERGENCY_LABELS.items()
    ]
    items += [
        _postback(_pick(language, "ปัญหาอื่น", "Another problem"), OTHER),
        _postback(_pick(language, "ติดตามเรื่อง", "Track my case"), TRACK),
        {
            "type": "action",
            "action": {
                "type": "uri",
                "label": _pick(language, "โทร 1300", "Call 1300"),
                "uri": f"tel:{HOTLINE}",
            },
        },
    ]
    return {"items": items}


def _location_buttons(language: str, *, send_now: bool) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        {
            "type": "action",
            "action": {"type": "location", "label": _pick(language, "ส่งตำแหน่งที่อยู่", "Send my location")},
        }
    ]
    if send_now:
        items.append(_postback(_pick(language, "ส่งเลย ไม่มีตำแหน่ง", "Send now, no place"), SEND_NOW))
    return {"items": items}


def welcome(language: str) -> dict[str, Any]:
    text = _pick(
        language,
        "รักษา ศูนย์ช่วยเหลือสังคม สายด่วน 1300\n"
        "หากตกอยู่ในอันตราย แตะประเภทเหตุด้านล่างได้เลย ไม่ต้องพิมพ์ "
        "เราจะขอตำแหน่งของคุณแล้วส่งทีมช่วยเหลือทันที\n"
        "เรื่องอื่น พิมพ์เล่ามาได้เลย\n"
        "For English, type your message in English.",
        "Raksa, the 1300 social help centre.\n"
        "If you are in danger, tap the kind of emergency below: no need to type. "
        "We will ask for your location and send a help team at once.\n"
        "For anything else, just tell us what happened.",
    )
    return {"text": text, "quick_reply": _menu(language)}


def ask_location(language: str, emergency_type: str) -> dict[str, Any]:
    thai, english = EMERGENCY_LABELS[emergency_type]
    text = _pick(
        language,
        f'เหตุฉุกเฉิน: {thai}\nแตะ "ส่งตำแหน่งที่อยู่" ด้านล่าง เพื่อให้ทีมไปถึงคุณ\n'
        "หากส่งไม่ได้ เราจะส่งเรื่องให้ทีมช่วยเหลือภายใน 1 นาทีอยู่ดี",
        f'Emergency: {english}\nTap "Send my location" below so the team can find you.\n'
        "If you cannot, we will send it to a help team within a minute anyway.",
    )
    return {"text": text, "quick_reply": _location_buttons(language, send_now=True)}


def emergency_sent(
    language: str, emergency_type: str, code: str, url: str, *, located: bool
) -> dict[str, Any]:
    thai, english = EMERGENCY_LABELS[emergency_type]
    if language == ENGLISH:
        text = (
            f"Your emergency ({english}) has been sent to a help team.\n"
            f"Tracking code: {code}\n"
            "Staff will contact you or come to you as soon as possible. When it is safe, you can send more "
            "details, photos or your location in this chat.\n"
            f"Status: {url}\nEmergency line: {HOTLINE}"
        )
        if not located:
            text += '\nWe do not know where you are yet: tap "Send my location" if you can.'
    else:
        text = (
            f"ส่งเรื่องเหตุฉุกเฉิน ({thai}) ให้ทีมช่วยเหลือแล้ว\n"
            f"รหัสติดตามเรื่อง: {code}\n"
            "เจ้าหน้าที่จะติดต่อกลับหรือไปหาคุณโดยเร็วที่สุด เมื่อปลอดภัย ส่งรายละเอียด รูป หรือตำแหน่ง"
            "เพิ่มเติมในแชทนี้ได้ตลอด\n"
            f"ดูสถานะ: {url}\nสายด่วน {HOTLINE}"
        )
        if not located:
            text += '\nเรายังไม่ทราบตำแหน่งของคุณ หากทำได้ แตะ "ส่งตำแหน่งที่อยู่"'
    payload: dict[str, Any] = {"text": text}
    if not located:
        payload["quick_reply"] = _location_buttons(language, send_now=False)
    return payload


def emergency_again(
    language: str, emergency_type: str, code: str, url: str, *, located: bool
) -> dict[str, Any]:
    thai, english = EMERGENCY_LABELS[emergency_type]
    text = _pick(
        language,
        f"เรื่องเหตุฉุกเฉิน ({thai}) ของคุณ รหัส {code} อยู่กับทีมช่วยเหลือแล้ว "
        f"เราเพิ่มการแจ้งครั้งนี้ในเรื่องเดิมให้ทีมเห็นแล้ว\nดูสถานะ: {url}\nหากเร่งด่วนมาก โทร {HOTLINE}",
        f"Your emergency ({english}), case {code}, is already with a help team. We have added this to it so "
        f"the team sees it.\nStatus: {url}\nIf it is very urgent, call {HOTLINE}",
    )
    payload: dict[str, Any] = {"text": text}
    if not located:
        payload["quick_reply"] = _location_buttons(language, send_now=False)
    return payload


def report_received(language: str, code: str, url: str, *, dispatched: bool) -> dict[str, Any]:
    if language == ENGLISH:
        first = (
            "We have received your report and sent it to a help team."
            if dispatched
            else ("We have received your report.")
        )
        text = (
            f"{first}\nTracking code: {code}\nStaff will look into it and contact you.\n"
            f"Status: {url}\nQuestions: call {HOTLINE}"
        )
    else:
        first = "รับเรื่องแล้ว และส่งให้ทีมช่วยเหลือแล้ว" if dispatched else "รับเรื่องแล้ว"
        text = (
            f"{first}\nรหัสติดตามเรื่อง: {code}\nเจ้าหน้าที่จะตรวจสอบและติดต่อกลับ\nดูสถานะ: {url}\nสอบถาม โทร {HOTLINE}"
        )
    return {"text": text}


def report_waiting(language: str) -> dict[str, Any]:
    """The report is stored but not yet a case (processing failed and will be retried): the code comes later,
    by the stage notice tracking sends."""
    return {
        "text": _pick(
            language,
            f"รับเรื่องแล้ว กำลังส่งต่อ เราจะแจ้งรหัสติดตามเรื่องในแชทนี้ หากเร่งด่วน โทร {HOTLINE}",
            f"We have your report and are passing it on; the tracking code will follow in this chat. "
            f"If it is urgent, call {HOTLINE}.",
        )
    }


def added_to_case(language: str, code: str) -> dict[str, Any]:
    return {
        "text": _pick(
            language,
            f"เพิ่มข้อมูลในเรื่อง {code} แล้ว ขอบคุณ",
            f"Added to your case {code}. Thank you.",
        )
    }


def tell_more(language: str) -> dict[str, Any]:
    return {
        "text": _pick(
            language,
            "พิมพ์เล่าเรื่องที่เกิดขึ้นได้เลย ใคร ที่ไหน ต้องการความช่วยเหลืออะไร เจ้าหน้าที่จะตรวจสอบและติดต่อกลับ",
            "Tell us what happened: who, where, and what help is needed. Staff will look into it and contact you.",
        )
    }


def case_status(language: str, code: str, stage_th: str, url: str) -> dict[str, Any]:
    return {
        "text": _pick(
            language,
            f"เรื่อง {code}: {stage_th}\nดูสถานะ: {url}\nสอบถาม โทร {HOTLINE}",
            f"Case {code}: {stage_th}\nStatus: {url}\nQuestions: call {HOTLINE}",
        )
    }


def no_case(language: str, url: str) -> dict[str, Any]:
    return {
        "text": _pick(
            language,
            f"ยังไม่มีเรื่องที่แจ้งผ่านแชทนี้ ดูสถานะด้วยรหัสติดตามเรื่องได้ที่ {url}",
            f"No case has been reported from this chat yet. Look up a tracking code at {url}",
        )
    }


def code_elsewhere(language: str, url: str) -> dict[str, Any]:
    return {
        "text": _pick(
            language,
            f"ดูสถานะของเรื่องนี้ได้ที่ {url}\nสอบถาม โทร {HOTLINE}",
            f"See the status of this case at {url}\nQuestions: call {HOTLINE}",
        )
    }


# ---------------------------------------------------------------------------------------------------------------
# photos


def photo_added(language: str, code: str) -> dict[str, Any]:
    return {
        "text": _pick(
            language,
            f"ได้รับรูปภาพแล้ว เพิ่มในเรื่อง {code} ให้เจ้าหน้าที่เห็นแล้ว ขอบคุณ",
            f"We have your photo and added it to your case {code} for the staff to see. Thank you.",
        )
    }


def photo_received(language: str, code: str, url: str) -> dict[str, Any]:
    """A photo with nothing else (she may not be able to type): it is kept as a report, and the emergencies are
    offered under the answer, as in the welcome."""
    text = _pick(
        language,
        f"ได้รับรูปภาพแล้ว เก็บไว้เป็นเรื่องแจ้ง รหัสติดตามเรื่อง: {code}\n"
        "หากตกอยู่ในอันตราย แตะประเภทเหตุด้านล่างได้เลย หรือพิมพ์เล่าเพิ่มเติม\n"
        f"ดูสถานะ: {url}",
        f"We have your photo and kept it as a report. Tracking code: {code}\n"
        "If you are in danger, tap the kind of emergency below, or tell us more.\n"
        f"Status: {url}",
    )
    return {"text": text, "quick_reply": _menu(language)}


PHOTO_TOO_LARGE, PHOTO_NOT_A_PICTURE, PHOTO_GONE = "too_large", "not_a_picture", "gone"


def photo_refused(language: str, why: str, *, mb: float = 0) -> dict[str, Any]:
    """A photo that cannot be kept (too large, not a picture, or LINE no longer has it): nothing of it was
    saved, and she is told what to do instead."""
    if why == PHOTO_TOO_LARGE:
        thai = f"รูปนี้มีขนาดเกิน {mb:g} MB จึงเก็บไม่ได้ ลองส่งรูปที่เล็กลง หรือพิมพ์เล่าแทน"
        english = (
            f"This photo is larger than {mb:g} MB, so it could not be kept. Try a smaller one, or tell us."
        )
    elif why == PHOTO_GONE:
        thai = "ดึงรูปนี้จาก LINE ไม่ได้แล้ว กรุณาส่งรูปอีกครั้ง"
        english = "We could not get this photo from LINE any more. Please send it again."
    else:
        thai = "ไฟล์นี้เก็บไม่ได้ รับเฉพาะรูปภาพ JPEG PNG WebP หรือ HEIC ลองส่งเป็นรูปภาพ หรือพิมพ์เล่าแทน"
        english = "This file could not be kept: only JPEG, PNG, WebP or HEIC pictures can. Send a picture, or tell us."
    return {
        "text": _pick(
            language,
            f"{thai}\nหากเร่งด่วน โทร {HOTLINE}",
            f"{english}\nIf it is urgent, call {HOTLINE}.",
        )
    }


# ---------------------------------------------------------------------------------------------------------------
# the team's progress


def team_acknowledged(language: str, code: str, url: str) -> dict[str, Any]:
    """A team took her emergency: the public stage stays "forwarded", so this is the news she waits for."""
    return {
        "text": _pick(
            language,
            f"ทีมช่วยเหลือรับเรื่อง {code} แล้ว และกำลังดำเนินการช่วยเหลือคุณ\n"
            "หากปลอดภัย ส่งตำแหน่งหรือรายละเอียดเพิ่มเติมในแชทนี้ได้\n"
            f"ดูสถานะ: {url}\nหากเร่งด่วนมาก โทร {HOTLINE}",
            f"A help team has taken your case {code} and is acting on it now.\n"
            "If it is safe, you can send your location or more details in this chat.\n"
            f"Status: {url}\nIf it is very urgent, call {HOTLINE}",
        )
    }
