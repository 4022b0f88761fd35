"""What the account says in the chat, in Thai and in English, and the quick reply buttons under it.

Each function gives a notify `line` payload: `text` and, where the person has a choice to make, `quick_reply`
(LINE's quick reply object). Labels are at most 20 characters, as LINE allows. Nothing here reads the database.
"""

from __future__ import annotations

from typing import Any

from raksa.cases.models import EmergencyType
from raksa.cases.stages import words
from raksa.directory.models import Category

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
CONFIRM_YES, CONFIRM_NO = "confirm=yes", "confirm=no"
SAME_YES, SAME_NO = "same=yes", "same=no"
# The guided intake's choice of problem, as short as a quick reply's label must be (at most 20 characters).
CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    Category.FAMILY_VIOLENCE: ("ความรุนแรงในครอบครัว", "Family violence"),
    Category.CHILD_PROTECTION: ("คุ้มครองเด็ก", "Child protection"),
    Category.ELDERLY_CARE: ("ผู้สูงอายุ", "Older person"),
    Category.DISABILITY_SUPPORT: ("คนพิการ", "Disability"),
    Category.FINANCIAL_HARDSHIP: ("การเงิน การดำรงชีพ", "Money, livelihood"),
    Category.HOMELESSNESS: ("คนไร้ที่พึ่ง", "No place to live"),
    Category.UNPLANNED_PREGNANCY: ("ตั้งครรภ์ไม่พร้อม", "Unplanned pregnancy"),
    Category.HUMAN_TRAFFICKING: ("การค้ามนุษย์", "Human trafficking"),
    Category.MISSING_PERSON: ("คนหาย", "Missing person"),
    Category.DRUGS: ("ยาเสพติด", "Drugs"),
    Category.BEGGING: ("ขอทาน", "Begging"),
    Category.OTHER: ("เรื่องอื่น ๆ", "Something else"),
}


def emergency_data(emergency_type: str) -> str:
    return f"emergency={emergency_type}"


def category_data(category: str) -> str:
    return f"category={category}"


