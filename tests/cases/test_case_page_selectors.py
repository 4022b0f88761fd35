"""The reads a case page is made of: one case's parts, and a person's history across agencies."""

from __future__ import annotations

import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from raksa.cases.selectors import case_attachment_get, case_history, case_parties, case_referral_get
from raksa.cases.services import attachment_add
from raksa.core.errors import NotFound
from tests.base import RaksaTestCase
from tests.cases.helpers import open_case, person, refer


class CasePartsTests(RaksaTestCase):
    def test_it_gives_a_referral_only_of_its_own_case(self) -> None:
        case = open_case(self.call_taker, self.bkk_office)
        other = open_case(self.call_taker, self.bkk_office)
        referral = refer(other, by=self.case_worker, to_unit=self.dcy_hq)
        self.assertEqual(case_referral_get(case=other, pk=referral.pk), referral)
        with self.assertRaises(NotFound):
            case_referral_get(case=case, pk=referral.pk)

    def test_it_gives_an_attachment_only_of_its_own_case(self) -> None:
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, True)
        overrider = override_settings(MEDIA_ROOT=media)
        overrider.enable()
        self.addCleanup(overrider.disable)
        case = open_case(self.call_taker, self.bkk_office)
        other = open_case(self.call_taker, self.bkk_office)
        upload = SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")
        attachment = attachment_add(actor=self.case_worker, case=other, uploaded_file=upload)
        self.assertEqual(case_attachment_get(case=other, pk=attachment.pk), attachment)
        with self.assertRaises(NotFound):
            case_attachment_get(case=case, pk=attachment.pk)

    def test_it_lists_the_people_on_a_case_in_the_order_they_were_added(self) -> None:
        subject = person("มะลิ", "ศรีสุข")
        case = open_case(self.call_taker, self.bkk_office, subject=subject)
        self.assertEqual([party.person for party in case_parties(case=case)], [subject])


class CaseHistoryTests(RaksaTestCase):
    def test_it_gives_the_newest_cases_the_viewer_may_see_up_to_the_limit(self) -> None:
        someone = person()
        first = open_case(self.call_taker, self.bkk_office, subject=someone)
        second = open_case(self.call_taker, self.bkk_office, subject=someone)
        elsewhere = open_case(self.call_taker, self.cm_office, subject=someone)
        self.assertEqual(
            case_history(user=self.call_taker, person=someone, limit=10), [elsewhere, second, first]
        )
        self.assertEqual(case_history(user=self.case_worker, person=someone, limit=10), [second, first])
        self.assertEqual(case_history(user=self.case_worker, person=someone, limit=1), [second])
        self.assertEqual(case_history(user=self.outsider, person=someone, limit=10), [])
