"""Shared personas for every test: who is asking matters more than what is asked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from raksa.accounts.models import Role, User
from raksa.accounts.selectors import second_factor_required
from raksa.directory.models import Agency, ServiceArea, Unit

BANGKOK = "10"
CHIANG_MAI = "50"
KHON_KAEN = "40"


def make_unit(code: str, agency: Agency, kind: str, province: str = "", areas: tuple[str, ...] = ()) -> Unit:
    unit = Unit.objects.create(
        code=code,
        agency=agency,
        name_th=f"หน่วย {code}",
        name_en=f"Unit {code}",
        kind=kind,
        province_code=province,
    )
    for area in areas:
        ServiceArea.objects.create(unit=unit, area_code=area)
    return unit


def make_user(username: str, role: str, unit: Unit | None) -> User:
    return User.objects.create_user(
        username=username, password="correct-horse-battery", role=role, unit=unit, display_name=username
    )


class StaffClient(Client):
    """The test client, whose `force_login` and `login` also pass the second sign-in step for a user who needs one
    (a supervisor, an admin): as they skip typing the password, they skip typing the code.

    Tests of two-factor sign-in itself use Django's plain Client.
    """

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        self._pass_second_factor(user)

    def login(self, **credentials: Any) -> bool:
        signed_in = super().login(**credentials)
        if signed_in:
            self._pass_second_factor(User.objects.get(pk=self.session["_auth_user_id"]))
        return signed_in

    def _pass_second_factor(self, user: Any) -> None:
        if not second_factor_required(user=user):
            return
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@contextmanager
def at_most_queries(test: TestCase, limit: int) -> Iterator[CaptureQueriesContext]:
    """Fail `test` when the block runs more than `limit` statements (savepoints count), listing them."""
    with CaptureQueriesContext(connection) as captured:
        yield captured
    if len(captured) > limit:
        listing = "\n".join(f"{n}. {q['sql'][:300]}" for n, q in enumerate(captured.captured_queries, 1))
        test.fail(f"{len(captured)} statements, at most {limit} expected:\n{listing}")


class RaksaTestCase(TestCase):
    """A small directory and one person per role and place.

    - centre: the national 1300 centre (sees every case)
    - bkk_office / cm_office / kk_office: provincial offices of Bangkok, Chiang Mai, Khon Kaen
    - bkk_rapid: Bangkok's rapid-response unit
    - dcy_hq: a department's national headquarters (receives referrals)
    """

    client_class = StaffClient

    @classmethod
    def setUpTestData(cls) -> None:
        cls.centre_agency = Agency.objects.create(
            code="centre",
            name_th="ศูนย์ช่วยเหลือสังคม",
            name_en="Social Assistance Center",
            kind=Agency.Kind.CENTRE,
        )
        cls.ops = Agency.objects.create(
            code="ops",
            name_th="สำนักงานปลัดกระทรวง",
            name_en="Office of the Permanent Secretary",
            kind=Agency.Kind.OFFICE,
        )
        cls.dcy = Agency.objects.create(
            code="dcy",
            name_th="กรมกิจการเด็กและเยาวชน",
            name_en="Department of Children and Youth",
            kind=Agency.Kind.DEPARTMENT,
        )
        cls.centre = make_unit("centre-1300", cls.centre_agency, Unit.Kind.CENTRE)
        cls.bkk_office = make_unit("pso-10", cls.ops, Unit.Kind.PROVINCIAL_OFFICE, BANGKOK, (BANGKOK,))
        cls.cm_office = make_unit("pso-50", cls.ops, Unit.Kind.PROVINCIAL_OFFICE, CHIANG_MAI, (CHIANG_MAI,))
        cls.kk_office = make_unit("pso-40", cls.ops, Unit.Kind.PROVINCIAL_OFFICE, KHON_KAEN, (KHON_KAEN,))
        cls.bkk_rapid = make_unit("rru-10", cls.centre_agency, Unit.Kind.RAPID_RESPONSE, BANGKOK, (BANGKOK,))
        cls.dcy_hq = make_unit("dcy-hq", cls.dcy, Unit.Kind.HEADQUARTERS)

        cls.call_taker = make_user("call_taker", Role.CALL_TAKER, cls.centre)
        cls.responder = make_user("responder_bkk", Role.RESPONDER, cls.bkk_rapid)
        cls.case_worker = make_user("worker_bkk", Role.CASE_WORKER, cls.bkk_office)
        cls.other_province_worker = make_user("worker_cm", Role.CASE_WORKER, cls.cm_office)
        cls.supervisor = make_user("supervisor_bkk", Role.SUPERVISOR, cls.bkk_office)
        cls.other_supervisor = make_user("supervisor_kk", Role.SUPERVISOR, cls.kk_office)
        cls.dcy_worker = make_user("worker_dcy", Role.CASE_WORKER, cls.dcy_hq)
        cls.admin_user = make_user("admin", Role.ADMIN, cls.centre)
        cls.outsider = make_user("outsider", Role.CASE_WORKER, None)
