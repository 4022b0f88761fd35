from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from raksa.accounts.models import User
from raksa.accounts.services import token_authenticate
from raksa.cases.models import Case, CaseEvent, CaseParty, Note, Referral
from raksa.cases.stages import STATUS_STAGE
from raksa.demo.plan import CATEGORIES, EMERGENCY_TYPES, province_codes
from raksa.intake.models import Report
from raksa.people.models import Person
from raksa.people.selectors import person_search

PEOPLE = 100
CASES = 160
ROLES = {"call_taker", "responder", "case_worker", "supervisor", "admin", "volunteer"}
VOLUNTEER_REPORTS = 2


def planned_cases():
    """The plan's cases: the volunteer's own reports open theirs through her channel, today."""
    return Case.objects.exclude(channel="volunteer")


def run_demo(**options: object) -> str:
    out = io.StringIO()
    call_command("demo", people=PEOPLE, cases=CASES, stdout=out, **options)
    return out.getvalue()


def printed_passwords(output: str) -> dict[str, str]:
    rows = re.findall(r"^\s+(demo_\w+)\s+(\w+)\s+([\w-]+)\s+(\S+)\s*$", output, re.MULTILINE)
    return {username: password for username, _role, _unit, password in rows}


def printed_keys(output: str) -> dict[str, str]:
    return dict(re.findall(r"^  2FA (demo_\w+): key ([0-9a-f]+)  otpauth://\S+$", output, re.MULTILINE))


class DemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.first_output = run_demo()

    def test_it_loads_people_and_cases_across_all_77_provinces(self) -> None:
        self.assertEqual(Person.objects.count(), PEOPLE)
        self.assertEqual(planned_cases().count(), CASES)
        self.assertEqual(set(Person.objects.values_list("province_code", flat=True)), set(province_codes()))
        self.assertEqual(set(Case.objects.values_list("province_code", flat=True)), set(province_codes()))
        self.assertEqual(len(province_codes()), 77)

    def test_it_covers_every_category_and_emergency_type(self) -> None:
        self.assertEqual(set(Case.objects.values_list("category", flat=True)), set(CATEGORIES))
        self.assertEqual(
            set(Case.objects.exclude(emergency_type="").values_list("emergency_type", flat=True)),
            set(EMERGENCY_TYPES),
        )
        share = Case.objects.exclude(emergency_type="").count() / CASES
        self.assertTrue(0.08 <= share <= 0.25, share)

    def test_it_writes_a_real_timeline_for_every_case(self) -> None:
        created = set(CaseEvent.objects.filter(kind="created").values_list("case_id", flat=True))
        self.assertEqual(created, set(Case.objects.values_list("id", flat=True)))
        for case in Case.objects.all():
            self.assertEqual(case.public_stage, STATUS_STAGE[case.status], case.number)
        self.assertGreater(len(set(Case.objects.values_list("status", flat=True))), 3)
        self.assertTrue(Referral.objects.filter(state=Referral.State.ACCEPTED).exists())
        # History reaches back: not every case was opened today.
        days = {c.created_at.date() for c in Case.objects.all()}
        self.assertGreater(len(days), 20)

    def test_it_gives_thai_names_that_search_finds(self) -> None:
        person = Person.objects.filter(status="thai").exclude(title="").order_by("id").first()
        assert person is not None
        self.assertTrue(person.name_key)
        found = person_search(query=f"{person.title}{person.first_name_th} {person.last_name_th}")
        self.assertIn(person.pk, [p.pk for p in found])
        self.assertTrue(
            Person.objects.filter(status__in=["migrant", "stateless"], identifiers__kind="phone").exists()
        )

    def test_it_has_people_that_several_agencies_work_with(self) -> None:
        several = (
            CaseParty.objects.filter(role=CaseParty.Role.SUBJECT)
            .values("person")
            .annotate(agencies=Count("case__owning_unit__agency", distinct=True))
            .filter(agencies__gte=2)
        )
        self.assertGreaterEqual(several.count(), 5)

    def test_it_prints_a_working_password_for_one_user_per_role(self) -> None:
        passwords = printed_passwords(self.first_output)
        self.assertEqual(len(passwords), len(ROLES))
        roles = set()
        for username, password in passwords.items():
            user = authenticate(username=username, password=password)
            self.assertIsNotNone(user, username)
            assert user is not None
            roles.add(user.role)
        self.assertEqual(roles, ROLES)
        admin = authenticate(username="demo_admin", password=passwords["demo_admin"])
        assert admin is not None
        self.assertTrue(admin.is_staff and admin.is_superuser)

    def test_it_is_idempotent_and_prints_fresh_passwords_each_run(self) -> None:
        before = (Person.objects.count(), Case.objects.count(), CaseEvent.objects.count())
        old = printed_passwords(self.first_output)
        second = run_demo()
        self.assertEqual((Person.objects.count(), Case.objects.count(), CaseEvent.objects.count()), before)
        self.assertIn("(0 new)", second)
        new = printed_passwords(second)
        self.assertIsNotNone(authenticate(username="demo_case_worker", password=new["demo_case_worker"]))
        self.assertIsNone(authenticate(username="demo_case_worker", password=old["demo_case_worker"]))

    def test_it_uses_the_given_password_for_every_demo_user(self) -> None:
        output = run_demo(password="demo-password-2569")
        self.assertEqual(set(printed_passwords(output).values()), {"demo-password-2569"})
        self.assertIsNotNone(authenticate(username="demo_responder", password="demo-password-2569"))

    def test_it_prints_a_working_authenticator_key_for_roles_with_a_second_factor(self) -> None:
        keys = printed_keys(self.first_output)
        self.assertEqual(set(keys), {"demo_supervisor", "demo_admin"})
        for username, key_hex in keys.items():
            device = TOTPDevice.objects.get(user__username=username)
            self.assertTrue(device.confirmed)
            code = str(totp(bytes.fromhex(key_hex), step=device.step, digits=device.digits)).zfill(
                device.digits
            )
            self.assertTrue(device.verify_token(code), username)
        self.assertFalse(TOTPDevice.objects.filter(user__username="demo_case_worker").exists())

    def test_it_keeps_the_authenticator_key_across_runs_with_a_given_password(self) -> None:
        first = printed_keys(run_demo(password="demo-password-2569"))
        second = printed_keys(run_demo(password="demo-password-2569"))
        self.assertEqual(first, second)
        self.assertNotEqual(first, printed_keys(self.first_output))

    def test_it_tops_up_a_partial_load(self) -> None:
        out = io.StringIO()
        call_command("demo", people=PEOPLE + 10, cases=CASES + 5, stdout=out)
        self.assertEqual(Person.objects.count(), PEOPLE + 10)
        self.assertEqual(planned_cases().count(), CASES + 5)
        self.assertIn("10 new", out.getvalue())

    def test_it_has_referrals_accepted_by_someone_of_the_receiving_unit(self) -> None:
        accepted = Referral.objects.filter(state=Referral.State.ACCEPTED).select_related("decided_by")
        self.assertTrue(accepted.exists())
        for referral in accepted:
            assert referral.decided_by is not None
            self.assertEqual(referral.decided_by.unit_id, referral.to_unit_id, referral.pk)
        events = CaseEvent.objects.filter(kind="referral_accepted").select_related("actor")
        self.assertEqual(events.count(), accepted.count())
        self.assertFalse(events.filter(actor=None).exists())

    def test_it_gives_the_referral_desks_no_way_to_sign_in(self) -> None:
        desks = User.objects.filter(username__startswith="demo_desk_")
        self.assertTrue(desks.exists())
        self.assertFalse(any(user.has_usable_password() for user in desks))
        self.assertEqual(len(printed_passwords(self.first_output)), len(ROLES))

    def test_it_has_a_volunteer_with_reports_of_her_own_made_with_consent(self) -> None:
        volunteer = User.objects.get(username="demo_volunteer")
        self.assertEqual((volunteer.role, volunteer.unit.code), ("volunteer", "pso-50"))
        reports = Report.objects.filter(submitted_by=volunteer).select_related("case", "consent")
        self.assertEqual(reports.count(), VOLUNTEER_REPORTS)
        for report in reports:
            self.assertEqual((report.channel, report.case.channel), ("volunteer", "volunteer"))
            self.assertEqual(report.case.province_code, "50")
            self.assertTrue(report.consent.given_by)
            # About a demo person, found again by national ID: nobody new was made.
            self.assertTrue(report.case.parties.filter(role="subject").exists())
        self.assertTrue(Note.objects.filter(author=volunteer).exists())
        self.assertIn(f"volunteer reports: {VOLUNTEER_REPORTS} ({VOLUNTEER_REPORTS} new)", self.first_output)
        self.client.force_login(volunteer)
        page = self.client.get("/volunteer/")
        for report in reports:
            self.assertContains(page, report.case.number)

    def test_a_rerun_makes_no_second_volunteer_report(self) -> None:
        before = (Report.objects.count(), Note.objects.count())
        second = run_demo()
        self.assertEqual((Report.objects.count(), Note.objects.count()), before)
        self.assertIn(f"volunteer reports: {VOLUNTEER_REPORTS} (0 new)", second)

    def test_it_leaves_dispatch_milestones_to_the_dispatch_app(self) -> None:
        self.assertTrue(Case.objects.exclude(emergency_type="").exists())
        self.assertFalse(CaseEvent.objects.filter(kind__in=["forwarded", "on_scene"]).exists())

    def test_it_dates_every_timeline_in_the_past_in_the_order_it_was_written(self) -> None:
        now = timezone.now()
        timelines: dict[int, list[CaseEvent]] = defaultdict(list)
        for event in CaseEvent.objects.order_by("case_id", "created_at", "id"):
            timelines[event.case_id].append(event)
        for case in planned_cases():
            events = timelines[case.pk]
            # Ids count the order the services wrote in; the times only moved back.
            self.assertEqual([e.pk for e in events], sorted(e.pk for e in events), case.number)
            self.assertEqual(events[0].kind, "created")
            self.assertEqual(case.created_at, events[0].created_at)
            self.assertTrue(all(e.created_at <= now for e in events), case.number)
        self.assertGreater(
            Case.objects.filter(created_at__lt=now - dt.timedelta(days=60)).count(), CASES // 5
        )

    def test_it_adds_the_telephony_system_as_a_service_user_and_says_how_to_get_its_token(self) -> None:
        pbx = User.objects.get(username="pbx")
        self.assertEqual((pbx.service, pbx.unit.code if pbx.unit else None), ("telephony", "centre-1300"))
        self.assertFalse(pbx.has_usable_password())
        self.assertIn(
            "raksa token create --user pbx --role call_taker --service telephony", self.first_output
        )
        token = io.StringIO()
        call_command(
            "token", "create", "--user", "pbx", "--role", "call_taker", "--service", "telephony", stdout=token
        )
        self.assertEqual(token_authenticate(token.getvalue().strip()), pbx)
