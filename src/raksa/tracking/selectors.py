"""What the tracking page and API read: a case by its code, its public stages and their dates, the owning unit's
usual time from one stage to the next, and the notes its staff wrote for the public.

Nothing here returns anything about a person or the case's content: the public answer is built only from the
stage events (CaseEvent.stage), the owning unit's public name, and public notes (cases.events.PUBLIC_NOTE_ADDED).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from raksa.cases.events import PUBLIC_NOTE_ADDED
from raksa.cases.models import Case, CaseEvent, CaseParty, PublicStage
from raksa.cases.stages import ORDER, StageWords, rank, words
from raksa.people.models import Identifier

# The unit's figures: cases it opened in this many days, at least this many of which left the stage.
WAIT_DAYS = 90
WAIT_MIN_CASES = 5
WAIT_SAMPLE_MAX = 2000
# The figure changes slowly; every look-up asking for it again would cost one query per page view.
WAIT_CACHE_SECONDS = 10 * 60
PUBLIC_NOTES_SHOWN = 20


@dataclass(frozen=True)
class StageAt:
    stage: str
    at: dt.datetime | None

    @property
    def words(self) -> StageWords:
        return words(self.stage)


@dataclass(frozen=True)
class PublicNote:
    at: dt.datetime
    text: str


@dataclass(frozen=True)
class NextStep:
    th: str
    en: str


@dataclass(frozen=True)
class Tracked:
    """One case as the public may see it. `verified` says a second factor was given: only then are the agency,
    the history (every stage change, oldest first) and the public notes filled, and the dates of stages other
    than the current one."""

    code: str
    stage: str
    stage_at: dt.datetime
    ladder: list[StageAt]  # the seven stages in DESIGN.md's order
    next_step: NextStep
    verified: bool
    agency_th: str = ""
    agency_en: str = ""
    history: tuple[StageAt, ...] = ()
    public_notes: tuple[PublicNote, ...] = ()

    @property
    def words(self) -> StageWords:
        return words(self.stage)


def case_for_code(code: str) -> Case | None:
    try:
        return Case.objects.select_related("owning_unit").get(tracking_code=code)
    except Case.DoesNotExist:
        return None


def reporter_phones(code: str) -> list[str]:
    """The phones of the people who reported the case with this code (the phone given at intake is one of
    them): one query by the code, asked whether or not a case has it, so an unknown code costs the same."""
    return list(
        Identifier.objects.filter(
            kind=Identifier.Kind.PHONE,
            person__case_parties__role=CaseParty.Role.REPORTER,
            person__case_parties__case__tracking_code=code,
        )
        .order_by()
        .values_list("value", flat=True)
    )


def _minute(at: dt.datetime) -> dt.datetime:
    # The public needs the minute, not the microsecond that would tell one event from the next.
    return timezone.localtime(at).replace(second=0, microsecond=0)


def stage_entries(case: Case) -> list[StageAt]:
    """Every move of the case into a stage, oldest first."""
    rows = (
        CaseEvent.objects.filter(case=case)
        .exclude(stage="")
        .order_by("created_at", "id")
        .values_list("stage", "created_at")
    )
    entries = [StageAt(stage, _minute(at)) for stage, at in rows]
    # Events recorded before stages were kept with them: the case's opening, and where it stands now.
    if not entries:
        entries.append(StageAt(PublicStage.RECEIVED, _minute(case.created_at)))
    if entries[-1].stage != case.public_stage:
        entries.append(StageAt(case.public_stage, _minute(case.updated_at)))
    return entries


def stage_ladder(entries: list[StageAt]) -> list[StageAt]:
    """The seven stages in order, each with when the case last entered it; None for a stage it has not reached
    (or skipped: not every case goes through a field team). A reopened case starts again from where it was
    reopened to, so the stages above that lose their dates."""
    reached: dict[str, dt.datetime] = {}
    for entry in entries:
        if entry.at is None:
            continue
        for stage in [s for s in reached if rank(s) > rank(entry.stage)]:
            del reached[stage]
        reached[entry.stage] = entry.at
    return [StageAt(stage, reached.get(stage)) for stage in ORDER]


def usual_wait(*, unit_id: int, stage: str, now: dt.datetime | None = None) -> dt.timedelta | None:
    """The median time the unit's cases took from entering `stage` to the next stage: of the cases it opened in
    the last WAIT_DAYS days that have moved on. None when fewer than WAIT_MIN_CASES have."""
    key = f"raksa.tracking.wait:{unit_id}:{stage}"
    cached = cache.get(key)
    if cached is not None:
        return dt.timedelta(seconds=cached) if cached >= 0 else None
    now = now or timezone.now()
    opened = Case.objects.filter(
        owning_unit_id=unit_id, created_at__gte=now - dt.timedelta(days=WAIT_DAYS)
    ).values("pk")
    following = (
        CaseEvent.objects.filter(case_id=OuterRef("case_id"))
        .filter(
            Q(created_at__gt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), id__gt=OuterRef("id"))
        )
        .exclude(stage="")
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    rows = (
        CaseEvent.objects.filter(case_id__in=opened, stage=stage)
        .annotate(left_at=Subquery(following))
        .filter(left_at__isnull=False)
        .order_by("-created_at")
        .values_list("created_at", "left_at")[:WAIT_SAMPLE_MAX]
    )
    waits = [(left - entered).total_seconds() for entered, left in rows]
    seconds = round(statistics.median(waits)) if len(waits) >= WAIT_MIN_CASES else -1
    cache.set(key, seconds, WAIT_CACHE_SECONDS)
    return dt.timedelta(seconds=seconds) if seconds >= 0 else None


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def wait_words(wait: dt.timedelta) -> tuple[str, str]:
    """A wait as a person says it, rounded: "ประมาณ 3 ชั่วโมง", "about 3 hours"."""
    minutes = wait.total_seconds() / 60
    if minutes < 55:
        n = max(5, int(5 * round(minutes / 5)))
        return f"ประมาณ {n} นาที", f"about {n} minutes"
    hours = minutes / 60
    if hours < 36:
        n = max(1, round(hours))
        return f"ประมาณ {n} ชั่วโมง", f"about {_plural(n, 'hour')}"
    n = round(hours / 24)
    return f"ประมาณ {n} วัน", f"about {_plural(n, 'day')}"


def next_step(*, stage: str, unit_id: int) -> NextStep:
    """What happens next, and how long the owning unit usually takes to get there."""
    said = words(stage)
    if stage == PublicStage.CLOSED:
        return NextStep(said.next_th, said.next_en)
    wait = usual_wait(unit_id=unit_id, stage=stage)
    if wait is None:
        return NextStep(
            f"{said.next_th} ระยะเวลาขึ้นอยู่กับแต่ละเรื่อง ถ้ายังไม่มีความคืบหน้า หรือมีเรื่องด่วน โทร 1300 ได้ตลอด 24 ชั่วโมง",
            f"{said.next_en} How long this takes depends on the request; if nothing moves, or it is urgent, "
            "call 1300 at any hour.",
        )
    th, en = wait_words(wait)
    return NextStep(
        f"{said.next_th} โดยปกติขั้นตอนนี้ใช้เวลา{th} (จากเรื่องของหน่วยงานนี้ในช่วง {WAIT_DAYS} วันที่ผ่านมา)",
        f"{said.next_en} This step usually takes {en} (from this office's requests over the last "
        f"{WAIT_DAYS} days).",
    )


def public_notes(case: Case) -> tuple[PublicNote, ...]:
    rows = (
        CaseEvent.objects.filter(case=case, kind=PUBLIC_NOTE_ADDED.kind)
        .order_by("-created_at", "-id")
        .values_list("created_at", "data")[:PUBLIC_NOTES_SHOWN]
    )
    return tuple(PublicNote(_minute(at), str((data or {}).get("text", ""))) for at, data in rows)


def tracked(case: Case, *, verified: bool) -> Tracked:
    """The public view of `case`; with `verified`, what the second factor opens as well."""
    entries = stage_entries(case)
    ladder = stage_ladder(entries)
    current = next((s for s in ladder if s.stage == case.public_stage), None)
    stage_at = current.at if current is not None and current.at is not None else _minute(case.updated_at)
    view = Tracked(
        code=case.tracking_code,
        stage=case.public_stage,
        stage_at=stage_at,
        ladder=ladder
        if verified
        else [StageAt(s.stage, stage_at if s.stage == case.public_stage else None) for s in ladder],
        next_step=next_step(stage=case.public_stage, unit_id=case.owning_unit_id),
        verified=verified,
    )
    if not verified:
        return view
    unit = case.owning_unit
    return replace(
        view,
        agency_th=unit.name_th or unit.name_en,
        agency_en=unit.name_en or unit.name_th,
        history=tuple(entries),
        public_notes=public_notes(case),
    )
