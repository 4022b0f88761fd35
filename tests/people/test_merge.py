from __future__ import annotations

import datetime as dt
from typing import Any

from raksa.cases.models import Case, CaseParty
from raksa.core.errors import Conflict
from raksa.core.identifiers import make_national_id
from raksa.people.models import Person, PersonMerge
from raksa.people.selectors import person_get, person_search
from raksa.people.services import person_create, person_find_or_create, person_merge, person_merge_reverse
from raksa.people.signals import person_merge_reversed, person_merged
from tests.base import RaksaTestCase

NID = make_national_id("110170012345")
SNAPSHOT_FIELDS = (
    "title",
    "first_name_th",
    "last_name_th",
    "first_name_en",
    "last_name_en",
    "nickname",
    "sex",
    "birth_date",
    "birth_year",
    "birth_year_estimated",
    "nationality",
    "status",
    "province_code",
    "name_key",
    "last_name_key",
    "name_soundex",
    "merged_into_id",
)


def snapshot(person: Person) -> dict[str, Any]:
    person.refresh_from_db()
    return {
        "fields": {name: getattr(person, name) for name in SNAPSHOT_FIELDS},
        "identifiers": sorted(person.identifiers.values_list("id", "kind", "value")),
        "addresses": sorted(person.addresses.values_list("id", "province_code", "text", "is_current")),
        "parties": sorted(
            CaseParty.objects.filter(person=person).values_list("id", "case_id", "role", "created_at")
        ),
    }


