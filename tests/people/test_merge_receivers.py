from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

from raksa.cases.models import Case, CaseParty
from raksa.people.models import Person, PersonMerge
from raksa.people.services import person_create, person_merge, person_merge_reverse
from raksa.people.signals import (
    RowsMoved,
    person_merge_reversed,
    person_merged,
    person_rows_move,
    person_rows_restore,
)
from tests.base import RaksaTestCase
from tests.people.test_merge import snapshot


class MergeReceiverTests(RaksaTestCase):
    """A later app (here in the api app's name) points at people too: it moves its own rows in a merge."""

    def setUp(self) -> None:
        self.later_app = apps.get_app_config("api")
        self.survivor = person_create(actor=self.call_taker, first_name_th="สมศรี", last_name_th="ใจดี")
        self.merged = person_create(actor=self.call_taker, first_name_th="สมสี", last_name_th="ใจดี")
        self.case = Case.objects.create(
            number="2569-000001",
            tracking_code="2569-000001",
            channel="hotline",
            summary="ขอความช่วยเหลือ",
            owning_unit=self.centre,
        )
        self.report_case = Case.objects.create(
            number="2569-000002",
            tracking_code="2569-000002",
            channel="web",
            summary="แจ้งเหตุ",
            owning_unit=self.centre,
        )
        CaseParty.objects.create(case=self.case, person=self.merged, role="subject")
        self.restored: list[dict[str, Any]] = []
        self.notified: list[tuple[str, list[int]]] = []

    def connect(self, signal: Signal, receiver: Any, sender: Any = None) -> None:
        signal.connect(receiver, sender=sender, weak=False, dispatch_uid=f"test.{receiver.__name__}")
        self.addCleanup(signal.disconnect, sender=sender, dispatch_uid=f"test.{receiver.__name__}")

    def connect_later_app(self) -> None:
        def move_reports(sender: Any, *, merge: PersonMerge, **_: Any) -> RowsMoved:
            return RowsMoved(undo={"reports": [7, 8]}, case_ids=[self.report_case.pk])

        def restore_reports(sender: Any, *, undo: dict[str, Any], **_: Any) -> RowsMoved:
            self.restored.append(undo)
            return RowsMoved(case_ids=[self.report_case.pk])

        self.connect(person_rows_move, move_reports, sender=self.later_app)
        self.connect(person_rows_restore, restore_reports, sender=self.later_app)

    def listen(self) -> None:
        def merged(sender: Any, *, case_ids: list[int], **_: Any) -> None:
            self.notified.append(("merged", case_ids))

        def reversed_(sender: Any, *, case_ids: list[int], **_: Any) -> None:
            self.notified.append(("reversed", case_ids))

        self.connect(person_merged, merged)
        self.connect(person_merge_reversed, reversed_)

    def test_it_keeps_each_apps_undo_data_apart_and_hands_it_back(self) -> None:
        self.connect_later_app()
        merge = person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        merge.refresh_from_db()
        self.assertEqual(
            merge.moved["apps"], {"cases": ["case_parties", "case_parties_dropped"], "api": ["reports"]}
        )
        self.assertEqual(merge.moved["reports"], [7, 8])
        person_merge_reverse(actor=self.supervisor, merge=merge)
        # The later app gets back its own keys, not the cases app's.
        self.assertEqual(self.restored, [{"reports": [7, 8]}])
        self.assertEqual(CaseParty.objects.get(case=self.case).person, self.merged)

    def test_it_tells_listeners_every_case_any_app_named(self) -> None:
        self.connect_later_app()
        self.listen()
        merge = person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        person_merge_reverse(actor=self.supervisor, merge=merge)
        both = sorted([self.case.pk, self.report_case.pk])
        self.assertEqual(self.notified, [("merged", both), ("reversed", both)])
        self.assertEqual(
            list(self.report_case.events.values_list("kind", flat=True)),
            ["person_merged", "person_merge_reversed"],
        )

    def test_it_stores_nothing_for_an_app_with_nothing_to_move(self) -> None:
        CaseParty.objects.all().delete()
        self.listen()
        merge = person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        merge.refresh_from_db()
        self.assertEqual(merge.moved["apps"], {})
        self.assertNotIn("case_parties", merge.moved)
        self.assertEqual(self.notified, [("merged", [])])

    def test_it_refuses_a_receiver_connected_without_its_app(self) -> None:
        self.connect(person_rows_move, lambda sender, **_: None)
        with self.assertRaises(ImproperlyConfigured):
            person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        self.merged.refresh_from_db()
        self.assertIsNone(self.merged.merged_into)
        self.assertEqual(CaseParty.objects.get(case=self.case).person, self.merged)

    def test_it_refuses_undo_data_under_a_key_another_app_uses(self) -> None:
        def clash(sender: Any, **_: Any) -> RowsMoved:
            return RowsMoved(undo={"case_parties": []})

        self.connect(person_rows_move, clash, sender=self.later_app)
        with self.assertRaises(ImproperlyConfigured):
            person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        self.assertFalse(PersonMerge.objects.exists())

    def test_it_refuses_to_reverse_what_no_app_restores(self) -> None:
        def move_reports(sender: Any, **_: Any) -> RowsMoved:
            return RowsMoved(undo={"reports": [7]})

        self.connect(person_rows_move, move_reports, sender=self.later_app)
        merge = person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        with self.assertRaises(ImproperlyConfigured):
            person_merge_reverse(actor=self.supervisor, merge=merge)
        merge.refresh_from_db()
        self.assertIsNone(merge.reversed_at)
        self.assertEqual(CaseParty.objects.get(case=self.case).person, self.survivor)


class StoredMergeTests(RaksaTestCase):
    """A merge stored before each app moved its own rows still reverses exactly, once migrated."""

    def test_it_reverses_a_merge_stored_by_the_old_code(self) -> None:
        survivor = person_create(actor=self.call_taker, first_name_th="สมศรี", phones=["0812345678"])
        merged = person_create(
            actor=self.call_taker, title="นาง", first_name_th="สมสี", last_name_th="ใจดี", phones=["0899999999"]
        )
        case = Case.objects.create(
            number="2569-000001",
            tracking_code="2569-000001",
            channel="hotline",
            summary="ขอความช่วยเหลือ",
            owning_unit=self.centre,
        )
        other = Case.objects.create(
            number="2569-000002",
            tracking_code="2569-000002",
            channel="hotline",
            summary="ขอความช่วยเหลือ",
            owning_unit=self.centre,
        )
        CaseParty.objects.create(case=case, person=survivor, role="subject")
        CaseParty.objects.create(case=case, person=merged, role="subject")
        CaseParty.objects.create(case=other, person=merged, role="reporter")
        before = (snapshot(survivor), snapshot(merged))
        merge = person_merge(actor=self.supervisor, survivor=survivor, merged=merged)
        # What the old code stored: the same keys, with no word on whose they are.
        old_shape = {key: value for key, value in merge.moved.items() if key != "apps"}
        self.assertEqual(
            set(old_shape),
            {"identifiers", "addresses", "case_parties", "case_parties_dropped", "fields", "fields_new"},
        )
        PersonMerge.objects.filter(pk=merge.pk).update(moved=old_shape)

        migration = importlib.import_module("raksa.people.migrations.0002_merge_moved_by_app")
        migration.name_the_owners(apps, None)

        person_merge_reverse(actor=self.supervisor, merge=merge)
        self.assertEqual((snapshot(survivor), snapshot(merged)), before)
        self.assertIsNone(Person.objects.get(pk=merged.pk).merged_into)
