"""Each workspace page that shows personal data writes access-log rows naming whose data it showed."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from raksa.cases import services
from raksa.cases.models import AccessLog
from tests.workspace.test_views import NATIONAL_ID, WorkspaceTestCase


def logged(user, **where) -> set[tuple[str, str]]:
    """(action, what) of the user's rows: what is a case number or a person's name."""
    rows = AccessLog.objects.filter(user=user, **where).select_related("case", "person")
    return {(r.action, r.case.number if r.case else r.person.display_name) for r in rows}


class CaseSearchAccessLogTests(WorkspaceTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.case_worker)

    def test_it_logs_the_cases_listed_and_the_person_a_search_found_them_through(self) -> None:
        for query in (NATIONAL_ID, "0812345678", "สมชาย"):
            with self.subTest(query=query):
                AccessLog.objects.all().delete()
                self.listing(q=query)
                self.assertEqual(
                    logged(self.case_worker),
                    {("case_search", self.bkk_case.number), ("case_search", "นาย สมชาย ใจดี")},
                )
                row = AccessLog.objects.get(person=self.somchai)
                self.assertEqual((row.channel, row.case), ("web", None))
                self.assertIn("q=", row.path)

    def test_it_names_only_the_cases_the_searcher_saw(self) -> None:
        # Somchai's Chiang Mai case is hidden from a Bangkok worker: it is neither shown nor logged as seen.
        self.listing(q=NATIONAL_ID)
        self.assertFalse(AccessLog.objects.filter(case=self.cm_case).exists())

    def test_it_logs_a_search_by_case_number_as_that_case(self) -> None:
        self.listing(q=self.bkk_case.number)
        self.assertEqual(logged(self.case_worker), {("case_search", self.bkk_case.number)})

    def test_it_logs_no_person_when_none_of_their_cases_is_shown(self) -> None:
        self.client.force_login(self.other_province_worker)
        self.listing(q="มาลี")  # Malee's only case is in Bangkok
        self.assertFalse(AccessLog.objects.exists())

    def test_it_logs_nothing_for_the_unit_list_without_a_search(self) -> None:
        self.listing()
        self.listing(status="new")
        self.assertFalse(AccessLog.objects.exists())

    def test_it_logs_the_htmx_results_like_the_page(self) -> None:
        self.client.get(reverse("cases:list"), {"q": "มาลี"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
        self.assertEqual(
            logged(self.case_worker), {("case_search", self.bkk_elderly.number), ("case_search", "มาลี สุขใจ")}
        )


class CasePageAccessLogTests(WorkspaceTestCase):
    def test_it_names_the_people_whose_cards_the_case_page_shows(self) -> None:
        self.client.force_login(self.case_worker)
        self.client.get(reverse("cases:detail", args=[self.bkk_case.number]))
        self.assertEqual(
            logged(self.case_worker), {("case_view", self.bkk_case.number), ("case_view", "นาย สมชาย ใจดี")}
        )
        row = AccessLog.objects.get(person=self.somchai)
        self.assertEqual(row.path, reverse("cases:detail", args=[self.bkk_case.number]))

    def test_it_logs_the_notes_an_htmx_note_reply_shows(self) -> None:
        services.note_add(actor=self.supervisor, case=self.bkk_case, body="ผู้ประสบปัญหาย้ายที่พักแล้ว")
        self.client.force_login(self.case_worker)
        url = reverse("cases:note_add", args=[self.bkk_case.number])
        for body in ("โทรติดตามแล้ว", ""):  # a saved note, and one refused: both answers show every note
            with self.subTest(body=body):
                AccessLog.objects.all().delete()
                response = self.client.post(url, {"body": body}, HTTP_HX_REQUEST="true")
                self.assertContains(response, "ผู้ประสบปัญหาย้ายที่พักแล้ว")
                self.assertEqual(logged(self.case_worker), {("case_notes", self.bkk_case.number)})

    def test_it_logs_an_attachment_download(self) -> None:
        upload = SimpleUploadedFile("visit.txt", "บันทึกการเยี่ยมบ้าน".encode(), content_type="text/plain")
        attachment = services.attachment_add(actor=self.case_worker, case=self.bkk_case, uploaded_file=upload)
        self.client.force_login(self.supervisor)
        response = self.client.get(
            reverse("cases:attachment_download", args=[self.bkk_case.number, attachment.pk])
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(logged(self.supervisor), {("attachment_download", self.bkk_case.number)})
