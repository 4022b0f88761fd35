"""The public tracking stage of a case: what a person with a tracking code sees, never the details.

`MAPPING` is the one table from internal states to public stages: case statuses (new -> received, screening ->
screening, active -> in_progress, referred -> referred, closed -> closed) and dispatch states (a team alerted,
acknowledging or on its way -> forwarded, at the scene -> on_scene, done there -> in_progress). A status sets the
stage through the event that records the change; a dispatch state through the dispatch event that enters it, whose
kind dispatch declares with `dispatch_stage(state)`, so the derivation takes the event as well: an event kind's
declared `stage` and `reopens` (cases/events.py's catalogue) say what the event itself does to the stage. The
dispatch states are named here as text: cases never imports dispatch, and a test holds the names to its own.

The public only ever sees progress: a stage never moves back down the DESIGN.md order, except when a closed case
is reopened. So a case whose referral is declined (referred -> active) keeps showing "referred", and a case that
is screened after dispatch already went out keeps "forwarded".

`WORDS` says each stage in plain Thai (and English) for the person who asked for help: its name, and what happens
next. The Thai names are PublicStage's labels; the tracking page and its API show these words, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from raksa.cases.models import Case, PublicStage, Status

if TYPE_CHECKING:
    # Only the type: events.py imports this module to keep the stage in step as it records.
    from raksa.cases.events import EventType

ORDER: tuple[str, ...] = tuple(PublicStage.values)

STATUS = "status"
DISPATCH = "dispatch"

# (what, internal state) -> public stage. A state not listed (a dispatch pending, escalated to the next level,
# declined or cancelled) leaves the stage where it is.
MAPPING: dict[tuple[str, str], str] = {
    (STATUS, Status.NEW): PublicStage.RECEIVED,
    (STATUS, Status.SCREENING): PublicStage.SCREENING,
    (STATUS, Status.ACTIVE): PublicStage.IN_PROGRESS,
    (STATUS, Status.REFERRED): PublicStage.REFERRED,
    (STATUS, Status.CLOSED): PublicStage.CLOSED,
    (DISPATCH, "alerted"): PublicStage.FORWARDED,
    (DISPATCH, "acknowledged"): PublicStage.FORWARDED,
    (DISPATCH, "en_route"): PublicStage.FORWARDED,
    (DISPATCH, "on_scene"): PublicStage.ON_SCENE,
    (DISPATCH, "resolved"): PublicStage.IN_PROGRESS,
}

STATUS_STAGE: dict[str, str] = {state: stage for (what, state), stage in MAPPING.items() if what == STATUS}


def dispatch_stage(state: str) -> str:
    """The stage a dispatch entering `state` shows the public; "" for a state that leaves it as it is."""
    return MAPPING.get((DISPATCH, state), "")


@dataclass(frozen=True)
class StageWords:
    name_th: str
    name_en: str
    next_th: str
    next_en: str


WORDS: dict[str, StageWords] = {
    PublicStage.RECEIVED: StageWords(
        "รับเรื่องแล้ว",
        "Received",
        "เจ้าหน้าที่จะอ่านเรื่องของคุณ ตรวจสอบข้อมูล และส่งให้หน่วยงานที่ดูแลพื้นที่ของคุณ",
        "Staff will read your request, check the details and pass it to the office for your area.",
    ),
    PublicStage.SCREENING: StageWords(
        "กำลังตรวจสอบข้อมูล",
        "Checking the details",
        "เจ้าหน้าที่อาจโทรหาคุณเพื่อถามเพิ่มเติม แล้วจึงเริ่มให้ความช่วยเหลือ",
        "Staff may call you to ask a little more, then the help begins.",
    ),
    PublicStage.FORWARDED: StageWords(
        "ส่งต่อทีมช่วยเหลือแล้ว",
        "Passed to a response team",
        "ทีมช่วยเหลือในพื้นที่ได้รับแจ้งแล้ว และกำลังไปยังที่เกิดเหตุ",
        "The local response team has been told and is on its way.",
    ),
    PublicStage.ON_SCENE: StageWords(
        "เจ้าหน้าที่ลงพื้นที่แล้ว",
        "Staff are on the scene",
        "เจ้าหน้าที่อยู่ในพื้นที่แล้ว จะดูแลเหตุการณ์ตรงหน้าก่อน แล้ววางแผนช่วยเหลือต่อ",
        "Staff are there: they deal with what is happening first, then plan the help that follows.",
    ),
    PublicStage.IN_PROGRESS: StageWords(
        "อยู่ระหว่างให้ความช่วยเหลือ",
        "Help under way",
        "เจ้าหน้าที่กำลังช่วยเหลือ หน้านี้จะเปลี่ยนเมื่อมีความคืบหน้า",
        "Staff are helping; this page changes as things move on.",
    ),
    PublicStage.REFERRED: StageWords(
        "ส่งต่อหน่วยงานที่เกี่ยวข้องแล้ว",
        "Passed to the agency concerned",
        "หน่วยงานที่รับเรื่องต่อจะติดต่อเพื่อช่วยเหลือในส่วนที่ดูแล",
        "The agency that took it on will be in touch about the help it gives.",
    ),
    PublicStage.CLOSED: StageWords(
        "ดำเนินการเสร็จสิ้น",
        "Completed",
        "เรื่องนี้ดำเนินการเสร็จแล้ว ถ้ามีปัญหาใหม่ แจ้งเรื่องใหม่ หรือโทร 1300 ได้ตลอด 24 ชั่วโมง",
        "This request is finished. For anything new, send a new report or call 1300, day or night.",
    ),
}


def rank(stage: str) -> int:
    return ORDER.index(stage) if stage in ORDER else -1


def words(stage: str) -> StageWords:
    return WORDS.get(stage, WORDS[PublicStage.RECEIVED])


def public_stage_for(case: Case, event_type: EventType | None = None) -> str:
    """The stage the public should see after an event of `event_type` happened to `case` (whose status is
    already current)."""
    candidate = (event_type.stage if event_type else "") or STATUS_STAGE.get(
        case.status, PublicStage.RECEIVED
    )
    if (event_type is not None and event_type.reopens) or not case.public_stage:
        return candidate
    # A closed case only leaves "closed" through a reopen.
    if rank(candidate) >= rank(case.public_stage):
        return candidate
    return case.public_stage
