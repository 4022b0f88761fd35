from __future__ import annotations

from unittest import mock

from raksa.core.errors import InvalidInput
from raksa.core.identifiers import make_national_id
from raksa.people.models import Identifier, Person
from raksa.people.services import person_create, person_find_or_create
from tests.base import RaksaTestCase, at_most_queries

NID = make_national_id("110170012345")
OTHER_NID = make_national_id("310170054321")
LINE_ID = "U" + "a1" * 16


class FindOrCreateExactTests(RaksaTestCase):
    def setUp(self) -> None:
        self.somsri = person_create(
            actor=self.call_taker,
            first_name_th="สมศรี",
            last_name_th="ใจดี",
            national_id=NID,
            phones=["0812345678"],
            line_user_id=LINE_ID,
            passport="AA1234567",
        )

    def test_it_matches_on_national_id_first(self) -> None:
        other = person_create(actor=self.call_taker, first_name_th="มาลี", phones=["0899999999"])
        result = person_find_or_create(actor=self.call_taker, national_id=NID, phone="0899999999")
        self.assertEqual(
            (result.person, result.matched_on, result.created), (self.somsri, "national_id", False)
        )
        # The phone is someone else's, so it stays theirs.
        self.assertEqual(Identifier.objects.get(value="0899999999").person, other)

    def test_it_matches_on_line_id_phone_and_passport(self) -> None:
        for kwargs, matched_on in (
            ({"line_user_id": LINE_ID}, "line_user_id"),
            ({"phone": "+66 81-234-5678"}, "phone"),
            ({"passport": "aa 1234567"}, "passport"),
        ):
            result = person_find_or_create(actor=self.call_taker, first_name_th="ใครก็ได้", **kwargs)
            self.assertEqual((result.person, result.matched_on), (self.somsri, matched_on))
        self.assertEqual(Person.objects.count(), 1)

    def test_it_attaches_new_identifiers_to_the_match(self) -> None:
        result = person_find_or_create(actor=self.call_taker, phone="0812345678", passport="MB7654321")
        self.assertEqual(result.person, self.somsri)
        new_phone = person_find_or_create(actor=self.call_taker, national_id=NID, phone="0861112222")
        self.assertEqual(new_phone.person, self.somsri)
        self.assertEqual(
            sorted(
                self.somsri.identifiers.filter(kind__in=["phone", "passport"]).values_list("value", flat=True)
            ),
            ["0812345678", "0861112222", "AA1234567", "MB7654321"],
        )

    def test_it_does_not_give_a_second_national_id_to_someone_matched_by_phone(self) -> None:
        result = person_find_or_create(actor=self.call_taker, phone="0812345678", national_id=OTHER_NID)
        self.assertEqual(result.person, self.somsri)
        self.assertFalse(Identifier.objects.filter(value=OTHER_NID).exists())

    def test_it_fills_blank_names_of_an_anonymous_match(self) -> None:
        anonymous = person_create(actor=None, line_user_id="U" + "b2" * 16)
        result = person_find_or_create(
            actor=self.call_taker,
            line_user_id="U" + "b2" * 16,
            first_name_th="นายสมชาย",
            last_name_th="รักไทย",
        )
        anonymous.refresh_from_db()
        self.assertEqual(result.person, anonymous)
        self.assertEqual((anonymous.title, anonymous.name_key), ("นาย", "สมชาย รักไทย"))

    def test_it_rejects_an_invalid_national_id_before_matching(self) -> None:
        bad = NID[:12] + str((int(NID[12]) + 1) % 10)
        with self.assertRaises(InvalidInput) as caught:
            person_find_or_create(actor=self.call_taker, national_id=bad, first_name_th="สมศรี")
        self.assertEqual(
            (caught.exception.field, caught.exception.code), ("national_id", "invalid_national_id")
        )
        with self.assertRaises(InvalidInput) as caught:
            person_find_or_create(actor=self.call_taker, phone="1300", first_name_th="สมศรี")
        self.assertEqual((caught.exception.field, caught.exception.code), ("phone", "invalid_phone"))
        self.assertEqual(Person.objects.count(), 1)


