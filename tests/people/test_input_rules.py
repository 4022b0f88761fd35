"""What the person services refuse or clean, for every channel alike (web, API, admin, LINE, the console)."""

from __future__ import annotations

from raksa.core.errors import InvalidInput
from raksa.core.identifiers import make_national_id
from raksa.people.models import Identifier, Person
from raksa.people.selectors import person_search
from raksa.people.services import identifier_add, person_create, person_find_or_create, person_update
from raksa.people.services.validation import PHONES_MAX
from tests.base import RaksaTestCase

NID = make_national_id("110170012345")
PHONES = [f"08123456{n:02d}" for n in range(PHONES_MAX + 1)]


class PersonInputTests(RaksaTestCase):
    def refused(self, **fields) -> InvalidInput:
        before = (Person.objects.count(), Identifier.objects.count())
        with self.assertRaises(InvalidInput) as caught:
            person_create(actor=self.call_taker, **fields)
        self.assertEqual((Person.objects.count(), Identifier.objects.count()), before)
        return caught.exception

    def test_it_refuses_a_person_with_nothing_to_tell_them_by(self) -> None:
        for fields in ({}, {"title": "นาง"}, {"first_name_th": "\u200b\u200b", "last_name_en": "\ufeff"}):
            with self.subTest(fields=fields):
                error = self.refused(**fields)
                self.assertEqual((error.field, error.code), ("first_name_th", "name_or_identifier_required"))
        self.assertEqual(person_create(actor=self.call_taker, nickname="ป้าแดง").nickname, "ป้าแดง")
        self.assertTrue(person_create(actor=self.call_taker, phones=["0812345678"]).pk)

    def test_it_refuses_nul_and_control_characters_in_names(self) -> None:
        error = self.refused(first_name_th="สม\x00ศรี", last_name_th="ใจ\x1bดี")
        self.assertEqual(
            [(e.field, e.code) for e in error.errors],
            [("first_name_th", "control_character"), ("last_name_th", "control_character")],
        )
        self.assertIn("U+0000", error.message_en)

    def test_it_removes_a_right_to_left_override_so_the_name_is_found(self) -> None:
        person = person_create(actor=self.call_taker, first_name_th="สม\u202eศรี", last_name_th="ใจ\u200bดี")
        self.assertEqual((person.first_name_th, person.last_name_th), ("สมศรี", "ใจดี"))
        self.assertEqual(person.name_key, "สมศรี ใจดี")
        self.assertEqual(person_search(query="สมศรี ใจดี"), [person])
        self.assertEqual(person_search(query="สม\u202eศรี"), [person])

    def test_it_keeps_names_nfc(self) -> None:
        person = person_create(actor=self.call_taker, first_name_en="Jose\u0301", last_name_en="Garci\u0301a")
        self.assertEqual((person.first_name_en, person.last_name_en), ("Jos\u00e9", "Garc\u00eda"))
        self.assertEqual(person_search(query="Jos\u00e9 Garc\u00eda"), [person])

    def test_it_refuses_more_phones_than_a_person_may_have(self) -> None:
        error = self.refused(first_name_th="สมศรี", phones=PHONES)
        self.assertEqual((error.field, error.code), ("phones", "too_many_phones"))
        self.assertEqual(len(error.errors), 1)
        person = person_create(actor=self.call_taker, first_name_th="สมศรี", phones=PHONES[:PHONES_MAX])
        self.assertEqual(person.identifiers.filter(kind="phone").count(), PHONES_MAX)
        with self.assertRaises(InvalidInput) as caught:
            identifier_add(actor=self.call_taker, person=person, kind="phone", value="0899999999")
        self.assertEqual(caught.exception.code, "too_many_phones")
        self.assertEqual(person.identifiers.count(), PHONES_MAX)

    def test_it_keeps_a_matched_person_with_full_phones_as_they_are(self) -> None:
        person = person_create(
            actor=self.call_taker, first_name_th="สมศรี", national_id=NID, phones=PHONES[:PHONES_MAX]
        )
        result = person_find_or_create(actor=self.call_taker, national_id=NID, phone="0899999999")
        self.assertEqual((result.person, result.matched_on), (person, "national_id"))
        self.assertEqual(person.identifiers.filter(kind="phone").count(), PHONES_MAX)

    def test_it_names_a_bad_phone_once_without_repeating_it(self) -> None:
        bad = "0812345678999999999999"
        error = self.refused(first_name_th="สมศรี", phones=["0812345678", bad, "not a phone"])
        body = str(error.as_dict())
        self.assertEqual([(e.field, e.code) for e in error.errors], [("phones", "invalid_phone")])
        self.assertNotIn(bad, body)
        self.assertIn("Phone number 2 is not valid", error.message_en)
        self.assertIn("ลำดับที่ 2", error.message_th)

    def test_it_refuses_a_postal_code_of_another_province(self) -> None:
        error = self.refused(first_name_th="สมศรี", address={"province_code": "10", "postal_code": "50000"})
        self.assertEqual((error.field, error.code), ("address.postal_code", "area_mismatch"))
        person = person_create(
            actor=self.call_taker,
            first_name_th="สมศรี",
            address={"province_code": "50", "postal_code": "50000"},
        )
        self.assertEqual(person.addresses.get().postal_code, "50000")

    def test_it_cleans_and_limits_an_address_text(self) -> None:
        error = self.refused(first_name_th="สมศรี", address={"text": "ก" * 501})
        self.assertEqual((error.field, error.code), ("address.text", "too_long"))
        error = self.refused(first_name_th="สมศรี", address={"text": "12\x00 ถนน"})
        self.assertEqual((error.field, error.code), ("address.text", "control_character"))

    def test_it_will_not_empty_a_person_by_an_update(self) -> None:
        person = person_create(actor=self.call_taker, first_name_th="สมศรี")
        with self.assertRaises(InvalidInput) as caught:
            person_update(actor=self.call_taker, person=person, first_name_th="\u200b")
        self.assertEqual(caught.exception.code, "name_or_identifier_required")
        person.refresh_from_db()
        self.assertEqual(person.first_name_th, "สมศรี")
        with_phone = person_create(actor=self.call_taker, first_name_th="มาลี", phones=["0812345678"])
        self.assertEqual(
            person_update(actor=self.call_taker, person=with_phone, first_name_th="").first_name_th, ""
        )

    def test_it_finds_nobody_to_match_in_invisible_names(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            person_find_or_create(actor=self.call_taker, first_name_th="\u200b", last_name_th="\u2060")
        self.assertEqual(caught.exception.code, "nothing_to_match")
        self.assertFalse(Person.objects.exists())
