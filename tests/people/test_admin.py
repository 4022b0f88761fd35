from __future__ import annotations

from raksa.accounts.models import User
from raksa.people.services import person_create, person_merge
from tests.base import RaksaTestCase


class PersonAdminTests(RaksaTestCase):
    def setUp(self) -> None:
        self.root = User.objects.create_superuser(username="root", password="correct-horse-battery")
        self.client.force_login(self.root)
        self.somsri = person_create(
            actor=self.call_taker, first_name_th="สมศรี", last_name_th="ใจดี", phones=["0812345678"]
        )
        self.malee = person_create(actor=self.call_taker, first_name_th="มาลี", last_name_th="รักไทย")

    def test_it_searches_people_by_name_and_identifier(self) -> None:
        by_name = self.client.get("/admin/people/person/", {"q": "นางสาวสมศรี"})
        self.assertContains(by_name, "สมศรี")
        self.assertNotContains(by_name, "มาลี")
        by_phone = self.client.get("/admin/people/person/", {"q": "0812345678"})
        self.assertContains(by_phone, "สมศรี")
        self.assertContains(self.client.get(f"/admin/people/person/{self.somsri.pk}/change/"), "0812345678")

    def test_it_shows_merges_read_only(self) -> None:
        merge = person_merge(actor=self.supervisor, survivor=self.somsri, merged=self.malee)
        page = self.client.get(f"/admin/people/personmerge/{merge.pk}/change/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_save"')
