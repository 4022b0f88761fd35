from __future__ import annotations

from raksa.core.identifiers import make_national_id
from raksa.people.forms import PersonForm
from raksa.people.models import Person
from raksa.people.services import person_create
from tests.base import RaksaTestCase

NID = make_national_id("110170012345")


def form_data(**overrides: str) -> dict[str, str]:
    data = {"sex": "unknown", "status": "unknown", "nationality": "TH", "first_name_th": "สมศรี"}
    data.update(overrides)
    return data


class PersonFormTests(RaksaTestCase):
    def test_it_creates_a_person_through_the_service(self) -> None:
        form = PersonForm(
            data=form_data(
                last_name_th="ใจดี", national_id=NID, phones="081-234-5678\n02 123 4567", province_code="10"
            )
        )
        person = form.save(actor=self.call_taker)
        assert person is not None, form.errors
        self.assertEqual(person.name_key, "สมศรี ใจดี")
        self.assertEqual(person.identifiers.count(), 3)
        self.assertEqual(person.province_code, "10")

    def test_it_puts_service_errors_on_the_right_fields_in_thai_and_english(self) -> None:
        bad = NID[:12] + str((int(NID[12]) + 1) % 10)
        form = PersonForm(data=form_data(national_id=bad, phones="12345", province_code="99"))
        self.assertIsNone(form.save(actor=self.call_taker))
        self.assertIn("เลขตรวจสอบไม่ตรง", form.errors["national_id"][0])
        self.assertIn("check digit", form.errors["national_id"][0])
        self.assertIn("phones", form.errors)
        self.assertIn("province_code", form.errors)
        self.assertEqual(Person.objects.count(), 0)

    def test_it_edits_a_person_and_adds_identifiers(self) -> None:
        person = person_create(actor=self.call_taker, first_name_th="สมศรี", phones=["0812345678"])
        form = PersonForm(person=person)
        self.assertEqual(form.initial["phones"], "0812345678")
        data = {k: ("" if v is None else str(v)) for k, v in form.initial.items()}
        data.update(last_name_th="ใจดี", phones="0812345678\n0899999999")
        saved = PersonForm(data=data, person=person).save(actor=self.case_worker)
        assert saved is not None
        self.assertEqual(saved.name_key, "สมศรี ใจดี")
        self.assertEqual(
            sorted(saved.identifiers.values_list("value", flat=True)), ["0812345678", "0899999999"]
        )

    def test_it_saves_nothing_when_an_added_identifier_belongs_to_someone_else(self) -> None:
        person_create(actor=self.call_taker, first_name_th="มาลี", phones=["0899999999"])
        person = person_create(actor=self.call_taker, first_name_th="สมศรี")
        data = {k: ("" if v is None else str(v)) for k, v in PersonForm.initial_for(person).items()}
        data.update(last_name_th="ใจดี", phones="0899999999")
        form = PersonForm(data=data, person=person)
        self.assertIsNone(form.save(actor=self.case_worker))
        self.assertIn("phones", form.errors)
        person.refresh_from_db()
        self.assertEqual(person.last_name_th, "")
