"""Who may see a person (raksa.cases.person_access): the rule per role and persona, breaking the glass, and the
hourly limit on person views."""

from __future__ import annotations

import datetime as dt
import importlib

import time_machine
from django.apps import apps
from django.core import mail
from django.test import override_settings

from raksa.accounts.models import Notice, Role
from raksa.cases import person_access
from raksa.cases.models import AccessLog, BreakGlass
from raksa.cases.person_access import Visibility
from raksa.core.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from raksa.core.identifiers import make_national_id
from raksa.people.models import Person, is_public_id
from raksa.people.services import person_create
from tests.base import BANGKOK, RaksaTestCase, make_user
from tests.cases.helpers import open_case, refer

NATIONAL_ID = make_national_id("110170020345")
REASON = "แม่โทรมาแจ้งว่าเด็กหายออกจากบ้านตั้งแต่เมื่อคืน ต้องติดต่อญาติด่วน"
# A fixed moment well inside an hour, so that "the next hour" is a known distance away.
NOON = dt.datetime(2026, 3, 2, 12, 10, tzinfo=dt.UTC)


class PersonAccessCase(RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.somsri = person_create(
            actor=cls.call_taker,
            first_name_th="สมศรี",
            last_name_th="ใจดี",
            birth_date="1985-04-02",
            national_id=NATIONAL_ID,
            phones=["0812345678"],
            address={"text": "12 ซอยสุขุมวิท 3", "province_code": BANGKOK},
        )
        # A Bangkok case: her case worker and the Bangkok supervisor see it, Chiang Mai does not.
        cls.case = open_case(cls.call_taker, cls.bkk_office, subject=cls.somsri)
        cls.lonely = person_create(actor=cls.call_taker, first_name_th="มานะ", last_name_th="อดทน")

    def visibility(self, user, person) -> Visibility:
        return person_access.person_access(user, person).visibility


class PersonAccessRuleTests(PersonAccessCase):
    def test_it_shows_the_centre_call_taker_everyone_in_full(self) -> None:
        self.assertEqual(self.visibility(self.call_taker, self.somsri), Visibility.FULL)
        self.assertEqual(self.visibility(self.call_taker, self.lonely), Visibility.FULL)
        self.assertEqual(self.visibility(self.admin_user, self.lonely), Visibility.FULL)

    def test_it_shows_a_case_worker_with_a_case_the_full_record(self) -> None:
        self.assertEqual(self.visibility(self.case_worker, self.somsri), Visibility.FULL)
        self.assertEqual(self.visibility(self.supervisor, self.somsri), Visibility.FULL)

    def test_it_shows_a_case_worker_in_another_province_a_limited_view(self) -> None:
        self.assertEqual(self.visibility(self.other_province_worker, self.somsri), Visibility.LIMITED)
        self.assertEqual(self.visibility(self.other_supervisor, self.somsri), Visibility.LIMITED)
        self.assertEqual(self.visibility(self.case_worker, self.lonely), Visibility.LIMITED)

    def test_it_opens_the_record_to_a_unit_the_case_is_referred_to(self) -> None:
        self.assertEqual(self.visibility(self.dcy_worker, self.somsri), Visibility.LIMITED)
        refer(self.case, by=self.case_worker, to_unit=self.dcy_hq)
        self.assertEqual(self.visibility(self.dcy_worker, self.somsri), Visibility.FULL)

    def test_it_shows_an_outsider_nothing(self) -> None:
        self.assertEqual(self.visibility(self.outsider, self.somsri), Visibility.NONE)
        self.case_worker.is_active = False
        self.assertEqual(self.visibility(self.case_worker, self.somsri), Visibility.NONE)

    def test_it_shows_a_responder_only_the_people_on_cases_they_see(self) -> None:
        self.assertEqual(self.visibility(self.responder, self.somsri), Visibility.NONE)
        open_case(self.call_taker, self.bkk_rapid, subject=self.lonely, emergency_type="threat")
        self.assertEqual(self.visibility(self.responder, self.lonely), Visibility.FULL)
        self.assertEqual(self.visibility(self.responder, self.somsri), Visibility.NONE)

    def test_it_searches_the_index_for_a_responder_only_among_their_people(self) -> None:
        namesake = person_create(actor=self.call_taker, first_name_th="สมศรี", last_name_th="ใจงาม")
        open_case(self.call_taker, self.bkk_rapid, subject=namesake, emergency_type="threat")
        found = person_access.person_search_for_view(user=self.responder, query="สมศรี")
        self.assertEqual([p for p, _ in found], [namesake])
        self.assertEqual(person_access.person_search_for_view(user=self.responder, query=NATIONAL_ID), [])

    def test_it_labels_each_search_result_with_its_view(self) -> None:
        found = person_access.person_search_for_view(user=self.other_province_worker, query="สมศรี")
        self.assertEqual([(p, a.label) for p, a in found], [(self.somsri, "limited")])
        found = person_access.person_search_for_view(user=self.case_worker, query=NATIONAL_ID)
        self.assertEqual([(p, a.label) for p, a in found], [(self.somsri, "full")])

    def test_it_limits_the_view_to_name_birth_year_province_and_agencies(self) -> None:
        open_case(self.call_taker, self.dcy_hq, subject=self.somsri, category="child_protection")
        limited = person_access.person_limited(person=self.somsri)
        self.assertEqual(
            (limited.display_name, limited.birth_year, limited.province_code),
            ("สมศรี ใจดี", 1985, BANGKOK),
        )
        self.assertEqual([a.code for a in limited.agencies], ["dcy", "ops"])
        self.assertEqual(limited.public_id, self.somsri.public_id)
        self.assertFalse(hasattr(limited, "identifiers") or hasattr(limited, "addresses"))

    def test_it_finds_nobody_by_a_row_id(self) -> None:
        with self.assertRaises(NotFound):
            person_access.person_for_view(user=self.call_taker, public_id=str(self.somsri.pk))
        self.assertTrue(is_public_id(self.somsri.public_id))

    def test_it_writes_one_access_row_per_person_a_search_shows(self) -> None:
        person_create(actor=self.call_taker, first_name_th="สมศรี", last_name_th="ใจเย็น")
        found = person_access.person_search_for_view(user=self.call_taker, query="สมศรี")
        rows = AccessLog.objects.filter(user=self.call_taker, action="person_search")
        self.assertEqual(sorted(rows.values_list("person_id", flat=True)), sorted(p.pk for p, _ in found))
        self.assertEqual(len(found), 2)

    def test_it_writes_one_row_naming_nobody_for_a_search_that_found_nobody(self) -> None:
        person_access.person_search_for_view(user=self.call_taker, query="ไม่มีใครชื่อนี้")
        row = AccessLog.objects.get(user=self.call_taker)
        self.assertEqual((row.action, row.person), ("person_search", None))


class PublicIdMigrationTests(PersonAccessCase):
    def test_it_gives_every_existing_person_a_public_id(self) -> None:
        # The unique index allows one empty id at a time: one person stands for every row the column was added to.
        kept = self.lonely.public_id
        Person.objects.filter(pk=self.somsri.pk).update(public_id="")
        migration = importlib.import_module("raksa.people.migrations.0003_person_public_id")
        migration.fill_public_ids(apps, None)
        self.somsri.refresh_from_db()
        self.lonely.refresh_from_db()
        self.assertTrue(is_public_id(self.somsri.public_id))
        self.assertEqual(self.lonely.public_id, kept)


class BreakGlassTests(PersonAccessCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.centre_supervisor = make_user("supervisor_1300", Role.SUPERVISOR, cls.centre)

    def test_it_requires_a_written_reason_of_a_sensible_length(self) -> None:
        for reason, code in [
            ("", "required"),
            ("\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b", "required"),
            ("ด่วน", "too_short"),
            ("ก" * 501, "too_long"),
        ]:
            with self.subTest(code=code), self.assertRaises(InvalidInput) as raised:
                person_access.person_break_glass(
                    user=self.other_province_worker, person=self.somsri, reason=reason
                )
            self.assertEqual((raised.exception.code, raised.exception.field), (code, "reason"))
            self.assertTrue(raised.exception.message_th and raised.exception.message_en)
        self.assertFalse(BreakGlass.objects.exists())
        self.assertFalse(Notice.objects.exists())

    def test_it_opens_the_record_for_a_while_then_closes_it(self) -> None:
        with time_machine.travel(NOON, tick=False):
            grant = person_access.person_break_glass(
                user=self.other_province_worker, person=self.somsri, reason=REASON
            )
            self.assertEqual(grant.expires_at, NOON + dt.timedelta(hours=4))
            access = person_access.person_access(self.other_province_worker, self.somsri)
            self.assertEqual((access.visibility, access.grant), (Visibility.FULL, grant))
        with time_machine.travel(NOON + dt.timedelta(hours=3, minutes=59), tick=False):
            self.assertEqual(self.visibility(self.other_province_worker, self.somsri), Visibility.FULL)
        with time_machine.travel(NOON + dt.timedelta(hours=4), tick=False):
            self.assertEqual(self.visibility(self.other_province_worker, self.somsri), Visibility.LIMITED)
        # Only for that user: a colleague in the same office still has the limited view.
        colleague = make_user("worker_cm_2", Role.CASE_WORKER, self.cm_office)
        self.assertEqual(self.visibility(colleague, self.somsri), Visibility.LIMITED)

    @override_settings(RAKSA_BREAK_GLASS_MINUTES=30)
    def test_it_keeps_the_record_open_as_long_as_the_setting_says(self) -> None:
        with time_machine.travel(NOON, tick=False):
            grant = person_access.person_break_glass(
                user=self.other_province_worker, person=self.somsri, reason=REASON
            )
        self.assertEqual(grant.expires_at - grant.created_at, dt.timedelta(minutes=30))

    def test_it_marks_the_access_log_while_the_glass_is_broken(self) -> None:
        grant = person_access.person_break_glass(
            user=self.other_province_worker, person=self.somsri, reason=REASON
        )
        person_access.person_for_view(user=self.other_province_worker, public_id=self.somsri.public_id)
        rows = AccessLog.objects.filter(user=self.other_province_worker, person=self.somsri).order_by("id")
        self.assertEqual(
            [(r.action, r.break_glass) for r in rows], [("break_glass", grant), ("person_view", grant)]
        )
        self.assertEqual(rows[0].break_glass.reason, REASON)

    def test_it_tells_the_supervisors_of_the_persons_area(self) -> None:
        person_access.person_break_glass(user=self.other_province_worker, person=self.somsri, reason=REASON)
        notice = Notice.objects.get()
        self.assertEqual((notice.recipient, notice.kind), (self.supervisor, "break_glass"))
        self.assertIn("worker_cm", notice.message_th)
        self.assertIn(REASON, notice.message_th)
        self.assertIn(REASON, notice.message_en)
        self.assertEqual(notice.url, f"/people/{self.somsri.public_id}/")
        # The notice links to the person; reading the list of notices shows no one's name.
        self.assertNotIn("สมศรี", notice.message_th + notice.message_en)

    def test_it_tells_the_centres_supervisors_when_no_one_serves_the_area(self) -> None:
        person_access.person_break_glass(user=self.other_province_worker, person=self.lonely, reason=REASON)
        self.assertEqual(
            list(Notice.objects.values_list("recipient", flat=True)), [self.centre_supervisor.pk]
        )

    def test_it_never_tells_the_user_who_broke_the_glass(self) -> None:
        # The Khon Kaen supervisor breaks the glass on a Khon Kaen person: the centre is told, not themselves.
        person = person_create(
            actor=self.call_taker, first_name_th="ดวงใจ", address={"province_code": "40", "text": "บ้านไผ่"}
        )
        person_access.person_break_glass(user=self.other_supervisor, person=person, reason=REASON)
        self.assertEqual(
            list(Notice.objects.values_list("recipient", flat=True)), [self.centre_supervisor.pk]
        )

    @override_settings(RAKSA_NOTICE_EMAIL=True)
    def test_it_emails_the_supervisors_when_email_is_configured(self) -> None:
        self.supervisor.email = "supervisor.bkk@example.org"
        self.supervisor.save()
        with self.captureOnCommitCallbacks(execute=True):
            person_access.person_break_glass(
                user=self.other_province_worker, person=self.somsri, reason=REASON
            )
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["supervisor.bkk@example.org"])
        self.assertIn("worker_cm", mail.outbox[0].body)
        # Neither the person nor the reason leaves the system by email: the notice in the app holds them.
        for private in (REASON, "สมศรี", self.somsri.public_id):
            self.assertNotIn(private, mail.outbox[0].subject + mail.outbox[0].body)

    def test_it_sends_no_email_when_email_is_not_configured(self) -> None:
        self.supervisor.email = "supervisor.bkk@example.org"
        self.supervisor.save()
        with self.captureOnCommitCallbacks(execute=True):
            person_access.person_break_glass(
                user=self.other_province_worker, person=self.somsri, reason=REASON
            )
        self.assertEqual(mail.outbox, [])
        self.assertTrue(Notice.objects.exists())

    def test_it_refuses_whoever_already_sees_the_full_record(self) -> None:
        with self.assertRaises(Conflict) as raised:
            person_access.person_break_glass(user=self.case_worker, person=self.somsri, reason=REASON)
        self.assertEqual(raised.exception.code, "break_glass_not_needed")

    def test_it_hides_the_person_from_whoever_may_not_see_them_at_all(self) -> None:
        for user in (self.responder, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(NotFound):
                person_access.person_break_glass(user=user, person=self.somsri, reason=REASON)
        self.assertFalse(BreakGlass.objects.exists())


@override_settings(RAKSA_PERSON_VIEWS_PER_HOUR=3)
class PersonViewLimitTests(PersonAccessCase):
    def view(self, user=None):
        return person_access.person_for_view(
            user=user or self.other_province_worker, public_id=self.somsri.public_id
        )

    def test_it_refuses_views_beyond_the_hourly_limit(self) -> None:
        with time_machine.travel(NOON, tick=False):
            for _ in range(3):
                self.view()
            with self.assertRaises(TooManyRequests) as raised:
                self.view()
        error = raised.exception
        self.assertEqual((error.status, error.code), (429, "too_many_person_views"))
        self.assertEqual(error.retry_after, 50 * 60)
        self.assertIn("3", error.message_th)
        self.assertIn("50 minutes", error.message_en)

    def test_it_counts_searches_and_misses_too(self) -> None:
        with time_machine.travel(NOON, tick=False):
            person_access.person_search_for_view(user=self.other_province_worker, query="สมศรี")
            with self.assertRaises(NotFound):
                person_access.person_for_view(user=self.other_province_worker, public_id="0" * 20)
            self.view()
            with self.assertRaises(TooManyRequests):
                person_access.person_search_for_view(user=self.other_province_worker, query="มานะ")

    def test_it_counts_each_user_apart(self) -> None:
        with time_machine.travel(NOON, tick=False):
            for _ in range(3):
                self.view()
            self.view(self.call_taker)

    def test_it_allows_views_again_in_the_next_hour(self) -> None:
        with time_machine.travel(NOON, tick=False):
            for _ in range(3):
                self.view()
            with self.assertRaises(TooManyRequests):
                self.view()
        with time_machine.travel(NOON + dt.timedelta(minutes=50), tick=False):
            self.view()

    def test_it_alerts_the_users_supervisors_once_per_hour(self) -> None:
        cm_supervisor = make_user("supervisor_cm", Role.SUPERVISOR, self.cm_office)
        with time_machine.travel(NOON, tick=False):
            for _ in range(3):
                self.view()
            for _ in range(3):
                with self.assertRaises(TooManyRequests):
                    self.view()
        notice = Notice.objects.get()
        self.assertEqual((notice.recipient, notice.kind), (cm_supervisor, "person_views_limit"))
        self.assertIn("worker_cm", notice.message_en)
        with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
            for _ in range(3):
                self.view()
            with self.assertRaises(TooManyRequests):
                self.view()
        self.assertEqual(Notice.objects.count(), 2)

    def test_it_writes_no_access_row_for_a_refused_view(self) -> None:
        with time_machine.travel(NOON, tick=False):
            for _ in range(3):
                self.view()
            with self.assertRaises(TooManyRequests):
                self.view()
        self.assertEqual(AccessLog.objects.filter(user=self.other_province_worker).count(), 3)


class SupervisorsOfTests(PersonAccessCase):
    def test_it_names_the_users_own_unit_supervisors_first(self) -> None:
        self.assertEqual(person_access.supervisors_of(self.case_worker), [self.supervisor])

    def test_it_falls_back_to_the_supervisors_serving_the_units_province(self) -> None:
        # The Bangkok rapid-response unit has no supervisor of its own; the Bangkok office's serves its province.
        self.assertEqual(person_access.supervisors_of(self.responder), [self.supervisor])

    def test_it_falls_back_to_the_centres_supervisors(self) -> None:
        centre_supervisor = make_user("supervisor_1300", Role.SUPERVISOR, self.centre)
        self.assertEqual(person_access.supervisors_of(self.other_province_worker), [centre_supervisor])
        self.assertEqual(person_access.supervisors_of(self.dcy_worker), [centre_supervisor])


class GrantModelTests(PersonAccessCase):
    def test_it_keeps_each_grant_with_its_own_reason(self) -> None:
        with time_machine.travel(NOON, tick=False):
            first = person_access.person_break_glass(
                user=self.other_province_worker, person=self.somsri, reason=REASON
            )
        with time_machine.travel(NOON + dt.timedelta(hours=5), tick=False):
            second = person_access.person_break_glass(
                user=self.other_province_worker, person=self.somsri, reason=REASON + " (อีกครั้ง)"
            )
        self.assertNotEqual(first.pk, second.pk)
        self.assertLess(first.expires_at, second.created_at)
        self.assertEqual(BreakGlass.objects.filter(person=self.somsri).count(), 2)
