"""Every workspace POST in every refused state: an answer a person can read, with the right status, never a 500.

Each row of the walk builds its own case, so the rows stay independent of one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import unescape
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from raksa.cases import services
from raksa.cases.models import Case, CaseEvent, Note, Referral
from tests.base import RaksaTestCase
from tests.cases.helpers import open_case, refer
from tests.workspace.test_views import without_tokens

FORBIDDEN = ("คุณไม่มีสิทธิ์แก้ไขเรื่องนี้", "You may not make this change to the case")
NOT_YOURS = ("ตอบรับหรือปฏิเสธการส่งต่อของหน่วยงานอื่น", "You may not decide on a referral to another unit")
NOT_OFFERED = ("ค่าที่ส่งมาไม่อยู่ในตัวเลือก", "That is not one of the choices")
MISSING = "2500-999999"


@dataclass
class Refusal:
    """One refused POST: who sends what to which action of a case built by `state`, and the answer expected."""

    name: str
    action: str
    user: str
    data: dict[str, Any] = field(default_factory=dict)
    state: str = "referred"
    status: int = 400
    says: tuple[str, str] = ("", "")
    htmx: bool = False


# The data of each action that would succeed on a referred case (pending referral) for a user who may act.
ACTIONS: dict[str, dict[str, Any]] = {
    "note_add": {"body": "โทรติดตามแล้ว"},
    "attachment_add": {},  # a file is added per request
    "status_change": {"status": "screening"},
    "close": {"outcome": "ช่วยเหลือเรียบร้อย"},
    "reopen": {"reason": "ผู้ประสบปัญหาติดต่อกลับมา"},
    "assign": {},  # the assignee is added per request
    "referral_create": {"reason": "ต้องการบ้านพักเด็ก"},
    "referral_accept": {},
    "referral_decline": {"reason": "ไม่อยู่ในพื้นที่รับผิดชอบ"},
}
ON_REFERRAL = {"referral_accept", "referral_decline"}

WALK: list[Refusal] = [
    # A unit with a pending referral may only read, and accept or decline.
    *(
        Refusal(f"pending unit: {action}", action, "dcy_worker", status=403, says=FORBIDDEN)
        for action in ("note_add", "attachment_add", "status_change", "close", "assign", "referral_create")
    ),
    Refusal("pending unit: reopen", "reopen", "dcy_worker", state="closed", status=403, says=FORBIDDEN),
    Refusal("pending unit: note by htmx", "note_add", "dcy_worker", status=200, says=FORBIDDEN, htmx=True),
    # Only the receiving unit decides on a referral.
    Refusal("owner accepts", "referral_accept", "case_worker", status=403, says=NOT_YOURS),
    Refusal("owner declines", "referral_decline", "case_worker", status=403, says=NOT_YOURS),
    # A referral is decided once.
    *(
        Refusal(
            f"{state} referral: {action}",
            action,
            "dcy_worker",
            state=state,
            status=409,
            says=("การส่งต่อนี้ได้รับการตอบแล้ว", f"This referral has already been {state.split('_')[0]}"),
        )
        for state in ("accepted_referral", "declined_referral")
        for action in ("referral_accept", "referral_decline")
    ),
    # Declined, and with it gone from the department's sight: the case is as missing as any hidden one.
    *(
        Refusal(
            f"declined and hidden: {action}",
            action,
            "dcy_worker",
            state="declined_and_gone",
            status=404,
            says=("ไม่พบหน้าที่ต้องการ", "ไม่มีข้อมูลนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"),
        )
        for action in ("referral_accept", "referral_decline")
    ),
    # A closed case.
    Refusal(
        "closed: status",
        "status_change",
        "case_worker",
        state="closed",
        status=409,
        says=("ไม่สามารถเปลี่ยนสถานะจาก", "Cannot change status from 'closed' to 'screening'"),
    ),
    Refusal(
        "closed: close again",
        "close",
        "case_worker",
        state="closed",
        status=409,
        says=("ไม่สามารถเปลี่ยนสถานะจาก", "Cannot change status from 'closed' to 'closed'"),
    ),
    Refusal(
        "closed: refer",
        "referral_create",
        "case_worker",
        data={"to_unit": "kk"},
        state="closed",
        status=409,
        says=("ไม่สามารถเปลี่ยนสถานะจาก", "Cannot change status from 'closed' to 'referred'"),
    ),
    Refusal(
        "closed: accept",
        "referral_accept",
        "dcy_worker",
        state="closed",
        status=409,
        says=("เรื่องนี้ปิดแล้ว", "The case is closed"),
    ),
    # Moves the status machine does not make.
    Refusal(
        "illegal: referred to new",
        "status_change",
        "case_worker",
        data={"status": "new"},
        status=409,
        says=("ไม่สามารถเปลี่ยนสถานะจาก", "Cannot change status from 'referred' to 'new'"),
    ),
    Refusal(
        "illegal: active to referred",
        "status_change",
        "case_worker",
        data={"status": "referred"},
        state="active",
        status=409,
        says=("กรุณาสร้างการส่งต่อ", "create a referral instead"),
    ),
    Refusal(
        "reopen a case that is not closed",
        "reopen",
        "case_worker",
        status=409,
        says=("เปิดเรื่องใหม่ได้เฉพาะเรื่องที่ปิดแล้ว", "Only a closed case can be reopened"),
    ),
    # Bad input.
    Refusal(
        "empty note", "note_add", "case_worker", data={"body": " "}, says=("กรุณาเขียนบันทึก", "Please write")
    ),
    Refusal(
        "no file",
        "attachment_add",
        "case_worker",
        data={"file": None},
        says=("กรุณาเลือกไฟล์", "Please choose a file"),
    ),
    Refusal("unknown status", "status_change", "case_worker", data={"status": "lost"}, says=NOT_OFFERED),
    Refusal(
        "close without outcome",
        "close",
        "case_worker",
        data={"outcome": ""},
        says=("ต้องระบุผลการดำเนินงาน", "An outcome is needed"),
    ),
    Refusal(
        "reopen without reason",
        "reopen",
        "case_worker",
        data={"reason": ""},
        state="closed",
        says=("ต้องระบุเหตุผลที่เปิดเรื่องอีกครั้ง", "A reason is needed"),
    ),
    Refusal(
        "reopen an open case without reason",
        "reopen",
        "case_worker",
        data={"reason": ""},
        says=("ต้องระบุเหตุผลที่เปิดเรื่องอีกครั้ง", "A reason is needed"),
    ),
    Refusal("assign nobody known", "assign", "case_worker", data={"assignee": "999999"}, says=NOT_OFFERED),
    Refusal("assign another unit", "assign", "case_worker", data={"assignee": "other"}, says=NOT_OFFERED),
    Refusal(
        "refer to nowhere", "referral_create", "case_worker", data={"to_unit": "999999"}, says=NOT_OFFERED
    ),
    Refusal("refer to itself", "referral_create", "case_worker", data={"to_unit": "own"}, says=NOT_OFFERED),
    Refusal(
        "refer twice",
        "referral_create",
        "case_worker",
        data={"to_unit": "dcy"},
        status=409,
        says=("เรื่องนี้ส่งต่อให้หน่วยงานนี้แล้ว", "already referred to this unit"),
    ),
    Refusal(
        "refer without reason",
        "referral_create",
        "case_worker",
        data={"to_unit": "kk", "reason": ""},
        says=("ต้องระบุเหตุผลในการส่งต่อ", "A reason for the referral is needed"),
    ),
    Refusal(
        "decline without reason",
        "referral_decline",
        "dcy_worker",
        data={"reason": ""},
        says=("ต้องระบุเหตุผลที่ปฏิเสธ", "A reason for declining is needed"),
    ),
]


class RefusedPostTests(RaksaTestCase):
    def build(self, state: str) -> tuple[Case, Referral]:
        """A Bangkok case referred to the department (pending), then brought to `state`."""
        case = open_case(self.call_taker, self.bkk_office)
        referral = refer(case, by=self.case_worker, to_unit=self.dcy_hq)
        if state == "active":
            referral = services.referral_decline(
                actor=self.dcy_worker, referral=referral, reason="ไม่ใช่งานเรา"
            )
        elif state == "accepted_referral":
            referral = services.referral_accept(actor=self.dcy_worker, referral=referral)
        elif state in ("declined_referral", "declined_and_gone"):
            referral = services.referral_decline(
                actor=self.dcy_worker, referral=referral, reason="ไม่ใช่งานเรา"
            )
            if state == "declined_referral":
                # Referred to the department again: it sees the case, and the old referral stays decided.
                refer(case, by=self.case_worker, to_unit=self.dcy_hq)
        elif state == "closed":
            services.case_close(actor=self.case_worker, case=case, outcome="ส่งต่อบ้านพักแล้ว")
        case.refresh_from_db()
        return case, referral

    def url(self, action: str, number: str, referral_pk: int) -> str:
        args: list[Any] = [number, referral_pk] if action in ON_REFERRAL else [number]
        return reverse(f"cases:{action}", args=args)

    def payload(self, action: str, data: dict[str, Any], case: Case) -> dict[str, Any]:
        payload = {**ACTIONS[action], **data}
        if action == "attachment_add":
            if payload.get("file", "") is None:
                payload.pop("file")
            else:
                payload["file"] = SimpleUploadedFile("note.txt", "บันทึกการเยี่ยมบ้าน".encode(), "text/plain")
        if action == "assign":
            chosen = payload.get("assignee")
            other = {"other": self.other_province_worker.pk, None: self.case_worker.pk}
            payload["assignee"] = other.get(chosen, chosen)
        if action == "referral_create":
            units = {
                "kk": self.kk_office.pk,
                "dcy": self.dcy_hq.pk,
                "own": case.owning_unit_id,
                None: self.kk_office.pk,
            }
            chosen = payload.get("to_unit")
            payload["to_unit"] = units.get(chosen, chosen)
        return payload

    def test_it_answers_every_refused_post_with_a_readable_message_and_its_status(self) -> None:
        for refusal in WALK:
            with self.subTest(refusal.name):
                case, referral = self.build(refusal.state)
                events = CaseEvent.objects.filter(case=case).count()
                notes = Note.objects.filter(case=case).count()
                self.client.force_login(getattr(self, refusal.user))
                headers = {"HTTP_HX_REQUEST": "true"} if refusal.htmx else {}
                response = self.client.post(
                    self.url(refusal.action, case.number, referral.pk),
                    self.payload(refusal.action, refusal.data, case),
                    **headers,
                )
                self.assertEqual(response.status_code, refusal.status)
                html = unescape(response.content.decode())
                for text in refusal.says:
                    self.assertIn(text, html)
                # Nothing was saved, and the message is where the eye goes: on the page, not in a bare body.
                self.assertEqual(CaseEvent.objects.filter(case=case).count(), events)
                self.assertEqual(Note.objects.filter(case=case).count(), notes)
                if refusal.status != 404:  # the refusal is shown on the case page itself
                    self.assertIn(case.number, html)

    def test_it_answers_a_missing_and_a_hidden_case_alike_on_every_post(self) -> None:
        case, referral = self.build("referred")
        events = CaseEvent.objects.filter(case=case).count()
        self.client.force_login(self.other_province_worker)
        for action in ACTIONS:
            with self.subTest(action):
                hidden = self.client.post(
                    self.url(action, case.number, referral.pk), self.payload(action, {}, case)
                )
                missing = self.client.post(
                    self.url(action, MISSING, referral.pk), self.payload(action, {}, case)
                )
                self.assertEqual((hidden.status_code, missing.status_code), (404, 404))
                self.assertEqual(
                    without_tokens(hidden.content.decode().replace(case.number, "N")),
                    without_tokens(missing.content.decode().replace(MISSING, "N")),
                )
                self.assertIn("ไม่พบหน้าที่ต้องการ", hidden.content.decode())
        self.assertEqual(CaseEvent.objects.filter(case=case).count(), events)

    def test_it_answers_404_for_a_referral_that_is_not_on_the_case(self) -> None:
        case, referral = self.build("referred")
        self.client.force_login(self.dcy_worker)
        for action in sorted(ON_REFERRAL):
            with self.subTest(action):
                response = self.client.post(
                    self.url(action, case.number, referral.pk + 1000), ACTIONS[action]
                )
                self.assertEqual(response.status_code, 404)
        referral.refresh_from_db()
        self.assertEqual(referral.state, Referral.State.PENDING)

    def test_it_shows_the_refusal_in_english_after_the_language_switch(self) -> None:
        case, _referral = self.build("referred")
        self.client.force_login(self.case_worker)
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})
        response = self.client.post(reverse("cases:reopen", args=[case.number]), {"reason": "กลับมาอีก"})
        self.assertContains(
            response, '<span class="msg-main">Only a closed case can be reopened', status_code=409
        )
        self.assertContains(response, "เปิดเรื่องใหม่ได้เฉพาะเรื่องที่ปิดแล้ว", status_code=409)
