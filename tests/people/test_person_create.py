from __future__ import annotations

import datetime as dt

from django.utils import timezone

from raksa.core.errors import Conflict, InvalidInput
from raksa.core.identifiers import make_national_id
from raksa.people.models import Address, Identifier, Person
from raksa.people.services import identifier_add, person_create, person_update
from tests.base import RaksaTestCase

NID = make_national_id("110170012345")


class PersonCreateTests(RaksaTestCase):
    def counts(self) -> tuple[int, int, int]:
        return Person.objects.count(), Identifier.objects.count(), Address.objects.count()

    def test_it_creates_a_thai_person_with_identifiers_and_address(self) -> None:
        person = person_create(
            actor=self.call_taker,
            first_name_th="นางสาวสมศรี",
            last_name_th="ใจดี",
            sex="female",
            birth_date=dt.date(1985, 3, 1),
            national_id=NID[:1] + "-" + NID[1:5] + "-" + NID[5:],
            phones=["+66 81 234 5678", "02-123-4567"],
            address={"text": "12 ถนนราชดำเนิน", "subdistrict_code": "100101", "postal_code": "10200"},
        )
        self.assertEqual((person.title, person.first_name_th), ("นางสาว", "สมศรี"))
        self.assertEqual(person.name_key, "สมศรี ใจดี")
        self.assertEqual(person.last_name_key, "ใจดี")
        self.assertTrue(person.name_soundex)
        self.assertEqual((person.birth_year, person.birth_year_estimated), (1985, False))
        self.assertEqual(person.province_code, "10")
        self.assertEqual(
            sorted(person.identifiers.values_list("kind", "value")),
            [("national_id", NID), ("phone", "021234567"), ("phone", "0812345678")],
        )
        address = person.addresses.get()
        self.assertEqual((address.province_code, address.district_code), ("10", "1001"))
        self.assertEqual(person.created_by, self.call_taker)

    def test_it_creates_a_stateless_migrant_without_a_thai_id(self) -> None:
        person = person_create(
            actor=self.case_worker,
            first_name_en="Aye Aye",
            last_name_en="Win",
            nationality="mm",
            status="migrant",
            age=30,
            passport="mb 123456",
        )
        self.assertEqual(person.nationality, "MM")
        self.assertEqual(person.name_key, "aye aye win")
        self.assertEqual(person.birth_year, timezone.localdate().year - 30)
        self.assertTrue(person.birth_year_estimated)
        self.assertEqual(list(person.identifiers.values_list("kind", "value")), [("passport", "MB123456")])
        stateless = person_create(
            actor=self.case_worker, first_name_th="หน่อ", nationality="", status="stateless"
        )
        self.assertEqual((stateless.nationality, stateless.status), ("", "stateless"))
        self.assertFalse(stateless.identifiers.exists())

    def test_it_rejects_a_bad_check_digit_in_thai_and_english(self) -> None:
        bad = NID[:12] + str((int(NID[12]) + 1) % 10)
        before = self.counts()
        with self.assertRaises(InvalidInput) as caught:
            person_create(
                actor=self.call_taker, first_name_th="สมชาย", national_id=bad, phones=["0812345678"]
            )
        error = caught.exception
        self.assertEqual((error.field, error.code), ("national_id", "invalid_national_id"))
        self.assertIn("เลขตรวจสอบไม่ตรง", error.message_th)
        self.assertIn("check digit", error.message_en)
        self.assertEqual(error.as_dict()["errors"][0]["field"], "national_id")  # type: ignore[index]
        self.assertEqual(self.counts(), before)

    def test_it_rejects_a_malformed_phone(self) -> None:
        before = self.counts()
        with self.assertRaises(InvalidInput) as caught:
            person_create(actor=self.call_taker, first_name_th="สมชาย", phones=["0812345678", "12345"])
        self.assertEqual((caught.exception.field, caught.exception.code), ("phones", "invalid_phone"))
        self.assertIn("โทรศัพท์", caught.exception.message_th)
        self.assertEqual(self.counts(), before)

    def test_it_rejects_unknown_and_mismatched_geothai_codes(self) -> None:
        before = self.counts()
        with self.assertRaises(InvalidInput) as caught:
            person_create(actor=self.call_taker, first_name_th="สมชาย", address={"province_code": "99"})
        self.assertEqual(
            (caught.exception.field, caught.exception.code), ("address.province_code", "unknown_area")
        )
        with self.assertRaises(InvalidInput) as caught:
            person_create(
                actor=self.call_taker,
                first_name_th="สมชาย",
                address={"province_code": "50", "district_code": "1001"},
            )
        self.assertEqual(caught.exception.field, "address.district_code")
        with self.assertRaises(InvalidInput) as caught:
            person_create(
                actor=self.call_taker, first_name_th="สมชาย", address={"subdistrict_code": "109999"}
            )
        self.assertEqual(
            (caught.exception.field, caught.exception.code), ("address.subdistrict_code", "unknown_area")
        )
        self.assertEqual(self.counts(), before)

    def test_it_reports_every_bad_field_at_once(self) -> None:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        with self.assertRaises(InvalidInput) as caught:
            person_create(actor=self.call_taker, birth_date=tomorrow, phones=["abc"], sex="robot")
        fields = {e.field for e in caught.exception.errors}
        self.assertEqual(fields, {"birth_date", "phones", "sex"})

    def test_it_rejects_an_age_out_of_range(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            person_create(actor=self.call_taker, first_name_th="สมชาย", age=200)
        self.assertEqual((caught.exception.field, caught.exception.code), ("age", "age_out_of_range"))

    def test_it_refuses_an_identifier_that_belongs_to_someone_else(self) -> None:
        person_create(actor=self.call_taker, first_name_th="สมศรี", phones=["0812345678"])
        before = self.counts()
        with self.assertRaises(Conflict) as caught:
            person_create(
                actor=self.call_taker, first_name_th="มาลี", national_id=NID, phones=["081-234-5678"]
            )
        self.assertEqual((caught.exception.field, caught.exception.code), ("phones", "identifier_in_use"))
        self.assertEqual(caught.exception.status, 409)
        self.assertEqual(self.counts(), before)


class PersonUpdateTests(RaksaTestCase):
    def test_it_updates_names_and_keys_and_keeps_the_old_address(self) -> None:
        person = person_create(actor=self.call_taker, first_name_th="สมศรี", address={"province_code": "10"})
        person_update(
            actor=self.case_worker,
            person=person,
            last_name_th="ใจดี",
            address={"text": "เชียงใหม่", "province_code": "50"},
        )
        person.refresh_from_db()
        self.assertEqual(person.name_key, "สมศรี ใจดี")
        self.assertEqual(person.province_code, "50")
        self.assertEqual(
            list(person.addresses.values_list("province_code", "is_current")), [("50", True), ("10", False)]
        )

    def test_it_rejects_unknown_fields_and_bad_values_without_saving(self) -> None:
        person = person_create(actor=self.call_taker, first_name_th="สมศรี")
        with self.assertRaises(InvalidInput) as caught:
            person_update(actor=self.case_worker, person=person, first_name_th="มาลี", merged_into=None)
        self.assertEqual(caught.exception.code, "unknown_field")
        person.refresh_from_db()
        self.assertEqual(person.first_name_th, "สมศรี")

    def test_it_adds_identifiers_once(self) -> None:
        person = person_create(actor=self.call_taker, first_name_th="สมศรี")
        first = identifier_add(actor=self.call_taker, person=person, kind="phone", value="๐๘๑๒๓๔๕๖๗๘")
        again = identifier_add(actor=self.call_taker, person=person, kind="phone", value="0812345678")
        self.assertEqual((first.pk, first.value), (again.pk, "0812345678"))
        other = person_create(actor=self.call_taker, first_name_th="มาลี")
        with self.assertRaises(Conflict):
            identifier_add(actor=self.call_taker, person=other, kind="phone", value="0812345678")
        with self.assertRaises(InvalidInput) as caught:
            identifier_add(actor=self.call_taker, person=other, kind="national_id", value="1234567890123")
        self.assertEqual(caught.exception.field, "national_id")
