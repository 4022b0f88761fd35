"""The one mapping table from case statuses and dispatch states to public stages (cases/stages.py)."""

from __future__ import annotations

from django.test import SimpleTestCase

from raksa.cases.events import EventType, event_type_of, event_types
from raksa.cases.models import PublicStage, Status
from raksa.cases.stages import DISPATCH, MAPPING, ORDER, STATUS, STATUS_STAGE, WORDS, dispatch_stage
from raksa.dispatch import events as dispatch_events
from raksa.dispatch.models import DispatchState

# Dispatch states that leave the public stage as it is: nobody has the case yet, or the team gave it back.
STAGE_KEPT = {DispatchState.PENDING, DispatchState.ESCALATED, DispatchState.DECLINED, DispatchState.CANCELLED}
# The dispatch event that enters each state which moves the stage.
ENTERING = {
    DispatchState.ALERTED: dispatch_events.DISPATCH_ALERTED,
    DispatchState.ACKNOWLEDGED: dispatch_events.DISPATCH_ACKNOWLEDGED,
    DispatchState.EN_ROUTE: dispatch_events.DISPATCH_EN_ROUTE,
    DispatchState.ON_SCENE: dispatch_events.DISPATCH_ON_SCENE,
    DispatchState.RESOLVED: dispatch_events.DISPATCH_RESOLVED,
}


class StageMappingTests(SimpleTestCase):
    def test_every_status_has_its_stage(self):
        self.assertEqual(set(STATUS_STAGE), set(Status.values))
        self.assertEqual(
            STATUS_STAGE,
            {
                "new": "received",
                "screening": "screening",
                "active": "in_progress",
                "referred": "referred",
                "closed": "closed",
            },
        )

    def test_every_dispatch_state_either_has_a_stage_or_leaves_it_as_it_is(self):
        mapped = {state for what, state in MAPPING if what == DISPATCH}
        self.assertLessEqual(mapped, set(DispatchState.values))  # the table names dispatch's own states
        self.assertEqual(mapped | STAGE_KEPT, set(DispatchState.values))
        self.assertFalse(mapped & STAGE_KEPT)
        self.assertEqual(
            {state: dispatch_stage(state) for state in DispatchState.values},
            {
                "pending": "",
                "alerted": "forwarded",
                "acknowledged": "forwarded",
                "en_route": "forwarded",
                "on_scene": "on_scene",
                "resolved": "in_progress",
                "escalated": "",
                "declined": "",
                "cancelled": "",
            },
        )

    def test_the_table_holds_only_statuses_dispatch_states_and_public_stages(self):
        for (what, _state), stage in MAPPING.items():
            self.assertIn(what, (STATUS, DISPATCH))
            self.assertIn(stage, PublicStage.values)

    def test_dispatch_declares_its_events_with_the_tables_stages(self):
        for state, event_type in ENTERING.items():
            self.assertEqual(event_type.stage, dispatch_stage(state), event_type.kind)
        others = [t for t in event_types() if t.kind.startswith("dispatch_") and t not in ENTERING.values()]
        self.assertTrue(others)
        for event_type in others:
            self.assertEqual(event_type.stage, "", event_type.kind)

    def test_only_dispatch_moves_a_case_to_forwarded_or_on_scene(self):
        from raksa.cases import events as case_events
        from raksa.intake import events as intake_events

        for module in (case_events, intake_events):
            for event_type in vars(module).values():
                if isinstance(event_type, EventType):
                    self.assertNotIn(event_type.stage, ("forwarded", "on_scene"), event_type.kind)

    def test_every_stage_is_worded_in_plain_thai_and_english(self):
        self.assertEqual(tuple(WORDS), ORDER)
        self.assertEqual(ORDER, tuple(PublicStage.values))
        for stage, said in WORDS.items():
            self.assertEqual(said.name_th, PublicStage(stage).label)
            for text in (said.name_th, said.next_th):
                self.assertTrue(any("\u0e00" <= ch <= "\u0e7f" for ch in text), text)
            for text in (said.name_en, said.next_en):
                self.assertTrue(text.isascii() and text[0].isupper(), text)
            # Words for the public, not the logbook's own.
            for internal in ("status", "dispatch", "case", "สถานะ"):
                self.assertNotIn(internal, f"{said.name_en} {said.next_en} {said.name_th} {said.next_th}")


def test_every_declared_stage_is_a_public_stage():
    for event_type in event_types():
        assert event_type_of(event_type.kind) is event_type
        assert event_type.stage in ("", *PublicStage.values)
