from __future__ import annotations

from typing import Any

from django.urls import reverse

from raksa.accounts.models import User
from raksa.directory.models import Contact, Unit
from tests.base import RaksaTestCase


def unit_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "dwf-shelter-5001",
        "agency": "",
        "name_th": "บ้านพักเด็กและครอบครัว อำเภอเมืองเชียงใหม่",
        "name_en": "Mueang Chiang Mai shelter",
        "kind": "shelter",
        "province_code": "50",
        "is_active": "on",
        "areas-TOTAL_FORMS": "1",
        "areas-INITIAL_FORMS": "0",
        "areas-MIN_NUM_FORMS": "0",
        "areas-MAX_NUM_FORMS": "1000",
        "areas-0-area_code": "5001",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "contacts-0-kind": "phone",
        "contacts-0-value": "+66 53 111 222",
        "contacts-0-label": "สำนักงาน",
        "contacts-0-priority": "10",
    }
    data.update(overrides)
    return data


class DirectoryAdminTests(RaksaTestCase):
    def setUp(self) -> None:
        self.superuser = User.objects.create_superuser("root", "root@raksa.example", "correct-horse-battery")
        self.client.force_login(self.superuser)

    def test_it_lists_units_and_finds_them_by_area(self) -> None:
        response = self.client.get(reverse("admin:directory_unit_changelist"))
        self.assertContains(response, "pso-50")
        response = self.client.get(reverse("admin:directory_unit_changelist"), {"q": "50"})
        self.assertContains(response, "pso-50")
        self.assertNotContains(response, "pso-40")

    def test_it_shows_the_add_form_with_area_and_contact_inlines(self) -> None:
        response = self.client.get(reverse("admin:directory_unit_add"))
        self.assertContains(response, 'name="areas-TOTAL_FORMS"')
        self.assertContains(response, 'name="contacts-TOTAL_FORMS"')

    def test_it_saves_a_district_unit_with_a_normalised_phone(self) -> None:
        response = self.client.post(reverse("admin:directory_unit_add"), unit_form(agency=self.dcy.pk))
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        unit = Unit.objects.get(code="dwf-shelter-5001")
        self.assertEqual(list(unit.areas.values_list("area_code", flat=True)), ["5001"])
        self.assertEqual(Contact.objects.get(unit=unit).value, "053111222")

    def test_it_rejects_an_area_code_geothai_does_not_know(self) -> None:
        response = self.client.post(
            reverse("admin:directory_unit_add"),
            unit_form(agency=self.dcy.pk, **{"areas-0-area_code": "5099"}),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ไม่พบอำเภอรหัส 5099")
        self.assertContains(response, "Unknown district code 5099")
        self.assertFalse(Unit.objects.filter(code="dwf-shelter-5001").exists())

    def test_it_rejects_an_unknown_home_province_and_a_bad_phone(self) -> None:
        response = self.client.post(
            reverse("admin:directory_unit_add"),
            unit_form(agency=self.dcy.pk, province_code="99", **{"contacts-0-value": "12345"}),
        )
        self.assertContains(response, "Unknown province code")
        self.assertContains(response, "is not a Thai number")
        self.assertFalse(Unit.objects.filter(code="dwf-shelter-5001").exists())

    def test_it_shows_the_other_directory_pages(self) -> None:
        for name in [
            "admin:directory_agency_changelist",
            "admin:directory_routingrule_changelist",
            "admin:directory_routingrule_add",
        ]:
            self.assertEqual(self.client.get(reverse(name)).status_code, 200, name)
        change = reverse("admin:directory_unit_change", args=[self.bkk_rapid.pk])
        self.assertContains(self.client.get(change), "rru-10")
