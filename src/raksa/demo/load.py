"""Loading the demo plan (raksa.demo.plan) into the database: the directory, the demo staff, people and cases.

A demo person is recognised by the identifiers the plan gives them, a demo case by having a demo person as its
subject, so a re-run tops up what is missing and changes nothing else.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from raksa.demo.plan import (
    BANGKOK,
    DEFAULT_CASES,
    DEFAULT_PEOPLE,
    DEMO_SEED,
    DEMO_USERS,
    PLAN_DATE,
    CaseSpec,
    PersonSpec,
    plan_cases,
    plan_people,
)

PASSWORD_ENV = "RAKSA_DEMO_PASSWORD"


class Writer(Protocol):
    def write(self, msg: str, /) -> Any: ...


@dataclass
class DemoResult:
    users: list[tuple[str, str, str, str]]  # username, role, unit, password
    people_created: int = 0
    people_total: int = 0
    cases_created: int = 0
    cases_total: int = 0
    seconds: float = 0.0


def demo_users_ensure(*, password: str | None = None) -> list[tuple[str, str, str, str]]:
    """The demo staff, one per role, each given a password now: `password` (or RAKSA_DEMO_PASSWORD) for all,
    otherwise a fresh random one each. Returns (username, role, unit, password) to print."""
    from raksa.accounts.services import user_ensure

    shared = password or os.environ.get(PASSWORD_ENV) or None
    rows = []
    for username, role, unit_code, display_name in DEMO_USERS:
        user = user_ensure(username=username, role=role, unit_code=unit_code)
        secret = shared or secrets.token_urlsafe(9)
        user.set_password(secret)
        user.display_name = display_name
        user.is_staff = role == "admin"
        user.is_superuser = role == "admin"
        user.save(update_fields=["password", "display_name", "is_staff", "is_superuser"])
        rows.append((username, role, unit_code, secret))
    return rows


def demo_load(
    *,
    people: int = DEFAULT_PEOPLE,
    cases: int = DEFAULT_CASES,
    seed: int = DEMO_SEED,
    password: str | None = None,
    stdout: Writer | None = None,
) -> DemoResult:
    """Load the directory, the demo staff and the synthetic people and cases (topping up what is missing)."""
    from raksa.directory.services import directory_load

    started = time.monotonic()

    def say(msg: str) -> None:
        if stdout is not None:
            stdout.write(msg)

    directory_load()
    say("directory loaded")
    result = DemoResult(users=demo_users_ensure(password=password))
    people_plan = plan_people(count=people, seed=seed, today=PLAN_DATE)
    person_ids = _people_load(people_plan, say)
    result.people_total = len(person_ids)
    result.people_created = sum(1 for pk in person_ids.values() if pk < 0)
    ids = {index: abs(pk) for index, pk in person_ids.items()}
    case_plan = plan_cases(count=cases, people=people_plan, seed=seed)
    created, total = _cases_load(case_plan, ids, say)
    result.cases_created, result.cases_total = created, total
    result.seconds = time.monotonic() - started
    return result


def _people_load(plan: list[PersonSpec], say: Callable[[str], None]) -> dict[int, int]:
    """Create the planned people that do not exist yet. Returns plan index -> person id (negative: created now)."""
    from django.db import transaction

    from raksa.accounts.models import User
    from raksa.people.models import Identifier
    from raksa.people.services import person_create

    actor = User.objects.get(username="demo_call_taker")
    values = [value for spec in plan for value in spec.identifiers]
    existing: dict[str, int] = {}
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        existing.update(Identifier.objects.filter(value__in=chunk).values_list("value", "person_id"))
    out: dict[int, int] = {}
    missing = []
    for spec in plan:
        found = next((existing[v] for v in spec.identifiers if v in existing), None)
        if found is not None:
            out[spec.index] = found
        else:
            missing.append(spec)
    batch = 100
    for start in range(0, len(missing), batch):
        with transaction.atomic():
            for spec in missing[start : start + batch]:
                person = person_create(
                    actor=actor,
                    title=spec.title,
                    first_name_th=spec.first_name_th,
                    last_name_th=spec.last_name_th,
                    first_name_en=spec.first_name_en,
                    last_name_en=spec.last_name_en,
                    nickname=spec.nickname,
                    sex=spec.sex,
                    birth_date=spec.birth_date,
                    age=None if spec.birth_date else spec.age,
                    nationality=spec.nationality,
                    status=spec.status,
                    national_id=spec.national_id,
                    passport=spec.passport,
                    phones=spec.phones,
                    line_user_id=spec.line_user_id,
                    address=spec.address,
                )
                out[spec.index] = -person.pk
        say(f"people {min(start + batch, len(missing))}/{len(missing)} new ({len(plan)} planned)")
    if not missing:
        say(f"people: all {len(plan)} already loaded")
    return out


@dataclass
class _Actors:
    call_taker: Any
    responder: Any
    case_worker: Any
    supervisor: Any
    units: dict[str, Any]

    def manager(self, unit_code: str, province_code: str) -> Any:
        """The demo staff member who would work a case owned by `unit_code` (the 1300 centre for the rest)."""
        if unit_code == "pso-10":
            return self.case_worker
        if unit_code == "rru-10":
            return self.responder
        if province_code == BANGKOK:
            return self.supervisor
        return self.call_taker


def _cases_load(
    plan: list[CaseSpec], person_ids: dict[int, int], say: Callable[[str], None]
) -> tuple[int, int]:
    from django.db import transaction

    from raksa.accounts.models import User
    from raksa.cases.models import Case, CaseParty
    from raksa.directory.models import Unit

    subject_ids = set(person_ids.values())
    existing = (
        Case.objects.filter(parties__role=CaseParty.Role.SUBJECT, parties__person_id__in=subject_ids)
        .values("id")
        .distinct()
        .count()
    )
    todo = plan[existing:]
    users = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in DEMO_USERS])}
    actors = _Actors(
        call_taker=users["demo_call_taker"],
        responder=users["demo_responder"],
        case_worker=users["demo_case_worker"],
        supervisor=users["demo_supervisor"],
        units={u.code: u for u in Unit.objects.select_related("agency")},
    )
    people = _people_by_id(set(person_ids.values()))
    now = dt.datetime.now(dt.UTC)
    batch = 100
    for start in range(0, len(todo), batch):
        with transaction.atomic():
            made = [_case_create(spec, person_ids, people, actors) for spec in todo[start : start + batch]]
            _backdate(made, now)
        say(f"cases {min(start + batch, len(todo))}/{len(todo)} new ({len(plan)} planned)")
    if not todo:
        say(f"cases: all {len(plan)} already loaded")
    return len(todo), existing + len(todo)


def _people_by_id(ids: set[int]) -> dict[int, Any]:
    from raksa.people.models import Person

    return {p.pk: p for p in Person.objects.filter(pk__in=ids)}


def _case_create(
    spec: CaseSpec, person_ids: dict[int, int], people: dict[int, Any], actors: _Actors
) -> tuple[Any, CaseSpec]:
    from raksa.cases import services
    from raksa.cases.events import EventKind, event_record

    subject = people[person_ids[spec.subject]]
    parties = []
    if spec.perpetrator is not None:
        parties.append((people[person_ids[spec.perpetrator]], "alleged_perpetrator"))
    public = spec.channel in ("line", "web")
    owning = actors.units[spec.owning_unit] if spec.owning_unit else None
    opener = (
        None
        if public
        else (
            actors.case_worker
            if spec.channel == "walk_in" and spec.place.province_code == BANGKOK
            else actors.call_taker
        )
    )
    case = services.case_create(
        actor=opener,
        channel=spec.channel,
        summary=spec.summary,
        description=spec.description,
        category=spec.category,
        emergency_type=spec.emergency_type,
        urgency=spec.urgency,
        subject=subject,
        reporter=people[person_ids[spec.reporter]] if spec.reporter is not None else None,
        parties=parties,
        location_text=spec.location_text,
        province_code=spec.place.province_code,
        district_code=spec.place.district_code,
        subdistrict_code=spec.place.subdistrict_code,
        owning_unit=owning,
    )
    unit_code = case.owning_unit.code
    actor = actors.manager(unit_code, case.province_code)
    for step in spec.steps:
        if step.kind in ("screening", "active"):
            case = services.case_change_status(actor=actor, case=case, status=step.kind)
        elif step.kind == "note":
            services.note_add(actor=actor, case=case, body=step.text)
        elif step.kind == "assign":
            if unit_code == "pso-10":
                case = services.case_assign(actor=actor, case=case, assignee=actors.case_worker)
        elif step.kind == "refer":
            to_unit = actors.units[step.unit_code]
            if to_unit.pk != case.owning_unit_id:
                services.referral_create(actor=actor, case=case, to_unit=to_unit, reason=step.text)
        elif step.kind == "accept":
            _referral_accept_in_unit_name(case, actors.units[step.unit_code])
        elif step.kind in ("forwarded", "on_scene"):
            kind = EventKind.FORWARDED if step.kind == "forwarded" else EventKind.ON_SCENE
            event_record(case=case, kind=kind, unit=case.owning_unit, data={"unit": unit_code})
        elif step.kind == "close":
            case = services.case_close(actor=actor, case=case, outcome=step.text)
    return case, spec


def _referral_accept_in_unit_name(case: Any, unit: Any) -> None:
    """What referral_accept does, signed by the receiving unit itself (no demo staff member works there)."""
    from django.utils import timezone

    from raksa.cases.events import EventKind, event_record
    from raksa.cases.models import Referral

    referral = Referral.objects.filter(case=case, to_unit=unit, state=Referral.State.PENDING).first()
    if referral is None:
        return
    referral.state = Referral.State.ACCEPTED
    referral.decided_at = timezone.now()
    referral.save(update_fields=["state", "decided_at", "updated_at"])
    event_record(
        case=case,
        kind=EventKind.REFERRAL_ACCEPTED,
        unit=unit,
        data={"referral_id": referral.pk, "to_unit": unit.code},
    )


def _backdate(made: list[tuple[Any, CaseSpec]], now: dt.datetime) -> None:
    """Spread each case's timeline back over the days the plan gives it, keeping the order of its events."""
    from raksa.cases.models import Case, CaseEvent, CaseParty, Note, Referral

    if not made:
        return
    by_case = {case.pk: spec for case, spec in made}
    events = list(CaseEvent.objects.filter(case_id__in=by_case).order_by("case_id", "created_at", "id"))
    grouped: dict[int, list[Any]] = defaultdict(list)
    for event in events:
        grouped[event.case_id].append(event)
    cases = {c.pk: c for c in Case.objects.filter(pk__in=by_case)}
    notes = {n.pk: n for n in Note.objects.filter(case_id__in=by_case)}
    referrals = {r.pk: r for r in Referral.objects.filter(case_id__in=by_case)}
    parties = list(CaseParty.objects.filter(case_id__in=by_case))
    opened_at: dict[int, dt.datetime] = {}
    for case_id, spec in by_case.items():
        rng = random.Random(spec.index * 7919)
        start = now - dt.timedelta(days=spec.age_days)
        emergency = bool(spec.emergency_type)
        span = (now - start).total_seconds()
        at = start
        timeline = grouped.get(case_id, [])
        for event in timeline:
            event.created_at = at
            if event.kind == "note_added" and event.data.get("note_id") in notes:
                note = notes[event.data["note_id"]]
                note.created_at = note.updated_at = at
            elif event.kind == "referral_created" and event.data.get("referral_id") in referrals:
                referral = referrals[event.data["referral_id"]]
                referral.created_at = referral.updated_at = at
            elif event.kind == "referral_accepted" and event.data.get("referral_id") in referrals:
                referral = referrals[event.data["referral_id"]]
                referral.decided_at = referral.updated_at = at
            if event.kind in ("created", "party_added"):
                step = rng.uniform(5, 90)
            elif emergency:
                step = rng.uniform(60, 40 * 60)
            else:
                step = rng.uniform(0.1, 1) * span / max(2, len(timeline))
            at = min(at + dt.timedelta(seconds=step), now)
        case = cases[case_id]
        case.created_at = start
        case.updated_at = timeline[-1].created_at if timeline else start
        if case.closed_at is not None and timeline:
            case.closed_at = timeline[-1].created_at
        opened_at[case_id] = start
    for party in parties:
        party.created_at = party.updated_at = opened_at[party.case_id]
    CaseEvent.objects.bulk_update(events, ["created_at"], batch_size=500)
    Case.objects.bulk_update(list(cases.values()), ["created_at", "updated_at", "closed_at"], batch_size=500)
    Note.objects.bulk_update(list(notes.values()), ["created_at", "updated_at"], batch_size=500)
    Referral.objects.bulk_update(
        list(referrals.values()), ["created_at", "updated_at", "decided_at"], batch_size=500
    )
    CaseParty.objects.bulk_update(parties, ["created_at", "updated_at"], batch_size=500)
