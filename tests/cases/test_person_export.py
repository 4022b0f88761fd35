"""A data subject's access request: everything about one person, with who looked at it, as one JSON file."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from raksa.accounts.models import Role, User
from raksa.cases import services
from raksa.cases.access import access_log_write
from raksa.cases.models import AccessLog
from raksa.cases.person_access import person_break_glass
from raksa.cases.person_export import person_export
from raksa.core.errors import Forbidden
from raksa.core.identifiers import make_national_id
from raksa.people.services import person_create, person_merge
from tests.base import BANGKOK, CHIANG_MAI, RaksaTestCase, make_user
from tests.cases.helpers import refer

NATIONAL_ID = make_national_id("350010012345")


class PersonExportTestCase(RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = person_create(
            actor=cls.call_taker,
            title="นาง",
            first_name_th="บุญเรือน",
            last_name_th="ศรีสุข",
            national_id=NATIONAL_ID,
            phones=["0861234567"],
            address={"text": "12 หมู่ 3 ตำบลช้างเผือก", "province_code": CHIANG_MAI},
        )
        cls.other = person_create(actor=cls.call_taker, first_name_th="สมปอง", last_name_th="ใจร้าย")
        cls.case = services.case_create(
            actor=cls.call_taker,
            channel="hotline",
            summary="ถูกสามีทำร้ายร่างกาย",
            category="family_violence",
            subject=cls.person,
            parties=[(cls.other, "alleged_perpetrator")],
            province_code=BANGKOK,
            owning_unit=cls.bkk_office,
        )
        services.note_add(actor=cls.case_worker, case=cls.case, body="เยี่ยมบ้านแล้ว ปลอดภัยดี")
        upload = SimpleUploadedFile("แผนที่.txt", "บ้านเลขที่ 12".encode(), content_type="text/plain")
        services.attachment_add(actor=cls.case_worker, case=cls.case, uploaded_file=upload)
        refer(cls.case, by=cls.case_worker, to_unit=cls.dcy_hq)
        # A duplicate record, merged into the person.
        cls.duplicate = person_create(actor=cls.call_taker, first_name_th="บุญเรือน", last_name_th="ศรีสุข")
        person_merge(actor=cls.supervisor, survivor=cls.person, merged=cls.duplicate, reason="คนเดียวกัน")
        access_log_write(user=cls.case_worker, action="person_view", person=cls.person)
        access_log_write(user=cls.supervisor, action="case_view", case=cls.case)
        cls.kk_worker = make_user("worker_kk", Role.CASE_WORKER, cls.kk_office)
        person_break_glass(user=cls.kk_worker, person=cls.person, reason="ญาติแจ้งว่าย้ายมาขอนแก่น")


class PersonExportTests(PersonExportTestCase):
    def test_it_holds_the_record_identifiers_addresses_cases_merges_and_access_history(self) -> None:
        data = person_export(actor=self.admin_user, person=self.person, channel="web")
        self.assertEqual(data["person"]["first_name_th"], "บุญเรือน")
        self.assertEqual(data["person"]["status_label"], "ไม่ทราบ")
        self.assertIn(
            ("national_id", NATIONAL_ID), [(i["kind"], i["value"]) for i in data["person"]["identifiers"]]
        )
        self.assertEqual(data["person"]["addresses"][0]["text"], "12 หมู่ 3 ตำบลช้างเผือก")
        self.assertEqual([p["id"] for p in data["merged_records"]], [self.duplicate.pk])
        self.assertEqual(
            [(m["merged_id"], m["reason"]) for m in data["merges"]], [(self.duplicate.pk, "คนเดียวกัน")]
        )

        (case,) = data["cases"]
        self.assertEqual((case["number"], case["roles"]), (self.case.number, ["subject"]))
        self.assertEqual(case["category_label"], "ความรุนแรงในครอบครัว")
        self.assertIn("note_added", [e["kind"] for e in case["timeline"]])
        self.assertEqual([n["body"] for n in case["notes"]], ["เยี่ยมบ้านแล้ว ปลอดภัยดี"])
        self.assertEqual([a["original_name"] for a in case["attachments"]], ["แผนที่.txt"])
        self.assertNotIn("file", case["attachments"][0])
        self.assertEqual([(r["to_unit"], r["state"]) for r in case["referrals"]], [("dcy-hq", "pending")])

        self.assertEqual(
            [(g["user"]["username"], g["reason"]) for g in data["break_glass"]],
            [("worker_kk", "ญาติแจ้งว่าย้ายมาขอนแก่น")],
        )
        self.assertEqual(
            [(a["user"]["username"], a["action"], a["break_glass_reason"]) for a in data["access_history"]],
            [
                ("worker_bkk", "person_view", None),
                ("worker_kk", "break_glass", "ญาติแจ้งว่าย้ายมาขอนแก่น"),
                ("admin", "person_export", None),
            ],
        )
        self.assertEqual(
            [(a["user"]["username"], a["action"], a["case"]) for a in data["case_access_history"]],
            [("supervisor_bkk", "case_view", self.case.number)],
        )

    def test_it_leaves_out_the_other_people_on_the_persons_cases(self) -> None:
        text = json.dumps(
            person_export(actor=self.admin_user, person=self.person, channel="web"), ensure_ascii=False
        )
        self.assertNotIn("สมปอง", text)
        self.assertNotIn("alleged_perpetrator", text)

    def test_it_follows_a_merged_id_to_the_person(self) -> None:
        data = person_export(actor=self.admin_user, person=self.duplicate, channel="web")
        self.assertEqual(data["person"]["id"], self.person.pk)

    def test_it_logs_the_export(self) -> None:
        person_export(actor=self.admin_user, person=self.person, channel="admin")
        row = AccessLog.objects.get(action="person_export")
        self.assertEqual((row.user, row.person, row.channel), (self.admin_user, self.person, "admin"))

    def test_it_refuses_anyone_but_an_admin(self) -> None:
        for user in (self.supervisor, self.call_taker, self.case_worker):
            with self.subTest(user=user.username), self.assertRaises(Forbidden):
                person_export(actor=user, person=self.person, channel="web")
        self.assertFalse(AccessLog.objects.filter(action="person_export").exists())


class PersonExportCommandTests(PersonExportTestCase):
    def test_it_writes_utf8_json_with_thai_readable_and_logs_the_command(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "person.json"
            call_command("person", "export", "--person", str(self.person.pk), "--out", str(out))
            raw = out.read_bytes()
        self.assertIn("บุญเรือน".encode(), raw)
        self.assertEqual(json.loads(raw.decode("utf-8"))["person"]["id"], self.person.pk)
        row = AccessLog.objects.get(action="person_export")
        self.assertEqual((row.user, row.person, row.channel), (None, self.person, "cli"))
        self.assertIn(f"raksa person export --person {self.person.pk}", row.path)

    def test_it_finds_the_person_by_public_id_too(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "person.json"
            call_command("person", "export", "--person", self.duplicate.public_id, "--out", str(out))
            data = json.loads(out.read_text(encoding="utf-8"))
        self.assertEqual(data["person"]["public_id"], self.person.public_id)

    def test_it_logs_the_export_as_the_admin_named_by_by(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "person.json"
            call_command(
                "person", "export", "--person", str(self.person.pk), "--out", str(out), "--by", "admin"
            )
        self.assertEqual(AccessLog.objects.get(action="person_export").user, self.admin_user)

    def test_it_refuses_a_non_admin_by_and_a_missing_person(self) -> None:
        with self.assertRaisesMessage(CommandError, "is not an active admin"):
            call_command(
                "person", "export", "--person", str(self.person.pk), "--out", "-", "--by", "worker_bkk"
            )
        with self.assertRaisesMessage(CommandError, "no person with id 999999"):
            call_command("person", "export", "--person", "999999", "--out", "-")
        self.assertFalse(AccessLog.objects.filter(action="person_export").exists())


class PersonExportAdminTests(PersonExportTestCase):
    def action(self, *ids: int):
        return self.client.post(
            "/admin/people/person/",
            {"action": "export_person", "_selected_action": [str(i) for i in ids]},
        )

    def test_it_downloads_the_export_for_one_chosen_person(self) -> None:
        root = User.objects.create_superuser(username="root", password="correct-horse-battery")
        self.client.force_login(root)
        response = self.action(self.person.pk)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertIn(f'filename="person-{self.person.pk}.json"', response["Content-Disposition"])
        self.assertEqual(json.loads(response.content.decode("utf-8"))["person"]["first_name_th"], "บุญเรือน")
        row = AccessLog.objects.get(action="person_export")
        self.assertEqual((row.user, row.channel), (root, "admin"))

    def test_it_asks_for_exactly_one_person(self) -> None:
        root = User.objects.create_superuser(username="root", password="correct-horse-battery")
        self.client.force_login(root)
        response = self.action(self.person.pk, self.other.pk)
        self.assertRedirects(response, "/admin/people/person/", fetch_redirect_response=False)
        self.assertFalse(AccessLog.objects.filter(action="person_export").exists())

    def test_it_refuses_staff_without_the_right_to_see_people(self) -> None:
        self.case_worker.is_staff = True
        self.case_worker.save()
        self.client.force_login(self.case_worker)
        self.assertEqual(self.action(self.person.pk).status_code, 403)
        self.client.force_login(self.supervisor)  # not staff: the admin sends them to its login
        self.assertEqual(self.action(self.person.pk).status_code, 302)
        self.assertFalse(AccessLog.objects.filter(action="person_export").exists())
