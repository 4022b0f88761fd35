"""The case page suggests joining a nearby open emergency of the same type and joins it; every report of the
incident then shows on the one case."""

from __future__ import annotations

from raksa.cases.models import Case, Status
from raksa.intake.models import Report
from raksa.intake.services import report_submit
from tests.base import RaksaTestCase


def frenzy(key: str, lat: float, lon: float, text: str = "") -> Case:
    return report_submit(
        channel="web",
        source="web",
        idempotency_key=key,
        text=text,
        emergency_type="frenzy",
        location={"latitude": lat, "longitude": lon},
    ).report.case


class IncidentJoinPageTests(RaksaTestCase):
    def test_the_case_page_suggests_the_nearby_incident_and_joins_it(self):
        first = frenzy("a", 13.7563, 100.5018, "ชายคลุ้มคลั่งถือไม้ไล่ตีคนหน้าตลาด")
        second = frenzy("b", 13.7570, 100.5020, "มีคนอาละวาดหน้าตลาด ทุบรถ")
        self.client.force_login(self.call_taker)
        page = self.client.get(f"/cases/{second.number}/")
        self.assertContains(page, "อาจเป็นเหตุการณ์เดียวกัน")
        self.assertContains(page, f"/cases/{first.number}/")

        answer = self.client.post(f"/cases/{second.number}/join/", {"into": first.number}, follow=True)
        self.assertEqual(answer.status_code, 200)
        second.refresh_from_db()
        self.assertEqual(second.status, Status.CLOSED)
        self.assertEqual(Report.objects.filter(case=first).count(), 2)
        page = self.client.get(f"/cases/{first.number}/")
        self.assertContains(page, "ชายคลุ้มคลั่งถือไม้ไล่ตีคนหน้าตลาด")
        self.assertContains(page, "มีคนอาละวาดหน้าตลาด ทุบรถ")

    def test_a_worker_who_cannot_manage_both_gets_no_suggestion_and_no_join(self):
        first = frenzy("c", 13.7563, 100.5018)
        second = frenzy("d", 13.7564, 100.5018)
        self.client.force_login(self.other_province_worker)
        self.assertEqual(self.client.get(f"/cases/{second.number}/").status_code, 404)
        self.assertEqual(
            self.client.post(f"/cases/{second.number}/join/", {"into": first.number}).status_code, 404
        )
        self.assertEqual(Report.objects.filter(case=first).count(), 1)

    def test_joining_a_case_of_another_type_is_refused_with_a_reason(self):
        first = frenzy("e", 13.7563, 100.5018)
        threat = report_submit(
            channel="web",
            source="web",
            idempotency_key="f",
            emergency_type="threat",
            location={"latitude": 13.7563, "longitude": 100.5018},
        ).report.case
        self.client.force_login(self.call_taker)
        answer = self.client.post(f"/cases/{threat.number}/join/", {"into": first.number})
        self.assertEqual(answer.status_code, 409)
        self.assertContains(answer, "Only open emergencies of the same type can be joined", status_code=409)
        threat.refresh_from_db()
        self.assertNotEqual(threat.status, Status.CLOSED)
