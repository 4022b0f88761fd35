from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from raksa.accounts.http import Staff, StaffRequest, staff_required
from tests.base import RaksaTestCase

seen: list[Staff] = []


@staff_required
def page(request: StaffRequest) -> HttpResponse:
    seen.append(request.staff)
    return HttpResponse("ok")


class StaffRequiredTests(RaksaTestCase):
    def setUp(self) -> None:
        seen.clear()

    def get(self, user: object) -> HttpResponse:
        request = RequestFactory().get("/somewhere/")
        request.user = user  # type: ignore[assignment]
        return page(request)

    def test_it_gives_the_page_the_staff_member_and_their_unit(self) -> None:
        self.assertEqual(self.get(self.case_worker).status_code, 200)
        self.assertEqual(seen, [Staff(user=self.case_worker, unit=self.bkk_office)])

    def test_it_gives_no_unit_to_staff_outside_any_unit_or_inactive(self) -> None:
        self.get(self.outsider)
        self.case_worker.is_active = False
        self.get(self.case_worker)
        self.assertEqual([staff.unit for staff in seen], [None, None])

    def test_it_sends_anonymous_visitors_to_the_login_page(self) -> None:
        response = self.get(AnonymousUser())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/login/?next=/somewhere/")
        self.assertEqual(seen, [])
