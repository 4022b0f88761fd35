"""What a volunteer may read: the cases her own reports are attached to, at the public level, and her own notes.

Her reports are `Report.submitted_by` = her; a report's case is followed wherever it goes (a case joined into
another incident takes its reports along, so she follows the case it was joined into). Nothing here reads the
timeline, other people's notes, the parties' records or the case's description: she sees the case number, the
tracking code, the public stage with the next step in plain Thai, the name she gave, and her own notes.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from raksa.cases.access import case_not_found
from raksa.cases.errors import INVALID_CURSOR
from raksa.cases.models import Case, Note, PublicStage
from raksa.intake.models import Consent, Report

PAGE_SIZE = 20
PENDING_SHOWN = 20

# The stage in words a volunteer reads to the person she helps (Thai source strings, translated on the page; a
# test holds them equal to PublicStage's labels), and what happens next.
STAGE_WORDS: dict[str, tuple[Promise, Promise]] = {
    PublicStage.RECEIVED: (_("รับเรื่องแล้ว"), _("เจ้าหน้าที่จะตรวจสอบข้อมูลภายใน 1 วันทำการ")),
    PublicStage.SCREENING: (
        _("กำลังตรวจสอบข้อมูล"),
        _("เจ้าหน้าที่กำลังตรวจสอบข้อมูล และอาจโทรสอบถามผู้ประสบปัญหาหรือคุณเพิ่มเติม"),
    ),
    PublicStage.FORWARDED: (
        _("ส่งต่อทีมช่วยเหลือแล้ว"),
        _("ทีมช่วยเหลือได้รับแจ้งแล้ว และกำลังเดินทางไปยังที่เกิดเหตุ"),
    ),
    PublicStage.ON_SCENE: (
        _("เจ้าหน้าที่ลงพื้นที่แล้ว"),
        _("เจ้าหน้าที่อยู่ในพื้นที่แล้ว หากเห็นสิ่งที่ควรรู้ เพิ่มบันทึกติดตามผลได้"),
    ),
    PublicStage.IN_PROGRESS: (
        _("อยู่ระหว่างให้ความช่วยเหลือ"),
        _("เจ้าหน้าที่กำลังให้ความช่วยเหลือ ช่วยติดตามอาการและบันทึกความเปลี่ยนแปลงของผู้ประสบปัญหาได้"),
    ),
    PublicStage.REFERRED: (
        _("ส่งต่อหน่วยงานที่เกี่ยวข้องแล้ว"),
        _("หน่วยงานที่รับเรื่องต่อจะติดต่อผู้ประสบปัญหาโดยตรง"),
    ),
    PublicStage.CLOSED: (
        _("ดำเนินการเสร็จสิ้น"),
        _("ดำเนินการเสร็จสิ้นแล้ว หากมีปัญหาใหม่ กรุณาแจ้งเรื่องใหม่"),
    ),
}


@dataclass(frozen=True)
class FollowedCase:
    """One case a volunteer follows, as her pages show it."""

    case: Case
    reported_at: dt.datetime  # her latest report on it
    subject_name: str  # the name she gave in that report ("" when she gave none)
    notes: list[Note]  # her own follow-up notes, oldest first

    @property
    def number(self) -> str:
        return self.case.number

    @property
    def tracking_code(self) -> str:
        return self.case.tracking_code

    @property
    def stage(self) -> str:
        return self.case.public_stage

    @property
    def stage_label(self) -> Promise:
        return STAGE_WORDS.get(self.case.public_stage, STAGE_WORDS[PublicStage.RECEIVED])[0]

    @property
    def next_step(self) -> Promise:
        return STAGE_WORDS.get(self.case.public_stage, STAGE_WORDS[PublicStage.RECEIVED])[1]

    @property
    def is_closed(self) -> bool:
        return self.case.public_stage == PublicStage.CLOSED


def volunteer_reported(user: Any, case: Case) -> bool:
    """The check cases.access.volunteer_follows asks: a report this user submitted is attached to the case."""
    return Report.objects.filter(submitted_by_id=user.pk, case_id=case.pk).exists()


def _followed(volunteer: Any) -> Any:
    """Her cases, each annotated with `reported_at` and `report_id` of her latest report on it (typed Any: the
    type checker cannot follow annotations)."""
    mine = Report.objects.filter(submitted_by=volunteer)
    latest = mine.filter(case_id=OuterRef("pk")).order_by("-created_at", "-id")
    return Case.objects.filter(pk__in=mine.filter(case__isnull=False).values("case_id")).annotate(
        reported_at=Subquery(latest.values("created_at")[:1]),
        report_id=Subquery(latest.values("id")[:1]),
    )


def _encode(at: dt.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at_text, pk_text = raw.split("|")
        at, pk = dt.datetime.fromisoformat(at_text), int(pk_text)
        if at.tzinfo is None or not 0 < pk < 2**63:
            raise ValueError("not a cursor this page issued")
        return at, pk
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise INVALID_CURSOR.error(field="after") from exc


def _decorate(volunteer: Any, cases: list[Any]) -> list[FollowedCase]:
    if not cases:
        return []
    reports = {
        r.pk: r for r in Report.objects.filter(pk__in=[c.report_id for c in cases]).only("id", "payload")
    }
    notes: dict[int, list[Note]] = {}
    for note in Note.objects.filter(case_id__in=[c.pk for c in cases], author=volunteer).order_by(
        "created_at", "id"
    ):
        notes.setdefault(note.case_id, []).append(note)
    out = []
    for case in cases:
        report = reports.get(case.report_id)
        subject = (report.payload.get("subject") or {}) if report is not None else {}
        out.append(
            FollowedCase(
                case=case,
                reported_at=case.reported_at,
                subject_name=subject.get("name", ""),
                notes=notes.get(case.pk, []),
            )
        )
    return out


def volunteer_cases(
    *, volunteer: Any, cursor: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[FollowedCase], str | None]:
    """The cases her reports are attached to, the latest reported first, one keyset page; and the next cursor.

    A bad cursor raises InvalidInput (invalid_cursor), as the case list's does.
    """
    rows = _followed(volunteer).order_by("-reported_at", "-id")
    if cursor:
        at, pk = _decode(cursor)
        rows = rows.filter(Q(reported_at__lt=at) | Q(reported_at=at, id__lt=pk))
    items: list[Any] = list(rows[: limit + 1])
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = _encode(items[-1].reported_at, items[-1].pk)
    return _decorate(volunteer, items), next_cursor


def volunteer_case_get(*, volunteer: Any, number: str) -> FollowedCase:
    """One case she follows, by number; NotFound (as for a missing case) for any case she did not report."""
    case = _followed(volunteer).filter(number=(number or "").strip()).first()
    if case is None:
        raise case_not_found()
    return _decorate(volunteer, [case])[0]


def volunteer_reports_pending(*, volunteer: Any) -> list[Report]:
    """Her reports stored but not yet a case (processing waits for a retry): she sees that they arrived."""
    return list(
        Report.objects.filter(submitted_by=volunteer, case__isnull=True).order_by("-created_at", "-id")[
            :PENDING_SHOWN
        ]
    )


def case_consents(*, case: Case) -> list[Consent]:
    """The consent recorded with each volunteer's report on the case, oldest first: what the case page shows its
    workers (who reported, for whom, who agreed, how and when)."""
    return list(
        Consent.objects.filter(report__case=case).select_related("recorded_by").order_by("created_at", "id")
    )
