"""The admin's person forms hold an administrator to the same checks, and the same words, as every channel."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from raksa.accounts.models import User
from raksa.core.errors import InvalidInput
from raksa.core.identifiers import make_national_id
from raksa.people.models import Address, Identifier, Person
from raksa.people.services import person_create, person_find_or_create
from tests.base import RaksaTestCase

NATIONAL_ID = make_national_id("110170012345")


def person_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "",
        "first_name_th": "สมศรี",
        "last_name_th": "ใจดี",
        "first_name_en": "",
        "last_name_en": "",
        "nickname": "",
        "sex": "female",
        "birth_date": "",
        "birth_year": "",
        "nationality": "TH",
        "status": "thai",
        "province_code": "",
        "identifiers-TOTAL_FORMS": "1",
        "identifiers-INITIAL_FORMS": "0",
        "identifiers-MIN_NUM_FORMS": "0",
        "identifiers-MAX_NUM_FORMS": "1000",
        "identifiers-0-kind": "national_id",
        "identifiers-0-value": NATIONAL_ID,
        "identifiers-0-label": "",
        "addresses-TOTAL_FORMS": "0",
        "addresses-INITIAL_FORMS": "0",
        "addresses-MIN_NUM_FORMS": "0",
        "addresses-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def address_fields(**fields: str) -> dict[str, str]:
    data = {"addresses-TOTAL_FORMS": "1", "addresses-0-is_current": "on"}
    for key in ("text", "province_code", "district_code", "subdistrict_code", "postal_code"):
        data[f"addresses-0-{key}"] = fields.get(key, "")
    return data


class PersonAdminValidationTests(RaksaTestCase):
    def setUp(self) -> None:
        self.root = User.objects.create_superuser(username="root", password="correct-horse-battery")
        self.client.force_login(self.root)
        self.add_url = reverse("admin:people_person_add")

    def add(self, **overrides: Any):
        return self.client.post(self.add_url, person_form(**overrides))

    def assertShows(self, response, *messages: str) -> None:
        self.assertEqual(response.status_code, 200, "the form should come back with its errors")
        page = response.content.decode()
        for message in messages:
            self.assertTrue(message in page, f"the page does not say {message!r}")

    def assertRefused(self, response, *messages: str) -> None:
        self.assertShows(response, *messages)
        self.assertFalse(Person.objects.exists())

    def test_it_saves_a_valid_person_with_a_normalised_identifier_and_search_keys(self) -> None:
        spaced = (
            f"{NATIONAL_ID[0]}-{NATIONAL_ID[1:5]}-{NATIONAL_ID[5:10]}-{NATIONAL_ID[10:12]}-{NATIONAL_ID[12]}"
        )
        response = self.add(**{"first_name_th": "นางสาวสม\u200bศรี", "identifiers-0-value": spaced})
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        person = Person.objects.get()
        self.assertEqual(
            (person.title, person.first_name_th, person.name_key), ("นางสาว", "สมศรี", "สมศรี ใจดี")
        )
        self.assertEqual(Identifier.objects.get().value, NATIONAL_ID)

    def test_it_refuses_a_national_id_of_three_digits_with_the_services_message(self) -> None:
        with self.assertRaises(InvalidInput) as service:
            person_create(actor=self.call_taker, first_name_th="สมศรี", national_id="123")
        response = self.add(**{"identifiers-0-value": "123"})
        self.assertRefused(response, service.exception.message_th, service.exception.message_en)
        self.assertEqual(service.exception.message_en, "A national ID has 13 digits.")

    def test_it_refuses_a_national_id_whose_check_digit_is_wrong(self) -> None:
        bad = NATIONAL_ID[:12] + str((int(NATIONAL_ID[12]) + 1) % 10)
        response = self.add(**{"identifiers-0-value": bad})
        self.assertRefused(response, "The national ID is not valid (its check digit does not match).")

    def test_it_refuses_a_birth_year_of_1200_with_the_services_message(self) -> None:
        with self.assertRaises(InvalidInput) as service:
            person_find_or_create(actor=self.call_taker, first_name_th="สมศรี", birth_year=1200)
        self.assertEqual(service.exception.code, "birth_year_out_of_range")
        response = self.add(birth_year="1200")
        self.assertRefused(response, service.exception.message_th, service.exception.message_en)

    def test_it_refuses_control_characters_in_a_name_and_a_bad_phone(self) -> None:
        response = self.add(
            first_name_th="สม\x07ศรี",
            **{"identifiers-0-kind": "phone", "identifiers-0-value": "12345"},
        )
        self.assertRefused(
            response,
            "First name (Thai): Contains a control character that is not allowed (U+0007)",
            "Phone number is not valid",
        )
        self.assertRefused(self.add(last_name_th="ใจ\x00ดี"), 'id="id_last_name_th_error"')

    def test_it_refuses_a_person_with_no_name_and_no_identifier(self) -> None:
        response = self.add(first_name_th="\u200b", last_name_th="", **{"identifiers-TOTAL_FORMS": "0"})
        self.assertRefused(response, "Give a name or nickname, or at least one identifier")

    def test_it_refuses_more_phones_than_a_person_may_have(self) -> None:
        phones = {"identifiers-TOTAL_FORMS": "6"}
        for n in range(6):
            phones[f"identifiers-{n}-kind"] = "phone"
            phones[f"identifiers-{n}-value"] = f"08123456{n:02d}"
            phones[f"identifiers-{n}-label"] = ""
        response = self.add(**phones)
        self.assertRefused(response, "A person has at most 5 phone numbers.")

    def test_it_refuses_an_identifier_that_belongs_to_someone_else(self) -> None:
        other = person_create(actor=self.call_taker, first_name_th="มาลี", national_id=NATIONAL_ID)
        response = self.add()
        self.assertShows(response, "This national ID already belongs to another person.")
        self.assertEqual(list(Person.objects.all()), [other])

    def test_it_checks_an_address_against_geothai_and_fills_its_province(self) -> None:
        response = self.add(**address_fields(postal_code="50000", province_code="10"))
        self.assertRefused(response, "Postal code 50000 is not used in province 10")
        response = self.add(**address_fields(text="12 ถนนราชดำเนิน", subdistrict_code="100101"))
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        address = Address.objects.get()
        self.assertEqual((address.province_code, address.district_code), ("10", "1001"))

    def test_it_refuses_on_change_what_it_refuses_on_add(self) -> None:
        person = person_create(actor=self.call_taker, first_name_th="สมศรี", national_id=NATIONAL_ID)
        ident = person.identifiers.get()
        change = reverse("admin:people_person_change", args=[person.pk])
        data = person_form(
            birth_year="1200",
            **{
                "identifiers-INITIAL_FORMS": "1",
                "identifiers-0-id": str(ident.pk),
                "identifiers-0-person": str(person.pk),
            },
        )
        response = self.client.post(change, data)
        self.assertShows(response, "The birth year must be between")
        person.refresh_from_db()
        self.assertIsNone(person.birth_year)
