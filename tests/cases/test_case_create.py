from __future__ import annotations

from decimal import Decimal

from raksa.cases.models import Case, CaseEvent, CaseParty, PublicStage, Status, Urgency
from raksa.cases.services import case_create
from raksa.core.errors import Forbidden, InvalidInput
from raksa.core.ids import normalize_tracking_code
from tests.base import BANGKOK, RaksaTestCase, at_most_queries
from tests.cases.helpers import kinds, person


class CaseCreateTests(RaksaTestCase):
    def create(self, **fields):
        fields.setdefault("actor", self.call_taker)
        fields.setdefault("channel", "hotline")
        fields.setdefault("summary", "เด็กถูกทิ้งไว้คนเดียว")
        fields.setdefault("owning_unit", self.bkk_office)
        return case_create(**fields)

    def assert_invalid(self, field: str, code: str, **fields):
        before = (Case.objects.count(), CaseEvent.objects.count(), CaseParty.objects.count())
        with self.assertRaises(InvalidInput) as caught:
            self.create(**fields)
        self.assertEqual(caught.exception.field, field)
        self.assertEqual(caught.exception.code, code)
        self.assertTrue(caught.exception.message_th)
        self.assertTrue(caught.exception.message_en)
        self.assertEqual(before, (Case.objects.count(), CaseEvent.objects.count(), CaseParty.objects.count()))
        return caught.exception

    def test_it_opens_a_case_with_its_people_in_at_most_ten_statements_however_many_they_are(self):
        # The number (PostgreSQL's sequence, or SQLite's locked row: five), the tracking code's check, the case,
        # its people in one insert and their events with "created" in another; routing is the directory's cache.
        people = [person("ผู้ถูกกระทำ", "หนึ่ง"), person("ผู้แจ้ง", "สอง"), person("ผู้กระทำ", "สาม")]
        self.create(owning_unit=None, summary="ครั้งแรก")  # the year's number sequence and the directory, made
        with at_most_queries(self, 10):
            case = self.create(
                owning_unit=None,
                subject=people[0],
                reporter=people[1],
                parties=[(people[2], CaseParty.Role.ALLEGED_PERPETRATOR)],
            )
        self.assertEqual(kinds(case), ["created", "party_added", "party_added", "party_added"])
        added = [event.data for event in case.events.all()[1:]]
        parties = {party.pk: party for party in case.parties.all()}
        self.assertEqual(
            [(parties[d["party_id"]].person_id, parties[d["party_id"]].role) for d in added],
            [(people[0].pk, "subject"), (people[1].pk, "reporter"), (people[2].pk, "alleged_perpetrator")],
        )

    def test_it_opens_a_case_with_number_tracking_code_and_created_event(self):
        subject, reporter = person("ด.ญ.มะลิ", "ดีใจ"), person("สมชาย", "ดีใจ")
        case = self.create(
            category="child_protection",
            subject=subject,
            reporter=reporter,
            latitude="13.7563",
            longitude=100.5018,
            location_text="ซอยรามคำแหง 24",
            district_code="1001",
            subdistrict_code="100101",
        )
        self.assertRegex(case.number, r"^25\d\d-\d{6}$")
        self.assertEqual(normalize_tracking_code(case.tracking_code), case.tracking_code)
        self.assertEqual(case.status, Status.NEW)
        self.assertEqual(case.public_stage, PublicStage.RECEIVED)
        self.assertEqual(case.urgency, Urgency.NORMAL)
        self.assertEqual((case.province_code, case.district_code), (BANGKOK, "1001"))
        self.assertEqual(case.latitude, Decimal("13.756300"))
        self.assertEqual(case.created_by, self.call_taker)
        self.assertEqual(kinds(case), ["created", "party_added", "party_added"])
        created = case.events.first()
        self.assertEqual(created.data["owning_unit"], "pso-10")
        self.assertEqual(created.data["category"], "child_protection")
        self.assertEqual(created.actor, self.call_taker)
        roles = {(p.person_id, p.role) for p in case.parties.all()}
        self.assertEqual(roles, {(subject.pk, "subject"), (reporter.pk, "reporter")})

    def test_it_records_every_role_of_people_involved(self):
        victim, parent, suspect = person(), person("แม่", "ดีใจ"), person("นาย", "ร้าย")
        case = self.create(
            subject=victim,
            parties=[(parent, "guardian"), (suspect, "alleged_perpetrator"), (victim, "subject")],
        )
        self.assertEqual(
            sorted(case.parties.values_list("role", flat=True)),
            ["alleged_perpetrator", "guardian", "subject"],
        )
        self.assertEqual(kinds(case), ["created", "party_added", "party_added", "party_added"])

    def test_it_forces_emergency_urgency_for_an_emergency_type(self):
        case = self.create(emergency_type="detention", urgency="normal")
        self.assertEqual(case.urgency, Urgency.EMERGENCY)
        self.assertTrue(case.is_emergency)

    def test_it_refuses_emergency_urgency_without_a_type(self):
        self.assert_invalid("urgency", "emergency_type_required", urgency="emergency")

    def test_it_refuses_unknown_choices_naming_the_field(self):
        self.assert_invalid("channel", "invalid_choice", channel="pigeon")
        self.assert_invalid("category", "invalid_choice", category="aliens")
        self.assert_invalid("emergency_type", "invalid_choice", emergency_type="flood")
        self.assert_invalid("urgency", "invalid_choice", urgency="whenever")
        self.assert_invalid("role", "invalid_choice", parties=[(person(), "neighbour")])

    def test_it_requires_a_short_summary(self):
        self.assert_invalid("summary", "required", summary="   ")
        self.assert_invalid("summary", "too_long", summary="ก" * 301)

    def test_it_refuses_coordinates_out_of_range(self):
        self.assert_invalid("latitude", "out_of_range", latitude=91, longitude=100)
        self.assert_invalid("longitude", "out_of_range", latitude=13, longitude="east")
        self.assert_invalid("longitude", "required", latitude=13)

    def test_it_refuses_unknown_area_codes_in_thai_and_english(self):
        error = self.assert_invalid("province_code", "unknown_area", province_code="99")
        self.assertIn("99", error.message_th)
        self.assertIn("province_code", error.message_en)
        self.assert_invalid("district_code", "unknown_area", district_code="1099")
        self.assert_invalid("subdistrict_code", "unknown_area", subdistrict_code="109999")

    def test_it_refuses_areas_that_do_not_nest(self):
        self.assert_invalid("district_code", "area_mismatch", province_code="10", district_code="5001")
        self.assert_invalid(
            "subdistrict_code", "area_mismatch", district_code="1002", subdistrict_code="100101"
        )

    def test_it_derives_province_and_district_from_the_smallest_area(self):
        case = self.create(subdistrict_code="500101")
        self.assertEqual(
            (case.province_code, case.district_code, case.subdistrict_code), ("50", "5001", "500101")
        )

    def test_it_does_not_let_staff_without_a_unit_open_cases(self):
        with self.assertRaises(Forbidden):
            self.create(actor=self.outsider)
        self.assertFalse(Case.objects.exists())

    def test_it_accepts_a_public_report_without_a_staff_actor(self):
        case = self.create(actor=None, channel="web")
        created = case.events.get()
        self.assertIsNone(created.actor)
        self.assertEqual(created.unit, self.bkk_office)

    def test_it_routes_a_case_without_an_owner_through_the_directory(self):
        # The test directory has no rapid-response rule for Khon Kaen and no routing rules: the centre takes it.
        case = self.create(owning_unit=None, province_code="40", emergency_type="threat")
        self.assertEqual(case.owning_unit, self.centre)

    def test_it_routes_an_emergency_to_the_provinces_rapid_response_unit(self):
        case = self.create(owning_unit=None, province_code=BANGKOK, emergency_type="frenzy")
        self.assertEqual(case.owning_unit, self.bkk_rapid)