class FindOrCreateFuzzyTests(RaksaTestCase):
    def setUp(self) -> None:
        self.somsri = person_create(
            actor=self.call_taker,
            title="นางสาว",
            first_name_th="สมศรี",
            last_name_th="ใจดี",
            birth_date="1985-03-01",
            phones=["0812345678"],
            address={"province_code": "10"},
        )

    def test_it_returns_candidates_and_creates_nobody_when_a_similar_person_exists(self) -> None:
        result = person_find_or_create(
            actor=self.call_taker, first_name_th="นางสาวสมศรี", last_name_th="ใจดี", phone="0899999999"
        )
        self.assertIsNone(result.person)
        self.assertFalse(result.created)
        self.assertEqual([c.person for c in result.candidates], [self.somsri])
        self.assertIn("name", result.candidates[0].reasons)
        self.assertEqual(Person.objects.count(), 1)
        self.assertFalse(Identifier.objects.filter(value="0899999999").exists())

    def test_it_finds_a_misspelt_name_by_soundex(self) -> None:
        result = person_find_or_create(actor=self.call_taker, first_name_th="สมสี", last_name_th="ใจดี")
        self.assertEqual([c.person for c in result.candidates], [self.somsri])
        self.assertIn("soundex", result.candidates[0].reasons)
        self.assertIsNone(result.person)

    def test_it_scores_higher_with_a_close_birth_year_and_the_same_province(self) -> None:
        plain = person_find_or_create(actor=self.call_taker, first_name_th="สมสี", last_name_th="ใจดี")
        richer = person_find_or_create(
            actor=self.call_taker,
            first_name_th="สมสี",
            last_name_th="ใจดี",
            birth_year=1986,
            province_code="10",
        )
        self.assertGreater(richer.candidates[0].score, plain.candidates[0].score)
        self.assertIn("birth_year", richer.candidates[0].reasons)
        self.assertIn("province", richer.candidates[0].reasons)
        far = person_find_or_create(
            actor=self.call_taker, first_name_th="สมสี", last_name_th="ใจดี", birth_year=1960
        )
        self.assertTrue(not far.candidates or far.candidates[0].score < plain.candidates[0].score)

    def test_it_creates_anyway_when_the_human_confirms_a_new_person(self) -> None:
        result = person_find_or_create(
            actor=self.call_taker,
            first_name_th="สมศรี",
            last_name_th="ใจดี",
            phone="0899999999",
            age=20,
            province_code="50",
            create_fields={"sex": "female", "address": {"text": "เชียงใหม่", "province_code": "50"}},
            confirm_new=True,
        )
        self.assertTrue(result.created)
        self.assertNotEqual(result.person, self.somsri)
        assert result.person is not None
        self.assertEqual(result.person.sex, "female")
        self.assertEqual(result.person.province_code, "50")
        self.assertTrue(result.person.birth_year_estimated)
        self.assertEqual(result.person.identifiers.get().value, "0899999999")
        self.assertEqual(Person.objects.count(), 2)

    def test_it_creates_a_new_person_when_nobody_is_similar(self) -> None:
        result = person_find_or_create(
            actor=self.call_taker,
            first_name_en="Aye Aye",
            last_name_en="Win",
            passport="MB123456",
            create_fields={"nationality": "MM", "status": "migrant"},
        )
        self.assertTrue(result.created)
        assert result.person is not None
        self.assertEqual((result.person.status, result.person.nationality), ("migrant", "MM"))
        self.assertEqual(result.candidates, [])
        self.somsri.refresh_from_db()
        self.assertIsNone(self.somsri.merged_into)

    def test_it_never_merges_two_existing_people(self) -> None:
        twin = person_create(
            actor=self.call_taker, first_name_th="สมศรี", last_name_th="ใจดี", phones=["0899999999"]
        )
        result = person_find_or_create(actor=self.call_taker, first_name_th="สมศรี", last_name_th="ใจดี")
        self.assertEqual({c.person for c in result.candidates}, {self.somsri, twin})
        self.assertEqual(Person.objects.filter(merged_into__isnull=False).count(), 0)

    def test_it_creates_an_anonymous_reporter_from_a_line_id_alone(self) -> None:
        result = person_find_or_create(actor=None, line_user_id=LINE_ID)
        self.assertTrue(result.created)
        again = person_find_or_create(actor=None, line_user_id=LINE_ID)
        self.assertEqual((again.person, again.matched_on), (result.person, "line_user_id"))

    def test_a_new_reporter_known_by_a_line_id_is_stored_in_at_most_five_statements(self) -> None:
        # The look-up by the id, then in one savepoint (a concurrent report may have made her a moment ago): the
        # person, with her province, and her id. Nothing is looked up twice, nothing updated after.
        line_id = "U" + "b2" * 16
        with at_most_queries(self, 5):
            result = person_find_or_create(actor=None, line_user_id=line_id, province_code="10")
        self.assertTrue(result.created)
        assert result.person is not None
        self.assertEqual(Person.objects.get(pk=result.person.pk).province_code, "10")
        self.assertEqual(result.person.identifiers.get().value, line_id)

    def test_an_identifier_claimed_in_between_finds_whoever_claimed_it(self) -> None:
        # Nobody held the id when it was looked up; someone does by the time it is inserted.
        from raksa.people.services import find_or_create

        line_id = "U" + "c3" * 16
        claimer = person_create(actor=None, first_name_th="มาก่อน", line_user_id=line_id)
        real = find_or_create._exact_match
        calls = []

        def first_misses(wanted):
            calls.append(wanted)
            return None if len(calls) == 1 else real(wanted)

        with mock.patch.object(find_or_create, "_exact_match", first_misses):
            result = person_find_or_create(actor=None, line_user_id=line_id)
        self.assertEqual((result.person, result.created, result.matched_on), (claimer, False, "line_user_id"))
        self.assertEqual(Person.objects.filter(first_name_th="").count(), 0)  # the half-made one rolled back

    def test_it_needs_a_name_or_an_identifier(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            person_find_or_create(actor=self.call_taker)
        self.assertEqual(caught.exception.code, "nothing_to_match")
