from __future__ import annotations

from raksa.core.errors import NotFound
from raksa.core.identifiers import make_national_id
from raksa.people.selectors import person_get, person_search
from raksa.people.services import person_create
from tests.base import RaksaTestCase

NID = make_national_id("110170012345")
LINE_ID = "U" + "d4" * 16


class PersonSearchTests(RaksaTestCase):
    def setUp(self) -> None:
        self.somsri = person_create(
            actor=self.call_taker,
            title="นางสาว",
            first_name_th="สมศรี",
            last_name_th="ใจดี",
            national_id=NID,
            phones=["0812345678"],
            line_user_id=LINE_ID,
        )
        self.somchai = person_create(actor=self.call_taker, first_name_th="สมชาย", last_name_th="ใจดี")
        self.aye = person_create(
            actor=self.call_taker,
            first_name_en="Aye Aye",
            last_name_en="Win",
            passport="MB123456",
            status="migrant",
        )

    def test_it_finds_by_phone_in_any_format(self) -> None:
        for query in ("0812345678", "+66 81 234 5678", "๐๘๑-๒๓๔-๕๖๗๘"):
            self.assertEqual(person_search(query=query), [self.somsri])

    def test_it_finds_by_national_id_line_id_and_passport(self) -> None:
        self.assertEqual(
            person_search(query=f"{NID[0]} {NID[1:5]} {NID[5:10]} {NID[10:12]} {NID[12]}"), [self.somsri]
        )
        self.assertEqual(person_search(query=LINE_ID), [self.somsri])
        self.assertEqual(person_search(query="mb123456"), [self.aye])

    def test_it_finds_nobody_for_an_unknown_number(self) -> None:
        self.assertEqual(person_search(query="0899999999"), [])

    def test_it_finds_by_thai_name_ignoring_titles(self) -> None:
        self.assertEqual(person_search(query="นางสาวสมศรี")[0], self.somsri)
        self.assertEqual(person_search(query="สมศรี ใจดี")[0], self.somsri)
        self.assertEqual(set(person_search(query="ใจดี")), {self.somsri, self.somchai})
        # A misspelling is found by sound.
        self.assertEqual(person_search(query="สมสี ใจดี")[0], self.somsri)

    def test_it_finds_by_english_name(self) -> None:
        self.assertEqual(person_search(query="Ms. aye aye"), [self.aye])
        self.assertEqual(person_search(query="win"), [self.aye])

    def test_it_leaves_merged_people_out_of_name_results(self) -> None:
        twin = person_create(actor=self.call_taker, first_name_th="สมศรี", last_name_th="ใจดี")
        twin.merged_into = self.somsri
        twin.save()
        self.assertNotIn(twin, person_search(query="สมศรี"))

    def test_it_gets_a_person_following_merges(self) -> None:
        twin = person_create(actor=self.call_taker, first_name_th="สมศรี")
        twin.merged_into = self.somsri
        twin.save()
        self.assertEqual(person_get(pk=twin.pk), self.somsri)
        with self.assertRaises(NotFound):
            person_get(pk=999999)
