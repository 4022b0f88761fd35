from __future__ import annotations

import datetime as dt
from itertools import pairwise

from django.test import SimpleTestCase

from raksa.demo.plan import (
    DISPATCH_STEPS,
    PLAN_DATE,
    plan_cases,
    plan_people,
    timeline_times,
)

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


# SimpleTestCase refuses any database query: planning must not need one.
class PlanTests(SimpleTestCase):
    def test_it_plans_the_same_demo_from_the_same_seed(self) -> None:
        people = plan_people(count=120, seed=1300, today=PLAN_DATE)
        self.assertEqual(people, plan_people(count=120, seed=1300, today=PLAN_DATE))
        self.assertEqual(
            plan_cases(count=200, people=people, seed=1300), plan_cases(count=200, people=people, seed=1300)
        )
        other = plan_people(count=120, seed=7, today=PLAN_DATE)
        self.assertNotEqual([p.identifiers for p in people], [p.identifiers for p in other])

    def test_it_plans_a_smaller_demo_as_the_start_of_a_larger_one(self) -> None:
        # What lets a re-run with more people or cases top up an earlier load.
        people = plan_people(count=150, seed=1300, today=PLAN_DATE)
        self.assertEqual(plan_people(count=100, seed=1300, today=PLAN_DATE), people[:100])
        self.assertEqual(
            plan_cases(count=50, people=people, seed=1300),
            plan_cases(count=80, people=people, seed=1300)[:50],
        )

    def test_it_plans_dispatch_milestones_for_emergencies_only(self) -> None:
        people = plan_people(count=120, seed=1300, today=PLAN_DATE)
        cases = plan_cases(count=300, people=people, seed=1300)
        with_dispatch = {spec.index for spec in cases if DISPATCH_STEPS & {s.kind for s in spec.steps}}
        self.assertEqual(with_dispatch, {spec.index for spec in cases if spec.emergency_type})

    def test_it_times_a_timeline_in_the_past_without_going_back(self) -> None:
        people = plan_people(count=120, seed=1300, today=PLAN_DATE)
        cases = plan_cases(count=60, people=people, seed=1300)
        kinds = ["created", "party_added", "party_added", "status_changed", "note_added", "closed"]
        for spec in cases:
            opened, times = timeline_times(spec, kinds, now=NOW)
            self.assertEqual(len(times), len(kinds))
            self.assertEqual(times[0], opened)
            self.assertTrue(all(a <= b for a, b in pairwise(times)))
            self.assertLessEqual(times[-1], NOW)
            self.assertEqual(opened, NOW - dt.timedelta(days=spec.age_days))
            self.assertEqual((opened, times), timeline_times(spec, kinds, now=NOW))
