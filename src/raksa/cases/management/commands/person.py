"""`raksa person export`: everything the logbook holds about one person, for a data subject's access request."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from raksa.accounts.models import User
from raksa.cases.access import can_export_person
from raksa.cases.person_export import person_export_json
from raksa.core.errors import NotFound
from raksa.people.selectors import person_get, person_get_by_public_id


class Command(BaseCommand):
    help = (
        "Export everything about one person (record, identifiers, addresses, cases with timeline, notes, "
        "attachment metadata, referrals, merges, access history) as UTF-8 JSON. The export is access-logged. "
        "ส่งออกข้อมูลทั้งหมดของบุคคลตามคำขอของเจ้าของข้อมูล"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{export}")
        export = actions.add_parser("export", help="write one person's data to a JSON file")
        export.add_argument(
            "--person", required=True, help="the person's id (a merged id exports the survivor)"
        )
        export.add_argument("--out", required=True, help="the file to write, or - for standard output")
        export.add_argument(
            "--by",
            default=None,
            help="the admin (username) the export is done for; logged as them instead of as this command",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # An admin on the server may name the row id (as the admin site shows it) or the public id.
            wanted = str(options["person"]).strip()
            person = person_get(pk=wanted) if wanted.isdigit() else person_get_by_public_id(public_id=wanted)
        except NotFound:
            raise CommandError(f"ไม่พบบุคคล / no person with id {options['person']}") from None
        actor = None
        if options["by"]:
            actor = User.objects.filter(username=options["by"]).select_related("unit").first()
            if actor is None or not can_export_person(actor):
                raise CommandError(
                    f"{options['by']} ไม่ใช่ผู้ดูแลระบบ / {options['by']} is not an active admin "
                    "(role admin, or Django staff)"
                )
        # Without --by the row names no staff member: the command line (and who ran it) stands in.
        command = f"raksa person export --person {options['person']} (os user {_os_user()})"
        data = person_export_json(actor=actor, person=person, channel="cli", command=command)
        if options["out"] == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        out = Path(options["out"])
        out.write_bytes(data)
        self.stderr.write(f"wrote {out} ({len(data)} bytes) / บันทึกไฟล์แล้ว")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
