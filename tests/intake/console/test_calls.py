"""The call log: events from the telephony system, calls she logs herself, outcomes and the centre's counts."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from raksa.core.errors import Conflict, InvalidInput, NotFound
from raksa.intake.console.selectors import call_stats, call_stats_today
from raksa.intake.console.services import call_end, call_event, call_outcome_set, call_start
from raksa.intake.models import Call
from tests.intake.console.helpers import ConsoleTestCase

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def event(name: str, *, agent: str = "call_taker", call_id: str = "c-1", caller: str = "+66 81 234 5678"):
    return call_event(agent_username=agent, call_id=call_id, caller=caller, event=name)


class CallEventTests(ConsoleTestCase):
    def test_it_opens_the_call_on_the_first_event_and_sets_each_time_once(self):
        with time_machine.travel(T0, tick=False):
            first = event("ringing")
        with time_machine.travel(T0 + dt.timedelta(seconds=5), tick=False):
            again = event("ringing")
            answered = event("answered")
        with time_machine.travel(T0 + dt.timedelta(seconds=90), tick=False):
            event("answered")
            ended = event("ended")
        with time_machine.travel(T0 + dt.timedelta(seconds=200), tick=False):
            event("ended")
        self.assertTrue(first.created)
        self.assertFalse(again.created)
        self.assertFalse(answered.created)
        call = Call.objects.get()
        self.assertEqual(call.pk, ended.call.pk)
        self.assertEqual(call.caller, "0812345678")
        self.assertEqual(call.agent, self.call_taker)
        self.assertEqual(call.rang_at, T0)
        self.assertEqual(call.answered_at, T0 + dt.timedelta(seconds=5))
        self.assertEqual(call.ended_at, T0 + dt.timedelta(seconds=90))

    def test_the_same_event_twice_changes_nothing(self):
        event("ringing")
        before = Call.objects.get()
        event("ringing")
        after = Call.objects.get()
        self.assertEqual(after.updated_at, before.updated_at)
        self.assertEqual(after.rang_at, before.rang_at)

    def test_answered_without_ringing_sets_both_times(self):
        event("answered")
        call = Call.objects.get()
        self.assertIsNotNone(call.rang_at)
        self.assertEqual(call.rang_at, call.answered_at)

    def test_an_answered_call_stays_with_the_agent_who_took_it(self):
        event("answered")
        with self.assertRaises(Conflict) as caught:
            event("answered", agent="call_taker_2")
        self.assertEqual(caught.exception.code, "call_taken")
        self.assertEqual(Call.objects.get().agent, self.call_taker)

    def test_a_ringing_call_moves_to_the_next_agent_of_a_ring_group(self):
        event("ringing")
        event("ringing", agent="call_taker_2")
        self.assertEqual(Call.objects.get().agent, self.second_taker)

    def test_an_unknown_agent_is_refused_naming_the_field(self):
        for name in ("nobody", "worker_bkk", "pbx", ""):
            with self.subTest(agent=name), self.assertRaises(InvalidInput) as caught:
                event("ringing", agent=name)
            self.assertEqual(caught.exception.code, "unknown_agent")
            self.assertEqual(caught.exception.errors[0].field, "agent")
        self.assertFalse(Call.objects.exists())

    def test_a_bad_phone_is_refused_and_a_withheld_one_is_kept_empty(self):
        with self.assertRaises(InvalidInput) as caught:
            event("ringing", caller="12345")
        self.assertEqual(caught.exception.code, "invalid_phone")
        self.assertEqual(caught.exception.errors[0].field, "caller")
        self.assertIn("12345", caught.exception.message_en)
        event("ringing", caller="")
        self.assertEqual(Call.objects.get().caller, "")

    def test_an_unknown_event_is_refused(self):
        with self.assertRaises(InvalidInput):
            event("hold")


class CallOutcomeTests(ConsoleTestCase):
    def test_a_call_she_logs_herself_rang_and_was_answered_now(self):
        with time_machine.travel(T0, tick=False):
            call = call_start(agent=self.call_taker, caller="081-234-5678")
        self.assertTrue(call.call_id.startswith("console-"))
        self.assertEqual((call.rang_at, call.answered_at), (T0, T0))
        self.assertEqual(call.caller, "0812345678")

    def test_the_outcome_is_hers_to_set_and_marks_the_call_answered(self):
        event("ringing")
        call = call_outcome_set(agent=self.call_taker, call="c-1", outcome="silent")
        self.assertEqual(call.outcome, "silent")
        self.assertIsNotNone(call.answered_at)
        with self.assertRaises(NotFound):
            call_outcome_set(agent=self.second_taker, call="c-1", outcome="prank")
        with self.assertRaises(InvalidInput):
            call_outcome_set(agent=self.call_taker, call="c-1", outcome="lunch")
        self.assertEqual(Call.objects.get().outcome, "silent")

    def test_ending_sets_the_end_once(self):
        with time_machine.travel(T0, tick=False):
            call = call_start(agent=self.call_taker, caller="0812345678")
        with time_machine.travel(T0 + dt.timedelta(minutes=3), tick=False):
            call_end(agent=self.call_taker, call=call)
        with time_machine.travel(T0 + dt.timedelta(minutes=9), tick=False):
            call_end(agent=self.call_taker, call=call)
        self.assertEqual(Call.objects.get().ended_at, T0 + dt.timedelta(minutes=3))


class CallStatsTests(ConsoleTestCase):
    def test_it_counts_answered_and_abandoned_calls_outcomes_and_handling_time(self):
        with time_machine.travel(T0, tick=False):
            event("ringing", call_id="a")
            event("answered", call_id="b")
            event("ringing", call_id="c", agent="call_taker_2")
            event("ringing", call_id="d")
        with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
            event("answered", call_id="a")
            event("ended", call_id="c", agent="call_taker_2")  # rang, never answered: abandoned
        with time_machine.travel(T0 + dt.timedelta(seconds=150), tick=False):
            event("ended", call_id="a")  # 120 s talking
            event("ended", call_id="b")  # 150 s talking
            call_outcome_set(agent=self.call_taker, call="a", outcome="prank")
            call_outcome_set(agent=self.call_taker, call="b", outcome="silent")
        stats = call_stats(since=T0 - dt.timedelta(hours=1), until=T0 + dt.timedelta(hours=1))
        self.assertEqual(stats.calls, 4)
        self.assertEqual(stats.answered, 2)
        self.assertEqual(stats.abandoned, 1)
        self.assertEqual(stats.ringing, 1)
        self.assertEqual(stats.outcomes["prank"], 1)
        self.assertEqual(stats.outcomes["silent"], 1)
        self.assertEqual(stats.outcomes["new_case"], 0)
        self.assertAlmostEqual(stats.handling_seconds_avg, 135.0)
        self.assertAlmostEqual(stats.handling_seconds_max, 150.0)
        self.assertAlmostEqual(stats.answer_seconds_avg, 15.0)
        mine = call_stats(
            since=T0 - dt.timedelta(hours=1), until=T0 + dt.timedelta(hours=1), agent=self.call_taker
        )
        self.assertEqual((mine.calls, mine.abandoned), (3, 0))

    def test_today_is_the_centres_day(self):
        # 23:30 in Bangkok on 1 December is 16:30 UTC; a call at 17:30 UTC is already 2 December there.
        with time_machine.travel(dt.datetime(2026, 12, 1, 16, 30, tzinfo=dt.UTC), tick=False):
            event("ringing", call_id="late")
        with time_machine.travel(dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.UTC), tick=False):
            event("ringing", call_id="next-day")
            self.assertEqual(call_stats_today().calls, 1)
            self.assertEqual(timezone.localdate().day, 2)