def _pin_line(language: str, pin: str | None) -> str:
    """The PIN, shown once, as the web form's thank-you page shows it; nothing when the case has one already."""
    if not pin:
        return ""
    return _pick(
        language,
        f"\nรหัส PIN สำหรับดูรายละเอียดในหน้าติดตามเรื่อง: {pin} (แสดงครั้งเดียว จดไว้แยกจากรหัสติดตาม)",
        f"\nYour PIN, to see the details on the tracking page: {pin} (shown only this once: write it down "
        "apart from the tracking code)",
    )


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
    language: str, emergency_type: str, code: str, url: str, *, located: bool, pin: str | None = None
) -> dict[str, Any]:
    thai, english = EMERGENCY_LABELS[emergency_type]
    if language == ENGLISH:
        text = (
            f"Your emergency ({english}) has been sent to a help team.\n"
            f"Tracking code: {code}{_pin_line(language, pin)}\n"
            "Staff will contact you or come to you as soon as possible. When it is safe, you can send more "
            "details, photos or your location in this chat.\n"
            f"Status: {url}\nEmergency line: {HOTLINE}"
        )
        if not located:
            text += '\nWe do not know where you are yet: tap "Send my location" if you can.'
    else:
        text = (
            f"ส่งเรื่องเหตุฉุกเฉิน ({thai}) ให้ทีมช่วยเหลือแล้ว\n"
            f"รหัสติดตามเรื่อง: {code}{_pin_line(language, pin)}\n"
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


def report_received(
    language: str, code: str, url: str, *, dispatched: bool, pin: str | None = None
) -> dict[str, Any]:
    if language == ENGLISH:
        first = (
            "We have received your report and sent it to a help team."
            if dispatched
            else ("We have received your report.")
        )
        text = (
            f"{first}\nTracking code: {code}{_pin_line(language, pin)}\nStaff will look into it and contact you.\n"
            f"Status: {url}\nQuestions: call {HOTLINE}"
        )
    else:
        first = "รับเรื่องแล้ว และส่งให้ทีมช่วยเหลือแล้ว" if dispatched else "รับเรื่องแล้ว"
        text = f"{first}\nรหัสติดตามเรื่อง: {code}{_pin_line(language, pin)}\nเจ้าหน้าที่จะตรวจสอบและติดต่อกลับ\nดูสถานะ: {url}\nสอบถาม โทร {HOTLINE}"
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


def case_status(language: str, code: str, stage: str, url: str) -> dict[str, Any]:
    """A case's public stage, by its name in her language (cases.stages)."""
    said = words(stage)
    return {
        "text": _pick(
            language,
            f"เรื่อง {code}: {said.name_th}\nดูสถานะ: {url}\nสอบถาม โทร {HOTLINE}",
            f"Case {code}: {said.name_en}\nStatus: {url}\nQuestions: call {HOTLINE}",
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


def confirm_emergency(language: str, emergency_type: str, *, confident: bool) -> dict[str, Any]:
    """A text triage read as an emergency: one tap sends help; what happens without an answer is said."""
    thai, english = EMERGENCY_LABELS[emergency_type]
    if language == ENGLISH:
        text = (
            f"Your message reads like an emergency ({english}). Shall we send a help team now?\n"
            "Your message is kept either way. "
            + (
                "If you cannot answer, we will send a help team within a minute anyway."
                if confident
                else "If you do not answer, a staff member will read it and decide."
            )
        )
    else:
        text = (
            f"ข้อความของคุณเหมือนเป็นเหตุฉุกเฉิน ({thai}) ต้องการให้ส่งทีมช่วยเหลือตอนนี้เลยไหม\n"
            "เราเก็บข้อความของคุณไว้แล้ว "
            + (
                "หากตอบไม่ได้ เราจะส่งทีมช่วยเหลือภายใน 1 นาทีอยู่ดี"
                if confident
                else "หากไม่ได้ตอบ เจ้าหน้าที่จะอ่านและพิจารณาให้"
            )
        )
    items = [
        _postback(_pick(language, "ใช่ ส่งความช่วยเหลือ", "Yes, send help now"), CONFIRM_YES),
        _postback(_pick(language, "ไม่ใช่เหตุฉุกเฉิน", "No, not an emergency"), CONFIRM_NO),
    ]
    return {"text": text, "quick_reply": {"items": items}}


def unconfirmed_received(language: str, code: str, url: str, *, pin: str | None = None) -> dict[str, Any]:
    """No answer to the question, and triage was not sure: the case waits for a person at the centre."""
    text = _pick(
        language,
        f"รับเรื่องแล้ว เจ้าหน้าที่จะอ่านข้อความของคุณและพิจารณาโดยเร็ว\nรหัสติดตามเรื่อง: {code}"
        f"{_pin_line(language, pin)}\nหากตกอยู่ในอันตราย แตะประเภทเหตุด้านล่าง หรือโทร {HOTLINE}\nดูสถานะ: {url}",
        f"We have your report; a staff member will read it and decide soon.\nTracking code: {code}"
        f"{_pin_line(language, pin)}\nIf you are in danger, tap the kind of emergency below or call {HOTLINE}."
        f"\nStatus: {url}",
    )
    return {"text": text, "quick_reply": _menu(language)}


def same_matter(language: str, code: str) -> dict[str, Any]:
    """Someone with an open case starts again: is it about that case?"""
    text = _pick(
        language,
        f"คุณมีเรื่อง {code} ที่ยังดำเนินการอยู่ ข้อความนี้เกี่ยวกับเรื่องเดิม หรือเป็นเรื่องใหม่",
        f"You have a case open, {code}. Is this about the same matter, or something new?",
    )
    items = [
        _postback(_pick(language, "เรื่องเดิม", "Same matter"), SAME_YES),
        _postback(_pick(language, "เรื่องใหม่", "Something new"), SAME_NO),
    ]
    return {"text": text, "quick_reply": {"items": items}}


def tell_more_same(language: str, code: str) -> dict[str, Any]:
    return {
        "text": _pick(
            language,
            f"พิมพ์เล่าเพิ่มเติมได้เลย เราจะเพิ่มในเรื่อง {code}",
            f"Tell us more: we will add it to your case {code}.",
        )
    }


def choose_category(language: str) -> dict[str, Any]:
    """The guided intake's first step: what kind of problem, as quick replies."""
    items = [
        _postback(_pick(language, thai, english), category_data(kind))
        for kind, (thai, english) in CATEGORY_LABELS.items()
    ]
    text = _pick(
        language,
        f"เรื่องที่ต้องการแจ้งเกี่ยวกับอะไร แตะเลือกด้านล่าง\nหากตกอยู่ในอันตราย โทร {HOTLINE}",
        f"What is it about? Tap one below.\nIf you are in danger, call {HOTLINE}.",
    )
    return {"text": text, "quick_reply": {"items": items}}


def tell_more_category(language: str, category: str) -> dict[str, Any]:
    thai, english = CATEGORY_LABELS.get(category, CATEGORY_LABELS[Category.OTHER])
    return {
        "text": _pick(
            language,
            f"เรื่อง: {thai}\nพิมพ์เล่าเรื่องที่เกิดขึ้นได้เลย ใคร ที่ไหน ต้องการความช่วยเหลืออะไร แล้วเราจะแจ้งรหัสติดตามเรื่องให้",
            f"About: {english}\nTell us what happened: who, where, and what help is needed. "
            "We will then give you a tracking code.",
        )
    }


def too_many_lookups(language: str, minutes: int) -> dict[str, Any]:
    return {
        "text": _pick(
            language,
            f"ขอดูสถานะหลายครั้งเกินไป โปรดลองใหม่ในอีก {minutes} นาที หรือโทร {HOTLINE}",
            f"Too many look-ups. Please try again in {minutes} minutes, or call {HOTLINE}.",
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