class PersonMergeTests(RaksaTestCase):
    def setUp(self) -> None:
        self.survivor = person_create(
            actor=self.call_taker,
            first_name_th="สมศรี",
            last_name_th="ใจดี",
            phones=["0812345678"],
            address={"text": "กรุงเทพ", "province_code": "10"},
        )
        self.merged = person_create(
            actor=self.call_taker,
            title="นางสาว",
            first_name_th="สมสี",
            last_name_th="ใจดี",
            nickname="ศรี",
            sex="female",
            birth_date=dt.date(1985, 3, 1),
            national_id=NID,
            phones=["0899999999"],
            line_user_id="U" + "c3" * 16,
            address={"text": "เชียงใหม่", "province_code": "50"},
        )
        self.case_a = self.make_case("2569-000001")
        self.case_b = self.make_case("2569-000002")
        CaseParty.objects.create(case=self.case_a, person=self.survivor, role="subject")
        CaseParty.objects.create(
            case=self.case_a, person=self.merged, role="subject"
        )  # the same person twice
        CaseParty.objects.create(case=self.case_b, person=self.merged, role="reporter")

    def make_case(self, number: str) -> Case:
        return Case.objects.create(
            number=number,
            tracking_code=number,
            channel="hotline",
            summary="ขอความช่วยเหลือ",
            owning_unit=self.centre,
        )

    def test_it_moves_everything_to_the_survivor(self) -> None:
        merge = person_merge(
            actor=self.supervisor, survivor=self.survivor, merged=self.merged, reason="คนเดียวกัน"
        )
        survivor = snapshot(self.survivor)
        self.assertEqual(
            {kind for _, kind, _ in survivor["identifiers"]}, {"phone", "national_id", "line_user"}
        )
        self.assertEqual(len(survivor["addresses"]), 2)
        # The survivor's own address stays the current one.
        self.assertEqual([a[1] for a in survivor["addresses"] if a[3]], ["10"])
        self.assertEqual(
            sorted((c, r) for _, c, r, _ in survivor["parties"]),
            sorted([(self.case_a.pk, "subject"), (self.case_b.pk, "reporter")]),
        )
        # Blank fields were filled, filled ones kept.
        self.assertEqual(survivor["fields"]["first_name_th"], "สมศรี")
        self.assertEqual((survivor["fields"]["title"], survivor["fields"]["nickname"]), ("นางสาว", "ศรี"))
        self.assertEqual((survivor["fields"]["sex"], survivor["fields"]["birth_year"]), ("female", 1985))
        self.merged.refresh_from_db()
        self.assertEqual(self.merged.merged_into, self.survivor)
        self.assertEqual(merge.performed_by, self.supervisor)
        self.assertEqual(len(merge.moved["case_parties_dropped"]), 1)
        # Look-ups now land on the survivor.
        self.assertEqual(person_get(pk=self.merged.pk), self.survivor)
        self.assertEqual(person_search(query="0899999999"), [self.survivor])
        found = person_find_or_create(actor=self.call_taker, national_id=NID)
        self.assertEqual(found.person, self.survivor)

    def test_it_reverses_exactly(self) -> None:
        before = (snapshot(self.survivor), snapshot(self.merged))
        merge = person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        person_merge_reverse(actor=self.admin_user, merge=merge)
        after = (snapshot(self.survivor), snapshot(self.merged))
        self.assertEqual(after, before)
        merge.refresh_from_db()
        self.assertIsNotNone(merge.reversed_at)
        self.assertEqual(merge.reversed_by, self.admin_user)

    def test_it_keeps_later_edits_when_reversing(self) -> None:
        merge = person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        Person.objects.filter(pk=self.survivor.pk).update(nickname="แก้ไขแล้ว")
        person_merge_reverse(actor=self.supervisor, merge=merge)
        self.survivor.refresh_from_db()
        self.assertEqual((self.survivor.nickname, self.survivor.title), ("แก้ไขแล้ว", ""))

    def test_it_refuses_merging_into_itself_or_twice(self) -> None:
        with self.assertRaises(Conflict) as caught:
            person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.survivor)
        self.assertEqual(caught.exception.code, "merge_into_self")
        person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        with self.assertRaises(Conflict) as caught:
            person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        self.assertEqual((caught.exception.code, caught.exception.field), ("already_merged", "merged"))
        with self.assertRaises(Conflict):
            person_merge(actor=self.supervisor, survivor=self.merged, merged=self.survivor)
        self.assertEqual(PersonMerge.objects.count(), 1)

    def test_it_refuses_reversing_twice(self) -> None:
        merge = person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        person_merge_reverse(actor=self.supervisor, merge=merge)
        with self.assertRaises(Conflict) as caught:
            person_merge_reverse(actor=self.supervisor, merge=merge)
        self.assertEqual(caught.exception.code, "merge_already_reversed")

    def test_it_refuses_reversing_under_a_later_merge(self) -> None:
        third = person_create(actor=self.call_taker, first_name_th="มาลี")
        first = person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        second = person_merge(actor=self.supervisor, survivor=third, merged=self.survivor)
        with self.assertRaises(Conflict) as caught:
            person_merge_reverse(actor=self.supervisor, merge=first)
        self.assertEqual(caught.exception.code, "later_merge_exists")
        person_merge_reverse(actor=self.supervisor, merge=second)
        person_merge_reverse(actor=self.supervisor, merge=first)
        self.merged.refresh_from_db()
        self.assertIsNone(self.merged.merged_into)

    def test_it_tells_the_cases_app_which_cases_changed(self) -> None:
        sent: list[tuple[str, list[int]]] = []

        def on_merge(sender: Any, merge: PersonMerge, actor: Any, case_ids: list[int], **kwargs: Any) -> None:
            sent.append(("merged", case_ids))

        def on_reverse(
            sender: Any, merge: PersonMerge, actor: Any, case_ids: list[int], **kwargs: Any
        ) -> None:
            sent.append(("reversed", case_ids))

        person_merged.connect(on_merge)
        person_merge_reversed.connect(on_reverse)
        self.addCleanup(person_merged.disconnect, on_merge)
        self.addCleanup(person_merge_reversed.disconnect, on_reverse)
        merge = person_merge(actor=self.supervisor, survivor=self.survivor, merged=self.merged)
        person_merge_reverse(actor=self.supervisor, merge=merge)
        cases = sorted([self.case_a.pk, self.case_b.pk])
        self.assertEqual(sent, [("merged", cases), ("reversed", cases)])
