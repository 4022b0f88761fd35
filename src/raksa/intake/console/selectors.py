"""Reads of the 1300 console: who is calling (people, their cases across agencies, risk flags, earlier calls),
the agent's current call for the caller pop, and the centre's call counts.

`caller_lookup` must stay fast on a registry of millions: an exact phone match on the identifiers' unique
(kind, value) index, then a handful of queries bounded by the few people found, never by the registry's size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q, prefetch_related_objects
from django.utils import timezone

from raksa.cases.models import Case, Status
from raksa.cases.person_access import people_access
from raksa.cases.selectors import RiskFlags, case_history, risk_flags
from raksa.core.identifiers import normalize_phone
from raksa.intake.models import Call
from raksa.people.models import Identifier, Person
from raksa.people.selectors import person_survivor

# How many of each person's cases the pop lists (the person page has them all).
HISTORY_LIMIT = 20
EARLIER_CALLS_LIMIT = 10
# A call left without an "ended" event (a lost webhook) stops popping after this long.
LIVE_WINDOW = dt.timedelta(hours=12)


@dataclass(frozen=True)
class CallerPerson:
    person: Person
    history: list[Case]
    open_cases: list[Case]
    flags: RiskFlags


@dataclass(frozen=True)
class CallerLookup:
    phone: str  # normalised; "" when what was typed is not a phone
    people: list[CallerPerson] = field(default_factory=list)
    earlier_calls: list[Call] = field(default_factory=list)
    earlier_calls_total: int = 0
    flags: RiskFlags = field(default_factory=RiskFlags)

    @property
    def is_repeat_caller(self) -> bool:
        return self.earlier_calls_total > 0

    @property
    def open_cases(self) -> list[Case]:
        seen: dict[int, Case] = {}
        for one in self.people:
            for case in one.open_cases:
                seen.setdefault(case.pk, case)
        return sorted(seen.values(), key=lambda c: c.created_at, reverse=True)


def _people_with_phone(phone: str) -> list[Person]:
    people: dict[int, Person] = {}
    rows = Identifier.objects.select_related("person").filter(kind=Identifier.Kind.PHONE, value=phone)
    for ident in rows:
        person = person_survivor(ident.person)
        people.setdefault(person.pk, person)
    return list(people.values())


def caller_lookup(*, user: Any, phone: str, exclude_call_id: str = "") -> CallerLookup:
    """Who is calling from `phone`, as `user` may see them: each person with that phone (exact, indexed), with
    their cases across agencies, newest first, their open ones, and their risk flags; and earlier calls from the
    number (a repeat caller). People the user may not see in full are left out: the console is the 1300
    centre's, whose intake roles see every record in full (raksa.cases.person_access).

    Neither counted nor logged: the view that shows the result does both (services.caller_shown_log).
    """
    number = normalize_phone(phone or "") or ""
    if not number:
        return CallerLookup(phone="")
    found = _people_with_phone(number)
    accesses = people_access(user, found)
    people = [p for p in found if accesses[p.pk].is_full]
    # The person card lists identifiers: one query for everyone shown.
    prefetch_related_objects(people, "identifiers")
    flags = risk_flags([p.pk for p in people])
    shown = []
    for person in people:
        history = case_history(user=user, person=person, limit=HISTORY_LIMIT)
        open_cases = [c for c in history if c.status != Status.CLOSED]
        shown.append(CallerPerson(person, history, open_cases, flags[person.pk]))
    calls = Call.objects.filter(caller=number)
    if exclude_call_id:
        calls = calls.exclude(call_id=exclude_call_id)
    earlier = list(calls.select_related("agent", "case").order_by("-created_at", "-id")[:EARLIER_CALLS_LIMIT])
    total = len(earlier) if len(earlier) < EARLIER_CALLS_LIMIT else calls.count()
    overall = RiskFlags(
        violence=any(p.flags.violence for p in shown),
        children=any(p.flags.children for p in shown),
        open_emergency=any(p.flags.open_emergency for p in shown),
    )
    return CallerLookup(
        phone=number, people=shown, earlier_calls=earlier, earlier_calls_total=total, flags=overall
    )


def call_current(*, agent: Any) -> Call | None:
    """The agent's newest call still waiting for her: ringing or answered, neither ended nor given an outcome
    (once she has said what came of it, her screen is free for the next caller). One query on the
    (agent, -created_at) index."""
    since = timezone.now() - LIVE_WINDOW
    return (
        Call.objects.filter(agent=agent, ended_at__isnull=True, outcome="", created_at__gte=since)
        .order_by("-created_at", "-id")
        .first()
    )


def call_state(call: Call) -> str:
    if call.ended_at is not None:
        return "ended"
    if call.answered_at is not None:
        return "answered"
    return "ringing"


@dataclass(frozen=True)
class CallStats:
    calls: int
    answered: int
    abandoned: int
    ringing: int
    outcomes: dict[str, int]
    handling_seconds_avg: float | None
    answer_seconds_avg: float | None
    handling_seconds_max: float | None


def _seconds(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value) / 1_000_000  # SQLite hands back microseconds


def call_stats(*, since: dt.datetime, until: dt.datetime, agent: Any = None) -> CallStats:
    """Calls that started in [since, until): how many, answered, abandoned (rang, ended, never answered),
    still ringing, each outcome, and the handling time (answered to ended) and the time to answer. One query on
    the created_at index; `agent` narrows it to one call-taker."""
    calls = Call.objects.filter(created_at__gte=since, created_at__lt=until)
    if agent is not None:
        calls = calls.filter(agent=agent)
    handling = ExpressionWrapper(F("ended_at") - F("answered_at"), output_field=DurationField())
    to_answer = ExpressionWrapper(F("answered_at") - F("rang_at"), output_field=DurationField())
    outcome_counts = {value: Count("id", filter=Q(outcome=value)) for value in Call.Outcome.values}
    row = calls.aggregate(
        calls=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        abandoned=Count("id", filter=Q(answered_at__isnull=True, ended_at__isnull=False)),
        ringing=Count("id", filter=Q(answered_at__isnull=True, ended_at__isnull=True)),
        handling_avg=Avg(handling, filter=Q(answered_at__isnull=False, ended_at__isnull=False)),
        handling_max=Max(handling, filter=Q(answered_at__isnull=False, ended_at__isnull=False)),
        answer_avg=Avg(to_answer, filter=Q(answered_at__isnull=False, rang_at__isnull=False)),
        **{f"outcome_{value}": count for value, count in outcome_counts.items()},
    )
    return CallStats(
        calls=row["calls"],
        answered=row["answered"],
        abandoned=row["abandoned"],
        ringing=row["ringing"],
        outcomes={value: row[f"outcome_{value}"] for value in Call.Outcome.values},
        handling_seconds_avg=_seconds(row["handling_avg"]),
        answer_seconds_avg=_seconds(row["answer_avg"]),
        handling_seconds_max=_seconds(row["handling_max"]),
    )


def call_stats_today(*, agent: Any = None) -> CallStats:
    """Today's figures, by the centre's clock (Asia/Bangkok)."""
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    return call_stats(since=start, until=start + dt.timedelta(days=1), agent=agent)
