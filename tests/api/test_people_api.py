from raksa.cases.models import AccessLog
from raksa.people.models import Identifier, Person
from tests.api.base import NATIONAL_ID, ApiTestCase
from tests.base import CHIANG_MAI


class PeopleApiTests(ApiTestCase):
    def test_it_finds_people_by_phone_and_by_name(self):
        person = self.make_person(phones=["0812345678"])
        self.make_person(first_name_th="มานะ", last_name_th="อดทน")

        response = self.get("/api/v1/people", self.case_worker, q="081-234-5678")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual([p["id"] for p in response.json()], [person.public_id])

        found = self.get("/api/v1/people", self.other_province_worker, q="สมศรี").json()
        self.assertEqual([p["id"] for p in found], [person.public_id])
        self.assertEqual(found[0]["display_name"], "สมศรี ใจดี")
        self.assertEqual(
            list(AccessLog.objects.values_list("user__username", "action", "channel", "person")),
            [
                ("worker_cm", "person_search", "api", person.pk),
                ("worker_bkk", "person_search", "api", person.pk),
            ],
        )

    def test_it_limits_search_results(self):
        for _ in range(3):
            self.make_person()
        self.assertEqual(len(self.get("/api/v1/people", self.case_worker, q="สมศรี", limit=2).json()), 2)

    def test_it_shows_a_person_with_identifiers_and_logs_the_read(self):
        person = self.make_person(national_id=NATIONAL_ID, phones=["0812345678"])
        self.make_case(subject=person)  # the full record is for a user who can see one of the person's cases
        response = self.get(f"/api/v1/people/{person.public_id}", self.case_worker)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["first_name_th"], "สมศรี")
        self.assertEqual(
            {(i["kind"], i["value"]) for i in body["identifiers"]},
            {("national_id", NATIONAL_ID), ("phone", "0812345678")},
        )
        log = AccessLog.objects.get()
        self.assertEqual(
            (log.user, log.person, log.action, log.channel), (self.case_worker, person, "person_view", "api")
        )
        self.assertEqual(log.path, f"/api/v1/people/{person.public_id}")

    def test_it_lists_only_the_cases_the_caller_may_see(self):
        person = self.make_person()
        bangkok = self.make_case(subject=person)
        chiang_mai = self.make_case(subject=person, owner=self.cm_office, province=CHIANG_MAI)

        mine = self.get(f"/api/v1/people/{person.public_id}", self.case_worker).json()["cases"]
        self.assertEqual([c["number"] for c in mine], [bangkok.number])
        theirs = self.get(f"/api/v1/people/{person.public_id}", self.other_province_worker).json()["cases"]
        self.assertEqual([c["number"] for c in theirs], [chiang_mai.number])
        centre = self.get(f"/api/v1/people/{person.public_id}", self.call_taker).json()["cases"]
        self.assertEqual({c["number"] for c in centre}, {bangkok.number, chiang_mai.number})

    def test_it_answers_404_for_a_missing_person_without_logging(self):
        self.assertError(self.get("/api/v1/people/999999", self.case_worker), 404, "not_found")
        self.assertFalse(AccessLog.objects.exists())

    def test_it_creates_a_person(self):
        response = self.post(
            "/api/v1/people",
            self.call_taker,
            {
                "title": "นาง",
                "first_name_th": "สมศรี",
                "last_name_th": "ใจดี",
                "sex": "female",
                "birth_date": "1980-05-01",
                "national_id": NATIONAL_ID,
                "phones": ["+66 81 234 5678"],
                "address": {"text": "12 ถนนพระราม 4", "province_code": "10"},
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        person = Person.objects.get(public_id=body["id"])
        self.assertEqual(person.created_by, self.call_taker)
        self.assertEqual(body["birth_year"], 1980)
        self.assertEqual(body["addresses"][0]["province_code"], "10")
        self.assertEqual(
            set(person.identifiers.values_list("kind", "value")),
            {(Identifier.Kind.NATIONAL_ID, NATIONAL_ID), (Identifier.Kind.PHONE, "0812345678")},
        )
