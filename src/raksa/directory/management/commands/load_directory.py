from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from raksa.core.errors import RaksaError
from raksa.directory.services import directory_load


class Command(BaseCommand):
    help = (
        "Load agencies, units, service areas, contacts and the routing table from the directory file "
        "(default: the packaged src/raksa/directory/data/directory.json). Idempotent: the database is made to "
        "match the file; units no longer in the file are deactivated, never deleted. "
        "โหลดทำเนียบหน่วยงานจากไฟล์ (รันซ้ำได้)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", help="a directory.json to load instead of the packaged one")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            directory_load(path=options.get("path"), stdout=self.stdout)
        except RaksaError as exc:
            raise CommandError(f"{exc.message_th} / {exc.message_en}") from None
