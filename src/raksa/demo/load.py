"""Loading the demo plan (raksa.demo.plan) into the database, only through the application's own services.

The directory comes from directory_load, the demo staff from accounts' user_ensure, people from person_create,
and every case from the cases services (case_create, case_change_status, case_assign, note_add, referral_create,
referral_accept, case_close), each signed by the staff member who would do it: a referral is accepted by a member
of the receiving unit (a desk, see plan.DESK_PREFIX, where no demo staff member works). So every timeline, public
stage and lock is the one real work produces. Only then does raksa.demo.backdate spread each case's times over
the past. Dispatch's milestones wait for the dispatch app (plan.DISPATCH_STEPS).

A demo person is recognised by the identifiers the plan gives them, a demo case by having a demo person as its
subject, so a re-run tops up what is missing and changes nothing else (but the demo staff's passwords).

The community volunteer's reports go through her own channel's service (intake.volunteer), with consent, and a
re-run finds each by her idempotency key; their cases are hers, not the plan's, so the plan's count leaves them out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from raksa.accounts.models import User
from raksa.accounts.selectors import second_factor_required
from raksa.accounts.services import totp_device_ensure, user_ensure
from raksa.cases.models import Case, CaseParty, Channel, Referral
from raksa.cases.services import (
    case_assign,
    case_change_status,
    case_close,
    case_create,
    note_add,
    referral_accept,
    referral_create,
)
from raksa.demo.backdate import Schedule, backdate_cases
from raksa.demo.plan import (
    BANGKOK,
    DEFAULT_CASES,
    DEFAULT_PEOPLE,
    DEMO_SEED,
    DEMO_USERS,
    DESK_DISPLAY_NAME,
    DESK_ROLE,
    DISPATCH_STEPS,
    PLAN_DATE,
    TELEPHONY_USER,
    VOLUNTEER_USERNAME,
    CaseSpec,
    PersonSpec,
    VolunteerReportSpec,
    desk_units,
    manager_username,
    plan_cases,
    plan_people,
    plan_volunteer_reports,
    receiver_username,
    timeline_times,
)
from raksa.directory.models import Unit
from raksa.directory.services import directory_load
from raksa.intake.models import Report
from raksa.intake.volunteer.services import volunteer_note_add, volunteer_report_submit, volunteer_source
from raksa.people.models import Identifier, Person
from raksa.people.services import person_create

PASSWORD_ENV = "RAKSA_DEMO_PASSWORD"
# Rows per transaction: one commit per case would make SQLite spend most of the load syncing its file.
BATCH = 100


class Writer(Protocol):
    def write(self, msg: str, /) -> Any: ...


@dataclass
class DemoResult:
    users: list[tuple[str, str, str, str]]  # username, role, unit, password
    # username, authenticator key (hex), otpauth:// link: the demo users whose role signs in with a second factor
    second_factors: list[tuple[str, str, str]] = field(default_factory=list)
    people_created: int = 0
    people_total: int = 0
    cases_created: int = 0
    cases_total: int = 0
    volunteer_reports_created: int = 0
    volunteer_reports_total: int = 0
    seconds: float = 0.0
    telephony: str = ""  # the telephony service user's username


def demo_users_ensure(*, password: str | None = None) -> list[tuple[str, str, str, str]]:
    """The demo staff, one per role, each given a password now: `password` (or RAKSA_DEMO_PASSWORD) for all,
    otherwise a fresh random one each. Returns (username, role, unit, password) to print."""
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


def demo_second_factors_ensure(
    *, usernames: list[str], password: str | None = None
) -> list[tuple[str, str, str]]:
    """An authenticator key for each demo user whose role needs a second factor (RAKSA_2FA_ROLES), so the demo
    can be signed into at once. With a shared password the key is derived from it and stays the same across runs
    (an authenticator set up once keeps working); otherwise it is fresh each run, like the passwords."""
    shared = password or os.environ.get(PASSWORD_ENV) or None
    rows = []
    for user in User.objects.filter(username__in=usernames).order_by("username"):
        if not second_factor_required(user=user):
            continue
        if shared:
            key_hex = hashlib.sha256(f"raksa-demo-totp:{user.username}:{shared}".encode()).hexdigest()[:40]
        else:
            key_hex = secrets.token_hex(20)
        rows.append((user.username, key_hex, totp_device_ensure(user=user, key_hex=key_hex)))
    return rows


def demo_telephony_ensure() -> User:
    """The centre's telephony system as a service user: it signs in only with a token (made with `raksa token
    create --user pbx --role call_taker --service telephony`), which may post call events and nothing else."""
    username, role, unit_code, service, display_name = TELEPHONY_USER
    user = user_ensure(username=username, role=role, unit_code=unit_code, service=service)
    if user.display_name != display_name:
        user.display_name = display_name
        user.save(update_fields=["display_name"])
    return user


def demo_desks_ensure(*, unit_codes: list[str]) -> None:
    """A desk in each of these units: a staff member who answers referrals there and never signs in
    (user_ensure gives a new user no usable password, and a re-run leaves it so)."""
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
    for code in unit_codes:
        user = user_ensure(username=receiver_username(code), role=DESK_ROLE, unit_code=code)
        display_name = DESK_DISPLAY_NAME.format(unit=units[code].name_th)
        if user.display_name != display_name:
            user.display_name = display_name
            user.save(update_fields=["display_name"])


def demo_load(
    *,
    people: int = DEFAULT_PEOPLE,
    cases: int = DEFAULT_CASES,
    seed: int = DEMO_SEED,
    password: str | None = None,
    stdout: Writer | None = None,
) -> DemoResult:
    """Load the directory, the demo staff and the synthetic people and cases (topping up what is missing)."""
    started = time.monotonic()

    def say(msg: str) -> None:
        if stdout is not None:
            stdout.write(msg)

    directory_load()
    say("directory loaded")
    result = DemoResult(users=demo_users_ensure(password=password))
    result.second_factors = demo_second_factors_ensure(
        usernames=[row[0] for row in result.users], password=password
    )
    result.telephony = demo_telephony_ensure().username
    people_plan = plan_people(count=people, seed=seed, today=PLAN_DATE)
    person_ids = _people_load(people_plan, say)
    result.people_total = len(person_ids)
    result.people_created = sum(1 for pk in person_ids.values() if pk < 0)
    ids = {index: abs(pk) for index, pk in person_ids.items()}
    case_plan = plan_cases(count=cases, people=people_plan, seed=seed)
    created, total = _cases_load(case_plan, ids, say)
    result.cases_created, result.cases_total = created, total
    volunteer_plan = plan_volunteer_reports(people=people_plan)
    result.volunteer_reports_created = _volunteer_reports_load(volunteer_plan, ids)
    result.volunteer_reports_total = len(volunteer_plan)
    result.seconds = time.monotonic() - started
    return result


def _people_load(plan: list[PersonSpec], say: Callable[[str], None]) -> dict[int, int]:
    """Create the planned people that do not exist yet. Returns plan index -> person id (negative: created now)."""
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
    for start in range(0, len(missing), BATCH):
        with transaction.atomic():
            for spec in missing[start : start + BATCH]:
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
        say(f"people {min(start + BATCH, len(missing))}/{len(missing)} new ({len(plan)} planned)")
    if not missing:
        say(f"people: all {len(plan)} already loaded")
    return out


@dataclass
class _World:
    """What the loader looks up while it works: the staff by username, the units by code, people by id."""

    users: dict[str, User]
    units: dict[str, Unit]
    people: dict[int, Person]
    person_ids: dict[int, int]  # plan index -> person id

    def person(self, index: int) -> Person:
        return self.people[self.person_ids[index]]


def _cases_load(
    plan: list[CaseSpec], person_ids: dict[int, int], say: Callable[[str], None]
) -> tuple[int, int]:
    subject_ids = set(person_ids.values())
    existing = (
        Case.objects.filter(parties__role=CaseParty.Role.SUBJECT, parties__person_id__in=subject_ids)
        .exclude(channel=Channel.VOLUNTEER)
        .values("id")
        .distinct()
        .count()
    )
    todo = plan[existing:]
    desks = desk_units(todo)
    demo_desks_ensure(unit_codes=desks)
    usernames = {row[0] for row in DEMO_USERS} | {receiver_username(code) for code in desks}
    world = _World(
        users={u.username: u for u in User.objects.filter(username__in=usernames).select_related("unit")},
        units={u.code: u for u in Unit.objects.select_related("agency")},
        people={p.pk: p for p in Person.objects.filter(pk__in=subject_ids)},
        person_ids=person_ids,
    )
    now = timezone.now()
    for start in range(0, len(todo), BATCH):
        with transaction.atomic():
            made = {_case_load(spec, world).pk: spec for spec in todo[start : start + BATCH]}
            backdate_cases(cases=[Case(pk=pk) for pk in made], schedule=_planned_times(made, now))
        say(f"cases {min(start + BATCH, len(todo))}/{len(todo)} new ({len(plan)} planned)")
    if not todo:
        say(f"cases: all {len(plan)} already loaded")
    return len(todo), existing + len(todo)


def _volunteer_reports_load(plan: list[VolunteerReportSpec], person_ids: dict[int, int]) -> int:
    """Her reports not made yet, each with its follow-up note; returns how many were made now."""
    volunteer = User.objects.get(username=VOLUNTEER_USERNAME)
    people = {p.pk: p for p in Person.objects.filter(pk__in=[person_ids[s.subject] for s in plan])}
    made = 0
    for spec in plan:
        if Report.objects.filter(source=volunteer_source(volunteer), idempotency_key=spec.key).exists():
            continue
        person = people[person_ids[spec.subject]]
        national_id = person.identifiers.filter(kind=Identifier.Kind.NATIONAL_ID).values_list(
            "value", flat=True
        )
        report = volunteer_report_submit(
            volunteer=volunteer,
            idempotency_key=spec.key,
            text=spec.text,
            category=spec.category,
            subject={
                "name": f"{person.first_name_th} {person.last_name_th}".strip(),
                "national_id": national_id.first() or "",
            },
            location={
                "text": spec.place_text,
                "province_code": spec.province_code,
                "district_code": spec.district_code,
            },
            consent={"given_by": spec.consent_by, "method": spec.consent_method},
        ).report
        made += 1
        if spec.follow_up and report.case is not None:
            volunteer_note_add(volunteer=volunteer, number=report.case.number, body=spec.follow_up)
    return made


def _planned_times(specs: dict[int, CaseSpec], now: dt.datetime) -> Schedule:
    """The times the plan gives each case (by id) and its events, counted back from `now`."""

    def schedule(case: Case, kinds: list[str]) -> tuple[dt.datetime, list[dt.datetime]]:
        return timeline_times(specs[case.pk], kinds, now=now)

    return schedule


def _case_load(spec: CaseSpec, world: _World) -> Case:
    """Open the planned case and take it through its steps, each by the staff member who would do it."""
    parties = []
    if spec.perpetrator is not None:
        parties.append((world.person(spec.perpetrator), CaseParty.Role.ALLEGED_PERPETRATOR))
    if spec.channel in ("line", "web"):
        opener = None  # a public channel: nobody on the staff has touched the report yet
    elif spec.channel == "walk_in" and spec.place.province_code == BANGKOK:
        opener = world.users["demo_case_worker"]
    else:
        opener = world.users["demo_call_taker"]
    case = case_create(
        actor=opener,
        channel=spec.channel,
        summary=spec.summary,
        description=spec.description,
        category=spec.category,
        emergency_type=spec.emergency_type,
        urgency=spec.urgency,
        subject=world.person(spec.subject),
        reporter=world.person(spec.reporter) if spec.reporter is not None else None,
        parties=parties,
        location_text=spec.location_text,
        province_code=spec.place.province_code,
        district_code=spec.place.district_code,
        subdistrict_code=spec.place.subdistrict_code,
        owning_unit=world.units[spec.owning_unit] if spec.owning_unit else None,
    )
    owner = case.owning_unit.code
    actor = world.users[manager_username(owner, case.province_code)]
    referrals: dict[str, Referral] = {}
    for step in spec.steps:
        if step.kind in ("screening", "active"):
            case = case_change_status(actor=actor, case=case, status=step.kind)
        elif step.kind == "note":
            note_add(actor=actor, case=case, body=step.text)
        elif step.kind == "assign":
            # The Bangkok office's case worker is the only demo worker there is to assign a case to.
            if owner == "pso-10":
                case = case_assign(actor=actor, case=case, assignee=world.users["demo_case_worker"])
        elif step.kind == "refer":
            # A routed case may already be owned by the unit the plan refers it to: then there is nobody to ask.
            if step.unit_code != owner:
                referrals[step.unit_code] = referral_create(
                    actor=actor, case=case, to_unit=world.units[step.unit_code], reason=step.text
                )
        elif step.kind == "accept":
            if step.unit_code in referrals:
                referral_accept(
                    actor=world.users[receiver_username(step.unit_code)], referral=referrals[step.unit_code]
                )
        elif step.kind in DISPATCH_STEPS:
            continue
        elif step.kind == "close":
            case = case_close(actor=actor, case=case, outcome=step.text)
        else:
            raise ValueError(f"unknown demo step: {step.kind!r}")
    return case
