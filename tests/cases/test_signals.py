from __future__ import annotations

from raksa.people.models import PersonMerge
from raksa.people.signals import person_merge_reversed, person_merged
from tests.base import RaksaTestCase
from tests.cases.helpers import kinds, open_case, person


class PersonMergeEventTests(RaksaTestCase):
    def test_it_writes_a_merge_event_on_each_affected_case(self):
        survivor, merged = person(), person()
        first = open_case(self.call_taker, self.bkk_office, subject=merged)
        second = open_case(self.call_taker, self.cm_office, reporter=merged)
        untouched = open_case(self.call_taker, self.cm_office)
        merge = PersonMerge.objects.create(survivor=survivor, merged=merged, performed_by=self.call_taker)
        person_merged.send(
            sender=PersonMerge, merge=merge, actor=self.call_taker, case_ids=[first.pk, second.pk]
        )
        self.assertEqual(kinds(first)[-1], "person_merged")
        self.assertEqual(kinds(second)[-1], "person_merged")
        self.assertEqual(kinds(untouched), ["created"])
        event = first.events.last()
        self.assertEqual(
            event.data, {"merge_id": merge.pk, "survivor_id": survivor.pk, "merged_id": merged.pk}
        )
        self.assertEqual(event.actor, self.call_taker)
        person_merge_reversed.send(
            sender=PersonMerge, merge=merge, actor=self.call_taker, case_ids=[first.pk]
        )
        self.assertEqual(kinds(first)[-1], "person_merge_reversed")
        self.assertEqual(kinds(second)[-1], "person_merged")
